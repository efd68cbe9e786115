// Shared by the client suites: settings from the environment, and the shape checks for stores and secrets
// (docs/api.md, "Objects") that every route family must pass, whichever client made the call.

import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';

/** 32 lowercase hex characters (docs/api.md, "Requests and answers"). */
export const HEX32 = /^[0-9a-f]{32}$/;
/** RFC 3339 UTC with microseconds (docs/api.md, "Requests and answers"). */
export const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;
/** Guard for paging loops: a server that ignored `page` would otherwise be paged forever. */
export const MAX_ITEMS = 2_000;
/** Random per run, so names never collide with an earlier run against the same service. */
export const SUFFIX = randomBytes(4).toString('hex');

/** Reads the named environment variables; throws one error naming every missing one. */
export function requireEnv(...names) {
  const missing = names.filter((n) => !process.env[n]);
  if (missing.length) {
    throw new Error(`set ${missing.join(', ')} (tests/SecretsStore.Tests/Clients/CloudflareSdkTests.cs shows how to provision them)`);
  }
  return Object.fromEntries(names.map((n) => [n, process.env[n]]));
}

export function assertSortedUnique(arr, what) {
  assert.deepEqual(arr, [...arr].sort(), `${what} must be sorted ascending`);
  assert.equal(new Set(arr).size, arr.length, `${what} must have no duplicates`);
}

/** A store as docs/api.md, "Objects" describes it; `managedBy` null for stores made through the account routes. */
export function assertStore(store, { name, accountId, managedBy = null }) {
  assert.equal(typeof store, 'object');
  assert.notEqual(store, null);
  assert.match(store.id, HEX32, 'store id is 32 lowercase hex');
  // wrangler crashes on a store without `name`.
  assert.equal(store.name, name);
  assert.equal(store.account_id, accountId.toLowerCase());
  assert.match(store.created, TIMESTAMP, 'store.created');
  assert.match(store.modified, TIMESTAMP, 'store.modified');
  assert.ok('managed_by' in store, 'managed_by is present (extension)');
  assert.equal(store.managed_by, managedBy, 'managed_by');
}

/** A secret as docs/api.md, "Objects" describes it: metadata only, never a value. */
export function assertSecret(secret, { name, storeId, scopes, comment = null }) {
  assert.equal(typeof secret, 'object');
  assert.notEqual(secret, null);
  assert.match(secret.id, HEX32, 'secret id is 32 lowercase hex');
  assert.equal(secret.name, name);
  assert.equal(secret.store_id, storeId);
  assert.match(secret.created, TIMESTAMP, 'secret.created');
  assert.match(secret.modified, TIMESTAMP, 'secret.modified');
  // Our rule: `active` once the create is durable (Cloudflare shows `pending` for a while).
  assert.equal(secret.status, 'active');
  // wrangler crashes on a secret without `scopes`: always there, sorted ascending, no duplicates.
  assert.ok(Array.isArray(secret.scopes), 'scopes is an array');
  assertSortedUnique(secret.scopes, 'scopes');
  if (scopes) assert.deepEqual(secret.scopes, [...new Set(scopes)].sort());
  // `comment` is present and null when never set, not merely absent.
  assert.ok('comment' in secret, 'comment field present');
  assert.equal(secret.comment, comment);
  // The value is write-only: no account or system route returns it.
  assert.ok(!('value' in secret), 'a secret never carries a value field');
}
