// Operator: alerts, open ones first (a host down, a certificate expiring, the disk filling, seats
// near their limit); every alert is also mailed and sent to the webhook when opened and resolved.
import { useState } from 'react';
import { get } from '../../api-client.ts';
import type { OperatorAlert } from '../../api-types.ts';
import { EmptyState, Loading, ProblemBanner } from '../../forms.tsx';
import { formatDate } from '../../format.tsx';
import { PageTitle } from '../../layout.tsx';
import { useApi } from '../../use-api.ts';
import { OperatorTabs } from './operator-nav.tsx';

const alertTitles: Record<OperatorAlert['kind'], string> = {
  'host-down': 'Host down',
  'certificate-expiring': 'Certificate expiring',
  'disk-filling': 'Disk filling up',
  'seats-near-limit': 'Seats nearly used up',
  'backup-failed': 'Backup failed',
};

export function OperatorAlertsPage() {
  const [all, setAll] = useState(false);
  const alerts = useApi(() => get<{ alerts: OperatorAlert[] }>(`/operator/alerts${all ? '?all=true' : ''}`), [all]);
  return (
    <section>
      <PageTitle>Operator console</PageTitle>
      <OperatorTabs />
      <h2>{all ? 'Alerts' : 'Open alerts'}</h2>
      <label className="check"><input type="checkbox" checked={all} onChange={(event) => setAll(event.target.checked)} /> Show resolved alerts too</label>
      <ProblemBanner problem={alerts.problem} />
      {!alerts.data ? <Loading /> : alerts.data.alerts.length === 0 ? <EmptyState title={all ? 'No alerts' : 'No open alerts'} /> : (
        <ul className="cards" data-testid="alerts">
          {alerts.data.alerts.map((alert) => (
            <li key={alert.id} className="card">
              <p className="card-title">{alertTitles[alert.kind]}{alert.hostLabel && ` · ${alert.hostLabel}`}</p>
              <p>{alert.summary}</p>
              <p className="muted">Opened {formatDate(alert.openedAt)}{alert.resolvedAt ? ` · resolved ${formatDate(alert.resolvedAt)}` : ''} · {alert.notifiedAt ? `announced ${formatDate(alert.notifiedAt)}` : 'not announced yet'}</p>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
