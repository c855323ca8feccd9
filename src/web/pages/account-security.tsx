// Password change and two-factor authentication of the signed-in account.
import { PageTitle } from '../layout.tsx';
import { AccountTabs } from './account-nav.tsx';
import { ChangePasswordForm } from './required-action.tsx';
import { TwoFactorSection } from './two-factor.tsx';

export function AccountSecurityPage() {
  return (
    <section>
      <PageTitle>Account</PageTitle>
      <AccountTabs />
      <section className="panel-section">
        <h2>Password</h2>
        <ChangePasswordForm />
      </section>
      <section className="panel-section">
        <h2>Two-factor authentication</h2>
        <TwoFactorSection />
      </section>
    </section>
  );
}
