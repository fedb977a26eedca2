// browser.mjs - the dashboard and the NPS widget in a real headless Chromium (Debian's
// /usr/bin/chromium driven by playwright-core), against a real loyaltyd and PostgreSQL;
// each state of the pages is also audited for accessibility with axe-core.
// Run by tests/integration/test_browser.c, which starts loyaltyd and passes:
//   LOYALTYD_URL      the server ("http://127.0.0.1:PORT")
//   ADMIN_KEY         the admin key of a fresh tenant
//   EMPTY_READ_KEY    a read key of a second tenant with no data at all
//   HOST_PORT         a free port for the shop page (another origin, allowed by CORS)
//   E2E_OUT           where screenshots and the downloaded CSV go
//   E2E_TOOLS         scripts/tools/node_modules (playwright-core)
// Exits non-zero on the first failed assertion.
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { mkdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import { join } from 'node:path';

const env = (name) => {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set`);
  return v;
};
const BASE = env('LOYALTYD_URL');
const ADMIN = env('ADMIN_KEY');
const EMPTY_READ = env('EMPTY_READ_KEY');
const HOST_PORT = Number(env('HOST_PORT'));
const OUT = env('E2E_OUT');
const require = createRequire(join(env('E2E_TOOLS'), 'noop.js'));
const { chromium } = require('playwright-core');
mkdirSync(OUT, { recursive: true });

async function api(method, path, key, body, expect) {
  const res = await fetch(BASE + path, {
    method,
    headers: { Authorization: `Bearer ${key}`, 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (expect !== undefined) assert.equal(res.status, expect, `${method} ${path}: ${text}`);
  return text ? JSON.parse(text) : null;
}

// ---- known data: eight customers' orders around the first half of 2026, ten NPS answers

const order = (n, customer, day, amount) => ({
  id: `o-${n}`, customer_id: customer, type: 'order', occurred_at: `${day}T10:00:00Z`,
  amount, currency: 'EUR', order_id: String(1000 + n),
});
const ORDERS = [
  ['c01', '2026-01-10', '50.00'], ['c01', '2026-02-10', '50.00'], ['c01', '2026-03-10', '50.00'],
  ['c01', '2026-04-10', '50.00'], ['c01', '2026-05-10', '50.00'], ['c01', '2026-06-10', '50.00'],
  ['c02', '2026-01-15', '80.00'], ['c02', '2026-03-15', '80.00'],
  ['c03', '2026-02-05', '30.00'], ['c03', '2026-02-25', '30.00'], ['c03', '2026-06-01', '30.00'],
  ['c04', '2026-03-03', '200.00'],
  ['c05', '2026-04-20', '40.00'], ['c05', '2026-05-20', '40.00'],
  ['c06', '2026-06-20', '25.00'],
  ['c07', '2025-11-01', '10.00'], ['c07', '2026-01-02', '10.00'],
  ['c08', '2025-06-01', '100.00'],
].map((o, i) => order(i + 1, ...o));
// P = 5 (10, 9, 9, 10, 9), passives 2 (8, 7), D = 3 (6, 3, 0): NPS = 100 × (5 − 3) / 10 = 20
const ANSWERS = [
  ['c01', 10, 'Always quick', '2026-01-20'], ['c02', 9, null, '2026-02-02'],
  ['c03', 9, 'Nice', '2026-02-27'], ['c04', 8, null, '2026-03-05'],
  ['c05', 7, 'OK', '2026-04-22'], ['c06', 6, 'Delivery was late twice', '2026-06-21'],
  ['c07', 3, 'The parcel arrived damaged', '2026-01-05'], [null, 0, 'Rude support on the phone', '2026-05-01'],
  ['c02', 10, null, '2026-03-16'], ['c01', 9, null, '2026-06-11'],
];

async function seed() {
  const readKey = (await api('POST', '/v1/keys', ADMIN, { name: 'dashboard', scopes: ['read'] }, 201)).secret;
  const respondKey = (await api('POST', '/v1/keys', ADMIN, { name: 'widget', scopes: ['respond'] }, 201)).secret;
  await api('PUT', '/v1/program', ADMIN, {
    currency: 'EUR', points_per_unit: 1, rounding: 'floor', expiry_days: 365,
    min_redeem: 10, point_value: '0.01',
  }, 200);
  const ingest = await api('POST', '/v1/events', ADMIN, { events: ORDERS }, 200);
  assert.deepEqual(ingest, { accepted: ORDERS.length, duplicates: 0 });
  await api('POST', '/v1/customers/c01/points/redeem', ADMIN, { points: 100, reason: 'voucher' }, 201);
  const survey = await api('POST', '/v1/surveys', ADMIN,
    { name: 'After delivery', kind: 'nps', question: 'Would you recommend us?' }, 201);
  for (const [customer, score, comment, day] of ANSWERS) {
    const body = { score, channel: 'email', responded_at: `${day}T12:00:00Z` };
    if (customer) body.customer_id = customer;
    if (comment) body.comment = comment;
    await api('POST', `/v1/surveys/${survey.id}/responses`, ADMIN, body, 201);
  }
  return { readKey, respondKey, survey: survey.id };
}

// ---- the browser

const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
const AXE = readFileSync(join(env('E2E_TOOLS'), 'axe-core', 'axe.min.js'), 'utf8');
// An accessibility audit of what the page shows (axe-core, WCAG 2 A and AA rules, shadow
// roots included): fails on any violation. Run through the debugger protocol, which the
// dashboard's Content-Security-Policy does not govern.
async function audit(page, label) {
  await page.evaluate(AXE);
  const found = await page.evaluate(async () => {
    const r = await window.axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } });
    return r.violations.map((v) => `${v.id} (${v.impact}): ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(' | ')}`);
  });
  assert.deepEqual(found, [], `${label}: accessibility violations`);
}
const shots = [];
async function shot(page, name) {
  const path = join(OUT, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  shots.push(path);
}
// Every page's console errors and failed requests fail the test, but for the one answer a
// read key is meant to get: 403 to the event endpoints, which need the admin scope (the
// browser logs every failed request; its location is the request's URL).
const FORBIDDEN_ENDPOINTS = /\/v1\/event-endpoints$/;
function watch(page, label) {
  const problems = [];
  page.on('pageerror', (e) => problems.push(`${label}: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() !== 'error') return;
    const where = m.location().url || '';
    if (/status of 403/.test(m.text()) && FORBIDDEN_ENDPOINTS.test(new URL(where, BASE).pathname)) return;
    problems.push(`${label} console: ${m.text()} (${where})`);
  });
  return problems;
}

const PERIOD = { from: '2026-01-01', until: '2026-06-30', tz: 'Europe/Zagreb', interval: 'month' };
const Q = `from=2026-01-01&to=2026-07-01&tz=Europe%2FZagreb`;

async function openDashboard(page, key) {
  await page.goto(`${BASE}/dashboard`);
  await page.fill('#key', key);
  await page.click('#key-form button[type=submit]');
  await page.waitForSelector('#main:not([hidden])');
}
async function setPeriod(page) {
  await page.fill('#from', PERIOD.from);
  await page.fill('#until', PERIOD.until);
  await page.fill('#tz', PERIOD.tz);
  await page.selectOption('#interval', PERIOD.interval);
  await page.click('#period button[type=submit]');
  for (const card of ['nps', 'comments', 'retention', 'points', 'cohorts', 'rfm', 'endpoints', 'rewards'])
    await page.waitForSelector(`#${card}:not([data-state=loading])`);
}
const text = (page, sel) => page.locator(sel).first().innerText();
const ADMIN_WORDS = 'Event endpoints need an admin key: this key may read reports but not ' +
  'see where events go. Open the dashboard with a key with the admin scope to see them.';
const fmt = (x, digits = 1) => Number(x).toLocaleString('en-US', { maximumFractionDigits: digits });

async function dashboard(keys) {
  const ctx = await browser.newContext({ acceptDownloads: true, locale: 'en-US', viewport: { width: 1280, height: 900 } });
  const page = await ctx.newPage();
  const problems = watch(page, 'dashboard');
  await openDashboard(page, keys.readKey);
  await setPeriod(page);
  for (const card of ['nps', 'comments', 'retention', 'points', 'cohorts', 'rfm'])
    assert.equal(await page.getAttribute(`#${card}`, 'data-state'), 'ready', `card ${card}`);
  // the event endpoints need the admin scope: the read key is told so in words, not an error
  assert.equal(await page.getAttribute('#endpoints', 'data-state'), 'empty');
  assert.equal(await text(page, '#endpoints .state'), ADMIN_WORDS);
  // no reward yet: the card says how to add one
  assert.equal(await page.getAttribute('#rewards', 'data-state'), 'empty');
  assert.match(await text(page, '#rewards .state'), /^No reward yet\. Add one with an admin key: POST http.+\/v1\/rewards with its name, points_cost and kind/);

  // NPS: the API's figures, and the API's figures are the hand-computed ones
  const nps = await api('GET', `/v1/reports/nps?${Q}&interval=month`, keys.readKey, undefined, 200);
  assert.equal(nps.responses, 10);
  assert.equal(nps.nps, 20);
  assert.equal(await text(page, '[data-testid=nps-value]'), fmt(nps.nps));
  assert.equal(await text(page, '[data-testid=nps-responses]'), '10');
  assert.equal(await text(page, '[data-testid=nps-interval]'), `${fmt(nps.ci_low)} to ${fmt(nps.ci_high)}`);
  assert.equal(await text(page, '[data-testid=nps-promoters]'), `Promoters (9–10): 5 (${fmt(nps.promoters_pct)} %)`);
  assert.equal(await text(page, '[data-testid=nps-detractors]'), `Detractors (0–6): 3 (${fmt(nps.detractors_pct)} %)`);
  assert.equal(nps.series.length, 6);
  assert.equal(await page.locator('#nps-chart canvas').count(), 1, 'the NPS chart is drawn');

  // detractor comments, newest first, and their search
  const comments = await page.locator('[data-testid=comments] q').allInnerTexts();
  assert.deepEqual(comments, ['Delivery was late twice', 'Rude support on the phone', 'The parcel arrived damaged']);
  await page.fill('#q', 'parcel');
  await page.click('#comment-search button');
  await page.waitForFunction(() => document.querySelectorAll('[data-testid=comments] q').length === 1);
  assert.equal(await text(page, '[data-testid=comments] q'), 'The parcel arrived damaged');

  // retention and points
  const ret = await api('GET', `/v1/reports/retention?${Q}&interval=month`, keys.readKey, undefined, 200);
  assert.equal(ret.series.length, 6);
  assert.equal(await page.locator('#retention-chart canvas').count(), 1, 'the retention chart is drawn');
  // uPlot's legend lists the two lines the chart draws
  assert.deepEqual(await page.locator('#retention-chart .u-legend .u-series th').allInnerTexts().then((a) => a.map((x) => x.trim())),
    ['Time', 'Retention %', 'Churn %']);
  assert.equal(await text(page, '[data-testid=retention-rate]'), ret.retention_rate === null ? '—' : `${fmt(ret.retention_rate)} %`);
  assert.equal(await text(page, '[data-testid=retention-lost]'), String(ret.lost));
  assert.equal(await text(page, '[data-testid=retention-new]'), String(ret.new));
  const pts = await api('GET', '/v1/reports/points?tz=Europe%2FZagreb', keys.readKey, undefined, 200);
  assert.ok(pts.outstanding > 0);
  assert.equal(await text(page, '[data-testid=points-outstanding]'), fmt(pts.outstanding, 0));
  assert.equal(await text(page, '[data-testid=points-breakage]'), pts.breakage === null ? '—' : `${fmt(pts.breakage)} %`);

  // cohorts: one row a cohort, its size, and one filled cell per period with customers
  const coh = await api('GET', `/v1/reports/cohorts?${Q}&interval=month`, keys.readKey, undefined, 200);
  assert.equal(coh.cohorts.length, 6);
  const sizes = await page.locator('[data-testid=cohort-size]').allInnerTexts();
  assert.deepEqual(sizes, coh.cohorts.map((c) => String(c.customers)));
  const cells = coh.cohorts.filter((c) => c.customers > 0).reduce((n, c) => n + c.periods.length, 0);
  assert.equal(await page.locator('[data-testid=cohort-table] td[data-customers]').count(), cells);
  const jan = coh.cohorts[0];
  assert.equal(jan.customers, 2); // c01 and c02 (c07 ordered first in 2025)
  const janFeb = page.locator('[data-testid=cohort-table] tr[data-cohort] >> nth=0').locator('td[data-customers] >> nth=1');
  assert.equal(await janFeb.getAttribute('data-customers'), String(jan.periods[1].customers));

  // RFM: the grid and every segment's size
  const rfm = await api('GET', '/v1/reports/rfm?as_of=2026-07-01&tz=Europe%2FZagreb', keys.readKey, undefined, 200);
  assert.equal(rfm.customers, 8);
  const shownSizes = await page.locator('[data-testid=segment-size]').allInnerTexts();
  assert.deepEqual(shownSizes, rfm.segments.map((s) => String(s.customers)));
  for (let r = 1; r <= 5; r++)
    for (let f = 1; f <= 5; f++)
      assert.equal(await text(page, `[data-testid=rfm-grid] td[data-r="${r}"][data-f="${f}"]`), String(rfm.grid[r - 1][f - 1]));
  await shot(page, 'dashboard');
  await audit(page, 'dashboard');

  // a segment's customers and its CSV
  const seg = rfm.segments.find((s) => s.customers > 0);
  await page.click(`[data-segment="${seg.segment}"]`);
  await page.waitForSelector('#segment[data-state=ready]');
  const listed = await page.locator('[data-testid=segment-customers] tbody tr').count();
  assert.equal(listed, seg.customers);
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('#csv')]);
  assert.equal(download.suggestedFilename(), `segment-${seg.segment}-2026-07-01.csv`);
  const csvPath = join(OUT, download.suggestedFilename());
  await download.saveAs(csvPath);
  const csv = readFileSync(csvPath, 'utf8').trim().split('\n');
  assert.match(csv[0], /^external_id,/);
  assert.equal(csv.length - 1, seg.customers);
  const apiList = await api('GET', `/v1/segments/${seg.segment}/customers?as_of=2026-07-01&tz=Europe%2FZagreb`, keys.readKey, undefined, 200);
  assert.deepEqual(csv.slice(1).map((l) => l.split(',')[0]).sort(), apiList.data.map((c) => c.external_id).sort());
  // the list shows each customer's RFM figures as the API gives them
  const head = await page.locator('[data-testid=segment-customers] thead th').allInnerTexts();
  const rows = await page.locator('[data-testid=segment-customers] tbody tr').evaluateAll(
    (trs) => trs.map((tr) => Array.from(tr.children).map((td) => td.textContent)));
  const col = (name) => { const i = head.indexOf(name); assert.ok(i >= 0, `column ${name}`); return i; };
  apiList.data.forEach((c, i) => {
    assert.equal(rows[i][col('Customer')], c.external_id);
    assert.equal(rows[i][col('Days since last order')], String(c.recency_days));
    assert.equal(rows[i][col('Orders')], String(c.frequency));
    assert.equal(rows[i][col('Net amount')], c.monetary);
    assert.deepEqual([rows[i][col('R')], rows[i][col('F')], rows[i][col('M')]], [String(c.r), String(c.f), String(c.m)]);
  });
  await shot(page, 'dashboard-segment');
  await audit(page, 'dashboard with a segment');

  // on a phone: one column, nothing wider than the screen
  await page.setViewportSize({ width: 390, height: 844 });
  await page.waitForTimeout(200);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `the page is ${overflow} px wider than a phone`);
  await shot(page, 'dashboard-phone');

  // an empty period (from after until) is said in words, and changes nothing shown
  await page.fill('#from', '2026-07-01');
  await page.click('#period button[type=submit]');
  assert.equal(await text(page, '#notice'), 'The period is empty: “From” must come before “Until”.');
  assert.equal(await page.getAttribute('#nps', 'data-state'), 'ready');
  assert.equal(await text(page, '[data-testid=nps-value]'), fmt(nps.nps));
  await page.fill('#from', PERIOD.from);

  // the key is in sessionStorage only, and "Forget key" removes it
  const stored = await page.evaluate(() => [sessionStorage.getItem('loyaltyd.key'), localStorage.length, document.cookie]);
  assert.deepEqual(stored, [keys.readKey, 0, '']);
  await page.click('#forget');
  assert.equal(await page.evaluate(() => sessionStorage.getItem('loyaltyd.key')), null);
  assert.deepEqual(problems, []);
  await ctx.close();
}

async function dashboardStates(keys) {
  const ctx = await browser.newContext({ locale: 'en-US', viewport: { width: 1280, height: 900 } });
  const page = await ctx.newPage();
  // a new shop with no data: every card says so
  await openDashboard(page, EMPTY_READ);
  await setPeriod(page);
  for (const card of ['nps', 'comments', 'cohorts', 'rfm', 'points'])
    assert.equal(await page.getAttribute(`#${card}`, 'data-state'), 'empty', `empty card ${card}`);
  assert.match(await text(page, '#nps .state'), /No NPS answers in this period yet/);
  assert.match(await text(page, '#rfm .state'), /No customer has ordered yet/);
  assert.equal(await text(page, '#endpoints .state'), ADMIN_WORDS);
  await shot(page, 'dashboard-empty');
  await audit(page, 'empty dashboard');

  // loading and failure, in words: the cohorts held back a second, the NPS report failing
  // as loyaltyd does when its database is away (503 problem+json)
  let release;
  const held = new Promise((ok) => { release = ok; });
  await page.route('**/v1/reports/cohorts?*', async (route) => { await held; await route.continue(); });
  await page.route('**/v1/reports/nps?*', (route) => route.fulfill({
    status: 503, contentType: 'application/problem+json', headers: { 'Retry-After': '1' },
    body: JSON.stringify({ type: 'urn:loyaltyd:problem:unavailable', title: 'Service Unavailable', status: 503, detail: 'the database is unavailable' }),
  }));
  await page.click('#period button[type=submit]');
  await page.waitForSelector('#nps[data-state=error]');
  assert.equal(await text(page, '#nps .state'), 'The database is unavailable right now; try again in a moment.');
  assert.equal(await page.getAttribute('#cohorts', 'data-state'), 'loading');
  assert.equal(await page.getAttribute('#cohorts', 'aria-busy'), 'true');
  assert.equal(await text(page, '#cohorts .state'), 'Loading…');
  await shot(page, 'dashboard-loading-and-error');
  release();
  await page.waitForSelector('#cohorts[data-state=empty]');
  await page.unrouteAll();
  // a wrong key: said in words, and the key is forgotten
  await page.click('#forget');
  await page.fill('#key', 'lk_not_a_real_key_at_all_000000000000000000000');
  await page.click('#key-form button[type=submit]');
  await page.waitForSelector('#notice:not([hidden])');
  assert.equal(await text(page, '#notice'), 'The key was not accepted. Paste a current key with the read scope.');
  assert.equal(await page.isVisible('#key-form'), true);
  await shot(page, 'dashboard-bad-key');
  await audit(page, 'key form');
  // a key without the read scope: said so, and the key is kept for the user to replace
  await page.fill('#key', keys.respondKey);
  await page.click('#key-form button[type=submit]');
  await page.waitForFunction(() => document.getElementById('notice').textContent ===
    'This key may not read reports: it needs the read scope.');
  assert.equal(await page.isVisible('#main'), false);
  assert.equal(await page.evaluate(() => sessionStorage.getItem('loyaltyd.key')), null);
  await ctx.close();
}

// ---- the widget on a shop's page, another origin

function shopPage(attrs, lang = 'en') {
  const data = Object.entries(attrs).map(([k, v]) => `data-${k}="${v}"`).join(' ');
  return `<!doctype html><html lang="${lang}"><head><meta charset="utf-8"><title>Shop</title>
<style>
  /* a host page's careless styles must not reach the widget, nor the widget's the page */
  body { font-family: Georgia, serif; margin: 0; }
  button { display: none; } input { width: 500px; } label { font-size: 40px; }
  .column { width: 320px; margin: 0 auto; border: 1px dashed #999; }
</style></head>
<body><div class="column"><h1>Thanks for your order</h1>
<script src="${BASE}/widget/nps.js" async ${data}></script>
<p id="after">Text after the widget.</p></div></body></html>`;
}

async function withShop(handler) {
  let page = '';
  const server = createServer((req, res) => {
    res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
    res.end(page);
  });
  await new Promise((ok) => server.listen(HOST_PORT, '127.0.0.1', ok));
  try {
    return await handler((html) => { page = html; }, `http://127.0.0.1:${HOST_PORT}/`);
  } finally {
    server.close();
  }
}

async function widgetAnswer(page, url, score, comment) {
  await page.goto(url);
  const widget = page.locator('.loyaltyd-survey');
  await widget.locator('input[type=radio]').first().waitFor();
  // by keyboard only: Tab into the scale, arrows to the score, Tab to the comment
  await page.keyboard.press('Tab');
  await page.keyboard.press('Space'); // selects 0 (or 1 on CSAT)
  for (let i = 0; i < score; i++) await page.keyboard.press('ArrowRight');
  await page.keyboard.press('Tab');
  await page.keyboard.type(comment);
  await page.keyboard.press('Tab');
  await page.keyboard.press('Enter');
}

async function widget(keys) {
  await withShop(async (serve, url) => {
    const ctx = await browser.newContext({ locale: 'en-US', viewport: { width: 800, height: 700 } });
    const page = await ctx.newPage();
    const problems = watch(page, 'widget');
    const before = await api('GET', `/v1/surveys/${keys.survey}/responses?limit=1000`, keys.readKey, undefined, 200);

    serve(shopPage({ key: keys.respondKey, survey: keys.survey, 'customer-id': 'c06' }));
    await page.goto(url);
    const box = await page.locator('.column').boundingBox();
    await widgetAnswer(page, url, 9, 'Quick and friendly');
    await page.waitForSelector('.loyaltyd-survey >> text=Thank you for your answer!');
    // the host page is whole: same column width, the widget inside it, the text after it
    assert.deepEqual(await page.locator('.column').boundingBox().then((b) => b.width), box.width);
    const w = await page.locator('.loyaltyd-survey').boundingBox();
    assert.ok(w.width <= box.width && w.x >= box.x, 'the widget stays inside its column');
    assert.equal(await page.isVisible('#after'), true);
    await shot(page, 'widget-thanks');

    const after = await api('GET', `/v1/surveys/${keys.survey}/responses?limit=1000`, keys.readKey, undefined, 200);
    assert.equal(after.data.length, before.data.length + 1);
    const mine = after.data.find((r) => r.comment === 'Quick and friendly');
    assert.equal(mine.score, 9);
    assert.equal(mine.customer_id, 'c06');
    assert.equal(mine.channel, 'web');

    // the form before an answer, and CSAT's 1-5 scale on a phone
    serve(shopPage({ key: keys.respondKey, survey: keys.survey }));
    await page.goto(url);
    await page.locator('.loyaltyd-survey input[type=radio]').first().waitFor();
    assert.equal(await page.locator('.loyaltyd-survey input[type=radio]').count(), 11);
    assert.equal(await page.locator('.loyaltyd-survey button').isVisible(), true, 'host styles do not hide the button');
    await shot(page, 'widget-form');
    await audit(page, 'widget');
    // CSAT's 1-5 scale, its own question, on a phone
    serve(shopPage({ key: keys.respondKey, survey: keys.survey, scale: 'csat' }));
    await page.setViewportSize({ width: 360, height: 640 });
    await page.goto(url);
    await page.locator('.loyaltyd-survey input[type=radio]').first().waitFor();
    assert.deepEqual(await page.locator('.loyaltyd-survey input[type=radio]').evaluateAll((xs) => xs.map((x) => x.value)),
      ['1', '2', '3', '4', '5']);
    assert.equal(await page.locator('.loyaltyd-survey legend').innerText(), 'How satisfied are you with us?');
    assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth), 'no sideways scroll on a phone');
    await shot(page, 'widget-csat-phone');

    // in the shop's language: a Ukrainian page, by its lang; Croatian by data-lang
    await page.setViewportSize({ width: 800, height: 700 });
    serve(shopPage({ key: keys.respondKey, survey: keys.survey, 'customer-id': 'c03' }, 'uk'));
    await page.goto(url);
    await page.locator('.loyaltyd-survey legend').waitFor();
    assert.equal(await page.locator('.loyaltyd-survey legend').innerText(),
      'Наскільки ймовірно, що ви порекомендуєте нас другові чи колезі?');
    await widgetAnswer(page, url, 10, 'Швидка доставка, дякую!');
    await page.waitForSelector('.loyaltyd-survey >> text=Дякуємо за вашу відповідь!');
    await shot(page, 'widget-uk-thanks');
    const uk = (await api('GET', `/v1/surveys/${keys.survey}/responses?limit=1000`, keys.readKey, undefined, 200))
      .data.find((r) => r.customer_id === 'c03' && r.channel === 'web');
    assert.equal(uk.comment, 'Швидка доставка, дякую!');
    assert.equal(uk.score, 10);
    serve(shopPage({ key: keys.respondKey, survey: keys.survey, lang: 'hr' }));
    await page.goto(url);
    await page.locator('.loyaltyd-survey legend').waitFor();
    assert.equal(await page.locator('.loyaltyd-survey legend').innerText(),
      'Koliko je vjerojatno da biste nas preporučili prijatelju ili kolegi?');
    assert.equal(await page.locator('.loyaltyd-survey button').innerText(), 'Pošalji');
    assert.deepEqual(problems, []);
    await ctx.close();
  });
}

// identity verification: a wrong or missing customer_hash is refused, the right one stored
async function identity(keys) {
  const secret = (await api('POST', '/v1/identity-verification/secrets', ADMIN, undefined, 201)).secret;
  await api('PUT', '/v1/identity-verification', ADMIN, { required: true }, 200);
  const right = createHmac('sha256', secret).update('c05').digest('hex');
  const wrong = createHmac('sha256', secret).update('c04').digest('hex'); // another customer's
  await withShop(async (serve, url) => {
    const ctx = await browser.newContext({ locale: 'en-US', viewport: { width: 800, height: 700 } });
    const page = await ctx.newPage();
    const count = async () =>
      (await api('GET', `/v1/surveys/${keys.survey}/responses?limit=1000`, keys.readKey, undefined, 200)).data.length;
    const n0 = await count();

    serve(shopPage({ key: keys.respondKey, survey: keys.survey, 'customer-id': 'c05', 'customer-hash': wrong }));
    await widgetAnswer(page, url, 9, 'In someone else\'s name');
    await page.waitForSelector('.loyaltyd-survey >> text=Your answer could not be sent. Please try again.');
    assert.equal(await page.getAttribute('.loyaltyd-survey', 'data-loyaltyd-error'), 'customer_hash does not match customer_id');
    await shot(page, 'widget-refused');
    assert.equal(await count(), n0);

    serve(shopPage({ key: keys.respondKey, survey: keys.survey, 'customer-id': 'c05' }));
    await widgetAnswer(page, url, 9, 'No proof');
    await page.waitForSelector('.loyaltyd-survey[data-loyaltyd-error]');
    assert.match(await page.getAttribute('.loyaltyd-survey', 'data-loyaltyd-error'), /^customer_hash is required/);
    assert.equal(await count(), n0);

    serve(shopPage({ key: keys.respondKey, survey: keys.survey, 'customer-id': 'c05', 'customer-hash': right }));
    await widgetAnswer(page, url, 9, 'Verified and happy');
    await page.waitForSelector('.loyaltyd-survey >> text=Thank you for your answer!');
    assert.equal(await count(), n0 + 1);
    await ctx.close();
  });
  await api('PUT', '/v1/identity-verification', ADMIN, { required: false }, 200);
}


// ---- the event endpoints card, with the admin key: one endpoint whose receiver is down
// (port 9: nothing listens), one with a receiver answering 204 and a test event delivered

const sleep = (ms) => new Promise((ok) => setTimeout(ok, ms));
async function until(what, fn, ms = 20000) {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

// ---- the rewards card: two rewards, one redeemed twice and one of those coupons used
async function rewardsCard(keys) {
  const off = await api('POST', '/v1/rewards', ADMIN,
    { name: '5 EUR off', points_cost: 100, kind: 'fixed_amount', amount: '5', currency: 'EUR', stock: 10 }, 201);
  await api('POST', '/v1/rewards', ADMIN,
    { name: 'Tote bag', points_cost: 900, kind: 'gift', description: 'a canvas tote', codes: 'pool' }, 201);
  await api('POST', '/v1/customers/c09/points/earn', ADMIN, { points: 250 }, 201);
  const first = await api('POST', `/v1/customers/c09/rewards/${off.id}/redeem`, ADMIN, undefined, 201);
  await api('POST', `/v1/customers/c09/rewards/${off.id}/redeem`, ADMIN, undefined, 201);
  await api('POST', `/v1/coupons/${first.coupon.code}/use`, ADMIN, { order_id: 'o-77' }, 200);

  const ctx = await browser.newContext({ locale: 'en-US', viewport: { width: 1280, height: 900 } });
  const page = await ctx.newPage();
  const problems = watch(page, 'rewards');
  await openDashboard(page, keys.readKey); // the catalogue needs only the read scope
  await setPeriod(page);
  assert.equal(await page.getAttribute('#rewards', 'data-state'), 'ready');
  const rows = page.locator('#rewards [data-testid=reward]');
  assert.equal(await rows.count(), 2);
  const cells = async (i) => (await rows.nth(i).locator('th, td').allInnerTexts()).map((t) => t.trim());
  assert.deepEqual(await cells(0), ['5 EUR off', '5.00 EUR off', '100', '8', '2', '1', 'enabled']);
  assert.deepEqual(await cells(1),
    ['Tote bag', 'gift: a canvas tote', '900', 'no limit', '0', '0', 'enabled · 0 codes in the pool']);
  await shot(page, 'dashboard-rewards');
  await audit(page, 'rewards');
  assert.deepEqual(problems, []);
  await ctx.close();
}

async function endpoints() {
  const received = [];
  const receiver = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => { body += c; });
    req.on('end', () => { received.push(JSON.parse(body)); res.writeHead(204); res.end(); });
  });
  await new Promise((ok) => receiver.listen(0, '127.0.0.1', ok));
  const LIVE = `http://127.0.0.1:${receiver.address().port}/loyaltyd`;
  const DEAD = 'http://127.0.0.1:9/hooks';
  const ids = [];
  const messages = async (id) =>
    (await api('GET', `/v1/event-endpoints/${id}/messages?limit=10`, ADMIN, undefined, 200)).data;
  try {
    const dead = await api('POST', '/v1/event-endpoints', ADMIN,
      { url: DEAD, event_types: ['points.earned', 'tier.changed'], description: 'The CRM, down' }, 201);
    ids.push(dead.id);
    // an order: points.earned, for the dead endpoint only (the live one does not exist yet)
    await api('POST', '/v1/events', ADMIN, { events: [order(99, 'c09', '2026-06-25', '20.00')] }, 200);
    const live = await api('POST', '/v1/event-endpoints', ADMIN, { url: LIVE }, 201);
    ids.push(live.id);
    const test = await api('POST', `/v1/event-endpoints/${live.id}/test`, ADMIN, undefined, 202);
    assert.equal(test.type, 'endpoint.test');
    // the dispatcher tries both: the dead one refused, the test event delivered
    const failing = await until('the dead endpoint tried', async () =>
      (await messages(dead.id)).find((m) => m.type === 'points.earned' && m.last_error));
    assert.equal(failing.last_error, 'connection refused');
    assert.ok(['pending', 'failed'].includes(failing.status));
    await until('the test event delivered', async () =>
      (await messages(live.id)).find((m) => m.id === test.id && m.status === 'delivered'));
    assert.ok(received.some((b) => b.type === 'endpoint.test'));

    const ctx = await browser.newContext({ locale: 'en-US', viewport: { width: 1280, height: 900 } });
    const page = await ctx.newPage();
    const problems = watch(page, 'endpoints');
    await openDashboard(page, ADMIN);
    await setPeriod(page);
    assert.equal(await page.getAttribute('#endpoints', 'data-state'), 'ready');
    assert.equal(await page.getAttribute('#endpoints', 'aria-busy'), 'false');
    // one item per endpoint, oldest first, with the types it gets
    assert.deepEqual(await page.locator('#endpoints [data-testid=endpoint-url]').allInnerTexts(), [DEAD, LIVE]);
    assert.deepEqual(await page.locator('#endpoints [data-testid=endpoint-types]').allInnerTexts(),
      ['points.earned, tier.changed', 'all events']);
    const deadItem = page.locator(`#endpoints [data-endpoint="${dead.id}"]`);
    const liveItem = page.locator(`#endpoints [data-endpoint="${live.id}"]`);
    assert.match(await deadItem.locator('[data-testid=endpoint-state]').innerText(), /^enabled · failing since /);
    assert.equal(await liveItem.locator('[data-testid=endpoint-state]').innerText(), 'enabled');
    assert.equal(await deadItem.locator('[data-testid=endpoint-description]').innerText(), 'The CRM, down');
    // the failure in words, its status a word too, and what happens next
    const row = deadItem.locator(`[data-testid=message][data-message="${failing.id}"]`);
    assert.equal(await row.locator('[data-testid=message-status]').innerText(), failing.status);
    assert.equal(await row.locator('[data-testid=message-answer]').innerText(), 'no answer');
    const detail = await row.locator('[data-testid=message-detail]').innerText();
    assert.match(detail, failing.status === 'pending'
      ? /^connection refused \(last tried .+\); next attempt .+/ : /^connection refused/);
    // the delivered test event: the receiver's answer
    const done = liveItem.locator(`[data-testid=message][data-message="${test.id}"]`);
    assert.equal(await done.locator('[data-testid=message-type]').innerText(), `endpoint.test\n${test.id}`);
    assert.equal(await done.locator('[data-testid=message-status]').innerText(), 'delivered');
    assert.equal(await done.locator('[data-testid=message-answer]').innerText(), 'HTTP 204');
    assert.match(await done.locator('[data-testid=message-detail]').innerText(), /^delivered /);
    await shot(page, 'dashboard-endpoints');
    await audit(page, 'event endpoints');

    // "Send test event", by keyboard: a new endpoint.test message appears, the focus stays
    const before = new Set((await messages(dead.id)).map((m) => m.id));
    await deadItem.locator('button[data-action=test]').focus();
    assert.equal(await deadItem.locator('button[data-action=test]').getAttribute('aria-label'), `Send test event to ${DEAD}`);
    await page.keyboard.press('Enter');
    await page.waitForFunction((known) => [...document.querySelectorAll('#endpoints [data-testid=message]')]
      .some((r) => !known.includes(r.dataset.message) && r.querySelector('[data-testid=message-type]').firstChild.textContent === 'endpoint.test'),
      [...before, test.id]);
    const sent = (await messages(dead.id)).find((m) => !before.has(m.id));
    assert.equal(sent.type, 'endpoint.test');
    assert.equal(await text(page, '#endpoints .state'), `Test event ${sent.id} queued: loyaltyd delivers it in a moment.`);
    assert.equal(await deadItem.locator(`[data-message="${sent.id}"] [data-testid=message-type]`).innerText(), `endpoint.test\n${sent.id}`);
    assert.equal(await page.evaluate(() => document.activeElement.getAttribute('aria-label')), `Send test event to ${DEAD}`);

    // a failed message (given up: shown here as loyaltyd would after three days) has a
    // Retry button; a retry makes it pending again, due at once
    await page.route(`**/v1/event-endpoints/${dead.id}/messages?*`, async (route) => {
      const res = await route.fetch();
      const page1 = await res.json();
      for (const m of page1.data) if (m.id === failing.id) Object.assign(m, { status: 'failed', next_attempt_at: null });
      await route.fulfill({ response: res, json: page1 });
    });
    await page.click('#endpoints-refresh');
    await page.waitForSelector(`#endpoints [data-message="${failing.id}"][data-status=failed]`);
    const failedRow = deadItem.locator(`[data-testid=message][data-message="${failing.id}"]`);
    assert.equal(await failedRow.locator('[data-testid=message-status]').innerText(), 'failed');
    assert.match(await failedRow.locator('[data-testid=message-detail]').innerText(),
      /^connection refused \(last tried .+\); loyaltyd gave up on it$/);
    await audit(page, 'event endpoints with a failed message');
    await page.unrouteAll();
    const retry = failedRow.locator('button[data-action=retry]');
    assert.equal(await retry.innerText(), 'Retry');
    assert.equal(await retry.getAttribute('aria-label'), `Retry points.earned ${failing.id}`);
    await retry.click();
    await page.waitForFunction((id) => /is queued again/.test(document.querySelector('#endpoints .state').textContent), failing.id);
    assert.equal(await text(page, '#endpoints .state'), `${failing.id} is queued again: loyaltyd delivers it now.`);
    assert.equal(await page.getAttribute(`#endpoints [data-message="${failing.id}"]`, 'data-status'), 'pending');

    // no endpoint at all: the card says how to add one
    await page.route('**/v1/event-endpoints', (route) => route.fulfill({ json: { data: [], next_cursor: null } }));
    await page.click('#endpoints-refresh');
    await page.waitForSelector('#endpoints[data-state=empty]');
    assert.match(await text(page, '#endpoints .state'),
      /^No event endpoint yet\. Add one with an admin key: curl -X POST http:\/\/127\.0\.0\.1:\d+\/v1\/event-endpoints /);
    await page.unrouteAll();
    assert.deepEqual(problems, []);
    await ctx.close();
  } finally {
    for (const id of ids) await api('DELETE', `/v1/event-endpoints/${id}`, ADMIN, undefined, 204);
    receiver.close();
  }
}

try {
  const keys = await seed();
  await dashboard(keys);
  await dashboardStates(keys);
  await widget(keys);
  await identity(keys);
  await endpoints();
  await rewardsCard(keys);
  console.log(`browser tests passed; screenshots:\n  ${shots.join('\n  ')}`);
} finally {
  await browser.close();
}
