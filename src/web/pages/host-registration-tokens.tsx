// Server admin: a host's registration tokens. Create (random or chosen, uses allowed, expiry),
// list with pending and completed registrations and expiry, revoke.
import { useState } from 'react';
import { del, get, post, seg } from '../api-client.ts';
import type { RegistrationToken } from '../api-types.ts';
import { ConfirmButton, CopyButton, EmptyState, Field, Loading, Notice, ProblemBanner, useAction, useSubmit } from '../forms.tsx';
import { formatDate } from '../format.tsx';
import { useApi } from '../use-api.ts';
import { HostAdminFrame } from './host-nav.tsx';

export function RegistrationTokensPage({ hostId }: { hostId: string }) {
  const tokens = useApi(() => get<{ tokens: RegistrationToken[]; seatWarning: string | null }>(`/hosts/${seg(hostId)}/registration-tokens`), [hostId]);
  const [created, setCreated] = useState<string | undefined>();
  const revoke = useAction(async (token: string) => {
    await del(`/hosts/${seg(hostId)}/registration-tokens/${seg(token)}`);
    if (created === token) setCreated(undefined);
    await tokens.reload();
  });
  return (
    <HostAdminFrame hostId={hostId}>{() => (<>
      <h2>Registration tokens</h2>
      <p className="muted">With a token, people can create their own account on this host: they enter username and password as normal, then the token. A host with tokens requires one to register.</p>
      {created && <Notice kind="success">Token created: <code>{created}</code> <CopyButton text={created} /></Notice>}
      <CreateTokenForm hostId={hostId} onCreated={async (token) => { setCreated(token); await tokens.reload(); }} />
      {tokens.data?.seatWarning && <Notice kind="warning">{tokens.data.seatWarning}</Notice>}
      <ProblemBanner problem={tokens.problem ?? revoke.problem} />
      {!tokens.data ? (tokens.problem ? null : <Loading what="Loading tokens" />) : tokens.data.tokens.length === 0 ? (
        <EmptyState title="No registration tokens"><p>Without tokens, only the users you add can log in.</p></EmptyState>
      ) : (
        <table className="tokens">
          <thead><tr><th>Token</th><th>Uses allowed</th><th>Pending</th><th>Completed</th><th>Expires</th><th>State</th><th><span className="sr-only">Actions</span></th></tr></thead>
          <tbody>
            {tokens.data.tokens.map((token) => (
              <tr key={token.token} data-token={token.token}>
                <td data-label="Token"><code>{token.token}</code></td>
                <td data-label="Uses allowed">{token.usesAllowed ?? 'Unlimited'}</td>
                <td data-label="Pending">{token.pending}</td>
                <td data-label="Completed">{token.completed}</td>
                <td data-label="Expires">{token.expiresAt ? formatDate(token.expiresAt) : 'Never'}</td>
                <td data-label="State">{token.usable ? 'Usable' : 'Expired or used up'}</td>
                <td><ConfirmButton label="Revoke" question="Nobody can register with it afterwards." confirmLabel="Revoke token" busy={revoke.busy} onConfirm={() => void revoke.run(token.token)} /></td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>)}</HostAdminFrame>
  );
}

function CreateTokenForm({ hostId, onCreated }: { hostId: string; onCreated(token: string): Promise<void> }) {
  const [token, setToken] = useState('');
  const [uses, setUses] = useState('');
  const [expires, setExpires] = useState('');
  const { busy, problem, onSubmit } = useSubmit(async () => {
    const created = await post<RegistrationToken>(`/hosts/${seg(hostId)}/registration-tokens`, {
      ...(token.trim() ? { token: token.trim() } : {}),
      usesAllowed: uses.trim() === '' ? null : Number(uses),
      expiresAt: expires === '' ? null : new Date(expires).toISOString(),
    });
    setToken('');
    setUses('');
    setExpires('');
    await onCreated(created.token);
  });
  return (
    <form className="panel-section" onSubmit={(event) => void onSubmit(event)} noValidate>
      <h3>Create a token</h3>
      <ProblemBanner problem={problem} />
      <div className="row">
        <Field label="Token (optional)" name="token" autoComplete="off" value={token} onChange={(e) => setToken(e.target.value)} problem={problem} hint="Leave empty for a random one. Letters, digits and . _ ~ -" />
        <Field label="Uses allowed" name="usesAllowed" type="number" min={1} value={uses} onChange={(e) => setUses(e.target.value)} problem={problem} hint="Empty for unlimited." />
        <Field label="Expires" name="expiresAt" type="datetime-local" value={expires} onChange={(e) => setExpires(e.target.value)} problem={problem} hint="Empty for never." />
      </div>
      <button type="submit" disabled={busy}>Create token</button>
    </form>
  );
}
