// Which hosts the edge routes: every live host whose ports are allocated, derived from the database.
import type { EdgeRoute } from '../runtime/runtime.ts';
import type { HomeportContext } from './job-context.ts';
import { hostAddresses } from './host-spec.ts';

const routedStatuses = ['provisioning', 'running', 'degraded', 'rebuilding', 'failed', 'exporting'] as const;

export async function routedHosts(context: Pick<HomeportContext, 'db' | 'config'>): Promise<EdgeRoute[]> {
  const rows = await context.db
    .selectFrom('hosts')
    .select(['id', 'label', 'server_name', 'custom_client_domain', 'http_port', 'support_email'])
    .where('status', 'in', [...routedStatuses])
    .where('http_port', 'is not', null)
    .orderBy('created_at')
    .execute();
  return rows.map((row) => ({
    id: row.id,
    httpPort: row.http_port as number,
    supportEmail: row.support_email,
    ...hostAddresses(context.config, row),
  }));
}

/** Re-renders the edge from the database: the same call adds, updates and removes routes. */
export async function applyEdgeFromDatabase(context: HomeportContext): Promise<void> {
  await context.runtime.applyEdge(await routedHosts(context));
}
