// Saving a card: Homeport starts a Stripe SetupIntent, Stripe.js shows its own card field and
// confirms it (card numbers never reach Homeport), then the confirmed payment method is saved.
import { useEffect, useRef, useState } from 'react';
import { ApiProblem, post } from '../api-client.ts';
import { Loading, Notice, ProblemBanner, useSubmit } from '../forms.tsx';

interface StripeCardElement { mount(element: HTMLElement): void; destroy(): void }
interface StripeJs {
  elements(): { create(type: 'card'): StripeCardElement };
  confirmCardSetup(clientSecret: string, data: { payment_method: { card: StripeCardElement } }): Promise<{ setupIntent?: { payment_method: string | null }; error?: { message?: string } }>;
}
type StripeFactory = (publishableKey: string) => StripeJs;

const stripeJsUrl = 'https://js.stripe.com/v3/';

function loadStripeJs(): Promise<StripeFactory> {
  const existing = (window as unknown as { Stripe?: StripeFactory }).Stripe;
  if (existing) return Promise.resolve(existing);
  return new Promise((resolve, reject) => {
    const script = document.createElement('script');
    script.src = stripeJsUrl;
    script.async = true;
    script.onload = () => {
      const factory = (window as unknown as { Stripe?: StripeFactory }).Stripe;
      if (factory) resolve(factory);
      else reject(new Error('Stripe.js did not start'));
    };
    script.onerror = () => reject(new Error('Stripe.js could not be loaded'));
    document.head.append(script);
  });
}

export function CardForm({ onSaved, onCancel }: { onSaved(): void; onCancel(): void }) {
  const mountPoint = useRef<HTMLDivElement>(null);
  const [setup, setSetup] = useState<{ clientSecret: string; publishableKey: string } | undefined>();
  const [stripe, setStripe] = useState<{ js: StripeJs; card: StripeCardElement } | undefined>();
  const [state, setState] = useState<'starting' | 'loading-stripe' | 'ready' | 'unavailable'>('starting');
  const start = useSubmit(async () => {
    setSetup(await post<{ clientSecret: string; publishableKey: string }>('/billing/card/setup'));
    setState('loading-stripe');
  });
  useEffect(() => {
    void start.onSubmit();
    // Once, when the form opens.
  }, []);
  useEffect(() => {
    if (!setup) return undefined;
    let card: StripeCardElement | undefined;
    loadStripeJs().then((factory) => {
      const js = factory(setup.publishableKey);
      card = js.elements().create('card');
      if (mountPoint.current) card.mount(mountPoint.current);
      setStripe({ js, card });
      setState('ready');
    }, () => setState('unavailable'));
    return () => card?.destroy();
  }, [setup]);
  const save = useSubmit(async () => {
    if (!stripe || !setup) return;
    const result = await stripe.js.confirmCardSetup(setup.clientSecret, { payment_method: { card: stripe.card } });
    if (result.error || !result.setupIntent?.payment_method) throw new ApiProblem(402, { title: 'Card not saved', detail: result.error?.message ?? 'The card could not be confirmed.' });
    await post('/billing/card', { paymentMethodId: result.setupIntent.payment_method });
    onSaved();
  });
  return (
    <form className="card-form" aria-label="Card details" onSubmit={(event) => void save.onSubmit(event)}>
      <ProblemBanner problem={start.problem ?? save.problem} />
      {state === 'starting' && <Loading what="Preparing a secure card form" />}
      {state === 'loading-stripe' && <Loading what="Loading Stripe's secure card form" />}
      {state === 'unavailable' && <Notice kind="warning"><span data-testid="card-status">Stripe's card form could not be loaded. Check your connection (and any blocker of js.stripe.com) and try again.</span></Notice>}
      <div ref={mountPoint} className="card-element" data-testid="card-element" />
      <p className="hint">Your card number goes straight to Stripe; Homeport only keeps the brand, the last four digits and the expiry.</p>
      <div className="actions">
        <button type="button" className="secondary" onClick={onCancel}>Cancel</button>
        <button type="submit" disabled={state !== 'ready' || save.busy}>{save.busy ? 'Saving…' : 'Save card'}</button>
      </div>
    </form>
  );
}
