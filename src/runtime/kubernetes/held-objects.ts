// Whether the API server already holds what Homeport would apply, so that converging many hosts
// at once (the edge after a restart) sends only what differs instead of one apply per host.

/**
 * True when every field `wanted` sets has the same value in `held` (arrays: as long, element by
 * element). Fields the API server or other managers add (defaults, status, timestamps, other
 * annotations) do not count as differences; a field Homeport sets that was changed or removed does.
 */
export function holds(held: unknown, wanted: unknown): boolean {
  if (wanted === undefined) return true;
  if (Array.isArray(wanted)) {
    return Array.isArray(held) && held.length === wanted.length && wanted.every((element, index) => holds(held[index], element));
  }
  if (wanted !== null && typeof wanted === 'object') {
    if (held === null || typeof held !== 'object' || Array.isArray(held)) return false;
    const heldFields = held as Record<string, unknown>;
    return Object.entries(wanted).every(([field, value]) => holds(heldFields[field], value));
  }
  return held === wanted;
}

/** Runs `step` for every item, at most `concurrency` at once; rejects with the first failure once all have settled. */
export async function eachConcurrently<T>(items: T[], concurrency: number, step: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const failures: unknown[] = [];
  const worker = async () => {
    while (next < items.length) {
      const item = items[next++] as T;
      await step(item).catch((error: unknown) => { failures.push(error); });
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
  if (failures.length > 0) throw failures[0];
}
