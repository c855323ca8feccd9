// Where the Kubernetes tests find the control plane they run for real: the binaries that
// scripts/install-kubernetes-test-tools.sh builds once per machine, outside the repository.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

const installScript = resolve(import.meta.dirname, '..', '..', 'scripts', 'install-kubernetes-test-tools.sh');

/** The folder holding kube-apiserver, kube-controller-manager, kube-scheduler, kine and kwok, or undefined until they are built. */
export function kubernetesToolsBinDir(): string | undefined {
  const asked = spawnSync(installScript, ['--bin-dir'], { encoding: 'utf8' });
  return asked.status === 0 ? asked.stdout.trim() : undefined;
}

/** The helm the tools script builds, or undefined until it is built. */
export function helmBinary(): string | undefined {
  const bin = kubernetesToolsBinDir();
  return bin && existsSync(join(bin, 'helm')) ? join(bin, 'helm') : undefined;
}

/** Why the Kubernetes tests are skipped on this machine, or false when they can run. */
export function kubernetesTestsSkipped(): string | false {
  return kubernetesToolsBinDir() ? false : 'the Kubernetes test tools are not built: run scripts/install-kubernetes-test-tools.sh (or npm run test:kubernetes)';
}
