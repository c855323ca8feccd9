// Operator: every customer's invoices; an invoice paid by bank transfer is marked paid here.
import { useState } from 'react';
import { get, post, seg } from '../../api-client.ts';
import type { InvoiceSummary } from '../../api-types.ts';
import { ConfirmButton, EmptyState, Loading, ProblemBanner, useAction } from '../../forms.tsx';
import { invoiceStatusWords, invoiceSubject, paymentMethodWords } from '../../../contract/status-words.ts';
import { formatDay, formatMoney } from '../../format.tsx';
import { showSaved } from '../../toasts.tsx';
import { PageTitle } from '../../layout.tsx';
import { useApi } from '../../use-api.ts';
import { OperatorTabs } from './operator-nav.tsx';

export function OperatorInvoicesPage() {
  const [openOnly, setOpenOnly] = useState(false);
  const invoices = useApi(() => get<{ invoices: InvoiceSummary[] }>(`/operator/invoices${openOnly ? '?status=open' : ''}`), [openOnly]);
  const markPaid = useAction(async (id: string) => {
    const paid = await post<InvoiceSummary>(`/operator/invoices/${seg(id)}/paid`);
    await invoices.reload();
    showSaved(`${paid.number} (${invoiceSubject(paid)}, ${paid.accountEmail ?? "its customer"}) is marked paid.`);
  });
  return (
    <section>
      <PageTitle>Operator console</PageTitle>
      <OperatorTabs />
      <h2>Invoices</h2>
      <label className="check"><input type="checkbox" checked={openOnly} onChange={(e) => setOpenOnly(e.target.checked)} /> Only unpaid invoices</label>
      <ProblemBanner problem={invoices.problem ?? markPaid.problem} />
      {!invoices.data ? <Loading /> : invoices.data.invoices.length === 0 ? <EmptyState title="No invoices" /> : (
        <table>
          <thead><tr><th>Number</th><th>Customer</th><th>For</th><th>Date</th><th>Total</th><th>Paid by</th><th>Status</th><th><span className="sr-only">Actions</span></th></tr></thead>
          <tbody>
            {invoices.data.invoices.map((invoice) => (
              <tr key={invoice.id} data-invoice={invoice.number}>
                <td data-label="Number" className="nowrap">{invoice.number}</td>
                <td data-label="Customer">{invoice.accountEmail ?? ''}</td>
                <td data-label="For">{invoiceSubject(invoice)}</td>
                <td data-label="Date">{formatDay(invoice.issuedAt)}</td>
                <td data-label="Total">{formatMoney(invoice.totalMinor, invoice.currency)}</td>
                <td data-label="Paid by">{paymentMethodWords[invoice.paymentMethod]}</td>
                <td data-label="Status">{invoiceStatusWords(invoice, formatDay)}</td>
                <td>
                  <a href={`/api/v1/operator/invoices/${seg(invoice.id)}/pdf`} download>Download PDF</a>{' '}
                  {invoice.status === 'open' && <ConfirmButton label="Mark paid" question={`The payment for ${invoice.number} has arrived?`} confirmLabel="Mark as paid" busy={markPaid.busy} onConfirm={() => void markPaid.run(invoice.id)} />}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
