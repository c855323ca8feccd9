// A customer's side of delegation on loopback: a real DNS server (dns2) answering A, AAAA and
// CNAME records, a self-signed certificate made with openssl, and real HTTPS servers.
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import type http from 'node:http';
import https from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import dns2 from 'dns2';

const run = promisify(execFile);

export interface DnsRecords {
  A?: string[];
  AAAA?: string[];
  CNAME?: string;
}

export interface TestDnsServer {
  /** `127.0.0.1:<port>`, for HOMEPORT_DNS_SERVERS or Resolver.setServers. */
  address: string;
  records: Map<string, DnsRecords>;
  close(): Promise<void>;
}

export async function startDnsServer(records: Record<string, DnsRecords>): Promise<TestDnsServer> {
  const { Packet } = dns2;
  const table = new Map(Object.entries(records));
  const server = dns2.createServer({
    udp: true,
    handle: (request, send) => {
      const response = Packet.createResponseFromRequest(request);
      const question = request.questions[0];
      const entry = question ? table.get(question.name.toLowerCase()) : undefined;
      // dns2 encodes plain record objects; its types ask for its own Resource class.
      const answer = (record: Record<string, unknown>) => response.answers.push({ name: question?.name, class: Packet.CLASS.IN, ttl: 1, ...record } as unknown as (typeof response.answers)[number]);
      if (!question || !entry) {
        response.header.rcode = 3; // NXDOMAIN
      } else if ((question.type === Packet.TYPE.A || question.type === Packet.TYPE.AAAA) && entry.CNAME) {
        // As a recursive resolver does: the alias, then the addresses of the name it points at.
        answer({ type: Packet.TYPE.CNAME, domain: entry.CNAME });
        const target = table.get(entry.CNAME.toLowerCase());
        const addresses = (question.type === Packet.TYPE.A ? target?.A : target?.AAAA) ?? [];
        for (const address of addresses) answer({ name: entry.CNAME, type: question.type, address });
      } else if (question.type === Packet.TYPE.A) {
        for (const address of entry.A ?? []) answer({ type: Packet.TYPE.A, address });
      } else if (question.type === Packet.TYPE.AAAA) {
        for (const address of entry.AAAA ?? []) answer({ type: Packet.TYPE.AAAA, address });
      } else if (question.type === Packet.TYPE.CNAME && entry.CNAME) {
        answer({ type: Packet.TYPE.CNAME, domain: entry.CNAME });
      }
      void send(response);
    },
  });
  const addresses = await server.listen({ udp: { port: 0, address: '127.0.0.1' } });
  return { address: `127.0.0.1:${addresses.udp?.port}`, records: table, close: () => server.close() };
}

export interface TestCertificate {
  certFile: string;
  cert: string;
  key: string;
  remove(): Promise<void>;
}

/** A self-signed certificate for the given names; trusted by passing its file as the extra CA. */
export async function makeCertificate(names: string[]): Promise<TestCertificate> {
  const dir = await mkdtemp(join(tmpdir(), 'delegation-cert-'));
  const certFile = join(dir, 'cert.pem');
  const keyFile = join(dir, 'key.pem');
  await run('openssl', [
    'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-days', '2',
    '-subj', `/CN=${names[0]}`, '-addext', `subjectAltName=${names.map((name) => `DNS:${name}`).join(',')}`,
    '-keyout', keyFile, '-out', certFile,
  ]);
  return { certFile, cert: await readFile(certFile, 'utf8'), key: await readFile(keyFile, 'utf8'), remove: () => rm(dir, { recursive: true, force: true }) };
}

/** A random loopback address other than 127.0.0.1, so port 443 is free of other tests' servers. */
export function randomLoopbackAddress(): string {
  const byte = () => 2 + Math.floor(Math.random() * 250);
  return `127.${byte()}.${byte()}.${byte()}`;
}

export async function startHttpsServer(certificate: TestCertificate, address: string, port: number, handler: http.RequestListener): Promise<https.Server> {
  const server = https.createServer({ cert: certificate.cert, key: certificate.key }, handler);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, address, resolve);
  });
  return server;
}

export async function closeServer(server: { close(callback: () => void): void; closeAllConnections?: () => void } | undefined): Promise<void> {
  if (!server) return;
  server.closeAllConnections?.();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}

/** A customer's web site on loopback: its DNS, its HTTPS server with a self-signed certificate. */
export interface CustomerSite {
  /** The loopback address `name` resolves to. */
  address: string;
  dns: TestDnsServer;
  certificate: TestCertificate;
  /** What Homeport needs to ask this DNS server and fetch from this site over HTTPS. */
  homeportEnv: Record<string, string>;
  close(): Promise<void>;
}

/**
 * Serves `name` on port 443 of a random loopback address with `handler`; the DNS server answers
 * `name` with that address and the `otherRecords` (e.g. a CNAME of a client domain to the edge).
 */
export async function startCustomerSite(name: string, otherRecords: Record<string, DnsRecords>, handler: http.RequestListener, fetchTimeoutMs = 5000): Promise<CustomerSite> {
  const address = randomLoopbackAddress();
  const dns = await startDnsServer({ [name]: { A: [address] }, ...otherRecords });
  const certificate = await makeCertificate([name]);
  const web = await startHttpsServer(certificate, address, 443, handler);
  return {
    address,
    dns,
    certificate,
    homeportEnv: {
      HOMEPORT_DNS_SERVERS: dns.address,
      HOMEPORT_FETCH_ALLOW: address,
      HOMEPORT_FETCH_CA_FILE: certificate.certFile,
      HOMEPORT_FETCH_TIMEOUT_MS: String(fetchTimeoutMs),
    },
    async close() {
      await closeServer(web);
      await dns.close();
      await certificate.remove();
    },
  };
}
