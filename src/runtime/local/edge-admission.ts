// Which hosts Caddy accepts, when it refuses a configuration: the whole set is split in halves
// until each refused host is found on its own, so one bad host costs a few loads, not the edge.
import type { EdgeRefusal } from '../runtime.ts';
import { CaddyConfigRejected } from './caddy-edge.ts';

/**
 * Loads `hosts` through `load`; when Caddy refuses them, loads the largest set it accepts and
 * answers the hosts left out. Caddy keeps its previous configuration when it refuses one, so the
 * last accepted load is what it serves.
 */
export async function loadAdmitting<T extends { id: string }>(hosts: T[], load: (hosts: T[]) => Promise<void>): Promise<EdgeRefusal[]> {
  try {
    await load(hosts);
    return [];
  } catch (error) {
    if (!(error instanceof CaddyConfigRejected) || hosts.length === 0) throw error;
  }
  const admitted: T[] = [];
  const refused: EdgeRefusal[] = [];
  let servesAdmitted = false;
  const admit = async (group: T[]): Promise<void> => {
    if (group.length === 0) return;
    try {
      await load([...admitted, ...group]);
      admitted.push(...group);
      servesAdmitted = true;
      return;
    } catch (error) {
      if (!(error instanceof CaddyConfigRejected)) throw error;
      if (group.length === 1) {
        refused.push({ id: group[0]!.id, reason: `the edge refused this host's routes: ${error.message}` });
        return;
      }
    }
    const half = Math.ceil(group.length / 2);
    await admit(group.slice(0, half));
    await admit(group.slice(half));
  };
  const half = Math.ceil(hosts.length / 2);
  await admit(hosts.slice(0, half));
  await admit(hosts.slice(half));
  if (!servesAdmitted) await load(admitted);
  return refused;
}
