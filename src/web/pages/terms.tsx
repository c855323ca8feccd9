// The current terms and conditions, and accepting them (required before any purchase).
import { post, get } from '../api-client.ts';
import type { Terms } from '../api-types.ts';
import { EmptyState, Loading, Notice, ProblemBanner, useSubmit } from '../forms.tsx';
import { PageTitle } from '../layout.tsx';
import { Link, navigate } from '../router.tsx';
import { useAccount, useSession } from '../session.tsx';
import { useApi } from '../use-api.ts';

export function TermsPage() {
  const account = useAccount();
  const { refresh } = useSession();
  const terms = useApi(() => get<Terms>('/terms/current'), []);
  const accept = useSubmit(async () => {
    await post('/terms/acceptances', { version: terms.data!.version });
    await refresh();
    navigate('/');
  });
  if (terms.problem?.status === 404) return <section><PageTitle>Terms and conditions</PageTitle><EmptyState title="No terms have been published yet">Nothing to accept.</EmptyState></section>;
  if (terms.problem) return <ProblemBanner problem={terms.problem} />;
  if (!terms.data) return <Loading />;
  const accepted = account.terms.accepted && account.terms.currentVersion === terms.data.version;
  return (
    <section>
      <PageTitle>Terms and conditions</PageTitle>
      <p className="muted">Version {terms.data.version}</p>
      <div className="terms-text">{terms.data.text}</div>
      {accepted ? <Notice kind="success">You accepted this version. <Link to="/">Go to your hosts</Link></Notice> : (
        <form onSubmit={(event) => void accept.onSubmit(event)}>
          <ProblemBanner problem={accept.problem} />
          <button type="submit" disabled={accept.busy}>I agree to the terms and conditions</button>
        </form>
      )}
    </section>
  );
}
