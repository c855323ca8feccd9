// A host's status for its customer: its state at the last check, uptime over a day and a week,
// and its recent incidents (the alerts Homeport raised about it).
import { get, seg } from '../api-client.ts';
import type { Host, HostStatusReport } from '../api-types.ts';
import { Loading, ProblemBanner } from '../forms.tsx';
import { formatDate } from '../format.tsx';
import { useApi } from '../use-api.ts';

const stateText = { up: 'Up', down: 'Down', sleeping: 'Asleep (wakes at its next request)' } as const;

function percent(share: number | null): string {
  return share === null ? '–' : `${(share * 100).toFixed(share === 1 ? 0 : 2)}%`;
}

export function HostHealthSection({ host }: { host: Host }) {
  const report = useApi(() => get<HostStatusReport>(`/hosts/${seg(host.label)}/status`), [host.label]);
  return (
    <div className="panel-section" data-testid="host-health">
      <h2>Health</h2>
      <ProblemBanner problem={report.problem} />
      {!report.data ? <Loading /> : (
        <>
          <dl className="facts">
            <dt>State</dt><dd data-testid="health-state">{report.data.state === null ? 'Not checked yet' : stateText[report.data.state]}{report.data.checkedAt && <span className="muted"> · checked {formatDate(report.data.checkedAt)}</span>}</dd>
            <dt>Response time</dt><dd>{report.data.responseMs === null ? '–' : `${report.data.responseMs} ms`}</dd>
            <dt>Uptime, 24 hours</dt><dd data-testid="uptime-day">{percent(report.data.uptime.day)}</dd>
            <dt>Uptime, 7 days</dt><dd data-testid="uptime-week">{percent(report.data.uptime.week)}</dd>
          </dl>
          <h3>Recent incidents</h3>
          {report.data.incidents.length === 0 ? <p className="muted">None.</p> : (
            <ul className="cards" data-testid="incidents">
              {report.data.incidents.map((incident) => (
                <li key={incident.id} className="card">
                  <p className="card-title">{incident.summary}</p>
                  <p className="muted">{formatDate(incident.openedAt)} – {incident.resolvedAt ? formatDate(incident.resolvedAt) : 'ongoing'}</p>
                </li>
              ))}
            </ul>
          )}
        </>
      )}
    </div>
  );
}
