// The seller's details as invoices need them: the operator sets them (console, API, CLI), and
// nothing that would issue an invoice goes ahead without them: a purchase, a seat raise or an
// import is refused before anything is charged or built, and renewals wait (the billing check fails
// loudly each run) until they are set, then are issued for their own periods.
import { checkSellerDetails, formatIban, type SellerDetails } from '../domain/billing/seller.ts';
import { HomeportError } from '../domain/errors.ts';
import type { Config } from '../config.ts';
import { recordAudit } from '../store/audit-log.ts';
import type { Db } from '../store/database.ts';
import type { InvoiceParty } from '../store/schema.ts';
import { findSeller, saveSeller } from '../store/seller.ts';

const regionNames = new Intl.DisplayNames(['en'], { type: 'region' });

export const sellerMissingDetail = 'This service cannot issue invoices yet: its operator has not entered the seller\'s details (name, address, VAT ID and bank account). Nothing was charged or built; please try again later.';

/** The seller's details, or a problem saying invoices cannot be issued without them. */
export async function requireSeller(db: Db): Promise<SellerDetails> {
  const seller = await findSeller(db);
  if (!seller) throw new HomeportError('seller-details-missing', 'Invoices cannot be issued yet', sellerMissingDetail);
  return seller;
}

/** The seller as an invoice prints and keeps it (its snapshot at issue time). */
export function sellerParty(seller: SellerDetails): InvoiceParty {
  return {
    name: seller.legalName,
    vatId: seller.vatId === '' ? null : seller.vatId,
    address: [seller.addressLine1, `${seller.postalCode} ${seller.city}`, regionNames.of(seller.country) ?? seller.country],
    bank: { accountHolder: seller.accountHolder, iban: formatIban(seller.iban), bic: seller.bic, bankName: seller.bankName },
    paymentTermDays: seller.paymentTermDays,
  };
}

export async function setSeller(context: { db: Db; config: Pick<Config, 'billing'> }, actorId: string | null, input: Partial<Record<keyof SellerDetails, unknown>>): Promise<SellerDetails> {
  const { details, problems } = checkSellerDetails(input, Object.keys(context.config.billing.vatRates));
  if (problems.length > 0) {
    throw new HomeportError('seller-details-invalid', 'Seller details not valid', problems.map((p) => `${p.field}: ${p.message}`).join(' '), { errors: problems });
  }
  await context.db.transaction().execute(async (trx) => {
    await saveSeller(trx, details, actorId);
    await recordAudit(trx, { actorAccountId: actorId, actor: actorId ? 'operator' : 'operator-cli', action: 'billing.seller-set', details: { legalName: details.legalName, country: details.country, paymentTermDays: details.paymentTermDays } });
  });
  return details;
}
