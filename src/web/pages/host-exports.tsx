// A host's exports: the downtime estimate, an export with an optional passphrase, and the
// exports with their signed download links (deleted after the retention period).
import { useState } from 'react';
import { get, post, seg } from '../api-client.ts';
import type { ExportEstimate, Host, HostExport, JobSummary } from '../api-types.ts';
import { Field, ProblemBanner, useSubmit } from '../forms.tsx';
import { formatDate } from '../format.tsx';
import { navigate } from '../router.tsx';
import { useApi } from '../use-api.ts';

const exportable = new Set<Host['status']>(['running', 'degraded', 'sleeping']);
const mib = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;

export function ExportSection({ host }: { host: Host }) {
  const estimate = useApi(() => get<ExportEstimate>(`/hosts/${seg(host.label)}/exports/estimate`), [host.label]);
  const exports = useApi(() => get<{ exports: HostExport[] }>(`/hosts/${seg(host.label)}/exports`), [host.label]);
  const [passphrase, setPassphrase] = useState('');
  const { busy, problem, onSubmit } = useSubmit(async () => {
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
      <button type="submit" disabled={busy || !exportable.has(host.status)}>Export host</button>
      {exports.data && exports.data.exports.length > 0 && (
        <ul className="export-list">
          {exports.data.exports.map((item) => (
            <li key={item.id}>
              <span>{formatDate(item.createdAt)}: {item.status}{item.encrypted ? ', encrypted' : ''}{item.expiresAt && item.status === 'ready' ? `, deleted after ${formatDate(item.expiresAt)}` : ''}</span>
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
