// One process of a throwaway Kubernetes control plane: started with an argument array, its output
// kept in a log file (shown when it dies early), stopped with SIGTERM and then SIGKILL.
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

export interface ControlPlaneProcess {
  name: string;
  /** Throws with the end of the process's log when it has exited. */
  assertRunning(): Promise<void>;
  stop(): Promise<void>;
}

// A component that ignores SIGTERM this long is killed: a stuck test cluster must not outlive the test.
const stopGraceMs = 15_000;

export async function startControlPlaneProcess(name: string, binary: string, args: string[], logDir: string): Promise<ControlPlaneProcess> {
  const logFile = join(logDir, `${name}.log`);
  const log = createWriteStream(logFile);
  await new Promise((opened) => log.once('open', opened));
  const child: ChildProcess = spawn(binary, args, { stdio: ['ignore', log, log], env: { ...process.env, HOME: logDir } });
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  const running = () => child.exitCode === null && child.signalCode === null;
  return {
    name,
    async assertRunning() {
      if (running()) return;
      const tail = (await readFile(logFile, 'utf8').catch(() => '')).split('\n').slice(-30).join('\n');
      throw new Error(`${name} exited with ${child.exitCode ?? child.signalCode}:\n${tail}`);
    },
    async stop() {
      if (running()) {
        child.kill('SIGTERM');
        const killer = setTimeout(() => child.kill('SIGKILL'), stopGraceMs);
        await exited;
        clearTimeout(killer);
      }
      log.end();
    },
  };
}
