// The dashboard in a real Chromium (Debian's, through playwright-core), run by DashboardBrowserIT
// against a live cluster. What it needs done to the cluster it asks for on stdout ("need ...") and
// waits for "ok" on stdin. Each check throws with what it saw; the last line is "passed".
import {chromium} from 'playwright-core';
import {createRequire} from 'node:module';
import fs from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';

const require = createRequire(import.meta.url);
const AXE = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
const BASE = process.env.CSCS_UI_URL;
const SHOTS = process.env.CSCS_UI_SHOTS;
const LIVE_WITHIN_MS = 2000;
const RENDER_WITHIN_MS = 1000;

const stdin = readline.createInterface({input: process.stdin})[Symbol.asyncIterator]();
async function need(what) {
  console.log(`need ${what}`);
  const {value, done} = await stdin.next();
  if (done || !value.startsWith('ok')) throw new Error(`the harness could not "${what}": ${value}`);
  return value.slice(3);
}

function check(ok, what) {
  if (!ok) throw new Error(what);
}

const MODES = {
  light: {viewport: {width: 1280, height: 900}, colorScheme: 'light'},
  dark: {viewport: {width: 1280, height: 900}, colorScheme: 'dark'},
  phone: {viewport: {width: 390, height: 844}, colorScheme: 'light', isMobile: true, hasTouch: true},
  'phone-dark': {viewport: {width: 390, height: 844}, colorScheme: 'dark', isMobile: true, hasTouch: true},
};
const PAGES = {
  cluster: '#/cluster', domains: '#/domains/global', history: '#/domains/global?key=sysctl%2Fkernel.kptr_restrict',
  fleet: '#/fleet', alerts: '#/alerts', audit: '#/audit',
};
const READY = {
  cluster: 'tr[data-node="n1"]', domains: 'tr[data-key]', history: '.history ol.steps li', fleet: 'tbody tr[data-node]',
  alerts: '#refused-h', audit: 'tr[data-domain="global"]',
};

const browser = await chromium.launch({
  executablePath: process.env.CSCS_CHROMIUM || '/usr/bin/chromium',
  // as root Chromium needs --no-sandbox; the rest keep it off the (closed) network
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync'],
});
const contexts = {};
for (const [mode, options] of Object.entries(MODES)) {
  // bypassCSP only so that the test can inject axe-core; the page itself runs under the node's policy
  contexts[mode] = await browser.newContext({...options, bypassCSP: true});
}

/** A page that records every console error and uncaught exception. */
async function open(mode, route, name) {
  const page = await contexts[mode].newPage();
  page.errors = [];
  page.on('console', m => { if (m.type() === 'error') page.errors.push(m.text()); });
  page.on('pageerror', e => page.errors.push(String(e)));
  await page.goto(BASE + route);
  await page.waitForSelector(READY[name], {timeout: 15000});
  return page;
}

function noErrors(page, where) {
  check(page.errors.length === 0, `${where}: console errors: ${page.errors.join(' | ')}`);
}

async function axe(page, where) {
  await page.addScriptTag({content: AXE});
  const result = await page.evaluate(() => window.axe.run(document, {resultTypes: ['violations']}));
  const bad = result.violations.filter(v => v.impact === 'serious' || v.impact === 'critical');
  check(bad.length === 0, `${where}: axe-core: ` + bad.map(v => `${v.impact} ${v.id}: ${v.help} at ` +
    v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(', ')).join(' | '));
  return result.violations.length;
}

async function shot(page, file) {
  await page.screenshot({path: path.join(SHOTS, file + '.png'), fullPage: true});
}

// 0. the checks below can fail: axe-core reports an image without a text alternative, and an
// error on the console is seen
{
  const page = await open('light', PAGES.cluster, 'cluster');
  await page.evaluate(() => document.querySelector('main').append(Object.assign(document.createElement('img'), {src: 'favicon.svg'})));
  const caught = await axe(page, 'probe').then(() => '', e => e.message);
  check(caught.includes('image-alt'), `axe-core did not report an image without alt text: ${caught || 'no finding'}`);
  const seen = page.waitForEvent('console', {predicate: m => m.text() === 'probe', timeout: 5000});
  await page.evaluate(() => console.error('probe'));
  await seen;
  check(page.errors.includes('probe'), 'a console error went unseen');
  await page.close();
  console.log('probe: an unlabelled image fails the axe-core check and a console error is caught');
}

// 1. every page, in every mode: loads, no console error, no serious axe-core finding, a screenshot
for (const mode of Object.keys(MODES)) {
  for (const [name, route] of Object.entries(PAGES)) {
    const page = await open(mode, route, name);
    const minor = await axe(page, `${name} (${mode})`);
    await shot(page, `${name}-${mode}`);
    noErrors(page, `${name} (${mode})`);
    console.log(`page ${name} (${mode}): loaded, no console error, no serious or critical axe finding (${minor} minor)`);
    await page.close();
  }
}

// 1b. the keyboard alone: the skip link, the pages' links, a count that filters and keeps the focus
{
  const page = await open('light', PAGES.cluster, 'cluster');
  await page.keyboard.press('Tab');
  check(await page.evaluate(() => document.activeElement.textContent) === 'Skip to the page', 'the first Tab stop is not the skip link');
  let onFleet = false;
  for (let i = 0; i < 10 && !onFleet; i++) {
    await page.keyboard.press('Tab');
    onFleet = await page.evaluate(() => document.activeElement.getAttribute('href') === '#/fleet');
  }
  check(onFleet, 'Tab never reached the Fleet link');
  await page.keyboard.press('Enter');
  await page.waitForSelector(READY.fleet);
  await page.focus('.counts button[data-control="ok"]');
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => document.querySelector('#f-health').value === 'ok');
  const still = await page.evaluate(() => document.activeElement.dataset.control);
  check(still === 'ok', `after Enter on a count the focus is on ${still}, not on that count`);
  noErrors(page, 'keyboard');
  await page.close();
  console.log('keyboard: the skip link comes first, Tab and Enter open a page, and a count filters with the focus kept');
}

// 2. a put shows up without a reload: the entry on the domain page, the new seq applied everywhere on the grid
{
  const entries = await open('light', PAGES.domains, 'domains');
  const grid = await open('light', PAGES.fleet, 'fleet');
  for (const p of [entries, grid]) await p.evaluate(() => { window.notReloaded = true; });
  const key = 'sysctl/net.ipv4.conf.all.rp_filter';
  const seq = Number(await need(`put ${key} {"value":"1"}`));
  const t0 = Date.now();
  await entries.waitForSelector(`tr[data-key="${key}"]`, {timeout: LIVE_WITHIN_MS});
  const entryMs = Date.now() - t0;
  await grid.waitForFunction(s => ['n1', 'n2', 'n3'].every(n => {
    const cell = document.querySelector(`tr[data-node="${n}"] td[data-domain="global"]`);
    return cell && cell.dataset.state === 'sync' && cell.textContent.includes(`${s}/${s}`);
  }), seq, {timeout: Math.max(1, LIVE_WITHIN_MS - (Date.now() - t0)), polling: 50});
  const gridMs = Date.now() - t0;
  for (const p of [entries, grid]) check(await p.evaluate(() => window.notReloaded === true), 'the page reloaded');
  noErrors(entries, 'domains after the put');
  noErrors(grid, 'fleet after the put');
  console.log(`live: the new entry showed ${entryMs} ms after cscs put returned; every node's cell showed seq ${seq} applied after ${gridMs} ms (limit ${LIVE_WITHIN_MS} ms)`);
  await entries.close();
  await grid.close();
}

// 3. a forged changeset shows up on the alerts page
{
  const page = await open('light', PAGES.alerts, 'alerts');
  const before = await page.locator('tr[data-code="bad-signature"]').count();
  await need('forge');
  const t0 = Date.now();
  await page.waitForFunction(n => document.querySelectorAll('tr[data-code="bad-signature"]').length > n, before, {timeout: 10000});
  console.log(`alerts: the forged changeset was listed as bad-signature ${Date.now() - t0} ms after it was refused`);
  await shot(page, 'alerts-forged-light');
  noErrors(page, 'alerts after the forgery');
  await page.close();
}

// 4. a stopped node turns stale on the cluster and the fleet pages
{
  const members = await open('light', PAGES.cluster, 'cluster');
  const grid = await open('light', PAGES.fleet, 'fleet');
  await need('stop n3');
  const t0 = Date.now();
  await members.waitForSelector('tr[data-node="n3"][data-health="stale"]', {timeout: 60000});
  await grid.waitForSelector('tr[data-node="n3"][data-health="stale"]', {timeout: 10000});
  const topo = await members.locator('svg title').textContent();
  check(topo.includes('n3: voter, stale') || topo.includes('n3: voter, leader, stale'), `the topology does not say n3 is stale: ${topo}`);
  console.log(`stale: n3 was shown stale on the cluster and fleet pages ${Date.now() - t0} ms after it was killed`);
  await shot(members, 'cluster-stale-light');
  await members.close();
  await grid.close();
}

// 5. a fleet of 1,000 devices: the page renders in under a second, worst first, and its filters work
{
  await need('fleet 1000');
  const page = await contexts.light.newPage();
  page.errors = [];
  page.on('console', m => { if (m.type() === 'error') page.errors.push(m.text()); });
  const t0 = Date.now();
  await page.goto(BASE + PAGES.fleet);
  await page.waitForFunction(() => document.querySelectorAll('tbody tr[data-node]').length === 50
    && /all 1,00\d/.test(document.querySelector('.counts')?.textContent || ''), null, {timeout: 15000, polling: 'raf'});
  const renderMs = Date.now() - t0;
  const [statusAt, statusMs, domMs] = await page.evaluate(() => {
    const status = performance.getEntriesByType('resource').find(e => e.name.includes('/v1/status'));
    return [status.startTime, status.duration, performance.getEntriesByType('navigation')[0].domContentLoadedEventEnd].map(Math.round);
  });
  console.log(`fleet: ${await page.locator('.counts button').first().textContent()} nodes, first page rendered ${renderMs} ms after navigation (limit ${RENDER_WITHIN_MS} ms); the page's scripts had loaded at ${domMs} ms, and /v1/status was asked at ${statusAt} ms and took ${statusMs} ms`);
  check(renderMs < RENDER_WITHIN_MS, `the fleet page took ${renderMs} ms to render`);
  const first = await page.locator('tbody tr[data-node]').first().getAttribute('data-health');
  check(['suspect', 'failing'].includes(first), `the worst rows are not first: the first row is ${first}`);
  await page.selectOption('#f-health', 'failing');
  const failing = await page.locator('tbody tr[data-node]').evaluateAll(rows => rows.map(r => r.dataset.health));
  check(failing.length === 20 && failing.every(h => h === 'failing'), `health=failing shows ${failing.length} rows: ${failing}`);
  await page.selectOption('#f-health', '');
  await page.selectOption('#f-cell', 'behind');
  const behind = await page.locator('tbody tr[data-node]').evaluateAll(rows => rows.map(r => r.querySelector('[data-state="behind"]') !== null));
  check(behind.length > 0 && behind.every(Boolean), 'the "behind" filter shows rows without a behind cell');
  await page.selectOption('#f-cell', '');
  await page.fill('#f-q', 'dev-07');
  const ids = await page.locator('tbody tr[data-node]').evaluateAll(rows => rows.map(r => r.dataset.node));
  check(ids.length === 50 && ids.every(id => id.includes('dev-07')), `search dev-07 shows ${ids.slice(0, 5)}…`);
  check((await page.textContent('#fleet-shown')).includes('of 100 nodes'), 'the count of matching nodes is wrong');
  await page.click('text=Next page');
  check((await page.textContent('#fleet-shown')).startsWith('Showing 51–100'), 'the next page is not rows 51–100');
  await page.fill('#f-q', '');
  await axe(page, 'fleet with 1,000 devices');
  noErrors(page, 'fleet with 1,000 devices');
  await page.close();
  console.log('fleet: the health, domain-state and name filters and the pager work');
  for (const mode of Object.keys(MODES)) {
    const p = await open(mode, PAGES.fleet, 'fleet');
    await shot(p, `fleet-1000-${mode}`);
    // the README's picture (docs/img/dashboard-fleet.png is a copy): the first screenful
    if (mode === 'light') await p.screenshot({path: path.join(SHOTS, 'fleet-1000-light-screen.png')});
    await p.close();
  }
}

await browser.close();
console.log('passed');
process.exit(0);
