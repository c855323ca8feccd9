// A host's federation health on its page: whether remote servers reach it and trust its key, as
// a remote server sees it, each failure with its fix, and "Check federation" ("… again" once it has run).
import { useState } from 'react';
import { get, post, seg } from '../api-client.ts';
import type { FederationCheck, Host } from '../api-types.ts';
import { Loading, ProblemBanner, useSubmit } from '../forms.tsx';
import { useApi } from '../use-api.ts';
import { CheckResult } from '../check-findings.tsx';

export function FederationCheckSection({ host }: { host: Host }) {
  const last = useApi(() => get<FederationCheck | null>(`/hosts/${seg(host.label)}/federation-checks`), [host.label]);
  const [check, setCheck] = useState<FederationCheck | undefined>();
  const checkAgain = useSubmit(async () => {
    setCheck(await post<FederationCheck>(`/hosts/${seg(host.label)}/federation-checks`));
  });
  if (last.problem) return <ProblemBanner problem={last.problem} />;
  if (last.data === undefined) return <Loading />;
  return (
    <section className="panel-section" aria-labelledby="federation-title">
      <h2 id="federation-title">Can other servers reach it?</h2>
      <p className="muted">Whether servers elsewhere find <strong>{host.serverName}</strong> (well-known, SRV, port 8448), reach it over HTTPS with a valid certificate, and get its signing key and version.</p>
      <ProblemBanner problem={checkAgain.problem} />
      <CheckResult check={check ?? last.data} testId="federation-status" passed="Other Matrix servers reach this host and trust its key." failed="Other Matrix servers cannot federate with this host." />
      <button type="button" className="secondary" disabled={checkAgain.busy || host.status === 'provisioning'} onClick={() => void checkAgain.onSubmit()}>{checkAgain.busy ? 'Checking…' : (check ?? last.data) ? 'Check federation again' : 'Check federation'}</button>
    </section>
  );
}
