// Operator: find an account (by email, name, company, or a host's label or server name, as you
// type), see its hosts, state and billing at a glance, suspend or lift a suspension, enable or
// stop invoice payment.
import { useEffect, useState } from 'react';
import { get, post, seg } from '../../api-client.ts';
import type { OperatorAccount } from '../../api-types.ts';
import { ConfirmButton, EmptyState, Field, Loading, ProblemBanner, useAction } from '../../forms.tsx';
import { formatDate, formatDay } from '../../format.tsx';
import { PageTitle } from '../../layout.tsx';
import { Link, useLocation } from '../../router.tsx';
import { useApi } from '../../use-api.ts';
import { OperatorTabs } from './operator-nav.tsx';

export function OperatorAccountsPage() {
  const { query } = useLocation();
  const [search, setSearch] = useState(query.get('search') ?? '');
  const [applied, setApplied] = useState(search.trim());
  // Searching as the operator types; the button stays for the keyboard and for anyone who expects it.
  useEffect(() => {
    const timer = setTimeout(() => setApplied(search.trim()), 300);
    return () => clearTimeout(timer);
  }, [search]);
  const accounts = useApi(() => get<{ accounts: OperatorAccount[] }>(`/operator/accounts${applied ? `?search=${encodeURIComponent(applied)}` : ''}`), [applied]);
  const suspend = useAction(async ({ id, suspended }: { id: string; suspended: boolean }) => {
    await post(`/operator/accounts/${seg(id)}/${suspended ? 'suspend' : 'unsuspend'}`);
    await accounts.reload();
  });
  const invoicePayment = useAction(async ({ id, enable }: { id: string; enable: boolean }) => {
    await post(`/operator/accounts/${seg(id)}/invoice-payment/${enable ? 'enable' : 'disable'}`);
    await accounts.reload();
  });
  const list = accounts.data?.accounts;
  return (
    <section>
      <PageTitle>Operator console</PageTitle>
      <OperatorTabs />
      <h2>Accounts</h2>
      <form className="search" role="search" onSubmit={(event) => { event.preventDefault(); setApplied(search.trim()); }}>
        <Field label="Search by email, name, company or host" name="search" type="search" value={search} onChange={(e) => setSearch(e.target.value)} hint="A host's label or server name finds its customer." />
        <button type="submit" className="secondary">Search</button>
      </form>
      <ProblemBanner problem={accounts.problem ?? suspend.problem ?? invoicePayment.problem} />
      {!list ? <Loading /> : list.length === 0 ? <EmptyState title={applied ? `No account matches “${applied}”` : 'No accounts yet'} /> : (
        <>
          <p className="muted" role="status">{list.length === 1 ? '1 account' : `${list.length} accounts`}{applied ? ` matching “${applied}”` : ', newest first'}</p>
          <div className="table-scroll">
            <table className="accounts-table">
              <thead><tr><th>Account</th><th>Hosts</th><th>State</th><th>Billing</th><th>Joined</th><th><span className="sr-only">Actions</span></th></tr></thead>
              <tbody>
                {list.map((account) => (
                  <tr key={account.id} data-account={account.email}>
                    <td data-label="Account">
                      <a href={`mailto:${account.email}`} className="account-email">{account.email}</a>{account.isOperator && <span className="badge">operator</span>}
                      <div className="muted">{account.name}{account.companyName ? ` · ${account.companyName}` : ''}</div>
                    </td>
                    <td data-label="Hosts">
                      {account.hosts.length === 0 ? <span className="muted">None</span> : (
                        <ul className="plain-list">{account.hosts.map((host) => <li key={host}>{host}</li>)}</ul>
                      )}
                    </td>
                    <td data-label="State">
                      {account.suspendedAt ? <><span className="badge badge-failed">Suspended</span> <span className="muted">since {formatDate(account.suspendedAt)}</span></> : 'Active'}
                      <div className="muted">{account.emailVerified ? 'Email verified' : 'Email not verified'} · {account.twoFactorEnabled ? 'two-factor on' : 'two-factor off'}</div>
                    </td>
                    <td data-label="Billing">
                      {account.invoicePaymentEnabled ? 'May pay by invoice' : 'Pays by card'}
                      <div className="muted"><VatIdCell account={account} /></div>
                    </td>
                    <td data-label="Joined">{formatDay(account.createdAt)}</td>
                    <td className="actions-cell"><div className="row-actions">
                      <button type="button" className="secondary" disabled={invoicePayment.busy} onClick={() => void invoicePayment.run({ id: account.id, enable: !account.invoicePaymentEnabled })}>
                        {account.invoicePaymentEnabled ? 'Stop invoice payment' : 'Enable invoice payment'}
                      </button>
                      {account.suspendedAt
                        ? <button type="button" className="secondary" disabled={suspend.busy} onClick={() => void suspend.run({ id: account.id, suspended: false })}>Lift suspension</button>
                        : !account.isOperator && <ConfirmButton label="Suspend" question="No login, no API tokens; sessions end now." confirmLabel="Suspend account" busy={suspend.busy} onConfirm={() => void suspend.run({ id: account.id, suspended: true })} />}
                      <Link to={`/operator/audit-log?account=${account.id}`}>Activity</Link>
                    </div></td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
    </section>
  );
}

/** The VAT ID and the evidence of its last VIES check (date, request identifier, the name VIES returned). */
function VatIdCell({ account }: { account: OperatorAccount }) {
  const check = account.viesCheck;
  if (!account.vatId) return <>No VAT ID</>;
  if (!check || !check.current) return <>VAT ID {account.vatId}, not checked with VIES</>;
  return (
    <span data-vies-check>
      VAT ID {account.vatId}, valid in VIES (checked {check.requestDate ?? formatDate(check.checkedAt)}{check.requestIdentifier ? `, request ${check.requestIdentifier}` : ''}{check.name ? `, registered to ${check.name}` : ''})
    </span>
  );
}
