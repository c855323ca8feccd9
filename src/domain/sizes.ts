// Sizes (plans) on offer: a price per seat per month, a minimum of seats and resource limits.
export interface Size {
  name: string;
  title: string;
  /** Price per seat per month, in the currency's minor unit (cents). */
  pricePerSeatMinor: number;
  currency: string;
  minSeats: number;
  maxSeats: number;
  /** Synapse's max_upload_size, e.g. "50M". */
  maxUploadSize: string;
}

export const builtInSizes: Size[] = [
  { name: 'starter', title: 'Starter', pricePerSeatMinor: 500, currency: 'EUR', minSeats: 5, maxSeats: 50, maxUploadSize: '50M' },
  { name: 'business', title: 'Business', pricePerSeatMinor: 1000, currency: 'EUR', minSeats: 10, maxSeats: 1000, maxUploadSize: '100M' },
  { name: 'enterprise', title: 'Enterprise', pricePerSeatMinor: 1500, currency: 'EUR', minSeats: 50, maxSeats: 100000, maxUploadSize: '500M' },
];

/** Checks sizes read from operator configuration; returns the problems found, empty when valid. */
export function sizeProblems(sizes: Size[]): string[] {
  const problems: string[] = [];
  const names = new Set<string>();
  for (const size of sizes) {
    if (!/^[a-z][a-z0-9-]{1,30}$/.test(size.name)) problems.push(`size name "${size.name}" must be lowercase letters, digits and hyphens`);
    if (names.has(size.name)) problems.push(`size "${size.name}" is listed twice`);
    names.add(size.name);
    if (!Number.isInteger(size.pricePerSeatMinor) || size.pricePerSeatMinor < 0) problems.push(`size "${size.name}": price must be a whole non-negative number of minor units`);
    if (!Number.isInteger(size.minSeats) || size.minSeats < 1) problems.push(`size "${size.name}": minSeats must be at least 1`);
    if (!Number.isInteger(size.maxSeats) || size.maxSeats < size.minSeats) problems.push(`size "${size.name}": maxSeats must be at least minSeats`);
    if (!/^\d+[KMG]$/.test(size.maxUploadSize)) problems.push(`size "${size.name}": maxUploadSize must look like 50M`);
  }
  if (sizes.length === 0) problems.push('at least one size is needed');
  return problems;
}
