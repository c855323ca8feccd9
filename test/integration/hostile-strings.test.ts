// Hand-written hostile strings, sent into every string field (body properties, query parameters,
// path parameters) of every operation in the OpenAPI document, with valid tokens: never a server
// error, the ones with control characters always refused, and nothing stored holds them afterwards.
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import { HomeportProcess } from '../support/homeport-process.ts';
import { openHomeportDatabase } from '../support/host-admin.ts';

type Schema = { type?: string; properties?: Record<string, Schema>; required?: string[]; anyOf?: Schema[]; enum?: unknown[]; const?: unknown; format?: string; pattern?: string; minimum?: number; maxLength?: number; minLength?: number; items?: Schema };
interface Operation { parameters?: { name: string; in: string; required?: boolean; schema: Schema }[]; requestBody?: { content: Record<string, { schema: Schema }> }; tags?: string[] }

/** Refused wherever they appear: nothing may store or pass them on. */
const refused = ['a\u0000b', 'a\ud800b', 'invoice\u202Efdp.exe', 'bell\u0007', 'two\nlines', 'tab\there', 'del\u007f'];
/** Refused in one-line text only: the terms' text may hold them. */
const lineBreaks = new Set(['two\nlines', 'tab\there']);

function mustRefuse(hostile: string, field: Schema): boolean {
  const multiLine = field.pattern !== undefined && new RegExp(field.pattern, 'u').test('two\nlines');
  return refused.includes(hostile) && !(multiLine && lineBreaks.has(hostile));
}
/** Allowed as text, and must stay mere text: injections into YAML, JSON, Caddy placeholders, templates, SQL, HTML. */
const inert = ['{http.request.header.Authorization}', '{env.HOMEPORT_MASTER_KEY}', '"}, "admin": true, "x": {"', 'key: value # admin: true', '!!python/object/apply:os.system ["id"]',
  '{{ 7*7 }}', '${jndi:ldap://x}', "' OR 1=1 --", '<script>alert(1)</script>', '../../../etc/passwd', '%00', '\\u0000'];
const tenMegabytes = 'x'.repeat(10 * 1024 * 1024);
/** Homeport's JSON body limit (src/api/api-server.ts). */
const bodyLimit = 1024 * 1024;

/** Percent-encoding that keeps a lone surrogate as the bytes a careless client would send (CESU-8), where encodeURIComponent throws. */
function urlEncode(value: string): string {
  return [...value].map((character) => (character.isWellFormed()
    ? encodeURIComponent(character)
    : [0xe0 | (character.charCodeAt(0) >> 12), 0x80 | ((character.charCodeAt(0) >> 6) & 0x3f), 0x80 | (character.charCodeAt(0) & 0x3f)].map((byte) => `%${byte.toString(16).toUpperCase()}`).join(''))).join('');
}

/** A plausible value for a schema: the hostile one replaces one string at a time. */
function sample(schema: Schema): unknown {
  if (schema.const !== undefined) return schema.const;
  if (schema.enum) return schema.enum[0];
  if (schema.anyOf) return sample(schema.anyOf.find((branch) => branch.type !== 'null') ?? schema.anyOf[0]!);
  switch (schema.type) {
    case 'string':
      if (schema.format === 'uuid') return '00000000-0000-4000-8000-000000000000';
      if (schema.format === 'email') return 'someone@example.org';
      if (schema.format === 'date-time') return '2099-01-01T00:00:00Z';
      return 'abc'.slice(0, schema.maxLength ?? 3).padEnd(Math.min(schema.minLength ?? 0, 64), 'x');
    case 'integer': case 'number': return Math.max(schema.minimum ?? 1, 1);
    case 'boolean': return false;
    case 'array': return [];
    case 'object': return Object.fromEntries((schema.required ?? []).map((name) => [name, sample(schema.properties![name]!)]));
    default: return null;
  }
}

/** Every string leaf of a body schema, as a path of property names. */
function stringPaths(schema: Schema, path: string[] = []): { path: string[]; field: Schema }[] {
  if (schema.anyOf) return schema.anyOf.flatMap((branch) => stringPaths(branch, path));
  if (schema.type === 'string' && schema.const === undefined && !schema.enum) return [{ path, field: schema }];
  if (schema.type === 'object') return Object.entries(schema.properties ?? {}).flatMap(([name, property]) => stringPaths(property, [...path, name]));
  return [];
}

function withValue(body: unknown, schema: Schema, path: string[], value: string): unknown {
  if (path.length === 0) return value;
  const [name, ...rest] = path as [string, ...string[]];
  const objectSchema = schema.anyOf?.find((branch) => branch.type === 'object') ?? schema;
  const current = (body && typeof body === 'object' ? body : sample(objectSchema)) as Record<string, unknown>;
  const property = objectSchema.properties![name]!;
  return { ...current, [name]: withValue(current[name] ?? sample(property.anyOf?.find((branch) => branch.type === 'object') ?? property), property, rest, value) };
}

/**
 * The status of a request, over a plain socket. A body past the limit is answered (413) and the
 * connection closed while the client still writes: an HTTP client reports only the failed write,
 * so the answer is read from whatever the server sent before closing.
 */
function answerTo(url: string, method: string, token: string, body: string | undefined): Promise<{ status: number }> {
  const { hostname, port, pathname, search } = new URL(url);
  const payload = body === undefined ? Buffer.alloc(0) : Buffer.from(body);
  const head = [`${method} ${pathname}${search} HTTP/1.1`, `host: ${hostname}:${port}`, `authorization: Bearer ${token}`, 'connection: close',
    ...(body === undefined ? [] : ['content-type: application/json', `content-length: ${payload.length}`]), '', ''].join('\r\n');
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const socket = connect(Number(port), hostname, () => {
      // Never ended: a half-closed client makes Node's server drop the connection before it answers.
      socket.write(head, 'latin1');
      // A body past the limit is refused from its Content-Length before any of it is read; writing it
      // anyway would race the server's close, whose reset discards the unread answer. It is sent
      // only if no answer came first.
      if (payload.length <= bodyLimit) socket.write(payload);
      else setTimeout(() => { if (chunks.length === 0 && !socket.destroyed) socket.write(payload); }, 2000);
    });
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    let failure: Error | undefined;
    socket.on('error', (error) => {
      failure = error;
      socket.destroy();
    });
    socket.on('close', () => {
      const status = /^HTTP\/1\.1 (\d{3})/.exec(Buffer.concat(chunks).toString('latin1'))?.[1];
      if (status) resolve({ status: Number(status) });
      else reject(new Error(`${method} ${pathname}: no answer (${failure?.message ?? 'closed'})`));
    });
  });
}

describe('hostile strings in every string field of every route', () => {
  let homeport: HomeportProcess;
  const tokens: Record<string, string> = {};

  before(async () => {
    homeport = await HomeportProcess.create('hostile');
    await homeport.start();
    tokens.customer = await homeport.createAccount('customer@example.org');
    const created = await homeport.cli(['account', 'create', '--email', 'operator@example.org', '--name', 'Operator', '--operator', '--with-token']);
    tokens.operator = /^token (\S+)$/m.exec(created.stdout)?.[1] ?? '';
  });
  after(async () => {
    await homeport?.cleanup();
  });

  test("the issue's cases: 400 problem documents, never 500 or 503", async () => {
    const cases: [string, string, string | undefined, unknown][] = [
      ['POST', '/api/v1/session', undefined, { email: 'a\u0000@x', password: 'whatever' }],
      ['GET', '/api/v1/edge/certificate-permission?domain=a%00b.test', undefined, undefined],
      ['GET', '/api/v1/operator/audit-log?before=9223372036854775808', tokens.operator, undefined],
      ['POST', '/api/v1/hosts/acme/registration-tokens', tokens.customer, { usesAllowed: 2 ** 31, expiresAt: null }],
      ['GET', '/api/v1/hosts/acme/users?from=12345678901234567890', tokens.customer, undefined],
      ['POST', '/api/v1/hosts', tokens.customer, { label: 'acme', size: 'starter', seats: '10' }],
      ['POST', '/api/v1/hosts', tokens.customer, { label: 'acme', size: 'starter', seats: [5] }],
      ['PATCH', '/api/v1/account', tokens.customer, { name: 'bell\u0007' }],
      ['PATCH', '/api/v1/account', tokens.customer, { name: 'evil\u202Etxt' }],
      ['PUT', '/api/v1/hosts/acme/look-and-feel', tokens.customer, { brand: 'Brand\u202E' }],
      ['PUT', '/api/v1/hosts/acme/look-and-feel', tokens.customer, { homeUrl: 'https://example.org/\nx' }],
    ];
    for (const [method, path, token, body] of cases) {
      const answer = await homeport.api<{ status: number; detail: string }>(method, path, { token, body });
      assert.equal(answer.status, 400, `${method} ${path} ${JSON.stringify(body)}: ${JSON.stringify(answer.body)}`);
      assert.match(answer.headers.get('content-type') ?? '', /^application\/problem\+json/);
      assert.equal(answer.body.status, 400);
    }
    const account = await homeport.api<{ name: string }>('GET', '/api/v1/account', { token: tokens.customer });
    assert.equal(account.body.name, 'customer', 'the account kept its name');
    // The terms are the one multi-line text: line breaks and tabs pass, control characters do not.
    assert.equal((await homeport.api('POST', '/api/v1/operator/terms', { token: tokens.operator, body: { version: '1', text: 'Be kind.\r\n\n\tPay your bills.' } })).status, 201);
    assert.equal((await homeport.api('POST', '/api/v1/operator/terms', { token: tokens.operator, body: { version: '2', text: 'Be kind.\u0000' } })).status, 400);
  });

  test('no server error, and control characters never accepted', async () => {
    const document = (await homeport.api<{ paths: Record<string, Record<string, Operation>> }>('GET', '/api/v1/openapi.json')).body;
    const failures: string[] = [];
    let sent = 0;
    const send = async (method: string, path: string, operation: Operation, query: Record<string, string>, body: unknown, hostile: string, where: string, field: Schema) => {
      const token = operation.tags?.includes('operator') ? tokens.operator : tokens.customer;
      const search = Object.entries(query).map(([name, value]) => `${name}=${urlEncode(value)}`).join('&');
      const response = await answerTo(`${homeport.apiUrl}${path}${search ? `?${search}` : ''}`, method.toUpperCase(), token!, body === undefined ? undefined : JSON.stringify(body));
      sent += 1;
      const label = `${method.toUpperCase()} ${path} ${where}=${JSON.stringify(hostile.slice(0, 40))}`;
      if (response.status >= 500) failures.push(`${label}: ${response.status}`);
      if (mustRefuse(hostile, field) && response.status < 400) failures.push(`${label}: accepted with ${response.status}`);
    };

    for (const [template, methods] of Object.entries(document.paths)) {
      for (const [method, operation] of Object.entries(methods)) {
        const parameters = operation.parameters ?? [];
        const jsonBody = operation.requestBody?.content['application/json']?.schema;
        const pathValues = Object.fromEntries(parameters.filter((p) => p.in === 'path').map((p) => [p.name, String(sample(p.schema))]));
        const queryValues = Object.fromEntries(parameters.filter((p) => p.in === 'query' && p.required).map((p) => [p.name, String(sample(p.schema))]));
        const pathOf = (values: Record<string, string>) => template.replace(/\{(\w+)\}/g, (_all, name: string) => urlEncode(values[name] ?? ''));
        const baseBody = jsonBody ? sample(jsonBody) : undefined;
        for (const hostile of [...refused, ...inert]) {
          for (const parameter of parameters.filter((p) => p.schema.type === 'string' && !p.schema.enum)) {
            if (parameter.in === 'path') await send(method, pathOf({ ...pathValues, [parameter.name]: hostile }), operation, queryValues, baseBody, hostile, parameter.name, parameter.schema);
            if (parameter.in === 'query') await send(method, pathOf(pathValues), operation, { ...queryValues, [parameter.name]: hostile }, baseBody, hostile, parameter.name, parameter.schema);
          }
          for (const { path, field } of jsonBody ? stringPaths(jsonBody) : []) {
            await send(method, pathOf(pathValues), operation, queryValues, withValue(baseBody, jsonBody!, path, hostile), hostile, path.join('.'), field);
          }
        }
        if (jsonBody) await send(method, pathOf(pathValues), operation, queryValues, { huge: tenMegabytes }, tenMegabytes, 'body', jsonBody);
      }
    }
    assert.ok(sent > 1000, `sent ${sent} requests`);
    assert.deepEqual(failures, []);
    assert.doesNotMatch(homeport.output, /unexpected error/, 'no request was a logged 500');
  });

  test('no stored text holds a control character, a bidirectional override or a NUL', async () => {
    const opened = await openHomeportDatabase(homeport);
    try {
      const columns = await sql<{ table_name: string; column_name: string }>`
        SELECT table_name, column_name FROM information_schema.columns
        WHERE table_schema = 'public' AND data_type IN ('text', 'character varying')`.execute(opened.db);
      const tainted: string[] = [];
      for (const { table_name: table, column_name: column } of columns.rows) {
        // The terms' text may span lines; nothing else may hold a line break or control character.
        const pattern = table === 'terms_versions' || table === 'captured_mail' || table === 'job_logs' ? '[\\x01-\\x08\\x0b\\x0c\\x0e-\\x1f\\u202a-\\u202e]' : '[\\x01-\\x1f\\u202a-\\u202e]';
        const found = await sql<{ n: string }>`SELECT count(*) AS n FROM ${sql.table(table)} WHERE ${sql.ref(column)} ~ ${pattern}`.execute(opened.db);
        if (Number(found.rows[0]?.n) > 0) tainted.push(`${table}.${column}`);
      }
      assert.deepEqual(tainted, []);
      const account = await opened.db.selectFrom('accounts').select(['name', 'email']).where('email', '=', 'customer@example.org').executeTakeFirstOrThrow();
      assert.ok(![...account.name].some((c) => c < ' ' || (c >= '\u202a' && c <= '\u202e')), account.name);
    } finally {
      await opened.close();
    }
  });
});
