// The SHA256SUMS file of an export, in the format `sha256sum --check` reads.
export interface FileChecksum {
  name: string;
  sha256: string;
}

export const checksumsFileName = 'SHA256SUMS';

export function formatChecksums(files: FileChecksum[]): string {
  return files.map((file) => `${file.sha256}  ${file.name}\n`).join('');
}

/** Parses `<hex>  <name>` lines (a `*` before the name marks binary mode); throws on anything else. */
export function parseChecksums(text: string): FileChecksum[] {
  const files: FileChecksum[] = [];
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    const match = /^([0-9a-fA-F]{64}) [ *](.+)$/.exec(line.trimEnd());
    if (!match?.[1] || !match[2] || match[2].includes('/') || match[2].startsWith('.')) {
      throw new Error(`"${line.slice(0, 80)}" is not a line of a SHA256SUMS file`);
    }
    files.push({ sha256: match[1].toLowerCase(), name: match[2] });
  }
  return files;
}
