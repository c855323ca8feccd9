// A host's exports and backups section: the downtime estimate, an export with an optional
// passphrase (confirmed, since it stops the server), and the exports with their signed download
// links (deleted after the retention period).
import { useState } from 'react';
import { get, post, seg } from '../api-client.ts';
import type { ExportEstimate, Host, HostExport, JobSummary } from '../api-types.ts';
import { Field, ProblemBanner, useSubmit } from '../forms.tsx';
import { BackupSection } from './host-backups.tsx';
import { HostSettingsFrame } from './host-nav.tsx';
import { formatDate } from '../format.tsx';
import { navigate } from '../router.tsx';
import { useApi } from '../use-api.ts';
import { exportStatusWords } from '../../contract/status-words.ts';

const exportable = new Set<Host['status']>(['running', 'degraded', 'sleeping']);
const mib = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;

export function HostExportsPage({ hostId }: { hostId: string }) {
  return (
    <HostSettingsFrame hostId={hostId}>
      {(h) => (
        <>
          <ExportSection host={h} />
          <BackupSection host={h} />
        </>
      )}
    </HostSettingsFrame>
  );
}

function ExportSection({ host }: { host: Host }) {
  const estimate = useApi(() => get<ExportEstimate>(`/hosts/${seg(host.label)}/exports/estimate`), [host.label]);
  const exports = useApi(() => get<{ exports: HostExport[] }>(`/hosts/${seg(host.label)}/exports`), [host.label]);
  const [passphrase, setPassphrase] = useState('');
  const [asking, setAsking] = useState(false);
  const { busy, problem, onSubmit } = useSubmit(async () => {
    setAsking(false);
    const { job } = await post<{ export: HostExport; job: JobSummary }>(`/hosts/${seg(host.label)}/exports`, passphrase === '' ? {} : { passphrase });
    navigate(`/hosts/${host.label}/jobs/${job.id}`);
  });
  return (
    <form className="panel-section" onSubmit={(event) => void onSubmit(event)} noValidate>
      <h2>Export</h2>
      <p className="muted">
        Download everything to run the server elsewhere: <code>{host.label}-config.md</code> (versions, signing key, secrets and settings),
        the database (<code>pg_dump</code> directory format, zipped), the media and checksums. The server is stopped while the database and media are copied.
      </p>
      {estimate.data && (
        <p data-testid="export-estimate">
          Estimated downtime: <strong>{estimate.data.downtimeSeconds} s</strong> (database {mib(estimate.data.databaseBytes)}, media {mib(estimate.data.mediaBytes)}).
        </p>
      )}
      <ProblemBanner problem={problem ?? estimate.problem} />
      <Field
        label="Passphrase (optional)" name="passphrase" type="password" autoComplete="new-password" value={passphrase}
        onChange={(e) => setPassphrase(e.target.value)} problem={problem}
        hint="At least 8 characters. Encrypts every file with OpenPGP (AES-256); open them with gpg --decrypt FILE.gpg > FILE. Homeport does not keep it."
      />
      {asking ? (
        <div className="confirm-inline" role="group" aria-labelledby="export-question">
          <p id="export-question" className="warning-text">
            Your server stops{estimate.data ? ` for about ${estimate.data.downtimeSeconds} seconds` : ''} while the database and media are copied; users cannot chat until it is back. Export now?
          </p>
          <button type="submit" disabled={busy}>Stop the server and export</button>
          <button type="button" className="secondary" onClick={() => setAsking(false)}>Not now</button>
        </div>
      ) : (
        <button type="button" disabled={busy || !exportable.has(host.status)} onClick={() => setAsking(true)}>Export host…</button>
      )}
      {exports.data && exports.data.exports.length > 0 && (
        <ul className="export-list" aria-label="Your exports">
          {exports.data.exports.map((item) => (
            <li key={item.id}>
              <span>Export of {formatDate(item.createdAt)}: {exportStatusWords[item.status]}{item.encrypted ? ', encrypted with your passphrase' : ''}{item.expiresAt && item.status === 'ready' ? `; deleted after ${formatDate(item.expiresAt)}` : ''}</span>
              {item.files.length > 0 && (
                <ul>
                  {item.files.map((file) => <li key={file.name}><a href={file.url} download={file.name}>{file.name}</a> <span className="muted">{mib(file.size)}</span></li>)}
                </ul>
              )}
            </li>
          ))}
        </ul>
      )}
    </form>
  );
}
