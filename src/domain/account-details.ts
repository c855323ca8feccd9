// The rules of a customer's account details: a VAT ID in its country's format, a company name
// for every business with a VAT ID, and a complete billing address with an ISO country code.
import { checkVatId } from './vat-id.ts';

export interface BillingAddress {
  line1: string;
  line2?: string | null;
  postalCode: string;
  city: string;
  country: string;
}

export interface AccountDetails {
  name: string;
  companyName: string | null;
  vatId: string | null;
  billingAddress: BillingAddress | null;
}

export interface DetailsProblem {
  field: string;
  message: string;
}

const regionNames = new Intl.DisplayNames(['en'], { type: 'region', fallback: 'code' });
/** Codes ICU names that are not countries: unknown region, unions, pseudo-locales. */
const notCountries = new Set(['ZZ', 'EU', 'EZ', 'UN', 'QO', 'XA', 'XB']);

/** Whether a two-letter code is a country ISO 3166-1 knows (ICU answers the code itself for unknown ones). */
export function isCountryCode(code: string): boolean {
  return /^[A-Z]{2}$/.test(code) && !notCountries.has(code) && regionNames.of(code) !== code;
}

const blank = (value: string | null | undefined) => value === null || value === undefined || value.trim() === '';

/** Normalizes the details and lists every problem with them, field by field. */
export function checkAccountDetails(details: AccountDetails): { details: AccountDetails; problems: DetailsProblem[] } {
  const problems: DetailsProblem[] = [];
  const name = details.name.trim();
  if (name === '') problems.push({ field: 'name', message: 'Your name is required.' });
  const companyName = blank(details.companyName) ? null : details.companyName!.trim();
  let vatId: string | null = null;
  if (!blank(details.vatId)) {
    const check = checkVatId(details.vatId!);
    if (check.ok) vatId = check.vatId;
    else problems.push({ field: 'vatId', message: check.reason });
    if (companyName === null) problems.push({ field: 'companyName', message: 'A business with a VAT ID must give its company name.' });
  }
  let billingAddress: BillingAddress | null = null;
  if (details.billingAddress) {
    const address = details.billingAddress;
    billingAddress = {
      line1: address.line1.trim(),
      line2: blank(address.line2) ? null : address.line2!.trim(),
      postalCode: address.postalCode.trim(),
      city: address.city.trim(),
      country: address.country.trim().toUpperCase(),
    };
    for (const field of ['line1', 'postalCode', 'city'] as const) {
      if (billingAddress[field] === '') problems.push({ field: `billingAddress.${field}`, message: 'is required.' });
    }
    if (!isCountryCode(billingAddress.country)) {
      problems.push({ field: 'billingAddress.country', message: `"${address.country}" is not an ISO 3166-1 country code such as DE or FR.` });
    }
  }
  return { details: { name, companyName, vatId, billingAddress }, problems };
}
