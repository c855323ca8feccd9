// Follows a job until it ends, printing step changes (in the panel's words for each step) and log
// lines in the order they happened.
import type { Static } from 'typebox';
import { jobStatusWords, jobStepWords, stepStatusWords } from '../contract/job-step-words.ts';
import { jobKindWords, wordsOr } from '../contract/status-words.ts';
import type { Job } from '../contract/jobs.ts';
import type { ApiClient } from './api-client.ts';

type JobView = Static<typeof Job>;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** `jobsPath` is `/api/v1/operator/jobs` for jobs of hosts the operator does not own (imports). */
export async function followJob(api: ApiClient, jobId: string, write: (line: string) => void, pollMs = 300, jobsPath = '/api/v1/jobs'): Promise<JobView> {
  const shown = new Map<string, string>();
  let logsAfter = 0;
  for (;;) {
    const job = await api.request<JobView>('GET', `${jobsPath}/${jobId}?logsAfter=${logsAfter}`);
    const events: { at: number; order: number; line: string }[] = [];
    job.steps.forEach((step, index) => {
      if (step.status === 'pending' || shown.get(step.name) === step.status) return;
      shown.set(step.name, step.status);
      const at = Date.parse(step.finishedAt ?? step.startedAt ?? '') || Date.now();
      events.push({ at, order: 1, line: `[${String(index + 1).padStart(2)}/${job.steps.length}] ${jobStepWords(job.kind, step.name).padEnd(48)} ${stepStatusWords[step.status] ?? step.status}` });
    });
    for (const log of job.logs) {
      // A step logs what it did just before it is marked done, so its log line sorts first.
      events.push({ at: Date.parse(log.at), order: 0, line: `        ${log.level === 'info' ? '' : log.level.toUpperCase() + ': '}${log.message}` });
      logsAfter = Math.max(logsAfter, log.id);
    }
    events.sort((a, b) => a.at - b.at || a.order - b.order).forEach((event) => write(event.line));
    if (job.status === 'succeeded' || job.status === 'failed') return job;
    await sleep(pollMs);
  }
}

/** "job <id>: Build, waiting to start": a job just queued, in the panel's words for its kind and state. */
export function queuedJobLine(job: { id: string; kind: string; status: string }): string {
  return `job ${job.id}: ${wordsOr(jobKindWords, job.kind)}, ${wordsOr(jobStatusWords, job.status).toLowerCase()}`;
}

/** "job finished", or "job failed: <why>": how a followed job ended. */
export function finishedJobLine(job: { status: string; error: string | null }): string {
  return job.status === 'failed' ? `job failed: ${job.error ?? 'unknown error'}` : `job ${wordsOr(jobStatusWords, job.status).toLowerCase()}`;
}

/** Says what a change queued (or that nothing changed) and, with `wait`, follows that job; a failed job makes the command exit 1. */
export async function reportQueuedJob(api: ApiClient, job: { id: string; kind: string; status: string } | null, wait: boolean | undefined, write: (line: string) => void): Promise<void> {
  if (!job) {
    write('nothing to change');
    return;
  }
  write(queuedJobLine(job));
  if (!wait) return;
  const finished = await followJob(api, job.id, write);
  write(finishedJobLine(finished));
  if (finished.status === 'failed') process.exitCode = 1;
}
