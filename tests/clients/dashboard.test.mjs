// The Orleans dashboard (/dashboard) in a real browser: Debian's Chromium, headless, driven by playwright-core.
// The operator signs in the way a person does, through the browser's HTTP Basic prompt with the admin token as the
// password; the dashboard must then show the service's grains, and nothing it sends may hold a secret.
//
// Run (tests/SecretsStore.Tests/Hosting/DashboardBrowserTests.cs provisions all of this after a workload):
//   SECRETSSTORE_ORIGIN=http://127.0.0.1:8787      the service, without a path
//   SECRETSSTORE_ADMIN_TOKEN                        the operator's token
//   SECRETSSTORE_ACCOUNT_ID, SECRETSSTORE_ACCOUNT_TOKEN (write), SECRETSSTORE_STORE_IDS (comma-separated)
//   SECRETSSTORE_SERVICE_TOKEN                      a service that reads values through the system routes
//   SECRETSSTORE_NEVER_SHOWN                        JSON array: the workload's values, tokens and keys
//   SECRETSSTORE_CHROMIUM                           the browser to launch (Debian: /usr/bin/chromium)
//   SECRETSSTORE_SCREENSHOT                         where to save the screenshot (PNG)
//   node --test --test-reporter=spec dashboard.test.mjs

import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { chromium } from 'playwright-core';
import { requireEnv } from './support.mjs';

const env = requireEnv(
  'SECRETSSTORE_ORIGIN',
  'SECRETSSTORE_ADMIN_TOKEN',
  'SECRETSSTORE_ACCOUNT_ID',
  'SECRETSSTORE_ACCOUNT_TOKEN',
  'SECRETSSTORE_STORE_IDS',
  'SECRETSSTORE_SERVICE_TOKEN',
  'SECRETSSTORE_NEVER_SHOWN',
  'SECRETSSTORE_CHROMIUM',
  'SECRETSSTORE_SCREENSHOT',
);
const ORIGIN = env.SECRETSSTORE_ORIGIN.replace(/\/$/, '');
const DASHBOARD = `${ORIGIN}/dashboard/`;
const ADMIN = env.SECRETSSTORE_ADMIN_TOKEN;
const ACCOUNT_ID = env.SECRETSSTORE_ACCOUNT_ID;
const ACCOUNT_TOKEN = env.SECRETSSTORE_ACCOUNT_TOKEN;
const STORE_IDS = env.SECRETSSTORE_STORE_IDS.split(',');
const SERVICE_TOKEN = env.SECRETSSTORE_SERVICE_TOKEN;

// Made here and used while the browser watches the log stream; never to be shown either.
const LIVE_VALUE = `dashboard-live-canary-${randomBytes(12).toString('hex')}`;
const NEVER_SHOWN = [...JSON.parse(env.SECRETSSTORE_NEVER_SHOWN), LIVE_VALUE, ADMIN];
/** A string as it is, and in base64 and base64url, in case something encodes it on the way. */
const encodings = (s) => {
  const bytes = Buffer.from(s, 'utf8');
  return [s, bytes.toString('base64').replace(/=+$/, ''), bytes.toString('base64url')];
};

/** Which of the strings the text holds in any encoding, named by position rather than by the string itself. */
function found(text, strings = NEVER_SHOWN) {
  return strings.flatMap((s, i) => (encodings(s).some((e) => text.includes(e)) ? [`secret #${i}`] : []));
}

const basic = (password) => `Basic ${Buffer.from(`operator:${password}`, 'utf8').toString('base64')}`;

/** Waits until the page shows one of the texts; on a timeout, fails with what it showed instead. */
async function waitForText(page, ...texts) {
  try {
    await page.waitForFunction((texts) => texts.some((t) => document.body.innerText.includes(t)), texts, { timeout: 30_000 });
  } catch (error) {
    assert.fail(`the page never showed ${texts.join(' or ')} (${error.message.split('\n')[0]}); it showed:\n${await page.innerText('body')}`);
  }
}

/**
 * The page's HTML once no navigation is under way. After a refused goto, Chromium commits its own error page a moment
 * later: a load state can resolve for the document before it, and page.content() throws while the new one commits.
 */
async function settledContent(page, timeout = 15_000) {
  const until = Date.now() + timeout;
  for (;;) {
    try {
      await page.waitForLoadState('load', { timeout: Math.max(1, until - Date.now()) });
      const before = page.url();
      const html = await page.content();
      // A navigation that started and finished between the two calls leaves another URL: read again.
      if (page.url() === before) return html;
    } catch (error) {
      if (!/navigating|changing the content|Execution context was destroyed/i.test(String(error)) || Date.now() > until) throw error;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

function launch() {
  // As root Chromium refuses to start without --no-sandbox. Playwright's headless mode is Chromium's new headless.
  return chromium.launch({ executablePath: env.SECRETSSTORE_CHROMIUM, headless: true, args: ['--no-sandbox'] });
}

describe('the dashboard without the admin token', () => {
  const routes = ['', 'DashboardCounters', 'ClusterStats', 'GrainTypes', `GrainState?grainType=SecretsStore.Grains.StoreGrain&grainId=${STORE_IDS[0]}`];
  const refusals = [
    ['no credentials', undefined],
    ['an account token as a bearer token', `Bearer ${ACCOUNT_TOKEN}`],
    ['an account token as the Basic password', basic(ACCOUNT_TOKEN)],
    ['a service token as a bearer token', `Bearer ${SERVICE_TOKEN}`],
    ['a wrong password', basic(`${ADMIN}x`)],
  ];

  for (const [what, authorization] of refusals) {
    it(`is refused with ${what}: the page and its data API answer 401 and nothing else`, async () => {
      for (const route of routes) {
        const response = await fetch(DASHBOARD + route, { headers: authorization ? { authorization } : {}, redirect: 'manual' });
        const body = await response.text();
        assert.equal(response.status, 401, `/dashboard/${route} with ${what}`);
        assert.match(response.headers.get('www-authenticate') ?? '', /^Basic /, 'the 401 asks the browser for credentials');
        assert.equal(body, '', `/dashboard/${route} answered a body to ${what}`);
      }
    });
  }

  it('is refused to a browser that has no credentials to give: 401, then no page', async () => {
    const browser = await launch();
    try {
      const page = await browser.newPage();
      const statuses = [];
      page.on('response', (response) => statuses.push(response.status()));
      // Headless Chromium has no one to ask, so it gives up on the challenge instead of showing a prompt.
      await assert.rejects(page.goto(DASHBOARD), /ERR_INVALID_AUTH_CREDENTIALS/);
      assert.deepEqual(statuses, [401]);
      // The browser goes on to its own error page: read the page once that navigation has settled.
      assert.doesNotMatch(await settledContent(page), /Orleans|Grain/);
    } finally {
      await browser.close();
    }
  });
});

describe('the dashboard for the operator in a browser', () => {
  let browser;
  let page;
  /** What the browser received: one entry per response, with its body where it has one. */
  const received = [];
  const pending = [];
  const shown = [];

  before(async () => {
    browser = await launch();
    // The admin token goes where a person would type it: the browser's sign-in prompt (HTTP Basic, any user name).
    const context = await browser.newContext({
      httpCredentials: { username: 'operator', password: ADMIN },
      viewport: { width: 1400, height: 900 },
    });
    page = await context.newPage();
    page.on('response', (response) => {
      pending.push((async () => {
        const entry = { url: response.url(), status: response.status(), headers: JSON.stringify(await response.allHeaders()) };
        try {
          entry.body = (await response.body()).toString('utf8');
        } catch (error) {
          entry.error = String(error);
        }
        received.push(entry);
      })());
    });
  });

  after(async () => {
    await browser?.close();
  });

  it('shows StoreGrain and AccountGrain activations on the grains page, and saves a screenshot', async () => {
    const response = await page.goto(`${DASHBOARD}#/grains`);
    assert.equal(response.status(), 200);
    // The page is empty until the dashboard's script has polled the counters and drawn the table.
    const counts = await page.waitForFunction(() => {
      // The table's header row holds a th per column; each grain type's row names the type in full in its title.
      const header = document.querySelector('th[data-column="activationCount"]');
      if (!header) return null;
      const column = [...header.parentElement.cells].indexOf(header);
      const activations = {};
      for (const row of header.closest('table').rows) {
        const type = row.cells[0]?.getAttribute('title');
        if (type) activations[type.replace(/^SecretsStore\.Grains\./, '')] = Number(row.cells[column].innerText.trim());
      }
      return activations.StoreGrain >= 1 && activations.AccountGrain >= 1 ? activations : null;
    }, null, { timeout: 30_000, polling: 250 }).then((handle) => handle.jsonValue());
    // The workload's stores are active; other tests of the collection may have added theirs.
    assert.ok(counts.StoreGrain >= STORE_IDS.length, `StoreGrain activations: ${JSON.stringify(counts)}`);
    assert.ok(counts.AccountGrain >= 1, `AccountGrain activations: ${JSON.stringify(counts)}`);
    for (const type of ['StoreGrain', 'AccountGrain']) {
      await page.getByRole('link', { name: type, exact: true }).waitFor();
    }

    mkdirSync(dirname(env.SECRETSSTORE_SCREENSHOT), { recursive: true });
    await page.screenshot({ path: env.SECRETSSTORE_SCREENSHOT, fullPage: true });
    console.log(`dashboard screenshot: ${env.SECRETSSTORE_SCREENSHOT}`);
    shown.push(['grains page', await page.innerText('body')]);
  });

  it('opens the overview, each grain type, and the grain state of every store and of the account', async () => {
    await page.goto(`${DASHBOARD}#/`);
    await waitForText(page, 'TOTAL ACTIVATIONS');
    shown.push(['overview', await page.innerText('body')]);

    for (const type of ['StoreGrain', 'AccountGrain']) {
      await page.goto(`${DASHBOARD}#/grain/SecretsStore.Grains.${type}`);
      // A type that took no calls in the dashboard's recent history gets an empty page.
      await waitForText(page, `SecretsStore.Grains.${type}`, 'No messages recorded');
      shown.push([`${type} page`, await page.innerText('body')]);
    }

    // The grain state endpoint activates a grain and calls its parameterless methods: the one place the
    // dashboard reaches into our grains. Asked from the page, so the answers are the browser's own responses.
    const keys = [...STORE_IDS.map((id) => ['StoreGrain', id]), ['AccountGrain', ACCOUNT_ID], ['MasterKeysGrain', '0']];
    const states = await page.evaluate(async (keys) => Promise.all(keys.map(async ([type, id]) => {
      const response = await fetch(`GrainState?grainType=SecretsStore.Grains.${type}&grainId=${id}`);
      return { type, status: response.status, text: await response.text() };
    })), keys);
    for (const state of states) {
      assert.equal(state.status, 200, `${state.type}: ${state.text}`);
    }
    shown.push(['grain states', JSON.stringify(states)]);
  });

  it('streams a log that shows nothing secret while secrets are written and read', async () => {
    await page.goto(`${DASHBOARD}#/trace`);
    // The stream never ends, so the browser reads it from the page for a while, during the writes and reads.
    const streamed = page.evaluate(async () => {
      const reader = (await fetch('Trace')).body.getReader();
      const decoder = new TextDecoder();
      let text = '';
      const until = Date.now() + 4_000;
      while (Date.now() < until) {
        const chunk = await Promise.race([reader.read(), new Promise((r) => setTimeout(() => r({ wait: true }), until - Date.now()))]);
        if (chunk.done) break;
        if (chunk.value) text += decoder.decode(chunk.value, { stream: true });
      }
      await reader.cancel();
      return text;
    });
    await new Promise((r) => setTimeout(r, 500));

    const secrets = `${ORIGIN}/client/v4/accounts/${ACCOUNT_ID}/secrets_store/stores/${STORE_IDS[0]}/secrets`;
    const created = await fetch(secrets, {
      method: 'POST',
      headers: { authorization: `Bearer ${ACCOUNT_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify([{ name: `LIVE_${randomBytes(4).toString('hex').toUpperCase()}`, value: LIVE_VALUE, scopes: ['workers'] }]),
    });
    assert.equal(created.status, 200, await created.clone().text());
    const id = (await created.json()).result[0].id;
    const value = await fetch(`${ORIGIN}/client/v4/system/accounts/${ACCOUNT_ID}/stores/${STORE_IDS[0]}/secrets/${id}/value`, {
      headers: { authorization: `Bearer ${SERVICE_TOKEN}` },
    });
    assert.equal((await value.json()).result?.value, LIVE_VALUE, 'the value route answered the live value');

    const log = await streamed;
    assert.match(log, /Orleans Dashboard log/, 'the browser read the log stream');
    shown.push(['log stream', log], ['log stream page', await page.innerText('body')]);
  });

  it('received no secret value, token or key in any page it showed or any response it got', async () => {
    await page.close();
    await Promise.all(pending);
    const urls = received.map((r) => new URL(r.url).pathname);
    for (const path of ['/dashboard/', '/dashboard/index.min.js', '/dashboard/DashboardCounters', '/dashboard/GrainState']) {
      assert.ok(urls.includes(path), `the browser fetched ${path}: ${[...new Set(urls)].join(' ')}`);
    }

    // The search itself finds what is there: a grain type the dashboard does show.
    assert.deepEqual(found(received.map((r) => r.body ?? '').join('\n'), ['SecretsStore.Grains.AccountGrain']), ['secret #0']);

    const unread = received.filter((r) => r.error && !r.url.endsWith('/Trace'));
    assert.deepEqual(unread.map((r) => `${r.url}: ${r.error}`), [], 'every response body could be read');
    for (const r of received) {
      assert.deepEqual(found(`${r.headers}\n${r.body ?? ''}`), [], `response ${r.status} ${r.url}`);
    }
    for (const [what, text] of shown) {
      assert.ok(text.length > 0, `${what} showed something`);
      assert.deepEqual(found(text), [], what);
    }
    console.log(`checked ${received.length} responses and ${shown.length} pages for ${NEVER_SHOWN.length} secrets`);
  });
});
