// Hashes a password the way Synapse does (bcrypt of password + pepper), with the bcrypt of
// Synapse's own virtual environment; the password and pepper go in by standard input.
import { execFile } from 'node:child_process';

// As synapse.handlers.auth does: NFKC-normalised password + pepper, cut to the 72 bytes bcrypt reads.
const script = [
  'import bcrypt, sys, unicodedata',
  'password, pepper = sys.stdin.buffer.read().decode("utf8").split("\\0", 1)',
  'data = (unicodedata.normalize("NFKC", password).encode("utf8") + pepper.encode("utf8"))[:72]',
  'print(bcrypt.hashpw(data, bcrypt.gensalt(12)).decode())',
].join('\n');

export function synapsePasswordHash(venvPython: string, password: string, pepper: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = execFile(venvPython, ['-c', script], { timeout: 60_000 }, (error, stdout, stderr) => {
      // The traceback names the failing import or call; the password only ever went to standard input.
      if (error) reject(new Error(`bcrypt in the Synapse virtual environment failed: ${stderr.trim().split('\n').at(-1) ?? error.message}`, { cause: error }));
      else resolve(stdout.trim());
    });
    child.stdin?.end(Buffer.from(`${password}\0${pepper}`, 'utf8'));
  });
}
