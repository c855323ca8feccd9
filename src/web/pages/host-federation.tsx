// The host page's federation section: open, private (only listed servers) or off; saving rebuilds the host.
import { useState } from 'react';
import { put, seg } from '../api-client.ts';
import type { Host, JobSummary } from '../api-types.ts';
import { Field, ProblemBanner, useSubmit } from '../forms.tsx';
import { navigate } from '../router.tsx';

type Mode = Host['federation']['mode'];

const choices: { mode: Mode; title: string; text: string }[] = [
  { mode: 'open', title: 'Open', text: 'Your users talk with users of any Matrix server.' },
  { mode: 'allowlist', title: 'Private federation', text: 'Only with the servers you list, e.g. your partners.' },
  { mode: 'off', title: 'Off', text: 'A closed organisation: no other server reaches yours, nor yours them.' },
];

export function FederationSection({ host }: { host: Host }) {
  const [mode, setMode] = useState<Mode>(host.federation.mode);
  const [servers, setServers] = useState(host.federation.allowedServers.join(', '));
  const { busy, problem, onSubmit } = useSubmit(async () => {
    const allowedServers = servers.split(/[\s,]+/).filter((name) => name !== '');
    const { job } = await put<{ host: Host; job: JobSummary | null }>(`/hosts/${seg(host.label)}/federation`, { mode, allowedServers });
    if (job) navigate(`/hosts/${host.label}/jobs/${job.id}`);
  });
  return (
    <form className="panel-section" onSubmit={(event) => void onSubmit(event)} noValidate data-testid="federation-section">
      <h2>Federation</h2>
      <p className="muted">Whom the users of {host.serverName} can talk with. Saving a change restarts the server.</p>
      <ProblemBanner problem={problem} />
      <div className="choices" role="radiogroup" aria-label="Federation">
        {choices.map((choice) => (
          <label key={choice.mode} className={choice.mode === mode ? 'choice chosen' : 'choice'}>
            <input type="radio" name="federation" value={choice.mode} checked={choice.mode === mode} onChange={() => setMode(choice.mode)} />
            <span className="choice-title">{choice.title}</span>
            <span className="muted">{choice.text}</span>
          </label>
        ))}
      </div>
      {mode === 'allowlist' && (
        <Field
          label="Allowed servers" name="allowedServers" value={servers} onChange={(e) => setServers(e.target.value)} problem={problem}
          hint="Matrix server names separated by commas, e.g. partner.org, example.com:8448."
        />
      )}
      <button type="submit" disabled={busy}>Save federation</button>
    </form>
  );
}
