// Operator: Synapse releases installed and the hosts on each, a form that starts a rollout (as
// `homeport synapse upgrade` does), and the newest rollouts with each host's progress. Refreshes
// while one runs.
import { useCallback, useState } from 'react';
import { get, post } from '../../api-client.ts';
import type { RolloutSummary, RolloutWithHosts, SynapseReleaseUsage } from '../../api-types.ts';
import { Field, Loading, Notice, ProblemBanner, useSubmit } from '../../forms.tsx';
import { maintenanceWindowWords } from '../../../contract/maintenance-window-words.ts';
import { PageTitle } from '../../layout.tsx';
import { useApi, useInterval } from '../../use-api.ts';
import { OperatorTabs } from './operator-nav.tsx';
import { rolloutHostStatusWords, rolloutStatusWords, wordsOr } from '../../../contract/status-words.ts';


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
            <td data-label="Batch">{host.canary ? 'Canary' : host.batch ?? '–'}</td>
            <td data-label="From">{host.fromRelease}</td>
            <td data-label="Status">{wordsOr(rolloutHostStatusWords, host.status)}{host.error ? `: ${host.error}` : ''}</td>
            <td data-label="Downtime">{host.downtimeMs === null ? '–' : `${(host.downtimeMs / 1000).toFixed(1)} s`}</td>
            <td data-label="Window (UTC)">{host.maintenanceWindowStartHour === null ? 'any time' : maintenanceWindowWords(host.maintenanceWindowStartHour, 2)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** Starts a rollout of an installed release: a canary first, then batches; urgent ones do not wait for maintenance windows. */
function StartRolloutForm({ installed, onStarted }: { installed: string[]; onStarted(): Promise<void> }) {
  const [release, setRelease] = useState(installed.at(-1) ?? '');
  const [canary, setCanary] = useState('');
  const [batchSize, setBatchSize] = useState('5');
  const [urgent, setUrgent] = useState(false);
  const [started, setStarted] = useState<string | undefined>();
  const { busy, problem, onSubmit } = useSubmit(async () => {
    setStarted(undefined);
    const answer = await post<RolloutWithHosts>('/operator/upgrades', {
      release: release.trim(),
      ...(canary.trim() ? { canary: canary.trim() } : {}),
      batchSize: Number(batchSize),
      urgent,
    });
    const first = answer.hosts.find((host) => host.canary)?.label ?? '';
    setStarted(`Rollout of Synapse ${answer.rollout.release} started: ${first} first, then ${answer.hosts.length - 1} more in batches of ${answer.rollout.batchSize}.`);
    await onStarted();
  });
  return (
    <form className="panel-section" onSubmit={(event) => void onSubmit(event)} noValidate data-testid="start-rollout">
      <h2>Start a rollout</h2>
      <ProblemBanner problem={problem} />
      {started && <Notice kind="success">{started}</Notice>}
      <Field label="Release" name="release" value={release} onChange={(event) => setRelease(event.target.value)} problem={problem}
        hint={`Installed here: ${installed.join(', ') || 'none'}. Every host on an older release is upgraded, each snapshotted first and rolled back if it does not come back.`} />
      <Field label="Canary host" name="canary" value={canary} onChange={(event) => setCanary(event.target.value)} problem={problem}
        hint="The host upgraded first, alone; the oldest host when left empty." />
      <Field label="Hosts at once after the canary" name="batchSize" type="number" min={1} max={100} value={batchSize} onChange={(event) => setBatchSize(event.target.value)} problem={problem} />
      <label className="check">
        <input type="checkbox" name="urgent" checked={urgent} onChange={(event) => setUrgent(event.target.checked)} />
        {' '}Urgent security release: do not wait for customers&apos; maintenance windows
      </label>
      <button type="submit" disabled={busy}>Start rollout</button>
    </form>
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
      <p className="muted">Install a release on the machine with <code>homeport synapse install VERSION</code>; roll it out here or with <code>homeport synapse upgrade VERSION</code>.</p>
      {releases.data && (
        <StartRolloutForm
          installed={releases.data.releases.filter((entry) => entry.installed).map((entry) => entry.release)}
          onStarted={async () => { await Promise.all([rollouts.reload(), releases.reload()]); }}
        />
      )}
      <h2>Rollouts</h2>
      {!rollouts.data ? <Loading /> : rollouts.data.rollouts.length === 0 ? <p>No rollouts yet.</p> : rollouts.data.rollouts.map((rollout) => (
        <article key={rollout.id}>
          <h3>Synapse {rollout.release}: {wordsOr(rolloutStatusWords, rollout.status).toLowerCase()}{rollout.urgent ? ' (urgent)' : ''}</h3>
          {rollout.error && <p role="alert">{rollout.error}</p>}
          <RolloutHosts rolloutId={rollout.id} />
        </article>
      ))}
    </section>
  );
}
