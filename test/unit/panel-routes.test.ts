// The panel's route matching: which page a path opens, and with which parameters.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { matchPath } from '../../src/web/route-match.ts';

test('matches a pattern and decodes its parameters', () => {
  assert.deepEqual(matchPath('/hosts/:id/users', '/hosts/acme/users'), { id: 'acme' });
  assert.deepEqual(matchPath('/hosts/:id/jobs/:jobId', '/hosts/acme/jobs/1f2e'), { id: 'acme', jobId: '1f2e' });
  assert.deepEqual(matchPath('/operator/jobs/:id', '/operator/jobs/a%20b'), { id: 'a b' });
  assert.deepEqual(matchPath('/', '/'), {});
});

test('does not match other paths, longer or shorter ones, or broken escapes', () => {
  assert.equal(matchPath('/hosts/:id', '/hosts/acme/users'), undefined);
  assert.equal(matchPath('/hosts/:id/users', '/hosts/acme'), undefined);
  assert.equal(matchPath('/hosts/new', '/hosts/acme'), undefined);
  assert.equal(matchPath('/hosts/:id', '/hosts/%E0%A4%A'), undefined);
});

test('tolerates trailing slashes', () => {
  assert.deepEqual(matchPath('/account', '/account/'), {});
});
