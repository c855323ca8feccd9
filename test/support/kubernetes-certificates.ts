// The certificates and keys a throwaway Kubernetes control plane needs: a CA, the API server's
// serving certificate for 127.0.0.1 signed by it, and the key service account tokens are signed with.
import { execFile } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface ControlPlaneCertificates {
  caFile: string;
  servingCertFile: string;
  servingKeyFile: string;
  /** PEM private key signing service account tokens; the API server checks them with the same key. */
  serviceAccountKeyFile: string;
}

export async function makeControlPlaneCertificates(dir: string): Promise<ControlPlaneCertificates> {
  const file = (name: string) => join(dir, name);
  await run('openssl', [
    'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-days', '2',
    '-subj', '/CN=homeport-test-kubernetes-ca', '-keyout', file('ca.key'), '-out', file('ca.crt'),
  ]);
  await run('openssl', [
    'req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes',
    '-subj', '/CN=kube-apiserver', '-keyout', file('apiserver.key'), '-out', file('apiserver.csr'),
  ]);
  await writeFile(file('apiserver.ext'), 'subjectAltName=IP:127.0.0.1,DNS:localhost,DNS:kubernetes.default.svc\nextendedKeyUsage=serverAuth\n');
  await run('openssl', [
    'x509', '-req', '-in', file('apiserver.csr'), '-CA', file('ca.crt'), '-CAkey', file('ca.key'), '-CAcreateserial',
    '-days', '2', '-extfile', file('apiserver.ext'), '-out', file('apiserver.crt'),
  ]);
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  await writeFile(file('service-accounts.key'), privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
  return {
    caFile: file('ca.crt'),
    servingCertFile: file('apiserver.crt'),
    servingKeyFile: file('apiserver.key'),
    serviceAccountKeyFile: file('service-accounts.key'),
  };
}
