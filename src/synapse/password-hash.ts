// Hashes a password the way Synapse does (bcrypt of password + pepper), with the bcrypt of
// Synapse's own virtual environment; the password and pepper go in by standard input.
import { execFile } from 'node:child_process';

const script = 'import bcrypt, sys; print(bcrypt.hashpw(sys.stdin.buffer.read(), bcrypt.gensalt(12)).decode())';

export function synapsePasswordHash(venvPython: string, password: string, pepper: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = execFile(venvPython, ['-c', script], { timeout: 60_000 }, (error, stdout) => {
      if (error) reject(new Error('bcrypt in the Synapse virtual environment failed', { cause: error }));
      else resolve(stdout.trim());
    });
    child.stdin?.end(Buffer.from(password + pepper, 'utf8'));
  });
}
