// Follows a job until it ends, printing each step as it starts and finishes and every log line.
import type { ApiClient } from './api-client.ts';

interface JobView {
  id: string;
  status: 'queued' | 'running' | 'succeeded' | 'failed';
  error: string | null;
  progress: number;
  steps: { name: string; status: string }[];
  logs: { id: number; level: string; message: string }[];
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function followJob(api: ApiClient, jobId: string, write: (line: string) => void, pollMs = 500): Promise<JobView> {
  const seen = new Map<string, string>();
  let logsAfter = 0;
  for (;;) {
    const job = await api.request<JobView>('GET', `/api/v1/jobs/${jobId}?logsAfter=${logsAfter}`);
    job.steps.forEach((step, index) => {
      if (seen.get(step.name) === step.status || step.status === 'pending') return;
      seen.set(step.name, step.status);
      const mark = step.status === 'done' ? 'done' : step.status === 'failed' ? 'FAILED' : '...';
      write(`[${String(index + 1).padStart(2)}/${job.steps.length}] ${step.name.padEnd(28)} ${mark}   (${job.progress}%)`);
    });
    for (const line of job.logs) {
      write(`        ${line.level === 'info' ? '' : line.level.toUpperCase() + ': '}${line.message}`);
      logsAfter = Math.max(logsAfter, line.id);
    }
    if (job.status === 'succeeded' || job.status === 'failed') return job;
    await sleep(pollMs);
  }
}
