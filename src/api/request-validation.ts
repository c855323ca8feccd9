// How requests are checked against their schemas. A JSON body is taken as sent: "10" and [5] are
// not numbers. Path parameters, query strings and headers are text by nature, so their numbers and
// booleans are read from text (and a repeated query parameter becomes an array).
import { Ajv, type Options } from 'ajv';
import addFormats from 'ajv-formats';
import type { FastifyInstance } from 'fastify';

// Unknown fields are refused, not silently dropped: a typo must not pass for a valid request.
const common: Options = { removeAdditional: false, useDefaults: true, allErrors: true, addUsedSchema: false };

function validator(options: Options): Ajv {
  const ajv = new Ajv({ ...common, ...options });
  addFormats.default(ajv);
  // A raw upload's bytes are streamed by its handler, never parsed into a string (OpenAPI's name for them).
  ajv.addFormat('binary', true);
  return ajv;
}

export function registerRequestValidation(app: FastifyInstance): void {
  const json = validator({ coerceTypes: false });
  const text = validator({ coerceTypes: 'array' });
  app.setValidatorCompiler(({ schema, httpPart }) => (httpPart === 'body' ? json : text).compile(schema));
}
