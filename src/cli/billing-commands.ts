// `homeport billing ...` and `homeport invoices`: invoice payment, invoices and coupons through the
// API (operator actions need an operator's token), and a customer's own invoices and coupon.
import type { Command } from 'commander';
import type { Static } from 'typebox';
import type { Billing, CouponView as Coupon, InvoiceSummary } from '../contract/billing.ts';
import type { OperatorAccount } from '../contract/operator.ts';
import { invoiceStatusWords, invoiceSubject } from '../contract/status-words.ts';
import { formatMoney } from '../domain/billing/money.ts';
import type { ApiClient } from './api-client.ts';
import { apiForCommand, print } from './command-api.ts';

type InvoiceView = Static<typeof InvoiceSummary>;
type CouponView = Static<typeof Coupon>;

/** A day as the CLI writes it (the panel writes it in the reader's locale; the words around it are the same). */
const day = (iso: string) => iso.slice(0, 10);
/** An invoice in the panel's words (src/contract/status-words.ts): what it is for, its total and whether anything is due. */
export const invoiceLine = (invoice: InvoiceView) => [invoice.number, day(invoice.issuedAt), invoiceSubject(invoice), formatMoney(invoice.totalMinor, invoice.currency), invoiceStatusWords(invoice, day), invoice.accountEmail ?? ''].join('\t').trimEnd();
const couponLine = (coupon: CouponView) => [coupon.code, coupon.description, `${coupon.redemptions}/${coupon.maxRedemptions ?? '∞'} redeemed`, coupon.expiresAt ? `expires ${coupon.expiresAt}` : 'no expiry', coupon.id].join('\t');

async function accountIdByEmail(api: ApiClient, email: string): Promise<string> {
  const { accounts } = await api.request<{ accounts: Static<typeof OperatorAccount>[] }>('GET', `/api/v1/operator/accounts?search=${encodeURIComponent(email)}`);
  const account = accounts.find((candidate) => candidate.email.toLowerCase() === email.toLowerCase());
  if (!account) throw new Error(`no account with ${email}`);
  return account.id;
}

export function registerBillingCommands(program: Command): void {
  program.command('invoices').description('list your invoices').action(async (_options, command: Command) => {
    const { invoices } = await apiForCommand(command).request<{ invoices: InvoiceView[] }>('GET', '/api/v1/billing/invoices');
    for (const invoice of invoices) print(invoiceLine(invoice));
  });

  const billing = program.command('billing').description('payment methods, invoices and coupons');
  billing.command('apply-coupon').description('apply a coupon to your account (only before your first purchase)').argument('<code>')
    .action(async (code: string, _options, command: Command) => {
      const result = await apiForCommand(command).request<Static<typeof Billing>>('POST', '/api/v1/billing/coupon', { code });
      print(`applied ${result.coupon?.description ?? code}`);
    });

  billing.command('invoice-payment').description('let an account pay by invoice / bank transfer, or stop it (operator)')
    .requiredOption('--email <email>').option('--disable', 'stop invoice payment instead')
    .action(async (options: { email: string; disable?: boolean }, command: Command) => {
      const api = apiForCommand(command);
      const id = await accountIdByEmail(api, options.email);
      await api.request('POST', `/api/v1/operator/accounts/${id}/invoice-payment/${options.disable ? 'disable' : 'enable'}`);
      print(`invoice payment ${options.disable ? 'disabled' : 'enabled'} for ${options.email}`);
    });

  billing.command('invoices').description("every customer's invoices (operator)").option('--open', 'only unpaid ones')
    .action(async (options: { open?: boolean }, command: Command) => {
      const { invoices } = await apiForCommand(command).request<{ invoices: InvoiceView[] }>('GET', `/api/v1/operator/invoices?limit=500${options.open ? '&status=open' : ''}`);
      for (const invoice of invoices) print(invoiceLine(invoice));
    });

  billing.command('check').description('run the billing check now: renewals due, card invoices to charge, lost charges (operator)')
    .action(async (_options, command: Command) => {
      await apiForCommand(command).request('POST', '/api/v1/operator/billing-check');
      print('billing check queued');
    });

  billing.command('invoice-paid').description('mark an invoice paid once the bank transfer arrived (operator)').argument('<number>', 'invoice number or id')
    .action(async (ref: string, _options, command: Command) => {
      const api = apiForCommand(command);
      const { invoices } = await api.request<{ invoices: InvoiceView[] }>('GET', '/api/v1/operator/invoices?status=open&limit=500');
      const invoice = invoices.find((candidate) => candidate.number === ref || candidate.id === ref);
      if (!invoice) throw new Error(`no open invoice ${ref}`);
      const paid = await api.request<InvoiceView>('POST', `/api/v1/operator/invoices/${invoice.id}/paid`);
      print(`${paid.number} (${invoiceSubject(paid)}, ${paid.accountEmail ?? 'its customer'}) is marked paid.`);
    });

  const coupon = billing.command('coupon').description('coupons (operator)');
  coupon.command('create').description('create a coupon').requiredOption('--code <code>')
    .option('--percent-off <percent>', 'percent off, e.g. 20 or 12.5', Number)
    .option('--amount-off <minor>', 'amount off each month, in minor units (cents)', Number)
    .option('--duration <duration>', 'once, months or forever', 'once')
    .option('--months <n>', 'with --duration months: how many months', Number)
    .option('--sizes <names>', 'comma-separated sizes it applies to (default: all)')
    .option('--expires <iso-date>', 'when it can no longer be applied')
    .option('--max-redemptions <n>', 'how many accounts may apply it', Number)
    .action(async (options: { code: string; percentOff?: number; amountOff?: number; duration: string; months?: number; sizes?: string; expires?: string; maxRedemptions?: number }, command: Command) => {
      const body: Record<string, unknown> = { code: options.code, duration: options.duration };
      if (options.percentOff !== undefined) body.percentOff = options.percentOff;
      if (options.amountOff !== undefined) body.amountOffMinor = options.amountOff;
      if (options.months !== undefined) body.durationMonths = options.months;
      if (options.sizes) body.sizes = options.sizes.split(',').map((size) => size.trim());
      if (options.expires) body.expiresAt = new Date(options.expires).toISOString();
      if (options.maxRedemptions !== undefined) body.maxRedemptions = options.maxRedemptions;
      print(couponLine(await apiForCommand(command).request<CouponView>('POST', '/api/v1/operator/coupons', body)));
    });
  coupon.command('list').description('list coupons').action(async (_options, command: Command) => {
    const { coupons } = await apiForCommand(command).request<{ coupons: CouponView[] }>('GET', '/api/v1/operator/coupons');
    for (const item of coupons) print(couponLine(item));
  });
  coupon.command('expire').description('expire a coupon now').argument('<code>', 'code or id')
    .action(async (ref: string, _options, command: Command) => {
      const api = apiForCommand(command);
      const { coupons } = await api.request<{ coupons: CouponView[] }>('GET', '/api/v1/operator/coupons');
      const found = coupons.find((item) => item.code === ref.toUpperCase() || item.id === ref);
      if (!found) throw new Error(`no coupon ${ref}`);
      print(couponLine(await api.request<CouponView>('POST', `/api/v1/operator/coupons/${found.id}/expire`)));
    });
}
