// The one mapper from errors to RFC 9457 problem details: typed Homeport errors get their
// status from one table; validation errors are 400; anything unexpected is a logged 500.
import { STATUS_CODES } from 'node:http';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { multiLinePattern, singleLinePattern } from '../contract/input-text.ts';
import { HomeportError, type ErrorCode } from '../domain/errors.ts';
import type { AllowedMethods } from './allowed-methods.ts';

const statusOf: Record<ErrorCode, number> = {
  'invalid-input': 400,
  unauthenticated: 401,
  'not-found': 404,
  'hostname-invalid': 422,
  'hostname-taken': 409,
  'size-unknown': 422,
  'seats-below-minimum': 422,
  'seats-cannot-decrease': 409,
  'confirmation-mismatch': 422,
  'host-busy': 409,
  'email-taken': 409,
  'localpart-invalid': 422,
  'user-exists': 409,
  'seat-limit-reached': 409,
  'user-deactivated': 409,
  'password-invalid': 422,
  'registration-token-invalid': 422,
  'registration-token-exists': 409,
  'host-unavailable': 503,
  'password-too-weak': 422,
  'invalid-credentials': 401,
  'second-factor-required': 401,
  'second-factor-invalid': 401,
  'second-factor-enabled': 409,
  'too-many-attempts': 429,
  'account-suspended': 403,
  'action-required': 403,
  'csrf-failed': 403,
  'link-invalid': 422,
  'two-factor-not-started': 409,
  'email-not-verified': 403,
  'terms-not-accepted': 409,
  'terms-outdated': 409,
  'terms-version-exists': 409,
  'account-details-invalid': 422,
  'custom-dns-invalid': 422,
  'domain-taken': 409,
  'no-custom-dns': 409,
  'look-and-feel-invalid': 422,
  'passphrase-invalid': 422,
  'passphrase-wrong': 422,
  'link-expired': 410,
  'import-invalid': 422,
  'schema-too-new': 409,
  'disk-too-small': 409,
  'capacity-full': 503,
  'runtime-unsupported': 501,
  'billing-address-required': 409,
  'payment-method-required': 409,
  'payment-failed': 402,
  'seller-details-missing': 503,
  'seller-details-invalid': 422,
  'card-payment-unavailable': 409,
  'coupon-unknown': 422,
  'coupon-not-applicable': 409,
  'coupon-exists': 409,
  'invoice-not-payable': 409,
  'webhook-signature-invalid': 400,
  'vat-id-unknown': 422,
  'vies-unavailable': 503,
  'upload-closed': 409,
  'upload-offset-mismatch': 409,
  'release-not-installed': 422,
  'rollout-running': 409,
  'nothing-to-upgrade': 409,
  'openid-token-invalid': 401,
  'call-token-refused': 403,
  'calls-unavailable': 503,
  'calls-not-offered': 409,
};

export const Problem = Type.Object(
  {
    type: Type.String(),
    title: Type.String(),
    status: Type.Integer(),
    detail: Type.String(),
    instance: Type.Optional(Type.String()),
    errors: Type.Optional(Type.Array(Type.Object({ field: Type.String(), message: Type.String() }))),
  },
  { additionalProperties: true, description: 'RFC 9457 problem details' },
);

const problemType = (code: string) => `urn:homeport:problem:${code}`;

/** Ajv's message for the shared text patterns would quote the whole pattern. */
const patternMessages: Record<string, string> = {
  [singleLinePattern]: 'must be one line without control characters or bidirectional overrides',
  [multiLinePattern]: 'must not contain control characters or bidirectional overrides',
};

/** Ajv's English ("must NOT have fewer than 8 characters") as a person would say it, for the keywords forms meet. */
function validationMessage(keyword: string, params: Record<string, unknown>): string | undefined {
  const limit = typeof params.limit === 'number' ? params.limit : undefined;
  switch (keyword) {
    case 'required': return 'is required';
    case 'minLength': return limit === 1 ? 'is required' : `must be at least ${limit} characters long`;
    case 'maxLength': return `may be at most ${limit} characters long`;
    case 'minimum': return `must be at least ${limit}`;
    case 'maximum': return `may be at most ${limit}`;
    case 'type': return params.type === 'integer' || params.type === 'number' ? 'must be a number' : undefined;
    case 'format': return params.format === 'email' ? 'must be an email address' : params.format === 'date-time' ? 'must be a date and time' : undefined;
    default: return undefined;
  }
}

/**
 * Refusals about one input that the code refusing it does not name (it does not know the form):
 * the field is the first of these names the request's body has, so the panel shows the refusal at
 * its field. An error that names a field the body does not have is moved to the one it has.
 */
const fieldsOfCode: Partial<Record<ErrorCode, readonly string[]>> = {
  'hostname-invalid': ['label'],
  'hostname-taken': ['label'],
  'seats-below-minimum': ['seats'],
  'seats-cannot-decrease': ['seats'],
  'confirmation-mismatch': ['confirm', 'code', 'password'],
  'email-taken': ['email'],
  'localpart-invalid': ['username'],
  'user-exists': ['username'],
  'password-invalid': ['password'],
  'password-too-weak': ['password', 'newPassword'],
  'registration-token-exists': ['token'],
  'registration-token-invalid': ['token'],
  'second-factor-invalid': ['code'],
  'terms-version-exists': ['version'],
  'passphrase-invalid': ['passphrase'],
  'passphrase-wrong': ['passphrase'],
  'coupon-unknown': ['code'],
  'coupon-not-applicable': ['code'],
  'coupon-exists': ['code'],
  'vat-id-unknown': ['vatId'],
  'domain-taken': ['clientDomain', 'domain', 'serverName'],
  'size-unknown': ['size'],
};

function fieldErrorsOf(error: HomeportError, body: unknown): { errors?: { field: string; message: string }[] } {
  const candidates = fieldsOfCode[error.code];
  if (!candidates || typeof body !== 'object' || body === null) return {};
  const field = candidates.find((name) => name in body);
  const named = Array.isArray(error.extra.errors) ? (error.extra.errors as { field: string; message: string }[]) : undefined;
  if (named) {
    if (!field) return {};
    return { errors: named.map((item) => (item.field.includes('.') || item.field in body || !candidates.includes(item.field) ? item : { ...item, field })) };
  }
  return field ? { errors: [{ field, message: error.message }] } : {};
}

/**
 * The problem document for an error the framework raised (a malformed body or URL, a body too
 * large, a wrong Content-Type, a too long path): its own 4xx status, or a logged 500 for anything else.
 */
export function sendFrameworkProblem(error: FastifyError, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const status = error.statusCode && error.statusCode >= 400 && error.statusCode < 500 ? error.statusCode : 500;
  if (status === 500) request.log.error({ err: error }, 'unexpected error');
  return reply.status(status).type('application/problem+json').send({
    type: status === 500 ? 'about:blank' : problemType('http'),
    title: status === 500 ? 'Internal error' : (STATUS_CODES[status] ?? 'Bad request'),
    status,
    detail: status === 500 ? 'Something went wrong on our side; it has been logged.' : error.message,
    instance: request.url,
  });
}

export function registerProblemDetails(app: FastifyInstance, allowedMethods: AllowedMethods): void {
  app.setErrorHandler((error: FastifyError | HomeportError, request, reply) => {
    const base = { instance: request.url };
    if (error instanceof HomeportError) {
      const status = statusOf[error.code];
      if (status === 401) reply.header('www-authenticate', 'Bearer');
      if (typeof error.extra.retryAfterSeconds === 'number') reply.header('retry-after', String(error.extra.retryAfterSeconds));
      else if (status === 503) reply.header('retry-after', '10');
      return reply.status(status).type('application/problem+json').send({
        type: problemType(error.code), title: error.title, status, detail: error.message, ...base, ...error.extra, ...fieldErrorsOf(error, request.body),
      });
    }
    if (error.validation) {
      const errors = error.validation.map((issue) => ({
        field: (issue.instancePath || `/${String(issue.params?.missingProperty ?? issue.params?.additionalProperty ?? '')}`).replace(/^\//, '').replaceAll('/', '.') || error.validationContext || 'request',
        message: (issue.keyword === 'pattern' && patternMessages[String(issue.params?.pattern)]) || validationMessage(issue.keyword, issue.params ?? {}) || (issue.message ?? 'is invalid'),
      }));
      const detail = errors.map((issue) => `${issue.field}: ${issue.message}`).join('; ');
      return reply.status(400).type('application/problem+json').send({
        type: problemType('invalid-input'), title: 'Invalid request', status: 400, detail, errors, ...base,
      });
    }
    return sendFrameworkProblem(error, request, reply);
  });
  // In onRequest, before a body is parsed: a method Fastify would parse a body for must not fail on it first.
  app.addHook('onRequest', async (request, reply) => {
    if (request.is404) return answerUnrouted(request, reply, allowedMethods);
  });
  app.setNotFoundHandler((request, reply) => answerUnrouted(request, reply, allowedMethods));
}

/** 404 for an unknown path, 405 with Allow for a known one asked with another method, 414 for a too long parameter. */
function answerUnrouted(request: FastifyRequest, reply: FastifyReply, allowedMethods: AllowedMethods): FastifyReply {
  const allowed = allowedMethods.of(request);
  // The path has a route for this method, yet the router refused it: a parameter is too long.
  if (allowed?.includes(request.method)) {
    return reply.status(414).type('application/problem+json').send({
      type: problemType('http'), title: STATUS_CODES[414], status: 414, detail: 'A path parameter is longer than the API accepts.', instance: request.url,
    });
  }
  if (allowed) {
    return reply.status(405).header('allow', allowed.join(', ')).type('application/problem+json').send({
      type: problemType('method-not-allowed'), title: 'Method not allowed', status: 405, detail: `${request.method} is not allowed here; allowed: ${allowed.join(', ')}.`, instance: request.url,
    });
  }
  return reply.status(404).type('application/problem+json').send({
    type: problemType('not-found'), title: 'Not found', status: 404, detail: `${request.method} ${request.url} does not exist.`, instance: request.url,
  });
}
