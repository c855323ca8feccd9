// The links that lead the edge to a host: made and replaced atomically, removed only while they
// lead to the host they are removed for, never for a name that could leave the names folder.
import assert from 'node:assert/strict';
import { lstat, mkdtemp, readdir, readFile, readlink, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import type { EdgeHost } from '../../src/runtime/local/caddy-config.ts';
import { removeEdgeHostFiles, sweepEdgeNames, writeEdgeHostFiles } from '../../src/runtime/local/edge-host-files.ts';

const root = await mkdtemp(join(tmpdir(), 'homeport-edge-files-'));
const dirs = { hostsDir: join(root, 'hosts'), namesDir: join(root, 'edge', 'names') };
after(() => rm(root, { recursive: true, force: true }));

function host(id: string, customNames: string[] = []): EdgeHost {
  return {
    id, hostname: `${id}.example.org`, customNames, homeserverUrl: `https://${id}.example.org`, upstreamPort: 1, edgeSocket: true,
    wellKnown: { client: {}, support: { contacts: [] } },
  };
}

const target = (name: string) => readlink(join(dirs.namesDir, name)).catch(() => undefined);

describe('the edge files and links of a host', () => {
  it('links every served name to the host folder after writing its files, and unlinks the names it lost', async () => {
    await writeEdgeHostFiles(dirs, host('a', ['Chat.Example.COM', '../escape', 'x/y']));
    assert.equal(await target('a.example.org'), join(dirs.hostsDir, 'a'));
    assert.equal(await target('chat.example.com'), join(dirs.hostsDir, 'a'), 'lowercase');
    assert.deepEqual((await readdir(dirs.namesDir)).sort(), ['a.example.org', 'chat.example.com'], 'no name that is not a DNS name');
    assert.match(await readFile(join(dirs.hostsDir, 'a', 'edge', 'no-web-client.html'), 'utf8'), /https:\/\/a\.example\.org/);
    assert.ok((await lstat(join(dirs.hostsDir, 'a', 'edge', '.well-known', 'matrix', 'client'))).isFile());

    await writeEdgeHostFiles(dirs, host('a'));
    assert.equal(await target('chat.example.com'), undefined);
    assert.equal(await target('a.example.org'), join(dirs.hostsDir, 'a'));
  });

  it('leaves a name another host took over, and unlinks a removed host\'s names', async () => {
    await writeEdgeHostFiles(dirs, host('a', ['shared.example.com']));
    await writeEdgeHostFiles(dirs, host('b', ['shared.example.com']));
    assert.equal(await target('shared.example.com'), join(dirs.hostsDir, 'b'), 'replaced in place');
    await writeEdgeHostFiles(dirs, host('a'));
    assert.equal(await target('shared.example.com'), join(dirs.hostsDir, 'b'), "b's now");
    await removeEdgeHostFiles(dirs, 'a');
    assert.equal(await target('a.example.org'), undefined);
    assert.equal(await target('b.example.org'), join(dirs.hostsDir, 'b'));
    // A host whose folder is gone already: its names as the runtime knows them.
    await rm(join(dirs.hostsDir, 'b'), { recursive: true });
    await removeEdgeHostFiles(dirs, 'b', ['b.example.org', 'shared.example.com']);
    assert.deepEqual(await readdir(dirs.namesDir), []);
  });

  it('sweeps the links of hosts that are gone when the whole edge is loaded', async () => {
    await writeEdgeHostFiles(dirs, host('c'));
    await writeEdgeHostFiles(dirs, host('d'));
    await sweepEdgeNames(dirs, [host('c')]);
    assert.deepEqual(await readdir(dirs.namesDir), ['c.example.org']);
  });
});
