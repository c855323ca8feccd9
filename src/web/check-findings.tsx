// The result of a check (delegation, federation) as the host page shows it: passed or not, when, and each finding with its fix.
import { formatDate } from './format.tsx';

interface Finding {
  severity: 'error' | 'warning';
  code: string;
  message: string;
  fix: string;
}

interface CheckResultProps {
  check: { passed: boolean; checkedAt: string; findings: Finding[] } | null;
  testId: string;
  passed: string;
  failed: string;
}

export function CheckResult({ check, testId, passed, failed }: CheckResultProps) {
  if (!check) return <p className="muted" data-testid={testId}>Not checked yet.</p>;
  return (
    <div data-testid={testId}>
      <p>{check.passed ? <span className="success-text">{passed}</span> : <span className="field-error">{failed}</span>}{' '}
        <span className="muted">Last checked {formatDate(check.checkedAt)}.</span></p>
      {check.findings.length > 0 && (
        <ul className="findings">
          {check.findings.map((finding) => (
            <li key={finding.code} className={`finding finding-${finding.severity}`}>
              <strong>{finding.severity === 'error' ? 'Error' : 'Warning'}:</strong> {finding.message}
              <br /><span className="muted">Fix: {finding.fix}</span>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
