// Conformance: the official `cloudflare` SDK (pinned 7.3.0) reads SecretsStore's audit trail through
// `client.accounts.logs.audit.list`, Cloudflare's Audit Logs v2 (GET /accounts/{account_id}/logs/audit).
//
// Why: a team's audit tooling is built on that call; it must work against SecretsStore by changing only the base URL
// and the credentials (docs/audit.md). The SDK pages by `result_info.cursors.after`, serialises exclusion filters as
// `name.not=value` (repeated), and has its own error classes: only the real SDK shows they all fit.
//
// Run (tests/SecretsStore.Tests/Clients/CloudflareSdkTests.cs provisions all of this):
//   SECRETSSTORE_BASE_URL, SECRETSSTORE_ACCOUNT_ID, SECRETSSTORE_ACCOUNT_TOKEN, SECRETSSTORE_READ_TOKEN,
//   SECRETSSTORE_AUTH_EMAIL / _KEY, SECRETSSTORE_OTHER_ACCOUNT_ID, SECRETSSTORE_SERVICE_TOKEN
//   node --test --test-reporter=spec audit-log.test.mjs

import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import Cloudflare from 'cloudflare';
import { MAX_ITEMS, SUFFIX, requireEnv } from './support.mjs';

const env = requireEnv(
  'SECRETSSTORE_BASE_URL',
  'SECRETSSTORE_ACCOUNT_ID',
  'SECRETSSTORE_ACCOUNT_TOKEN',
  'SECRETSSTORE_READ_TOKEN',
  'SECRETSSTORE_AUTH_EMAIL',
  'SECRETSSTORE_AUTH_KEY',
  'SECRETSSTORE_OTHER_ACCOUNT_ID',
  'SECRETSSTORE_SERVICE_TOKEN',
);
const account_id = env.SECRETSSTORE_ACCOUNT_ID;
const VALUES = [0, 1, 2].map((i) => `audit-canary-${i}-${SUFFIX}`);

/** Every URL the SDK fetched, so the tests can see what it sent. */
const sent = [];
const recordingFetch = (url, init) => {
  sent.push(new URL(typeof url === 'string' ? url : url.url));
  return fetch(url, init);
};
const NO_CREDENTIALS = { apiToken: null, apiKey: null, apiEmail: null, userServiceKey: null };
const sdk = (options) => new Cloudflare({ ...NO_CREDENTIALS, baseURL: env.SECRETSSTORE_BASE_URL, fetch: recordingFetch, ...options });
const writer = sdk({ apiToken: env.SECRETSSTORE_ACCOUNT_TOKEN });
const reader = sdk({ apiToken: env.SECRETSSTORE_READ_TOKEN });
const keyed = sdk({ apiEmail: env.SECRETSSTORE_AUTH_EMAIL, apiKey: env.SECRETSSTORE_AUTH_KEY });

async function collect(pagePromise) {
  const items = [];
  for await (const item of pagePromise) {
    items.push(item);
    assert.ok(items.length <= MAX_ITEMS, `pagination did not end after ${MAX_ITEMS} items`);
  }
  return items;
}

const day = (offset) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);
/** A date-only since (UTC, as the SDK documents it) and an RFC 3339 before, just after everything this run did. */
let window;
const state = { store: null, a: null, copy: null };

before(async () => {
  const store = await writer.secretsStore.stores.create({ account_id, name: `audit_sdk_${SUFFIX}` });
  state.store = store.id;
  const [a] = await collect(
    writer.secretsStore.stores.secrets.create(store.id, { account_id, body: [{ name: `AUDIT_A_${SUFFIX}`, value: VALUES[0], scopes: ['workers'] }] }),
  );
  state.a = a.id;
  await writer.secretsStore.stores.secrets.edit(a.id, { account_id, store_id: store.id, value: VALUES[1] });
  const copy = await writer.secretsStore.stores.secrets.duplicate(a.id, { account_id, store_id: store.id, name: `AUDIT_COPY_${SUFFIX}`, scopes: ['workers'] });
  state.copy = copy.id;
  // A value read, through the system route with the service's token: the trail's `view` entries.
  const read = await fetch(`${env.SECRETSSTORE_BASE_URL}/system/accounts/${account_id}/stores/${store.id}/secrets/${a.id}/value`, {
    headers: { authorization: `Bearer ${env.SECRETSSTORE_SERVICE_TOKEN}` },
  });
  assert.equal(read.status, 200);
  await writer.secretsStore.stores.secrets.delete(copy.id, { account_id, store_id: store.id });
  window = { since: day(-1), before: new Date(Date.now() + 60_000).toISOString() };
});

after(async () => {
  if (state.store) await writer.secretsStore.stores.delete(state.store, { account_id, force: true });
});

describe('cloudflare SDK 7.3.0: accounts.logs.audit.list', () => {
  let all;

  it('reads the trail within since and before, newest first, in Cloudflare\'s shape', async () => {
    all = (await reader.accounts.logs.audit.list({ account_id, ...window, limit: 1000 })).result;
    const mine = all.filter((e) => e.resource?.scope?.store_id === state.store || e.resource?.id === state.store);
    assert.deepEqual(
      mine.map((e) => `${e.action.type} ${e.resource.type}`),
      [
        'delete secrets_store.secret',
        'view secrets_store.secret',
        'create secrets_store.secret',
        'update secrets_store.secret',
        'create secrets_store.secret',
        'create secrets_store.store',
      ],
    );
    const times = all.map((e) => Date.parse(e.action.time));
    assert.deepEqual(times, [...times].sort((x, y) => y - x), 'newest first');
    for (const e of all) {
      assert.equal(typeof e.id, 'string');
      assert.equal(e.account.id, account_id);
      assert.ok(['success', 'failure'].includes(e.action.result));
      assert.ok(['create', 'update', 'delete', 'view'].includes(e.action.type));
      assert.equal(e.resource.product, 'secrets_store');
      assert.equal(typeof e.raw.status_code, 'number');
      assert.ok(e.raw.cf_ray_id, 'the request id');
    }
    const duplicate = mine.find((e) => e.resource.id === state.copy && e.action.type === 'create');
    assert.equal(duplicate.resource.request.duplicated_from_id, state.a);
    const view = mine.find((e) => e.action.type === 'view');
    assert.equal(view.actor.type, 'delegated_service');
    const write = mine.find((e) => e.action.type === 'update');
    assert.deepEqual([write.actor.type, write.actor.context, typeof write.actor.token_id], ['account', 'api_token', 'string']);
    // raw.method and raw.uri are the request's as the SDK sent it; the value edit says the value changed.
    assert.deepEqual([write.raw.method, write.raw.uri.endsWith(`/stores/${state.store}/secrets/${state.a}`), write.resource.request?.value_modified], ['PATCH', true, true]);
    assert.deepEqual([view.raw.method, view.raw.uri.endsWith(`/secrets/${state.a}/value`)], ['GET', true]);
    assert.equal(mine.find((e) => e.action.type === 'delete').raw.method, 'DELETE');
    for (const e of mine) {
      assert.ok(['GET', 'POST', 'PATCH', 'DELETE'].includes(e.raw.method), `${e.raw.method}`);
      assert.ok(e.raw.uri.startsWith('/'), e.raw.uri);
      if (e !== write) assert.equal(e.resource.request?.value_modified, undefined);
    }

    // A window before any of it holds nothing.
    const past = await reader.accounts.logs.audit.list({ account_id, since: '2020-01-01', before: '2020-01-02' });
    assert.deepEqual(past.result, []);
  });

  it('pages by 2 through the SDK\'s own cursor paging to exactly the one large page', async () => {
    const from = sent.length;
    const paged = await collect(reader.accounts.logs.audit.list({ account_id, ...window, limit: 2 }));
    assert.deepEqual(paged.map((e) => e.id), all.map((e) => e.id));
    const requests = sent.slice(from);
    assert.equal(requests.length, Math.ceil(all.length / 2), 'one request per page, none after the last');
    assert.equal(requests[0].searchParams.get('cursor'), null);
    assert.ok(requests.slice(1).every((u) => u.searchParams.get('cursor')), 'later pages continue by cursor');
  });

  it("direction: 'asc' gives the same entries oldest first", async () => {
    const ascending = await collect(reader.accounts.logs.audit.list({ account_id, ...window, direction: 'asc', limit: 3 }));
    assert.deepEqual(ascending.map((e) => e.id), all.map((e) => e.id).reverse());
  });

  it('a not filter, as the SDK writes it, leaves out exactly what it names', async () => {
    const from = sent.length;
    const noViews = await collect(writer.accounts.logs.audit.list({ account_id, ...window, action_type: { not: ['view'] } }));
    assert.ok(sent.slice(from).every((u) => u.searchParams.getAll('action_type.not').join() === 'view'), 'sent as action_type.not=view');
    assert.deepEqual(noViews.map((e) => e.id), all.filter((e) => e.action.type !== 'view').map((e) => e.id));
    assert.ok(noViews.length < all.length);

    const neither = await collect(
      writer.accounts.logs.audit.list({ account_id, ...window, action_type: { not: ['view', 'create'] }, actor_type: { not: ['cloudflare_admin'] } }),
    );
    assert.deepEqual(
      neither.map((e) => e.id),
      all.filter((e) => !['view', 'create'].includes(e.action.type) && e.actor.type !== 'cloudflare_admin').map((e) => e.id),
    );

    const noPatches = await collect(writer.accounts.logs.audit.list({ account_id, ...window, raw_method: { not: ['PATCH'] } }));
    assert.deepEqual(noPatches.map((e) => e.id), all.filter((e) => e.raw.method !== 'PATCH').map((e) => e.id));
    assert.ok(noPatches.length < all.length);
  });

  it('the account\'s read token, write token and key read it; another account\'s log is refused (9109)', async () => {
    for (const client of [reader, writer, keyed]) {
      const page = await client.accounts.logs.audit.list({ account_id, ...window, limit: 1 });
      assert.equal(page.result.length, 1);
    }
    for (const client of [reader, keyed]) {
      await assert.rejects(
        () => client.accounts.logs.audit.list({ account_id: env.SECRETSSTORE_OTHER_ACCOUNT_ID, ...window }),
        (err) => err instanceof Cloudflare.PermissionDeniedError && err.status === 403 && err.errors.some((e) => e.code === 9109),
      );
    }
  });

  it('a missing before or a filter it cannot honour is a BadRequestError, not a silently wider answer', async () => {
    await assert.rejects(
      () => reader.accounts.logs.audit.list({ account_id, since: window.since }),
      (err) => err instanceof Cloudflare.BadRequestError && err.errors.some((e) => e.code === 1001 && e.message.startsWith('invalid_audit_filter: before')),
    );
    await assert.rejects(
      () => reader.accounts.logs.audit.list({ account_id, ...window, actor_ip_address: { not: ['127.0.0.1'] } }),
      (err) => err instanceof Cloudflare.BadRequestError,
    );
  });

  it('no entry holds a value or a credential', () => {
    const text = JSON.stringify(all);
    for (const needle of [...VALUES, env.SECRETSSTORE_ACCOUNT_TOKEN, env.SECRETSSTORE_READ_TOKEN, env.SECRETSSTORE_AUTH_KEY, env.SECRETSSTORE_SERVICE_TOKEN]) {
      assert.ok(!text.includes(needle), 'a value or credential appears in the trail');
    }
  });
});
