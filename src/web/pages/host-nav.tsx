// The tabs of a host's pages: settings, users, registration tokens.
import { Link, useLocation } from '../router.tsx';

export function HostTabs({ hostId }: { hostId: string }) {
  const { path } = useLocation();
  const tabs = [
    { to: `/hosts/${hostId}`, label: 'Host' },
    { to: `/hosts/${hostId}/users`, label: 'Users' },
    { to: `/hosts/${hostId}/registration-tokens`, label: 'Registration tokens' },
  ];
  return (
    <nav className="tabs" aria-label="Host">
      {tabs.map((tab) => <Link key={tab.to} to={tab.to} aria-current={path === tab.to ? 'page' : undefined}>{tab.label}</Link>)}
    </nav>
  );
}
