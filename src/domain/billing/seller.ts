// The seller an invoice names and asks to be paid: legal name, address, country (which decides VAT),
// VAT ID, bank account and payment term. The operator enters it once; an invoice copies it as it is
// at issue time. An IBAN is checked with its ISO 13616 mod-97 checksum (a typo is caught before a
// customer transfers money to a wrong account) and a BIC with its ISO 9362 shape.
import { isCountryCode } from '../account-details.ts';
import { checkVatId } from '../vat-id.ts';
import { euCountries } from './tax.ts';

export interface SellerDetails {
  legalName: string;
  addressLine1: string;
  postalCode: string;
  city: string;
  country: string;
  /** Empty for a seller outside the EU without one. */
  vatId: string;
  accountHolder: string;
  iban: string;
  bic: string;
  bankName: string;
  paymentTermDays: number;
}

export interface SellerProblem {
  field: keyof SellerDetails;
  message: string;
}

/** An IBAN as it is printed: groups of four. */
export function formatIban(iban: string): string {
  return iban.replace(/(.{4})(?=.)/g, '$1 ');
}

/** Whether an IBAN (spaces removed, upper case) has a country, the check digits and a valid mod-97 checksum. */
export function isValidIban(iban: string): boolean {
  if (!/^[A-Z]{2}\d{2}[A-Z0-9]{11,30}$/.test(iban) || !isCountryCode(iban.slice(0, 2))) return false;
  const digits = (iban.slice(4) + iban.slice(0, 4)).replace(/[A-Z]/g, (letter) => String(letter.charCodeAt(0) - 55));
  let remainder = 0;
  for (const digit of digits) remainder = (remainder * 10 + Number(digit)) % 97;
  return remainder === 1;
}

const text = (value: unknown) => (typeof value === 'string' ? value.trim() : '');

/** Normalizes the seller's details and lists every problem with them, field by field. */
export function checkSellerDetails(input: Partial<Record<keyof SellerDetails, unknown>>, vatRateCountries: string[]): { details: SellerDetails; problems: SellerProblem[] } {
  const details: SellerDetails = {
    legalName: text(input.legalName),
    addressLine1: text(input.addressLine1),
    postalCode: text(input.postalCode),
    city: text(input.city),
    country: text(input.country).toUpperCase(),
    vatId: text(input.vatId).replace(/[\s.-]/g, '').toUpperCase(),
    accountHolder: text(input.accountHolder),
    iban: text(input.iban).replace(/\s/g, '').toUpperCase(),
    bic: text(input.bic).replace(/\s/g, '').toUpperCase(),
    bankName: text(input.bankName),
    paymentTermDays: typeof input.paymentTermDays === 'number' ? input.paymentTermDays : Number.NaN,
  };
  const problems: SellerProblem[] = [];
  const required: Array<[keyof SellerDetails, string]> = [
    ['legalName', 'The legal name is required.'], ['addressLine1', 'The street and number are required.'], ['postalCode', 'The postal code is required.'],
    ['city', 'The city is required.'], ['accountHolder', 'The account holder is required.'], ['bankName', 'The bank name is required.'],
  ];
  for (const [field, message] of required) if (details[field] === '') problems.push({ field, message });
  if (!isCountryCode(details.country)) problems.push({ field: 'country', message: `"${text(input.country)}" is not an ISO 3166-1 country code such as DE or FR.` });
  else if (euCountries.includes(details.country) && !vatRateCountries.includes(details.country)) {
    problems.push({ field: 'country', message: `HOMEPORT_VAT_RATES has no VAT rate for ${details.country}; add it first.` });
  }
  // An EU seller's invoices must show its VAT ID (reverse charge names both); elsewhere it is optional and free-form.
  if (euCountries.includes(details.country)) {
    const vat = checkVatId(details.vatId);
    if (details.vatId === '') problems.push({ field: 'vatId', message: 'The VAT ID is required: every invoice of an EU seller must show it.' });
    else if (!vat.ok) problems.push({ field: 'vatId', message: vat.reason });
    else details.vatId = vat.vatId;
  }
  if (!isValidIban(details.iban)) problems.push({ field: 'iban', message: `"${text(input.iban)}" is not a valid IBAN (its check digits do not match; check for a typo).` });
  if (!/^[A-Z]{4}[A-Z]{2}[A-Z0-9]{2}([A-Z0-9]{3})?$/.test(details.bic) || !isCountryCode(details.bic.slice(4, 6))) {
    problems.push({ field: 'bic', message: `"${text(input.bic)}" is not a BIC (8 or 11 letters and digits, such as COBADEFFXXX).` });
  }
  if (!Number.isInteger(details.paymentTermDays) || details.paymentTermDays < 0 || details.paymentTermDays > 120) {
    problems.push({ field: 'paymentTermDays', message: 'The payment term is a whole number of days from 0 to 120.' });
  }
  return { details, problems };
}

/** When an invoice issued at `issuedAt` is due: the payment term's days later. */
export function dueDate(issuedAt: Date, paymentTermDays: number): Date {
  return new Date(issuedAt.getTime() + paymentTermDays * 86_400_000);
}
