// Site search in headless Chromium, as a visitor uses it: on the
// repository's site served over HTTP, and on a --portable build opened from
// file://. Type a query in the header box, see the expected first result,
// follow it with the keyboard; open /search/?q=... from a plain link.
//
// Run: node --test tests/browser/ (see helpers.mjs for the binary and the
// browser used). WAYMARK_SITE: the site to build (default: the repository's).

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { buildSite, launch, repo, serve } from './helpers.mjs';

const site = process.env.WAYMARK_SITE || repo;

// The query, and what a person expects first.
const QUERY = 'klarna';
const FIRST_TITLE = /Klarna/;
const FIRST_PATH = 'case-studies/klarna/';

let served;
let portable;
let server;
let origin;
let browser;

before(async () => {
  served = buildSite({ root: site });
  portable = buildSite({ root: site, args: ['--portable'] });
  // Hosted under a sub-path, as on a project page: the client finds the site root itself.
  server = await serve(served, '/guides/');
  origin = server.base.replace(/\/$/, '');
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await server?.close();
  for (const dir of [served, portable]) if (dir) rmSync(dir, { recursive: true, force: true });
});

/** axe-core (WCAG 2.2 A/AA, or the given rules) on a part of the page (default: all of it). */
async function axeOn(page, selector, rules) {
  await page.addScriptTag({ content: readFileSync(path.join(repo, 'node_modules/axe-core/axe.min.js'), 'utf8') });
  return page.evaluate(async ([sel, rules]) => {
    const r = await window.axe.run(
      sel ? { include: [[sel]] } : document,
      rules
        ? { runOnly: { type: 'rule', values: rules } }
        : { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'] } }
    );
    return r.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`);
  }, [selector, rules]);
}

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
  assert.deepEqual(await axeOn(page, '.search-panel'), [], 'the open results pass axe');
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
  assert.equal(new URL(page.url()).pathname, `/guides/${FIRST_PATH}`);
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
  assert.equal(await page.inputValue('.site-header input[name="q"]'), QUERY, 'the header box shows the query');
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
  // Accessibility of the whole page, and its two search landmarks have distinct names.
  assert.deepEqual(await axeOn(page, null), []);
  assert.deepEqual(await axeOn(page, null, ['landmark-unique']), []);
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
  assert.equal(new URL(page.url()).pathname, '/guides/search/');
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

// A generated site of long pages, each ending with a made-up word: found over
// HTTP and from disk, loading a small part of the index.
const PAGES = 400;
const madeUp = (i) => `zq${['ax', 'eb', 'ic', 'od', 'uf'][i % 5]}vork${i}`;

function longSite() {
  const root = mkdtempSync(path.join(tmpdir(), 'waymark-long-'));
  cpSync(path.join(repo, 'themes/default'), path.join(root, 'themes/default'), { recursive: true });
  writeFileSync(path.join(root, 'site.yaml'), 'title: Long pages\nbase_url: https://example.org/\nsearch: true\n');
  const words = ['strategy', 'planning', 'review', 'budget', 'teams', 'market', 'pilot', 'evidence'];
  const filler = Array.from({ length: 3000 }, (_, w) => words[(w * 7) % words.length]).join(' ');
  for (let s = 0; s < PAGES / 25; s++) {
    const dir = path.join(root, 'content', `s${s}`);
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, '_index.md'), `---\ntitle: Section ${s}\n---\n`);
    for (let p = 0; p < 25; p++) {
      const i = s * 25 + p;
      writeFileSync(path.join(dir, `page-${i}.md`), `---\ntitle: Page ${i}\n---\n${filler}\n\nThe last line, ${madeUp(i)}.\n`);
    }
  }
  return root;
}

test('words at the end of long pages are found, over HTTP and from file://', async () => {
  const root = longSite();
  const httpOut = buildSite({ root });
  const fileOut = buildSite({ root, args: ['--portable'] });
  const srv = await serve(httpOut, '/');
  try {
    for (const [home, prefix, suffix] of [
      [`${srv.base}`, srv.base, ''],
      [pathToFileURL(path.join(fileOut, 'index.html')).href, pathToFileURL(fileOut).href + '/', 'index.html'],
    ]) {
      for (const i of [7, 211, PAGES - 1]) {
        const { page, requests, foreign, errors } = await newPage(prefix.replace(/\/$/, ''));
        await page.goto(home);
        const before = requests.length;
        await page.locator('.site-header input[name="q"]').fill(madeUp(i));
        const first = page.locator('.search-panel .search-result__link').first();
        await first.waitFor({ state: 'visible', timeout: 10000 });
        const s = Math.floor(i / 25);
        assert.equal(await first.getAttribute('href'), new URL(`s${s}/page-${i}/${suffix}`, prefix).href);
        assert.match(await first.locator('mark').first().innerText(), new RegExp(madeUp(i)));
        const loaded = requests.slice(before).filter((u) => u.includes('search-index'));
        assert.ok(loaded.length < 20, `a query loads a few files: ${loaded.length}`);
        assert.deepEqual(foreign, []);
        assert.deepEqual(errors, []);
        await page.close();
      }
    }
  } finally {
    await srv.close();
    for (const dir of [root, httpOut, fileOut]) rmSync(dir, { recursive: true, force: true });
  }
});
