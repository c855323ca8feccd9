// /api/v1/account: the signed-in account's details, password and two-factor authentication.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { updateAccountDetails } from '../../accounts/account-details.ts';
import { accountOverview } from '../../accounts/account-overview.ts';
import { changePassword } from '../../accounts/password-changes.ts';
import { beginTwoFactorEnrolment, confirmTwoFactorEnrolment } from '../../accounts/two-factor.ts';
import { AccountView, ChangePasswordBody, CodeBody, TwoFactorProofBody, UpdateAccountBody } from '../../contract/accounts.ts';
import { replaceRecoveryCodeSet, turnOffTwoFactor } from '../../accounts/two-factor-changes.ts';
import type { HomeportContext } from '../../homeport-context.ts';
import { accountSecurity, requireAccount } from '../authentication.ts';
import { Problem } from '../problem-details.ts';
import { accountView } from '../views/account-view.ts';

const errors = { 400: Problem, 401: Problem, 403: Problem };

export function accountRoutes(context: HomeportContext): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get('/account', {
      config: { allowBeforeRequiredAction: true },
      schema: { tags: ['account'], summary: 'Your account: details, security, terms and what stands between you and a purchase', security: accountSecurity, response: { 200: AccountView, ...errors } },
    }, async (request) => accountView(await accountOverview(context.db, requireAccount(request).id, context.config.billing.stripe !== undefined), context.config.require2fa));

    app.patch('/account', {
      schema: {
        tags: ['account'], summary: 'Change name, company name, VAT ID or billing address (null clears an optional field)', security: accountSecurity,
        body: UpdateAccountBody, response: { 200: AccountView, ...errors, 422: Problem },
      },
    }, async (request) => {
      const account = await updateAccountDetails(context, requireAccount(request).id, request.body);
      return accountView(await accountOverview(context.db, account.id, context.config.billing.stripe !== undefined), context.config.require2fa);
    });

    app.post('/account/password', {
      config: { allowBeforeRequiredAction: true },
      schema: { tags: ['account'], summary: 'Change your password; your other sessions are logged out', security: accountSecurity, body: ChangePasswordBody, response: { 204: Type.Null(), ...errors, 422: Problem } },
    }, async (request, reply) => {
      await changePassword(context, requireAccount(request).id, { ...request.body, keepSession: request.sessionToken });
      reply.status(204);
    });

    app.post('/account/two-factor', {
      config: { allowBeforeRequiredAction: true },
      schema: {
        tags: ['account'], summary: 'Start two-factor enrolment: a TOTP secret and the otpauth:// URI to show as a QR code', security: accountSecurity,
        response: { 200: Type.Object({ secret: Type.String(), otpauthUri: Type.String() }), ...errors, 409: Problem },
      },
    }, async (request) => beginTwoFactorEnrolment(context, requireAccount(request).id));

    app.post('/account/two-factor/confirm', {
      config: { allowBeforeRequiredAction: true },
      schema: {
        tags: ['account'], summary: 'Finish enrolment with a current code; answers ten one-time recovery codes, shown this once', security: accountSecurity,
        body: CodeBody, response: { 200: Type.Object({ recoveryCodes: Type.Array(Type.String()) }), ...errors, 409: Problem },
      },
    }, async (request) => confirmTwoFactorEnrolment(context, requireAccount(request).id, request.body.code));

    app.post('/account/two-factor/recovery-codes', {
      schema: {
        tags: ['account'], summary: 'Replace the recovery codes (the old ones stop working); needs the password and a current code; the new ones are shown this once', security: accountSecurity,
        body: TwoFactorProofBody, response: { 200: Type.Object({ recoveryCodes: Type.Array(Type.String()) }), ...errors, 409: Problem, 422: Problem },
      },
    }, async (request) => replaceRecoveryCodeSet(context, requireAccount(request).id, request.body));

    app.post('/account/two-factor/off', {
      schema: {
        tags: ['account'], summary: 'Turn two-factor authentication off; needs the password and a current code (refused where two-factor is required)', security: accountSecurity,
        body: TwoFactorProofBody, response: { 204: Type.Null(), ...errors, 409: Problem, 422: Problem },
      },
    }, async (request, reply) => {
      await turnOffTwoFactor(context, requireAccount(request).id, request.body, context.config.require2fa);
      reply.status(204);
    });
  };
}
