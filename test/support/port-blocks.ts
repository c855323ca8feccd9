// Test files run two at a time, and each Homeport they start needs a range of loopback ports for
// its hosts, and single ports for its API, PostgreSQL, edge and the tests' own servers. A block is
// claimed with a file that only one process can create, so two test files never get the same
// block; a claim whose process has ended is taken over. The blocks lie below the kernel's
// ephemeral ports (32768 and up), so no outgoing connection lands in them: a port the kernel
// handed out with listen(0) and released again could be taken by any process's next connection
// before the server that was meant to listen there started (a Synapse connecting to PostgreSQL
// took a Homeport API port that way once).
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const firstPort = 10000;
const blockSize = 100;
const blockCount = 220;
const claims = join(tmpdir(), 'homeport-test-port-blocks');

/** Claims a free block of `blockSize` ports for this test process; returns its first port. */
export function claimPortBlock(): number {
  mkdirSync(claims, { recursive: true });
  const start = Math.floor(Math.random() * blockCount);
  for (let i = 0; i < blockCount; i++) {
    const first = firstPort + ((start + i) % blockCount) * blockSize;
    if (claim(join(claims, String(first)))) return first;
  }
  throw new Error(`all ${blockCount} test port blocks are claimed by running processes`);
}

let singlePorts: { next: number; end: number } | undefined;

/**
 * A loopback port no other process is given: the next one of a block this process claimed for
 * single ports (another block once one is used up) that nothing listens on now (a process left
 * over from an ended test could still hold one of a taken-over block).
 */
export async function freePort(): Promise<number> {
  for (;;) {
    if (!singlePorts || singlePorts.next > singlePorts.end) {
      const first = claimPortBlock();
      singlePorts = { next: first, end: first + blockSize - 1 };
    }
    const port = singlePorts.next++;
    if (await canListen(port)) return port;
  }
}

function canListen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen({ port, host: '127.0.0.1', exclusive: true }, () => server.close(() => resolve(true)));
  });
}

export function portBlockRange(first: number): string {
  return `${first}-${first + blockSize - 1}`;
}

function claim(file: string): boolean {
  try {
    writeFileSync(file, String(process.pid), { flag: 'wx' });
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  if (processIsAlive(Number(readFileSync(file, 'utf8')))) return false;
  // The claimer ended; another process may take the same stale claim at this moment, so the
  // block is ours only if our pid is what the file holds after writing it.
  writeFileSync(file, String(process.pid));
  return readFileSync(file, 'utf8') === String(process.pid);
}

function processIsAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
