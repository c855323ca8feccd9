// A host at a glance, at the top of its overview: seats in use against seats bought, storage used,
// the last backup, the next invoice, whether other servers reach it (with its check) and whether
// calls work; each links to the section where it is changed.
import { useState } from 'react';
import { Globe, HardDrive, Phone, Receipt, UsersRound, DatabaseBackup } from 'lucide-react';
import { get, post, seg } from '../api-client.ts';
import type { Billing, ExportEstimate, FederationCheck, Host, HostCalls } from '../api-types.ts';
import { callsStateWords } from '../../contract/status-words.ts';
import { LoadingValue, ProblemBanner, useSubmit } from '../forms.tsx';
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
      <FederationCard host={host} />
      <CallsCard host={host} />
    </ul>
  );
}

/** Federation: the host's mode and, unless it is off, whether other servers reached it at the last check; the check runs from here. */
function FederationCard({ host }: { host: Host }) {
  const base = `/hosts/${seg(host.label)}`;
  const last = useApi(() => get<FederationCheck | null>(`${base}/federation-checks`), [base]);
  const [checked, setChecked] = useState<FederationCheck | undefined>();
  const check = useSubmit(async () => {
    setChecked(await post<FederationCheck>(`${base}/federation-checks`));
  });
  const result = checked ?? last.data;
  const off = host.federation.mode === 'off';
  return (
    <li className="dashboard-card" data-testid="dashboard-federation">
      <span className="dashboard-label"><Globe className="icon" />Federation</span>
      <span className="dashboard-value" data-testid="dashboard-federation-state">
        {off ? federationWords.off : result === undefined ? (last.problem ? 'Not known now' : <LoadingValue />)
          : result === null ? 'Not checked yet'
            : result.passed ? 'Other servers reach it' : 'Other servers cannot reach it'}
      </span>
      {!off && <span className="muted">{federationWords[host.federation.mode]}{result ? `; checked ${formatDate(result.checkedAt)}` : ''}</span>}
      {!off && result && !result.passed && <span className="warning-text">{result.findings.find((finding) => finding.severity === 'error')?.message}</span>}
      <ProblemBanner problem={check.problem} />
      {!off && result !== undefined && (
        <button type="button" className="secondary" disabled={check.busy || host.status === 'provisioning'} onClick={() => void check.onSubmit()}>
          {check.busy ? 'Checking…' : result === null ? 'Check federation' : 'Check again'}
        </button>
      )}
      <Link to={`${base}/domain`}>Domain and federation</Link>
    </li>
  );
}

/** Calls: not offered here, switched off for this host, working, or not working and why. */
function CallsCard({ host }: { host: Host }) {
  const base = `/hosts/${seg(host.label)}`;
  const calls = useApi(() => get<HostCalls>(`${base}/calls`), [base]);
  const state = calls.data;
  return (
    <li className="dashboard-card" data-testid="dashboard-calls">
      <span className="dashboard-label"><Phone className="icon" />Calls</span>
      <span className="dashboard-value" data-testid="dashboard-calls-state">
        {!state ? (calls.problem ? 'Not known now' : <LoadingValue />) : callsStateWords(state)}
      </span>
      {state?.offered && state.enabled && !state.working && state.problem && <span className="warning-text">{state.problem}</span>}
      {state?.offered && <Link to={`${base}/calls`}>{state.enabled ? 'Calls' : 'Switch calls on'}</Link>}
    </li>
  );
}
