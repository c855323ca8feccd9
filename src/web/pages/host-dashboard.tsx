// A host at a glance, at the top of its overview: seats in use against seats bought, storage used,
// the last backup, the next invoice, and federation; each links to the section where it is changed.
import { Globe, HardDrive, Receipt, UsersRound, DatabaseBackup } from 'lucide-react';
import { get, seg } from '../api-client.ts';
import type { Billing, ExportEstimate, Host } from '../api-types.ts';
import { LoadingValue } from '../forms.tsx';
import { formatBytes, formatDate, formatDay, formatMoney } from '../format.tsx';
import { Link } from '../router.tsx';
import { useApi } from '../use-api.ts';

const federationWords: Record<Host['federation']['mode'], string> = {
  open: 'Talks to every Matrix server',
  allowlist: 'Talks to the servers you listed',
  off: 'Off: your server talks to no other',
};

export function HostDashboard({ host }: { host: Host }) {
  const billing = useApi(() => get<Billing>('/billing'), []);
  const storage = useApi(() => get<ExportEstimate>(`/hosts/${seg(host.label)}/exports/estimate`), [host.label]);
  const subscription = billing.data?.subscriptions.find((item) => item.hostId === host.id);
  const base = `/hosts/${seg(host.label)}`;
  return (
    <ul className="dashboard" aria-label="At a glance" data-testid="dashboard">
      <li className="dashboard-card">
        <span className="dashboard-label"><UsersRound className="icon" />Seats</span>
        <span className="dashboard-value" data-testid="dashboard-seats">{host.seatsUsed === null ? `${host.seats} bought` : `${host.seatsUsed} of ${host.seats} in use`}</span>
        {host.seatsWarning ? <span className="warning-text">{host.seatsWarning}</span> : null}
        <Link to={`${base}/billing`}>Add seats</Link>
      </li>
      <li className="dashboard-card">
        <span className="dashboard-label"><HardDrive className="icon" />Storage used</span>
        <span className="dashboard-value" data-testid="dashboard-storage">
          {storage.data ? formatBytes(storage.data.databaseBytes + storage.data.mediaBytes) : storage.problem ? 'Not known now' : <LoadingValue />}
        </span>
        {storage.data && <span className="muted">Database {formatBytes(storage.data.databaseBytes)}, uploaded files {formatBytes(storage.data.mediaBytes)}</span>}
      </li>
      <li className="dashboard-card">
        <span className="dashboard-label"><DatabaseBackup className="icon" />Last backup</span>
        <span className="dashboard-value" data-testid="dashboard-backup">
          {!host.lastBackup ? 'None yet' : host.lastBackup.status === 'succeeded' ? formatDate(host.lastBackup.at) : `Failed ${formatDate(host.lastBackup.at)}`}
        </span>
        <Link to={`${base}/exports`}>Backups and exports</Link>
      </li>
      <li className="dashboard-card">
        <span className="dashboard-label"><Receipt className="icon" />Next invoice</span>
        <span className="dashboard-value" data-testid="dashboard-invoice">
          {!billing.data ? <LoadingValue /> : !subscription ? 'None' : subscription.cancelAt
            ? `None: ends ${formatDay(subscription.cancelAt)}`
            : `${formatDay(subscription.currentPeriodEnd)}, ${formatMoney(subscription.monthlyMinor, billing.data.currency)} before VAT`}
        </span>
        <Link to="/account/billing">Invoices and payment</Link>
      </li>
      <li className="dashboard-card">
        <span className="dashboard-label"><Globe className="icon" />Federation</span>
        <span className="dashboard-value">{federationWords[host.federation.mode]}</span>
        <Link to={`${base}/domain`}>Domain and federation</Link>
      </li>
    </ul>
  );
}
