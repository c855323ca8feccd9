// The host's maintenance window: the two hours (UTC) in which Homeport may restart the server to
// upgrade Synapse, or any time. Urgent security releases do not wait for it, and the page says so.
import { useEffect, useState } from 'react';
import { get, put, seg } from '../api-client.ts';
import type { Host, MaintenanceWindowAnswer } from '../api-types.ts';
import { Loading, Notice, ProblemBanner, useSubmit } from '../forms.tsx';
import { useApi } from '../use-api.ts';
import { maintenanceWindowSentence, maintenanceWindowWords } from '../../contract/maintenance-window-words.ts';

const anyTime = 'any';

/** "02:00–04:00 UTC (03:00–05:00 your time)": the window as the operator schedules it, and in the customer's own clock. */
function windowWords(startHour: number, hours: number): string {
  const utc = maintenanceWindowWords(startHour, hours);
  const local = (hour: number) => new Date(Date.UTC(2026, 0, 1, hour)).toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
  const localWords = `${local(startHour)}–${local(startHour + hours)}`;
  return utc.startsWith(localWords) ? utc : `${utc} (${localWords} your time)`;
}

export function MaintenanceWindowSection({ host }: { host: Host }) {
  const current = useApi(() => get<MaintenanceWindowAnswer>(`/hosts/${seg(host.label)}/maintenance-window`), [host.label]);
  const [choice, setChoice] = useState(anyTime);
  const [saved, setSaved] = useState<string | undefined>();
  useEffect(() => {
    if (current.data) setChoice(current.data.startHour === null ? anyTime : String(current.data.startHour));
  }, [current.data]);
  const { busy, problem, onSubmit } = useSubmit(async () => {
    const answer = await put<MaintenanceWindowAnswer>(`/hosts/${seg(host.label)}/maintenance-window`, { startHour: choice === anyTime ? null : Number(choice) });
    setSaved(maintenanceWindowSentence(answer.startHour, answer.hours));
    await current.reload();
  });
  if (current.problem) return <ProblemBanner problem={current.problem} />;
  if (!current.data) return <Loading what="Loading the maintenance window" />;
  const { hours } = current.data;
  return (
    <form className="panel-section" onSubmit={(event) => void onSubmit(event)} noValidate data-testid="maintenance-window-section">
      <h2>Maintenance window</h2>
      <p className="muted">
        When we install a new Synapse release, your server restarts for about a minute. Choose the {hours} hours in which that may happen.
        Urgent security releases are installed as soon as they are out.
      </p>
      <ProblemBanner problem={problem} />
      {saved && <Notice kind="success">{saved}</Notice>}
      <div className="field">
        <label htmlFor="field-startHour">Upgrades may restart the server</label>
        <select id="field-startHour" name="startHour" value={choice} onChange={(event) => { setChoice(event.target.value); setSaved(undefined); }}>
          <option value={anyTime}>At any time</option>
          {Array.from({ length: 24 }, (_, hour) => <option key={hour} value={String(hour)}>{windowWords(hour, hours)}</option>)}
        </select>
      </div>
      <button type="submit" disabled={busy}>Save maintenance window</button>
    </form>
  );
}
