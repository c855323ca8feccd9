// The operator console's start: what it holds.
import { PageTitle } from '../../layout.tsx';
import { Link } from '../../router.tsx';
import { OperatorTabs } from './operator-nav.tsx';

export function OperatorHomePage() {
  return (
    <section>
      <PageTitle>Operator console</PageTitle>
      <OperatorTabs />
      <ul className="link-list">
        <li><Link to="/operator/accounts">Accounts</Link>: search customers, suspend or lift a suspension.</li>
        <li><Link to="/operator/hosts">Hosts</Link>: every customer's hosts with their status.</li>
        <li><Link to="/operator/jobs">Jobs</Link>: builds, rebuilds and cancellations with their step logs.</li>
        <li><Link to="/operator/terms">Terms</Link>: publish a new version of the terms and conditions.</li>
        <li><Link to="/operator/mail">Mail</Link>: mail captured while no SMTP server is configured.</li>
        <li><Link to="/operator/audit-log">Audit log</Link>: every privileged action.</li>
      </ul>
    </section>
  );
}
