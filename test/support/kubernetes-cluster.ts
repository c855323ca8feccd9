// A real, throwaway Kubernetes cluster on loopback for tests: kine (the API server's storage, on
// SQLite) + kube-apiserver (RBAC, token authentication, its own certificates) + the controller
// manager (Deployments, garbage collection, service account tokens) + the scheduler + kwok, which
// plays the kubelet of fake nodes so that scheduled pods report Running without a container
// runtime. Everything lives in a temporary folder and on free loopback ports; stop() ends it all.
import { KubeConfig, CoreV1Api, type V1Node } from '@kubernetes/client-node';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Agent, fetch as undiciFetch } from 'undici';
import { startControlPlaneProcess, type ControlPlaneProcess } from './control-plane-process.ts';
import { eventually } from './eventually.ts';
import { makeControlPlaneCertificates } from './kubernetes-certificates.ts';
import { kubernetesToolsBinDir } from './kubernetes-tools.ts';
import { freePort } from './throwaway-postgres.ts';

export interface KubernetesCluster {
  /** https://127.0.0.1:<port> */
  server: string;
  /** A kubeconfig file for the cluster's administrator (group system:masters). */
  kubeconfigFile: string;
  /** The cluster's administrator, or whoever holds `token` (a service account's, say). */
  kubeConfig(token?: string): KubeConfig;
  /** Names of the fake nodes kwok runs pods on. */
  nodeNames: string[];
  /** Stops kube-apiserver (SIGTERM), as an upgrade or a crash of the control plane would; the rest keeps running. */
  stopApiServer(): Promise<void>;
  /** Starts kube-apiserver again on the same port and storage, and resolves once it is ready. */
  startApiServer(): Promise<void>;
  stop(): Promise<void>;
}

// kwok manages only nodes carrying this annotation (its documented convention).
const fakeNodeAnnotation = 'kwok.x-k8s.io/node';
const readyTimeoutMs = 120_000;

export async function startKubernetesCluster(options: { nodes?: number } = {}): Promise<KubernetesCluster> {
  const bin = kubernetesToolsBinDir();
  if (!bin) throw new Error('the Kubernetes test tools are not built: run scripts/install-kubernetes-test-tools.sh');
  const dir = await mkdtemp(join(tmpdir(), 'kubernetes-'));
  const processes: ControlPlaneProcess[] = [];
  const stop = async () => {
    for (const component of processes.reverse()) await component.stop();
    await rm(dir, { recursive: true, force: true });
  };
  try {
    const certificates = await makeControlPlaneCertificates(dir);
    const caPem = await readFile(certificates.caFile, 'utf8');
    const [kinePort, kineMetricsPort, apiPort, controllerManagerPort, schedulerPort] = await Promise.all([freePort(), freePort(), freePort(), freePort(), freePort()]);
    const server = `https://127.0.0.1:${apiPort}`;
    const token = () => randomBytes(24).toString('hex');
    const tokens = { admin: token(), controllerManager: token(), scheduler: token(), kwok: token() };
    // The controller manager and kwok act as administrators: the controller manager then needs no
    // service account per controller, and kwok writes the status of nodes and pods.
    await writeFile(join(dir, 'tokens.csv'), [
      `${tokens.admin},homeport-test-admin,homeport-test-admin,"system:masters"`,
      `${tokens.controllerManager},system:kube-controller-manager,system:kube-controller-manager,"system:masters"`,
      `${tokens.scheduler},system:kube-scheduler,system:kube-scheduler`,
      `${tokens.kwok},kwok,kwok,"system:masters"`,
      '',
    ].join('\n'), { mode: 0o600 });
    const kubeConfig = (bearer = tokens.admin) => {
      const config = new KubeConfig();
      config.loadFromOptions({
        clusters: [{ name: 'test', server, caData: Buffer.from(caPem).toString('base64'), skipTLSVerify: false }],
        users: [{ name: 'user', token: bearer }],
        contexts: [{ name: 'test', cluster: 'test', user: 'user', namespace: 'default' }],
        currentContext: 'test',
      });
      return config;
    };
    const kubeconfigFileFor = async (name: string, bearer: string) => {
      const file = join(dir, `${name}.kubeconfig`);
      await writeFile(file, kubeConfig(bearer).exportConfig(), { mode: 0o600 });
      return file;
    };
    const kubeconfigFile = await kubeconfigFileFor('admin', tokens.admin);

    const start = async (name: string, args: string[]) => {
      const component = await startControlPlaneProcess(name, join(bin, name), args, dir);
      processes.push(component);
      return component;
    };
    const kine = await start('kine', [
      '--endpoint', `sqlite://${join(dir, 'kine.db')}?_journal=WAL&cache=shared`,
      '--listen-address', `127.0.0.1:${kinePort}`,
      '--metrics-bind-address', `127.0.0.1:${kineMetricsPort}`,
    ]);
    const apiServerArgs = [
      `--etcd-servers=http://127.0.0.1:${kinePort}`,
      '--storage-media-type=application/json',
      `--secure-port=${apiPort}`,
      '--bind-address=127.0.0.1',
      '--advertise-address=127.0.0.1',
      // The `kubernetes` Service's endpoints may not be a loopback address; nothing here needs them.
      '--endpoint-reconciler-type=none',
      `--cert-dir=${dir}`,
      `--tls-cert-file=${certificates.servingCertFile}`,
      `--tls-private-key-file=${certificates.servingKeyFile}`,
      `--token-auth-file=${join(dir, 'tokens.csv')}`,
      '--authorization-mode=RBAC',
      '--service-cluster-ip-range=10.96.0.0/16',
      '--service-account-issuer=https://kubernetes.default.svc',
      `--service-account-key-file=${certificates.serviceAccountKeyFile}`,
      `--service-account-signing-key-file=${certificates.serviceAccountKeyFile}`,
      '--profiling=false',
    ];
    let apiServer = await start('kube-apiserver', apiServerArgs);
    const waitForApiServer = async () => {
      const agent = new Agent({ connect: { ca: caPem } });
      try {
        await eventually(async () => {
          await kine.assertRunning();
          await apiServer.assertRunning();
          const response = await undiciFetch(`${server}/readyz`, { dispatcher: agent, headers: { authorization: `Bearer ${tokens.admin}` } });
          if (!response.ok) throw new Error(`kube-apiserver /readyz answers ${response.status}: ${await response.text()}`);
        }, readyTimeoutMs, 200);
      } finally {
        await agent.close();
      }
    };
    await waitForApiServer();

    const componentConfig = await kubeconfigFileFor('kube-controller-manager', tokens.controllerManager);
    const controllerManager = await start('kube-controller-manager', [
      `--kubeconfig=${componentConfig}`,
      `--authentication-kubeconfig=${componentConfig}`,
      `--authorization-kubeconfig=${componentConfig}`,
      `--secure-port=${controllerManagerPort}`,
      '--bind-address=127.0.0.1',
      `--cert-dir=${join(dir, 'controller-manager-certs')}`,
      '--leader-elect=false',
      `--service-account-private-key-file=${certificates.serviceAccountKeyFile}`,
      `--root-ca-file=${certificates.caFile}`,
      '--service-cluster-ip-range=10.96.0.0/16',
      '--profiling=false',
    ]);
    const schedulerConfig = await kubeconfigFileFor('kube-scheduler', tokens.scheduler);
    const scheduler = await start('kube-scheduler', [
      `--kubeconfig=${schedulerConfig}`,
      `--authentication-kubeconfig=${schedulerConfig}`,
      `--authorization-kubeconfig=${schedulerConfig}`,
      `--secure-port=${schedulerPort}`,
      '--bind-address=127.0.0.1',
      `--cert-dir=${join(dir, 'scheduler-certs')}`,
      '--leader-elect=false',
      '--profiling=false',
    ]);
    const kwok = await start('kwok', [
      `--kubeconfig=${await kubeconfigFileFor('kwok', tokens.kwok)}`,
      `--config=${join(bin, 'kwok-stages.yaml')}`,
      `--manage-nodes-with-annotation-selector=${fakeNodeAnnotation}=fake`,
      '--cidr=10.244.0.0/16',
      '--node-ip=10.0.0.1',
      // Leases keep the fake nodes Ready for the node lifecycle controller, as kubelets do.
      '--node-lease-duration-seconds=40',
    ]);
    const components = [kine, controllerManager, scheduler, kwok];

    const core = kubeConfig().makeApiClient(CoreV1Api);
    const nodeNames = Array.from({ length: options.nodes ?? 1 }, (_, index) => `fake-node-${index}`);
    for (const name of nodeNames) await core.createNode({ body: fakeNode(name) });
    await eventually(async () => {
      for (const component of [...components, apiServer]) await component.assertRunning();
      for (const name of nodeNames) {
        const node = await core.readNode({ name });
        if (!node.status?.conditions?.some((condition) => condition.type === 'Ready' && condition.status === 'True')) throw new Error(`node ${name} is not Ready yet`);
      }
      // The controller manager runs: it gave the default namespace its service account.
      await core.readNamespacedServiceAccount({ name: 'default', namespace: 'default' });
    }, readyTimeoutMs, 200);

    const stopApiServer = async () => {
      await apiServer.stop();
    };
    const startApiServer = async () => {
      apiServer = await startControlPlaneProcess('kube-apiserver', join(bin, 'kube-apiserver'), apiServerArgs, dir);
      processes.splice(processes.indexOf(kine) + 1, 0, apiServer);
      await waitForApiServer();
    };
    return { server, kubeconfigFile, kubeConfig, nodeNames, stopApiServer, startApiServer, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** Stands in for a storage provisioner: volumes that claims without a StorageClass bind to. */
export async function createFakeVolumes(config: KubeConfig, names: string[], size: string): Promise<void> {
  const core = config.makeApiClient(CoreV1Api);
  for (const name of names) {
    await core.createPersistentVolume({
      body: {
        metadata: { name },
        spec: {
          capacity: { storage: size },
          accessModes: ['ReadWriteOnce'],
          storageClassName: '',
          persistentVolumeReclaimPolicy: 'Retain',
          // No kubelet mounts it: kwok only reports the pods using it Running.
          hostPath: { path: `/nonexistent/${name}` },
        },
      },
    });
  }
}

// A node as kwok's documentation registers one: kwok then keeps it Ready and runs its pods.
function fakeNode(name: string): V1Node {
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name,
      annotations: { [fakeNodeAnnotation]: 'fake', 'node.alpha.kubernetes.io/ttl': '0' },
      labels: { 'kubernetes.io/hostname': name, 'kubernetes.io/os': 'linux', 'kubernetes.io/arch': 'amd64', type: 'kwok' },
    },
    status: {
      allocatable: { cpu: '16', memory: '64Gi', pods: '110' },
      capacity: { cpu: '16', memory: '64Gi', pods: '110' },
    },
  };
}
