// A host: server name, homeserver URL, versions, status; raise seats (never lower), the Trust &
// Safety contact, rebuild, and cancel (typing the hostname, warned that all data is lost).
import { useCallback, useState } from 'react';
import { del, get, patch, post, seg } from '../api-client.ts';
import type { Host, JobSummary } from '../api-types.ts';
import { Field, Loading, Notice, ProblemBanner, useSubmit } from '../forms.tsx';
import { StatusBadge, formatDate } from '../format.tsx';
import { NotFoundPage, PageTitle } from '../layout.tsx';
import { navigate, useLocation } from '../router.tsx';
import { useApi, useInterval } from '../use-api.ts';
import { ClientDomainSection, DelegationSection } from './host-custom-domain.tsx';
import { FederationSection } from './host-federation.tsx';
import { LookAndFeelSection } from './host-look-and-feel.tsx';
import { HostTabs } from './host-nav.tsx';
import { ExportSection } from './host-exports.tsx';
import { FederationCheckSection } from './host-federation-check.tsx';
import { SignOnSection } from './host-sign-on.tsx';

export function HostPage({ hostId }: { hostId: string }) {
  const host = useApi(() => get<Host>(`/hosts/${seg(hostId)}`), [hostId]);
  const { query } = useLocation();
  const busy = host.data?.status === 'provisioning' || host.data?.status === 'rebuilding' || host.data?.status === 'cancelling' || host.data?.status === 'exporting';
  const poll = useCallback(() => void host.reload(), [host]);
  useInterval(poll, 2000, busy);
  if (host.problem?.status === 404) return <NotFoundPage />;
  if (host.problem) return <ProblemBanner problem={host.problem} />;
  if (!host.data) return <Loading />;
  const h = host.data;
  const gone = h.status === 'cancelled' || h.status === 'cancelling';
  return (
    <section>
      <PageTitle back={{ to: '/', label: 'Hosts' }}>{h.label}</PageTitle>
      <HostTabs hostId={h.label} />
      {h.seatsWarning && <Notice kind="warning">{h.seatsWarning}</Notice>}
      {h.edgeProblem && <Notice kind="warning"><span data-testid="edge-problem">This host is not reachable right now: {h.edgeProblem}. Contact support if it stays so.</span></Notice>}
      {query.get('built') === 'build' && <Notice kind="success">Your host is ready. Add users and registration tokens from the tabs above.</Notice>}
      <dl className="facts">
        <dt>Status</dt><dd><StatusBadge status={h.status} />{h.status === 'rebuilding' && <span className="muted"> applying your changes to the server</span>}</dd>
        <dt>Server name</dt><dd data-testid="server-name">{h.serverName}</dd>
        <dt>Homeserver URL</dt><dd><a href={h.homeserverUrl}>{h.homeserverUrl}</a></dd>
        <dt>Client URL</dt><dd><a href={h.homeserverUrl} data-testid="client-url-fact">{h.homeserverUrl}</a> <span className="muted">(Element Web)</span></dd>
        <dt>Synapse version</dt><dd>{h.synapseVersion ?? '–'}</dd>
        <dt>Size</dt><dd>{h.size}</dd>
        <dt>Seats</dt><dd data-testid="seats">{h.seats}</dd>
        <dt>Seats in use</dt><dd data-testid="seats-used">{h.seatsUsed === null ? '–' : `${h.seatsUsed} of ${h.seats}`}</dd>
        <dt>Created</dt><dd>{formatDate(h.createdAt)}</dd>
      </dl>
      {!gone && (
        <>
          {h.customDns && <DelegationSection host={h} />}
          {h.customDns && <ClientDomainSection host={h} />}
          <LookAndFeelSection host={h} />
          <SeatsForm host={h} onSaved={host.reload} />
          <SupportContactForm host={h} onSaved={host.reload} />
          <FederationSection host={h} />
          <FederationCheckSection host={h} />
          <SignOnSection host={h} />
          <RebuildSection host={h} />
          <ExportSection host={h} />
          <CancelSection host={h} />
        </>
      )}
    </section>
  );
}

function SeatsForm({ host, onSaved }: { host: Host; onSaved(): Promise<void> }) {
  const [seats, setSeats] = useState(host.seats);
  const [saved, setSaved] = useState(false);
  const { busy, problem, onSubmit } = useSubmit(async () => {
    await patch(`/hosts/${seg(host.label)}`, { seats });
    setSaved(true);
    await onSaved();
  });
  return (
    <form className="panel-section" onSubmit={(event) => void onSubmit(event)} noValidate>
      <h2>Seats</h2>
      <ProblemBanner problem={problem} />
      {saved && <Notice kind="success">Seats saved: {host.seats} monthly active users.</Notice>}
      <Field
        label="Total monthly active user seats" name="seats" type="number" min={host.seats} step={1} value={Number.isNaN(seats) ? '' : seats}
        onChange={(e) => { setSaved(false); setSeats(Math.max(e.target.valueAsNumber, 0)); }} problem={problem}
        hint={`Currently ${host.seats}. Added seats are invoiced, prorated, for the rest of the current month. Note that you cannot decrease your user count later.`}
      />
      <button type="submit" disabled={busy || !(seats > host.seats)}>Save seats</button>
    </form>
  );
}

function SupportContactForm({ host, onSaved }: { host: Host; onSaved(): Promise<void> }) {
  const [email, setEmail] = useState(host.supportEmail ?? '');
  const [saved, setSaved] = useState(false);
  const { busy, problem, onSubmit } = useSubmit(async () => {
    await patch(`/hosts/${seg(host.label)}`, { supportEmail: email.trim() === '' ? null : email.trim() });
    setSaved(true);
    await onSaved();
  });
  return (
    <form className="panel-section" onSubmit={(event) => void onSubmit(event)} noValidate>
      <h2>Trust &amp; Safety contact</h2>
      <p className="muted">Someone who can respond to content takedown notices and other trust &amp; safety concerns (such as deactivating users). Published in <code>/.well-known/matrix/support</code>.</p>
      <ProblemBanner problem={problem} />
      {saved && <Notice kind="success">Trust &amp; Safety contact saved.</Notice>}
      <Field label="Trust and Safety contact" name="supportEmail" apiField="supportEmail" type="email" value={email} onChange={(e) => { setSaved(false); setEmail(e.target.value); }} problem={problem} />
      <button type="submit" disabled={busy}>Save contact</button>
    </form>
  );
}

const rebuildable = new Set<Host['status']>(['running', 'degraded', 'sleeping', 'failed']);

function RebuildSection({ host }: { host: Host }) {
  const { busy, problem, onSubmit } = useSubmit(async () => {
    const { job } = await post<{ host: Host; job: JobSummary }>(`/hosts/${seg(host.label)}/rebuild`);
    navigate(`/hosts/${host.label}/jobs/${job.id}`);
  });
  return (
    <div className="panel-section">
      <h2>Rebuild</h2>
      <p className="muted">Re-renders the configuration and restarts the server, keeping all data. Users are briefly disconnected.</p>
      <ProblemBanner problem={problem} />
      <button type="button" className="secondary" disabled={busy || !rebuildable.has(host.status)} onClick={() => void onSubmit()}>Rebuild host</button>
      {!rebuildable.has(host.status) && <p className="hint">Possible again once the current job has finished.</p>}
    </div>
  );
}

function CancelSection({ host }: { host: Host }) {
  const [confirm, setConfirm] = useState('');
  const { busy, problem, onSubmit } = useSubmit(async () => {
    const { job } = await del<{ host: Host; job: JobSummary }>(`/hosts/${seg(host.label)}`, { confirm });
    navigate(`/hosts/${host.label}/jobs/${job.id}`);
  });
  return (
    <form className="panel-section danger-zone" onSubmit={(event) => void onSubmit(event)} noValidate>
      <h2>Cancel host</h2>
      <p className="warning-text">Cancelling removes the server, its database and media. This cannot be undone and all your data will be lost.</p>
      <ProblemBanner problem={problem} />
      <Field label={`Type ${host.label} to confirm`} name="confirm" autoComplete="off" value={confirm} onChange={(e) => setConfirm(e.target.value)} problem={problem} />
      <button type="submit" className="danger" disabled={busy || confirm !== host.label}>Cancel host for good</button>
    </form>
  );
}
