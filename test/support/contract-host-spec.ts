// A host as the runtime contract (and the Kubernetes reconcile bench) asks a runtime to run it:
// a fresh id and label under `domain`, a small size's limits, its own database and secrets.
import { randomUUID } from 'node:crypto';
import { databasePoolFor } from '../../src/domain/sizes.ts';
import { rateLimitsFor } from '../../src/domain/rate-limits.ts';
import { noSingleSignOn } from '../../src/domain/single-sign-on.ts';
import type { HostSpec } from '../../src/runtime/runtime.ts';
import { generateHomeserverSecrets } from '../../src/synapse/host-secrets.ts';

export function contractHostSpec(domain: string, publicPort?: number): HostSpec {
  const id = randomUUID();
  const label = `c${id.slice(0, 8)}`;
  const serverName = `${label}.${domain}`;
  return {
    id, label, serverName,
    publicBaseUrl: `https://${serverName}${publicPort ? `:${publicPort}` : ''}/`,
    edgeHostname: serverName,
    seats: 10,
    maxUploadSize: '50M',
    rateLimits: rateLimitsFor('small'),
    databasePool: databasePoolFor('small'),
    supportEmail: null,
    database: { name: `host_${label}`, user: `host_${label}`, password: randomUUID() },
    secrets: generateHomeserverSecrets(),
    federation: { mode: 'open', allowedServers: [] },
    placement: { kind: 'own' },
    singleSignOn: noSingleSignOn,
    synapseRelease: null,
  };
}
