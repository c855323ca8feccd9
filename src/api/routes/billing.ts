// /api/v1/billing: how the signed-in account pays, quotes, its coupon, its card and its invoices.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { billingOverview, quoteHost } from '../../billing/billing-overview.ts';
import { beginCardSetup, saveCard } from '../../billing/card-setup.ts';
import { applyCoupon } from '../../billing/coupons.ts';
import { accountInvoicePdf } from '../../billing/invoice-documents.ts';
import { renderInvoiceHtml } from '../../billing/invoice-html.ts';
import { Billing, Invoice, InvoiceSummary, Quote } from '../../contract/billing.ts';
import type { HomeportContext } from '../../homeport-context.ts';
import { findAccountInvoice, invoiceLines, listAccountInvoices } from '../../store/invoices.ts';
import { accountSecurity, requireAccount } from '../authentication.ts';
import { Problem } from '../problem-details.ts';
import { billingView, invoiceSummaryView, invoiceView, quoteView } from '../views/billing-view.ts';

const errors = { 400: Problem, 401: Problem, 403: Problem, 404: Problem, 409: Problem, 422: Problem };
const base = { tags: ['billing'], security: accountSecurity };
const InvoiceParams = Type.Object({ id: Type.String({ format: 'uuid' }) });

export function billingRoutes(context: HomeportContext): FastifyPluginAsyncTypebox {
  return async (app) => {
    const overview = async (accountId: string) => billingView(await billingOverview(context, accountId));

    app.get('/billing', {
      schema: { ...base, summary: 'How you pay: card or invoice payment, your coupon, tax treatment and subscriptions', response: { 200: Billing, ...errors } },
    }, async (request) => overview(requireAccount(request).id));

    app.post('/billing/quote', {
      schema: {
        ...base, summary: 'What a host would cost per month: lines, discount, VAT and total',
        body: Type.Object({ size: Type.String({ maxLength: 100 }), seats: Type.Integer({ minimum: 1, maximum: 1_000_000 }), label: Type.Optional(Type.String({ maxLength: 40 })), paymentMethod: Type.Optional(Type.Union([Type.Literal('card'), Type.Literal('invoice')])) }, { additionalProperties: false }),
        response: { 200: Quote, ...errors },
      },
    }, async (request) => quoteView(await quoteHost(context, requireAccount(request).id, request.body)));

    app.post('/billing/coupon', {
      schema: {
        ...base, summary: 'Apply a coupon; only before your first purchase',
        body: Type.Object({ code: Type.String({ minLength: 1, maxLength: 40 }) }, { additionalProperties: false }),
        response: { 200: Billing, ...errors },
      },
    }, async (request) => {
      const account = requireAccount(request);
      await applyCoupon(context, account.id, request.body.code);
      return overview(account.id);
    });

    app.post('/billing/card/setup', {
      schema: {
        ...base, summary: "Start saving a card: a Stripe SetupIntent's client secret and the publishable key for Stripe.js",
        response: { 200: Type.Object({ clientSecret: Type.String(), publishableKey: Type.String(), setupIntentId: Type.String() }), ...errors },
      },
    }, async (request) => beginCardSetup(context, requireAccount(request).id));

    app.post('/billing/card', {
      schema: {
        ...base, summary: 'Save the card Stripe.js confirmed (its payment method) as your payment method',
        body: Type.Object({ paymentMethodId: Type.String({ pattern: '^pm_[A-Za-z0-9_]+$', maxLength: 255 }) }, { additionalProperties: false }),
        response: { 200: Billing, ...errors },
      },
    }, async (request) => {
      const account = requireAccount(request);
      await saveCard(context, account.id, request.body.paymentMethodId);
      return overview(account.id);
    });

    app.get('/billing/invoices', {
      schema: { ...base, summary: 'Your invoices, newest first', response: { 200: Type.Object({ invoices: Type.Array(InvoiceSummary) }), ...errors } },
    }, async (request) => ({ invoices: (await listAccountInvoices(context.db, requireAccount(request).id)).map(invoiceSummaryView) }));

    app.get('/billing/invoices/:id', {
      schema: { ...base, summary: 'One invoice with its lines', params: InvoiceParams, response: { 200: Invoice, ...errors } },
    }, async (request) => {
      const invoice = await findAccountInvoice(context.db, requireAccount(request).id, request.params.id);
      return invoiceView(invoice, await invoiceLines(context.db, invoice.id));
    });

    app.get('/billing/invoices/:id/html', {
      schema: { ...base, summary: 'One invoice as an HTML document to print or save', params: InvoiceParams, querystring: Type.Object({ download: Type.Optional(Type.Boolean()) }, { additionalProperties: false }) },
    }, async (request, reply) => {
      const invoice = await findAccountInvoice(context.db, requireAccount(request).id, request.params.id);
      const html = renderInvoiceHtml(invoice, await invoiceLines(context.db, invoice.id));
      if (request.query.download) reply.header('content-disposition', `attachment; filename="invoice-${invoice.number}.html"`);
      return reply.type('text/html; charset=utf-8').header('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'").send(html);
    });

    app.get('/billing/invoices/:id/pdf', {
      schema: { ...base, summary: 'One invoice as a PDF document (a download)', params: InvoiceParams },
    }, async (request, reply) => {
      const { fileName, pdf } = await accountInvoicePdf(context.db, requireAccount(request).id, request.params.id);
      return reply.type('application/pdf').header('content-disposition', `attachment; filename="${fileName}"`).send(pdf);
    });
  };
}
