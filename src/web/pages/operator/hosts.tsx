// Operator: the hosts of every customer with their status.
import { useState } from 'react';
import { get } from '../../api-client.ts';
import type { OperatorHost } from '../../api-types.ts';
import { EmptyState, Loading, ProblemBanner } from '../../forms.tsx';
import { StatusBadge, formatDate, statusText } from '../../format.tsx';
import { PageTitle } from '../../layout.tsx';
import { Link } from '../../router.tsx';
import { useApi } from '../../use-api.ts';
import { SizeName } from '../../size-name.tsx';
import { OperatorTabs } from './operator-nav.tsx';

export function OperatorHostsPage() {
  const [status, setStatus] = useState('');
  const hosts = useApi(() => get<{ hosts: OperatorHost[] }>(`/operator/hosts${status ? `?status=${status}` : ''}`), [status]);
  return (
    <section>
      <PageTitle>Operator console</PageTitle>
      <OperatorTabs />
      <h2>Hosts</h2>
      <div className="field">
        <label htmlFor="field-status">Status</label>
        <select id="field-status" value={status} onChange={(e) => setStatus(e.target.value)}>
          <option value="">All</option>
          {Object.entries(statusText).map(([value, text]) => <option key={value} value={value}>{text}</option>)}
        </select>
      </div>
      <ProblemBanner problem={hosts.problem} />
      {!hosts.data ? <Loading /> : hosts.data.hosts.length === 0 ? <EmptyState title="No hosts" /> : (
        <table>
          <thead><tr><th>Host</th><th>Customer</th><th>Status</th><th>Size</th><th>Seats</th><th>Created</th><th>Jobs</th></tr></thead>
          <tbody>
            {hosts.data.hosts.map((host) => (
              <tr key={host.id}>
                <td data-label="Host">{host.serverName}</td>
                <td data-label="Customer"><Link to={`/operator/accounts?search=${encodeURIComponent(host.accountEmail)}`}>{host.accountEmail}</Link></td>
                <td data-label="Status"><StatusBadge status={host.status} /></td>
                <td data-label="Size"><SizeName name={host.size} /></td>
                <td data-label="Seats">{host.seats}</td>
                <td data-label="Created">{formatDate(host.createdAt)}</td>
                <td><Link to={`/operator/jobs?host=${host.id}`}>Jobs</Link></td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
