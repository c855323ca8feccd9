// Reads the CLI's `--wait` progress lines: a step is shown by its customer words (the panel's too).
import { jobStepWords, type JobKind } from '../../src/contract/job-step-words.ts';

/** Whether `stdout` has the line "[ n/N] <the step's words>   done". */
export function stepShownDone(stdout: string, kind: JobKind, step: string): boolean {
  const words = jobStepWords(kind, step);
  return stdout.split('\n').some((line) => /^\[\s*\d+\/\d+\] (.*?)\s+done$/.exec(line.trimEnd())?.[1] === words);
}
