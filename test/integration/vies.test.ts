// Live VAT ID checks with VIES (HOMEPORT_VIES_URL), against a real Homeport and PostgreSQL.
// VIES itself cannot be reached from these machines, so this test runs a small loopback HTTP
// server speaking VIES's documented REST shape (POST {base}/check-vat-number with
// {countryCode, vatNumber, requesterMemberStateCode?, requesterNumber?} answering
// {valid, name, address, requestDate, requestIdentifier, ...}, and its error answers
// {actionSucceed: false, errorWrappers: [{error: 'MS_UNAVAILABLE' | 'INVALID_INPUT' | ...}]}):
// a stand-in for an external service, like stripe-mock for Stripe. It covers a valid number
// (saved with its evidence, reverse charge, shown to the operator, audited), a number VIES does not
// know (422, nothing saved), VIES unavailable and VIES too slow (503, nothing saved, no reverse
// charge), and no new check when the VAT ID stays the same.
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { HomeportProcess } from '../support/homeport-process.ts';
import { assertProblem, createOperatorToken, withHomeportDb } from '../support/billing-tests.ts';

type Body = Record<string, unknown>;
interface ViesRequest { path: string; body: Body }

/** What the stand-in answers per VAT number (without prefix). */
const answers: Record<string, { status: number; delayMs?: number; body: Body }> = {
  '40303265045': { status: 200, body: { countryCode: 'FR', vatNumber: '40303265045', requestDate: '2026-11-29T05:30:00.000Z', valid: true, requestIdentifier: 'WAPIAAAAZ1abc123', name: 'SOCIETE EXEMPLE SA', address: '1 RUE DE RIVOLI\n75001 PARIS', traderName: '---', traderCompanyType: '---', traderAddress: '---', userError: 'VALID' } },
  '99999999999': { status: 200, body: { countryCode: 'FR', vatNumber: '99999999999', requestDate: '2026-11-29T05:30:00.000Z', valid: false, requestIdentifier: '', name: '---', address: '---', userError: 'INVALID' } },
  '123456789': { status: 500, body: { actionSucceed: false, errorWrappers: [{ error: 'MS_UNAVAILABLE', message: 'The application at the Member State is not replying or not available.' }] } },
  '100000000': { status: 200, delayMs: 3000, body: { valid: true, requestDate: '2026-11-29', name: 'SLOW GMBH', address: '---' } },
};

describe('VAT IDs checked with VIES', () => {
  let vies: Server;
  const requests: ViesRequest[] = [];
  let homeport: HomeportProcess;
  let operator: string;
  let customer: string;

  before(async () => {
    vies = createServer((request, response) => {
      let raw = '';
      request.on('data', (chunk: Buffer) => { raw += chunk.toString(); });
      request.on('end', () => {
        const body = JSON.parse(raw || '{}') as Body;
        requests.push({ path: request.url ?? '', body });
        const answer = request.method === 'POST' && request.url === '/taxation_customs/vies/rest-api/check-vat-number' ? answers[String(body.vatNumber)] : undefined;
        const reply = answer ?? { status: 400, body: { actionSucceed: false, errorWrappers: [{ error: 'INVALID_INPUT' }] } };
        setTimeout(() => response.writeHead(reply.status, { 'content-type': 'application/json' }).end(JSON.stringify(reply.body)), reply.delayMs ?? 0);
      });
    });
    await new Promise<void>((done) => vies.listen(0, '127.0.0.1', done));
    const { port } = vies.address() as AddressInfo;
    homeport = await HomeportProcess.create('vies', {
      HOMEPORT_VIES_URL: `http://127.0.0.1:${port}/taxation_customs/vies/rest-api/`,
      HOMEPORT_VIES_TIMEOUT_MS: '1000',
      HOMEPORT_VIES_REQUESTER_VAT_ID: 'DE123456789',
    });
    await homeport.start();
    operator = await createOperatorToken(homeport);
    // A consumer in Germany (the seller's country) until a VAT ID of another member state is saved.
    customer = await homeport.createAccount('vies@example.org');
  });
  after(async () => {
    await homeport?.cleanup();
    vies?.closeAllConnections();
    await new Promise((done) => vies?.close(done));
  });

  const saveVatId = (vatId: string | null) => homeport.api<Body>('PATCH', '/api/v1/account', { token: customer, body: { companyName: 'Société Exemple SA', vatId } });
  const stored = () => withHomeportDb(homeport, (db) => db.selectFrom('accounts').select(['vat_id', 'vies_vat_id', 'vies_request_identifier']).where('email', '=', 'vies@example.org').executeTakeFirstOrThrow());
  const tax = async () => (await homeport.api<{ tax: { ratePercent: number; reverseCharge: boolean } }>('GET', '/api/v1/billing', { token: customer })).body.tax;

  test('a VAT ID VIES does not know is refused with 422 and nothing is saved', async () => {
    const refused = assertProblem(await saveVatId('FR 99 999999999'), 422, /VIES does not know the VAT ID FR99999999999/);
    assert.equal(refused.type, 'urn:homeport:problem:vat-id-unknown');
    assert.deepEqual(refused.errors, [{ field: 'vatId', message: 'VIES does not know the VAT ID FR99999999999: the member state\'s registry has no such number.' }]);
    const last = requests.at(-1)!;
    assert.equal(last.path, '/taxation_customs/vies/rest-api/check-vat-number');
    assert.deepEqual(last.body, { countryCode: 'FR', vatNumber: '99999999999', requesterMemberStateCode: 'DE', requesterNumber: '123456789' });
    assert.deepEqual(await stored(), { vat_id: null, vies_vat_id: null, vies_request_identifier: null });
    assert.deepEqual(await tax(), { ratePercent: 19, reverseCharge: false, note: null });
  });

  test('VIES unavailable or too slow: 503 "try again", nothing saved, no reverse charge', async () => {
    const unavailable = assertProblem(await saveVatId('DE123456789'), 503, /MS_UNAVAILABLE.*try again/);
    assert.equal(unavailable.type, 'urn:homeport:problem:vies-unavailable');
    const slow = await saveVatId('DE100000000');
    assertProblem(slow, 503, /did not answer within 1000 ms.*try again/);
    assert.ok(slow.headers.get('retry-after'), 'a Retry-After header');
    assert.deepEqual(await stored(), { vat_id: null, vies_vat_id: null, vies_request_identifier: null });
    assert.equal((await tax()).reverseCharge, false);
  });

  test('a valid VAT ID is saved with the evidence of the check, gets reverse charge, and is shown to the operator', async () => {
    const saved = await saveVatId('FR40303265045');
    assert.equal(saved.status, 200, JSON.stringify(saved.body));
    assert.equal(saved.body.vatId, 'FR40303265045');
    assert.deepEqual(await stored(), { vat_id: 'FR40303265045', vies_vat_id: 'FR40303265045', vies_request_identifier: 'WAPIAAAAZ1abc123' });
    const treatment = await tax();
    assert.equal(treatment.reverseCharge, true);
    assert.equal(treatment.ratePercent, 0);

    const own = await homeport.api<{ vatId: string; vatIdCheck: { checkedAt: string; requestIdentifier: string | null } | null }>('GET', '/api/v1/account', { token: customer });
    assert.equal(own.body.vatId, 'FR40303265045');
    assert.equal(own.body.vatIdCheck?.requestIdentifier, 'WAPIAAAAZ1abc123', 'the customer sees that VIES confirmed the number');
    const accounts = await homeport.api<{ accounts: { email: string; vatId: string | null; viesCheck: Body | null }[] }>('GET', '/api/v1/operator/accounts?search=vies%40example.org', { token: operator });
    const account = accounts.body.accounts.find((a) => a.email === 'vies@example.org');
    assert.ok(account, JSON.stringify(accounts.body));
    assert.equal(account.vatId, 'FR40303265045');
    assert.deepEqual({ ...account.viesCheck, checkedAt: undefined }, {
      vatId: 'FR40303265045', current: true, checkedAt: undefined, requestDate: '2026-11-29T05:30:00.000Z', requestIdentifier: 'WAPIAAAAZ1abc123', name: 'SOCIETE EXEMPLE SA', address: '1 RUE DE RIVOLI\n75001 PARIS',
    });
    const audit = await homeport.api<{ entries: { action: string; details: Body }[] }>('GET', '/api/v1/operator/audit-log?limit=20', { token: operator });
    const verified = audit.body.entries.find((entry) => entry.action === 'account.vat-id-verified');
    assert.ok(verified, 'the check is in the audit log');
    assert.equal(verified.details.requestIdentifier, 'WAPIAAAAZ1abc123');
    assert.equal(verified.details.vatId, 'FR40303265045');
  });

  test('changing the address with the same VAT ID asks VIES nothing; clearing it ends reverse charge', async () => {
    const asked = requests.length;
    const moved = await homeport.api<Body>('PATCH', '/api/v1/account', { token: customer, body: { billingAddress: { line1: 'Rue de la Paix 2', postalCode: '75002', city: 'Paris', country: 'FR' } } });
    assert.equal(moved.status, 200, JSON.stringify(moved.body));
    assert.equal(requests.length, asked, 'no second check of a number VIES confirmed');
    assert.equal((await tax()).reverseCharge, true);
    const cleared = await saveVatId(null);
    assert.equal(cleared.status, 200, JSON.stringify(cleared.body));
    assert.deepEqual(await tax(), { ratePercent: 20, reverseCharge: false, note: null });
    assert.equal(requests.length, asked);
  });

  test('an account whose VAT ID VIES never confirmed can change its other details while VIES is unavailable', async () => {
    const legacy = await homeport.createAccount('legacy-vat@example.org');
    // Saved before HOMEPORT_VIES_URL was set: VIES answers MS_UNAVAILABLE for this number.
    await withHomeportDb(homeport, (db) => db.updateTable('accounts').set({ vat_id: 'DE123456789', company_name: 'Legacy GmbH' }).where('email', '=', 'legacy-vat@example.org').execute());
    const renamed = await homeport.api<Body>('PATCH', '/api/v1/account', { token: legacy, body: { name: 'Renamed', vatId: 'DE123456789' } });
    assert.equal(renamed.status, 200, JSON.stringify(renamed.body));
    const row = await withHomeportDb(homeport, (db) => db.selectFrom('accounts').select(['name', 'vat_id', 'vies_vat_id']).where('email', '=', 'legacy-vat@example.org').executeTakeFirstOrThrow());
    assert.deepEqual(row, { name: 'Renamed', vat_id: 'DE123456789', vies_vat_id: null });
    const own = await homeport.api<{ vatIdCheck: unknown }>('GET', '/api/v1/account', { token: legacy });
    assert.equal(own.body.vatIdCheck, null, 'an unconfirmed VAT ID shows no confirmation');
    const sameNumber = await homeport.api<Body>('PATCH', '/api/v1/account', { token: legacy, body: { vatId: 'DE 123 456 789' } });
    assert.equal(sameNumber.status, 200, JSON.stringify(sameNumber.body));
  });
});
