// A custom-DNS host's own domains on its page: what to publish (both well-knowns, the CNAME
// record, nginx/Caddy/static snippets with copy buttons), "Check again" with the last result,
// moving to a new client domain, and switching an old client domain to "server moved".
import { useState } from 'react';
import { get, post, put, seg } from '../api-client.ts';
import type { Delegation, DelegationCheck, Host, JobSummary, PreviousClientDomain } from '../api-types.ts';
import { CopyButton, Field, Loading, Notice, ProblemBanner, useAction, useSubmit } from '../forms.tsx';
import { navigate } from '../router.tsx';
import { useApi } from '../use-api.ts';
import { CheckResult } from '../check-findings.tsx';

function Snippet({ title, text }: { title: string; text: string }) {
  return (
    <div className="snippet">
      <div className="snippet-head"><h4>{title}</h4><CopyButton text={text} label={`Copy ${title}`} /></div>
      {/* Focusable: a long line scrolls sideways on a phone, and the keyboard must reach it. */}
      <pre tabIndex={0} aria-label={title}><code>{text}</code></pre>
    </div>
  );
}

export function DelegationSection({ host }: { host: Host }) {
  const delegation = useApi(() => get<Delegation>(`/hosts/${seg(host.label)}/delegation`), [host.label, host.customDns?.clientDomain]);
  const [check, setCheck] = useState<DelegationCheck | null | undefined>();
  const checkAgain = useSubmit(async () => {
    setCheck(await post<DelegationCheck>(`/hosts/${seg(host.label)}/delegation-checks`));
  });
  if (delegation.problem) return <ProblemBanner problem={delegation.problem} />;
  if (!delegation.data) return <Loading />;
  const d = delegation.data;
  const { staticHosting } = d.snippets;
  return (
    <section className="panel-section" aria-labelledby="delegation-title">
      <h2 id="delegation-title">Your domain</h2>
      <p className="muted">Publish these so Matrix clients and other servers find your host at <strong>{host.serverName}</strong>.</p>
      <h3>1. Well-known files on {host.customDns?.homeserverDomain}</h3>
      <Snippet title={d.client.url} text={d.client.body} />
      <Snippet title={d.server.url} text={d.server.body} />
      <p className="hint">Serve both with <code>Content-Type: application/json</code>; the client file also needs <code>Access-Control-Allow-Origin: *</code>, on every redirect too.</p>
      <h3>2. DNS record for {d.cname.name}</h3>
      <Snippet title="CNAME record" text={d.cname.zoneLine} />
      <h3>3. Ready-made configuration</h3>
      <details><summary>nginx</summary><Snippet title="nginx" text={d.snippets.nginx} /></details>
      <details><summary>Caddy</summary><Snippet title="Caddy" text={d.snippets.caddy} /></details>
      <details>
        <summary>Static hosting</summary>
        <p>{staticHosting.notes}</p>
        {staticHosting.files.map((file) => <Snippet key={file.path} title={file.path} text={file.body} />)}
        <Snippet title="headers" text={Object.entries(staticHosting.headers).map(([name, value]) => `${name}: ${value}`).join('\n')} />
      </details>
      <h3>Check</h3>
      <ProblemBanner problem={checkAgain.problem} />
      <CheckResult check={check === undefined ? d.lastCheck : check} testId="delegation-status" passed="Everything is published correctly." failed="Not published correctly yet." />
      <button type="button" disabled={checkAgain.busy} onClick={() => void checkAgain.onSubmit()}>{checkAgain.busy ? 'Checking…' : 'Check again'}</button>
      <p className="hint">Homeport also checks by itself after purchase and every few hours until everything is right.</p>
    </section>
  );
}

/**
 * A host bought without custom DNS: add a client domain of the customer's own (chat.example.com),
 * after its CNAME record leads to the edge. The server name stays as it is, and the page says so.
 */
export function AddClientDomainSection({ host }: { host: Host }) {
  const [domain, setDomain] = useState('');
  const add = useSubmit(async () => {
    const { job } = await put<{ host: Host; job: JobSummary | null }>(`/hosts/${seg(host.label)}/client-domain`, { clientDomain: domain.trim() });
    if (job) navigate(`/hosts/${host.label}/jobs/${job.id}`);
  });
  const name = domain.trim() || 'chat.example.com';
  return (
    <section className="panel-section" aria-labelledby="add-client-domain-title">
      <h2 id="add-client-domain-title">Your own client domain</h2>
      <p>
        People reach your host at <strong>{new URL(host.homeserverUrl).hostname}</strong>. You can add an address of your own, such as chat.example.com,
        for the web client and the apps.
      </p>
      <p className="warning-text">Your server name, <strong>{host.serverName}</strong>, stays as it is: it is part of every user ID and room address and can never change. The address on this service keeps working too.</p>
      <h3>1. Create this DNS record with your DNS provider</h3>
      <Snippet title="CNAME record" text={`${name}. 3600 IN CNAME ${host.clientDomainCnameTarget}.`} />
      <h3>2. Add the domain</h3>
      <form onSubmit={(event) => void add.onSubmit(event)} noValidate>
        <ProblemBanner problem={add.problem} />
        <Field label="Client domain" name="clientDomain" placeholder="chat.example.com" value={domain} autoComplete="off" autoCapitalize="none" spellCheck={false}
          onChange={(e) => setDomain(e.target.value)} problem={add.problem}
          hint="Homeport checks the record first. Your server restarts for about a minute; then the web client and apps use the new address." />
        <button type="submit" disabled={add.busy || domain.trim() === ''}>Add client domain</button>
      </form>
    </section>
  );
}

export function ClientDomainSection({ host }: { host: Host }) {
  const [domain, setDomain] = useState('');
  const previous = useApi(() => get<{ domains: PreviousClientDomain[] }>(`/hosts/${seg(host.label)}/previous-client-domains`), [host.label, host.clientDomain]);
  const change = useSubmit(async () => {
    const { job } = await put<{ host: Host; job: JobSummary | null }>(`/hosts/${seg(host.label)}/client-domain`, { clientDomain: domain });
    if (job) navigate(`/hosts/${host.label}/jobs/${job.id}`);
  });
  const toggle = useAction(async ({ name, moved }: { name: string; moved: boolean }) => {
    await put(`/hosts/${seg(host.label)}/previous-client-domains/${seg(name)}`, { moved });
    await previous.reload();
  });
  return (
    <section className="panel-section" aria-labelledby="client-domain-title">
      <h2 id="client-domain-title">Client domain</h2>
      <p>Clients reach your host at <strong data-testid="client-domain">{host.clientDomain}</strong>. Your server name, {host.serverName}, never changes.</p>
      <form onSubmit={(event) => void change.onSubmit(event)} noValidate>
        <ProblemBanner problem={change.problem} />
        <Field label="New client domain" name="clientDomain" placeholder="chat.example.com" value={domain} autoComplete="off" onChange={(e) => setDomain(e.target.value)} problem={change.problem}
          hint="Point its CNAME record at the edge first. The host restarts briefly; the old domain keeps working until you mark it as moved." />
        <button type="submit" className="secondary" disabled={change.busy || domain.trim() === ''}>Change client domain</button>
      </form>
      <h3>Previous client domains</h3>
      <ProblemBanner problem={previous.problem ?? toggle.problem} />
      {!previous.data ? <Loading /> : previous.data.domains.length === 0 ? <p className="muted">None.</p> : (
        <ul className="previous-domains">
          {previous.data.domains.map((item) => (
            <li key={item.domain}>
              <label className="check">
                <input type="checkbox" checked={item.moved} disabled={toggle.busy} onChange={(e) => void toggle.run({ name: item.domain, moved: e.target.checked })} />
                <span><strong>{item.domain}</strong>: server moved</span>
              </label>
              <p className="hint">{item.moved
                ? 'Every request gets "Server moved, please log in again.", so every client signs out cleanly.'
                : 'Still serves your host. Switch on once your users should sign in at the new domain.'}</p>
            </li>
          ))}
        </ul>
      )}
      {previous.data && previous.data.domains.some((item) => item.moved) && <Notice>Clients still using a moved domain are signed out and asked to log in again.</Notice>}
    </section>
  );
}
