// The frame of a host's server admin pages: the host must be the customer's own (else not found),
// then its title and tabs (host, users, registration tokens).
import type { ReactNode } from 'react';
import { get, seg } from '../api-client.ts';
import type { Host } from '../api-types.ts';
import { Loading, ProblemBanner } from '../forms.tsx';
import { NotFoundPage, PageTitle } from '../layout.tsx';
import { Link, useLocation } from '../router.tsx';
import { useApi } from '../use-api.ts';

export function HostTabs({ hostId }: { hostId: string }) {
  const { path } = useLocation();
  const tabs = [
    { to: `/hosts/${hostId}`, label: 'Host' },
    { to: `/hosts/${hostId}/users`, label: 'Users' },
    { to: `/hosts/${hostId}/registration-tokens`, label: 'Registration tokens' },
  ];
  return (
    <nav className="tabs" aria-label="Host">
      {tabs.map((tab) => <Link key={tab.to} to={tab.to} aria-current={path === tab.to ? 'page' : undefined}>{tab.label}</Link>)}
    </nav>
  );
}

export function HostAdminFrame({ hostId, children }: { hostId: string; children: (host: Host) => ReactNode }) {
  const host = useApi(() => get<Host>(`/hosts/${seg(hostId)}`), [hostId]);
  if (host.problem?.status === 404) return <NotFoundPage />;
  if (host.problem) return <ProblemBanner problem={host.problem} />;
  if (!host.data) return <Loading />;
  return (
    <section>
      <PageTitle back={{ to: '/', label: 'Hosts' }}>{host.data.label}</PageTitle>
      <HostTabs hostId={host.data.label} />
      {host.data.status === 'running' || host.data.status === 'degraded' || host.data.status === 'sleeping' ? children(host.data) : (
        <p className="notice">The server admin pages open once the host is running (it is {host.data.status} now).</p>
      )}
    </section>
  );
}
