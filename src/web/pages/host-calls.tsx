// The host's Calls section: whether the host's users can make calls right now (and why not), and
// the switch; a change restarts the server.
import { get, put, seg } from '../api-client.ts';
import type { Host, HostCalls, JobSummary } from '../api-types.ts';
import { callsNotOffered } from '../../contract/status-words.ts';
import { Loading, Notice, ProblemBanner, useSubmit } from '../forms.tsx';
import { navigate } from '../router.tsx';
import { useApi } from '../use-api.ts';
import { HostSettingsFrame } from './host-nav.tsx';

export function HostCallsPage({ hostId }: { hostId: string }) {
  return <HostSettingsFrame hostId={hostId}>{(h) => <CallsSection host={h} />}</HostSettingsFrame>;
}

export function CallsSection({ host }: { host: Host }) {
  const path = `/hosts/${seg(host.label)}/calls`;
  const calls = useApi(() => get<HostCalls>(path), [path]);
  const toggle = useSubmit(async () => {
    const { job } = await put<{ calls: HostCalls; job: JobSummary | null }>(path, { enabled: !calls.data?.enabled });
    if (job) navigate(`/hosts/${host.label}/jobs/${job.id}`);
    else await calls.reload();
  });
  if (!calls.data) return <section className="panel-section"><h2>Calls</h2>{calls.problem ? <ProblemBanner problem={calls.problem} /> : <Loading />}</section>;
  const { offered, enabled, working, problem } = calls.data;
  if (!offered) {
    return (
      <section className="panel-section" data-testid="calls-section">
        <h2>Calls</h2>
        <p data-testid="calls-state">{callsNotOffered}</p>
      </section>
    );
  }
  return (
    <form className="panel-section" onSubmit={(event) => void toggle.onSubmit(event)} noValidate data-testid="calls-section">
      <h2>Calls</h2>
      <p className="muted">Voice and video calls in Element and other MatrixRTC apps, for the users of {host.serverName} and the people they call on other servers.</p>
      <ProblemBanner problem={toggle.problem} />
      {working
        ? <Notice kind="success"><span data-testid="calls-state">Calls work: your users can start a call in any room.</span></Notice>
        : <Notice kind="warning"><span data-testid="calls-state">Calls do not work: {problem}</span></Notice>}
      <p className="muted">Switching calls {enabled ? 'off' : 'on'} restarts the server for a moment.</p>
      <button type="submit" disabled={toggle.busy}>{enabled ? 'Switch calls off' : 'Switch calls on'}</button>
    </form>
  );
}
