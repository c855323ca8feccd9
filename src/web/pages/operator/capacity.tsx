// Operator: the machine's capacity: hosts per status, each host's memory and database
// connections, what is left, and whether new hosts are refused.
import { get } from '../../api-client.ts';
import type { Capacity } from '../../api-types.ts';
import { Loading, ProblemBanner } from '../../forms.tsx';
import { StatusBadge, statusText } from '../../format.tsx';
import { wordsOr } from '../../../contract/status-words.ts';
import { PageTitle } from '../../layout.tsx';
import { useApi } from '../../use-api.ts';
import { OperatorTabs } from './operator-nav.tsx';

const mebibytes = (bytes: number) => `${Math.round(bytes / (1024 * 1024)).toLocaleString('en')} MiB`;

function Headroom({ capacity }: { capacity: Capacity }) {
  const connections = capacity.databaseConnections;
  return (
    <dl className="facts">
      <dt>Hosts</dt>
      <dd>{Object.entries(capacity.hostsByStatus).map(([status, count]) => `${count} ${wordsOr(statusText, status).toLowerCase()}`).join(', ') || 'none'}
        {capacity.limits.maxHosts > 0 ? ` (limit ${capacity.limits.maxHosts})` : ''}</dd>
      <dt>Memory available</dt>
      <dd>{mebibytes(capacity.memory.availableBytes)} of {mebibytes(capacity.memory.totalBytes)} (at least {mebibytes(capacity.limits.minFreeMemoryBytes)} kept free)</dd>
      <dt>Database connections free</dt>
      <dd>{connections.free} of {connections.max} ({connections.used} used, {connections.reserved} reserved; at least {capacity.limits.minFreeDatabaseConnections} kept free)</dd>
      <dt>New hosts</dt>
      <dd>{capacity.full ? `refused: ${capacity.fullBecause.join('; ')}` : 'accepted'}</dd>
    </dl>
  );
}

export function OperatorCapacityPage() {
  const capacity = useApi(() => get<Capacity>('/operator/capacity'), []);
  return (
    <section>
      <PageTitle>Operator console</PageTitle>
      <OperatorTabs />
      <h2>Capacity</h2>
      <ProblemBanner problem={capacity.problem} />
      {!capacity.data ? <Loading /> : (
        <>
          <Headroom capacity={capacity.data} />
          <table>
            <thead><tr><th>Host</th><th>Status</th><th>Memory</th><th>Database connections</th></tr></thead>
            <tbody>
              {capacity.data.hosts.map((host) => (
                <tr key={host.id}>
                  <td data-label="Host">{host.label}</td>
                  <td data-label="Status"><StatusBadge status={host.status} /></td>
                  <td data-label="Memory">{mebibytes(host.memoryBytes)}{host.process ? ` (share of ${host.process})` : ''}</td>
                  <td data-label="Database connections">{host.databaseConnections}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {capacity.data.processes.length > 0 && (
            <>
              <h3>Shared processes</h3>
              <table>
                <thead><tr><th>Process</th><th>Hosts</th><th>Memory</th><th>Database connections</th></tr></thead>
                <tbody>
                  {capacity.data.processes.map((shared) => (
                    <tr key={shared.name}>
                      <td data-label="Process">{shared.name}</td>
                      <td data-label="Hosts">{shared.hosts.join(', ')}</td>
                      <td data-label="Memory">{mebibytes(shared.memoryBytes)}</td>
                      <td data-label="Database connections">{shared.databaseConnections}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </>
          )}
        </>
      )}
    </section>
  );
}
