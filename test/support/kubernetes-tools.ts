// Where the Kubernetes tests find the control plane they run for real: the binaries that
// scripts/install-kubernetes-test-tools.sh builds once per machine, outside the repository.
// `./homeport test` (and so `.ci/run`) starts that build in the background and sets
// HOMEPORT_KUBERNETES_TOOLS=build: the tests then wait for it (and build what it left missing)
// and fail if it fails. Otherwise (`npm test` alone) they run when the binaries are there and are
// skipped when they are not.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

const installScript = resolve(import.meta.dirname, '..', '..', 'scripts', 'install-kubernetes-test-tools.sh');
let binDir: { value: string | undefined } | undefined;

/** The folder holding kube-apiserver, kube-controller-manager, kube-scheduler, kine and kwok, or undefined until they are built. */
export function kubernetesToolsBinDir(): string | undefined {
  binDir ??= { value: findOrBuild() };
  return binDir.value;
}

function findOrBuild(): string | undefined {
  if (process.env.HOMEPORT_KUBERNETES_TOOLS === 'build') {
    const built = spawnSync(installScript, [], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
    if (built.status !== 0) throw new Error(`building the Kubernetes test tools failed (${installScript} exited with ${built.status ?? built.signal})`);
    return built.stdout.trim();
  }
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
