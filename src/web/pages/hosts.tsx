// Your hosts with their status, and the way to set up the first one.
import { Plus, Server } from 'lucide-react';
import { get } from '../api-client.ts';
import type { Host } from '../api-types.ts';
import { EmptyState, Loading, Notice, ProblemBanner } from '../forms.tsx';
import { StatusBadge } from '../format.tsx';
import { PageTitle } from '../layout.tsx';
import { Link, useLocation } from '../router.tsx';
import { useAccount } from '../session.tsx';
import { SizeName } from '../size-name.tsx';
import { useApi } from '../use-api.ts';
import { PurchaseBlockers } from './purchase-blockers.tsx';

export function HostsPage() {
  const account = useAccount();
  const { query } = useLocation();
  const hosts = useApi(() => get<{ hosts: Host[] }>('/hosts?limit=100'), []);
  const visible = hosts.data?.hosts.filter((host) => host.status !== 'cancelled') ?? [];
  return (
    <section>
      <PageTitle>Your hosts</PageTitle>
      {query.get('welcome') && <Notice kind="success">Welcome, {account.name}! We sent a verification link to {account.email}.</Notice>}
      <PurchaseBlockers account={account} />
      <ProblemBanner problem={hosts.problem} />
      {!hosts.data ? <Loading /> : visible.length === 0 ? (
        <EmptyState title="You have no hosts yet" icon={Server}>
          <p>A host is your own Matrix homeserver, with its users, registration tokens and seats.</p>
          <Link to="/hosts/new" className="button"><Plus className="icon" />Set up a host now</Link>
        </EmptyState>
      ) : (
        <>
          <p><Link to="/hosts/new" className="button"><Plus className="icon" />Set up a new host</Link></p>
          <ul className="cards">
            {visible.map((host) => (
              <li key={host.id} className="card">
                <Link to={`/hosts/${host.label}`} className="card-title">{host.label}</Link>
                <StatusBadge status={host.status} />
                <p className="muted">{host.serverName} · {host.seats === 1 ? '1 seat' : `${host.seats} seats`} · <SizeName name={host.size} /></p>
              </li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}
