// The API's edge for input, applied to every route's request schemas (body, query string, path
// parameters, headers) once, when the route is registered: every string is held to safe text (one
// line unless its schema names the multi-line pattern), and a route whose strings, numbers or lists
// have no bound does not start. So no route can forget it, and nothing unbounded reaches
// PostgreSQL or Synapse.
import type { FastifyInstance, RouteOptions } from 'fastify';
import { multiLinePattern, singleLinePattern } from '../contract/input-text.ts';
import { HomeportError } from '../domain/errors.ts';

type Schema = Record<string, unknown>;

const requestParts = ['body', 'querystring', 'params', 'headers'] as const;
/** Formats whose values are plain ASCII letters, digits and punctuation. */
const plainFormats = new Set(['uuid', 'email', 'date-time']);
/** A string schema with its own pattern must refuse each of these, alone. */
const hostileProbes = ['\u0000', '\u0007', '\n', '\u202e'];

function boundedNumber(schema: Schema, where: string): void {
  const low = schema.minimum ?? schema.exclusiveMinimum;
  const high = schema.maximum ?? schema.exclusiveMaximum;
  if (typeof low !== 'number' || typeof high !== 'number') throw new Error(`${where}: a number without minimum and maximum`);
  if (low < -Number.MAX_SAFE_INTEGER || high > Number.MAX_SAFE_INTEGER) throw new Error(`${where}: a number beyond what JSON numbers hold exactly`);
}

function safeString(schema: Schema, where: string): Schema {
  if (schema.const !== undefined || schema.enum !== undefined || schema.format === 'binary') return schema;
  if (typeof schema.maxLength !== 'number' && schema.format !== 'uuid') throw new Error(`${where}: a string without maxLength`);
  if (schema.pattern === multiLinePattern) return schema;
  if (typeof schema.pattern === 'string') {
    const own = new RegExp(schema.pattern, 'u');
    if (!schema.pattern.startsWith('^') || !schema.pattern.endsWith('$') || hostileProbes.some((probe) => own.test(probe))) {
      throw new Error(`${where}: its pattern ${schema.pattern} must be anchored and refuse control characters`);
    }
    return schema;
  }
  if (typeof schema.format === 'string' && plainFormats.has(schema.format)) return schema;
  return { ...schema, pattern: singleLinePattern };
}

/** A copy of a request schema with every string held to safe text; throws naming the first unbounded value. */
export function boundedInput(schema: Schema, where: string): Schema {
  const copy: Schema = { ...schema };
  for (const key of ['anyOf', 'oneOf', 'allOf'] as const) {
    const branches = schema[key];
    if (Array.isArray(branches)) copy[key] = branches.map((branch: Schema, index) => boundedInput(branch, `${where}.${key}[${index}]`));
  }
  if (schema.properties && typeof schema.properties === 'object') {
    copy.properties = Object.fromEntries(Object.entries(schema.properties as Record<string, Schema>).map(([name, property]) => [name, boundedInput(property, `${where}.${name}`)]));
  }
  if (schema.additionalProperties && typeof schema.additionalProperties === 'object') {
    copy.additionalProperties = boundedInput(schema.additionalProperties as Schema, `${where}.*`);
  }
  switch (schema.type) {
    case 'string':
      return safeString(copy, where);
    case 'integer':
    case 'number':
      boundedNumber(schema, where);
      return copy;
    case 'array':
      if (typeof schema.maxItems !== 'number') throw new Error(`${where}: a list without maxItems`);
      if (schema.items && typeof schema.items === 'object') copy.items = boundedInput(schema.items as Schema, `${where}[]`);
      return copy;
    default:
      return copy;
  }
}

/** Where in a parsed request a string with a lone UTF-16 surrogate is, if anywhere. */
export function illFormedString(value: unknown, where: string): string | undefined {
  if (typeof value === 'string') return value.isWellFormed() ? undefined : where;
  if (ArrayBuffer.isView(value)) return undefined;
  if (Array.isArray(value)) return value.map((item, index) => illFormedString(item, `${where}[${index}]`)).find(Boolean);
  if (value && typeof value === 'object') {
    return Object.entries(value).map(([key, item]) => illFormedString(key, where) ?? illFormedString(item, where ? `${where}.${key}` : key)).find(Boolean);
  }
  return undefined;
}

export function registerInputSchemas(app: FastifyInstance): void {
  // Before the schemas: a lone surrogate has no UTF-8 form, and no route may see one.
  app.addHook('preValidation', async (request) => {
    // A query string's invalid UTF-8 (a surrogate's bytes, a stray %) would otherwise be read as U+FFFD.
    try {
      decodeURIComponent(request.url);
    } catch {
      throw new HomeportError('invalid-input', 'Invalid request', 'The URL is not percent-encoded UTF-8.');
    }
    const field = illFormedString(request.params, '') ?? illFormedString(request.query, '') ?? illFormedString(request.body, '');
    if (field !== undefined) throw new HomeportError('invalid-input', 'Invalid request', `${field || 'request'}: must not contain unpaired UTF-16 surrogates`);
  });
  app.addHook('onRoute', (route: RouteOptions) => {
    if (!route.schema) return;
    const schema: Record<string, unknown> = { ...route.schema };
    for (const part of requestParts) {
      const given = schema[part];
      if (given && typeof given === 'object') schema[part] = boundedInput(given as Schema, `${String(route.method)} ${route.url} ${part}`);
    }
    route.schema = schema;
  });
}
