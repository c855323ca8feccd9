// The frame of every host page: the host must be the customer's own (else not found), then its
// title, its sections as tabs (each with its own URL) and the warnings that concern the whole host;
// a host with a job running is polled so every section shows its status as it changes.
import { useCallback, type ReactNode } from 'react';
import { get, seg } from '../api-client.ts';
import type { Host } from '../api-types.ts';
import { Loading, Notice, ProblemBanner } from '../forms.tsx';
import { NotFoundPage, PageTitle, Tabs } from '../layout.tsx';
import { hostStatusWords, wordsOr } from '../../contract/status-words.ts';
import { useLocation } from '../router.tsx';
import { useApi, useInterval } from '../use-api.ts';

/**
 * The host's sections, in the order a customer needs them; the path is appended to /hosts/<label>.
 * Calls is a section only where the installation offers calls (its address still says so).
 */
export const hostSections = [
  { path: '', label: 'Overview' },
  { path: '/users', label: 'Users' },
  { path: '/registration-tokens', label: 'Registration tokens' },
  { path: '/domain', label: 'Domain' },
  { path: '/look-and-feel', label: 'Look and feel' },
  { path: '/sign-on', label: 'Sign-on' },
  { path: '/calls', label: 'Calls' },
  { path: '/exports', label: 'Exports and backups' },
  { path: '/billing', label: 'Billing' },
  { path: '/danger-zone', label: 'Danger zone' },
] as const;

export type HostSectionPath = (typeof hostSections)[number]['path'];

export function HostTabs({ hostId, callsOffered }: { hostId: string; callsOffered: boolean }) {
  const { path } = useLocation();
  const shown = hostSections.filter((section) => section.path !== '/calls' || callsOffered);
  return <Tabs label="Host sections" items={shown.map((section) => ({ to: `/hosts/${hostId}${section.path}`, label: section.label, current: path === `/hosts/${hostId}${section.path}` }))} />;
}

const busyStatuses = new Set<Host['status']>(['provisioning', 'rebuilding', 'cancelling', 'exporting']);

export function HostFrame({ hostId, children }: { hostId: string; children: (host: Host, reload: () => Promise<void>) => ReactNode }) {
  const host = useApi(() => get<Host>(`/hosts/${seg(hostId)}`), [hostId]);
  const poll = useCallback(() => void host.reload(), [host]);
  useInterval(poll, 2000, Boolean(host.data && busyStatuses.has(host.data.status)));
  if (host.problem?.status === 404) return <NotFoundPage />;
  if (host.problem) return <ProblemBanner problem={host.problem} />;
  if (!host.data) return <Loading />;
  const h = host.data;
  return (
    <section>
      <PageTitle back={{ to: '/', label: 'Hosts' }}>{h.label}</PageTitle>
      <HostTabs hostId={h.label} callsOffered={h.callsOffered} />
      {h.seatsWarning && <Notice kind="warning">{h.seatsWarning}</Notice>}
      {h.edgeProblem && <Notice kind="warning"><span data-testid="edge-problem">This host is not reachable right now: {h.edgeProblem}. Contact support if it stays so.</span></Notice>}
      {children(h, host.reload)}
    </section>
  );
}

export const hostGone = (host: Host) => host.status === 'cancelled' || host.status === 'cancelling';

/** A section that changes the host: a cancelled host has nothing left to change. */
export function HostSettingsFrame({ hostId, children }: { hostId: string; children: (host: Host, reload: () => Promise<void>) => ReactNode }) {
  return (
    <HostFrame hostId={hostId}>
      {(host, reload) => hostGone(host) ? <p className="notice">This host is {host.status === 'cancelled' ? 'cancelled' : 'being cancelled'}: there is nothing left to change.</p> : children(host, reload)}
    </HostFrame>
  );
}

/** The server admin sections (users, registration tokens) speak to Synapse, so the host must be serving. */
export function HostAdminFrame({ hostId, children }: { hostId: string; children: (host: Host) => ReactNode }) {
  return (
    <HostFrame hostId={hostId}>
      {(host) => host.status === 'running' || host.status === 'degraded' || host.status === 'sleeping' ? children(host) : (
        <p className="notice">This section opens once the host is running (it is {wordsOr(hostStatusWords, host.status).toLowerCase()} now).</p>
      )}
    </HostFrame>
  );
}
