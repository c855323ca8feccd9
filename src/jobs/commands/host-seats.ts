// Seats in use on a host: Synapse's monthly active users, counted in the host's database.
import type { HostSpec } from '../../runtime/runtime.ts';
import type { HostRow } from '../../store/schema.ts';
import { countMonthlyActiveUsers } from '../../synapse/homeport-user-rows.ts';
import { hostAllocated, loadHostSpec } from '../host-spec.ts';
import type { HomeportContext } from '../../homeport-context.ts';

/** Where Synapse has counted its users: the database exists and holds its schema. */
const countedStatuses: HostRow['status'][] = ['running', 'degraded', 'sleeping', 'rebuilding', 'exporting', 'upgrading'];

/** Monthly active users of the host (Homeport's own support user is never one); null when it cannot be told now. */
export async function seatsInUse(context: HomeportContext, host: HostRow, spec?: HostSpec): Promise<number | null> {
  if (!countedStatuses.includes(host.status) || !hostAllocated(host)) return null;
  try {
    const { database } = spec ?? await loadHostSpec(context, host.id);
    return await context.portability.withDatabase(database, countMonthlyActiveUsers);
  } catch (error) {
    context.logger.warn({ host: host.label, err: error }, 'seats in use could not be counted');
    return null;
  }
}
