// A PDF's text as a real parser reads it: pdftotext from poppler-utils (Debian's package), with
// -layout so that a table's columns stay on their lines.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

export async function pdfToText(pdf: Buffer): Promise<string> {
  const child = promisify(execFile)('pdftotext', ['-layout', '-enc', 'UTF-8', '-', '-']);
  child.child.stdin!.end(pdf);
  return (await child).stdout;
}
