// Reads the operator's sizes from HOMEPORT_SIZES_FILE (YAML), or offers the built-in ones, in the
// installation's currency (HOMEPORT_CURRENCY): a sizes file must not name another currency.
import { readFile } from 'node:fs/promises';
import { parse } from 'yaml';
import { rateLimitProblems, rateLimitsFor, type RateLimits } from '../domain/rate-limits.ts';
import { builtInSizes, databasePoolFor, sizeProblems, type DatabasePool, type Size } from '../domain/sizes.ts';

export async function loadSizes(file: string | undefined, currency = 'EUR'): Promise<Size[]> {
  if (!file) return builtInSizes.map((size) => ({ ...size, currency }));
  type ListedSize = Partial<Omit<Size, 'rateLimits' | 'databasePool'>> & { rateLimits?: Partial<RateLimits>; databasePool?: Partial<DatabasePool> };
  const parsed = parse(await readFile(file, 'utf8')) as { sizes?: ListedSize[] } | null;
  const listed = parsed?.sizes ?? [];
  // An operator's rateLimits and databasePool change only what they name, over the built-in size's (or Starter's).
  const problems = listed.flatMap((size) => rateLimitProblems(String(size.name), size.rateLimits));
  const sizes = listed.map((size) => ({
    currency,
    title: size.name ?? '',
    maxUploadSize: '50M',
    maxSeats: 100000,
    ...size,
    rateLimits: rateLimitsFor(String(size.name), size.rateLimits),
    databasePool: databasePoolFor(String(size.name), size.databasePool),
  })) as Size[];
  problems.push(...sizeProblems(sizes));
  for (const size of sizes) {
    if (size.currency !== currency) problems.push(`size "${size.name}": currency ${size.currency} is not the installation's currency ${currency} (HOMEPORT_CURRENCY)`);
  }
  if (problems.length > 0) throw new Error(`${file}: ${problems.join('; ')}`);
  return sizes;
}
