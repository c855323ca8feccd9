// Is a label free to buy? Answers available, or the reason it is not.
import { explainLabelProblem, hostnameFor, labelProblem } from '../../domain/hostname.ts';
import { isLabelTaken } from '../../store/hosts.ts';
import type { HomeportContext } from '../../homeport-context.ts';

export interface HostnameAvailability {
  label: string;
  hostname: string;
  available: boolean;
  reason?: 'taken' | NonNullable<ReturnType<typeof labelProblem>>;
  detail?: string;
}

export async function checkHostname(context: Pick<HomeportContext, 'db' | 'config'>, label: string): Promise<HostnameAvailability> {
  const hostname = hostnameFor(label, context.config.baseDomain);
  const problem = labelProblem(label);
  if (problem) return { label, hostname, available: false, reason: problem, detail: explainLabelProblem(label, problem) };
  if (await isLabelTaken(context.db, label)) {
    return { label, hostname, available: false, reason: 'taken', detail: `The hostname "${label}" is already in use.` };
  }
  return { label, hostname, available: true };
}
