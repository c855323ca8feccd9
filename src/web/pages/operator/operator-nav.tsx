// The operator console's tabs.
import { Link, useLocation } from '../../router.tsx';

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
  return (
    <nav className="tabs" aria-label="Operator console">
      {tabs.map((tab) => <Link key={tab.to} to={tab.to} aria-current={path.startsWith(tab.to) ? 'page' : undefined}>{tab.label}</Link>)}
    </nav>
  );
}
