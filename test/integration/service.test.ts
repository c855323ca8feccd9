// Homeport as a systemd service: the unit `homeport service install` writes is one systemd accepts,
// the operator's settings file is written once and kept, and stopping Homeport the way the unit
// does (HOMEPORT_STOP_HOSTS_ON_EXIT=false, only Homeport's process signalled) never stops a host.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { after, before, describe, test } from 'node:test';
import { HomeportProcess } from '../support/homeport-process.ts';
import { loginThroughEdge } from '../support/matrix-user.ts';

const run = promisify(execFile);
const cliEntry = resolve(import.meta.dirname, '..', '..', 'src', 'cli', 'main.ts');

describe('homeport service install', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'homeport-service-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  test('writes a unit systemd accepts without a warning, and a private settings file it keeps', async () => {
    const settings = join(dir, 'etc', 'homeport.env');
    const install = ['service', 'install', '--unit-dir', join(dir, 'units'), '--settings-file', settings];
    await run(process.execPath, [cliEntry, ...install], { env: { ...process.env, HOMEPORT_DATA_DIR: join(dir, 'data') } });
    const unit = join(dir, 'units', 'homeport.service');
    const verified = await run('systemd-analyze', ['verify', unit]);
    assert.equal(verified.stderr.trim(), '', 'systemd-analyze has nothing to say about the unit');
    const text = await readFile(unit, 'utf8');
    assert.match(text, /^KillMode=process$/m);
    assert.match(text, /^Environment=HOMEPORT_STOP_HOSTS_ON_EXIT=false$/m);
    assert.match(text, /^Restart=always$/m);
    assert.equal((await stat(settings)).mode & 0o777, 0o600);
    assert.match(await readFile(settings, 'utf8'), new RegExp(`^HOMEPORT_DATA_DIR="${join(dir, 'data')}"$`, 'm'));

    await writeFile(settings, 'HOMEPORT_BASE_DOMAIN="chat.example.com"\n');
    await run(process.execPath, [cliEntry, ...install]);
    assert.equal(await readFile(settings, 'utf8'), 'HOMEPORT_BASE_DOMAIN="chat.example.com"\n', 'a second install keeps the settings');
  });
});

describe('stopping Homeport as the service does', () => {
  let homeport: HomeportProcess;
  let token: string;
  let hostId: string;

  before(async () => {
    homeport = await HomeportProcess.create('svc', { HOMEPORT_STOP_HOSTS_ON_EXIT: 'false' });
    await homeport.start();
    token = await homeport.createAccount('svc@example.org');
    const created = await homeport.api<{ host: { id: string } }>('POST', '/api/v1/hosts', { token, body: { label: 'steady', size: 'starter', seats: 5 } });
    hostId = created.body.host.id;
    await homeport.waitForHostStatus(token, hostId, 'running');
  });
  after(async () => {
    await homeport?.cleanup();
  });

  test('leaves the host serving, and the next start adopts it', async () => {
    const added = (await homeport.api<{ password: string }>('POST', `/api/v1/hosts/${hostId}/users`, { token, body: { username: 'alice' } })).body;
    await homeport.stop();
    const whileStopped = await loginThroughEdge(homeport, 'steady', 'alice', added.password);
    assert.match((await whileStopped.whoami()).user_id, /^@alice:/);

    await homeport.start();
    await homeport.waitForHostStatus(token, hostId, 'running');
    const afterRestart = await loginThroughEdge(homeport, 'steady', 'alice', added.password);
    const { room_id: roomId } = await afterRestart.createRoom({ name: 'still here' });
    assert.match(roomId, /^!/);
    const synapses = (await run('pgrep', ['-f', `${homeport.dataDir}/hosts/${hostId}`]).catch(() => ({ stdout: '' }))).stdout.trim().split('\n').filter(Boolean);
    assert.equal(synapses.length, 1, 'exactly one Synapse serves the host after the restart');
  });
});
