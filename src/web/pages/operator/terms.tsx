// Operator: every version of the terms, and publishing a new one (every customer must accept it again).
import { useState } from 'react';
import { get, post } from '../../api-client.ts';
import type { Terms } from '../../api-types.ts';
import { EmptyState, Field, Loading, ProblemBanner, useSubmit, TextAreaField } from '../../forms.tsx';
import { showSaved } from '../../toasts.tsx';
import { formatDate } from '../../format.tsx';
import { PageTitle } from '../../layout.tsx';
import { useApi } from '../../use-api.ts';
import { OperatorTabs } from './operator-nav.tsx';

export function OperatorTermsPage() {
  const versions = useApi(() => get<{ versions: Terms[] }>('/operator/terms'), []);
  const [version, setVersion] = useState('');
  const [text, setText] = useState('');
  const { busy, problem, onSubmit } = useSubmit(async () => {
    const terms = await post<Terms>('/operator/terms', { version: version.trim(), text });
    setVersion('');
    setText('');
    await versions.reload();
    showSaved(`Version ${terms.version} is published. Customers must accept it before their next purchase.`);
  });
  return (
    <section>
      <PageTitle>Operator console</PageTitle>
      <OperatorTabs />
      <h2>Terms and conditions</h2>
      <form className="panel-section" onSubmit={(event) => void onSubmit(event)} noValidate>
        <h3>Publish a new version</h3>
        <ProblemBanner problem={problem} />
        <Field label="Version" name="version" value={version} onChange={(e) => setVersion(e.target.value)} problem={problem} hint="e.g. 2025-01" />
        <TextAreaField label="Text" name="text" rows={8} value={text} onChange={(e) => setText(e.target.value)} problem={problem} />
        <button type="submit" disabled={busy}>Publish</button>
      </form>
      <ProblemBanner problem={versions.problem} />
      {!versions.data ? <Loading /> : versions.data.versions.length === 0 ? <EmptyState title="No terms published yet"><p>Until you publish terms, customers can buy without accepting any.</p></EmptyState> : (
        <ul className="cards">
          {versions.data.versions.map((terms, index) => (
            <li key={terms.version} className="card">
              <p className="card-title">Version {terms.version}{index === 0 && <span className="badge">current</span>}</p>
              <p className="muted">Published {formatDate(terms.publishedAt)}</p>
              <details><summary>Text</summary><div className="terms-text">{terms.text}</div></details>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
