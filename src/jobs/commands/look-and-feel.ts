// A host's client look and feel: shown, validated (every URL fetched SSRF-safely and judged) and
// saved even with findings; Element Web's config.json is rewritten at once, with no rebuild.
import { renderElementConfig, type LookAndFeel } from '../../domain/element-config.ts';
import { HomeportError } from '../../domain/errors.ts';
import { judgeLookAndFeelUrl, lookAndFeelFields, lookAndFeelProblems, type LookAndFeelField, type LookAndFeelFinding } from '../../domain/look-and-feel-findings.ts';
import { safeFetch } from '../../net/safe-fetch.ts';
import { recordAudit } from '../../store/audit-log.ts';
import { findAccountHost } from '../../store/hosts.ts';
import { findLookAndFeel, lookAndFeelOf, saveLookAndFeel } from '../../store/look-and-feel.ts';
import type { HostRow } from '../../store/schema.ts';
import { customerFetchOptions } from '../customer-url-fetch.ts';
import { callsServiceUrlFor, hostPublicUrl } from '../host-spec.ts';
import type { HomeportContext } from '../../homeport-context.ts';

const maxPageBytes = 1024 * 1024;
const maxImageBytes = 5 * 1024 * 1024;
const maxRedirects = 10;

export interface HostLookAndFeel {
  host: HostRow;
  lookAndFeel: LookAndFeel;
  updatedAt: Date | null;
}

export async function showLookAndFeel(context: HomeportContext, accountId: string, hostRef: string): Promise<HostLookAndFeel> {
  const host = await findAccountHost(context.db, accountId, hostRef);
  const row = await findLookAndFeel(context.db, host.id);
  return { host, lookAndFeel: lookAndFeelOf(row), updatedAt: row ? new Date(row.updated_at) : null };
}

/** Fetches every URL that is set, all at once, and judges what came back. */
export async function validateLookAndFeel(context: HomeportContext, value: LookAndFeel): Promise<LookAndFeelFinding[]> {
  const isPage = (field: LookAndFeelField) => field === 'homeUrl' || field === 'welcomeUrl';
  const [pageOptions, imageOptions] = await Promise.all([
    customerFetchOptions(context.config, { maxBytes: maxPageBytes, maxRedirects, accept: 'text/html' }),
    customerFetchOptions(context.config, { maxBytes: maxImageBytes, maxRedirects, accept: 'image/*' }),
  ]);
  const judged = await Promise.all(lookAndFeelFields.map(async (field) => {
    const url = value[field];
    if (url === null) return [];
    return judgeLookAndFeelUrl(field, url, await safeFetch(url, isPage(field) ? pageOptions : imageOptions));
  }));
  return judged.flat();
}

/** Writes the host's Element Web config.json from its row and look and feel. */
export async function writeHostClientConfig(context: HomeportContext, host: HostRow, lookAndFeel: LookAndFeel): Promise<void> {
  await context.runtime.writeClientConfig(host.id, renderElementConfig({
    homeserverUrl: hostPublicUrl(context.config, host), serverName: host.server_name, lookAndFeel, calls: callsServiceUrlFor(context.config, host) !== null,
  }));
}

/**
 * Saves the fields given (the others keep their value; null clears one). Findings are returned,
 * never a reason to refuse: a page may be right although the check cannot see it.
 */
export async function saveHostLookAndFeel(
  context: HomeportContext,
  accountId: string,
  hostRef: string,
  changes: Partial<LookAndFeel>,
): Promise<HostLookAndFeel & { findings: LookAndFeelFinding[] }> {
  const current = await showLookAndFeel(context, accountId, hostRef);
  const { host } = current;
  if (host.status === 'cancelling' || host.status === 'cancelled') {
    throw new HomeportError('host-busy', 'Host is cancelled', `Host ${host.label} is cancelled and cannot be changed.`);
  }
  // An empty value clears the field, like null.
  const trimmed = Object.fromEntries(Object.entries(changes).map(([key, value]) => [key, value?.trim() || null]));
  const wanted: LookAndFeel = { ...current.lookAndFeel, ...trimmed };
  const problems = lookAndFeelProblems(wanted);
  if (problems.length > 0) {
    throw new HomeportError('look-and-feel-invalid', 'Invalid look and feel', problems.map((problem) => problem.message).join(' '), { errors: problems });
  }
  const findings = await validateLookAndFeel(context, wanted);
  const row = await context.db.transaction().execute(async (trx) => {
    const saved = await saveLookAndFeel(trx, host.id, wanted);
    await recordAudit(trx, { actorAccountId: accountId, actor: 'customer', action: 'host.look-and-feel', hostId: host.id, details: { ...wanted, findings: findings.map((finding) => finding.code) } });
    return saved;
  });
  await writeHostClientConfig(context, host, wanted);
  return { host, lookAndFeel: lookAndFeelOf(row), updatedAt: new Date(row.updated_at), findings };
}
