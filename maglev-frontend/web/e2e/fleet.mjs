// The fleet view end to end in real headless Chromium (Debian's), driven by playwright-core, against
// tests/dashboard-fleet-e2e.sh's two routers (maglevd E2E_R1 and E2E_R2, each on its own
// maglev-vppsim, one config) and the maglevd-frontend following both at E2E_BASE.
// Every step throws on failure; the shell script reports it.
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { chromium } from 'playwright-core';

const base = process.env.E2E_BASE;
const shots = process.env.E2E_SCREENSHOTS;
const maglevc = process.env.E2E_MAGLEVC;
const [r1, r2] = [process.env.E2E_R1, process.env.E2E_R2];
const vip = process.env.E2E_VIP; // the web frontend's address:port
const [user, password] = [process.env.MAGLEV_FRONTEND_USER, process.env.MAGLEV_FRONTEND_PASSWORD];
// the dashboard names a maglevd by its host
const name = (grpc) => grpc.slice(0, grpc.lastIndexOf(':'));
mkdirSync(shots, { recursive: true });

const step = (s) => console.log(`dashboard-fleet-e2e: ${s}`);
const esc = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
// a maglevd's tab: its accessible name is the dot's ("connected") and the maglevd's
const tab = (page, grpc) => page.getByRole('tab', { name: new RegExp(`(^|\\s)${esc(name(grpc))}$`) });
const run = (grpc, ...args) => execFileSync(maglevc, ['--server', grpc, ...args], { encoding: 'utf8' });
const LONG = { timeout: 60_000 };

const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync'],
});

/** The flow lookup form of the page's selected maglevd: fills it in, answers its lines by label. */
async function lookUp(page, src, dst) {
  const form = page.locator('details[aria-label="flow lookup"]');
  if ((await form.getAttribute('open')) === null) await form.locator('summary').click();
  await form.locator('input[name="src"]').fill(src);
  await form.locator('input[name="dst"]').fill(dst);
  await form.locator('select[name="proto"]').selectOption('tcp');
  await form.getByRole('button', { name: 'look up' }).click();
  return form;
}

/** What the form shows, label to text, once it shows the answer of {@code maglevd}. */
async function answerOf(form, maglevd) {
  const dl = form.locator(`dl[aria-label="flow on ${maglevd}"]`);
  await dl.waitFor(LONG);
  const out = {};
  for (const dd of await dl.locator('dd').all()) {
    out[await dd.getAttribute('data-flow')] = await dd.textContent();
  }
  return out;
}

/** maglevc's answer for the same tuple, in the form's words (maglevc --json: lowerCamelCase, defaults left out). */
function maglevcAnswer(grpc, src, dst) {
  const f = JSON.parse(run(grpc, '--json', 'show', 'vpp', 'lb', 'flow', src, dst, 'tcp'));
  const v = f.vip;
  return {
    maglevd: name(grpc),
    vip: `${v.prefix} ${v.protocol}${v.port ? `/${v.port}` : ''}${v.srcIpSticky ? ' src-ip-sticky' : ''}${v.frontend ? ` (frontend ${v.frontend})` : ''}`,
    hash: `0x${((f.hash ?? 0) >>> 0).toString(16).padStart(8, '0')}`,
    bucket: `${f.bucket ?? 0} of ${v.flowTableLength}`,
    as: f.asAddress ? `${f.asAddress}${f.backend ? ` (backend ${f.backend})` : ''}` : 'none: the VIP has no AS with weight, VPP drops the flow',
    'table digest': v.tableDigest,
    note: f.note,
  };
}

function same(shown, want, what) {
  if (JSON.stringify(shown) !== JSON.stringify(want)) {
    throw new Error(`${what}: the page shows ${JSON.stringify(shown)}, maglevc says ${JSON.stringify(want)}`);
  }
}

try {
  const view = await browser.newContext({ viewport: { width: 1100, height: 1000 } });
  const page = await view.newPage();
  await page.goto(`${base}/view/`);
  const tables = page.locator('section[aria-label="frontend web"] p[aria-label="tables across maglevds"]');

  step('both routers programmed the same table: identical on 2 of 2');
  await tab(page, r1).waitFor(LONG);
  await tab(page, r2).waitFor();
  await tables.filter({ hasText: /^tables: identical on 2 of 2$/ }).waitFor(LONG);
  await page.screenshot({ path: `${shots}/fleet-identical.png`, fullPage: true });

  step(`nginx0-ams paused on ${name(r2)} only: its card names the router and the backend`);
  run(r2, 'set', 'backend', 'nginx0-ams', 'pause');
  const differs = new RegExp(
    `^tables: identical on 1 of 2; ${name(r2).replaceAll('.', '\\.')} differs: nginx0-ams \\(127\\.0\\.0\\.1\\) weight 0 \\(others [1-9]\\d*\\); [1-9]\\d* buckets? differ$`,
  );
  await tables.filter({ hasText: differs }).waitFor(LONG);
  await tables.and(page.locator('.warn')).waitFor();
  if (JSON.parse(run(r1, '--json', 'show', 'backend', 'nginx0-ams')).state !== 'up') {
    throw new Error(`nginx0-ams is not up on ${name(r1)}`);
  }
  await page.screenshot({ path: `${shots}/fleet-differs.png`, fullPage: true });

  step('the flow lookup answers as maglevc show vpp lb flow --json, on each router');
  // a client port that router 1 sends to nginx0-ams, which router 2 no longer gives new flows
  let src = '';
  for (let p = 40000; p < 40200 && src === ''; p++) {
    const r = await fetch(`${base}/view/api/flow/${name(r1)}?src=127.0.0.9:${p}&dst=${vip}`);
    if (!r.ok) throw new Error(`GET /view/api/flow/${name(r1)}: ${r.status} ${await r.text()}`);
    if ((await r.json()).backend === 'nginx0-ams') src = `127.0.0.9:${p}`;
  }
  if (src === '') throw new Error(`no client port in 40000-40199 that ${name(r1)} sends to nginx0-ams`);
  for (const r of [r1, r2]) {
    await tab(page, r).click();
    const form = await lookUp(page, src, vip);
    const shown = await answerOf(form, name(r));
    same(shown, maglevcAnswer(r, src, vip), `${src} -> ${vip} on ${name(r)}`);
    const backend = r === r1 ? 'nginx0-ams' : 'nginx0-fra';
    if (!shown.as.endsWith(`(backend ${backend})`)) throw new Error(`on ${name(r)}: ${shown.as}, not ${backend}`);
    if (!shown.note.includes('an existing flow keeps the AS')) throw new Error(`note: ${shown.note}`);
  }
  await page.screenshot({ path: `${shots}/fleet-flow.png`, fullPage: true });

  step('a tuple the form cannot take is named before anything is asked');
  const form = await lookUp(page, 'client.example', vip);
  await form.getByRole('alert').filter({ hasText: 'client: "client.example" (expected: ADDRESS or ADDRESS:PORT' }).waitFor();
  await form.locator('input[name="src"][aria-invalid="true"]').waitFor();

  step('logged in, the admin page looks the flow up under /admin/api/');
  const admin = await browser.newContext({ viewport: { width: 1100, height: 1000 }, httpCredentials: { username: user, password } });
  const adminPage = await admin.newPage();
  const asked = [];
  adminPage.on('request', (req) => asked.push(new URL(req.url()).pathname));
  await adminPage.goto(`${base}/admin/`);
  await tab(adminPage, r2).click();
  const adminForm = await lookUp(adminPage, src, vip);
  same(await answerOf(adminForm, name(r2)), maglevcAnswer(r2, src, vip), `admin: ${src} -> ${vip} on ${name(r2)}`);
  if (!asked.includes(`/admin/api/flow/${name(r2)}`)) throw new Error(`the admin page asked ${asked.join(', ')}`);
  await admin.close();

  step(`nginx0-ams resumed on ${name(r2)}: identical on 2 of 2 again`);
  run(r2, 'set', 'backend', 'nginx0-ams', 'resume');
  await tables.filter({ hasText: /^tables: identical on 2 of 2$/ }).waitFor(LONG);
  await page.screenshot({ path: `${shots}/fleet-identical-again.png`, fullPage: true });
  step('ok');
} finally {
  await browser.close();
}
