// Forgotten password: ask for a mailed link, then choose a new password with the link's token.
import { useState } from 'react';
import { post } from '../api-client.ts';
import { Field, Notice, ProblemBanner, useSubmit } from '../forms.tsx';
import { PageTitle } from '../layout.tsx';
import { Link, useLocation } from '../router.tsx';
import { minimumPasswordLength } from './sign-up.tsx';

export function ForgotPasswordPage() {
  const [email, setEmail] = useState('');
  const [sent, setSent] = useState<string | undefined>();
  const { busy, problem, onSubmit } = useSubmit(async () => {
    const answer = await post<{ detail: string }>('/password-resets', { email });
    setSent(answer.detail);
  });
  return (
    <section className="narrow">
      <PageTitle>Reset your password</PageTitle>
      {sent ? <Notice kind="success">{sent}</Notice> : (
        <form onSubmit={(event) => void onSubmit(event)} noValidate>
          <ProblemBanner problem={problem} />
          <Field label="Email" name="email" type="email" autoComplete="email" required value={email} onChange={(e) => setEmail(e.target.value)} problem={problem} hint="We mail you a link that works once, for one hour." />
          <button type="submit" disabled={busy}>Send reset link</button>
        </form>
      )}
      <p><Link to="/login">Back to log in</Link></p>
    </section>
  );
}

export function ResetPasswordPage() {
  const { query } = useLocation();
  const token = query.get('token') ?? '';
  const [password, setPassword] = useState('');
  const [done, setDone] = useState(false);
  const { busy, problem, onSubmit } = useSubmit(async () => {
    await post('/password-resets/complete', { token, password });
    setDone(true);
  });
  return (
    <section className="narrow">
      <PageTitle>Choose a new password</PageTitle>
      {done ? (
        <>
          <Notice kind="success">Your password is changed. Every session was logged out.</Notice>
          <p><Link to="/login" className="button">Log in</Link></p>
        </>
      ) : (
        <form onSubmit={(event) => void onSubmit(event)} noValidate>
          <ProblemBanner problem={problem} />
          <Field
            label="New password" name="password" type="password" autoComplete="new-password" required value={password}
            onChange={(e) => setPassword(e.target.value)} problem={problem} hint={`At least ${minimumPasswordLength} characters. All your sessions will be logged out.`}
          />
          <button type="submit" disabled={busy}>Set new password</button>
        </form>
      )}
    </section>
  );
}
