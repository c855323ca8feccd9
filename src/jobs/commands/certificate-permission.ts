// Answers the edge's on-demand TLS question: may this name get a certificate? Only names of live
// hosts may: their base name, custom homeserver and client domains, and earlier client domains;
// and, while the installation offers calls, the calls name (rtc.<base domain>).
// Two primary-key lookups (the label, the host_names row), whatever the number of hosts.
import type { Config } from '../../config.ts';
import { callsHostname } from '../../domain/calls.ts';
import { canonicalName } from '../../domain/custom-dns.ts';
import type { Db } from '../../store/database.ts';
import { routedStatuses } from '../edge-hosts.ts';

export async function mayHaveCertificate(context: { db: Db; config: Pick<Config, 'baseDomain' | 'calls'> }, name: string): Promise<boolean> {
  const domain = canonicalName(name);
  if (domain === '' || domain.length > 253) return false;
  if (context.config.calls.enabled && domain === callsHostname(context.config.baseDomain)) return true;
  const suffix = `.${context.config.baseDomain}`;
  const label = domain.endsWith(suffix) ? domain.slice(0, -suffix.length) : undefined;
  const host = await context.db
    .selectFrom('hosts')
    .select('id')
    .where('status', 'in', [...routedStatuses])
    .where((eb) => eb.or([
      ...(label && !label.includes('.') ? [eb('label', '=', label)] : []),
      eb('id', '=', eb.selectFrom('host_names').select('host_id').where('name', '=', domain)),
    ]))
    .executeTakeFirst();
  return host !== undefined;
}
