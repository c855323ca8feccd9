// Log in with email and password, and a TOTP or recovery code when the account has 2FA on.
import { useState } from 'react';
import { ApiProblem, post } from '../api-client.ts';
import type { Session } from '../api-types.ts';
import { Field, ProblemBanner, useSubmit } from '../forms.tsx';
import { PageTitle } from '../layout.tsx';
import { Link, navigate, safeNext, useLocation } from '../router.tsx';
import { useSession } from '../session.tsx';

export function LogInPage() {
  const { signedIn } = useSession();
  const { query } = useLocation();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [code, setCode] = useState('');
  const [askCode, setAskCode] = useState(false);
  const { busy, problem, onSubmit } = useSubmit(async () => {
    try {
      const session = await post<Session>('/session', { email, password, ...(askCode && code ? { code: code.trim() } : {}) });
      signedIn(session);
      navigate(safeNext(query.get('next')));
    } catch (error) {
      if (error instanceof ApiProblem && error.code === 'second-factor-required' && !askCode) {
        setAskCode(true);
        return;
      }
      throw error;
    }
  });
  return (
    <section className="narrow">
      <PageTitle>Log in</PageTitle>
      <form onSubmit={(event) => void onSubmit(event)} noValidate>
        <ProblemBanner problem={problem} />
        <Field label="Email" name="email" type="email" autoComplete="username" required value={email} onChange={(e) => setEmail(e.target.value)} problem={problem} />
        <Field label="Password" name="password" type="password" autoComplete="current-password" required value={password} onChange={(e) => setPassword(e.target.value)} problem={problem} />
        {askCode && (
          <Field
            label="Authentication code" name="code" inputMode="numeric" autoComplete="one-time-code" autoFocus value={code}
            onChange={(e) => setCode(e.target.value)} problem={problem}
            hint="The 6-digit code from your authenticator app, or one of your recovery codes."
          />
        )}
        <button type="submit" disabled={busy}>{busy ? 'Logging in…' : 'Log in'}</button>
      </form>
      <p><Link to="/forgot-password">Forgot your password?</Link></p>
      <p>New here? <Link to="/register">Register</Link></p>
    </section>
  );
}
