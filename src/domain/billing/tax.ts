// VAT on an invoice: the buyer's country's rate from configuration; reverse charge (0% with the
// legal note) for a business with a valid VAT ID of another EU member state than the seller's.
import { checkVatId } from '../vat-id.ts';

export const euCountries = ['AT', 'BE', 'BG', 'CY', 'CZ', 'DE', 'DK', 'EE', 'ES', 'FI', 'FR', 'GR', 'HR', 'HU', 'IE', 'IT', 'LT', 'LU', 'LV', 'MT', 'NL', 'PL', 'PT', 'RO', 'SE', 'SI', 'SK'];

export const reverseChargeNote = 'Reverse charge: VAT to be accounted for by the recipient (Article 196, Council Directive 2006/112/EC).';

/** VAT rates per country code, in basis points (1900 = 19%). */
export type VatRates = Record<string, number>;

export interface TaxBuyer {
  /** The billing address's country. */
  country: string;
  vatId: string | null;
}

export interface TaxTreatment {
  rateBasisPoints: number;
  reverseCharge: boolean;
  /** Printed on the invoice: the legal note for reverse charge, or why no VAT is charged. */
  note: string | null;
}

/** The member state of a VAT ID's prefix (Greece's IDs start EL); null for non-EU prefixes (XI). */
export function vatIdCountry(vatId: string): string | null {
  const check = checkVatId(vatId);
  if (!check.ok) return null;
  const country = check.prefix === 'EL' ? 'GR' : check.prefix;
  return euCountries.includes(country) ? country : null;
}

export function taxTreatment(buyer: TaxBuyer, sellerCountry: string, rates: VatRates): TaxTreatment {
  const businessCountry = buyer.vatId ? vatIdCountry(buyer.vatId) : null;
  if (businessCountry !== null && businessCountry !== sellerCountry && euCountries.includes(sellerCountry)) {
    return { rateBasisPoints: 0, reverseCharge: true, note: reverseChargeNote };
  }
  const rate = rates[buyer.country];
  if (rate === undefined) return { rateBasisPoints: 0, reverseCharge: false, note: `No VAT charged: no VAT rate applies to ${buyer.country}.` };
  return { rateBasisPoints: rate, reverseCharge: false, note: null };
}

/** Parses HOMEPORT_VAT_RATES, e.g. `DE=19,FR=20,LU=17,IE=23,HU=27`: percentages with up to two decimals. */
export function parseVatRates(raw: string): VatRates | { problem: string } {
  const rates: VatRates = {};
  for (const item of raw.split(',').map((part) => part.trim()).filter((part) => part !== '')) {
    const match = /^([A-Z]{2})=(\d{1,2})(?:\.(\d{1,2}))?$/.exec(item);
    if (!match) return { problem: `"${item}" is not COUNTRY=PERCENT, e.g. DE=19 or LU=16.5` };
    rates[match[1]!] = Number(match[2]) * 100 + Number((match[3] ?? '').padEnd(2, '0'));
  }
  return rates;
}
