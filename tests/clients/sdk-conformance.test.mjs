// Conformance: the official `cloudflare` SDK (pinned 7.3.0) drives every secrets-store method against a
// running SecretsStore.
//
// Why: the service promises that Cloudflare's own client works by changing only the base URL and the
// credentials (docs/api.md, "What the real clients need"). Only the real SDK can prove that: it has its own opinions about envelopes,
// status codes, error classes, paging and retries.
//
// How: the SDK talks to a tiny counting HTTP proxy (node:http on 127.0.0.1, random port) that forwards to
// the service and records every request the service saw. The clients keep the SDK's default retries
// (maxRetries 2), so "sent once, not retried" and "paged until the first empty page" are measured, not
// assumed.
//
// Run (tests/SecretsStore.Tests/Clients/CloudflareSdkTests.cs provisions all of this):
//   SECRETSSTORE_BASE_URL=http://127.0.0.1:8787/client/v4
//   SECRETSSTORE_ACCOUNT_ID            account with room for 3 more stores (PUT /admin/v1/accounts/{id}/quota)
//   SECRETSSTORE_ACCOUNT_TOKEN         its write token
//   SECRETSSTORE_READ_TOKEN            its read token
//   SECRETSSTORE_AUTH_EMAIL / _KEY     its legacy key (POST /admin/v1/accounts/{id}/keys)
//   SECRETSSTORE_OTHER_ACCOUNT_ID      another account the tokens above are not for
//   node --test --test-reporter=spec sdk-conformance.test.mjs
//
// The tests share state and run in file order. Names carry a random suffix; `after` force-deletes what
// this run made, and `before` removes stores left by a crashed earlier run (only ours, by prefix).

import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import Cloudflare from 'cloudflare';
import { MAX_ITEMS, SUFFIX, assertSecret, assertStore, requireEnv } from './support.mjs';

const env = requireEnv(
  'SECRETSSTORE_BASE_URL',
  'SECRETSSTORE_ACCOUNT_ID',
  'SECRETSSTORE_ACCOUNT_TOKEN',
  'SECRETSSTORE_READ_TOKEN',
  'SECRETSSTORE_AUTH_EMAIL',
  'SECRETSSTORE_AUTH_KEY',
  'SECRETSSTORE_OTHER_ACCOUNT_ID',
);
const ACCOUNT_ID = env.SECRETSSTORE_ACCOUNT_ID;
const account_id = ACCOUNT_ID;

const STORE_PREFIX = 'sdk_conf_';
const STORE_A = `${STORE_PREFIX}a_${SUFFIX}`; // object body; the secret lifecycle
const STORE_B = `${STORE_PREFIX}b_${SUFFIX}`; // array body; paging and bulk delete
const STORE_C = `${STORE_PREFIX}c_${SUFFIX}`; // object body; stays empty, deleted without force
const SECRET_A = `SDK_A_${SUFFIX}`; // has a comment
const SECRET_B = `SDK_B_${SUFFIX}`; // no comment: comes back as null
const SECRET_DUP = `SDK_DUP_${SUFFIX}`;
const SECRET_KEYED = `SDK_KEYED_${SUFFIX}`; // made with X-Auth-Email + X-Auth-Key
const PAGED = Array.from({ length: 7 }, (_, i) => `SDK_PAGE_${i}_${SUFFIX}`); // store B, listed 2 per page

// Retry codes and statuses the SDK would retry without `x-should-retry: false` (docs/api.md, "Requests and answers").
const DETERMINISTIC = [400, 403, 404, 409, 413];

/**
 * The counting proxy: forwards every request to the service unchanged and records what the service saw
 * (method, path and query, auth header kinds, body, answer status). `dropShouldRetry` removes the
 * `x-should-retry` header from answers, for the control that shows the SDK would retry without it.
 */
async function startCountingProxy(baseUrl) {
  const target = new URL(baseUrl);
  const requests = [];
  const proxy = {
    requests,
    dropShouldRetry: false,
    baseURL: '',
    /** Call before a client call; the returned function answers the requests made since. */
    mark() {
      const from = requests.length;
      return () => requests.slice(from);
    },
  };
  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const entry = {
        method: req.method,
        url: new URL(req.url, 'http://proxy'),
        retryCount: req.headers['x-stainless-retry-count'],
        bearer: /^Bearer \S+$/.test(req.headers.authorization ?? ''),
        authorization: 'authorization' in req.headers,
        xAuthEmail: 'x-auth-email' in req.headers,
        xAuthKey: 'x-auth-key' in req.headers,
        body: body.toString('utf8'),
        status: null,
      };
      requests.push(entry);
      const upstream = http.request(
        {
          host: target.hostname,
          port: target.port,
          method: req.method,
          path: req.url,
          headers: { ...req.headers, host: target.host },
        },
        (answer) => {
          entry.status = answer.statusCode;
          const headers = { ...answer.headers };
          if (proxy.dropShouldRetry) delete headers['x-should-retry'];
          res.writeHead(answer.statusCode, headers);
          answer.pipe(res);
        },
      );
      upstream.on('error', (err) => {
        entry.status = 502;
        res.writeHead(502, { 'content-type': 'text/plain' });
        res.end(`proxy: ${err.message}`);
      });
      upstream.end(body);
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  proxy.baseURL = `http://127.0.0.1:${server.address().port}${target.pathname.replace(/\/$/, '')}`;
  proxy.close = () =>
    new Promise((resolve) => {
      server.closeAllConnections();
      server.close(resolve);
    });
  return proxy;
}

let proxy;
/** Clients. The credential options are given explicitly (null for unused ones) so CLOUDFLARE_* variables of
 *  the surrounding shell can never add a second credential. maxRetries is left at the SDK default. */
let writer, reader, keyed;
const NO_CREDENTIALS = { apiToken: null, apiKey: null, apiEmail: null, userServiceKey: null };
const sdk = (options) => new Cloudflare({ ...NO_CREDENTIALS, baseURL: proxy.baseURL, ...options });

/** Drain an auto-paginating SDK list with `for await`; fails instead of paging forever. */
async function collect(pagePromise) {
  const items = [];
  for await (const item of pagePromise) {
    items.push(item);
    assert.ok(items.length <= MAX_ITEMS, `pagination did not end after ${MAX_ITEMS} items`);
  }
  return items;
}

/** The `page` query of each request, null when absent (the SDK's first request). */
const pagesOf = (requests) => requests.map((r) => r.url.searchParams.get('page'));

/**
 * Runs `call` and asserts the SDK raised `ErrorClass` for `status`, with an error item of our `code` and
 * `message` (exact, or `message: detail`), and that the service saw exactly one request (not retried).
 */
async function expectApiError(call, ErrorClass, { status, code, message, pointer }) {
  const since = proxy.mark();
  let caught;
  try {
    await call();
  } catch (err) {
    caught = err;
  }
  assert.ok(caught, `expected ${ErrorClass.name}, but the call succeeded`);
  assert.ok(
    caught instanceof ErrorClass,
    `expected ${ErrorClass.name}, got ${caught?.constructor?.name}: ${caught?.message}`,
  );
  assert.ok(caught instanceof Cloudflare.APIError, 'an APIError');
  assert.equal(caught.status, status);
  const item = caught.errors.find(
    (e) => e.code === code && (e.message === message || e.message?.startsWith(`${message}: `)),
  );
  assert.ok(item, `expected an error item {code: ${code}, message: ${message}}, got ${JSON.stringify(caught.errors)}`);
  if (pointer !== undefined) assert.equal(item.source?.pointer, pointer, 'source.pointer');
  if (DETERMINISTIC.includes(status)) {
    assert.equal(caught.headers?.get('x-should-retry'), 'false', `${status} carries x-should-retry: false`);
  }
  const requests = since();
  assert.equal(requests.length, 1, `${status} ${message} must reach the service once, saw ${requests.length}`);
  assert.equal(requests[0].status, status);
  return { err: caught, item, requests };
}

async function secretsUsage() {
  return (await writer.secretsStore.quota.get({ account_id })).secrets.usage;
}

const state = {
  baselineUsage: null,
  storeA: null,
  storeB: null,
  storeC: null,
  a: null,
  b: null,
  dup: null,
  paged: null, // the PAGED secrets in store B, by name
  controlRequests: null, // the requests of the no-x-should-retry control, the only retries allowed
};

/** Later tests build on earlier ones; skip with a reason instead of piling up follow-on failures. */
function need(t, ...keys) {
  const missing = keys.filter((k) => state[k] == null);
  if (missing.length) t.skip(`needs ${missing.join(', ')} from an earlier test`);
  return missing.length === 0;
}

before(async () => {
  proxy = await startCountingProxy(env.SECRETSSTORE_BASE_URL);
  writer = sdk({ apiToken: env.SECRETSSTORE_ACCOUNT_TOKEN });
  reader = sdk({ apiToken: env.SECRETSSTORE_READ_TOKEN });
  keyed = sdk({ apiEmail: env.SECRETSSTORE_AUTH_EMAIL, apiKey: env.SECRETSSTORE_AUTH_KEY });

  // Remove stores a crashed earlier run of this suite left behind (ours by prefix, never managed ones).
  for (const s of await collect(writer.secretsStore.stores.list({ account_id }))) {
    if (s.name.startsWith(STORE_PREFIX) && !s.managed_by) {
      await writer.secretsStore.stores.delete(s.id, { account_id, force: true });
    }
  }
});

after(async () => {
  try {
    for (const key of ['storeA', 'storeB', 'storeC']) {
      if (!state[key]) continue;
      try {
        await writer.secretsStore.stores.delete(state[key].id, { account_id, force: true });
      } catch (err) {
        if (!(err instanceof Cloudflare.NotFoundError)) throw err;
      }
    }
  } finally {
    await proxy?.close();
  }
});

describe('cloudflare SDK 7.3.0: stores', () => {
  it('quota.get answers secrets and stores quota and usage', async () => {
    // GET /accounts/{account_id}/secrets_store/quota
    const quota = await writer.secretsStore.quota.get({ account_id });
    for (const kind of ['secrets', 'stores']) {
      assert.ok(Number.isInteger(quota[kind]?.quota) && quota[kind].quota >= 0, `${kind}.quota`);
      assert.ok(Number.isInteger(quota[kind]?.usage) && quota[kind].usage >= 0, `${kind}.usage`);
    }
    assert.ok(
      quota.stores.quota - quota.stores.usage >= 3,
      `the suite makes 3 stores: usage ${quota.stores.usage} of ${quota.stores.quota} (raise it with PUT /admin/v1/accounts/{id}/quota)`,
    );
    state.baselineUsage = quota.secrets.usage;
  });

  it('stores.create with the object body {name} answers the store', async () => {
    const since = proxy.mark();
    // POST /accounts/{account_id}/secrets_store/stores  body {"name"}
    const store = await writer.secretsStore.stores.create({ account_id, name: STORE_A });
    assertStore(store, { name: STORE_A, accountId: ACCOUNT_ID });
    assert.equal(store.created, store.modified, 'a new store was never modified');
    const [request] = since();
    assert.deepEqual(JSON.parse(request.body), { name: STORE_A }, 'the SDK sent the object form');
    state.storeA = store;

    state.storeC = await writer.secretsStore.stores.create({ account_id, name: STORE_C });
    assertStore(state.storeC, { name: STORE_C, accountId: ACCOUNT_ID });
  });

  it('stores.create with the older array body [{name}] (SDK request options) answers an array', async () => {
    const since = proxy.mark();
    // The SDK spreads request options after its own body, so `body` there replaces {name} on the wire.
    const answer = await writer.secretsStore.stores.create({ account_id, name: 'ignored' }, { body: [{ name: STORE_B }] });
    const [request] = since();
    assert.deepEqual(JSON.parse(request.body), [{ name: STORE_B }], 'the SDK sent the array form');
    assert.ok(Array.isArray(answer), `array request, array answer; got ${JSON.stringify(answer)}`);
    assert.equal(answer.length, 1);
    assertStore(answer[0], { name: STORE_B, accountId: ACCOUNT_ID });
    state.storeB = answer[0];
  });

  it('stores.get answers the same store; ids in paths are matched case-insensitively', async (t) => {
    if (!need(t, 'storeA')) return;
    // GET /accounts/{account_id}/secrets_store/stores/{store_id}
    const got = await writer.secretsStore.stores.get(state.storeA.id, { account_id });
    assert.deepEqual(got, state.storeA);
    const upper = await writer.secretsStore.stores.get(state.storeA.id.toUpperCase(), { account_id });
    assert.equal(upper.id, state.storeA.id, 'canonical lower-case id comes back');
  });

  it('stores.list auto-paginates per_page=1 across >= 3 pages and ends at the first empty page', async (t) => {
    if (!need(t, 'storeA', 'storeB', 'storeC')) return;
    // GET /accounts/{account_id}/secrets_store/stores
    const all = await collect(writer.secretsStore.stores.list({ account_id }));
    const ours = [state.storeA, state.storeB, state.storeC];
    for (const store of ours) {
      const listed = all.filter((s) => s.id === store.id);
      assert.equal(listed.length, 1, `${store.name} listed exactly once`);
      assertStore(listed[0], { name: store.name, accountId: ACCOUNT_ID });
    }

    // ?per_page=1, then &page=2, 3, … until a page answers `result: []`.
    const since = proxy.mark();
    const paged = await collect(writer.secretsStore.stores.list({ account_id, per_page: 1, order: 'name', direction: 'asc' }));
    const requests = since();
    assert.ok(paged.length >= 3, 'at least three pages of one store');
    assert.deepEqual(
      paged.map((s) => s.name),
      all.map((s) => s.name).sort((x, y) => (x < y ? -1 : x > y ? 1 : 0)),
      'order=name asc across pages, no store twice, none skipped',
    );
    assert.equal(requests.length, paged.length + 1, 'one request per store plus the empty page that ends the loop');
    assert.deepEqual(pagesOf(requests), [null, ...paged.map((_, i) => String(i + 2))]);
    assert.ok(requests.every((r) => r.status === 200 && r.url.searchParams.get('per_page') === '1'));
    t.diagnostic(`stores.list: ${paged.length} stores in ${requests.length} requests`);
  });
});

describe('cloudflare SDK 7.3.0: secrets', () => {
  it('secrets.create takes an array and answers the secrets in request order', async (t) => {
    if (!need(t, 'storeA')) return;
    // POST /accounts/{account_id}/secrets_store/stores/{store_id}/secrets  body [{name, value, scopes, comment?}]
    // The SDK models the answer as a SinglePage; `for await` yields its items.
    const created = await collect(
      writer.secretsStore.stores.secrets.create(state.storeA.id, {
        account_id,
        body: [
          // Scopes deliberately unsorted: they come back sorted.
          { name: SECRET_A, value: `value-a-${SUFFIX}`, scopes: ['workers', 'dex', 'ai_gateway'], comment: 'first' },
          { name: SECRET_B, value: `value-b-${SUFFIX}`, scopes: ['workers'] },
        ],
      }),
    );
    assert.equal(created.length, 2);
    assertSecret(created[0], { name: SECRET_A, storeId: state.storeA.id, scopes: ['ai_gateway', 'dex', 'workers'], comment: 'first' });
    assertSecret(created[1], { name: SECRET_B, storeId: state.storeA.id, scopes: ['workers'] });
    assert.notEqual(created[0].id, created[1].id);
    [state.a, state.b] = created;
    if (state.baselineUsage != null) assert.equal(await secretsUsage(), state.baselineUsage + 2, 'quota usage +2');
  });

  it('secrets.create makes many at once (store B, for paging)', async (t) => {
    if (!need(t, 'storeB')) return;
    const created = await collect(
      writer.secretsStore.stores.secrets.create(state.storeB.id, {
        account_id,
        body: PAGED.map((name, i) => ({ name, value: `page-${i}`, scopes: ['workers'], comment: `page ${i}` })),
      }),
    );
    assert.deepEqual(created.map((s) => s.name), PAGED, 'request order');
    created.forEach((s, i) => assertSecret(s, { name: PAGED[i], storeId: state.storeB.id, scopes: ['workers'], comment: `page ${i}` }));
    state.paged = Object.fromEntries(created.map((s) => [s.name, s]));
  });

  it('secrets.list auto-paginates per_page=2 across 4 pages and ends at the first empty page', async (t) => {
    if (!need(t, 'storeB', 'paged')) return;
    // GET …/stores/{store_id}/secrets?per_page=2&order=name&direction=asc, then &page=2…5
    const since = proxy.mark();
    const listed = await collect(
      writer.secretsStore.stores.secrets.list(state.storeB.id, { account_id, per_page: 2, order: 'name', direction: 'asc' }),
    );
    const requests = since();
    assert.deepEqual(listed.map((s) => s.name), [...PAGED].sort(), 'every secret once, in name order across pages');
    assert.deepEqual(pagesOf(requests), [null, '2', '3', '4', '5'], '4 pages of items (2+2+2+1), then the empty page');
    assert.ok(requests.every((r) => r.status === 200));
    for (const s of listed) assertSecret(s, { ...state.paged[s.name], storeId: state.storeB.id });
    t.diagnostic(`secrets.list: ${listed.length} secrets in ${requests.length} requests`);
  });

  it('secrets.list filters by search and scopes and orders by name', async (t) => {
    if (!need(t, 'storeA', 'a', 'b')) return;
    const list = (query) => collect(writer.secretsStore.stores.secrets.list(state.storeA.id, { account_id, ...query }));
    const all = await list({});
    assert.deepEqual(all.map((s) => s.id).sort(), [state.a.id, state.b.id].sort());
    for (const s of all) assertSecret(s, { ...(s.id === state.a.id ? state.a : state.b), storeId: state.storeA.id });
    // direction desc by name.
    assert.deepEqual((await list({ order: 'name', direction: 'desc' })).map((s) => s.name), [SECRET_B, SECRET_A]);
    // search: case-insensitive substring of name or comment.
    assert.deepEqual((await list({ search: `sdk_b_${SUFFIX}` })).map((s) => s.id), [state.b.id], 'search by name');
    assert.deepEqual((await list({ search: 'FIRST' })).map((s) => s.id), [state.a.id], 'search by comment');
    // scopes: the SDK sends `scopes=dex&scopes=workers`; a match needs every listed scope.
    assert.deepEqual((await list({ scopes: ['dex', 'workers'] })).map((s) => s.id), [state.a.id]);
  });

  it('secrets.get answers the secret without its value', async (t) => {
    if (!need(t, 'storeA', 'a')) return;
    // GET …/stores/{store_id}/secrets/{secret_id}
    const got = await writer.secretsStore.stores.secrets.get(state.a.id, { account_id, store_id: state.storeA.id });
    assert.deepEqual(got, state.a);
  });

  it('secrets.edit (PATCH) changes comment, scopes and value; null clears the comment', async (t) => {
    if (!need(t, 'storeA', 'a')) return;
    const params = { account_id, store_id: state.storeA.id };
    // PATCH …/stores/{store_id}/secrets/{secret_id}  body {comment, scopes}
    const edited = await writer.secretsStore.stores.secrets.edit(state.a.id, { ...params, comment: 'second', scopes: ['workers', 'access'] });
    assertSecret(edited, { name: SECRET_A, storeId: state.storeA.id, scopes: ['access', 'workers'], comment: 'second' });
    assert.equal(edited.id, state.a.id);
    assert.equal(edited.created, state.a.created, 'created never changes');
    assert.ok(edited.modified >= state.a.modified, 'modified moves forward');

    const revalued = await writer.secretsStore.stores.secrets.edit(state.a.id, { ...params, value: `value-a2-${SUFFIX}` });
    assertSecret(revalued, { name: SECRET_A, storeId: state.storeA.id, scopes: ['access', 'workers'], comment: 'second' });

    // The SDK types say `comment?: string`, but JSON null is how a client clears it (docs/api.md, "Account routes").
    const cleared = await writer.secretsStore.stores.secrets.edit(state.a.id, { ...params, comment: null });
    assertSecret(cleared, { name: SECRET_A, storeId: state.storeA.id, scopes: ['access', 'workers'], comment: null });
    state.a = cleared;
  });

  it('secrets.duplicate makes a new secret with a new id; it counts toward quota', async (t) => {
    if (!need(t, 'storeA', 'a')) return;
    const before = await secretsUsage();
    // POST …/stores/{store_id}/secrets/{secret_id}/duplicate  body {name, scopes, comment?}
    const dup = await writer.secretsStore.stores.secrets.duplicate(state.a.id, {
      account_id,
      store_id: state.storeA.id,
      name: SECRET_DUP,
      scopes: ['workers', 'ai_gateway'],
      comment: 'copy',
    });
    assertSecret(dup, { name: SECRET_DUP, storeId: state.storeA.id, scopes: ['ai_gateway', 'workers'], comment: 'copy' });
    assert.notEqual(dup.id, state.a.id, 'a new id');
    state.dup = dup;
    const src = await writer.secretsStore.stores.secrets.get(state.a.id, { account_id, store_id: state.storeA.id });
    assert.deepEqual(src, state.a, 'the source is untouched');
    assert.equal(await secretsUsage(), before + 1, 'duplicate counts toward quota');
  });
});

describe('cloudflare SDK 7.3.0: error classes, our codes, and no retries', () => {
  it('400 BadRequestError: missing credentials (9106), bad paging, bad name with its pointer', async (t) => {
    if (!need(t, 'storeA')) return;
    // Authorization explicitly omitted (null): the SDK then sends no credential at all.
    const anonymous = sdk({ defaultHeaders: { Authorization: null } });
    const { requests } = await expectApiError(() => anonymous.secretsStore.quota.get({ account_id }), Cloudflare.BadRequestError, {
      status: 400,
      code: 9106,
      message: 'Missing X-Auth-Key, X-Auth-Email or Authorization headers',
    });
    assert.ok(!requests[0].authorization && !requests[0].xAuthKey && !requests[0].xAuthEmail, 'no credential was sent');

    await expectApiError(() => collect(writer.secretsStore.stores.list({ account_id, per_page: 101 })), Cloudflare.BadRequestError, {
      status: 400,
      code: 1001,
      message: 'invalid_paging',
    });
    await expectApiError(() => writer.secretsStore.stores.create({ account_id, name: 'no spaces allowed' }), Cloudflare.BadRequestError, {
      status: 400,
      code: 1001,
      message: 'store_name_invalid',
      pointer: '/name',
    });
    await expectApiError(
      () => writer.secretsStore.stores.create({ account_id, name: 'x' }, { body: [{ name: 'no spaces allowed' }] }),
      Cloudflare.BadRequestError,
      { status: 400, code: 1001, message: 'store_name_invalid', pointer: '/0/name' },
    );
    await expectApiError(
      () =>
        collect(
          writer.secretsStore.stores.secrets.create(state.storeA.id, {
            account_id,
            body: [{ name: `SDK_BAD_${SUFFIX}`, value: 'v', scopes: ['no_such_scope'] }],
          }),
        ),
      Cloudflare.BadRequestError,
      { status: 400, code: 1001, message: 'secret_scope_invalid' },
    );
  });

  it('401 AuthenticationError: unknown token, wrong key (10000)', async () => {
    const expected = { status: 401, code: 10000, message: 'Authentication error' };
    const stranger = sdk({ apiToken: 'not-a-real-token' });
    await expectApiError(() => stranger.secretsStore.quota.get({ account_id }), Cloudflare.AuthenticationError, expected);
    const wrongKey = sdk({ apiEmail: env.SECRETSSTORE_AUTH_EMAIL, apiKey: `${env.SECRETSSTORE_AUTH_KEY}x` });
    await expectApiError(() => wrongKey.secretsStore.stores.list({ account_id }), Cloudflare.AuthenticationError, expected);
  });

  it('403 PermissionDeniedError: read token writing, token of another account (9109)', async (t) => {
    if (!need(t, 'storeA', 'a')) return;
    const expected = { status: 403, code: 9109, message: 'Unauthorized to access requested resource' };
    // The read token may read…
    await reader.secretsStore.stores.secrets.get(state.a.id, { account_id, store_id: state.storeA.id });
    // …but not change anything.
    await expectApiError(() => reader.secretsStore.stores.create({ account_id, name: `${STORE_PREFIX}ro_${SUFFIX}` }), Cloudflare.PermissionDeniedError, expected);
    await expectApiError(
      () => reader.secretsStore.stores.secrets.edit(state.a.id, { account_id, store_id: state.storeA.id, comment: 'nope' }),
      Cloudflare.PermissionDeniedError,
      expected,
    );
    // A valid write token (and key) used on an account it is not for.
    const other = env.SECRETSSTORE_OTHER_ACCOUNT_ID;
    await expectApiError(() => writer.secretsStore.quota.get({ account_id: other }), Cloudflare.PermissionDeniedError, expected);
    await expectApiError(() => keyed.secretsStore.stores.list({ account_id: other }), Cloudflare.PermissionDeniedError, expected);
  });

  it('404 NotFoundError: unknown store, malformed id, secret of another store (1001)', async (t) => {
    if (!need(t, 'storeA', 'storeB', 'paged')) return;
    const storeNotFound = { status: 404, code: 1001, message: 'store_not_found' };
    await expectApiError(() => writer.secretsStore.stores.get('0'.repeat(32), { account_id }), Cloudflare.NotFoundError, storeNotFound);
    await expectApiError(() => writer.secretsStore.stores.get('not-an-id', { account_id }), Cloudflare.NotFoundError, storeNotFound);
    // A secret id of store B is not found through store A.
    const inB = state.paged[PAGED[0]].id;
    await expectApiError(
      () => writer.secretsStore.stores.secrets.get(inB, { account_id, store_id: state.storeA.id }),
      Cloudflare.NotFoundError,
      { status: 404, code: 1001, message: 'secret_not_found' },
    );
  });

  it('409 ConflictError is sent once with retries enabled: store_not_empty, duplicate names (1003)', async (t) => {
    if (!need(t, 'storeA', 'a')) return;
    // DELETE …/stores/{store_id} (no force) on a non-empty store.
    const { requests } = await expectApiError(
      () => writer.secretsStore.stores.delete(state.storeA.id, { account_id }),
      Cloudflare.ConflictError,
      { status: 409, code: 1003, message: 'store_not_empty' },
    );
    assert.equal(requests[0].method, 'DELETE');
    assert.equal(requests[0].retryCount, '0');
    t.diagnostic(`409 store_not_empty: the service saw ${requests.length} request (SDK maxRetries ${writer.maxRetries})`);
    await writer.secretsStore.stores.get(state.storeA.id, { account_id }); // still there

    await expectApiError(() => writer.secretsStore.stores.create({ account_id, name: STORE_C }), Cloudflare.ConflictError, {
      status: 409,
      code: 1003,
      message: `store_name_already_exists: ${STORE_C}`,
    });

    // Create is atomic: the fresh name in the same request is not created either.
    const fresh = `SDK_NEVER_${SUFFIX}`;
    await expectApiError(
      () =>
        collect(
          writer.secretsStore.stores.secrets.create(state.storeA.id, {
            account_id,
            body: [
              { name: fresh, value: 'x', scopes: ['workers'] },
              { name: SECRET_A, value: 'x', scopes: ['workers'] },
            ],
          }),
        ),
      Cloudflare.ConflictError,
      { status: 409, code: 1003, message: `secret_name_already_exists: ${SECRET_A}` },
    );
    const names = (await collect(writer.secretsStore.stores.secrets.list(state.storeA.id, { account_id }))).map((s) => s.name);
    assert.ok(!names.includes(fresh), 'nothing from a failed create is kept');
  });

  it('control: without x-should-retry the same 409 would be sent 1 + maxRetries times', async (t) => {
    if (!need(t, 'storeA', 'a')) return;
    // Proves the counter sees retries, and that the header is what stops them.
    const since = proxy.mark();
    proxy.dropShouldRetry = true;
    try {
      await assert.rejects(writer.secretsStore.stores.delete(state.storeA.id, { account_id }), Cloudflare.ConflictError);
    } finally {
      proxy.dropShouldRetry = false;
    }
    const requests = since();
    state.controlRequests = requests;
    assert.equal(requests.length, 1 + writer.maxRetries, 'the SDK retries a 409 that does not say x-should-retry: false');
    assert.deepEqual(requests.map((r) => r.retryCount), ['0', '1', '2']);
    t.diagnostic(`409 without x-should-retry: the service saw ${requests.length} requests`);
  });
});

describe('cloudflare SDK 7.3.0: deletes', () => {
  it('secrets.delete answers 202 with result null; the secret is then NotFound', async (t) => {
    if (!need(t, 'storeA', 'b')) return;
    const params = { account_id, store_id: state.storeA.id };
    // DELETE …/stores/{store_id}/secrets/{secret_id}
    const { data, response } = await writer.secretsStore.stores.secrets.delete(state.b.id, params).withResponse();
    assert.equal(response.status, 202);
    assert.equal(data, null);
    await expectApiError(() => writer.secretsStore.stores.secrets.get(state.b.id, params), Cloudflare.NotFoundError, {
      status: 404,
      code: 1001,
      message: 'secret_not_found',
    });
    state.b = null;
  });

  it('secrets.bulkDelete without a body is 400 invalid_json_body and deletes nothing', async (t) => {
    if (!need(t, 'storeB', 'paged')) return;
    // The SDK's bulkDelete sends no body of its own; "no body" must never mean "delete everything".
    const { requests } = await expectApiError(
      () => writer.secretsStore.stores.secrets.bulkDelete(state.storeB.id, { account_id }),
      Cloudflare.BadRequestError,
      { status: 400, code: 1001, message: 'invalid_json_body' },
    );
    assert.equal(requests[0].method, 'DELETE');
    assert.equal(requests[0].body, '', 'the SDK sent no body');
    const left = await collect(writer.secretsStore.stores.secrets.list(state.storeB.id, { account_id }));
    assert.equal(left.length, PAGED.length, 'nothing was deleted');
  });

  it('secrets.bulkDelete with {ids} deletes exactly those ids (and the older [{id}] form too)', async (t) => {
    if (!need(t, 'storeB', 'paged')) return;
    const params = { account_id };
    const id = (i) => state.paged[PAGED[i]].id;
    const usageBefore = await secretsUsage();
    // DELETE …/stores/{store_id}/secrets  body {"ids": [...]}, passed through request options.
    const since = proxy.mark();
    const { data, response } = await writer.secretsStore.stores.secrets
      .bulkDelete(state.storeB.id, params, { body: { ids: [id(1), id(4), id(5)] } })
      .withResponse();
    assert.equal(response.status, 202);
    assert.equal(data, null);
    assert.deepEqual(JSON.parse(since()[0].body), { ids: [id(1), id(4), id(5)] });
    let left = await collect(writer.secretsStore.stores.secrets.list(state.storeB.id, { ...params, order: 'name', direction: 'asc' }));
    assert.deepEqual(left.map((s) => s.name), [PAGED[0], PAGED[2], PAGED[3], PAGED[6]], 'exactly ids 1, 4 and 5 are gone');
    assert.equal(await secretsUsage(), usageBefore - 3, 'quota usage -3');

    // The older array form [{id}].
    await writer.secretsStore.stores.secrets.bulkDelete(state.storeB.id, params, { body: [{ id: id(0) }, { id: id(6) }] });
    left = await collect(writer.secretsStore.stores.secrets.list(state.storeB.id, { ...params, order: 'name', direction: 'asc' }));
    assert.deepEqual(left.map((s) => s.name), [PAGED[2], PAGED[3]], 'exactly ids 0 and 6 are gone');

    // Atomic: one id not in the store fails the whole request and deletes nothing.
    await expectApiError(
      () => writer.secretsStore.stores.secrets.bulkDelete(state.storeB.id, params, { body: { ids: [id(2), '0'.repeat(32)] } }),
      Cloudflare.NotFoundError,
      { status: 404, code: 1001, message: 'secret_not_found' },
    );
    left = await collect(writer.secretsStore.stores.secrets.list(state.storeB.id, params));
    assert.equal(left.length, 2, 'a failed bulk delete deletes nothing');
  });
});

describe('cloudflare SDK 7.3.0: both credential forms', () => {
  it('apiToken sends Authorization: Bearer and nothing else', () => {
    const mine = proxy.requests.filter((r) => r.bearer);
    assert.ok(mine.length > 10);
    assert.ok(mine.every((r) => !r.xAuthEmail && !r.xAuthKey), 'no X-Auth-* next to the bearer token');
  });

  it('apiEmail + apiKey send X-Auth-Email / X-Auth-Key and work for reads and writes', async (t) => {
    if (!need(t, 'storeA')) return;
    const since = proxy.mark();
    const quota = await keyed.secretsStore.quota.get({ account_id });
    assert.ok(Number.isInteger(quota.secrets.usage));
    assert.ok((await collect(keyed.secretsStore.stores.list({ account_id }))).some((s) => s.id === state.storeA.id));
    const [made] = await collect(
      keyed.secretsStore.stores.secrets.create(state.storeA.id, {
        account_id,
        body: [{ name: SECRET_KEYED, value: 'keyed', scopes: ['dex'] }],
      }),
    );
    assertSecret(made, { name: SECRET_KEYED, storeId: state.storeA.id, scopes: ['dex'] });
    const edited = await keyed.secretsStore.stores.secrets.edit(made.id, { account_id, store_id: state.storeA.id, comment: 'by key' });
    assert.equal(edited.comment, 'by key');
    const got = await keyed.secretsStore.stores.secrets.get(made.id, { account_id, store_id: state.storeA.id });
    assert.deepEqual(got, edited);
    assert.equal(await keyed.secretsStore.stores.secrets.delete(made.id, { account_id, store_id: state.storeA.id }), null);

    const requests = since();
    assert.ok(requests.length >= 6);
    assert.ok(
      requests.every((r) => r.xAuthEmail && r.xAuthKey && !r.authorization),
      'every keyed request carried X-Auth-Email and X-Auth-Key and no Authorization',
    );
  });
});

describe('cloudflare SDK 7.3.0: store delete and the whole run', () => {
  it('stores.delete: an empty store without force, non-empty ones with force=true; then NotFound', async (t) => {
    if (!need(t, 'storeA', 'storeB', 'storeC')) return;
    // DELETE …/stores/{store_id}            (empty store: force not needed)
    const { data, response } = await writer.secretsStore.stores.delete(state.storeC.id, { account_id }).withResponse();
    assert.equal(response.status, 200);
    assert.equal(data, null);
    // DELETE …/stores/{store_id}?force=true (cascades its secrets)
    for (const store of [state.storeA, state.storeB]) {
      const since = proxy.mark();
      assert.equal(await writer.secretsStore.stores.delete(store.id, { account_id, force: true }), null);
      assert.equal(since()[0].url.searchParams.get('force'), 'true');
    }
    const gone = [state.storeA, state.storeB, state.storeC];
    state.storeA = state.storeB = state.storeC = null; // nothing left for `after`

    for (const store of gone) {
      await expectApiError(() => writer.secretsStore.stores.get(store.id, { account_id }), Cloudflare.NotFoundError, {
        status: 404,
        code: 1001,
        message: 'store_not_found',
      });
    }
    const listed = await collect(writer.secretsStore.stores.list({ account_id }));
    assert.ok(!listed.some((s) => gone.some((g) => g.id === s.id)), 'deleted stores are no longer listed');
    if (state.baselineUsage != null) assert.equal(await secretsUsage(), state.baselineUsage, 'cascaded secrets freed their quota');
  });

  it('no request of the run was retried or answered 5xx (the control excepted)', () => {
    const control = new Set(state.controlRequests ?? []);
    const retried = proxy.requests.filter((r) => r.retryCount !== '0' && !control.has(r));
    assert.deepEqual(retried.map((r) => `${r.method} ${r.url.pathname} -> ${r.status}`), [], 'no retries outside the control');
    assert.deepEqual(proxy.requests.filter((r) => r.status >= 500), [], 'no 5xx');
  });
});
