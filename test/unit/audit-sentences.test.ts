// The audit log reads as sentences with emails and hostnames, and never shows a secret.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { auditSentence, hasAuditSentence, type AuditFacts } from '../../src/domain/audit-sentences.ts';

const facts = (action: string, more: Partial<AuditFacts> = {}): AuditFacts => ({
  actor: 'customer', actorEmail: 'alice@example.org', action, hostName: null, subjectEmail: null, details: {}, ...more,
});

test('names the acting account by its email and the host by its server name', () => {
  assert.equal(
    auditSentence(facts('host.user.add', { hostName: 'chat.example.org', details: { userId: '@bob:chat.example.org', admin: true, displayName: null } })),
    'alice@example.org added @bob:chat.example.org as a server admin on chat.example.org.',
  );
  assert.equal(auditSentence(facts('host.seats', { hostName: 'chat.example.org', details: { from: 5, to: 8 } })), 'alice@example.org changed the seats of chat.example.org from 5 to 8.');
  assert.equal(
    auditSentence(facts('host.created', { hostName: 'chat.example.org', details: { label: 'chat', size: 'starter', seats: 1, invoice: 'HP-2026-0001' } })),
    'alice@example.org bought chat.example.org (size starter, 1 seat, invoice HP-2026-0001).',
  );
});

test('says who acted when no account did, and whom an operator acted on', () => {
  assert.equal(auditSentence(facts('host.cancelled', { actor: 'homeport', actorEmail: null, hostName: 'chat.example.org' })), 'Homeport finished removing chat.example.org.');
  assert.equal(auditSentence(facts('account.suspended', { actor: 'operator', actorEmail: 'op@example.org', details: { accountId: 'x', email: 'linus@example.org' } })), 'op@example.org suspended the account linus@example.org.');
  assert.equal(auditSentence(facts('token.created', { actor: 'operator-cli', actorEmail: null, subjectEmail: 'grace@example.org', details: { accountId: 'x', tokenId: 'y' } })), 'An operator on the command line created an API token for grace@example.org.');
  assert.equal(auditSentence(facts('invoice.paid', { actor: 'homeport', actorEmail: null, details: { invoiceId: 'x', number: 'HP-1', by: 'card' } })), 'Invoice HP-1 was paid by card.');
  assert.equal(auditSentence(facts('invoice.paid', { actor: 'operator', actorEmail: 'op@example.org', details: { invoiceId: 'x', number: 'HP-1', by: 'transfer' } })), 'op@example.org marked invoice HP-1 as paid by bank transfer.');
  assert.equal(auditSentence(facts('invoice.paid', { actor: 'operator', actorEmail: 'op@example.org', hostName: 'chat.example.org', details: { invoiceId: 'x', number: 'HP-1', by: 'transfer' } })), 'op@example.org marked invoice HP-1 of chat.example.org as paid by bank transfer.');
});

test('a host that is gone is named by the label the entry kept', () => {
  assert.equal(auditSentence(facts('host.cancel', { details: { label: 'chat', billing: 'credit' } })), 'alice@example.org cancelled the host “chat”.');
  assert.equal(auditSentence(facts('host.rebuild')), 'alice@example.org rebuilt a host.');
});

test('an action without a template is still a sentence, without its details', () => {
  const sentence = auditSentence(facts('host.something-new', { hostName: 'chat.example.org', details: { note: 'visible?' } }));
  assert.equal(sentence, 'alice@example.org: host something new on chat.example.org.');
});

test('a value someone typed cannot break the sentence across lines', () => {
  const sentence = auditSentence(facts('token.created', { details: { name: 'ci\n\nop@example.org suspended everyone' } }));
  assert.equal(sentence.includes('\n'), false);
});

test('never shows a secret, whatever the details hold, for every action the code records', () => {
  const secret = 'S3CRET-value-never-shown';
  const details = {
    password: secret, clientSecret: secret, secret, accessToken: secret, key: secret, recoveryCodes: [secret], passphrase: secret,
    token: 'ab…(24 characters)', userId: '@bob:chat.example.org', label: 'chat', provider: 'google', email: 'linus@example.org',
  };
  const recorded = recordedActions();
  assert.ok(recorded.size > 40, `found only ${recorded.size} audited actions in src`);
  for (const action of recorded) {
    assert.ok(hasAuditSentence(action), `no sentence for the audited action ${action}`);
    for (const actor of ['customer', 'operator', 'homeport', 'stripe', 'operator-cli']) {
      const sentence = auditSentence(facts(action, { actor, hostName: 'chat.example.org', details }));
      assert.equal(sentence.includes(secret), false, `${action}: ${sentence}`);
      assert.match(sentence, /^[A-Za-z].*\.$/, `${action} is not a sentence: ${sentence}`);
      assert.equal(/undefined|null|\[object/.test(sentence), false, `${action}: ${sentence}`);
    }
  }
});

/** Every action string the code passes to recordAudit (and the ones chosen by a condition). */
function recordedActions(): Set<string> {
  const found = new Set<string>();
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (path.endsWith('.ts')) {
        const source = readFileSync(path, 'utf8');
        if (!source.includes('recordAudit')) continue;
        for (const match of source.matchAll(/'((?:host|account|two-factor|token|terms|billing|invoice|card-charge|coupon|subscription|synapse|import-upload|operator)\.[a-z.-]+)'/g)) found.add(match[1]!);
      }
    }
  };
  walk(new URL('../../src', import.meta.url).pathname);
  return found;
}
