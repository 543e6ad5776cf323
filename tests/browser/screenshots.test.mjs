// The theme in a real browser: the screenshot script runs, the mobile
// header stays short, the primary action is on the first mobile screen,
// the menu does not move when the current item changes, nothing overflows
// at 320 px, and a rebranded init site gets its colour and font.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildSite, serve, launch, htmlFiles, axe, vnuErrors } from './helpers.mjs';
import { capture, rebrandedSite, SHOTS, VIEWPORTS } from './screenshots.mjs';

let repoServer, brandServer, brandDir, browser;

before(async () => {
  repoServer = await serve(buildSite(), '/sub/');
  brandDir = buildSite({ root: rebrandedSite() });
  brandServer = await serve(brandDir, '/');
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await repoServer?.close();
  await brandServer?.close();
});

async function open(base, path, viewport, colorScheme = 'light') {
  const context = await browser.newContext({ viewport, colorScheme });
  const page = await context.newPage();
  await page.goto(base + path, { waitUntil: 'networkidle' });
  return { page, close: () => context.close() };
}

test('the screenshot script writes every view', async () => {
  const out = mkdtempSync(join(tmpdir(), 'waymark-shots-'));
  const files = await capture(out);
  assert.equal(files.length, SHOTS.length * 4);
  for (const f of files) assert.ok(statSync(join(out, f)).size > 5000, `${f} is empty`);
});

for (const width of [320, 390]) {
  test(`at ${width} px the header is at most 120 px and nothing overflows`, async () => {
    for (const [base, path] of [[repoServer.base, ''], [repoServer.base, 'playbooks/go-now/'], [brandServer.base, '']]) {
      const { page, close } = await open(base, path, { width, height: 700 });
      const header = await page.locator('.site-header').boundingBox();
      const scroll = await page.evaluate(() => document.documentElement.scrollWidth);
      await close();
      assert.ok(header.height <= 120, `${base}${path}: header is ${header.height} px high`);
      assert.ok(scroll <= width, `${base}${path}: page is ${scroll} px wide at ${width} px`);
    }
  });
}

test('the home page shows its primary action on the first mobile screen', async () => {
  const { page, close } = await open(repoServer.base, '', VIEWPORTS.mobile);
  const h1 = await page.locator('h1').textContent();
  const button = await page.locator('.hero__actions .button').first().boundingBox();
  await close();
  assert.notEqual(h1.trim(), 'Waymark Advisory', 'the heading is a value proposition, not the brand name');
  assert.ok(button.y + button.height <= VIEWPORTS.mobile.height, `primary action at ${button.y} px`);
});

test('menu items keep their place whichever is current', async () => {
  const places = [];
  for (const path of ['', 'playbooks/', 'case-studies/', 'assessments/']) {
    const { page, close } = await open(repoServer.base, path, VIEWPORTS.desktop);
    places.push(await page.locator('.site-nav a').evaluateAll((as) => as.map((a) => {
      const r = a.getBoundingClientRect();
      return [Math.round(r.left), Math.round(r.width)];
    })));
    await close();
  }
  for (const p of places.slice(1)) assert.deepEqual(p, places[0]);
});

test('a rebranded init site uses its accent, logo and font', async () => {
  for (const [scheme, accent] of [['light', 'rgb(138, 21, 56)'], ['dark', 'rgb(255, 159, 184)']]) {
    const { page, close } = await open(brandServer.base, '', VIEWPORTS.desktop, scheme);
    const seen = await page.evaluate(async () => {
      await document.fonts.ready;
      const link = document.querySelector('main a:not(.button)');
      return {
        link: getComputedStyle(link).color,
        font: getComputedStyle(document.body).fontFamily,
        loaded: document.fonts.check('16px Brand'),
        logo: document.querySelector('.site-title__logo')?.naturalWidth,
      };
    });
    await close();
    assert.equal(seen.link, accent, scheme);
    assert.match(seen.font, /^"?Brand"?/);
    assert.ok(seen.loaded, 'the brand font loaded');
    assert.ok(seen.logo > 0, 'the logo loaded');
  }
});

test('the rebranded init site with every built-in shortcode is valid and accessible', async () => {
  assert.equal(vnuErrors(brandDir), '');
  const problems = [];
  for (const scheme of ['light', 'dark']) {
    const context = await browser.newContext({ colorScheme: scheme });
    const page = await context.newPage();
    for (const file of htmlFiles(brandDir)) {
      if (file === '404.html') continue;
      await page.goto(brandServer.base + file.replace(/index\.html$/, ''));
      for (const v of await axe(page)) problems.push(`${scheme} ${file}: ${v.id} (${v.help}) at ${v.nodes.join(', ')}`);
    }
    await context.close();
  }
  assert.deepEqual(problems, []);
});
