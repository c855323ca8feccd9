// Register: email, name and a password of at least 12 characters (said before submitting).
import { useState } from 'react';
import { post } from '../api-client.ts';
import type { Session } from '../api-types.ts';
import { Field, ProblemBanner, useSubmit } from '../forms.tsx';
import { PageTitle } from '../layout.tsx';
import { Link, navigate } from '../router.tsx';
import { useSession } from '../session.tsx';

export const minimumPasswordLength = 12;

export function SignUpPage() {
  const { signedIn } = useSession();
  const [email, setEmail] = useState('');
  const [name, setName] = useState('');
  const [password, setPassword] = useState('');
  const { busy, problem, onSubmit } = useSubmit(async () => {
    const session = await post<Session>('/accounts', { email, name, password });
    signedIn(session);
    navigate('/?welcome=1');
  });
  const tooShort = password.length > 0 && password.length < minimumPasswordLength;
  return (
    <section className="narrow">
      <PageTitle>Create your account</PageTitle>
      <form onSubmit={(event) => void onSubmit(event)} noValidate>
        <ProblemBanner problem={problem} />
        <Field label="Email" name="email" type="email" autoComplete="email" required value={email} onChange={(e) => setEmail(e.target.value)} problem={problem} />
        <Field label="Name" name="name" autoComplete="name" required value={name} onChange={(e) => setName(e.target.value)} problem={problem} />
        <Field
          label="Password" name="password" type="password" autoComplete="new-password" required value={password}
          onChange={(e) => setPassword(e.target.value)} problem={problem}
          hint={tooShort ? `${minimumPasswordLength - password.length} more characters needed: at least ${minimumPasswordLength}.` : `Your password must be at least ${minimumPasswordLength} characters long.`}
        />
        <button type="submit" disabled={busy}>{busy ? 'Registering…' : 'Register'}</button>
      </form>
      <p>Already have an account? <Link to="/login">Log in</Link></p>
    </section>
  );
}
