// The frame of every page: the header with navigation and the signed-in account, then the page.
import { Anchor, ArrowLeft, LogOut, Server, Shield, UserRound } from 'lucide-react';
import { useLayoutEffect, useRef, type ReactNode } from 'react';
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
        <Link to="/" className="brand"><Anchor className="icon" />Homeport</Link>
        {account && !account.requiredAction && (
          <nav aria-label="Main">
            <Link to="/" aria-current={current('/')}><Server className="icon" />Hosts</Link>
            <Link to="/account" aria-current={current('/account')}><UserRound className="icon" />Account</Link>
            {account.isOperator && <Link to="/operator" aria-current={current('/operator')}><Shield className="icon" />Operator</Link>}
          </nav>
        )}
        {account && (
          <div className="who">
            <span className="who-email">{account.email}</span>
            <button type="button" className="link-button" onClick={() => void logOut()}><LogOut className="icon" />Log out</button>
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
      {back && <Link to={back.to} className="back"><ArrowLeft className="icon" />{back.label}</Link>}
      <h1>{children}</h1>
    </div>
  );
}

/**
 * A row of tabs (each a link with its own address). On a phone the row scrolls sideways, so the
 * current tab is scrolled into sight (the row only, never the page).
 */
export function Tabs({ label, items }: { label: string; items: { to: string; label: string; current: boolean }[] }) {
  const row = useRef<HTMLElement | null>(null);
  const currentTo = items.find((item) => item.current)?.to;
  useLayoutEffect(() => {
    const nav = row.current;
    const tab = nav?.querySelector<HTMLElement>('[aria-current="page"]');
    if (!nav || !tab || nav.scrollWidth <= nav.clientWidth) return;
    nav.scrollLeft = tab.offsetLeft - nav.offsetLeft - (nav.clientWidth - tab.offsetWidth) / 2;
  }, [currentTo]);
  return (
    <nav className="tabs" aria-label={label} ref={row}>
      {items.map((item) => <Link key={item.to} to={item.to} aria-current={item.current ? 'page' : undefined}>{item.label}</Link>)}
    </nav>
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
