// A host's danger zone: a rebuild (interrupts the service briefly, so it is confirmed) and the
// cancellation, which says what happens to the money before the hostname is typed to confirm,
// and repeats what happened afterwards (as a toast that outlives the job page).
import { useState } from 'react';
import { del, get, post, seg } from '../api-client.ts';
import type { CancellationTerms, Host, JobSummary } from '../api-types.ts';
import { ConfirmButton, Field, Loading, ProblemBanner, useSubmit } from '../forms.tsx';
import { navigate } from '../router.tsx';
import { showToast } from '../toasts.tsx';
import { useApi } from '../use-api.ts';
import { HostSettingsFrame } from './host-nav.tsx';

export function HostDangerZonePage({ hostId }: { hostId: string }) {
  return (
    <HostSettingsFrame hostId={hostId}>
      {(h) => (
        <>
          <RebuildSection host={h} />
          <CancelSection host={h} />
        </>
      )}
    </HostSettingsFrame>
  );
}

const rebuildable = new Set<Host['status']>(['running', 'degraded', 'sleeping', 'failed']);

function RebuildSection({ host }: { host: Host }) {
  const { busy, problem, onSubmit } = useSubmit(async () => {
    const { job } = await post<{ host: Host; job: JobSummary }>(`/hosts/${seg(host.label)}/rebuild`);
    navigate(`/hosts/${host.label}/jobs/${job.id}`);
  });
  return (
    <div className="panel-section">
      <h2>Rebuild</h2>
      <p className="muted">Re-renders the configuration and restarts the server, keeping all data. Users are disconnected for about a minute.</p>
      <ProblemBanner problem={problem} />
      {rebuildable.has(host.status)
        ? <ConfirmButton label="Rebuild host…" question="Your users are disconnected for about a minute. Rebuild now?" confirmLabel="Rebuild host" busy={busy} onConfirm={() => void onSubmit()} />
        : <p className="hint">Possible again once the current job has finished.</p>}
    </div>
  );
}

function CancelSection({ host }: { host: Host }) {
  const [confirm, setConfirm] = useState('');
  const terms = useApi(() => get<CancellationTerms>(`/hosts/${seg(host.label)}/cancellation-terms`), [host.label]);
  const { busy, problem, onSubmit } = useSubmit(async () => {
    const { job, billing, clones } = await del<{ host: Host; job: JobSummary; billing: string; clones: Array<{ label: string }> }>(`/hosts/${seg(host.label)}`, { confirm });
    const withClones = clones.length ? ` Its staging clone${clones.length === 1 ? '' : 's'} ${clones.map((clone) => clone.label).join(', ')} ${clones.length === 1 ? 'is' : 'are'} cancelled with it.` : '';
    showToast(`${host.label} is being cancelled.${withClones} ${billing}`, { to: '/account/billing', label: 'See your invoices' });
    navigate(`/hosts/${host.label}/jobs/${job.id}`);
  });
  return (
    <form className="panel-section danger-zone" onSubmit={(event) => void onSubmit(event)} noValidate aria-labelledby="cancel-title">
      <h2 id="cancel-title">Cancel host</h2>
      <p className="warning-text">Cancelling removes the server, its database and media at once. This cannot be undone and all your data will be lost; export it first if you want to keep it.</p>
      <h3>What it costs</h3>
      {terms.data ? <p data-testid="cancellation-terms">{terms.data.text}</p> : <ProblemBanner problem={terms.problem} />}
      {terms.data?.clonesText && <p className="warning-text" data-testid="cancellation-clones">{terms.data.clonesText}</p>}
      {!terms.data && !terms.problem && <Loading />}
      <ProblemBanner problem={problem} />
      <Field label={`Type ${host.label} to confirm`} name="confirm" autoComplete="off" value={confirm} onChange={(e) => setConfirm(e.target.value)} problem={problem} />
      <button type="submit" className="danger" disabled={busy || confirm !== host.label || !terms.data}>Cancel host for good</button>
    </form>
  );
}
