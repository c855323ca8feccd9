// The page the verification mail links to: uses the link's token once, then carries on to the terms or the hosts.
import { useEffect, useRef, useState } from 'react';
import { ApiProblem, post } from '../api-client.ts';
import { Loading, Notice, ProblemBanner } from '../forms.tsx';
import { PageTitle } from '../layout.tsx';
import { Link, useLocation } from '../router.tsx';
import { useSession } from '../session.tsx';

export function VerifyEmailPage() {
  const { query } = useLocation();
  const { account, refresh } = useSession();
  const token = query.get('token') ?? '';
  const [state, setState] = useState<'working' | 'verified' | ApiProblem>('working');
  const started = useRef(false);
  useEffect(() => {
    if (started.current) return;
    started.current = true;
    if (!token) {
      setState(new ApiProblem(400, { title: 'Link incomplete', detail: 'This link has no verification token. Open the link from the mail exactly as it was sent.' }));
      return;
    }
    post('/email-verifications', { token })
      .then(async () => {
        await refresh();
        setState('verified');
      })
      .catch((error: unknown) => setState(error instanceof ApiProblem ? error : new ApiProblem(0, { detail: String(error) })));
  }, [token, refresh]);
  const resend = async () => {
    await post('/email-verifications/resend');
    setState(new ApiProblem(0, { title: 'New link sent', detail: 'We sent you a new verification link. Earlier links no longer work.' }));
  };
  return (
    <section className="narrow">
      <PageTitle>Verify your email</PageTitle>
      {state === 'working' && <Loading what="Verifying your email address" />}
      {state === 'verified' && (
        <>
          <Notice kind="success">Your email address is verified.</Notice>
          {account && !account.terms.accepted && account.terms.currentVersion ? (
            <p>Before going any further, <Link to="/terms" className="button">read and accept the terms and conditions</Link></p>
          ) : (
            <p><Link to={account ? '/' : '/login'} className="button">{account ? 'Continue to your hosts' : 'Log in'}</Link></p>
          )}
        </>
      )}
      {state instanceof ApiProblem && (
        <>
          <ProblemBanner problem={state} />
          {account && !account.emailVerified && <button type="button" onClick={() => void resend()}>Send a new link</button>}
        </>
      )}
    </section>
  );
}
