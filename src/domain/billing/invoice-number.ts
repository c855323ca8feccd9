// Invoice numbers: a prefix, the year and a gap-free sequence per year (HP-2026-000001).
export function formatInvoiceNumber(prefix: string, year: number, sequence: number): string {
  if (!Number.isInteger(sequence) || sequence < 1) throw new RangeError('an invoice sequence starts at 1');
  return `${prefix}${year}-${String(sequence).padStart(6, '0')}`;
}

export function parseInvoiceNumber(prefix: string, number: string): { year: number; sequence: number } | null {
  if (!number.startsWith(prefix)) return null;
  const match = /^(\d{4})-(\d{6,})$/.exec(number.slice(prefix.length));
  return match ? { year: Number(match[1]), sequence: Number(match[2]) } : null;
}

