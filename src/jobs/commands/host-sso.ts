// A customer's single sign-on for a host: identity providers (checked at the provider before
// saving), whether password login stays on, and links of existing users to provider accounts.
// Synapse reads providers from homeserver.yaml, so a change is applied by a rebuild.
import { isDevelopmentDomain } from '../../config.ts';
import { HomeportError, notFound } from '../../domain/errors.ts';
import { userIdOnServer } from '../../domain/matrix-localpart.ts';
import {
  maxProviders, normaliseScopes, passwordLoginError, providerErrors, ssoRedirectUri, synapseIdpId, type FieldError, type SsoProvider,
} from '../../domain/single-sign-on.ts';
import type { ExternalId } from '../../synapse/admin-client.ts';
import { recordAudit } from '../../store/audit-log.ts';
import { findAccountHost } from '../../store/hosts.ts';
import type { Db } from '../../store/database.ts';
import type { HostRow, JobRow } from '../../store/schema.ts';
import {
  deleteSsoProvider, findSsoProvider, listSsoProviders, loadSingleSignOn, passwordLoginOf, saveSsoProvider, setPasswordLogin,
} from '../../store/sso-providers.ts';
import { hostPublicUrl } from '../host-spec.ts';
import type { HomeportContext } from '../../homeport-context.ts';
import { checkProvider } from '../sso-provider-checks.ts';
import { queueRebuild } from './rebuild-host.ts';
import { onSynapse, openServerAdmin } from './server-admin.ts';

export interface SignOnView {
  providers: SsoProvider[];
  passwordLogin: boolean;
  /** What the customer registers at the provider as the redirect URI. */
  redirectUri: string;
}

export interface ProviderInput {
  name: string;
  issuer: string;
  clientId: string;
  /** Required for a new provider; omitted on a change, the stored one stays. */
  clientSecret?: string;
  scopes?: string[];
  userIdSource: SsoProvider['userIdSource'];
}

function invalid(errors: FieldError[]): HomeportError {
  return new HomeportError('invalid-input', 'Invalid identity provider', errors.map((error) => error.message).join(' '), { errors });
}

function refuseIfCancelled(host: HostRow): void {
  if (host.status === 'cancelling' || host.status === 'cancelled') {
    throw new HomeportError('host-busy', 'Host is cancelled', `Host ${host.label} is cancelled and cannot be changed.`);
  }
}

export async function showSignOn(context: HomeportContext, accountId: string, hostRef: string): Promise<SignOnView> {
  const host = await findAccountHost(context.db, accountId, hostRef);
  return {
    providers: await listSsoProviders(context.db, host.id),
    passwordLogin: await passwordLoginOf(context.db, host.id),
    redirectUri: ssoRedirectUri(hostPublicUrl(context.config, host)),
  };
}

/** Runs `change` with the host locked and queues the rebuild that applies it. */
async function changeAndRebuild(context: HomeportContext, accountId: string, hostId: string, change: (trx: Db, host: HostRow) => Promise<Record<string, unknown>>, action: string): Promise<{ signOn: SignOnView; job: JobRow }> {
  const job = await context.db.transaction().execute(async (trx) => {
    await trx.selectFrom('hosts').select('id').where('id', '=', hostId).forUpdate().execute();
    const host = await findAccountHost(trx, accountId, hostId);
    refuseIfCancelled(host);
    const details = await change(trx, host);
    const queued = await queueRebuild(trx, host);
    await recordAudit(trx, { actorAccountId: accountId, actor: 'customer', action, hostId, details });
    return queued;
  });
  return { signOn: await showSignOn(context, accountId, hostId), job };
}

/** Adds or changes the provider `providerId` after checking it at the provider (discovery document, client credentials). */
export async function saveProvider(context: HomeportContext, accountId: string, hostRef: string, providerId: string, input: ProviderInput): Promise<{ signOn: SignOnView; job: JobRow }> {
  const host = await findAccountHost(context.db, accountId, hostRef);
  refuseIfCancelled(host);
  const existing = await findSsoProvider(context.db, host.id, providerId);
  const provider: SsoProvider = {
    id: providerId, name: input.name.trim(), issuer: input.issuer.trim(), clientId: input.clientId,
    scopes: normaliseScopes(input.scopes ?? ['openid', 'profile', 'email']), userIdSource: input.userIdSource,
  };
  const errors = providerErrors(provider, input.clientSecret, isDevelopmentDomain(context.config.baseDomain));
  if (!existing && input.clientSecret === undefined) errors.push({ field: 'clientSecret', message: 'A new provider needs its client secret.' });
  if (!existing && (await listSsoProviders(context.db, host.id)).length >= maxProviders) errors.push({ field: 'id', message: `A host has at most ${maxProviders} identity providers.` });
  if (errors.length > 0) throw invalid(errors);

  const clientSecret = input.clientSecret ?? (await loadSingleSignOn(context.db, context.box, host.id)).providers.find((stored) => stored.id === providerId)?.clientSecret ?? '';
  const found = await checkProvider(context.config, { ...provider, clientSecret, redirectUri: ssoRedirectUri(hostPublicUrl(context.config, host)) });
  if (found.length > 0) throw invalid(found);

  return changeAndRebuild(context, accountId, host.id, async (trx) => {
    await saveSsoProvider(trx, context.box, host.id, provider, input.clientSecret);
    return { provider: provider.id, issuer: provider.issuer, clientId: provider.clientId, secretChanged: input.clientSecret !== undefined };
  }, existing ? 'host.sso-provider-changed' : 'host.sso-provider-added');
}

export async function removeProvider(context: HomeportContext, accountId: string, hostRef: string, providerId: string): Promise<{ signOn: SignOnView; job: JobRow }> {
  const host = await findAccountHost(context.db, accountId, hostRef);
  if (!(await findSsoProvider(context.db, host.id, providerId))) throw notFound(`Identity provider ${providerId} of host ${host.label}`);
  return changeAndRebuild(context, accountId, host.id, async (trx) => {
    const remaining = (await listSsoProviders(trx, host.id)).length - 1;
    const refusal = passwordLoginError(await passwordLoginOf(trx, host.id), remaining);
    if (refusal) throw new HomeportError('invalid-input', 'Last identity provider', `Password login is off: ${refusal}`, { errors: [{ field: 'passwordLogin', message: refusal }] });
    await deleteSsoProvider(trx, host.id, providerId);
    return { provider: providerId };
  }, 'host.sso-provider-removed');
}

export async function changePasswordLogin(context: HomeportContext, accountId: string, hostRef: string, passwordLogin: boolean): Promise<{ signOn: SignOnView; job: JobRow | null }> {
  const host = await findAccountHost(context.db, accountId, hostRef);
  if ((await passwordLoginOf(context.db, host.id)) === passwordLogin) return { signOn: await showSignOn(context, accountId, host.id), job: null };
  const refusal = passwordLoginError(passwordLogin, (await listSsoProviders(context.db, host.id)).length);
  if (refusal) throw new HomeportError('invalid-input', 'No identity provider', refusal, { errors: [{ field: 'passwordLogin', message: refusal }] });
  return changeAndRebuild(context, accountId, host.id, async (trx) => {
    await setPasswordLogin(trx, host.id, passwordLogin);
    return { passwordLogin };
  }, 'host.password-login');
}

/** Links an existing Matrix user of the host to their account at a provider (the provider's `sub`). */
export async function linkUser(context: HomeportContext, accountId: string, hostRef: string, userRef: string, link: { providerId: string; subject: string }): Promise<ExternalId[]> {
  const server = await openServerAdmin(context, accountId, hostRef);
  const { host, admin, homeportUserId } = server;
  if (!(await findSsoProvider(context.db, host.id, link.providerId))) {
    throw new HomeportError('invalid-input', 'Unknown identity provider', `Host ${host.label} has no identity provider ${link.providerId}.`, { errors: [{ field: 'providerId', message: 'No such identity provider on this host.' }] });
  }
  const userId = userIdOnServer(userRef, host.server_name);
  const missing = notFound(`User ${userRef} on host ${host.label}`);
  if (userId === undefined || userId === homeportUserId) throw missing;
  if (!(await onSynapse(host, () => admin.getUser(userId)))) throw missing;
  const authProvider = synapseIdpId(link.providerId);
  const current = await onSynapse(host, () => admin.externalIds(userId));
  const links = [...current.filter((known) => known.authProvider !== authProvider), { authProvider, externalId: link.subject }];
  await onSynapse(host, () => admin.setExternalIds(userId, links));
  await recordAudit(context.db, { actorAccountId: accountId, actor: 'customer', action: 'host.sso-user-linked', hostId: host.id, details: { userId, provider: link.providerId } });
  return links;
}
