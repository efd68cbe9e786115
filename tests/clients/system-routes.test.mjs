// The system routes (docs/api.md, "System routes"), driven with plain fetch: no Cloudflare client has them. A platform service
// manages stores on an account's behalf through /client/v4/system/accounts/{account_tag}/stores/…; its name
// becomes the store's `managed_by`, other services cannot see the store, and account tokens may read it but
// not change it.
//
// Run (tests/SecretsStore.Tests/Clients/CloudflareSdkTests.cs provisions all of this):
//   SECRETSSTORE_BASE_URL=http://127.0.0.1:8787/client/v4
//   SECRETSSTORE_ACCOUNT_ID, SECRETSSTORE_ACCOUNT_TOKEN (write), SECRETSSTORE_READ_TOKEN
//   SECRETSSTORE_SERVICE_TOKEN          a service granted the account (POST /admin/v1/services {name, scopes, accounts})
//   SECRETSSTORE_SERVICE_NAME           its name (optional; when set, managed_by must equal it)
//   SECRETSSTORE_OTHER_SERVICE_TOKEN    a second service granted the account
//   SECRETSSTORE_OTHER_ACCOUNT_ID       an account the first service is not granted (optional)
//   node --test --test-reporter=spec system-routes.test.mjs
//
// The tests share state and run in file order; `after` force-deletes what this run made.

import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { SUFFIX, assertSecret, assertStore, requireEnv } from './support.mjs';

const env = requireEnv(
  'SECRETSSTORE_BASE_URL',
  'SECRETSSTORE_ACCOUNT_ID',
  'SECRETSSTORE_ACCOUNT_TOKEN',
  'SECRETSSTORE_READ_TOKEN',
  'SECRETSSTORE_SERVICE_TOKEN',
  'SECRETSSTORE_OTHER_SERVICE_TOKEN',
);
const BASE = env.SECRETSSTORE_BASE_URL.replace(/\/$/, '');
const ACCOUNT_ID = env.SECRETSSTORE_ACCOUNT_ID;
const SYSTEM = `/system/accounts/${ACCOUNT_ID}`;
const ACCOUNT = `/accounts/${ACCOUNT_ID}/secrets_store`;
const SERVICE = env.SECRETSSTORE_SERVICE_TOKEN;
const OTHER_SERVICE = env.SECRETSSTORE_OTHER_SERVICE_TOKEN;
const WRITE = env.SECRETSSTORE_ACCOUNT_TOKEN;
const READ = env.SECRETSSTORE_READ_TOKEN;
// The account's numeric id as the service knows it. The first value a service uses for an account is kept,
// so a fixed number keeps reruns against the same service working.
const ACCOUNT_NUMBER = 4242;

const STORE_PREFIX = 'sys_routes_';
const STORE = `${STORE_PREFIX}${SUFFIX}`;
const SECRET_A = `SYS_A_${SUFFIX}`;
const SECRET_B = `SYS_B_${SUFFIX}`;
const SECRET_DUP = `SYS_DUP_${SUFFIX}`;

/** One HTTP call; answers status, headers and the parsed envelope, after checking the envelope's shape. */
async function call(method, path, token, body) {
  const headers = { Authorization: `Bearer ${token}` };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const response = await fetch(`${BASE}${path}`, {
    method,
    headers,
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await response.text();
  const where = `${method} ${path} -> ${response.status}: ${text}`;
  assert.match(response.headers.get('content-type') ?? '', /^application\/json/, `JSON answer: ${where}`);
  const json = JSON.parse(text);
  assert.equal(json.success, response.ok, `success matches the status: ${where}`);
  assert.ok(Array.isArray(json.errors) && Array.isArray(json.messages), `envelope: ${where}`);
  if (!response.ok) {
    assert.equal(json.result, null, `no result on failure: ${where}`);
    assert.ok(json.errors.length >= 1, `an error item on failure: ${where}`);
  }
  return { status: response.status, headers: response.headers, json, result: json.result, where };
}

async function expectOk(method, path, token, body, status = 200) {
  const answer = await call(method, path, token, body);
  assert.equal(answer.status, status, answer.where);
  return answer;
}

/** Asserts the status and the first error item's code and message (exact, or `message: detail`). */
async function expectError(method, path, token, body, { status, code, message, pointer }) {
  const answer = await call(method, path, token, body);
  assert.equal(answer.status, status, answer.where);
  const [item] = answer.json.errors;
  assert.equal(item.code, code, answer.where);
  assert.ok(item.message === message || item.message.startsWith(`${message}: `), answer.where);
  if (pointer !== undefined) assert.equal(item.source?.pointer, pointer, answer.where);
  if ([400, 403, 404, 409, 413].includes(status)) {
    assert.equal(answer.headers.get('x-should-retry'), 'false', `deterministic ${status} says x-should-retry: false`);
  }
  return answer;
}

const STORE_NOT_FOUND = { status: 404, code: 1001, message: 'store_not_found' };
const ACCOUNT_NOT_FOUND = { status: 404, code: 1001, message: 'account_not_found' };
const DENIED = { status: 403, code: 9109, message: 'Unauthorized to access requested resource' };
const MANAGED = { status: 403, code: 1002, message: 'store_managed_by_service' };

const state = { store: null, managedBy: null, a: null, b: null, dup: null };

function need(t, ...keys) {
  const missing = keys.filter((k) => state[k] == null);
  if (missing.length) t.skip(`needs ${missing.join(', ')} from an earlier test`);
  return missing.length === 0;
}

before(async () => {
  // Stores a crashed earlier run left behind (ours by prefix; the list shows only this service's stores).
  const listed = await expectOk('GET', `${SYSTEM}/stores?per_page=100`, SERVICE);
  for (const s of listed.result) {
    if (s.name.startsWith(STORE_PREFIX)) await expectOk('DELETE', `${SYSTEM}/stores/${s.id}?force=true`, SERVICE);
  }
});

after(async () => {
  if (state.store) {
    const gone = await call('DELETE', `${SYSTEM}/stores/${state.store.id}?force=true`, SERVICE);
    assert.ok(gone.status === 200 || gone.status === 404, gone.where);
  }
});

describe('system routes: a service manages a store on the account’s behalf', () => {
  it('POST stores needs name and an integer account_id', async () => {
    await expectError('POST', `${SYSTEM}/stores`, SERVICE, { name: STORE }, {
      status: 400,
      code: 1001,
      message: 'invalid_json_body',
      pointer: '/account_id',
    });
    await expectError('POST', `${SYSTEM}/stores`, SERVICE, { name: STORE, account_id: String(ACCOUNT_NUMBER) }, {
      status: 400,
      code: 1001,
      message: 'invalid_json_body',
      pointer: '/account_id',
    });
  });

  it('POST stores {name, account_id} makes a store managed by the calling service', async () => {
    const { result } = await expectOk('POST', `${SYSTEM}/stores`, SERVICE, { name: STORE, account_id: ACCOUNT_NUMBER });
    assert.equal(typeof result.managed_by, 'string');
    assert.ok(result.managed_by.length > 0, 'managed_by is set');
    if (process.env.SECRETSSTORE_SERVICE_NAME) assert.equal(result.managed_by, process.env.SECRETSSTORE_SERVICE_NAME);
    assertStore(result, { name: STORE, accountId: ACCOUNT_ID, managedBy: result.managed_by });
    state.store = result;
    state.managedBy = result.managed_by;
  });

  it('a different account_id for the same account later is 400 account_id_mismatch', async (t) => {
    if (!need(t, 'store')) return;
    await expectError('POST', `${SYSTEM}/stores`, SERVICE, { name: `${STORE}_x`, account_id: ACCOUNT_NUMBER + 1 }, {
      status: 400,
      code: 1001,
      message: 'account_id_mismatch',
      pointer: '/account_id',
    });
  });

  it('GET stores lists only the caller’s stores, paged with result_info', async (t) => {
    if (!need(t, 'store')) return;
    const { json } = await expectOk('GET', `${SYSTEM}/stores`, SERVICE);
    assert.ok(json.result.some((s) => s.id === state.store.id), 'our store is listed');
    assert.ok(json.result.every((s) => s.managed_by === state.managedBy), 'only stores this service manages');
    const info = json.result_info;
    assert.equal(info.page, 1);
    assert.equal(info.count, json.result.length);
    assert.ok(info.total_count >= 1 && Number.isInteger(info.total_pages) && Number.isInteger(info.per_page));
    // A page past the end is 200 with an empty result.
    const past = await expectOk('GET', `${SYSTEM}/stores?page=${info.total_pages + 1}`, SERVICE);
    assert.deepEqual(past.result, []);
  });

  it('GET stores/{id} answers the store', async (t) => {
    if (!need(t, 'store')) return;
    const { result } = await expectOk('GET', `${SYSTEM}/stores/${state.store.id}`, SERVICE);
    assert.deepEqual(result, state.store);
  });

  it('POST secrets makes secrets in request order, without values', async (t) => {
    if (!need(t, 'store')) return;
    const { result } = await expectOk('POST', `${SYSTEM}/stores/${state.store.id}/secrets`, SERVICE, [
      { name: SECRET_A, value: `sys-a-${SUFFIX}`, scopes: ['workers', 'ai_gateway'], comment: 'by service' },
      { name: SECRET_B, value: `sys-b-${SUFFIX}`, scopes: ['workers'] },
    ]);
    assert.ok(Array.isArray(result) && result.length === 2);
    assertSecret(result[0], { name: SECRET_A, storeId: state.store.id, scopes: ['ai_gateway', 'workers'], comment: 'by service' });
    assertSecret(result[1], { name: SECRET_B, storeId: state.store.id, scopes: ['workers'] });
    [state.a, state.b] = result;
  });

  it('GET secrets lists them; GET secrets/{id} answers one', async (t) => {
    if (!need(t, 'store', 'a', 'b')) return;
    const secrets = `${SYSTEM}/stores/${state.store.id}/secrets`;
    const { json } = await expectOk('GET', `${secrets}?order=name&direction=asc`, SERVICE);
    assert.deepEqual(json.result, [state.a, state.b]);
    assert.equal(json.result_info.total_count, 2);
    const { result } = await expectOk('GET', `${secrets}/${state.a.id}`, SERVICE);
    assert.deepEqual(result, state.a);
  });

  it('PATCH secrets/{id} changes comment and scopes', async (t) => {
    if (!need(t, 'store', 'a')) return;
    const { result } = await expectOk('PATCH', `${SYSTEM}/stores/${state.store.id}/secrets/${state.a.id}`, SERVICE, {
      comment: 'patched',
      scopes: ['dex', 'workers'],
      value: `sys-a2-${SUFFIX}`,
    });
    assertSecret(result, { name: SECRET_A, storeId: state.store.id, scopes: ['dex', 'workers'], comment: 'patched' });
    assert.equal(result.created, state.a.created);
    state.a = result;
  });

  it('POST secrets/{id}/duplicate makes a copy with a new id', async (t) => {
    if (!need(t, 'store', 'a')) return;
    const { result } = await expectOk('POST', `${SYSTEM}/stores/${state.store.id}/secrets/${state.a.id}/duplicate`, SERVICE, {
      name: SECRET_DUP,
      scopes: ['workers'],
    });
    assertSecret(result, { name: SECRET_DUP, storeId: state.store.id, scopes: ['workers'] });
    assert.notEqual(result.id, state.a.id);
    state.dup = result;
  });
});

describe('system routes: who may see and change a managed store', () => {
  it('another service gets 404 store_not_found for every route of it, and does not list it', async (t) => {
    if (!need(t, 'store', 'a')) return;
    const store = `${SYSTEM}/stores/${state.store.id}`;
    await expectError('GET', store, OTHER_SERVICE, undefined, STORE_NOT_FOUND);
    await expectError('GET', `${store}/secrets`, OTHER_SERVICE, undefined, STORE_NOT_FOUND);
    await expectError('GET', `${store}/secrets/${state.a.id}`, OTHER_SERVICE, undefined, STORE_NOT_FOUND);
    await expectError('PATCH', `${store}/secrets/${state.a.id}`, OTHER_SERVICE, { comment: 'x' }, STORE_NOT_FOUND);
    await expectError('POST', `${store}/secrets`, OTHER_SERVICE, [{ name: 'X', value: 'v', scopes: ['workers'] }], STORE_NOT_FOUND);
    await expectError('DELETE', `${store}/secrets`, OTHER_SERVICE, { ids: [state.a.id] }, STORE_NOT_FOUND);
    await expectError('DELETE', `${store}?force=true`, OTHER_SERVICE, undefined, STORE_NOT_FOUND);
    const { result } = await expectOk('GET', `${SYSTEM}/stores`, OTHER_SERVICE);
    assert.ok(!result.some((s) => s.id === state.store.id), 'not in the other service’s list');
  });

  it('account tokens on the system routes are 403 9109, read or write', async (t) => {
    if (!need(t, 'store')) return;
    for (const token of [READ, WRITE]) {
      await expectError('GET', `${SYSTEM}/stores`, token, undefined, DENIED);
      await expectError('GET', `${SYSTEM}/stores/${state.store.id}`, token, undefined, DENIED);
      await expectError('POST', `${SYSTEM}/stores`, token, { name: `${STORE}_y`, account_id: ACCOUNT_NUMBER }, DENIED);
    }
  });

  it('an account the service is not granted answers 404 account_not_found, exactly as one that does not exist', async (t) => {
    const other = process.env.SECRETSSTORE_OTHER_ACCOUNT_ID;
    if (!other) return t.skip('needs SECRETSSTORE_OTHER_ACCOUNT_ID');
    const nowhere = '0123456789abcdef0123456789abcdef';
    for (const [method, path, body] of [
      ['GET', '/stores', undefined],
      ['POST', '/stores', { name: `${STORE}_z`, account_id: ACCOUNT_NUMBER }],
      ['GET', `/stores/${nowhere}/secrets/${nowhere}/value`, undefined],
    ]) {
      const ungranted = await expectError(method, `/system/accounts/${other}${path}`, SERVICE, body, ACCOUNT_NOT_FOUND);
      const missing = await expectError(method, `/system/accounts/${nowhere}${path}`, SERVICE, body, ACCOUNT_NOT_FOUND);
      assert.deepEqual(ungranted.json, missing.json, `${method} ${path}: the same envelope`);
    }
  });

  it('a service token on the account routes is 403 9109', async () => {
    await expectError('GET', `${ACCOUNT}/stores`, SERVICE, undefined, DENIED);
  });

  it('account tokens read the managed store and its secrets’ metadata through the account routes', async (t) => {
    if (!need(t, 'store', 'a', 'b', 'dup')) return;
    const { result: store } = await expectOk('GET', `${ACCOUNT}/stores/${state.store.id}`, READ);
    assert.equal(store.managed_by, state.managedBy);
    const { result: secrets } = await expectOk('GET', `${ACCOUNT}/stores/${state.store.id}/secrets?order=name&direction=asc`, READ);
    // SYS_A_ < SYS_B_ < SYS_DUP_ by name.
    assert.deepEqual(secrets, [state.a, state.b, state.dup], 'the same metadata the service sees, no values');
    const { result: one } = await expectOk('GET', `${ACCOUNT}/stores/${state.store.id}/secrets/${state.a.id}`, WRITE);
    assert.deepEqual(one, state.a);
  });

  it('an account write token changing the managed store is 403 1002 store_managed_by_service, and nothing changes', async (t) => {
    if (!need(t, 'store', 'a', 'b')) return;
    const store = `${ACCOUNT}/stores/${state.store.id}`;
    await expectError('POST', `${store}/secrets`, WRITE, [{ name: `SYS_NO_${SUFFIX}`, value: 'v', scopes: ['workers'] }], MANAGED);
    await expectError('PATCH', `${store}/secrets/${state.a.id}`, WRITE, { comment: 'account' }, MANAGED);
    await expectError('POST', `${store}/secrets/${state.a.id}/duplicate`, WRITE, { name: `SYS_NO2_${SUFFIX}`, scopes: ['workers'] }, MANAGED);
    await expectError('DELETE', `${store}/secrets/${state.a.id}`, WRITE, undefined, MANAGED);
    await expectError('DELETE', `${store}/secrets`, WRITE, { ids: [state.b.id] }, MANAGED);
    await expectError('DELETE', `${store}?force=true`, WRITE, undefined, MANAGED);

    const { result } = await expectOk('GET', `${SYSTEM}/stores/${state.store.id}/secrets?order=name&direction=asc`, SERVICE);
    assert.equal(result.length, 3, 'still three secrets');
    assert.deepEqual(result.find((s) => s.id === state.a.id), state.a, 'secret A unchanged');
  });
});

describe('system routes: deletes', () => {
  it('DELETE secrets/{id} answers 202 with result null', async (t) => {
    if (!need(t, 'store', 'a')) return;
    const secret = `${SYSTEM}/stores/${state.store.id}/secrets/${state.a.id}`;
    const { result } = await expectOk('DELETE', secret, SERVICE, undefined, 202);
    assert.equal(result, null);
    await expectError('GET', secret, SERVICE, undefined, { status: 404, code: 1001, message: 'secret_not_found' });
    state.a = null;
  });

  it('DELETE secrets (bulk) needs a body, then deletes exactly the given ids', async (t) => {
    if (!need(t, 'store', 'b', 'dup')) return;
    const secrets = `${SYSTEM}/stores/${state.store.id}/secrets`;
    await expectError('DELETE', secrets, SERVICE, undefined, { status: 400, code: 1001, message: 'invalid_json_body' });
    const { result } = await expectOk('DELETE', secrets, SERVICE, { ids: [state.dup.id] }, 202);
    assert.equal(result, null);
    const left = await expectOk('GET', secrets, SERVICE);
    assert.deepEqual(left.result.map((s) => s.id), [state.b.id], 'only the duplicate is gone');
    state.dup = null;
  });

  it('DELETE stores/{id}: 409 store_not_empty without force, 200 with force=true, then 404', async (t) => {
    if (!need(t, 'store')) return;
    const store = `${SYSTEM}/stores/${state.store.id}`;
    await expectError('DELETE', store, SERVICE, undefined, { status: 409, code: 1003, message: 'store_not_empty' });
    const { result } = await expectOk('DELETE', `${store}?force=true`, SERVICE);
    assert.equal(result, null);
    await expectError('GET', store, SERVICE, undefined, STORE_NOT_FOUND);
    await expectError('GET', `${ACCOUNT}/stores/${state.store.id}`, READ, undefined, STORE_NOT_FOUND);
    state.store = null;
  });
});
