// Operator: search accounts, suspend or lift a suspension, enable or stop invoice payment.
import { useState } from 'react';
import { get, post, seg } from '../../api-client.ts';
import type { OperatorAccount } from '../../api-types.ts';
import { ConfirmButton, EmptyState, Field, Loading, ProblemBanner, useAction } from '../../forms.tsx';
import { formatDate } from '../../format.tsx';
import { PageTitle } from '../../layout.tsx';
import { useApi } from '../../use-api.ts';
import { OperatorTabs } from './operator-nav.tsx';

export function OperatorAccountsPage() {
  const [search, setSearch] = useState('');
  const [applied, setApplied] = useState('');
  const accounts = useApi(() => get<{ accounts: OperatorAccount[] }>(`/operator/accounts${applied ? `?search=${encodeURIComponent(applied)}` : ''}`), [applied]);
  const suspend = useAction(async ({ id, suspended }: { id: string; suspended: boolean }) => {
    await post(`/operator/accounts/${seg(id)}/${suspended ? 'suspend' : 'unsuspend'}`);
    await accounts.reload();
  });
  const invoicePayment = useAction(async ({ id, enable }: { id: string; enable: boolean }) => {
    await post(`/operator/accounts/${seg(id)}/invoice-payment/${enable ? 'enable' : 'disable'}`);
    await accounts.reload();
  });
  return (
    <section>
      <PageTitle>Operator console</PageTitle>
      <OperatorTabs />
      <h2>Accounts</h2>
      <form className="search" role="search" onSubmit={(event) => { event.preventDefault(); setApplied(search.trim()); }}>
        <Field label="Search by email, name or company" name="search" type="search" value={search} onChange={(e) => setSearch(e.target.value)} />
        <button type="submit" className="secondary">Search</button>
      </form>
      <ProblemBanner problem={accounts.problem ?? suspend.problem ?? invoicePayment.problem} />
      {!accounts.data ? <Loading /> : accounts.data.accounts.length === 0 ? <EmptyState title="No accounts match" /> : (
        <table>
          <thead><tr><th>Email</th><th>Name</th><th>Company</th><th>VAT ID</th><th>Verified</th><th>2FA</th><th>Created</th><th>Invoice payment</th><th>State</th><th><span className="sr-only">Actions</span></th></tr></thead>
          <tbody>
            {accounts.data.accounts.map((account) => (
              <tr key={account.id} data-account={account.email}>
                <td data-label="Email">{account.email}{account.isOperator && <span className="badge">operator</span>}</td>
                <td data-label="Name">{account.name}</td>
                <td data-label="Company">{account.companyName ?? '–'}</td>
                <td data-label="VAT ID"><VatIdCell account={account} /></td>
                <td data-label="Verified">{account.emailVerified ? 'Yes' : 'No'}</td>
                <td data-label="2FA">{account.twoFactorEnabled ? 'On' : 'Off'}</td>
                <td data-label="Created">{formatDate(account.createdAt)}</td>
                <td data-label="Invoice payment">
                  {account.invoicePaymentEnabled ? 'Enabled ' : 'Off '}
                  <button type="button" className="secondary" disabled={invoicePayment.busy} onClick={() => void invoicePayment.run({ id: account.id, enable: !account.invoicePaymentEnabled })}>
                    {account.invoicePaymentEnabled ? 'Stop invoice payment' : 'Enable invoice payment'}
                  </button>
                </td>
                <td data-label="State">{account.suspendedAt ? `Suspended ${formatDate(account.suspendedAt)}` : 'Active'}</td>
                <td>
                  {account.suspendedAt
                    ? <button type="button" className="secondary" disabled={suspend.busy} onClick={() => void suspend.run({ id: account.id, suspended: false })}>Lift suspension</button>
                    : !account.isOperator && <ConfirmButton label="Suspend" question="No login, no API tokens; sessions end now." confirmLabel="Suspend account" busy={suspend.busy} onConfirm={() => void suspend.run({ id: account.id, suspended: true })} />}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

/** The VAT ID and the evidence of its last VIES check (date, request identifier, the name VIES returned). */
function VatIdCell({ account }: { account: OperatorAccount }) {
  const check = account.viesCheck;
  if (!account.vatId) return <>–</>;
  if (!check || !check.current) return <>{account.vatId} <span className="badge">not checked with VIES</span></>;
  return (
    <>
      {account.vatId} <span className="badge">VIES: valid</span>
      <div className="muted" data-vies-check>
        Checked {check.requestDate ?? formatDate(check.checkedAt)}{check.requestIdentifier ? `, request ${check.requestIdentifier}` : ''}{check.name ? `, registered to ${check.name}` : ''}
      </div>
    </>
  );
}
