// Runs Pebble, Let's Encrypt's ACME test server (Debian's `pebble`), on loopback: its own HTTPS
// certificate is made here with openssl; challenges are always valid so no DNS is needed.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Agent, fetch as undiciFetch } from 'undici';
import { eventually } from './eventually.ts';
import { freePort } from './throwaway-postgres.ts';

const run = promisify(execFile);

export interface Pebble {
  directoryUrl: string;
  /** PEM of the certificate Pebble's own HTTPS listener uses; the ACME client must trust it. */
  tlsCertificateFile: string;
  /** PEM of the root that issued certificates chain to (it changes at every start). */
  issuingRoot(): Promise<string>;
  stop(): Promise<void>;
}

export async function startPebble(challengePorts: { http: number; tls: number }): Promise<Pebble> {
  const dir = await mkdtemp(join(tmpdir(), 'pebble-'));
  const cert = join(dir, 'cert.pem');
  const key = join(dir, 'key.pem');
  await run('openssl', [
    'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-days', '2',
    '-subj', '/CN=localhost', '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1',
    '-keyout', key, '-out', cert,
  ]);
  const port = await freePort();
  const managementPort = await freePort();
  const config = join(dir, 'pebble-config.json');
  await writeFile(config, JSON.stringify({
    pebble: {
      listenAddress: `127.0.0.1:${port}`,
      managementListenAddress: `127.0.0.1:${managementPort}`,
      certificate: cert,
      privateKey: key,
      httpPort: challengePorts.http,
      tlsPort: challengePorts.tls,
      ocspResponderURL: '',
      externalAccountBindingRequired: false,
    },
  }));
  const child: ChildProcess = spawn('pebble', ['-config', config], {
    env: { ...process.env, PEBBLE_VA_ALWAYS_VALID: '1', PEBBLE_VA_NOSLEEP: '1', PEBBLE_WFE_NONCEREJECT: '0', PEBBLE_AUTHZREUSE: '100' },
    stdio: 'ignore',
  });
  const agent = new Agent({ connect: { ca: await readFile(cert, 'utf8') } });
  const directoryUrl = `https://127.0.0.1:${port}/dir`;
  await eventually(async () => {
    const response = await undiciFetch(directoryUrl, { dispatcher: agent });
    if (!response.ok) throw new Error(`Pebble answers ${response.status}`);
  }, 20_000, 100);
  return {
    directoryUrl,
    tlsCertificateFile: cert,
    issuingRoot: async () => (await undiciFetch(`https://127.0.0.1:${managementPort}/roots/0`, { dispatcher: agent })).text(),
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((done) => child.once('exit', done));
        child.kill('SIGTERM');
        await exited;
      }
      await agent.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
