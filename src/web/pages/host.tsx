// A host's overview (its facts and status) and its routine sections: domain and federation, look
// and feel, billing (seats). The frame (title, section tabs, polling) is in host-nav.tsx.
import { useState } from 'react';
import { patch, seg } from '../api-client.ts';
import type { Host } from '../api-types.ts';
import { Field, Notice, ProblemBanner, useSubmit } from '../forms.tsx';
import { showSaved } from '../toasts.tsx';
import { StatusBadge, formatDate, formatSynapseVersion } from '../format.tsx';
import { Link, useLocation } from '../router.tsx';
import { AddClientDomainSection, ClientDomainSection, DelegationSection } from './host-custom-domain.tsx';
import { FederationSection } from './host-federation.tsx';
import { FederationCheckSection } from './host-federation-check.tsx';
import { LookAndFeelSection } from './host-look-and-feel.tsx';
import { HostFrame, HostSettingsFrame, hostGone } from './host-nav.tsx';
import { SizeName } from '../size-name.tsx';
import { HostDashboard } from './host-dashboard.tsx';
import { HostHealthSection } from './host-health.tsx';
import { MaintenanceWindowSection } from './host-maintenance-window.tsx';

export function HostPage({ hostId }: { hostId: string }) {
  const { query } = useLocation();
  return (
    <HostFrame hostId={hostId}>
      {(h) => (
        <>
          {query.get('built') === 'build' && <Notice kind="success">Your host is ready. Add users and registration tokens from the sections above.</Notice>}
          <h2 className="sr-only">Overview</h2>
          <HostDashboard host={h} />
          <dl className="facts">
            <dt>Status</dt><dd><StatusBadge status={h.status} />{h.status === 'rebuilding' && <span className="muted"> applying your changes to the server</span>}</dd>
            {h.stagingCloneOf && (
              <><dt>Staging clone</dt><dd data-testid="staging-clone-of">Staging clone of {h.stagingCloneOf}: part of its subscription (not billed separately), no scheduled backups, cancelled together with {h.stagingCloneOf}</dd></>
            )}
            <dt>Server name</dt><dd data-testid="server-name">{h.serverName}</dd>
            <dt>Homeserver URL</dt><dd><a href={h.homeserverUrl}>{h.homeserverUrl}</a></dd>
            <dt>Client URL</dt><dd><a href={h.homeserverUrl} data-testid="client-url-fact">{h.homeserverUrl}</a> <span className="muted">(Element Web)</span></dd>
            <dt>Matrix server software</dt><dd data-testid="synapse-version">{formatSynapseVersion(h.synapseVersion)}</dd>
            <dt>Size</dt><dd><SizeName name={h.size} /></dd>
            <dt>Created</dt><dd>{formatDate(h.createdAt)}</dd>
          </dl>
          <HostHealthSection host={h} />
          {!hostGone(h) && <MaintenanceWindowSection host={h} />}
        </>
      )}
    </HostFrame>
  );
}

export function HostDomainPage({ hostId }: { hostId: string }) {
  return (
    <HostSettingsFrame hostId={hostId}>
      {(h, reload) => (
        <>
          <p className="muted">Your server name <strong>{h.serverName}</strong> is part of every user ID and room address, so it never changes.</p>
          {h.customDns && <DelegationSection host={h} />}
          {h.clientDomain ? <ClientDomainSection host={h} /> : <AddClientDomainSection host={h} />}
          <SupportContactForm host={h} onSaved={reload} />
          <FederationSection host={h} />
          <FederationCheckSection host={h} />
        </>
      )}
    </HostSettingsFrame>
  );
}

export function HostLookAndFeelPage({ hostId }: { hostId: string }) {
  return <HostSettingsFrame hostId={hostId}>{(h) => <LookAndFeelSection host={h} />}</HostSettingsFrame>;
}

export function HostBillingPage({ hostId }: { hostId: string }) {
  return (
    <HostSettingsFrame hostId={hostId}>
      {(h, reload) => (
        <>
          <SeatsForm host={h} onSaved={reload} />
          <p>This host&apos;s invoices, with how and by when to pay them, are under <Link to="/account/billing">Account → Billing</Link>.</p>
        </>
      )}
    </HostSettingsFrame>
  );
}

function SeatsForm({ host, onSaved }: { host: Host; onSaved(): Promise<void> }) {
  const [seats, setSeats] = useState(host.seats);
  const { busy, problem, onSubmit } = useSubmit(async () => {
    await patch(`/hosts/${seg(host.label)}`, { seats });
    showSaved(`Seats saved: ${seats} monthly active users.`);
    await onSaved();
  });
  return (
    <form className="panel-section" onSubmit={(event) => void onSubmit(event)} noValidate>
      <h2>Seats</h2>
      <ProblemBanner problem={problem} />
      <p>Seats bought: <strong data-testid="seats">{host.seats}</strong>{host.seatsUsed !== null && <>, in use: <strong>{host.seatsUsed}</strong></>}.</p>
      <Field
        label="Total monthly active user seats" name="seats" type="number" min={host.seats} step={1} value={Number.isNaN(seats) ? '' : seats}
        onChange={(e) => setSeats(Math.max(e.target.valueAsNumber, 0))} problem={problem}
        hint={`Currently ${host.seats}. Added seats are invoiced, prorated, for the rest of the current month. Note that you cannot decrease your user count later.`}
      />
      <button type="submit" disabled={busy || !(seats > host.seats)}>Save seats</button>
    </form>
  );
}

function SupportContactForm({ host, onSaved }: { host: Host; onSaved(): Promise<void> }) {
  const [email, setEmail] = useState(host.supportEmail ?? '');
  const { busy, problem, onSubmit } = useSubmit(async () => {
    await patch(`/hosts/${seg(host.label)}`, { supportEmail: email.trim() === '' ? null : email.trim() });
    showSaved('Trust & Safety contact saved.');
    await onSaved();
  });
  return (
    <form className="panel-section" onSubmit={(event) => void onSubmit(event)} noValidate>
      <h2>Trust &amp; Safety contact</h2>
      <p className="muted">Someone who can respond to content takedown notices and other trust &amp; safety concerns (such as deactivating users). Published in <code>/.well-known/matrix/support</code>.</p>
      <ProblemBanner problem={problem} />
      <Field label="Trust and Safety contact" name="supportEmail" apiField="supportEmail" type="email" value={email} onChange={(e) => setEmail(e.target.value)} problem={problem} />
      <button type="submit" disabled={busy}>Save contact</button>
    </form>
  );
}
