// A host's homeserver.yaml as its pod sees it: the same settings as every runtime renders
// (synapse/homeserver-config.ts), with the paths of the pod's mounts, a listener on the pod's
// address for the Service, and logs to the console, which the cluster keeps.
import { stringify } from 'yaml';
import { listenerResources, renderHomeserverConfig, type FederationInput, type HomeserverPaths } from '../../synapse/homeserver-config.ts';
import type { HostSpec } from '../runtime.ts';
import { configMountPath, mediaMountPath, synapsePort } from './host-workload.ts';

// Synapse writes nothing but media and, when daemonised (never here), its pid: /tmp holds the rest.
const podPaths: HomeserverPaths = {
  hostDir: '/tmp',
  homeserverConfig: `${configMountPath}/homeserver.yaml`,
  logConfig: `${configMountPath}/log.config.yaml`,
  logFile: '/tmp/homeserver.log',
  signingKey: `${configMountPath}/signing.key`,
  pidFile: '/tmp/homeserver.pid',
  mediaStore: mediaMountPath,
  metricsSocket: '/tmp/metrics.sock',
};

export interface PodHomeserverInput {
  spec: HostSpec;
  /** The hosts' PostgreSQL as the pods reach it. */
  databaseEndpoint: { host: string; port: number };
  federation: Pick<FederationInput, 'trustedKeyServers'>;
}

export function renderPodHomeserverConfig({ spec, databaseEndpoint, federation }: PodHomeserverInput): string {
  return renderHomeserverConfig({
    serverName: spec.serverName,
    publicBaseUrl: spec.publicBaseUrl,
    // The ingress controller reaches Synapse through the host's Service; the NetworkPolicy lets nothing else in.
    listener: { address: '0.0.0.0', port: synapsePort },
    database: { ...databaseEndpoint, ...spec.database },
    paths: podPaths,
    secrets: spec.secrets,
    seats: spec.seats,
    maxUploadSize: spec.maxUploadSize,
    rateLimits: spec.rateLimits,
    databasePool: spec.databasePool,
    supportEmail: spec.supportEmail,
    federation: { ...spec.federation, ...federation },
    overrides: {
      // Only the listener above: no metrics socket in a pod.
      listeners: [{
        port: synapsePort,
        type: 'http',
        bind_addresses: ['0.0.0.0'],
        tls: false,
        x_forwarded: true,
        resources: [{ names: listenerResources(spec.federation), compress: false }],
      }],
      enable_metrics: false,
    },
  });
}

/** Python logging dictConfig: INFO and worse to standard error, read with `kubectl logs`. */
export function renderPodLogConfig(): string {
  return stringify({
    version: 1,
    disable_existing_loggers: false,
    formatters: { precise: { format: '%(asctime)s - %(name)s - %(lineno)d - %(levelname)s - %(request)s - %(message)s' } },
    handlers: { console: { class: 'logging.StreamHandler', formatter: 'precise' } },
    // DEBUG here would log access tokens.
    loggers: { 'synapse.storage.SQL': { level: 'INFO' } },
    root: { level: 'INFO', handlers: ['console'] },
  }, { version: '1.1' });
}
