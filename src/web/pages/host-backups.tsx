// A host's backups: the last outcome, "back up now", and the restore points, each restorable
// after typing the host's label, into the host (everything written since is lost; the host is not served
// meanwhile) or into a new host (a staging clone; the host is left as it is).
import { useState } from 'react';
import { get, post, seg } from '../api-client.ts';
import type { Host, HostBackup, JobSummary } from '../api-types.ts';
import { Field, ProblemBanner, SelectField, useSubmit } from '../forms.tsx';
import { formatDate } from '../format.tsx';
import { navigate } from '../router.tsx';
import { useApi } from '../use-api.ts';
import { backupStatusWords } from '../../contract/status-words.ts';

const backupable = new Set<Host['status']>(['running', 'degraded', 'sleeping']);
const restorable = new Set<Host['status']>(['running', 'degraded', 'sleeping', 'failed']);
const mib = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;

export function BackupSection({ host }: { host: Host }) {
  const backups = useApi(() => get<{ backups: HostBackup[] }>(`/hosts/${seg(host.label)}/backups`), [host.label]);
  const [chosen, setChosen] = useState('');
  const [confirm, setConfirm] = useState('');
  const [into, setInto] = useState('');
  const backupNow = useSubmit(async () => {
    const { job } = await post<{ backup: HostBackup; job: JobSummary }>(`/hosts/${seg(host.label)}/backups`, {});
    navigate(`/hosts/${host.label}/jobs/${job.id}`);
  });
  const restore = useSubmit(async () => {
    const target = into.trim();
    const { job, host: restored } = await post<{ job: JobSummary; host: Host }>(`/hosts/${seg(host.label)}/backups/${seg(chosen)}/restore`, target === '' ? { confirm } : { confirm, into: target });
    navigate(`/hosts/${restored.label}/jobs/${job.id}`);
  });
  const ready = backups.data?.backups.filter((item) => item.status === 'ready') ?? [];
  return (
    <section className="panel-section" data-testid="backups">
      <h2>Backups</h2>
      <p className="muted">
        Database and media are backed up on your plan's schedule, encrypted, while the server keeps running.
        {host.lastBackup && (host.lastBackup.status === 'succeeded' ? ` The last backup was made ${formatDate(host.lastBackup.at)}.` : ` The last backup failed ${formatDate(host.lastBackup.at)}${host.lastBackup.error ? `: ${host.lastBackup.error}` : ''}.`)}
      </p>
      <ProblemBanner problem={backupNow.problem ?? backups.problem} />
      <button type="button" disabled={backupNow.busy || !backupable.has(host.status)} onClick={() => void backupNow.onSubmit()}>Back up now</button>
      {backups.data && backups.data.backups.length > 0 && (
        <ul className="export-list">
          {backups.data.backups.map((item) => (
            <li key={item.id}>
              {formatDate(item.createdAt)}: {item.kind === 'snapshot' ? `snapshot ${item.description}` : `${item.description}, ${backupStatusWords[item.status]}`}{item.synapseRelease ? ` (Synapse ${item.synapseRelease})` : ''}{item.bytes !== null ? `, ${mib(item.bytes)}` : ''}{item.error ? `: ${item.error}` : ''}
            </li>
          ))}
        </ul>
      )}
      {ready.length > 0 && (
        <form onSubmit={(event) => void restore.onSubmit(event)} noValidate>
          <h3>Restore</h3>
          <p className="muted">
            Into this server: it is stopped and not reachable until the restore is checked; everything written after the backup is lost.
            Into a new server (a staging clone): this server is left as it is; the clone keeps the server name {host.serverName} inside its data,
            is reached only at its own address, has its own signing key, and never federates (it would impersonate this server).
            A snapshot taken before a Synapse upgrade brings back the database as it was then, on the Synapse release it ran then; media files stay as they are.
          </p>
          <ProblemBanner problem={restore.problem} />
          <SelectField label="Restore point" name="backup" apiField="backupId" value={chosen} onChange={(event) => setChosen(event.target.value)} problem={restore.problem}>
            <option value="">Choose a restore point</option>
            {ready.map((item) => <option key={item.id} value={item.id}>{formatDate(item.createdAt)}{item.kind === 'snapshot' ? `, snapshot ${item.description}` : ''}</option>)}
          </SelectField>
          <Field label="Into a new server named (leave empty to restore this server)" name="into" value={into} onChange={(event) => setInto(event.target.value)} problem={restore.problem} />
          <Field label={`Type ${host.label} to confirm`} name="confirm" value={confirm} onChange={(event) => setConfirm(event.target.value)} problem={restore.problem} />
          <button type="submit" disabled={restore.busy || chosen === '' || confirm !== host.label || (into.trim() === '' && !restorable.has(host.status))}>{into.trim() === '' ? 'Restore host' : 'Restore into new host'}</button>
        </form>
      )}
    </section>
  );
}
