// The OpenAPI document tells the truth about failures: every problem answer is documented as
// application/problem+json (what the mapper in problem-details.ts sends), and each operation lists
// the statuses the framework itself can give it (a malformed body, a wrong Content-Type, a too
// long path, a rate limit, an unexpected error), added here once for every route.
import type { FastifyInstance, RouteOptions } from 'fastify';
import { Problem } from './problem-details.ts';

const meaning: Record<number, string> = {
  400: 'The request is malformed or does not match the schema',
  401: 'Not authenticated',
  402: 'The payment failed',
  403: 'Not allowed for this account, or the CSRF token is missing',
  404: 'Not found (or not yours)',
  409: 'Conflicts with the current state',
  410: 'Expired',
  413: 'The body is larger than the limit',
  414: 'A path parameter is too long',
  415: 'The Content-Type is not accepted',
  416: 'The range is outside the file',
  422: 'Understood, but refused',
  429: 'Too many requests; Retry-After says when to try again',
  500: 'Unexpected error (logged)',
  503: 'A component is unavailable for now; Retry-After says when to try again',
};

const methodsWithBodies = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

function problemResponse(status: number) {
  return { description: meaning[status] ?? 'Problem details', content: { 'application/problem+json': { schema: Problem } } };
}

/** The statuses the framework and the shared hooks can answer on this route, besides those it declares. */
function frameworkStatuses(route: RouteOptions): number[] {
  const schema = route.schema ?? {};
  const methods = [route.method].flat();
  const statuses = [500];
  const takesBody = methods.some((method) => methodsWithBodies.has(method));
  if (takesBody) statuses.push(400, 413, 415);
  if (schema.body || schema.querystring || schema.params || schema.headers) statuses.push(400);
  if (schema.params) statuses.push(404, 414);
  if (schema.security) statuses.push(401, 403);
  if (route.url.includes('/operator/')) statuses.push(404);
  if (route.config && 'rateLimit' in route.config) statuses.push(429);
  return statuses;
}

export function registerProblemResponses(app: FastifyInstance): void {
  app.addHook('onRoute', (route: RouteOptions) => {
    if (!route.schema || route.schema.hide) return;
    const declared = (route.schema.response ?? {}) as Record<string, unknown>;
    const response: Record<string, unknown> = {};
    for (const [status, schema] of Object.entries(declared)) response[status] = schema === Problem ? problemResponse(Number(status)) : schema;
    for (const status of frameworkStatuses(route)) response[status] ??= problemResponse(status);
    route.schema = { ...route.schema, response };
  });
}
