// The client's look and feel on the host page: brand, home and welcome pages, logo and welcome
// background. Each URL is checked when saved; findings are shown, and the values are saved anyway.
import { useState, type ChangeEvent } from 'react';
import { get, put, seg } from '../api-client.ts';
import type { Host, LookAndFeel, LookAndFeelFinding } from '../api-types.ts';
import { Field, Loading, Notice, ProblemBanner, useSubmit } from '../forms.tsx';
import { showSaved } from '../toasts.tsx';
import { useApi } from '../use-api.ts';

const fields = [
  { name: 'homeUrl', label: 'Home page URL', hint: 'Shown on the client\'s home screen; an HTML page with "Access-Control-Allow-Origin: *".' },
  { name: 'welcomeUrl', label: 'Welcome page URL', hint: 'Shown before sign-in; it must link to #/login and #/register.' },
  { name: 'logoUrl', label: 'Client logo URL', hint: 'Shown above the sign-in form.' },
  { name: 'welcomeBackgroundUrl', label: 'Welcome background image URL', hint: 'The background of the sign-in screens.' },
] as const;

type Values = Record<'brand' | (typeof fields)[number]['name'], string>;

function LookAndFeelForm({ host, current }: { host: Host; current: LookAndFeel }) {
  const [values, setValues] = useState<Values>({
    brand: current.brand ?? '', homeUrl: current.homeUrl ?? '', welcomeUrl: current.welcomeUrl ?? '', logoUrl: current.logoUrl ?? '', welcomeBackgroundUrl: current.welcomeBackgroundUrl ?? '',
  });
  const [findings, setFindings] = useState<LookAndFeelFinding[] | undefined>();
  const { busy, problem, onSubmit } = useSubmit(async () => {
    setFindings(undefined);
    const body = Object.fromEntries(Object.entries(values).map(([key, value]) => [key, value.trim() === '' ? null : value.trim()]));
    const saved = await put<{ lookAndFeel: LookAndFeel; findings: LookAndFeelFinding[] }>(`/hosts/${seg(host.label)}/look-and-feel`, body);
    setFindings(saved.findings);
    if (saved.findings.length === 0) showSaved('Look and feel saved; every URL checked out.');
  });
  const set = (name: keyof Values) => (event: ChangeEvent<HTMLInputElement>) => { setFindings(undefined); setValues((old) => ({ ...old, [name]: event.target.value })); };
  return (
    <form className="panel-section" onSubmit={(event) => void onSubmit(event)} noValidate aria-labelledby="look-title">
      <h2 id="look-title">Client look and feel</h2>
      <p className="muted">Your users' web client is at <a href={current.clientUrl} data-testid="client-url">{current.clientUrl}</a>. Changes apply at once, with no restart.</p>
      <ProblemBanner problem={problem} />
      {findings && findings.length > 0 && (
        <Notice kind="warning">
          Look and feel saved, but the check found {findings.length === 1 ? 'a problem' : `${findings.length} problems`}:
          <ul className="findings" data-testid="look-findings">
            {findings.map((finding) => (
              <li key={finding.code} className={`finding finding-${finding.severity}`}>
                <strong>{finding.severity === 'error' ? 'Error' : 'Warning'}:</strong> {finding.message}<br /><span className="muted">Fix: {finding.fix}</span>
              </li>
            ))}
          </ul>
        </Notice>
      )}
      <Field label="Brand" name="brand" value={values.brand} onChange={set('brand')} problem={problem} placeholder="Element" hint="The name the client shows." />
      {fields.map((field) => (
        <Field key={field.name} label={field.label} name={field.name} type="url" placeholder="https://" value={values[field.name]} onChange={set(field.name)} problem={problem} hint={field.hint} />
      ))}
      <button type="submit" disabled={busy}>{busy ? 'Checking and saving…' : 'Save look and feel'}</button>
    </form>
  );
}

export function LookAndFeelSection({ host }: { host: Host }) {
  const current = useApi(() => get<LookAndFeel>(`/hosts/${seg(host.label)}/look-and-feel`), [host.label]);
  if (current.problem) return <ProblemBanner problem={current.problem} />;
  if (!current.data) return <Loading />;
  return <LookAndFeelForm host={host} current={current.data} />;
}
