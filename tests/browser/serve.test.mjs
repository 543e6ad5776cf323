// `waymark serve` in a real browser: the injected script reloads the open
// page when it changes (and only then), swaps a changed stylesheet without
// a reload, shows a build error as an overlay and removes it once fixed.
// The site is served under a sub-path (the fixture's base_url is /sub/).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { launch, repo, waymarkBin } from './helpers.mjs';

let root, server, browser, url;
const WAIT = { timeout: 60_000 };

before(async () => {
  root = mkdtempSync(join(tmpdir(), 'waymark-serve-'));
  cpSync(join(repo, 'tests/fixtures/basic'), root, { recursive: true });
  server = spawn(waymarkBin(), ['serve', '--port', '0', '--root', root], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  url = await new Promise((ok, fail) => {
    server.stdout.on('data', (d) => {
      out += d;
      const m = out.match(/Serving .* at (http:\S+)/);
      if (m) ok(m[1]);
    });
    server.on('exit', (code) => fail(new Error(`serve exited with ${code}: ${out}`)));
  });
  browser = await launch();
});

after(async () => {
  await browser?.close();
  server?.kill();
  if (root) rmSync(root, { recursive: true, force: true });
});

const edit = (rel, fn) => writeFileSync(join(root, rel), fn(readFileSync(join(root, rel), 'utf8')));

test('served under the sub-path with the live-reload script', async () => {
  assert.match(url, /^http:\/\/127\.0\.0\.1:\d+\/sub\/$/);
  const page = await browser.newPage();
  const res = await page.goto(url + 'guides/alpha/');
  assert.equal(res.status(), 200);
  assert.equal(await page.locator('script[data-waymark-live]').count(), 1);
  await page.close();
});

test('a stylesheet change is swapped in place, an edit reloads only its page, an error shows and clears', async () => {
  const page = await browser.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(url + 'guides/alpha/');
  // The event stream is open once the page has connected.
  await page.waitForFunction(() => window.__waymarkConnected === true, null, WAIT);
  await page.evaluate(() => { window.__stay = 1; });

  // CSS: new colour, same document.
  writeFileSync(join(root, 'themes/mini/static/css/site.css'), 'body { color: rgb(200, 0, 0); }\n');
  await page.waitForFunction(() => getComputedStyle(document.body).color === 'rgb(200, 0, 0)', null, WAIT);
  assert.equal(await page.evaluate(() => window.__stay), 1, 'no reload for CSS');

  // A broken file: the overlay names file:line:col and quotes the line.
  const beta = readFileSync(join(root, 'content/guides/beta.md'), 'utf8');
  writeFileSync(join(root, 'content/guides/beta.md'), '---\ntitle: Beta\ntags: [AI\n---\n<b>x</b>\n');
  const overlay = page.locator('#waymark-error-overlay');
  await overlay.waitFor(WAIT);
  const text = await overlay.innerText();
  assert.match(text, /content\/guides\/beta\.md:3:\d+/);
  assert.match(text, /tags: \[AI/);
  assert.equal(await page.evaluate(() => window.__stay), 1);

  // The fix removes it by itself.
  writeFileSync(join(root, 'content/guides/beta.md'), beta);
  await overlay.waitFor({ state: 'detached', ...WAIT });

  // Editing this page reloads it with the new text; a page that does not
  // show the edit stays as it is.
  const other = await browser.newPage();
  await other.goto(url + 'guides/bundle/');
  await other.waitForFunction(() => window.__waymarkConnected === true, null, WAIT);
  await other.evaluate(() => { window.__stay = 2; });
  edit('content/guides/alpha.md', (s) => s.replace('Alpha intro paragraph.', 'Alpha intro, live.'));
  await page.waitForFunction(() => document.body.textContent.includes('Alpha intro, live.'), null, WAIT);
  assert.equal(await page.evaluate(() => window.__stay), undefined, 'reloaded');
  assert.equal(await other.evaluate(() => window.__stay), 2, 'the other page did not reload');
  assert.deepEqual(errors, []);
  await other.close();
  await page.close();
});
