// Personal API tokens for the CLI and automation: create (shown once), list, revoke.
import { useState } from 'react';
import { del, get, post, seg } from '../api-client.ts';
import type { ApiToken } from '../api-types.ts';
import { ConfirmButton, EmptyState, Field, Loading, ProblemBanner, ShownOnce, useAction, useSubmit } from '../forms.tsx';
import { formatDate } from '../format.tsx';
import { PageTitle } from '../layout.tsx';
import { useApi } from '../use-api.ts';
import { AccountTabs } from './account-nav.tsx';

export function ApiTokensPage() {
  const tokens = useApi(() => get<{ tokens: ApiToken[] }>('/account/tokens'), []);
  const [name, setName] = useState('');
  const [created, setCreated] = useState<{ name: string; token: string } | undefined>();
  const create = useSubmit(async () => {
    const answer = await post<{ id: string; name: string; token: string }>('/account/tokens', { name });
    setCreated({ name: answer.name, token: answer.token });
    setName('');
    await tokens.reload();
  });
  const revoke = useAction(async (token: ApiToken) => {
    await del(`/account/tokens/${seg(token.id)}`);
    await tokens.reload();
  });
  return (
    <section>
      <PageTitle>Account</PageTitle>
      <AccountTabs />
      <h2>API tokens</h2>
      <p>A token lets the <code>homeport</code> CLI or your scripts act for you: <code>Authorization: Bearer &lt;token&gt;</code>.</p>
      {created && <ShownOnce label={`Token "${created.name}"`} value={created.token} warning="This token is shown only once. Copy it now and keep it secret; Homeport stores only a hash of it." />}
      <form className="inline-form" onSubmit={(event) => void create.onSubmit(event)} noValidate>
        <ProblemBanner problem={create.problem} />
        <Field label="Token name" name="name" value={name} onChange={(e) => setName(e.target.value)} problem={create.problem} hint="What the token is for, e.g. “deploy script”." />
        <button type="submit" disabled={create.busy}>Create token</button>
      </form>
      <ProblemBanner problem={tokens.problem ?? revoke.problem} />
      {!tokens.data ? <Loading /> : tokens.data.tokens.length === 0 ? <EmptyState title="No API tokens yet" /> : (
        <table>
          <thead><tr><th>Name</th><th>Created</th><th>Last used</th><th><span className="sr-only">Actions</span></th></tr></thead>
          <tbody>
            {tokens.data.tokens.map((token) => (
              <tr key={token.id}>
                <td data-label="Name">{token.name}</td>
                <td data-label="Created">{formatDate(token.createdAt)}</td>
                <td data-label="Last used">{formatDate(token.lastUsedAt)}</td>
                <td><ConfirmButton label="Revoke" question="Whatever uses this token stops working at once." confirmLabel="Revoke token" busy={revoke.busy} onConfirm={() => void revoke.run(token)} /></td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
