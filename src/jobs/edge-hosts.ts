// Which hosts the edge routes: every live host whose ports are allocated, derived from the database.
import type { HostSpec } from '../runtime/runtime.ts';
import type { HomeportContext } from './job-context.ts';
import { loadHostSpec } from './host-spec.ts';

const routedStatuses = ['provisioning', 'running', 'degraded', 'rebuilding', 'failed'] as const;

export async function routedHostSpecs(context: HomeportContext): Promise<HostSpec[]> {
  const rows = await context.db
    .selectFrom('hosts')
    .innerJoin('host_secrets', 'host_secrets.host_id', 'hosts.id')
    .select('hosts.id')
    .where('hosts.status', 'in', [...routedStatuses])
    .where('hosts.http_port', 'is not', null)
    .orderBy('hosts.created_at')
    .execute();
  const specs: HostSpec[] = [];
  for (const row of rows) {
    // A host that is still generating its secrets is skipped until its build gets that far.
    const spec = await loadHostSpec(context, row.id).catch(() => undefined);
    if (spec) specs.push(spec);
  }
  return specs;
}

/** Re-renders the edge from the database: the same call adds, updates and removes routes. */
export async function applyEdgeFromDatabase(context: HomeportContext): Promise<void> {
  await context.runtime.applyEdge(await routedHostSpecs(context));
}
