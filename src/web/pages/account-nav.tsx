// The tabs of the account pages.
import { Tabs } from '../layout.tsx';
import { useLocation } from '../router.tsx';

const tabs = [
  { to: '/account', label: 'Details' },
  { to: '/account/billing', label: 'Billing' },
  { to: '/account/security', label: 'Password & 2FA' },
  { to: '/account/tokens', label: 'API tokens' },
  { to: '/terms', label: 'Terms' },
];

export function AccountTabs() {
  const { path } = useLocation();
  return <Tabs label="Account" items={tabs.map((tab) => ({ ...tab, current: path === tab.to }))} />;
}
