// Account details: name, company name, VAT ID and billing address; and what still blocks a purchase.
import { useState, type FormEvent } from 'react';
import { patch } from '../api-client.ts';
import type { Account } from '../api-types.ts';
import { formatDate } from '../format.tsx';
import { CountrySelect } from '../country-select.tsx';
import { Field, ProblemBanner, useSubmit } from '../forms.tsx';
import { showSaved } from '../toasts.tsx';
import { PageTitle } from '../layout.tsx';
import { useAccount, useSession } from '../session.tsx';
import { AccountTabs } from './account-nav.tsx';
import { PurchaseBlockers } from './purchase-blockers.tsx';

const orNull = (value: string) => (value.trim() === '' ? null : value.trim());

export function AccountPage() {
  const account = useAccount();
  return (
    <section>
      <PageTitle>Account</PageTitle>
      <AccountTabs />
      <PurchaseBlockers account={account} />
      <AccountDetailsForm account={account} />
    </section>
  );
}

function AccountDetailsForm({ account }: { account: Account }) {
  const { refresh } = useSession();
  const address = account.billingAddress;
  const [form, setForm] = useState({
    name: account.name, companyName: account.companyName ?? '', vatId: account.vatId ?? '',
    line1: address?.line1 ?? '', line2: address?.line2 ?? '', postalCode: address?.postalCode ?? '', city: address?.city ?? '', country: address?.country ?? '',
  });
  const set = (key: keyof typeof form) => (event: { target: { value: string } }) => {
    setForm({ ...form, [key]: event.target.value });
  };
  const hasAddress = [form.line1, form.line2, form.postalCode, form.city, form.country].some((value) => value.trim() !== '');
  const { busy, problem, onSubmit } = useSubmit(async () => {
    await patch<Account>('/account', {
      name: form.name,
      companyName: orNull(form.companyName),
      vatId: orNull(form.vatId),
      billingAddress: hasAddress
        ? { line1: form.line1.trim(), line2: orNull(form.line2), postalCode: form.postalCode.trim(), city: form.city.trim(), country: form.country }
        : null,
    });
    await refresh();
    showSaved('Your details are saved.');
  });
  const submit = (event: FormEvent) => void onSubmit(event);
  return (
    <form onSubmit={submit} noValidate>
      <h2>Details</h2>
      <p className="muted">Email: {account.email}</p>
      <ProblemBanner problem={problem} />
      <Field label="Name" name="name" autoComplete="name" value={form.name} onChange={set('name')} problem={problem} />
      <Field label="Company name" name="companyName" autoComplete="organization" value={form.companyName} onChange={set('companyName')} problem={problem} hint="If you are a business, you must enter your company name." />
      <Field label="VAT ID" name="vatId" value={form.vatId} onChange={set('vatId')} problem={problem} hint="EU VAT ID with its country prefix, e.g. DE123456789. A business with a VAT ID must give its company name." />
      {account.vatIdCheck && form.vatId.replace(/[\s.-]/g, '').toUpperCase() === account.vatId && (
        <p className="muted" data-testid="vat-id-confirmed">
          Confirmed by the EU's VIES on {formatDate(account.vatIdCheck.checkedAt)}{account.vatIdCheck.requestIdentifier ? ` (consultation number ${account.vatIdCheck.requestIdentifier})` : ''}.
        </p>
      )}
      <fieldset>
        <legend>Billing address</legend>
        <Field label="Address line 1" name="line1" apiField="billingAddress.line1" autoComplete="address-line1" value={form.line1} onChange={set('line1')} problem={problem} />
        <Field label="Address line 2" name="line2" apiField="billingAddress.line2" autoComplete="address-line2" value={form.line2} onChange={set('line2')} problem={problem} />
        <div className="row">
          <Field label="Postal code" name="postalCode" apiField="billingAddress.postalCode" autoComplete="postal-code" value={form.postalCode} onChange={set('postalCode')} problem={problem} />
          <Field label="City" name="city" apiField="billingAddress.city" autoComplete="address-level2" value={form.city} onChange={set('city')} problem={problem} />
        </div>
        <CountrySelect label="Country" name="country" apiField="billingAddress.country" autoComplete="country" value={form.country} onChange={(country) => setForm({ ...form, country })} problem={problem} />
      </fieldset>
      <button type="submit" disabled={busy}>{busy ? 'Saving…' : 'Save'}</button>
    </form>
  );
}
