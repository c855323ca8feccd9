// Homeport's own version, from its package.json, for the export's config document.
import { readFile } from 'node:fs/promises';

let cached: string | undefined;

export async function homeportVersion(): Promise<string> {
  if (cached) return cached;
  const text = await readFile(new URL('../../../package.json', import.meta.url), 'utf8');
  cached = String((JSON.parse(text) as { version?: string }).version ?? 'unknown');
  return cached;
}
