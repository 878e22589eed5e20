// The portal in a real browser (Debian's chromium through playwright-core) against the real
// gateway and demo source: a data specialist's access request is approved by the source holder
// in the portal, the specialist sees the grant, the holder revokes it, the auditor finds the
// request's records by trace id and verifies the chain, and a citizen sees their own records and
// nobody else's. Every screen is checked with axe-core (0 violations) and photographed into
// docs/portal/. Run by scripts/test.d/portal.sh.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { startWorld } from './world.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '..', '..');
const build = process.env.BRONPOORT_BUILD_DIR || join(root, 'build');
const shots = process.env.BRONPOORT_PORTAL_SCREENSHOTS || join(root, 'docs', 'portal');
const chromiumPath = process.env.BRONPOORT_CHROMIUM || '/usr/bin/chromium';
const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

const KVK = '00000099000000000002';
const steps = [];
function step(name, fn) { steps.push({ name, fn }); }

const IDP = 'https://idp.bronpoort.test';
const world = await startWorld({
  root, build,
  oidc: { issuer: IDP, authorizationEndpoint: `${IDP}/authorize`, tokenEndpoint: `${IDP}/token`, clientId: 'bronpoort-portal' },
});
const browser = await chromium.launch({ executablePath: chromiumPath, args: ['--no-sandbox', '--disable-dev-shm-usage'] });
const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'nl-NL', acceptDownloads: true });
const page = await context.newPage();
const urls = [];
const problems = [];
page.on('request', (r) => urls.push(r.url()));
page.on('console', (m) => { if (/Content Security Policy|Refused to/i.test(m.text())) problems.push(m.text()); });
page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
mkdirSync(shots, { recursive: true });

const secrets = [];  // tokens and BSNs that must never appear in a URL
const state = {};

async function ready() {
  await page.waitForFunction(() => {
    const main = document.getElementById('main');
    return main && main.dataset.ready && !main.querySelector('[aria-busy="true"]');
  });
}
async function go(hash) {
  const before = await page.evaluate(() => document.getElementById('main')?.dataset.ready || '0');
  if (!page.url().startsWith(`${world.base}/portal/`)) {
    await page.goto(`${world.base}/portal/${hash}`);
  } else if (await page.evaluate(() => location.hash) !== hash) {
    await page.evaluate((h) => { location.hash = h; }, hash);
    await page.waitForFunction((b) => document.getElementById('main').dataset.ready !== b, before);
  }
  await ready();
}
async function axe(name) {
  await page.evaluate(axeSource);
  const result = await page.evaluate(() => window.axe.run(document));
  const violations = result.violations.map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join('; ')}`);
  assert.deepEqual(violations, [], `axe violations on ${name}`);
}
async function shot(name) {
  await page.screenshot({ path: join(shots, `${name}.png`), fullPage: true });
}
async function signIn(persona, extra = {}) {
  await go('#/inloggen');
  await page.getByLabel('Kies een rol').selectOption(persona);
  if (extra.holder) await page.getByLabel('Organisatie van de bronhouder').selectOption(extra.holder);
  if (extra.bsn) await page.getByLabel('BSN van de demo-burger').fill(extra.bsn);
  const before = await page.evaluate(() => document.getElementById('main').dataset.ready);
  await page.getByRole('button', { name: 'Inloggen (demo)' }).click();
  await page.waitForFunction((b) => document.getElementById('main').dataset.ready !== b, before);
  await ready();
  const token = await page.evaluate(() => JSON.parse(sessionStorage.getItem('bronpoort.session')).token);
  secrets.push(token);
  return token;
}
async function signOut() {
  await page.getByRole('button', { name: 'Uitloggen' }).click();
  await ready();
  assert.equal(await page.evaluate(() => sessionStorage.length), 0, 'sign-out clears sessionStorage');
}
async function api(path, { token, method = 'GET', body, headers = {} } = {}) {
  const r = await fetch(`${world.base}${path}`, {
    method, body: body && JSON.stringify(body),
    headers: { ...(token ? { Authorization: `Bearer ${token}` } : {}), ...(body ? { 'Content-Type': 'application/json' } : {}), ...headers },
  });
  return { status: r.status, headers: r.headers, json: await r.json().catch(() => null) };
}

step('the portal is served with a strict CSP and security headers', async () => {
  const r = await fetch(`${world.base}/portal/`);
  assert.equal(r.status, 200);
  assert.match(r.headers.get('content-type'), /^text\/html/);
  const csp = r.headers.get('content-security-policy');
  assert.match(csp, /script-src 'self'/);
  assert.match(csp, /connect-src 'self'/);
  assert.match(csp, /frame-ancestors 'none'/);
  assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/);
  for (const path of ['/portal/../config/keys/demo-issuer-ed25519.pem', '/portal/%2e%2e/config/gateway.json', '/portal/..%2f..%2fconfig%2fgateway.json']) {
    const bad = await fetch(`${world.base}${path}`);
    const text = await bad.text();
    assert.notEqual(bad.status, 200, path);
    assert.doesNotMatch(text, /PRIVATE KEY|demoIssuer/, path);
  }
});

step('catalog: datasets, search and category filter, without signing in', async () => {
  await go('#/catalogus');
  await page.getByRole('link', { name: 'Businesses (demo)' }).waitFor();
  await axe('catalogus');
  await shot('catalogus');
  await page.getByLabel('Categorie').selectOption('sensor');
  await page.getByRole('button', { name: 'Zoeken', exact: true }).click();
  await page.getByText('1 dataset gevonden.').waitFor();
  assert.equal(await page.getByRole('link', { name: 'Businesses (demo)' }).count(), 0);
  await page.getByLabel('Categorie').selectOption('');
  await page.getByLabel('Zoeken in titels, beschrijvingen en velden').fill('trade');
  await page.getByRole('button', { name: 'Zoeken', exact: true }).click();
  await page.getByRole('link', { name: 'Businesses (demo)' }).waitFor();
  await page.getByRole('link', { name: 'Businesses (demo)' }).click();
  await page.waitForFunction(() => location.hash === '#/catalogus/businesses');
  await ready();
  await page.getByRole('heading', { name: 'Resource businesses' }).waitFor();
  await axe('dataset');
  await shot('dataset');
  await go('#/doelen/bedrijven-analyse');
  await page.getByText('Wettelijke grondslag').first().waitFor();
  await axe('doel');
  await shot('doel');
});

step('keyboard: the skip link comes first and moves focus to the content, focus is visible', async () => {
  await go('#/catalogus');
  await page.reload();
  await ready();
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement.textContent), 'Naar de inhoud');
  const outline = await page.evaluate(() => getComputedStyle(document.activeElement).outlineStyle);
  assert.notEqual(outline, 'none', 'focus is visible');
  await page.keyboard.press('Enter');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'main');
});

step('sign-in page (DEMO ONLY)', async () => {
  await go('#/inloggen');
  await page.getByText('ALLEEN VOOR DE DEMO.').waitFor();
  await axe('inloggen');
  await shot('inloggen');
});

step('data specialist: may I? says no and why, then requests access', async () => {
  await signIn('analyst');
  assert.equal(await page.evaluate(() => location.hash), '#/specialist');
  await page.getByLabel('Doel (uit het doelenregister)').selectOption('bedrijven-analyse');
  await page.getByLabel('Dataset').selectOption('businesses');
  await page.getByRole('button', { name: 'Controleer: mag ik dit?' }).click();
  await page.getByText('Nee, nog niet.').waitFor();
  await axe('specialist (mag ik)');
  await page.getByLabel('Motivering (voor een aanvraag)').fill('Analyse van bedrijvigheid per sector voor het economisch beleid.');
  await page.getByRole('button', { name: 'Vraag toegang aan', exact: true }).click();
  await page.getByText('Aanvraag verstuurd.').waitFor();
  state.requestId = await page.getByTestId('request-id').textContent();
  state.traceId = await page.getByTestId('trace-id').textContent();
  assert.match(state.traceId, /^[0-9a-f]{32}$/);
  await page.getByRole('table', { name: 'Aanvragen van mijn organisatie' }).getByText('in behandeling').waitFor();
  await axe('specialist');
  await shot('specialist');
  await signOut();
});

step('source holder: approves the request in the inbox', async () => {
  await signIn('source-admin', { holder: KVK });
  assert.equal(await page.evaluate(() => location.hash), '#/bronhouder');
  const card = page.locator(`[data-request="${state.requestId}"]`);
  await card.waitFor();
  await axe('bronhouder');
  await shot('bronhouder');
  // Narrower than asked: without the founding date, and for one week only.
  await card.getByLabel('foundedDate', { exact: true }).uncheck();
  const lastDay = new Date(Date.now() + 7 * 86400000).toISOString().slice(0, 10);
  await card.getByLabel(/^Geldig tot en met/).fill(lastDay);
  await card.getByRole('button', { name: 'Goedkeuren' }).click();
  await page.getByText(`Aanvraag ${state.requestId} goedgekeurd`).waitFor();
  await page.getByText(`geldig tot en met ${lastDay}`).waitFor();
  const granted = page.getByRole('table', { name: 'Toestemmingen', exact: true });
  await granted.getByText('bedrijven-analyse').waitFor();
  await granted.getByText('addressId, kvkNumber, name, sbiCode', { exact: true }).waitFor();
  // And through the API: the grant holds exactly those fields and ends after that day.
  const grant = await page.evaluate(async (requestId) => {
    const { token } = JSON.parse(sessionStorage.getItem('bronpoort.session'));
    const r = await fetch('/v1/grants', { headers: { Authorization: `Bearer ${token}` } });
    return (await r.json()).grants.find((g) => g.accessRequest === requestId);
  }, state.requestId);
  assert.ok(grant, 'the grant is listed');
  assert.deepEqual(grant.fields, ['addressId', 'kvkNumber', 'name', 'sbiCode']);
  assert.ok(grant.validUntil.slice(0, 10) > lastDay && grant.validUntil.slice(0, 10) <= new Date(Date.now() + 9 * 86400000).toISOString().slice(0, 10),
    `valid until the end of ${lastDay}: ${grant.validUntil}`);
  await signOut();
});

step('data specialist: sees the grant', async () => {
  await signIn('analyst');
  const grants = page.getByRole('table', { name: 'Toestemmingen van mijn organisatie' });
  await grants.getByText('actief').waitFor();
  await grants.getByText('addressId, kvkNumber, name, sbiCode', { exact: true }).waitFor();
  await page.getByRole('table', { name: 'Aanvragen van mijn organisatie' }).getByText('goedgekeurd').waitFor();
  await axe('specialist (toestemming)');
  await signOut();
});

step('source holder: revokes the grant', async () => {
  await signIn('source-admin', { holder: KVK });
  const table = page.getByRole('table', { name: 'Toestemmingen', exact: true });
  const revoke = table.getByRole('button', { name: /intrekken/ }).first();
  await revoke.click();
  await table.getByRole('button', { name: /^Bevestig/ }).click();
  await page.getByText(/is ingetrokken/).waitFor();
  await table.getByText('ingetrokken').waitFor();
  await axe('bronhouder (ingetrokken)');
  await signOut();
});

step('a case worker looks up two people through the API (for the citizen view)', async () => {
  const r = await fetch(`http://127.0.0.1:${world.sourcePort}/brp/persons/query`, {
    method: 'POST', headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ filters: [], sort: [], fields: [], offset: 0, limit: 2, includeTotal: false }),
  });
  const text = await r.text();
  const bsns = [...text.matchAll(/"bsn":"(\d{9})"/g)].map((m) => m[1]);
  assert.equal(bsns.length, 2, text);
  state.bsns = bsns;
  secrets.push(...bsns);
  const token = (await api('/portal/demo-token', { method: 'POST', body: { role: 'case-worker', organisation: '00000001001234567000' } })).json.accessToken;
  secrets.push(token);
  for (const [bsn, times] of [[bsns[0], 2], [bsns[1], 1]]) {
    for (let i = 0; i < times; i += 1) {
      const res = await api('/v1/datasets/persons/persons/search', {
        token, method: 'POST', body: { filters: { bsn: { eq: bsn } } }, headers: { 'Processing-Purpose': 'schuldhulpverlening-intake' },
      });
      assert.equal(res.status, 200, JSON.stringify(res.json));
    }
  }
});

step('auditor: finds the request by trace id, sees the detail, verifies the chain, exports', async () => {
  await signIn('auditor');
  assert.equal(await page.evaluate(() => location.hash), '#/auditor');
  await page.getByLabel('Trace id').fill(state.traceId);
  await page.getByRole('button', { name: 'Zoeken', exact: true }).click();
  const found = page.getByRole('table', { name: 'Gevonden records' });
  await found.getByText('access-request.filed').waitFor();
  const rows = await found.locator('tbody tr').count();
  assert.ok(rows >= 1);
  await found.getByRole('button', { name: /Details/ }).first().click();
  await page.getByRole('heading', { name: /^Record \S+ \/ \d+/ }).waitFor();
  assert.ok((await page.getByText(state.traceId).count()) >= 1);
  await page.getByRole('button', { name: 'Keten controleren' }).click();
  await page.getByText('De keten is intact.').waitFor();
  await axe('auditor');
  await shot('auditor');
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Exporteren (NDJSON)' }).click()]);
  const file = await download.path();
  const lines = readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
  assert.ok(lines.length >= 1 && lines.every((l) => l.traceId === state.traceId), 'the export holds the filtered records');
  await signOut();
});

step('citizen: sees their own records with organisation names, and nobody else\'s', async () => {
  const counts = [];
  const firstUrl = urls.length;
  for (const [i, bsn] of state.bsns.entries()) {
    await signIn('data-subject', { bsn });
    assert.equal(await page.evaluate(() => location.hash), '#/mijn-gegevens');
    const table = page.getByRole('table', { name: 'Verwerkingen van mijn gegevens' });
    await table.waitFor();
    counts.push(await table.locator('tbody tr').count());
    await table.getByText('Gemeente Voorbeeldstad (DEMO)').first().waitFor();
    await table.getByText('verstrekt').first().waitFor();
    if (i === 0) {
      await axe('mijn-gegevens');
      await shot('mijn-gegevens');
    }
    await signOut();
  }
  assert.deepEqual(counts, [2, 1], 'each citizen sees exactly the records about themself');
  // The citizen's screen reads only the citizen's own records, never the organisations' log.
  const apiCalls = urls.slice(firstUrl).filter((u) => u.includes('/v1/'));
  assert.ok(apiCalls.some((u) => u.includes('/v1/my-processing-log')));
  assert.ok(!apiCalls.some((u) => u.includes('/v1/processing-log')), apiCalls.join('\n'));
});

step('OIDC sign-in: authorization code with PKCE against a (simulated) provider', async () => {
  const { createHash } = await import('node:crypto');
  const issued = (await api('/portal/demo-token', { method: 'POST', body: { role: 'auditor', organisation: '00000001009999999000', subject: 'oidc-auditor' } })).json.accessToken;
  secrets.push(issued);
  let authorize;
  let exchange;
  await page.route(`${IDP}/**`, async (route) => {
    const req = route.request();
    const url = new URL(req.url());
    if (url.pathname === '/authorize') {
      authorize = url;
      return route.fulfill({ status: 302, headers: { Location: `${world.base}/portal/?code=the-code&state=${url.searchParams.get('state')}` } });
    }
    exchange = new URLSearchParams(req.postData());
    return route.fulfill({ status: 200, contentType: 'application/json', headers: { 'Access-Control-Allow-Origin': world.base },
      body: JSON.stringify({ access_token: issued, token_type: 'Bearer', expires_in: 300 }) });
  });
  await go('#/inloggen');
  await page.getByRole('button', { name: 'Inloggen via idp.bronpoort.test' }).click();
  await page.waitForFunction(() => location.hash === '#/auditor');
  await ready();
  assert.equal(authorize.searchParams.get('response_type'), 'code');
  assert.equal(authorize.searchParams.get('client_id'), 'bronpoort-portal');
  assert.equal(authorize.searchParams.get('code_challenge_method'), 'S256');
  assert.equal(authorize.searchParams.get('redirect_uri'), `${world.base}/portal/`);
  assert.equal(exchange.get('grant_type'), 'authorization_code');
  assert.equal(exchange.get('code'), 'the-code');
  const challenge = createHash('sha256').update(exchange.get('code_verifier')).digest('base64url');
  assert.equal(challenge, authorize.searchParams.get('code_challenge'), 'the verifier matches the challenge');
  assert.ok(!page.url().includes('code='), 'the code is gone from the address bar');
  await page.getByText('Ingelogd als oidc-auditor (auditor)').waitFor();
  await page.unroute(`${IDP}/**`);
  await signOut();
});

step('no token or BSN ever went into a URL; no CSP violation; nothing in localStorage', async () => {
  for (const url of urls) for (const s of secrets) assert.ok(!url.includes(s), `secret in URL ${url}`);
  assert.deepEqual(problems, []);
  assert.equal(await page.evaluate(() => localStorage.length), 0);
});

let failed = 0;
try {
  for (const { name, fn } of steps) {
    try {
      await fn();
      console.log(`ok - ${name}`);
    } catch (err) {
      failed += 1;
      console.log(`not ok - ${name}\n${err.stack}`);
      await page.screenshot({ path: join(process.env.TMPDIR || '/tmp', `portal-failure-${failed}.png`), fullPage: true }).catch(() => {});
      break;  // later steps depend on earlier ones
    }
  }
} finally {
  await browser.close();
  if (failed && existsSync('/dev/stderr')) console.error(world.outputs.gateway ? world.outputs.gateway.text.slice(-4000) : '');
  world.stop();
}
console.log(failed ? `${failed} step(s) failed` : `all ${steps.length} steps passed`);
process.exit(failed ? 1 : 0);
