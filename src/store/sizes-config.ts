// Reads the operator's sizes from HOMEPORT_SIZES_FILE (YAML), or offers the built-in ones.
import { readFile } from 'node:fs/promises';
import { parse } from 'yaml';
import { builtInSizes, sizeProblems, type Size } from '../domain/sizes.ts';

export async function loadSizes(file: string | undefined): Promise<Size[]> {
  if (!file) return builtInSizes;
  const parsed = parse(await readFile(file, 'utf8')) as { sizes?: Partial<Size>[] } | null;
  const sizes = (parsed?.sizes ?? []).map((size) => ({
    currency: 'EUR',
    title: size.name ?? '',
    maxUploadSize: '50M',
    maxSeats: 100000,
    ...size,
  })) as Size[];
  const problems = sizeProblems(sizes);
  if (problems.length > 0) throw new Error(`${file}: ${problems.join('; ')}`);
  return sizes;
}
