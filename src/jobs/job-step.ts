// The shape of a job step: a name the customer sees, a timeout, and an idempotent action.
import type { HomeportContext } from '../homeport-context.ts';

export interface StepInput {
  context: HomeportContext;
  hostId: string;
  jobId: string;
  signal: AbortSignal;
  log(message: string): Promise<void>;
}

export interface JobStep {
  name: string;
  timeoutMs: number;
  /**
   * Must be safe to run again after a crash at any point, including in the middle of itself.
   * Answers 'skipped' when the step does not apply to this job (an export without a passphrase
   * has nothing to encrypt): the step is then shown as skipped, not as done.
   */
  run(input: StepInput): Promise<void | 'skipped'>;
}

/**
 * A failure that no retry can mend (the disk is too small, the source cannot be imported as it
 * is): the job fails at once with this message instead of using its remaining attempts.
 */
export class PermanentJobError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'PermanentJobError';
  }
}
