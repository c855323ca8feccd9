// What an account must do before anything else: replace a one-time password, or enrol in 2FA.
import { useState } from 'react';
import { post } from '../api-client.ts';
import type { Account } from '../api-types.ts';
import { Field, ProblemBanner, useSubmit } from '../forms.tsx';
import { PageTitle } from '../layout.tsx';
import { useSession } from '../session.tsx';
import { TwoFactorSection } from './two-factor.tsx';
import { minimumPasswordLength } from './sign-up.tsx';

export function RequiredActionPage({ action }: { action: NonNullable<Account['requiredAction']> }) {
  if (action === 'two-factor-enrolment') {
    return (
      <section className="narrow">
        <PageTitle>Set up two-factor authentication</PageTitle>
        <p>This installation requires two-factor authentication. Set it up to continue.</p>
        <TwoFactorSection />
      </section>
    );
  }
  return (
    <section className="narrow">
      <PageTitle>Choose a new password</PageTitle>
      <p>The password you logged in with was for one use only. Choose your own to continue.</p>
      <ChangePasswordForm />
    </section>
  );
}

export function ChangePasswordForm() {
  const { refresh } = useSession();
  const [currentPassword, setCurrent] = useState('');
  const [newPassword, setNew] = useState('');
  const [done, setDone] = useState(false);
  const { busy, problem, onSubmit } = useSubmit(async () => {
    await post('/account/password', { currentPassword, newPassword });
    setCurrent('');
    setNew('');
    setDone(true);
    await refresh();
  });
  return (
    <form onSubmit={(event) => void onSubmit(event)} noValidate>
      <ProblemBanner problem={problem} />
      {done && <p className="success-text" role="status">Password changed. Your other sessions were logged out.</p>}
      <Field label="Current password" name="currentPassword" type="password" autoComplete="current-password" value={currentPassword} onChange={(e) => setCurrent(e.target.value)} problem={problem} />
      <Field label="New password" name="newPassword" type="password" autoComplete="new-password" value={newPassword} onChange={(e) => setNew(e.target.value)} problem={problem} hint={`At least ${minimumPasswordLength} characters.`} />
      <button type="submit" disabled={busy}>Change password</button>
    </form>
  );
}
