// scripts/install-kubernetes-test-tools.sh decides what to build: nothing when every tool is in
// the cache, only what is missing otherwise, one build at a time (a run that finds a build going
// waits for it and builds nothing again), and `--background` returns at once. Run against a
// stand-in `go` on PATH that records what it was asked and writes the binaries it would build, so
// the decisions are checked in a second instead of a quarter of an hour of compiling.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, test } from 'node:test';
import { eventually } from '../support/eventually.ts';

const script = resolve(import.meta.dirname, '..', '..', 'scripts', 'install-kubernetes-test-tools.sh');
const root = mkdtempSync(join(tmpdir(), 'homeport-kubernetes-tools-'));
after(() => rmSync(root, { recursive: true, force: true }));

// What `go` answers the script: the upstream go.mod and kwok's stages for `go mod download`, and
// for builds a binary per command, written only after `delay` seconds (to overlap two runs).
const fakeGo = `#!/usr/bin/env bash
set -euo pipefail
echo "$*" >>"$FAKE_GO_LOG"
case "$1 \${2:-}" in
  "mod download")
    case "\${4:-}" in
      k8s.io/kubernetes@*) echo '  "GoMod": "'"$FAKE_GO_DIR"'/kubernetes.mod",' ;;
      sigs.k8s.io/kwok@*) echo '  "Dir": "'"$FAKE_GO_DIR"'/kwok",' ;;
    esac ;;
  "get "*) ;;
  "build "*) sleep "\${FAKE_GO_DELAY:-0}"; for command in "$@"; do case "$command" in k8s.io/*) touch "$(pwd)/../bin/\${command##*/}"; chmod +x "$(pwd)/../bin/\${command##*/}" ;; esac; done ;;
  "install "*) sleep "\${FAKE_GO_DELAY:-0}"; name="\${!#}"; name="\${name%@*}"; name="\${name##*/}"; [ "$name" = v4 ] && name=helm; touch "$GOBIN/$name"; chmod +x "$GOBIN/$name" ;;
  *) echo "unexpected go $*" >&2; exit 1 ;;
esac
`;

function machine(name: string): { env: NodeJS.ProcessEnv; bin: string; builds: () => string[] } {
  const dir = join(root, name);
  const goDir = join(dir, 'fake-go');
  mkdirSync(join(goDir, 'path'), { recursive: true });
  writeFileSync(join(goDir, 'path', 'go'), fakeGo);
  chmodSync(join(goDir, 'path', 'go'), 0o755);
  writeFileSync(join(goDir, 'kubernetes.mod'), 'module k8s.io/kubernetes\n\ngo 1.25.0\n\nreplace (\n\tk8s.io/api => ./staging/src/k8s.io/api\n\tk8s.io/apiserver => ./staging/src/k8s.io/apiserver\n)\n');
  for (const stage of ['node/fast/node-initialize', 'node/heartbeat-with-lease/node-heartbeat-with-lease', 'pod/fast/pod-ready', 'pod/fast/pod-complete', 'pod/fast/pod-delete']) {
    const file = join(goDir, 'kwok', 'kustomize', 'stage', `${stage}.yaml`);
    mkdirSync(resolve(file, '..'), { recursive: true });
    writeFileSync(file, `kind: Stage # ${stage}\n`);
  }
  const log = join(goDir, 'log');
  writeFileSync(log, '');
  const env = { ...process.env, PATH: `${join(goDir, 'path')}:${process.env.PATH ?? ''}`, HOMEPORT_TOOLS_CACHE: join(dir, 'cache'), FAKE_GO_LOG: log, FAKE_GO_DIR: goDir };
  const builds = () => readFileSync(log, 'utf8').split('\n').filter((line) => /^(build|install) /.test(line)).map((line) => line.split(' ').filter((word) => /^(k8s\.io\/kubernetes\/cmd|github\.com|sigs\.k8s\.io|helm\.sh)\//.test(word)).join(' '));
  return { env, bin: join(dir, 'cache', 'kubernetes-v1.37.2', 'bin'), builds };
}

function run(env: NodeJS.ProcessEnv, ...args: string[]) {
  const done = spawnSync(script, args, { env, encoding: 'utf8' });
  return { status: done.status, stdout: done.stdout.trim(), stderr: done.stderr };
}

const everyBuild = [
  'k8s.io/kubernetes/cmd/kube-apiserver k8s.io/kubernetes/cmd/kube-controller-manager k8s.io/kubernetes/cmd/kube-scheduler',
  'github.com/k3s-io/kine@v0.17.5',
  'sigs.k8s.io/kwok/cmd/kwok@v0.8.0',
  'helm.sh/helm/v4/cmd/helm@v4.3.2',
];

test('an empty cache: --bin-dir names the folder and fails; a run builds every tool once, after which nothing is built again', () => {
  const { env, bin, builds } = machine('empty');
  assert.deepEqual(run(env, '--bin-dir'), { status: 1, stdout: bin, stderr: '' });
  const first = run(env);
  assert.equal(first.status, 0, first.stderr);
  assert.equal(first.stdout, bin);
  assert.deepEqual(builds().sort(), [...everyBuild].sort());
  for (const name of ['kube-apiserver', 'kube-controller-manager', 'kube-scheduler', 'kine', 'kwok', 'helm']) assert.ok(existsSync(join(bin, name)), name);
  assert.match(readFileSync(join(bin, 'kwok-stages.yaml'), 'utf8'), /pod-ready/);
  assert.equal(run(env, '--bin-dir').status, 0);

  assert.deepEqual(run(env), { status: 0, stdout: bin, stderr: '' });
  assert.equal(builds().length, everyBuild.length, 'a full cache builds nothing');
  assert.equal(run(env, '--background').stdout, bin);
  assert.equal(builds().length, everyBuild.length, '--background with a full cache starts nothing');
});

test('only the tool that is missing is built', () => {
  const { env, bin, builds } = machine('one-missing');
  assert.equal(run(env).status, 0);
  rmSync(join(bin, 'kwok'));
  rmSync(join(bin, 'kube-scheduler'));
  assert.equal(run(env, '--bin-dir').status, 1);
  assert.equal(run(env).status, 0);
  assert.deepEqual(builds().slice(everyBuild.length).sort(), [everyBuild[0], everyBuild[2]].sort());
});

test('a build started with --background returns at once; a run meanwhile waits for it and builds nothing twice', async () => {
  const { env, bin, builds } = machine('background');
  const slow = { ...env, FAKE_GO_DELAY: '2' };
  const started = Date.now();
  assert.deepEqual(run(slow, '--background'), { status: 0, stdout: bin, stderr: `install-kubernetes-test-tools: building the Kubernetes test tools in the background (log: ${resolve(bin, '..', 'build.log')})\n` });
  assert.ok(Date.now() - started < 1_500, 'returns before the build is done');
  const log = join(bin, '..', 'build.log');
  await eventually(async () => assert.match(existsSync(log) ? readFileSync(log, 'utf8') : '', /building kube-apiserver/), 10_000, 20);
  const second = run(slow, '--background');
  assert.match(second.stderr, /already building/);
  assert.equal(run(env, '--bin-dir').status, 1, 'not built yet');

  const waiting = spawn(script, [], { env });
  let stderr = '';
  let stdout = '';
  waiting.stderr.on('data', (chunk: Buffer) => { stderr += chunk.toString(); });
  waiting.stdout.on('data', (chunk: Buffer) => { stdout += chunk.toString(); });
  const status = await new Promise<number | null>((done) => waiting.on('close', done));
  assert.equal(status, 0, stderr);
  assert.equal(stdout.trim(), bin);
  assert.match(stderr, /waiting for the build already running/);
  assert.equal(run(env, '--bin-dir').status, 0);
  assert.deepEqual(builds().sort(), [...everyBuild].sort(), 'each tool built once, by the background run');
});
