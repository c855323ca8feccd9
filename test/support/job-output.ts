// Reads the CLI's `--wait` progress lines: a step is shown by its customer words (the panel's too).
import { jobStepWords, stepStatusWords, type JobKind, type StepStatus } from '../../src/contract/job-step-words.ts';

/** Whether `stdout` has the line "[ n/N] <the step's words>   <the state's words>" (done, skipped (not needed), …). */
export function stepShownAs(stdout: string, kind: JobKind, step: string, status: StepStatus): boolean {
  const words = jobStepWords(kind, step);
  const state = stepStatusWords[status];
  return stdout.split('\n').some((line) => {
    const text = line.trimEnd();
    return text.endsWith(` ${state}`) && /^\[\s*\d+\/\d+\] (.*?)\s+$/.exec(text.slice(0, -state.length))?.[1] === words;
  });
}

/** Whether `stdout` has the line "[ n/N] <the step's words>   done". */
export function stepShownDone(stdout: string, kind: JobKind, step: string): boolean {
  return stepShownAs(stdout, kind, step, 'done');
}
