// Operator: the audit log of every privileged action, newest first, a page at a time.
import { useState } from 'react';
import { get } from '../../api-client.ts';
import type { AuditEntry } from '../../api-types.ts';
import { EmptyState, Loading, ProblemBanner } from '../../forms.tsx';
import { formatDate } from '../../format.tsx';
import { PageTitle } from '../../layout.tsx';
import { useApi } from '../../use-api.ts';
import { OperatorTabs } from './operator-nav.tsx';

const pageSize = 100;

export function OperatorAuditLogPage() {
  const [before, setBefore] = useState<number | undefined>();
  const entries = useApi(() => get<{ entries: AuditEntry[] }>(`/operator/audit-log?limit=${pageSize}${before ? `&before=${before}` : ''}`), [before]);
  const last = entries.data?.entries.at(-1);
  return (
    <section>
      <PageTitle>Operator console</PageTitle>
      <OperatorTabs />
      <h2>Audit log</h2>
      <ProblemBanner problem={entries.problem} />
      {!entries.data ? <Loading /> : entries.data.entries.length === 0 ? <EmptyState title="Nothing logged yet" /> : (
        <>
          <table>
            <thead><tr><th>When</th><th>Who</th><th>Action</th><th>Details</th></tr></thead>
            <tbody>
              {entries.data.entries.map((entry) => (
                <tr key={entry.id}>
                  <td data-label="When">{formatDate(entry.at)}</td>
                  <td data-label="Who">{entry.actor}{entry.actorAccountId && <code> {entry.actorAccountId.slice(0, 8)}</code>}</td>
                  <td data-label="Action">{entry.action}</td>
                  <td data-label="Details"><code className="details">{JSON.stringify(entry.details)}</code></td>
                </tr>
              ))}
            </tbody>
          </table>
          <div className="actions">
            {before !== undefined && <button type="button" className="secondary" onClick={() => setBefore(undefined)}>Newest</button>}
            {last && entries.data.entries.length === pageSize && <button type="button" className="secondary" onClick={() => setBefore(last.id)}>Older</button>}
          </div>
        </>
      )}
    </section>
  );
}
