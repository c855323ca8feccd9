// For tests of the edge on its own (no Homeport API): an HTTP server that answers Caddy's
// on-demand certificate question (`?domain=<name>`, 200 = yes) for names under one suffix, and
// records what it was asked. The edge gets every certificate on demand when it has one to ask.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface CertificatePermission {
  /** For loadConfig: HOMEPORT_API_HOST and HOMEPORT_API_PORT, where the edge asks. */
  env: { HOMEPORT_API_HOST: string; HOMEPORT_API_PORT: string };
  asked: string[];
  close(): Promise<void>;
}

export async function certificatePermission(suffix: string): Promise<CertificatePermission> {
  const asked: string[] = [];
  const server = createServer((request, response) => {
    const name = new URL(request.url ?? '/', 'http://ask').searchParams.get('domain') ?? '';
    asked.push(name);
    response.statusCode = name.endsWith(suffix) ? 200 : 403;
    response.end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    env: { HOMEPORT_API_HOST: '127.0.0.1', HOMEPORT_API_PORT: String((server.address() as AddressInfo).port) },
    asked,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
