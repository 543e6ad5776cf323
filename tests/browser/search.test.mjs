// Site search in headless Chromium, as a visitor uses it: on the
// repository's site served over HTTP, and on a --portable build opened from
// file://. Type a query in the header box, see the expected first result,
// follow it with the keyboard; open /search/?q=... from a plain link.
//
// Run: node --test tests/browser/
// Needs: the system Chromium (/usr/bin/chromium, `apt-get install chromium`)
// and `npm ci` (playwright-core, axe-core). No browser is downloaded.
// WAYMARK_BIN: the waymark binary (default: target/debug/waymark, built if
// missing); WAYMARK_SITE: the site to build (default: the repository root).

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';

const require = createRequire(import.meta.url);
const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const site = process.env.WAYMARK_SITE || repo;
const targetDir = process.env.CARGO_TARGET_DIR || path.join(repo, 'target');
const bin = process.env.WAYMARK_BIN || path.join(targetDir, 'debug', 'waymark');

// The query, and what a person expects first.
const QUERY = 'klarna';
const FIRST_TITLE = /Klarna/;
const FIRST_PATH = 'case-studies/klarna/';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'waymark-browser-'));
const served = path.join(tmp, 'site');
const portable = path.join(tmp, 'portable');
let server;
let origin;
let browser;

function build(out, extra = []) {
  execFileSync(bin, ['build', '--root', site, '--output', out, '--quiet', ...extra], {
    stdio: ['ignore', 'inherit', 'inherit'],
  });
}

/** A static file server for `dir` on 127.0.0.1, folders answered by their index.html. */
function serve(dir) {
  const types = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.css': 'text/css', '.xml': 'application/xml', '.svg': 'image/svg+xml' };
  return createServer((req, res) => {
    let p = decodeURIComponent(new URL(req.url, 'http://x').pathname);
    if (p.endsWith('/')) p += 'index.html';
    const file = path.join(dir, path.normalize(p));
    if (!file.startsWith(dir) || !fs.existsSync(file) || fs.statSync(file).isDirectory()) {
      res.writeHead(404, { 'content-type': 'text/html' });
      res.end(fs.readFileSync(path.join(dir, '404.html')));
      return;
    }
    res.writeHead(200, { 'content-type': types[path.extname(file)] || 'application/octet-stream' });
    fs.createReadStream(file).pipe(res);
  });
}

before(async () => {
  if (!process.env.WAYMARK_BIN && !fs.existsSync(bin)) {
    execFileSync('cargo', ['build', '--quiet'], { cwd: repo, stdio: 'inherit' });
  }
  build(served);
  build(portable, ['--portable']);
  server = serve(served);
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${server.address().port}`;
  // launch() gives every run a fresh, temporary user-data-dir.
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--allow-file-access-from-files',
    ],
  });
});

after(async () => {
  await browser?.close();
  await new Promise((resolve) => (server ? server.close(resolve) : resolve()));
  fs.rmSync(tmp, { recursive: true, force: true });
});

/** A new page that records every request and fails on any to another host. */
async function newPage(allowedPrefix, options = {}) {
  const page = await browser.newPage(options);
  const requests = [];
  const foreign = [];
  page.on('request', (r) => {
    requests.push(r.url());
    if (!r.url().startsWith(allowedPrefix) && !r.url().startsWith('data:')) foreign.push(r.url());
  });
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  return { page, requests, foreign, errors };
}

/** Types the query into the header box after `/`, follows the first result with the keyboard. */
async function searchFromHeader(page, requests) {
  assert.equal(
    requests.filter((u) => u.includes('search-index')).length,
    0,
    'the index loads only on first use'
  );
  await page.keyboard.press('/');
  assert.equal(await page.evaluate(() => document.activeElement?.name), 'q', '`/` focuses the search box');
  await page.keyboard.type(QUERY, { delay: 30 });
  const first = page.locator('.search-panel .search-result__link').first();
  await first.waitFor({ state: 'visible', timeout: 10000 });
  assert.match(await first.locator('.search-result__title').innerText(), FIRST_TITLE);
  assert.ok((await page.locator('.search-panel mark').count()) > 0, 'matches are highlighted');
  assert.match(await page.locator('.search-panel [role="status"]').innerText(), /\d+ results? for “klarna”/);
  assert.ok(requests.some((u) => u.includes('search-index')), 'the index was loaded');
  await page.keyboard.press('ArrowDown');
  assert.equal(
    await page.evaluate(() => document.activeElement?.closest('.search-result') !== null),
    true,
    'ArrowDown moves to the first result'
  );
  await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
  assert.match(await page.locator('h1').first().innerText(), FIRST_TITLE);
}

test('header search over HTTP: type, see, follow with the keyboard', async () => {
  const { page, requests, foreign, errors } = await newPage(origin);
  await page.goto(`${origin}/`);
  await searchFromHeader(page, requests);
  assert.equal(new URL(page.url()).pathname, `/${FIRST_PATH}`);
  assert.deepEqual(foreign, [], 'no request leaves the site');
  assert.deepEqual(errors, []);
  await page.close();
});

test('the results page works from a plain link, and Escape and arrows behave', async () => {
  const { page, foreign, errors } = await newPage(origin);
  await page.goto(`${origin}/search/?q=${encodeURIComponent(QUERY)}`);
  const first = page.locator('[data-search-results] .search-result__link').first();
  await first.waitFor({ timeout: 10000 });
  assert.match(await first.innerText(), FIRST_TITLE);
  assert.equal(await page.inputValue('#search-page-q'), QUERY);
  assert.match(await page.locator('[data-search-status]').innerText(), /results? for “klarna”/);
  // Typing on the page updates the results and the address.
  await page.fill('#search-page-q', '');
  await page.locator('#search-page-q').pressSequentially('resilient strategy', { delay: 20 });
  await page.waitForFunction(() => location.search === '?q=resilient%20strategy');
  await page.waitForFunction(() => /Resilient/.test(document.querySelector('[data-search-results] .search-result__title')?.textContent || ''));
  await page.keyboard.press('ArrowDown');
  assert.equal(await page.evaluate(() => document.activeElement?.classList.contains('search-result__link')), true);
  await page.keyboard.press('ArrowUp');
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'search-page-q');
  // A typo still finds it.
  await page.fill('#search-page-q', 'klarma');
  await page.waitForFunction(() => /Klarna/.test(document.querySelector('[data-search-results] .search-result__title')?.textContent || ''));
  // Accessibility of the search UI itself.
  await page.addScriptTag({ path: require.resolve('axe-core/axe.min.js') });
  const result = await page.evaluate(() => window.axe.run({ include: [['.search-page']] }, { resultTypes: ['violations'] }));
  const serious = result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  assert.deepEqual(serious.map((v) => `${v.id}: ${v.help}`), []);
  assert.deepEqual(foreign, []);
  assert.deepEqual(errors, []);
  await page.close();
});

test('Escape closes the panel and / does not steal typing from other fields', async () => {
  const { page, errors } = await newPage(origin);
  await page.goto(`${origin}/`);
  await page.keyboard.press('/');
  await page.keyboard.type(QUERY);
  const panel = page.locator('.search-panel');
  await page.locator('.search-panel .search-result').first().waitFor({ timeout: 10000 });
  await page.keyboard.press('Escape');
  assert.equal(await panel.isHidden(), true);
  // Enter in the box opens the results page.
  await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
  assert.equal(new URL(page.url()).pathname, '/search/');
  assert.equal(new URL(page.url()).searchParams.get('q'), QUERY);
  // `/` typed in the page's own box is just a character.
  await page.focus('#search-page-q');
  await page.keyboard.type('a/b');
  assert.equal(await page.inputValue('#search-page-q'), `${QUERY}a/b`);
  assert.deepEqual(errors, []);
  await page.close();
});

test('without JavaScript the search page says so and links to the sections', async () => {
  const { page, foreign } = await newPage(origin, { javaScriptEnabled: false });
  await page.goto(`${origin}/search/`);
  const main = page.locator('main');
  assert.match(await main.innerText(), /Search needs JavaScript/);
  assert.ok((await main.locator('noscript a, a').count()) > 1, 'links to browse instead');
  assert.deepEqual(foreign, []);
  await page.close();
});

test('a --portable build opened from file:// searches without a server', async () => {
  const home = pathToFileURL(path.join(portable, 'index.html')).href;
  const { page, requests, foreign, errors } = await newPage('file://');
  await page.goto(home);
  await searchFromHeader(page, requests);
  assert.equal(page.url(), pathToFileURL(path.join(portable, FIRST_PATH, 'index.html')).href);
  // The results page from a plain file link with a query.
  await page.goto(pathToFileURL(path.join(portable, 'search', 'index.html')).href + `?q=${QUERY}`);
  const first = page.locator('[data-search-results] .search-result__link').first();
  await first.waitFor({ timeout: 10000 });
  assert.match(await first.innerText(), FIRST_TITLE);
  assert.match(await first.getAttribute('href'), /case-studies\/klarna\/index\.html$/);
  assert.deepEqual(foreign, [], 'nothing but local files');
  assert.deepEqual(errors, []);
  await page.close();
});
