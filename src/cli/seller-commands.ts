// `homeport seller set|show`: the seller every invoice names and is paid to. Like `account create`
// it works on the database directly (on the machine Homeport runs on), so a fresh installation can
// enter it before any operator has a token; the operator console and API edit the same row.
import type { Command } from 'commander';
import { setSeller } from '../billing/seller.ts';
import { loadConfig } from '../config.ts';
import { formatIban, type SellerDetails } from '../domain/billing/seller.ts';
import { HomeportError } from '../domain/errors.ts';
import { findSeller } from '../store/seller.ts';
import { withDatabase } from './account-commands.ts';
import { print } from './command-api.ts';

interface SellerOptions {
  name: string;
  address: string;
  postalCode: string;
  city: string;
  country: string;
  vatId?: string;
  accountHolder: string;
  iban: string;
  bic: string;
  bank: string;
  paymentTerm: string;
}

function printSeller(seller: SellerDetails): void {
  print(`${seller.legalName}, ${seller.addressLine1}, ${seller.postalCode} ${seller.city}, ${seller.country}${seller.vatId ? `, VAT ID ${seller.vatId}` : ''}`);
  print(`pay to ${seller.accountHolder}, IBAN ${formatIban(seller.iban)}, BIC ${seller.bic}, ${seller.bankName}; due ${seller.paymentTermDays} days after issue`);
}

export function registerSellerCommands(program: Command): void {
  const seller = program.command('seller').description('the seller on every invoice, and the bank account invoices are paid to (operator)');
  seller.command('set').description('set the seller; no invoice is issued (no host bought) until it is set')
    .requiredOption('--name <legal name>').requiredOption('--address <line>', 'street and number').requiredOption('--postal-code <code>').requiredOption('--city <city>')
    .requiredOption('--country <code>', 'ISO 3166-1 code, e.g. DE: decides VAT and reverse charge')
    .option('--vat-id <id>', 'the seller\'s VAT ID (required in the EU)')
    .requiredOption('--account-holder <name>').requiredOption('--iban <iban>').requiredOption('--bic <bic>').requiredOption('--bank <name>', 'the bank\'s name')
    .option('--payment-term <days>', 'invoices are due this many days after issue', '14')
    .action(async (options: SellerOptions) => {
      const config = loadConfig();
      await withDatabase(async ({ db }) => {
        const saved = await setSeller({ db, config }, null, {
          legalName: options.name, addressLine1: options.address, postalCode: options.postalCode, city: options.city, country: options.country, vatId: options.vatId ?? '',
          accountHolder: options.accountHolder, iban: options.iban, bic: options.bic, bankName: options.bank, paymentTermDays: Number(options.paymentTerm),
        }).catch((error: unknown) => {
          throw error instanceof HomeportError ? new Error(error.message) : error;
        });
        printSeller(saved);
      });
    });
  seller.command('show').description('print the seller').action(async () => {
    await withDatabase(async ({ db }) => {
      const saved = await findSeller(db);
      if (saved) printSeller(saved);
      else print('no seller yet: invoices cannot be issued (homeport seller set ...)');
    });
  });
}
