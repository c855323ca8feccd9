// The set-up wizard: size → hostname (live availability check) → configure → review (price, VAT,
// total and payment method) → purchase.
// The step is in the URL, so back and forward move between steps; the steps already reached are
// links, each step but the first has a Back button, and what was typed is kept in the wizard.
// Each step is validated before the next (custom domains by the API's own rule), its errors shown
// at their fields with the focus moved there.
import { useEffect, useState, type ReactNode } from 'react';
import { ApiProblem, get, post, seg } from '../api-client.ts';
import type { Availability, Billing, CustomDnsCheck, Host, JobSummary, PaymentMethod, Quote, Size } from '../api-types.ts';
import { Field, Loading, ProblemBanner, useSubmit } from '../forms.tsx';
import { formatMoney, formatUploadSize } from '../format.tsx';
import { PageTitle } from '../layout.tsx';
import { Link, navigate, useLocation } from '../router.tsx';
import { useAccount, useSession } from '../session.tsx';
import { useApi } from '../use-api.ts';
import { PurchaseBlockers } from './purchase-blockers.tsx';

const steps = ['size', 'hostname', 'configure', 'review'] as const;
type Step = (typeof steps)[number];
const stepTitles: Record<Step, string> = { size: 'Size', hostname: 'Hostname', configure: 'Configure', review: 'Review and purchase' };

export function HostWizardPage() {
  const { query } = useLocation();
  const sizes = useApi(() => get<{ sizes: Size[] }>('/sizes'), []);
  const [size, setSize] = useState<Size | undefined>();
  const [label, setLabel] = useState('');
  const [checked, setChecked] = useState<Availability | undefined>();
  const [seats, setSeats] = useState(0);
  const [customDns, setCustomDns] = useState<CustomDnsChoice>({ enabled: false, homeserverDomain: '', clientDomain: '' });
  const wanted = (query.get('step') ?? 'size') as Step;
  // A step is reachable only with what the steps before it chose (e.g. after a reload).
  const step: Step = wanted === 'size' || !size ? 'size' : wanted === 'hostname' || !checked?.available ? 'hostname' : wanted;
  const go = (next: Step) => navigate(`/hosts/new?step=${next}`);
  const [configured, setConfigured] = useState(false);
  const reachable = (s: Step) => s === 'size' || (s === 'hostname' && Boolean(size)) || (s === 'configure' && Boolean(checked?.available && size)) || (s === 'review' && configured && Boolean(checked?.available));
  const back = (to: Step) => <button type="button" className="secondary" onClick={() => go(to)}>Back</button>;
  return (
    <section>
      <PageTitle back={{ to: '/', label: 'Hosts' }}>Set up a host</PageTitle>
      <nav aria-label="Steps">
        <ol className="wizard-steps">
          {steps.map((s, index) => (
            <li key={s} aria-current={s === step ? 'step' : undefined}>
              {s !== step && reachable(s) ? <Link to={`/hosts/new?step=${s}`}>{index + 1}. {stepTitles[s]}</Link> : <span>{index + 1}. {stepTitles[s]}</span>}
            </li>
          ))}
        </ol>
      </nav>
      <ProblemBanner problem={sizes.problem} />
      {!sizes.data ? <Loading /> : (
        <>
          {step === 'size' && <SizeStep sizes={sizes.data.sizes} chosen={size} onChoose={(s) => { setSize(s); setSeats((n) => Math.max(n, s.minSeats)); go('hostname'); }} />}
          {step === 'hostname' && <HostnameStep label={label} setLabel={setLabel} checked={checked} setChecked={setChecked} onContinue={() => go('configure')} back={back('size')} />}
          {step === 'configure' && size && (
            <ConfigureStep size={size} seats={seats} setSeats={setSeats} customDns={customDns} setCustomDns={(choice) => { setConfigured(false); setCustomDns(choice); }}
              onContinue={() => { setConfigured(true); go('review'); }} back={back('hostname')} />
          )}
          {step === 'review' && size && checked && <ReviewStep size={size} availability={checked} seats={seats} customDns={customDns} back={back('configure')} />}
        </>
      )}
    </section>
  );
}

function SizeStep({ sizes, chosen, onChoose }: { sizes: Size[]; chosen: Size | undefined; onChoose(size: Size): void }) {
  const [selected, setSelected] = useState(chosen?.name ?? sizes[0]?.name ?? '');
  const size = sizes.find((s) => s.name === selected);
  return (
    <form onSubmit={(event) => { event.preventDefault(); if (size) onChoose(size); }}>
      <h2>Choose your host size</h2>
      <div className="choices" role="radiogroup" aria-label="Size">
        {sizes.map((s) => (
          <label key={s.name} className={s.name === selected ? 'choice chosen' : 'choice'}>
            <input type="radio" name="size" value={s.name} checked={s.name === selected} onChange={() => setSelected(s.name)} />
            <span className="choice-title">{s.title}</span>
            <span>{formatMoney(s.pricePerSeatMinor, s.currency)} per seat per month</span>
            <span className="muted">{s.minSeats.toLocaleString()} to {s.maxSeats.toLocaleString()} seats · files up to {formatUploadSize(s.maxUploadSize)} each</span>
          </label>
        ))}
      </div>
      <button type="submit" disabled={!size}>Continue</button>
    </form>
  );
}

function HostnameStep({ label, setLabel, checked, setChecked, onContinue, back }: {
  label: string; setLabel(label: string): void; checked: Availability | undefined; setChecked(a: Availability | undefined): void; onContinue(): void; back: ReactNode;
}) {
  const [problem, setProblem] = useState<ApiProblem | undefined>();
  const check = async (value: string) => {
    if (value.trim() === '') return;
    try {
      setChecked(await get<Availability>(`/hostnames/${seg(value.trim())}`));
      setProblem(undefined);
    } catch (error) {
      setProblem(error instanceof ApiProblem ? error : undefined);
    }
  };
  // The live check: a moment after typing stops.
  useEffect(() => {
    const timer = setTimeout(() => void check(label), 400);
    return () => clearTimeout(timer);
    // Only a changed label needs a new check.
  }, [label]);
  const current = checked && checked.label === label.trim() ? checked : undefined;
  return (
    <form onSubmit={(event) => { event.preventDefault(); if (current?.available) onContinue(); else void check(label); }} noValidate>
      <h2>Choose a hostname</h2>
      <ProblemBanner problem={problem} />
      <Field
        label="Hostname" name="label" value={label} autoComplete="off" autoCapitalize="none" spellCheck={false}
        onChange={(e) => { setLabel(e.target.value.toLowerCase()); }} problem={problem}
        hint="3–40 lowercase letters, digits and hyphens. It becomes your Matrix server name and can never change."
      />
      <div className="availability" aria-live="polite">
        {current && current.available && <p className="success-text" data-testid="availability">{current.hostname} is available.</p>}
        {current && !current.available && <p className="field-error" data-testid="availability">{current.detail ?? `${current.hostname} is not available.`}</p>}
      </div>
      <div className="actions">
        {back}
        <button type="button" className="secondary" onClick={() => void check(label)}>Check</button>
        <button type="submit" disabled={!current?.available}>Continue</button>
      </div>
    </form>
  );
}

interface CustomDnsChoice {
  enabled: boolean;
  homeserverDomain: string;
  clientDomain: string;
}

const serverNameWarning = 'The server name is part of every user ID and room address: it can never be changed after purchase.';

function ConfigureStep({ size, seats, setSeats, customDns, setCustomDns, onContinue, back }: {
  size: Size; seats: number; setSeats(n: number): void; customDns: CustomDnsChoice; setCustomDns(choice: CustomDnsChoice): void; onContinue(): void; back: ReactNode;
}) {
  const seatsValid = Number.isInteger(seats) && seats >= size.minSeats && seats <= size.maxSeats;
  const { busy, problem, onSubmit } = useSubmit(async () => {
    const errors: { field: string; message: string }[] = [];
    if (!seatsValid) errors.push({ field: 'seats', message: `Choose between ${size.minSeats} and ${size.maxSeats} seats.` });
    if (customDns.enabled) {
      const checked = await post<CustomDnsCheck>('/custom-dns-checks', { homeserverDomain: customDns.homeserverDomain.trim(), clientDomain: customDns.clientDomain.trim() });
      errors.push(...checked.problems);
    }
    if (errors.length > 0) throw new ApiProblem(422, { title: 'Please check this step', errors });
    onContinue();
  });
  return (
    <form onSubmit={(event) => void onSubmit(event)} noValidate>
      <h2>Configure your new host</h2>
      <Field
        label="Monthly active user seats" name="seats" type="number" min={size.minSeats} max={size.maxSeats} value={Number.isNaN(seats) ? '' : seats}
        onChange={(e) => setSeats(e.target.valueAsNumber)} problem={problem}
        hint={`${size.minSeats}–${size.maxSeats} seats. You can add seats later, but you cannot decrease your user count.`}
      />
      <fieldset>
        <legend>Custom DNS</legend>
        <label className="check">
          <input type="checkbox" checked={customDns.enabled} onChange={(e) => setCustomDns({ ...customDns, enabled: e.target.checked })} /> Use my own domain
        </label>
        {customDns.enabled && (
          <>
            <Field label="Custom homeserver domain" name="homeserverDomain" placeholder="example.com" autoComplete="off" autoCapitalize="none" spellCheck={false}
              value={customDns.homeserverDomain} onChange={(e) => setCustomDns({ ...customDns, homeserverDomain: e.target.value })} problem={problem}
              hint="Your Matrix server name: user IDs will look like @alice:example.com. You publish two small files on it." />
            <Field label="Custom client domain" name="clientDomain" placeholder="chat.example.com" autoComplete="off" autoCapitalize="none" spellCheck={false}
              value={customDns.clientDomain} onChange={(e) => setCustomDns({ ...customDns, clientDomain: e.target.value })} problem={problem}
              hint="Where your users reach the web client and the server: a CNAME record to our edge. It must differ from the homeserver domain." />
            <p className="warning-text" data-testid="server-name-warning">{serverNameWarning}</p>
          </>
        )}
      </fieldset>
      <div className="actions">
        {back}
        <button type="submit" disabled={busy}>Continue</button>
      </div>
    </form>
  );
}

function ReviewStep({ size, availability, seats, customDns, back }: { size: Size; availability: Availability; seats: number; customDns: CustomDnsChoice; back: ReactNode }) {
  const account = useAccount();
  const { refresh } = useSession();
  const billing = useApi(() => get<Billing>('/billing'), []);
  const [method, setMethod] = useState<PaymentMethod | undefined>();
  const chosen = method ?? billing.data?.paymentMethods[0];
  const quote = useApi(() => post<Quote>('/billing/quote', { size: size.name, seats, label: availability.label, ...(chosen ? { paymentMethod: chosen } : {}) }), [size.name, seats, chosen]);
  const { busy, problem, onSubmit } = useSubmit(async () => {
    try {
      const body = {
        label: availability.label, size: size.name, seats,
        ...(customDns.enabled ? { customDns: { homeserverDomain: customDns.homeserverDomain.trim(), clientDomain: customDns.clientDomain.trim() } } : {}),
        ...(chosen ? { paymentMethod: chosen } : {}),
      };
      const { host, job } = await post<{ host: Host; job: JobSummary }>('/hosts', body);
      navigate(`/hosts/${host.label}/jobs/${job.id}`);
    } finally {
      await refresh();
    }
  });
  const money = (minor: number) => formatMoney(minor, quote.data?.currency ?? size.currency);
  return (
    <form onSubmit={(event) => void onSubmit(event)}>
      <h2>Review and purchase</h2>
      <dl className="facts">
        <dt>Server name</dt><dd data-testid="review-server-name">{customDns.enabled ? customDns.homeserverDomain.trim() : availability.hostname}</dd>
        {customDns.enabled && <><dt>Client domain</dt><dd>{customDns.clientDomain.trim()}</dd><dt>Hostname</dt><dd>{availability.hostname}</dd></>}
        <dt>Size</dt><dd>{size.title}</dd>
        <dt>Seats</dt><dd>{seats}</dd>
      </dl>
      <ProblemBanner problem={quote.problem ?? billing.problem} />
      {quote.data && (
        <dl className="facts" data-testid="quote">
          <dt>Price</dt><dd>{money(quote.data.subtotalMinor)} per month ({seats} × {formatMoney(size.pricePerSeatMinor, size.currency)})</dd>
          {quote.data.discountMinor > 0 && <><dt>Discount</dt><dd>−{money(quote.data.discountMinor)} (coupon {quote.data.couponCode})</dd></>}
          <dt>VAT</dt><dd>{quote.data.taxRatePercent}%: {money(quote.data.taxMinor)}{quote.data.taxNote ? ` · ${quote.data.taxNote}` : ''}</dd>
          <dt>Total</dt><dd><strong>{money(quote.data.totalMinor)}</strong> for the first month, then monthly</dd>
        </dl>
      )}
      {billing.data && <PaymentChoice billing={billing.data} chosen={chosen} onChoose={setMethod} />}
      <p className="warning-text">{serverNameWarning}</p>
      <PurchaseBlockers account={account} />
      <ProblemBanner problem={problem} />
      <div className="actions">
        {back}
        <button type="submit" disabled={busy || account.purchaseBlockers.length > 0 || !chosen}>{busy ? 'Purchasing…' : 'Purchase'}</button>
      </div>
    </form>
  );
}

function PaymentChoice({ billing, chosen, onChoose }: { billing: Billing; chosen: PaymentMethod | undefined; onChoose(method: PaymentMethod): void }) {
  const describe = (method: PaymentMethod) => method === 'card' && billing.card
    ? `Card: ${billing.card.brand} ending in ${billing.card.last4}, charged now`
    : 'Invoice: pay by bank transfer';
  if (billing.paymentMethods.length === 0) {
    return <p>{billing.notice ?? 'Add a payment method first.'} <Link to="/account/billing">Go to billing</Link></p>;
  }
  return (
    <fieldset className="payment-choice">
      <legend>Payment</legend>
      {billing.paymentMethods.map((method) => (
        <label key={method} className="check">
          <input type="radio" name="paymentMethod" value={method} checked={chosen === method} onChange={() => onChoose(method)} /> {describe(method)}
        </label>
      ))}
      {billing.notice && <p className="muted">{billing.notice}</p>}
    </fieldset>
  );
}
