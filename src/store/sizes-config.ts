// Reads the operator's sizes from HOMEPORT_SIZES_FILE (YAML), or offers the built-in ones, in the
// installation's currency (HOMEPORT_CURRENCY): a sizes file must not name another currency.
import { readFile } from 'node:fs/promises';
import { parse } from 'yaml';
import { builtInSizes, sizeProblems, type Size } from '../domain/sizes.ts';

export async function loadSizes(file: string | undefined, currency = 'EUR'): Promise<Size[]> {
  if (!file) return builtInSizes.map((size) => ({ ...size, currency }));
  const parsed = parse(await readFile(file, 'utf8')) as { sizes?: Partial<Size>[] } | null;
  const sizes = (parsed?.sizes ?? []).map((size) => ({
    currency,
    title: size.name ?? '',
    maxUploadSize: '50M',
    maxSeats: 100000,
    ...size,
  })) as Size[];
  const problems = sizeProblems(sizes);
  for (const size of sizes) {
    if (size.currency !== currency) problems.push(`size "${size.name}": currency ${size.currency} is not the installation's currency ${currency} (HOMEPORT_CURRENCY)`);
  }
  if (problems.length > 0) throw new Error(`${file}: ${problems.join('; ')}`);
  return sizes;
}
