// Smoke test: drive a running SecretsStore through the official `cloudflare` SDK (pinned 7.3.0).
//
// Why: the service promises that Cloudflare's own client works by changing only the base URL and
// token (spec/API.md §7). Unit tests of the server cannot prove that; only the real SDK can, because
// it has its own opinions about envelopes, status codes, paging and retries.
//
// Run:   SECRETSSTORE_BASE_URL=http://127.0.0.1:8787/client/v4 \
//        SECRETSSTORE_ACCOUNT_ID=<32 hex> SECRETSSTORE_ACCOUNT_TOKEN=<write token> npm test
//
// The tests share state and run in file order (node:test runs the `it`s of a `describe` one after
// another). Every name carries a random suffix so runs never collide, and `after` force-deletes
// whatever this run created, because the default store quota is 1: a store left behind would make
// the next run's `stores.create` fail with maximum_stores_exceeded.

import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import Cloudflare from 'cloudflare';

const BASE_URL = process.env.SECRETSSTORE_BASE_URL;
const ACCOUNT_ID = process.env.SECRETSSTORE_ACCOUNT_ID;
const TOKEN = process.env.SECRETSSTORE_ACCOUNT_TOKEN;

// Every store this suite makes starts with this prefix; `before` removes leftovers of crashed runs.
const STORE_PREFIX = 'sdk_smoke_';
const SUFFIX = randomBytes(4).toString('hex');
const STORE_NAME = `${STORE_PREFIX}${SUFFIX}`;
const SECRET_A = `SDK_SMOKE_A_${SUFFIX}`; // has a comment
const SECRET_B = `SDK_SMOKE_B_${SUFFIX}`; // no comment: must come back as null
const SECRET_DUP = `SDK_SMOKE_DUP_${SUFFIX}`;
const SECRET_C = `SDK_SMOKE_C_${SUFFIX}`; // made late, to prove delete-store `force=true` cascades

const HEX32 = /^[0-9a-f]{32}$/;
// API.md §1: RFC 3339 UTC with microseconds.
const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;
// Guard for `for await` loops: if the server ignored `page` the SDK would page forever.
const MAX_ITEMS = 2_000;

// maxRetries: 0 so a server that forgets `x-should-retry: false` or answers 5xx fails fast and
// visibly here instead of being papered over by the SDK's silent retries.
const client = new Cloudflare({ apiToken: TOKEN, baseURL: BASE_URL, maxRetries: 0 });

/** Drain an SDK list (auto-paginating) into an array; fails instead of looping forever. */
async function collect(pagePromise) {
  const items = [];
  for await (const item of pagePromise) {
    items.push(item);
    assert.ok(items.length <= MAX_ITEMS, `pagination did not end after ${MAX_ITEMS} items`);
  }
  return items;
}

function assertSorted(arr, what) {
  assert.deepEqual(arr, [...arr].sort(), `${what} must be sorted ascending`);
  assert.equal(new Set(arr).size, arr.length, `${what} must have no duplicates`);
}

function assertStore(store, expectedName) {
  assert.equal(typeof store, 'object');
  assert.notEqual(store, null);
  assert.match(store.id, HEX32, 'store id is 32 lowercase hex');
  assert.equal(store.name, expectedName);
  assert.match(store.created, TIMESTAMP, 'store.created');
  assert.match(store.modified, TIMESTAMP, 'store.modified');
  assert.equal(store.account_id, ACCOUNT_ID.toLowerCase());
  // Stores made through account routes are not managed by a service (extension field).
  assert.ok(store.managed_by === null || store.managed_by === undefined, 'managed_by is null');
}

function assertSecret(secret, { name, storeId, scopes, comment }) {
  assert.equal(typeof secret, 'object');
  assert.notEqual(secret, null);
  assert.match(secret.id, HEX32, 'secret id is 32 lowercase hex');
  assert.equal(secret.name, name);
  assert.equal(secret.store_id, storeId);
  assert.match(secret.created, TIMESTAMP, 'secret.created');
  assert.match(secret.modified, TIMESTAMP, 'secret.modified');
  // Our rule: `active` once the create is durable (Cloudflare would show `pending` for a while).
  assert.equal(secret.status, 'active');
  // wrangler crashes on a secret without `scopes`, so it must always be there, sorted and unique.
  assert.ok(Array.isArray(secret.scopes), 'scopes is an array');
  assertSorted(secret.scopes, 'scopes');
  if (scopes) assert.deepEqual(secret.scopes, [...new Set(scopes)].sort());
  // `comment` is present and null when never set (not merely absent).
  assert.ok('comment' in secret, 'comment field present');
  assert.equal(secret.comment, comment === undefined ? null : comment);
  // The value is write-only: no account route may ever return it.
  assert.ok(!('value' in secret), 'secret must never carry a value field');
}

/** Assert the promise rejects with the given SDK error class and error message token. */
async function assertApiError(promise, ErrorClass, messageToken) {
  await assert.rejects(promise, (err) => {
    assert.ok(err instanceof ErrorClass, `expected ${ErrorClass.name}, got ${err?.constructor?.name}: ${err?.message}`);
    if (messageToken) {
      assert.ok(
        err.errors.some((e) => typeof e.message === 'string' && e.message.startsWith(messageToken)),
        `expected an error item starting with ${messageToken}, got ${JSON.stringify(err.errors)}`,
      );
    }
    // API.md §1: deterministic 4xx answers tell the SDK not to retry them.
    if (err.status >= 400 && err.status < 500 && err.status !== 429) {
      assert.equal(err.headers?.get('x-should-retry'), 'false', 'deterministic 4xx carries x-should-retry: false');
    }
    return true;
  });
}

/** The quota's secrets usage right now (counts every secret of the account). */
async function secretsUsage() {
  return (await client.secretsStore.quota.get({ account_id: ACCOUNT_ID })).secrets.usage;
}

describe('cloudflare SDK 7.3.0 against SecretsStore', () => {
  const state = {
    store: null, // created store
    baselineUsage: null, // quota.secrets.usage before this run made any secret
    a: null, // secret A as created
    b: null, // secret B as created
    dup: null, // duplicate of A
  };

  // Later tests depend on earlier ones; skip them with a clear reason instead of piling up noise.
  const need = (t, ...keys) => {
    const missing = keys.filter((k) => state[k] == null);
    if (missing.length) t.skip(`needs ${missing.join(', ')} from an earlier test`);
    return missing.length === 0;
  };

  before(async () => {
    const missing = ['SECRETSSTORE_BASE_URL', 'SECRETSSTORE_ACCOUNT_ID', 'SECRETSSTORE_ACCOUNT_TOKEN'].filter(
      (v) => !process.env[v],
    );
    if (missing.length) throw new Error(`set ${missing.join(', ')} (see the header of this file)`);

    // Remove stores left by earlier runs of this suite (only ours: by prefix, never managed ones),
    // so the default quota of 1 store has room for this run.
    for (const s of await collect(client.secretsStore.stores.list({ account_id: ACCOUNT_ID }))) {
      if (s.name.startsWith(STORE_PREFIX) && !s.managed_by) {
        await client.secretsStore.stores.delete(s.id, { account_id: ACCOUNT_ID, force: true });
      }
    }
  });

  after(async () => {
    // Best effort: whatever happened above, leave the account as we found it.
    if (!state.store || !ACCOUNT_ID) return;
    try {
      await client.secretsStore.stores.delete(state.store.id, { account_id: ACCOUNT_ID, force: true });
    } catch (err) {
      if (!(err instanceof Cloudflare.NotFoundError)) throw err;
    }
  });

  it('quota.get returns secrets quota and usage', async () => {
    // GET /accounts/{account_id}/secrets_store/quota
    const quota = await client.secretsStore.quota.get({ account_id: ACCOUNT_ID });
    assert.ok(Number.isInteger(quota.secrets.quota) && quota.secrets.quota >= 0, 'secrets.quota');
    assert.ok(Number.isInteger(quota.secrets.usage) && quota.secrets.usage >= 0, 'secrets.usage');
    if (quota.stores !== undefined) {
      // Extension. If the account is already full with stores this suite did not make, say so plainly.
      assert.ok(
        quota.stores.usage < quota.stores.quota,
        `no room for a store: usage ${quota.stores.usage} of ${quota.stores.quota} (stores not named ${STORE_PREFIX}* are not ours to delete)`,
      );
    }
    state.baselineUsage = quota.secrets.usage;
  });

  it('stores.create makes a store (object body {name})', async () => {
    // POST /accounts/{account_id}/secrets_store/stores  body {"name": ...}
    const store = await client.secretsStore.stores.create({ account_id: ACCOUNT_ID, name: STORE_NAME });
    assertStore(store, STORE_NAME);
    assert.equal(store.created, store.modified, 'a new store was never modified');
    state.store = store;
  });

  it('stores.get returns the same store', async (t) => {
    if (!need(t, 'store')) return;
    // GET /accounts/{account_id}/secrets_store/stores/{store_id}
    const got = await client.secretsStore.stores.get(state.store.id, { account_id: ACCOUNT_ID });
    assertStore(got, STORE_NAME);
    assert.equal(got.id, state.store.id);
    assert.equal(got.created, state.store.created);
    // IDs in paths are matched case-insensitively (API.md §1).
    const upper = await client.secretsStore.stores.get(state.store.id.toUpperCase(), { account_id: ACCOUNT_ID });
    assert.equal(upper.id, state.store.id, 'canonical lower-case id comes back');
  });

  it('stores.list auto-paginates to the end and shows the store', async (t) => {
    if (!need(t, 'store')) return;
    // GET /accounts/{account_id}/secrets_store/stores?page=N  (SDK stops at the first empty page)
    const all = await collect(client.secretsStore.stores.list({ account_id: ACCOUNT_ID }));
    const ours = all.filter((s) => s.id === state.store.id);
    assert.equal(ours.length, 1, 'store listed exactly once');
    assertStore(ours[0], STORE_NAME);

    // per_page=1 forces one request per store plus the final empty page; pages must not overlap.
    const paged = await collect(client.secretsStore.stores.list({ account_id: ACCOUNT_ID, per_page: 1 }));
    assert.deepEqual(
      paged.map((s) => s.id).sort(),
      all.map((s) => s.id).sort(),
      'paging with per_page=1 yields the same stores, none twice',
    );
  });

  it('secrets.create takes an array body and returns the secrets in request order', async (t) => {
    if (!need(t, 'store')) return;
    // POST /accounts/{account_id}/secrets_store/stores/{store_id}/secrets  body [{name,value,scopes,comment?}, ...]
    // The SDK treats the result as a SinglePage; `for await` (via collect) yields its items.
    const created = await collect(
      client.secretsStore.stores.secrets.create(state.store.id, {
        account_id: ACCOUNT_ID,
        body: [
          // Scopes deliberately unsorted: the server must return them sorted.
          { name: SECRET_A, value: `value-a-${SUFFIX}`, scopes: ['workers', 'dex', 'ai_gateway'], comment: 'first' },
          { name: SECRET_B, value: `value-b-${SUFFIX}`, scopes: ['workers'] },
        ],
      }),
    );
    assert.equal(created.length, 2);
    assertSecret(created[0], {
      name: SECRET_A,
      storeId: state.store.id,
      scopes: ['workers', 'dex', 'ai_gateway'],
      comment: 'first',
    });
    assertSecret(created[1], { name: SECRET_B, storeId: state.store.id, scopes: ['workers'], comment: undefined });
    assert.notEqual(created[0].id, created[1].id);
    [state.a, state.b] = created;

    if (state.baselineUsage != null) assert.equal(await secretsUsage(), state.baselineUsage + 2, 'quota usage +2');
  });

  it('secrets.create of an existing name conflicts and creates nothing', async (t) => {
    if (!need(t, 'store', 'a')) return;
    // Atomic create (API.md §3): the fresh name in the same request must not be created either.
    const fresh = `SDK_SMOKE_NEVER_${SUFFIX}`;
    await assertApiError(
      client.secretsStore.stores.secrets
        .create(state.store.id, {
          account_id: ACCOUNT_ID,
          body: [
            { name: fresh, value: 'x', scopes: ['workers'] },
            { name: SECRET_A, value: 'x', scopes: ['workers'] },
          ],
        }),
      Cloudflare.ConflictError,
      'secret_name_already_exists',
    );
    const names = (await collect(client.secretsStore.stores.secrets.list(state.store.id, { account_id: ACCOUNT_ID }))).map(
      (s) => s.name,
    );
    assert.ok(!names.includes(fresh), 'nothing from a failed create is kept');
  });

  it('secrets.list auto-paginates, filters by search and scopes', async (t) => {
    if (!need(t, 'store', 'a', 'b')) return;
    // GET /accounts/{account_id}/secrets_store/stores/{store_id}/secrets?page=N
    const all = await collect(client.secretsStore.stores.secrets.list(state.store.id, { account_id: ACCOUNT_ID }));
    assert.deepEqual(all.map((s) => s.id).sort(), [state.a.id, state.b.id].sort());
    for (const s of all) {
      const src = s.id === state.a.id ? state.a : state.b;
      assertSecret(s, { name: src.name, storeId: state.store.id, scopes: src.scopes, comment: src.comment ?? undefined });
    }

    // per_page=1: three requests (two items, then the empty page that ends the loop), no overlap.
    const paged = await collect(
      client.secretsStore.stores.secrets.list(state.store.id, {
        account_id: ACCOUNT_ID,
        per_page: 1,
        order: 'name',
        direction: 'asc',
      }),
    );
    assert.deepEqual(
      paged.map((s) => s.name),
      [SECRET_A, SECRET_B],
      'order=name asc across pages',
    );

    // search: case-insensitive substring of name or comment.
    const searched = await collect(
      client.secretsStore.stores.secrets.list(state.store.id, {
        account_id: ACCOUNT_ID,
        search: `smoke_b_${SUFFIX}`,
      }),
    );
    assert.deepEqual(
      searched.map((s) => s.id),
      [state.b.id],
    );

    // scopes: the SDK sends `scopes=dex&scopes=workers` (repeat form); a match needs every scope.
    const scoped = await collect(
      client.secretsStore.stores.secrets.list(state.store.id, {
        account_id: ACCOUNT_ID,
        scopes: ['dex', 'workers'],
      }),
    );
    assert.deepEqual(
      scoped.map((s) => s.id),
      [state.a.id],
    );
  });

  it('secrets.get returns the secret without its value', async (t) => {
    if (!need(t, 'store', 'a')) return;
    // GET /accounts/{account_id}/secrets_store/stores/{store_id}/secrets/{secret_id}
    const got = await client.secretsStore.stores.secrets.get(state.a.id, {
      account_id: ACCOUNT_ID,
      store_id: state.store.id,
    });
    assertSecret(got, { name: SECRET_A, storeId: state.store.id, scopes: state.a.scopes, comment: 'first' });
    assert.equal(got.id, state.a.id);
    assert.equal(got.created, state.a.created);
    assert.equal(got.modified, state.a.modified);
  });

  it('secrets.edit (PATCH) changes comment, scopes and value; null clears the comment', async (t) => {
    if (!need(t, 'store', 'a')) return;
    const params = { account_id: ACCOUNT_ID, store_id: state.store.id };
    // PATCH /accounts/{account_id}/secrets_store/stores/{store_id}/secrets/{secret_id}  body {comment, scopes}
    const edited = await client.secretsStore.stores.secrets.edit(state.a.id, {
      ...params,
      comment: 'second',
      scopes: ['workers', 'access'],
    });
    assertSecret(edited, { name: SECRET_A, storeId: state.store.id, scopes: ['access', 'workers'], comment: 'second' });
    assert.equal(edited.id, state.a.id);
    assert.equal(edited.created, state.a.created, 'created never changes');
    assert.ok(edited.modified >= state.a.modified, 'modified moves forward');

    // Value only: the answer still has no value field.
    const revalued = await client.secretsStore.stores.secrets.edit(state.a.id, { ...params, value: `value-a2-${SUFFIX}` });
    assertSecret(revalued, { name: SECRET_A, storeId: state.store.id, scopes: ['access', 'workers'], comment: 'second' });

    // The SDK types say `comment?: string`, but JSON null is how a client clears it (API.md §3).
    const cleared = await client.secretsStore.stores.secrets.edit(state.a.id, { ...params, comment: null });
    assertSecret(cleared, { name: SECRET_A, storeId: state.store.id, scopes: ['access', 'workers'], comment: undefined });
    state.a = cleared;
  });

  it('secrets.duplicate makes a new secret with a new id and the given name', async (t) => {
    if (!need(t, 'store', 'a')) return;
    const before = await secretsUsage();
    // POST /accounts/{account_id}/secrets_store/stores/{store_id}/secrets/{secret_id}/duplicate  body {name, scopes, comment?}
    const dup = await client.secretsStore.stores.secrets.duplicate(state.a.id, {
      account_id: ACCOUNT_ID,
      store_id: state.store.id,
      name: SECRET_DUP,
      scopes: ['workers', 'ai_gateway'],
      comment: 'copy',
    });
    assertSecret(dup, { name: SECRET_DUP, storeId: state.store.id, scopes: ['ai_gateway', 'workers'], comment: 'copy' });
    assert.notEqual(dup.id, state.a.id, 'duplicate has a new id');
    state.dup = dup;

    // The source is untouched and both are listed.
    const src = await client.secretsStore.stores.secrets.get(state.a.id, { account_id: ACCOUNT_ID, store_id: state.store.id });
    assert.equal(src.name, SECRET_A);
    const ids = (await collect(client.secretsStore.stores.secrets.list(state.store.id, { account_id: ACCOUNT_ID }))).map(
      (s) => s.id,
    );
    assert.ok(ids.includes(dup.id) && ids.includes(state.a.id));
    assert.equal(await secretsUsage(), before + 1, 'duplicate counts toward quota');
  });

  it('stores.delete of a non-empty store without force is 409 store_not_empty', async (t) => {
    if (!need(t, 'store', 'a')) return;
    // DELETE /accounts/{account_id}/secrets_store/stores/{store_id}   (no query: force undefined is dropped)
    await assertApiError(
      client.secretsStore.stores.delete(state.store.id, { account_id: ACCOUNT_ID }),
      Cloudflare.ConflictError,
      'store_not_empty',
    );
    await client.secretsStore.stores.get(state.store.id, { account_id: ACCOUNT_ID }); // still there
  });

  it('secrets.delete removes one secret; a later get is NotFoundError', async (t) => {
    if (!need(t, 'store', 'a')) return;
    const params = { account_id: ACCOUNT_ID, store_id: state.store.id };
    // DELETE /accounts/{account_id}/secrets_store/stores/{store_id}/secrets/{secret_id}  -> 202, result null
    const { data, response } = await client.secretsStore.stores.secrets.delete(state.a.id, params).withResponse();
    assert.equal(response.status, 202);
    assert.equal(data, null);
    await assertApiError(client.secretsStore.stores.secrets.get(state.a.id, params), Cloudflare.NotFoundError, 'secret_not_found');
    state.a = null;
  });

  it('secrets.bulkDelete needs an explicit body; with {ids} it deletes them all', async (t) => {
    if (!need(t, 'store', 'b', 'dup')) return;
    const params = { account_id: ACCOUNT_ID };
    // The SDK's bulkDelete sends NO body by itself. The server must refuse that (400
    // invalid_json_body) rather than treat it as "delete everything".
    await assertApiError(
      client.secretsStore.stores.secrets.bulkDelete(state.store.id, params),
      Cloudflare.BadRequestError,
      'invalid_json_body',
    );
    // DELETE /accounts/{account_id}/secrets_store/stores/{store_id}/secrets  body {"ids": [...]} (passed via request options)
    const result = await client.secretsStore.stores.secrets.bulkDelete(state.store.id, params, {
      body: { ids: [state.b.id, state.dup.id] },
    });
    assert.equal(result, null);
    const left = await collect(client.secretsStore.stores.secrets.list(state.store.id, params));
    assert.deepEqual(left, [], 'store is empty after bulk delete');
    state.b = state.dup = null;
    if (state.baselineUsage != null) assert.equal(await secretsUsage(), state.baselineUsage, 'quota usage back to baseline');
  });

  it('stores.delete with force=true removes the store and its secrets; it is gone afterwards', async (t) => {
    if (!need(t, 'store')) return;
    const storeId = state.store.id;
    // Put one secret back so force=true has something to cascade.
    const [c] = await collect(
      client.secretsStore.stores.secrets.create(storeId, {
        account_id: ACCOUNT_ID,
        body: [{ name: SECRET_C, value: `value-c-${SUFFIX}`, scopes: ['workers'] }],
      }),
    );
    assertSecret(c, { name: SECRET_C, storeId, scopes: ['workers'], comment: undefined });

    // DELETE /accounts/{account_id}/secrets_store/stores/{store_id}?force=true  -> 200, result null
    const { data, response } = await client.secretsStore.stores
      .delete(storeId, { account_id: ACCOUNT_ID, force: true })
      .withResponse();
    assert.equal(response.status, 200);
    assert.equal(data, null);
    state.store = null; // nothing left for `after`

    await assertApiError(client.secretsStore.stores.get(storeId, { account_id: ACCOUNT_ID }), Cloudflare.NotFoundError, 'store_not_found');
    const listed = await collect(client.secretsStore.stores.list({ account_id: ACCOUNT_ID }));
    assert.ok(!listed.some((s) => s.id === storeId), 'deleted store is no longer listed');
    await assertApiError(
      client.secretsStore.stores.secrets.get(c.id, { account_id: ACCOUNT_ID, store_id: storeId }),
      Cloudflare.NotFoundError,
    );
    if (state.baselineUsage != null) assert.equal(await secretsUsage(), state.baselineUsage, 'cascaded secret freed its quota');
  });
});
