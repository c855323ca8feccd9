// EU VAT ID formats, checked by country prefix.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkVatId, normalizeVatId } from '../../src/domain/vat-id.ts';

const valid = ['DE123456789', 'ATU12345678', 'FR40303265045', 'NL123456789B01', 'BE0123456789', 'EL123456789', 'ESX1234567X', 'ES12345678Z', 'IE1234567WA', 'IE1S23456T', 'SE123456789001', 'CY12345678L', 'XIGD123', 'IT12345678901', 'PL1234567890'];
const invalid: [string, RegExp][] = [
  ['DE12345678', /format of a VAT ID with the prefix DE/],
  ['ATU1234567', /format of a VAT ID with the prefix AT/],
  ['NL123456789', /format of a VAT ID with the prefix NL/],
  ['ES123456789', /format of a VAT ID with the prefix ES/],
  ['SE1234567890', /format of a VAT ID with the prefix SE/],
  ['GR123456789', /start with EL/],
  ['US123456789', /EU country prefix/],
  ['123456789', /EU country prefix/],
  ['', /EU country prefix/],
];

for (const id of valid) {
  test(`accepts ${id}`, () => assert.deepEqual(checkVatId(id), { ok: true, vatId: id, prefix: id.slice(0, 2) }));
}

for (const [id, reason] of invalid) {
  test(`refuses "${id}"`, () => {
    const check = checkVatId(id);
    assert.equal(check.ok, false);
    if (!check.ok) assert.match(check.reason, reason);
  });
}

test('ignores case, spaces, dots and hyphens', () => {
  assert.equal(normalizeVatId(' de 123.456-789 '), 'DE123456789');
  assert.deepEqual(checkVatId('de 123 456 789'), { ok: true, vatId: 'DE123456789', prefix: 'DE' });
});
