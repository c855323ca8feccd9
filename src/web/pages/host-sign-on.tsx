// The host page's sign-on section: the host's OpenID Connect identity providers, the redirect URI
// to register at them, and whether password login stays on. Each change rebuilds the host.
import { useState } from 'react';
import { del, get, put, seg } from '../api-client.ts';
import type { Host, JobSummary } from '../api-types.ts';
import { CopyButton, Field, Loading, ProblemBanner, useAction, useSubmit, SelectField } from '../forms.tsx';
import { navigate } from '../router.tsx';
import { useApi } from '../use-api.ts';
import { HostSettingsFrame } from './host-nav.tsx';

type UserIdSource = 'preferred_username' | 'sub' | 'email_localpart';

interface SsoProvider {
  id: string;
  name: string;
  issuer: string;
  clientId: string;
  scopes: string[];
  userIdSource: UserIdSource;
}

interface SignOn {
  providers: SsoProvider[];
  passwordLogin: boolean;
  redirectUri: string;
}

const userIdSources: { value: UserIdSource; label: string }[] = [
  { value: 'preferred_username', label: 'Their user name at the provider (preferred_username)' },
  { value: 'email_localpart', label: 'Their email address, before the @' },
  { value: 'sub', label: 'The provider\'s internal subject id (sub)' },
];

const emptyProvider = { id: '', name: '', issuer: '', clientId: '', clientSecret: '', scopes: 'openid profile email', userIdSource: 'preferred_username' as UserIdSource };

export function HostSignOnPage({ hostId }: { hostId: string }) {
  return <HostSettingsFrame hostId={hostId}>{(h) => <SignOnSection host={h} />}</HostSettingsFrame>;
}

export function SignOnSection({ host }: { host: Host }) {
  const path = `/hosts/${seg(host.label)}/sso`;
  const signOn = useApi(() => get<SignOn>(path), [path]);
  const [draft, setDraft] = useState(emptyProvider);
  const [editing, setEditing] = useState(false);
  const afterChange = (job: JobSummary | null) => { if (job) navigate(`/hosts/${host.label}/jobs/${job.id}`); };

  const save = useSubmit(async () => {
    const body = {
      name: draft.name, issuer: draft.issuer, clientId: draft.clientId, userIdSource: draft.userIdSource,
      scopes: draft.scopes.split(/\s+/).filter((scope) => scope !== ''),
      ...(draft.clientSecret === '' ? {} : { clientSecret: draft.clientSecret }),
    };
    const { job } = await put<{ job: JobSummary }>(`${path}/providers/${seg(draft.id)}`, body);
    afterChange(job);
  });
  const remove = useAction(async (providerId: string) => afterChange((await del<{ job: JobSummary }>(`${path}/providers/${seg(providerId)}`)).job));
  const passwords = useAction(async (passwordLogin: boolean) => afterChange((await put<{ job: JobSummary | null }>(`${path}/password-login`, { passwordLogin })).job));

  if (!signOn.data) return <section className="panel-section"><h2>Sign-on</h2>{signOn.problem ? <ProblemBanner problem={signOn.problem} /> : <Loading />}</section>;
  const { providers, passwordLogin, redirectUri } = signOn.data;
  const set = (field: keyof typeof draft) => (event: { target: { value: string } }) => setDraft({ ...draft, [field]: event.target.value });

  return (
    <section className="panel-section" data-testid="sign-on-section">
      <h2>Sign-on</h2>
      <p className="muted">Let the users of {host.serverName} log in with your organisation&apos;s identity provider (OpenID Connect). Register this redirect URI at the provider:</p>
      <p><code data-testid="sso-redirect-uri">{redirectUri}</code> <CopyButton text={redirectUri} /></p>
      <ProblemBanner problem={remove.problem ?? passwords.problem} />
      {providers.length > 0 && (
        <ul className="plain-list" data-testid="sso-providers">
          {providers.map((provider) => (
            <li key={provider.id}>
              <strong>{provider.name}</strong> <span className="muted">({provider.id}: {provider.issuer}, client {provider.clientId})</span>{' '}
              <button type="button" className="secondary" onClick={() => { setDraft({ ...provider, clientSecret: '', scopes: provider.scopes.join(' ') }); setEditing(true); }}>Change</button>{' '}
              <button type="button" className="secondary" disabled={remove.busy} onClick={() => void remove.run(provider.id)}>Remove</button>
            </li>
          ))}
        </ul>
      )}
      <form onSubmit={(event) => void save.onSubmit(event)} noValidate data-testid="sso-provider-form">
        <h3>{editing ? `Change ${draft.id}` : 'Add an identity provider'}</h3>
        <ProblemBanner problem={save.problem} />
        {!editing && <Field label="Id" name="id" value={draft.id} onChange={set('id')} problem={save.problem} hint="Short, lowercase, e.g. staff; part of the login URL." />}
        <Field label="Name on the login button" name="name" value={draft.name} onChange={set('name')} problem={save.problem} />
        <Field label="Issuer" name="issuer" value={draft.issuer} onChange={set('issuer')} problem={save.problem} hint="Exactly as the provider's discovery document names it, e.g. https://login.example.org/realms/staff." />
        <Field label="Client ID" name="clientId" value={draft.clientId} onChange={set('clientId')} problem={save.problem} />
        <Field label="Client secret" name="clientSecret" type="password" autoComplete="off" value={draft.clientSecret} onChange={set('clientSecret')} problem={save.problem} hint={editing ? 'Leave empty to keep the stored secret. Homeport keeps it encrypted and never shows it again.' : 'Homeport keeps it encrypted and never shows it again.'} />
        <Field label="Scopes" name="scopes" value={draft.scopes} onChange={set('scopes')} problem={save.problem} hint="Separated by spaces; openid is required." />
        <SelectField label="Matrix user name from" name="userIdSource" value={draft.userIdSource} onChange={set('userIdSource')} problem={save.problem}>
          {userIdSources.map((source) => <option key={source.value} value={source.value}>{source.label}</option>)}
        </SelectField>
        <p className="muted">Homeport checks the provider&apos;s discovery document and the client credentials before saving; saving restarts the server.</p>
        <button type="submit" disabled={save.busy}>{editing ? 'Save provider' : 'Add provider'}</button>
        {editing && <button type="button" className="secondary" onClick={() => { setDraft(emptyProvider); setEditing(false); }}>Cancel</button>}
      </form>
      <h3>Password login</h3>
      <p data-testid="password-login">{passwordLogin ? 'Users can also log in with a password.' : 'Password login is off: users log in only through an identity provider.'}</p>
      <button type="button" className="secondary" disabled={passwords.busy || (passwordLogin && providers.length === 0)} onClick={() => void passwords.run(!passwordLogin)}>
        {passwordLogin ? 'Switch password login off' : 'Switch password login on'}
      </button>
    </section>
  );
}
