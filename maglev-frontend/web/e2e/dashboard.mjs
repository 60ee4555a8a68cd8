// End to end in real headless Chromium (Debian's), driven by playwright-core, against the demo
// of tests/dashboard-e2e.sh: a real maglevd-frontend, maglevd, maglev-vppsim and demo backends.
// E2E_FRA_PID is the pid of the demo backend server of nginx0-fra (127.0.0.2), which a step stops.
// Every step throws on failure; the shell script reports it.
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { chromium } from 'playwright-core';

const base = process.env.E2E_BASE; // http://127.0.0.1:port
const shots = process.env.E2E_SCREENSHOTS;
const maglevc = process.env.E2E_MAGLEVC;
const grpc = process.env.E2E_GRPC;
const fraPid = Number(process.env.E2E_FRA_PID);
if (!Number.isInteger(fraPid) || fraPid <= 1) throw new Error(`E2E_FRA_PID: ${process.env.E2E_FRA_PID}`);
const [user, password] = [process.env.MAGLEV_FRONTEND_USER, process.env.MAGLEV_FRONTEND_PASSWORD];
mkdirSync(shots, { recursive: true });

const step = (name) => console.log(`dashboard-e2e: ${name}`);
const backendState = (name) =>
  JSON.parse(execFileSync(maglevc, ['--server', grpc, '--json', 'show', 'backend', name], { encoding: 'utf8' })).state;
const row = (page, backend) => page.locator(`tr[data-backend="${backend}"]`).first();
// Opens every frontend card, once the cards are there (before the state has arrived there is
// nothing to open, and a card left closed hides its rows).
const openAll = async (page) => {
  await page.locator('.frontend').first().waitFor();
  const closed = page.locator('.zippy[aria-expanded="false"]');
  while ((await closed.count()) > 0) {
    await closed.first().click();
  }
};

const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync'],
});
try {
  const view = await browser.newContext({ viewport: { width: 1100, height: 900 } });
  const page = await view.newPage();
  await page.goto(`${base}/view/`);

  step('the view shows every frontend and backend');
  await page.locator('.frontend').first().waitFor();
  const frontends = await page.locator('.frontend-title-name').allTextContents();
  if (frontends.join(',') !== 'web,anycast') throw new Error(`frontends: ${frontends}`);
  await openAll(page);
  for (const b of ['nginx0-ams', 'nginx0-fra', 'nginx0-zrh', 'ping-lo', 'spare']) {
    await row(page, b).waitFor();
  }
  await row(page, 'nginx0-fra').locator('.badge.up').waitFor();
  await page.screenshot({ path: `${shots}/view.png`, fullPage: true });

  const normal = await browser.newContext({ viewport: { width: 1100, height: 900 }, httpCredentials: { username: user, password } });
  const normalPage = await normal.newPage();
  await normalPage.goto(`${base}/admin/`);
  await openAll(normalPage);
  await row(normalPage, 'nginx0-fra').locator('.badge.up').waitFor();
  await normalPage.screenshot({ path: `${shots}/admin.png`, fullPage: true });
  await normal.close();

  step('stopping a backend server turns its row down, live');
  process.kill(fraPid, 'SIGTERM');
  await row(page, 'nginx0-fra').locator('.badge.down').waitFor({ timeout: 30_000 });
  await page.screenshot({ path: `${shots}/view-backend-down.png`, fullPage: true });

  step("the card's one-line summary says who is down since when, open or collapsed");
  const summary = page.locator('section[aria-label="frontend web"] .frontend-summary');
  await summary.filter({ hasText: /nginx0-fra down since \d\d:\d\d/ }).waitFor({ timeout: 10_000 });
  await page.locator('section[aria-label="frontend web"] .zippy').click();
  await page.locator('section[aria-label="frontend web"] .zippy[aria-expanded="false"]').waitFor();
  await summary.filter({ hasText: /nginx0-fra down since/ }).waitFor();
  await page.locator('section[aria-label="frontend web"] .zippy').click();

  step('the scope cookie survives a reload');
  await page.getByRole('tab', { name: 'localhost' }).click();
  await page.reload();
  await page.getByRole('tab', { name: 'localhost', selected: true }).waitFor();
  const cookies = await view.cookies();
  if (!cookies.some((c) => c.name === 'maglev_scope' && c.value === 'localhost')) throw new Error('no maglev_scope cookie');

  step('/admin/ without credentials is refused');
  const anonymous = await browser.newContext();
  const refused = await anonymous.request.get(`${base}/admin/`);
  if (refused.status() !== 401) throw new Error(`/admin/ without credentials: ${refused.status()}`);

  step('a cross-site POST is refused, and changes nothing');
  const evil = await fetch(`${base}/admin/api/127.0.0.1/backends/nginx0-zrh/pause`, {
    method: 'POST',
    headers: {
      Authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`,
      Origin: 'http://evil.example',
      'X-Maglev-Admin': '1',
    },
  });
  if (evil.status !== 403) throw new Error(`cross-site POST: ${evil.status}`);
  if (backendState('nginx0-zrh') !== 'up') throw new Error('the cross-site POST paused nginx0-zrh');

  step('with credentials, pausing through the dialog pauses the backend in maglevd');
  const admin = await browser.newContext({ viewport: { width: 1100, height: 900 }, httpCredentials: { username: user, password } });
  const adminPage = await admin.newPage();
  await adminPage.goto(`${base}/admin/`);
  await adminPage.getByRole('tab', { name: '127.0.0.1' }).click();
  await openAll(adminPage);
  await adminPage.screenshot({ path: `${shots}/admin-backend-down.png`, fullPage: true });

  step('the set-weight dialog shows the buckets that would move, computed by the server');
  await adminPage.getByRole('button', { name: 'actions for nginx0-ams' }).click();
  const dialog = adminPage.getByRole('dialog');
  await dialog.getByRole('button', { name: 'set weight' }).click();
  await dialog.getByRole('spinbutton').fill('50');
  await dialog.getByText(/\d+ of 1024 buckets would move/).waitFor();
  await adminPage.screenshot({ path: `${shots}/admin-weight-preview.png`, fullPage: true });
  await adminPage.keyboard.press('Escape');
  await dialog.waitFor({ state: 'detached' });
  if (backendState('nginx0-ams') !== 'up') throw new Error('previewing a weight changed nginx0-ams');

  step('pausing through the dialog, with a reason and for how long');
  await adminPage.getByRole('button', { name: 'actions for nginx0-ams' }).click();
  await dialog.getByRole('button', { name: 'pause' }).click();
  await dialog.getByText('new connections stop going to it; existing ones continue').waitFor();
  await dialog.getByLabel('reason').fill('kernel upgrade');
  await dialog.getByLabel('for').fill('2 hours');
  await dialog.getByText('is not a duration such as 30m').waitFor();
  await dialog.getByLabel('for').fill('2h');
  await dialog.getByText(/It stays paused until \d\d:\d\d/).waitFor();
  await adminPage.screenshot({ path: `${shots}/admin-dialog.png`, fullPage: true });
  await dialog.getByRole('button', { name: 'pause' }).click();
  await dialog.waitFor({ state: 'detached' });
  await row(adminPage, 'nginx0-ams').locator('.badge.paused').waitFor();
  if (backendState('nginx0-ams') !== 'paused') throw new Error('nginx0-ams is not paused in maglevd');
  step('the row shows who paused it, why and until when');
  await row(adminPage, 'nginx0-ams')
    .locator('.override')
    .getByText(new RegExp(`paused by ${user} "kernel upgrade" until \\d\\d:\\d\\d`))
    .waitFor();
  const shown = JSON.parse(
    execFileSync(maglevc, ['--server', grpc, '--json', 'show', 'backend', 'nginx0-ams'], { encoding: 'utf8' }),
  );
  // maglevc --json prints the proto JSON with lowerCamelCase names (untilNs)
  const pause = (shown.overrides ?? []).find((o) => o.kind === 'pause');
  if (pause?.reason !== 'kernel upgrade' || pause?.actor !== user || !(Number(pause?.untilNs) > 0)) {
    throw new Error(`maglevd's override of nginx0-ams: ${JSON.stringify(shown.overrides)}`);
  }
  await adminPage.screenshot({ path: `${shots}/admin-backend-paused.png`, fullPage: true });
  step('the event stream shows the pause as an audit line: who, what, why');
  await adminPage
    .locator('.event.audit', { hasText: `${user} PauseBackend name=nginx0-ams` })
    .filter({ hasText: 'reason "kernel upgrade"' })
    .first()
    .waitFor();

  step('a viewer user sees the page and its role, no actions; the server refuses them anyway');
  const viewer = await browser.newContext({
    viewport: { width: 1100, height: 900 },
    httpCredentials: { username: 'vera', password: 'e2e-viewer' },
  });
  const viewerPage = await viewer.newPage();
  await viewerPage.goto(`${base}/admin/`);
  await viewerPage.locator('.whoami', { hasText: 'vera · viewer' }).waitFor();
  await openAll(viewerPage);
  await row(viewerPage, 'nginx0-ams').locator('.badge.paused').waitFor();
  const buttons = await viewerPage.getByRole('button', { name: /^actions for / }).count();
  if (buttons !== 0) throw new Error(`the viewer sees ${buttons} action buttons`);
  const refusedPause = await viewerPage.request.post(`${base}/admin/api/127.0.0.1/backends/nginx0-zrh/pause`, {
    headers: { 'X-Maglev-Admin': '1' },
  });
  const refusal = await refusedPause.json();
  if (refusedPause.status() !== 403 || refusal.error !== 'pause needs the role operator; user vera is viewer') {
    throw new Error(`the viewer's pause: ${refusedPause.status()} ${JSON.stringify(refusal)}`);
  }
  if (backendState('nginx0-zrh') !== 'up') throw new Error("the viewer's POST paused nginx0-zrh");
  await viewerPage.screenshot({ path: `${shots}/admin-viewer.png`, fullPage: true });
  await viewer.close();
  step('ok');
} finally {
  await browser.close();
}
