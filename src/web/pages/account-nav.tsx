// The tabs of the account pages.
import { Link, useLocation } from '../router.tsx';

const tabs = [
  { to: '/account', label: 'Details' },
  { to: '/account/billing', label: 'Billing' },
  { to: '/account/security', label: 'Password & 2FA' },
  { to: '/account/tokens', label: 'API tokens' },
  { to: '/terms', label: 'Terms' },
];

export function AccountTabs() {
  const { path } = useLocation();
  return (
    <nav className="tabs" aria-label="Account">
      {tabs.map((tab) => <Link key={tab.to} to={tab.to} aria-current={path === tab.to ? 'page' : undefined}>{tab.label}</Link>)}
    </nav>
  );
}
