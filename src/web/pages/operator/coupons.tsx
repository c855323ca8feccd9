// Operator: coupons: create (percent or amount off, once / N months / forever, sizes, expiry,
// maximum redemptions), list with redemptions, and expire.
import { useState } from 'react';
import { get, post, seg } from '../../api-client.ts';
import type { Coupon, Size } from '../../api-types.ts';
import { ConfirmButton, EmptyState, Field, Loading, ProblemBanner, SelectField, useAction, useSubmit } from '../../forms.tsx';
import { showSaved } from '../../toasts.tsx';
import { formatDate } from '../../format.tsx';
import { PageTitle } from '../../layout.tsx';
import { useApi } from '../../use-api.ts';
import { OperatorTabs } from './operator-nav.tsx';

const emptyForm = { code: '', kind: 'percent', value: '', duration: 'once', months: '', sizes: [] as string[], expires: '', maxRedemptions: '' };

export function OperatorCouponsPage() {
  const coupons = useApi(() => get<{ coupons: Coupon[] }>('/operator/coupons'), []);
  const sizes = useApi(() => get<{ sizes: Size[] }>('/sizes'), []);
  const [form, setForm] = useState(emptyForm);
  const set = (key: keyof typeof form) => (event: { target: { value: string } }) => setForm({ ...form, [key]: event.target.value });
  const create = useSubmit(async () => {
    const body: Record<string, unknown> = { code: form.code.trim(), duration: form.duration };
    if (form.kind === 'percent') body.percentOff = Number(form.value);
    // Like formatMoney, the panel takes currencies with cents.
    else body.amountOffMinor = Math.round(Number(form.value) * 100);
    if (form.duration === 'months') body.durationMonths = Number(form.months);
    if (form.sizes.length > 0) body.sizes = form.sizes;
    if (form.expires) body.expiresAt = new Date(form.expires).toISOString();
    if (form.maxRedemptions) body.maxRedemptions = Number(form.maxRedemptions);
    const coupon = await post<Coupon>('/operator/coupons', body);
    setForm(emptyForm);
    await coupons.reload();
    showSaved(`Coupon created: ${coupon.description}`);
  });
  const expire = useAction(async (id: string) => {
    await post(`/operator/coupons/${seg(id)}/expire`);
    await coupons.reload();
  });
  const toggleSize = (name: string) => setForm({ ...form, sizes: form.sizes.includes(name) ? form.sizes.filter((s) => s !== name) : [...form.sizes, name] });
  return (
    <section>
      <PageTitle>Operator console</PageTitle>
      <OperatorTabs />
      <h2>Coupons</h2>
      <form className="panel-section" onSubmit={(event) => void create.onSubmit(event)} noValidate>
        <h3>Create a coupon</h3>
        <ProblemBanner problem={create.problem} />
        <Field label="Code" name="code" value={form.code} onChange={set('code')} problem={create.problem} hint="Customers type it; letters, digits, hyphens" />
        <SelectField label="Discount" name="kind" value={form.kind} onChange={set('kind')} problem={create.problem}>
          <option value="percent">Percent off</option>
          <option value="fixed">Amount off per month</option>
        </SelectField>
        <Field label={form.kind === 'percent' ? 'Percent' : 'Amount'} name="value" type="number" step="0.01" min="0" value={form.value} onChange={set('value')} problem={create.problem} apiField={form.kind === 'percent' ? 'percentOff' : 'amountOffMinor'} />
        <SelectField label="Duration" name="duration" value={form.duration} onChange={set('duration')} problem={create.problem}>
          <option value="once">The first month</option>
          <option value="months">A number of months</option>
          <option value="forever">Forever</option>
        </SelectField>
        {form.duration === 'months' && <Field label="Months" name="months" type="number" min="1" value={form.months} onChange={set('months')} problem={create.problem} apiField="durationMonths" />}
        <fieldset>
          <legend>Sizes (none ticked: every size)</legend>
          {sizes.data?.sizes.map((size) => <label key={size.name} className="check"><input type="checkbox" checked={form.sizes.includes(size.name)} onChange={() => toggleSize(size.name)} /> {size.title}</label>)}
        </fieldset>
        <Field label="Expires" name="expires" type="datetime-local" value={form.expires} onChange={set('expires')} problem={create.problem} apiField="expiresAt" />
        <Field label="Maximum redemptions" name="maxRedemptions" type="number" min="1" value={form.maxRedemptions} onChange={set('maxRedemptions')} problem={create.problem} hint="Empty: unlimited" />
        <button type="submit" disabled={create.busy}>Create coupon</button>
      </form>
      <ProblemBanner problem={coupons.problem ?? expire.problem} />
      {!coupons.data ? <Loading /> : coupons.data.coupons.length === 0 ? <EmptyState title="No coupons yet" /> : (
        <table>
          <thead><tr><th>Coupon</th><th>Redeemed</th><th>Expires</th><th><span className="sr-only">Actions</span></th></tr></thead>
          <tbody>
            {coupons.data.coupons.map((coupon) => {
              const expired = coupon.expiresAt !== null && new Date(coupon.expiresAt).getTime() <= Date.now();
              return (
                <tr key={coupon.id} data-coupon={coupon.code}>
                  <td data-label="Coupon">{coupon.description}</td>
                  <td data-label="Redeemed">{coupon.redemptions}{coupon.maxRedemptions !== null ? ` of ${coupon.maxRedemptions}` : ''}</td>
                  <td data-label="Expires">{expired ? `Expired ${formatDate(coupon.expiresAt)}` : coupon.expiresAt ? formatDate(coupon.expiresAt) : 'Never'}</td>
                  <td>{!expired && <ConfirmButton label="Expire" question={`Nobody can apply ${coupon.code} any more; accounts that have it keep it.`} confirmLabel="Expire coupon" busy={expire.busy} onConfirm={() => void expire.run(coupon.id)} />}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </section>
  );
}
