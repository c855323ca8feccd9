// What one Homeport process does: serve the API and panel, run queued jobs, reconcile hosts,
// and run the edge with the local runtime's processes. `homeport start --roles` picks some;
// several processes (replicas) sharing one PostgreSQL together run all of them.
export const controlPlaneRoles = ['api', 'worker', 'reconciler', 'edge'] as const;

export type ControlPlaneRole = (typeof controlPlaneRoles)[number];

export class RolesError extends Error {}

/** Parses a comma-separated list of roles; empty or missing means every role. */
export function parseRoles(raw: string | undefined, source: string): ReadonlySet<ControlPlaneRole> {
  const names = (raw ?? '').split(',').map((name) => name.trim()).filter((name) => name !== '');
  if (names.length === 0) return new Set(controlPlaneRoles);
  const unknown = names.filter((name) => !(controlPlaneRoles as readonly string[]).includes(name));
  if (unknown.length > 0) throw new RolesError(`${source} takes a comma-separated list of ${controlPlaneRoles.join(', ')}; unknown: ${unknown.join(', ')}`);
  return new Set(names as ControlPlaneRole[]);
}
