// Rebuild: re-renders the host's configuration and restarts Synapse, keeping all data.
import { HomeportError } from '../../domain/errors.ts';
import { recordAudit } from '../../store/audit-log.ts';
import { findAccountHost, moveHostStatus } from '../../store/hosts.ts';
import { createJob } from '../../store/jobs.ts';
import type { HostRow, JobRow } from '../../store/schema.ts';
import type { Db } from '../../store/database.ts';
import { hostJobs } from '../host-jobs.ts';
import type { HomeportContext } from '../../homeport-context.ts';

/** Queues a rebuild; a host that is still being built gets it right after its build (same queue). */
export async function queueRebuild(db: Db, host: HostRow): Promise<JobRow> {
  if (host.status === 'cancelling' || host.status === 'cancelled') {
    throw new HomeportError('host-busy', 'Host is being cancelled', `Host ${host.label} is cancelled and cannot be rebuilt.`);
  }
  await moveHostStatus(db, host.id, ['running', 'degraded', 'sleeping', 'failed'], 'rebuilding');
  return createJob(db, host.id, 'rebuild', hostJobs.rebuild.steps.map((step) => step.name));
}

export async function rebuildHost(context: HomeportContext, accountId: string, hostId: string): Promise<{ host: HostRow; job: JobRow }> {
  return context.db.transaction().execute(async (trx) => {
    const host = await findAccountHost(trx, accountId, hostId);
    const job = await queueRebuild(trx, host);
    await recordAudit(trx, { actorAccountId: accountId, actor: 'customer', action: 'host.rebuild', hostId: host.id });
    return { host: await findAccountHost(trx, accountId, host.id), job };
  });
}
