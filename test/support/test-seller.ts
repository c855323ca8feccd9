// The seller every test's Homeport invoices as: one place, so that purchases in any test can issue
// their invoices (a Homeport without a seller refuses them, as a fresh installation does).
import type { SellerDetails } from '../../src/domain/billing/seller.ts';
import type { Db } from '../../src/store/database.ts';
import { saveSeller } from '../../src/store/seller.ts';

export const testSeller: SellerDetails = {
  legalName: 'Homeport Test GmbH',
  addressLine1: 'Teststraße 9',
  postalCode: '10115',
  city: 'Berlin',
  country: 'DE',
  vatId: 'DE123456789',
  accountHolder: 'Homeport Test GmbH',
  iban: 'DE89370400440532013000',
  bic: 'COBADEFFXXX',
  bankName: 'Commerzbank',
  paymentTermDays: 14,
};

export async function saveTestSeller(db: Db): Promise<void> {
  await saveSeller(db, testSeller, null);
}
