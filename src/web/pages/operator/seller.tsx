// Operator: the seller every invoice names and is paid to: legal name, address, country (decides
// VAT), VAT ID, bank account and payment term. Until it is saved no invoice is issued, so nothing
// can be bought; later invoices show the new details, earlier ones keep theirs.
import { useEffect, useState } from 'react';
import { get, put } from '../../api-client.ts';
import type { SellerView } from '../../api-types.ts';
import { CountrySelect } from '../../country-select.tsx';
import { Field, Loading, Notice, ProblemBanner, useSubmit } from '../../forms.tsx';
import { showSaved } from '../../toasts.tsx';
import { PageTitle } from '../../layout.tsx';
import { useApi } from '../../use-api.ts';
import { OperatorTabs } from './operator-nav.tsx';

type Form = Record<'legalName' | 'addressLine1' | 'postalCode' | 'city' | 'country' | 'vatId' | 'accountHolder' | 'iban' | 'bic' | 'bankName' | 'paymentTermDays', string>;
const emptyForm: Form = { legalName: '', addressLine1: '', postalCode: '', city: '', country: '', vatId: '', accountHolder: '', iban: '', bic: '', bankName: '', paymentTermDays: '14' };

export function OperatorSellerPage() {
  const seller = useApi(() => get<SellerView>('/operator/seller'), []);
  const [form, setForm] = useState<Form>(emptyForm);
  useEffect(() => {
    const current = seller.data?.seller;
    if (current) setForm({ ...current, paymentTermDays: String(current.paymentTermDays) });
  }, [seller.data]);
  const set = (key: keyof Form) => (event: { target: { value: string } }) => setForm({ ...form, [key]: event.target.value });
  const save = useSubmit(async () => {
    await put<SellerView>('/operator/seller', { ...form, paymentTermDays: Number(form.paymentTermDays) });
    showSaved('Seller saved. Invoices issued from now on show these details; earlier invoices keep theirs.');
    await seller.reload();
  });
  const field = (key: keyof Form, label: string, hint?: string) => <Field label={label} name={key} value={form[key]} onChange={set(key)} problem={save.problem} hint={hint} />;
  return (
    <section>
      <PageTitle>Operator console</PageTitle>
      <OperatorTabs />
      <h2>Seller</h2>
      <ProblemBanner problem={seller.problem} />
      {!seller.data ? <Loading /> : (
        <>
          {seller.data.seller === null && (
            <Notice kind="warning">
              No invoice can be issued until the seller is saved: customers cannot buy hosts
              {seller.data.renewalsWaiting > 0 ? `, and ${seller.data.renewalsWaiting} renewal(s) wait to be invoiced` : ''}.
            </Notice>
          )}
          <form className="panel-section" onSubmit={(event) => void save.onSubmit(event)} noValidate>
            <ProblemBanner problem={save.problem} />
            <h3>Who sells</h3>
            {field('legalName', 'Legal name')}
            {field('addressLine1', 'Street and number')}
            {field('postalCode', 'Postal code')}
            {field('city', 'City')}
            <CountrySelect label="Country" name="country" value={form.country} onChange={(country) => setForm({ ...form, country })} problem={save.problem} />
            {field('vatId', 'VAT ID', 'Required for a seller in the EU; the country decides VAT and reverse charge.')}
            <h3>Where customers pay</h3>
            {field('accountHolder', 'Account holder')}
            {field('iban', 'IBAN', 'Its check digits are verified.')}
            {field('bic', 'BIC')}
            {field('bankName', 'Bank')}
            <Field label="Payment term (days)" name="paymentTermDays" type="number" min="0" max="120" value={form.paymentTermDays} onChange={set('paymentTermDays')} problem={save.problem} hint="Invoices are due this many days after they are issued." />
            <button type="submit" disabled={save.busy}>Save seller</button>
          </form>
        </>
      )}
    </section>
  );
}
