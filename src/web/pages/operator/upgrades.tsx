// Operator: Synapse releases installed and the hosts on each, and the newest rollouts with each
// host's progress (started from the CLI: `homeport synapse upgrade`). Refreshes while one runs.
import { useCallback } from 'react';
import { get } from '../../api-client.ts';
import type { RolloutSummary, RolloutWithHosts, SynapseReleaseUsage } from '../../api-types.ts';
import { Loading, ProblemBanner } from '../../forms.tsx';
import { PageTitle } from '../../layout.tsx';
import { useApi, useInterval } from '../../use-api.ts';
import { OperatorTabs } from './operator-nav.tsx';

const hostStatusText: Record<string, string> = {
  pending: 'Waiting', upgrading: 'Upgrading', upgraded: 'Upgraded', rolled_back: 'Rolled back', failed: 'Failed (rollback failed)', skipped: 'Skipped',
};

function RolloutHosts({ rolloutId }: { rolloutId: string }) {
  const progress = useApi(() => get<RolloutWithHosts>(`/operator/upgrades/${encodeURIComponent(rolloutId)}`), [rolloutId]);
  const running = progress.data?.rollout.status === 'running';
  const poll = useCallback(() => void progress.reload(), [progress]);
  useInterval(poll, 2000, running && !progress.problem);
  if (!progress.data) return <><ProblemBanner problem={progress.problem} /><Loading /></>;
  return (
    <table>
      <thead><tr><th>Host</th><th>Batch</th><th>From</th><th>Status</th><th>Downtime</th><th>Window (UTC)</th></tr></thead>
      <tbody>
        {progress.data.hosts.map((host) => (
          <tr key={host.hostId}>
            <td data-label="Host">{host.label}</td>
            <td data-label="Batch">{host.canary ? 'canary' : host.batch ?? '–'}</td>
            <td data-label="From">{host.fromRelease}</td>
            <td data-label="Status">{hostStatusText[host.status] ?? host.status}{host.error ? `: ${host.error}` : ''}</td>
            <td data-label="Downtime">{host.downtimeMs === null ? '–' : `${(host.downtimeMs / 1000).toFixed(1)} s`}</td>
            <td data-label="Window (UTC)">{host.maintenanceWindowStartHour === null ? 'any time' : `${host.maintenanceWindowStartHour}:00`}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function OperatorUpgradesPage() {
  const releases = useApi(() => get<{ releases: SynapseReleaseUsage[] }>('/operator/synapse-releases'), []);
  const rollouts = useApi(() => get<{ rollouts: RolloutSummary[] }>('/operator/upgrades?limit=5'), []);
  return (
    <section>
      <PageTitle>Operator console</PageTitle>
      <OperatorTabs />
      <h2>Synapse releases</h2>
      <ProblemBanner problem={releases.problem ?? rollouts.problem} />
      {!releases.data ? <Loading /> : (
        <ul>
          {releases.data.releases.map((entry) => (
            <li key={entry.release}>Synapse {entry.release}: {entry.hosts} {entry.hosts === 1 ? 'host' : 'hosts'}{entry.installed ? '' : ' (not installed on this machine)'}</li>
          ))}
        </ul>
      )}
      <p className="muted">Install a release with <code>homeport synapse install VERSION</code>; roll it out with <code>homeport synapse upgrade VERSION</code>.</p>
      <h2>Rollouts</h2>
      {!rollouts.data ? <Loading /> : rollouts.data.rollouts.length === 0 ? <p>No rollouts yet.</p> : rollouts.data.rollouts.map((rollout) => (
        <article key={rollout.id}>
          <h3>Synapse {rollout.release}: {rollout.status}{rollout.urgent ? ' (urgent)' : ''}</h3>
          {rollout.error && <p role="alert">{rollout.error}</p>}
          <RolloutHosts rolloutId={rollout.id} />
        </article>
      ))}
    </section>
  );
}
