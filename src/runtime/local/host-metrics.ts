// A host's Prometheus metrics, read over the Unix socket of mode 0600 that Synapse listens on:
// only Homeport's user may open it, where a loopback port was open to every local user.
import { Agent, fetch } from 'undici';
import { homeserverPaths } from './host-folder.ts';

export async function readHostMetrics(hostDir: string, timeoutMs = 10_000): Promise<string> {
  const socketPath = homeserverPaths(hostDir).metricsSocket;
  const dispatcher = new Agent({ connect: { socketPath } });
  try {
    // The host name is a placeholder: the socket decides where the request goes.
    const response = await fetch('http://localhost/_synapse/metrics', { dispatcher, signal: AbortSignal.timeout(timeoutMs) });
    if (!response.ok) throw new Error(`Synapse's metrics on ${socketPath} answered HTTP ${response.status}`);
    return await response.text();
  } finally {
    await dispatcher.close();
  }
}
