// Changes a customer may make to a running host: more seats (applied to Synapse by a rebuild)
// and the Trust & Safety contact (published by the edge at once).
import { HomeportError } from '../../domain/errors.ts';
import { checkSeatChange } from '../../domain/seats.ts';
import { recordAudit } from '../../store/audit-log.ts';
import { findAccountHost, updateHost } from '../../store/hosts.ts';
import type { HostRow, JobRow } from '../../store/schema.ts';
import { applyEdgeFromDatabase } from '../edge-hosts.ts';
import type { HomeportContext } from '../job-context.ts';
import { findSize } from './create-host.ts';
import { queueRebuild } from './rebuild-host.ts';

export interface HostChanges {
  seats?: number;
  supportEmail?: string | null;
}

export async function updateHostSettings(
  context: HomeportContext,
  accountId: string,
  hostId: string,
  changes: HostChanges,
): Promise<{ host: HostRow; job?: JobRow }> {
  const result = await context.db.transaction().execute(async (trx) => {
    // Locks the row so two concurrent seat changes cannot both pass the "only up" check.
    const current = await findAccountHost(trx, accountId, hostId);
    await trx.selectFrom('hosts').select('id').where('id', '=', current.id).forUpdate().execute();
    const host = await findAccountHost(trx, accountId, current.id);
    if (host.status === 'cancelling' || host.status === 'cancelled') {
      throw new HomeportError('host-busy', 'Host is cancelled', `Host ${host.label} is cancelled and cannot be changed.`);
    }
    let job: JobRow | undefined;
    if (changes.seats !== undefined && changes.seats !== host.seats) {
      checkSeatChange(findSize(context.sizes, host.size), host.seats, changes.seats);
      await updateHost(trx, host.id, { seats: changes.seats });
      job = await queueRebuild(trx, { ...host, seats: changes.seats });
      await recordAudit(trx, { actorAccountId: accountId, actor: 'customer', action: 'host.seats', hostId: host.id, details: { from: host.seats, to: changes.seats } });
    }
    if (changes.supportEmail !== undefined && changes.supportEmail !== host.support_email) {
      await updateHost(trx, host.id, { support_email: changes.supportEmail });
      await recordAudit(trx, { actorAccountId: accountId, actor: 'customer', action: 'host.support-contact', hostId: host.id, details: { email: changes.supportEmail } });
    }
    return { host: await findAccountHost(trx, accountId, host.id), job };
  });
  if (changes.supportEmail !== undefined) await applyEdgeFromDatabase(context);
  return result;
}
