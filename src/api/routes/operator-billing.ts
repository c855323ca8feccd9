// /api/v1/operator/...: billing in the operator console: the seller, invoice payment per account, invoices
// (mark paid after a bank transfer), coupons, and raising a host's seats for its customer (never
// lowering them: the same rule as everywhere). Every route answers 404 to anyone but an operator.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { requestBillingCheck } from '../../billing/billing-check.ts';
import { createCoupon, expireCouponNow } from '../../billing/coupons.ts';
import { operatorInvoicePdf } from '../../billing/invoice-documents.ts';
import { markInvoicePaidByOperator, setInvoicePayment } from '../../billing/invoice-payment.ts';
import { withHostNames } from '../../accounts/operator-accounts.ts';
import { raiseSeatsForCustomer } from '../../jobs/commands/operator-seats.ts';
import { setSeller } from '../../billing/seller.ts';
import { CouponView, InvoiceSummary, NewCouponBody, SellerBody, SellerView } from '../../contract/billing.ts';
import { OperatorAccount } from '../../contract/operator.ts';
import type { HomeportContext } from '../../homeport-context.ts';
import { listCoupons } from '../../store/coupons.ts';
import { listAllInvoices } from '../../store/invoices.ts';
import { findSeller } from '../../store/seller.ts';
import { countDueSubscriptions } from '../../store/subscriptions.ts';
import { accountSecurity, requireOperator } from '../authentication.ts';
import { Problem } from '../problem-details.ts';
import { couponView, invoiceSummaryView } from '../views/billing-view.ts';
import { operatorAccountView } from '../views/operator-view.ts';

const IdParams = Type.Object({ id: Type.String({ format: 'uuid' }) });
const base = { tags: ['operator'], security: accountSecurity };

export function operatorBillingRoutes(context: HomeportContext): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.addHook('onRequest', async (request) => {
      requireOperator(request);
    });

    for (const [path, enabled] of [['enable', true], ['disable', false]] as const) {
      app.post(`/accounts/:id/invoice-payment/${path}`, {
        schema: { ...base, summary: enabled ? 'Let an account pay by invoice / bank transfer' : 'Stop invoice payment for an account', params: IdParams, response: { 200: OperatorAccount, 400: Problem, 404: Problem } },
      }, async (request) => {
        const account = await setInvoicePayment(context, requireOperator(request).id, request.params.id, enabled);
        return operatorAccountView((await withHostNames(context.db, [account]))[0]!);
      });
    }

    app.get('/seller', {
      schema: { ...base, summary: 'The seller every invoice names and is paid to (null until entered: no invoice is issued without it)', response: { 200: SellerView, 404: Problem } },
    }, async () => {
      const seller = (await findSeller(context.db)) ?? null;
      return { seller, renewalsWaiting: seller ? 0 : await countDueSubscriptions(context.db, new Date()) };
    });

    app.put('/seller', {
      schema: { ...base, summary: "Set the seller: legal name, address, country (decides VAT), VAT ID, bank account (IBAN checked), payment term; later invoices show it, earlier ones keep theirs", body: SellerBody, response: { 200: SellerView, 400: Problem, 404: Problem, 422: Problem } },
    }, async (request) => ({ seller: await setSeller(context, requireOperator(request).id, request.body), renewalsWaiting: 0 }));

    app.post('/billing-check', {
      schema: {
        ...base, summary: 'Run the billing check now: renewals due, card invoices not yet charged, charges a crash left unsettled (it also runs on its schedule)',
        response: { 202: Type.Object({ queued: Type.Boolean() }), 404: Problem },
      },
    }, async (request, reply) => {
      await requestBillingCheck(context, requireOperator(request).id);
      reply.status(202);
      return { queued: true };
    });

    app.get('/invoices', {
      schema: {
        ...base, summary: "Every customer's invoices, newest first",
        querystring: Type.Object({ status: Type.Optional(Type.Union([Type.Literal('open'), Type.Literal('paid')])), limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 100 })) }),
        response: { 200: Type.Object({ invoices: Type.Array(InvoiceSummary) }), 400: Problem, 404: Problem },
      },
    }, async (request) => ({ invoices: (await listAllInvoices(context.db, { status: request.query.status, limit: request.query.limit ?? 100 })).map(invoiceSummaryView) }));

    app.get('/invoices/:id/pdf', {
      schema: { ...base, summary: "A customer's invoice as a PDF document (a download)", params: IdParams },
    }, async (request, reply) => {
      const { fileName, pdf } = await operatorInvoicePdf(context.db, request.params.id);
      return reply.type('application/pdf').header('content-disposition', `attachment; filename="${fileName}"`).send(pdf);
    });

    app.post('/invoices/:id/paid', {
      schema: { ...base, summary: 'Mark an invoice paid (the bank transfer arrived)', params: IdParams, response: { 200: InvoiceSummary, 400: Problem, 404: Problem, 409: Problem } },
    }, async (request) => invoiceSummaryView(await markInvoicePaidByOperator(context, requireOperator(request).id, request.params.id)));

    app.post('/hosts/:id/seats', {
      schema: {
        ...base, summary: "Raise a host's seats for its customer (prorated on their next invoice); lowering is refused", params: IdParams,
        body: Type.Object({ seats: Type.Integer({ minimum: 1, maximum: 1_000_000 }) }, { additionalProperties: false }),
        response: { 200: Type.Object({ id: Type.String(), seats: Type.Integer(), invoiceNumber: Type.Union([Type.String(), Type.Null()]) }), 400: Problem, 404: Problem, 409: Problem, 422: Problem },
      },
    }, async (request) => raiseSeatsForCustomer(context, requireOperator(request).id, request.params.id, request.body.seats));

    app.get('/coupons', {
      schema: { ...base, summary: 'Every coupon, newest first', response: { 200: Type.Object({ coupons: Type.Array(CouponView) }), 404: Problem } },
    }, async () => ({ coupons: (await listCoupons(context.db)).map(couponView) }));

    app.post('/coupons', {
      schema: { ...base, summary: 'Create a coupon: percent or amount off, once / N months / forever, sizes, expiry, maximum redemptions', body: NewCouponBody, response: { 201: CouponView, 400: Problem, 404: Problem, 409: Problem } },
    }, async (request, reply) => {
      const coupon = await createCoupon(context, requireOperator(request).id, request.body);
      reply.status(201);
      return couponView(coupon);
    });

    app.post('/coupons/:id/expire', {
      schema: { ...base, summary: 'Expire a coupon now: nobody can apply it any more', params: IdParams, response: { 200: CouponView, 400: Problem, 404: Problem } },
    }, async (request) => couponView(await expireCouponNow(context, requireOperator(request).id, request.params.id)));
  };
}
