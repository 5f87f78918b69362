// The two ways in that the operator guide gives, run by DashboardTlsBrowserIT: over TLS with the
// .p12 of `cscs ca issue --client --p12`, and through api.localListen. Without the certificate,
// the TLS listener gives the browser no page.
import {chromium} from 'playwright-core';
import fs from 'node:fs';

const TLS = process.env.CSCS_UI_TLS_URL;
const LOCAL = process.env.CSCS_UI_LOCAL_URL;

function check(ok, what) {
  if (!ok) throw new Error(what);
}

const browser = await chromium.launch({
  executablePath: process.env.CSCS_CHROMIUM || '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync'],
});

async function cluster(context, url) {
  const page = await context.newPage();
  const errors = [];
  page.on('console', m => { if (m.type() === 'error') errors.push(m.text()); });
  await page.goto(url + '#/cluster');
  await page.waitForSelector('tr[data-node="n1"]', {timeout: 15000});
  await page.waitForSelector('#live[data-state="live"]', {timeout: 15000});
  check(errors.length === 0, `${url}: console errors: ${errors.join(' | ')}`);
  return page;
}

// the cluster CA is not one Chromium knows: the test trusts the server's certificate, and proves the client's
const withCert = await browser.newContext({
  ignoreHTTPSErrors: true,
  clientCertificates: [{origin: new URL(TLS).origin, pfx: fs.readFileSync(process.env.CSCS_UI_P12), passphrase: process.env.CSCS_UI_P12_PASS}],
});
await (await cluster(withCert, TLS)).close();
console.log(`tls: ${TLS} showed the cluster, live, with the client certificate from alice.p12`);

const without = await browser.newContext({ignoreHTTPSErrors: true});
const bare = await without.newPage();
let refused = null;
try {
  const r = await bare.goto(TLS, {timeout: 15000});
  refused = r && r.ok() ? null : `HTTP ${r && r.status()}`;
} catch (e) {
  refused = e.message.split('\n')[0];
}
check(refused !== null, `${TLS} served the dashboard to a browser without a client certificate`);
console.log(`tls: without a client certificate the browser got no page (${refused})`);

await (await cluster(await browser.newContext(), LOCAL)).close();
console.log(`local: ${LOCAL} (api.localListen) showed the cluster, live, with no certificate`);

await browser.close();
console.log('passed');
