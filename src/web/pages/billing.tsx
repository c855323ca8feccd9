// Account → Billing: how the account pays (card through Stripe, or invoice payment), its billing
// address, its coupon (only before the first purchase) and its invoices.
import { useState } from 'react';
import { get, post, seg } from '../api-client.ts';
import { countryName } from '../country-select.tsx';
import type { Billing, InvoiceSummary } from '../api-types.ts';
import { EmptyState, Field, Loading, Notice, ProblemBanner, useSubmit } from '../forms.tsx';
import { invoiceStatusWords, invoiceSubject } from '../../contract/status-words.ts';
import { formatDay, formatMoney } from '../format.tsx';
import { PageTitle } from '../layout.tsx';
import { Link } from '../router.tsx';
import { useAccount, useSession } from '../session.tsx';
import { useApi } from '../use-api.ts';
import { AccountTabs } from './account-nav.tsx';
import { CardForm } from './card-form.tsx';
import { PurchaseBlockers } from './purchase-blockers.tsx';

export function BillingPage() {
  const account = useAccount();
  const billing = useApi(() => get<Billing>('/billing'), []);
  const invoices = useApi(() => get<{ invoices: InvoiceSummary[] }>('/billing/invoices'), []);
  const address = account.billingAddress;
  return (
    <section>
      <PageTitle>Account</PageTitle>
      <AccountTabs />
      <PurchaseBlockers account={account} />
      <ProblemBanner problem={billing.problem ?? invoices.problem} />
      {!billing.data ? <Loading /> : (
        <>
          <h2>Payment method</h2>
          {billing.data.notice && <Notice>{billing.data.notice}</Notice>}
          <PaymentMethods billing={billing.data} onChanged={() => void billing.reload()} />
          {billing.data.payTo && <PayTo payTo={billing.data.payTo} />}
          <h2>Billing address</h2>
          {address
            ? <p data-testid="billing-address">{[account.companyName, address.line1, address.line2, `${address.postalCode} ${address.city}`, countryName(address.country)].filter(Boolean).join(', ')}{account.vatId ? ` · VAT ID ${account.vatId}` : ''} · <Link to="/account">Change</Link></p>
            : <p>No billing address yet. <Link to="/account">Add your billing address</Link> (and, for a business, your company name and VAT ID).</p>}
          {billing.data.tax?.note && <p className="muted" data-testid="tax-note">{billing.data.tax.note}</p>}
          <h2>Coupon</h2>
          <CouponSection billing={billing.data} onApplied={() => void billing.reload()} />
        </>
      )}
      <h2>Invoices</h2>
      {!invoices.data ? <Loading /> : invoices.data.invoices.length === 0 ? <EmptyState title="No invoices yet" /> : <InvoiceTable invoices={invoices.data.invoices} />}
    </section>
  );
}

function PaymentMethods({ billing, onChanged }: { billing: Billing; onChanged(): void }) {
  const [adding, setAdding] = useState(false);
  return (
    <div className="payment-methods">
      {billing.invoicePaymentEnabled && <p data-testid="invoice-payment">Invoice payment is enabled: you receive an invoice each month and pay it by bank transfer.</p>}
      {billing.card
        ? <p data-testid="card">Card: {billing.card.brand} ending in {billing.card.last4}, expires {billing.card.expiry}</p>
        : billing.cardPayment.available && <p>No card saved yet.</p>}
      {billing.cardPayment.available && !adding && <button type="button" className="secondary" onClick={() => setAdding(true)}>{billing.card ? 'Replace card' : 'Add a card'}</button>}
      {adding && <CardForm onSaved={() => { setAdding(false); onChanged(); }} onCancel={() => setAdding(false)} />}
    </div>
  );
}

/** Where a bank transfer goes: shown once here, and on every invoice with its own due date and reference. */
function PayTo({ payTo }: { payTo: NonNullable<Billing['payTo']> }) {
  return (
    <div data-testid="pay-to">
      <h3>Paying by bank transfer</h3>
      <p>Pay each invoice within {payTo.paymentTermDays} days, quoting its number as the payment reference, to:</p>
      <dl className="facts">
        <dt>Account holder</dt><dd>{payTo.accountHolder}</dd>
        <dt>IBAN</dt><dd>{payTo.iban}</dd>
        <dt>BIC</dt><dd>{payTo.bic}</dd>
        <dt>Bank</dt><dd>{payTo.bankName}</dd>
      </dl>
    </div>
  );
}

function CouponSection({ billing, onApplied }: { billing: Billing; onApplied(): void }) {
  const { refresh } = useSession();
  const [code, setCode] = useState('');
  const { busy, problem, onSubmit } = useSubmit(async () => {
    await post<Billing>('/billing/coupon', { code });
    setCode('');
    onApplied();
    await refresh();
  });
  if (billing.coupon) return <p data-testid="coupon">Coupon applied: {billing.coupon.description}. It is taken off every applicable host automatically.</p>;
  if (!billing.couponAllowed) return <p>Coupons can only be applied by new customers before their first purchase. If you have a coupon, please contact support.</p>;
  return (
    <form className="inline-form" onSubmit={(event) => void onSubmit(event)} noValidate>
      <ProblemBanner problem={problem} />
      <Field label="Coupon code" name="code" value={code} autoComplete="off" autoCapitalize="characters" onChange={(e) => setCode(e.target.value)} problem={problem} hint="Only before your first purchase; the discount then applies by itself." />
      <button type="submit" disabled={busy || code.trim() === ''}>Apply coupon</button>
    </form>
  );
}

function InvoiceTable({ invoices }: { invoices: InvoiceSummary[] }) {
  return (
    <table>
      <thead><tr><th>Number</th><th>Date</th><th>For</th><th>Total</th><th>Status</th><th><span className="sr-only">Documents</span></th></tr></thead>
      <tbody>
        {invoices.map((invoice) => (
          <tr key={invoice.id} data-invoice={invoice.number}>
            <td data-label="Number" className="nowrap">{invoice.number}</td>
            <td data-label="Date">{formatDay(invoice.issuedAt)}</td>
            <td data-label="For">{invoiceSubject(invoice)}</td>
            <td data-label="Total">{formatMoney(invoice.totalMinor, invoice.currency)}</td>
            <td data-label="Status">{invoiceStatusWords(invoice, formatDay)}</td>
            <td>
              <a href={`/api/v1/billing/invoices/${seg(invoice.id)}/html`} target="_blank" rel="noopener">View</a>{' · '}
              <a href={`/api/v1/billing/invoices/${seg(invoice.id)}/pdf`} download>Download PDF</a>{' · '}
              <a href={`/api/v1/billing/invoices/${seg(invoice.id)}/html?download=true`} download>Download web page (HTML)</a>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
