// A plain Synapse that Homeport does not run, federating with an installation's hosts: its own
// server name and its own TLS listener with a certificate of the test's CA, on loopback. It finds
// the hosts as a real server would find them through DNS: through the installation's development
// federation proxy, trusting the edge's CA.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createClient } from 'matrix-js-sdk';
import { stringify } from 'yaml';
import { SynapseAdminClient } from '../../src/synapse/admin-client.ts';
import { registerWithSharedSecret } from '../../src/synapse/shared-secret-registration.ts';
import { generateSigningKey } from '../../src/synapse/signing-key.ts';
import { waitForHealth } from '../../src/synapse/synapse-http.ts';
import type { TestCertificate } from './delegation-web.ts';
import type { FederationSide } from './federation-checks.ts';
import { selfHostedPython } from './self-hosted-synapse.ts';
import { freePort } from './throwaway-postgres.ts';

export interface OutsideSynapse {
  serverName: string;
  /** The loopback port of its TLS listener (federation and the well-known). */
  tlsPort: number;
  start(options: { proxyUrl: string; trustedCaFiles: string[] }): Promise<void>;
  /** A user with a client on the plain loopback client listener. */
  side(localpart: string): Promise<FederationSide>;
  stop(): Promise<void>;
}

/** Prepares (without starting) a Synapse for `serverName` in `dir`, serving TLS with `certificate` on `tlsPort`. */
export async function outsideSynapse(dir: string, serverName: string, certificate: TestCertificate): Promise<OutsideSynapse> {
  await mkdir(join(dir, 'media_store'), { recursive: true });
  const tlsPort = await freePort();
  const clientPort = await freePort();
  const baseUrl = `http://127.0.0.1:${clientPort}`;
  const sharedSecret = randomBytes(16).toString('hex');
  await writeFile(join(dir, 'signing.key'), generateSigningKey().fileContents);
  await writeFile(join(dir, 'tls.key'), certificate.key);
  let child: ChildProcess | undefined;
  let admin: SynapseAdminClient | undefined;

  const start = async (options: { proxyUrl: string; trustedCaFiles: string[] }) => {
    await writeFile(join(dir, 'homeserver.yaml'), stringify({
      server_name: serverName,
      public_baseurl: `https://${serverName}/`,
      pid_file: join(dir, 'homeserver.pid'),
      listeners: [
        // As a server on the internet answers on 443: the well-known points there, the proxy maps it here.
        { port: tlsPort, type: 'http', tls: true, bind_addresses: ['127.0.0.1'], resources: [{ names: ['client', 'federation'] }] },
        { port: clientPort, type: 'http', tls: false, bind_addresses: ['127.0.0.1'], resources: [{ names: ['client'] }] },
      ],
      tls_certificate_path: certificate.certFile,
      tls_private_key_path: join(dir, 'tls.key'),
      serve_server_wellknown: true,
      https_proxy: options.proxyUrl,
      federation_custom_ca_list: options.trustedCaFiles,
      database: { name: 'sqlite3', args: { database: join(dir, 'homeserver.db') } },
      media_store_path: join(dir, 'media_store'),
      signing_key_path: join(dir, 'signing.key'),
      registration_shared_secret: sharedSecret,
      macaroon_secret_key: randomBytes(16).toString('hex'),
      form_secret: randomBytes(16).toString('hex'),
      report_stats: false,
      trusted_key_servers: [],
      suppress_key_server_warning: true,
      rc_message: { per_second: 1000, burst_count: 1000 },
      rc_login: { address: { per_second: 1000, burst_count: 1000 }, account: { per_second: 1000, burst_count: 1000 } },
    }, { version: '1.1' }));
    child = spawn(selfHostedPython, ['-m', 'synapse.app.homeserver', '--config-path', join(dir, 'homeserver.yaml')], { cwd: dir, stdio: 'ignore' });
    await waitForHealth(baseUrl, 240_000);
    const registered = await registerWithSharedSecret({ baseUrl, sharedSecret, username: 'admin', password: randomBytes(12).toString('hex'), admin: true });
    admin = new SynapseAdminClient({ baseUrl, accessToken: registered.accessToken });
  };

  const side = async (localpart: string): Promise<FederationSide> => {
    if (!admin) throw new Error('the outside Synapse is not started');
    const userId = `@${localpart}:${serverName}`;
    const password = randomBytes(12).toString('hex');
    const displayName = `${localpart} outside`;
    await admin.upsertUser(userId, { password, displayname: displayName });
    const login = await createClient({ baseUrl }).loginRequest({ type: 'm.login.password', identifier: { type: 'm.id.user', user: localpart }, password });
    const client = createClient({ baseUrl, accessToken: login.access_token, userId: login.user_id, deviceId: login.device_id });
    const download = async (mxc: string): Promise<Buffer> => {
      const [origin, mediaId] = mxc.replace('mxc://', '').split('/');
      const response = await fetch(`${baseUrl}/_matrix/client/v1/media/download/${origin}/${mediaId}`, { headers: { authorization: `Bearer ${login.access_token}` } });
      if (response.status !== 200) throw new Error(`media download answered ${response.status}`);
      return Buffer.from(await response.arrayBuffer());
    };
    return { client, userId, serverName, displayName, download };
  };

  const stop = async () => {
    const running = child;
    child = undefined;
    if (!running || running.exitCode !== null || running.signalCode !== null) return;
    const exited = new Promise((done) => running.once('exit', done));
    running.kill('SIGTERM');
    await exited;
  };
  return { serverName, tlsPort, start, side, stop };
}
