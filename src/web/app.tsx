// Which page answers which path, and who may see it: visitors, signed-in customers, operators.
import { useEffect, type ReactNode } from 'react';
import { Layout, NotFoundPage } from './layout.tsx';
import { Loading } from './forms.tsx';
import { matchPath, navigate, safeNext, useLocation } from './router.tsx';
import { useSession } from './session.tsx';
import { AccountPage } from './pages/account.tsx';
import { AccountSecurityPage } from './pages/account-security.tsx';
import { ApiTokensPage } from './pages/api-tokens.tsx';
import { BuildPage } from './pages/build-progress.tsx';
import { HostBillingPage, HostDomainPage, HostLookAndFeelPage, HostPage } from './pages/host.tsx';
import { HostDangerZonePage } from './pages/host-danger-zone.tsx';
import { HostSignOnPage } from './pages/host-sign-on.tsx';
import { HostCallsPage } from './pages/host-calls.tsx';
import { HostExportsPage } from './pages/host-exports.tsx';
import { HostUsersPage } from './pages/host-users.tsx';
import { HostWizardPage } from './pages/host-wizard.tsx';
import { HostsPage } from './pages/hosts.tsx';
import { LogInPage } from './pages/log-in.tsx';
import { ForgotPasswordPage, ResetPasswordPage } from './pages/password-reset.tsx';
import { RegistrationTokensPage } from './pages/host-registration-tokens.tsx';
import { RequiredActionPage } from './pages/required-action.tsx';
import { SignUpPage } from './pages/sign-up.tsx';
import { TermsPage } from './pages/terms.tsx';
import { VerifyEmailPage } from './pages/verify-email.tsx';
import { OperatorAccountsPage } from './pages/operator/accounts.tsx';
import { OperatorAlertsPage } from './pages/operator/alerts.tsx';
import { OperatorAuditLogPage } from './pages/operator/audit-log.tsx';
import { OperatorHomePage } from './pages/operator/home.tsx';
import { OperatorHostsPage } from './pages/operator/hosts.tsx';
import { OperatorCapacityPage } from './pages/operator/capacity.tsx';
import { OperatorUpgradesPage } from './pages/operator/upgrades.tsx';
import { OperatorJobPage, OperatorJobsPage } from './pages/operator/jobs.tsx';
import { OperatorMailPage } from './pages/operator/mail.tsx';
import { OperatorTermsPage } from './pages/operator/terms.tsx';
import { BillingPage } from './pages/billing.tsx';
import { OperatorCouponsPage } from './pages/operator/coupons.tsx';
import { OperatorInvoicesPage } from './pages/operator/invoices.tsx';
import { OperatorSellerPage } from './pages/operator/seller.tsx';
import { LandingPage } from './pages/landing.tsx';

type Access = 'public' | 'visitor' | 'account' | 'operator';
type Params = Record<string, string>;

interface Route {
  path: string;
  access: Access;
  page: (params: Params) => ReactNode;
}

const routes: Route[] = [
  { path: '/login', access: 'visitor', page: () => <LogInPage /> },
  { path: '/register', access: 'visitor', page: () => <SignUpPage /> },
  { path: '/forgot-password', access: 'visitor', page: () => <ForgotPasswordPage /> },
  { path: '/reset-password', access: 'public', page: () => <ResetPasswordPage /> },
  { path: '/verify-email', access: 'public', page: () => <VerifyEmailPage /> },
  { path: '/', access: 'account', page: () => <HostsPage /> },
  { path: '/hosts/new', access: 'account', page: () => <HostWizardPage /> },
  { path: '/hosts/:id', access: 'account', page: (p) => <HostPage hostId={p.id!} /> },
  { path: '/hosts/:id/jobs/:jobId', access: 'account', page: (p) => <BuildPage hostId={p.id!} jobId={p.jobId!} /> },
  { path: '/hosts/:id/users', access: 'account', page: (p) => <HostUsersPage hostId={p.id!} /> },
  { path: '/hosts/:id/registration-tokens', access: 'account', page: (p) => <RegistrationTokensPage hostId={p.id!} /> },
  { path: '/hosts/:id/domain', access: 'account', page: (p) => <HostDomainPage hostId={p.id!} /> },
  { path: '/hosts/:id/look-and-feel', access: 'account', page: (p) => <HostLookAndFeelPage hostId={p.id!} /> },
  { path: '/hosts/:id/exports', access: 'account', page: (p) => <HostExportsPage hostId={p.id!} /> },
  { path: '/hosts/:id/billing', access: 'account', page: (p) => <HostBillingPage hostId={p.id!} /> },
  { path: '/hosts/:id/sign-on', access: 'account', page: (p) => <HostSignOnPage hostId={p.id!} /> },
  { path: '/hosts/:id/calls', access: 'account', page: (p) => <HostCallsPage hostId={p.id!} /> },
  { path: '/hosts/:id/danger-zone', access: 'account', page: (p) => <HostDangerZonePage hostId={p.id!} /> },
  { path: '/terms', access: 'account', page: () => <TermsPage /> },
  { path: '/account', access: 'account', page: () => <AccountPage /> },
  { path: '/account/security', access: 'account', page: () => <AccountSecurityPage /> },
  { path: '/account/tokens', access: 'account', page: () => <ApiTokensPage /> },
  { path: '/operator', access: 'operator', page: () => <OperatorHomePage /> },
  { path: '/operator/accounts', access: 'operator', page: () => <OperatorAccountsPage /> },
  { path: '/operator/terms', access: 'operator', page: () => <OperatorTermsPage /> },
  { path: '/operator/hosts', access: 'operator', page: () => <OperatorHostsPage /> },
  { path: '/operator/capacity', access: 'operator', page: () => <OperatorCapacityPage /> },
  { path: '/operator/alerts', access: 'operator', page: () => <OperatorAlertsPage /> },
  { path: '/operator/upgrades', access: 'operator', page: () => <OperatorUpgradesPage /> },
  { path: '/operator/jobs', access: 'operator', page: () => <OperatorJobsPage /> },
  { path: '/operator/jobs/:id', access: 'operator', page: (p) => <OperatorJobPage jobId={p.id!} /> },
  { path: '/operator/mail', access: 'operator', page: () => <OperatorMailPage /> },
  { path: '/operator/audit-log', access: 'operator', page: () => <OperatorAuditLogPage /> },
  { path: '/account/billing', access: 'account', page: () => <BillingPage /> },
  { path: '/operator/invoices', access: 'operator', page: () => <OperatorInvoicesPage /> },
  { path: '/operator/seller', access: 'operator', page: () => <OperatorSellerPage /> },
  { path: '/operator/coupons', access: 'operator', page: () => <OperatorCouponsPage /> },
];

function Redirect({ to }: { to: string }) {
  useEffect(() => navigate(to, { replace: true }), [to]);
  return null;
}

export function App() {
  const { account, loading } = useSession();
  const { path, query } = useLocation();
  if (loading) return <Layout><Loading /></Layout>;
  const found = routes.map((route) => ({ route, params: matchPath(route.path, path) })).find((match) => match.params);
  if (!found) return <Layout><NotFoundPage /></Layout>;
  const { route, params } = found;
  // A visitor's first page says what the service is and what it costs; customers see their hosts there.
  if (path === '/' && !account) return <Layout><LandingPage /></Layout>;
  if (route.access === 'visitor' && account) return <Redirect to={safeNext(query.get('next'))} />;
  if ((route.access === 'account' || route.access === 'operator') && !account) {
    // Operator pages do not reveal themselves to visitors: they are simply not found.
    if (route.access === 'operator') return <Layout><NotFoundPage /></Layout>;
    return <Redirect to={`/login?next=${encodeURIComponent(path + window.location.search)}`} />;
  }
  if (account?.requiredAction && route.access !== 'public') return <Layout><RequiredActionPage action={account.requiredAction} /></Layout>;
  if (route.access === 'operator' && !account?.isOperator) return <Layout><NotFoundPage /></Layout>;
  return <Layout key={path}>{route.page(params!)}</Layout>;
}
