// The frame of every page: the header with navigation and the signed-in account, then the page.
import type { ReactNode } from 'react';
import { del } from './api-client.ts';
import { Link, navigate, useLocation } from './router.tsx';
import { useSession } from './session.tsx';
import { Toasts } from './toasts.tsx';

export function Layout({ children }: { children: ReactNode }) {
  const { account, signedOut } = useSession();
  const { path } = useLocation();
  const logOut = async () => {
    await del('/session').catch(() => undefined);
    signedOut();
    navigate('/login');
  };
  const current = (prefix: string) => (prefix === '/' ? path === '/' || path.startsWith('/hosts') : path.startsWith(prefix)) ? 'page' : undefined;
  return (
    <>
      <header className="top">
        <Link to="/" className="brand">Homeport</Link>
        {account && !account.requiredAction && (
          <nav aria-label="Main">
            <Link to="/" aria-current={current('/')}>Hosts</Link>
            <Link to="/account" aria-current={current('/account')}>Account</Link>
            {account.isOperator && <Link to="/operator" aria-current={current('/operator')}>Operator</Link>}
          </nav>
        )}
        {account && (
          <div className="who">
            <span className="who-email">{account.email}</span>
            <button type="button" className="link-button" onClick={() => void logOut()}>Log out</button>
          </div>
        )}
      </header>
      <main>{children}</main>
      <Toasts />
    </>
  );
}

export function PageTitle({ children, back }: { children: ReactNode; back?: { to: string; label: string } }) {
  return (
    <div className="page-title">
      {back && <Link to={back.to} className="back">← {back.label}</Link>}
      <h1>{children}</h1>
    </div>
  );
}

export function NotFoundPage() {
  return (
    <section>
      <PageTitle>Not found</PageTitle>
      <p>There is nothing here. It may have been removed, or it belongs to someone else.</p>
      <p><Link to="/">Back to your hosts</Link></p>
    </section>
  );
}
