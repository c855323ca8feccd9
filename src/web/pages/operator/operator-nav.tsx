// The operator console's tabs.
import { Tabs } from '../../layout.tsx';
import { useLocation } from '../../router.tsx';

const tabs = [
  { to: '/operator/accounts', label: 'Accounts' },
  { to: '/operator/hosts', label: 'Hosts' },
  { to: '/operator/capacity', label: 'Capacity' },
  { to: '/operator/alerts', label: 'Alerts' },
  { to: '/operator/jobs', label: 'Jobs' },
  { to: '/operator/upgrades', label: 'Upgrades' },
  { to: '/operator/invoices', label: 'Invoices' },
  { to: '/operator/coupons', label: 'Coupons' },
  { to: '/operator/seller', label: 'Seller' },
  { to: '/operator/terms', label: 'Terms' },
  { to: '/operator/mail', label: 'Mail' },
  { to: '/operator/audit-log', label: 'Audit log' },
];

export function OperatorTabs() {
  const { path } = useLocation();
  return <Tabs label="Operator console" items={tabs.map((tab) => ({ ...tab, current: path.startsWith(tab.to) }))} />;
}
