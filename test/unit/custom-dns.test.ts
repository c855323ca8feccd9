// The rules for a host's custom homeserver and client domains.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkCustomDns, normaliseDomain } from '../../src/domain/custom-dns.ts';

const base = 'homeport.example';

test('accepts domain names, lower-cased and without a trailing dot', () => {
  assert.deepEqual(normaliseDomain('Example.COM.', base), { domain: 'example.com' });
  assert.deepEqual(normaliseDomain('chat.my-company.co.uk', base), { domain: 'chat.my-company.co.uk' });
});

test('turns internationalised names into punycode', () => {
  assert.deepEqual(normaliseDomain('bücher.example', base), { domain: 'xn--bcher-kva.example' });
  assert.deepEqual(normaliseDomain('chat.例え.jp', base), { domain: 'chat.xn--r8jz45g.jp' });
});

test('names the problem of each bad domain', () => {
  const cases: [string, string][] = [
    ['', 'not-a-domain'], ['exa mple.com', 'not-a-domain'], ['https://example.com', 'not-a-domain'], ['example.com/x', 'not-a-domain'],
    ['user@example.com', 'not-a-domain'], ['-bad.example.com', 'not-a-domain'], ['under_score.example.com', 'not-a-domain'],
    ['localhost', 'single-label'], ['127.0.0.1', 'numeric-top-level'],
    [`${'a'.repeat(64)}.example.com`, 'label-too-long'], [`${'abcdefghi.'.repeat(26)}com`, 'too-long'],
    ['homeport.example', 'under-base-domain'], ['acme.homeport.example', 'under-base-domain'], ['ACME.Homeport.Example.', 'under-base-domain'],
  ];
  for (const [raw, problem] of cases) assert.deepEqual(normaliseDomain(raw, base), { problem }, raw);
});

test('a name merely ending like the base domain is not under it', () => {
  assert.deepEqual(normaliseDomain('myhomeport.example', base), { domain: 'myhomeport.example' });
});

test('both domains must be valid and differ', () => {
  assert.deepEqual(checkCustomDns({ homeserverDomain: 'Example.com', clientDomain: 'chat.example.com' }, base), {
    customDns: { homeserverDomain: 'example.com', clientDomain: 'chat.example.com' },
  });
  const same = checkCustomDns({ homeserverDomain: 'example.com', clientDomain: 'EXAMPLE.com.' }, base);
  assert.ok('problems' in same);
  assert.deepEqual(same.problems.map((p) => p.problem), ['same-domains']);
  const both = checkCustomDns({ homeserverDomain: 'nope', clientDomain: 'x.homeport.example' }, base);
  assert.ok('problems' in both);
  assert.deepEqual(both.problems.map((p) => [p.field, p.problem]), [['homeserverDomain', 'single-label'], ['clientDomain', 'under-base-domain']]);
  assert.match(both.problems[0]?.message ?? '', /^The homeserver domain "nope" needs at least two parts/);
});
