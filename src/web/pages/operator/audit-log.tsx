// Operator: the audit log of every privileged action as sentences (who, what, on which host),
// newest first, a page at a time; from an account's row, only what that account did.
import { useState } from 'react';
import { get } from '../../api-client.ts';
import type { AuditEntry } from '../../api-types.ts';
import { EmptyState, Loading, ProblemBanner } from '../../forms.tsx';
import { formatDate } from '../../format.tsx';
import { PageTitle } from '../../layout.tsx';
import { Link, useLocation } from '../../router.tsx';
import { useApi } from '../../use-api.ts';
import { OperatorTabs } from './operator-nav.tsx';

const pageSize = 100;

export function OperatorAuditLogPage() {
  const { query } = useLocation();
  const accountId = query.get('account');
  const [before, setBefore] = useState<number | undefined>();
  const entries = useApi(
    () => get<{ entries: AuditEntry[] }>(`/operator/audit-log?limit=${pageSize}${before ? `&before=${before}` : ''}${accountId ? `&accountId=${encodeURIComponent(accountId)}` : ''}`),
    [before, accountId],
  );
  const list = entries.data?.entries;
  const last = list?.at(-1);
  const whose = accountId ? list?.find((entry) => entry.actorAccountId === accountId)?.actorEmail : undefined;
  return (
    <section>
      <PageTitle>Operator console</PageTitle>
      <OperatorTabs />
      <h2>Audit log{accountId && `: what ${whose ?? 'one account'} did`}</h2>
      {accountId && <p><Link to="/operator/audit-log">Everyone's actions</Link></p>}
      <ProblemBanner problem={entries.problem} />
      {!list ? <Loading /> : list.length === 0 ? <EmptyState title="Nothing logged yet" /> : (
        <>
          <ol className="audit-log" data-testid="audit-log">
            {list.map((entry) => (
              <li key={entry.id} data-action={entry.action}>
                <time dateTime={entry.at} className="muted">{formatDate(entry.at)}</time>
                <span className="audit-sentence">{entry.sentence}</span>
              </li>
            ))}
          </ol>
          <div className="actions">
            {before !== undefined && <button type="button" className="secondary" onClick={() => setBefore(undefined)}>Newest</button>}
            {last && list.length === pageSize && <button type="button" className="secondary" onClick={() => setBefore(last.id)}>Older</button>}
          </div>
        </>
      )}
    </section>
  );
}
