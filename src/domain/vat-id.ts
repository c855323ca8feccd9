// EU VAT identification numbers: the format each member state uses, checked by country prefix.
// Only the shape is checked here; whether a number is registered is VIES's business.

/** The pattern after the two-letter prefix, per prefix (Greece uses EL, Northern Ireland XI). */
const formats: Record<string, RegExp> = {
  AT: /^U\d{8}$/,
  BE: /^[01]\d{9}$/,
  BG: /^\d{9,10}$/,
  CY: /^\d{8}[A-Z]$/,
  CZ: /^\d{8,10}$/,
  DE: /^\d{9}$/,
  DK: /^\d{8}$/,
  EE: /^\d{9}$/,
  EL: /^\d{9}$/,
  ES: /^(?!\d{9}$)[A-Z0-9]\d{7}[A-Z0-9]$/,
  FI: /^\d{8}$/,
  FR: /^[A-HJ-NP-Z0-9]{2}\d{9}$/,
  HR: /^\d{11}$/,
  HU: /^\d{8}$/,
  IE: /^(\d{7}[A-W][A-I]?|\d[A-Z+*]\d{5}[A-W])$/,
  IT: /^\d{11}$/,
  LT: /^(\d{9}|\d{12})$/,
  LU: /^\d{8}$/,
  LV: /^\d{11}$/,
  MT: /^\d{8}$/,
  NL: /^\d{9}B\d{2}$/,
  PL: /^\d{10}$/,
  PT: /^\d{9}$/,
  RO: /^[1-9]\d{1,9}$/,
  SE: /^\d{10}01$/,
  SI: /^\d{8}$/,
  SK: /^\d{10}$/,
  XI: /^(\d{9}|\d{12}|GD\d{3}|HA\d{3})$/,
};

export const vatPrefixes = Object.keys(formats);

export type VatIdCheck = { ok: true; vatId: string; prefix: string } | { ok: false; reason: string };

/** Upper case without spaces, dots and hyphens, the way VAT IDs are compared and stored. */
export function normalizeVatId(raw: string): string {
  return raw.toUpperCase().replace(/[\s.-]/g, '');
}

export function checkVatId(raw: string): VatIdCheck {
  const vatId = normalizeVatId(raw);
  const prefix = vatId.slice(0, 2);
  const rest = vatId.slice(2);
  if (prefix === 'GR') return { ok: false, reason: `Greek VAT IDs start with EL, not GR: "EL${rest}".` };
  const format = formats[prefix];
  if (!format) {
    return { ok: false, reason: `"${raw}" does not start with an EU country prefix (${vatPrefixes.join(', ')}).` };
  }
  if (!format.test(rest)) return { ok: false, reason: `"${raw}" does not have the format of a VAT ID with the prefix ${prefix}.` };
  return { ok: true, vatId, prefix };
}
