// A failed connection to a customer's domain reads as a sentence ("the domain does not exist in
// DNS"), never as the system's code ("ENOTFOUND") alone (issue 19 point 8).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { networkErrorWords } from '../../src/domain/network-errors.ts';

test('common failures read as words, without their code', () => {
  assert.equal(networkErrorWords('ENOTFOUND'), 'the domain does not exist in DNS');
  assert.equal(networkErrorWords('ECONNREFUSED'), 'nothing accepts connections at that address and port');
  assert.equal(networkErrorWords('CERT_HAS_EXPIRED'), 'its certificate has expired');
  assert.equal(networkErrorWords(undefined), 'the connection failed');
});

test('a code without words of its own is still a sentence, with the code only in brackets for support', () => {
  assert.equal(networkErrorWords('HPE_INVALID_CONSTANT'), "the server's answer is not valid HTTP");
  assert.equal(networkErrorWords('ERR_SSL_SOMETHING_NEW'), 'its certificate was not accepted (ERR_SSL_SOMETHING_NEW)');
  assert.equal(networkErrorWords('EWHATEVER'), 'the connection failed (EWHATEVER)');
});
