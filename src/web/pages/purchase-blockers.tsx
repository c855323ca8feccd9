// What stands between an account and a purchase (unverified email, terms not accepted, no billing
// address, no payment method), with the way out.
import { useState } from 'react';
import { post } from '../api-client.ts';
import type { Account } from '../api-types.ts';
import { Notice, ProblemBanner, useSubmit } from '../forms.tsx';
import { Link } from '../router.tsx';

export function PurchaseBlockers({ account }: { account: Account }) {
  if (account.purchaseBlockers.length === 0) return null;
  return (
    <Notice kind="warning">
      <strong>Before you can buy a host:</strong>
      <ul className="blockers">
        {account.purchaseBlockers.map((blocker) => (
          <li key={blocker.code} data-code={blocker.code}>
            {blocker.detail}{' '}
            {blocker.code === 'email-not-verified' && <>Check your inbox (and spam).<ResendVerification /></>}
            {blocker.code === 'terms-not-accepted' && <Link to="/terms">Read and accept the terms</Link>}
            {blocker.code === 'billing-address-required' && <Link to="/account">Add your billing address</Link>}
            {blocker.code === 'payment-method-required' && <Link to="/account/billing">Go to billing</Link>}
          </li>
        ))}
      </ul>
    </Notice>
  );
}

export function ResendVerification() {
  const [sent, setSent] = useState(false);
  const { busy, problem, onSubmit } = useSubmit(async () => {
    await post('/email-verifications/resend');
    setSent(true);
  });
  if (sent) return <span> A new link is on its way.</span>;
  return (
    <>
      <ProblemBanner problem={problem} />
      <button type="button" className="link-button" disabled={busy} onClick={() => void onSubmit()}>Send a new link</button>
    </>
  );
}
