// Monitoring on this machine: a host's /health asked at the runtime's endpoint for it (not through
// the edge, so it is not a client's activity), the certificate Caddy serves for a name read over a TLS
// connection to the edge as any client would, and the data directory's filesystem.
import { statfs } from 'node:fs/promises';
import { connect } from 'node:tls';
import type { Config } from '../../config.ts';
import type { EdgeCertificate, HostSpec, RuntimeMonitoring } from '../runtime.ts';

/** Where the edge's listener is reached from this machine. */
function edgeAddress(config: Pick<Config, 'edgeHost'>): string {
  const bind = config.edgeHost;
  return bind === '' || bind === '0.0.0.0' ? '127.0.0.1' : bind === '::' ? '::1' : bind;
}

const certificateTimeoutMs = 10_000;

export class LocalMonitoring implements RuntimeMonitoring {
  readonly #config: Pick<Config, 'edgeHost' | 'edgeHttpsPort' | 'dataDir'>;
  readonly #endpoint: (hostId: string) => Promise<URL>;

  /** `endpoint`: where the runtime says the host's Synapse is reached (HostRuntime.hostEndpoint). */
  constructor(config: Pick<Config, 'edgeHost' | 'edgeHttpsPort' | 'dataDir'>, endpoint: (hostId: string) => Promise<URL>) {
    this.#config = config;
    this.#endpoint = endpoint;
  }

  async probeHealth(spec: HostSpec, timeoutMs: number): Promise<{ healthy: boolean; responseMs: number }> {
    const health = new URL('health', await this.#endpoint(spec.id));
    const started = performance.now();
    const healthy = await fetch(health, { signal: AbortSignal.timeout(timeoutMs) })
      .then(async (response) => response.ok && (await response.text()).trim() === 'OK', () => false);
    return { healthy, responseMs: Math.round(performance.now() - started) };
  }

  edgeCertificate(hostname: string): Promise<EdgeCertificate | undefined> {
    return new Promise((resolve) => {
      // Not verified: an expired or untrusted certificate is exactly what is looked for here.
      const socket = connect({ host: edgeAddress(this.#config), port: this.#config.edgeHttpsPort, servername: hostname, rejectUnauthorized: false, timeout: certificateTimeoutMs });
      const done = (certificate: EdgeCertificate | undefined) => {
        socket.destroy();
        resolve(certificate);
      };
      socket.once('secureConnect', () => {
        const peer = socket.getPeerCertificate();
        if (!peer.valid_to) return done(undefined);
        done({ validFrom: new Date(peer.valid_from), validTo: new Date(peer.valid_to), issuer: String(peer.issuer.O ?? peer.issuer.CN ?? '') });
      });
      socket.once('timeout', () => done(undefined));
      socket.once('error', () => done(undefined));
    });
  }

  async dataDisk(): Promise<{ totalBytes: number; availableBytes: number }> {
    const stats = await statfs(this.#config.dataDir);
    // As df counts: blocks reserved for root are neither used nor available to Homeport.
    const usedBytes = (stats.blocks - stats.bfree) * stats.bsize;
    const availableBytes = stats.bavail * stats.bsize;
    return { totalBytes: usedBytes + availableBytes, availableBytes };
  }
}
