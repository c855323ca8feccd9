// Reads Caddy's admin API the way Homeport does: over its Unix socket in the data directory.
import { Agent, fetch } from 'undici';
import { caddyAdminSocket } from '../../src/runtime/local/caddy-edge.ts';

export async function caddyAdmin(dataDir: string, path: string, change?: { method: string; body?: unknown }): Promise<{ status: number; text: string }> {
  const dispatcher = new Agent({ connect: { socketPath: caddyAdminSocket(dataDir) } });
  try {
    const response = await fetch(`http://localhost${path}`, {
      dispatcher,
      method: change?.method,
      headers: change?.body === undefined ? undefined : { 'Content-Type': 'application/json' },
      body: change?.body === undefined ? undefined : JSON.stringify(change.body),
    });
    return { status: response.status, text: await response.text() };
  } finally {
    await dispatcher.close();
  }
}
