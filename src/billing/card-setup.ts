// Saving a card: a Stripe customer per account, a SetupIntent whose client secret Stripe.js
// confirms in the browser, then the confirmed payment method becomes the account's card.
import type { HomeportContext } from '../homeport-context.ts';
import { findAccount, updateAccount } from '../store/accounts.ts';
import { recordAudit } from '../store/audit-log.ts';
import { openCardInvoices } from '../store/invoices.ts';
import type { Account } from '../store/schema.ts';
import { collectCardInvoice, requireCardPayments } from './card-collection.ts';

async function stripeCustomer(context: HomeportContext, account: Account): Promise<string> {
  if (account.stripe_customer_id) return account.stripe_customer_id;
  const customerId = await requireCardPayments(context).createCustomer({ accountId: account.id, email: account.email, name: account.company_name ?? account.name });
  await updateAccount(context.db, account.id, { stripe_customer_id: customerId });
  return customerId;
}

export async function beginCardSetup(context: HomeportContext, accountId: string): Promise<{ clientSecret: string; publishableKey: string; setupIntentId: string }> {
  const payments = requireCardPayments(context);
  const customerId = await stripeCustomer(context, await findAccount(context.db, accountId));
  const intent = await payments.createSetupIntent(customerId);
  return { clientSecret: intent.clientSecret, publishableKey: payments.publishableKey, setupIntentId: intent.id };
}

/** Makes the confirmed payment method the account's card, then charges any card invoice still open. */
export async function saveCard(context: HomeportContext, accountId: string, paymentMethodId: string): Promise<Account> {
  const payments = requireCardPayments(context);
  const customerId = await stripeCustomer(context, await findAccount(context.db, accountId));
  const card = await payments.saveCard(customerId, paymentMethodId);
  const account = await context.db.transaction().execute(async (trx) => {
    const updated = await updateAccount(trx, accountId, { card_payment_method_id: card.paymentMethodId, card_brand: card.brand, card_last4: card.last4, card_expiry: card.expiry });
    await recordAudit(trx, { actorAccountId: accountId, actor: 'customer', action: 'billing.card-saved', details: { brand: card.brand, last4: card.last4 } });
    return updated;
  });
  for (const invoice of await openCardInvoices(context.db, { accountId, untriedOnly: false, limit: 50 })) {
    await collectCardInvoice(context, invoice.id).catch((error: unknown) => context.logger.error({ err: error, invoiceId: invoice.id }, 'charging an open invoice to the new card failed'));
  }
  return account;
}
