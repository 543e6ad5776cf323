// The repository's own site: valid HTML (Nu checker), no axe violations in
// light and dark mode, a light home page, and no request to another host.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildSite, serve, launch, htmlFiles, axe, vnuErrors } from './helpers.mjs';

/** An alias page (`aliases:` in front matter) only redirects elsewhere. */
const isRedirect = (file) => /http-equiv="refresh"/i.test(readFileSync(join(site, file), 'utf8'));

let site, server, browser;

before(async () => {
  site = buildSite();
  server = await serve(site, '/sub/');
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await server?.close();
});

test('every generated page passes the Nu HTML Checker', () => {
  assert.ok(htmlFiles(site).length > 20, `only ${htmlFiles(site).length} pages`);
  assert.equal(vnuErrors(site), '');
});

for (const scheme of ['light', 'dark']) {
  test(`axe-core finds no WCAG 2.2 AA violation on any page (${scheme})`, async () => {
    const context = await browser.newContext({ colorScheme: scheme });
    const page = await context.newPage();
    const problems = [];
    for (const file of htmlFiles(site)) {
      if (file === '404.html' || file.startsWith('old-') || isRedirect(file)) continue;
      await page.goto(server.base + file.replace(/index\.html$/, ''));
      for (const v of await axe(page)) problems.push(`${file}: ${v.id} (${v.help}) at ${v.nodes.join(', ')}`);
    }
    await context.close();
    assert.deepEqual(problems, []);
  });
}

test('the home page weighs under 100 KB and requests nothing from other hosts', async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  let bytes = 0;
  const foreign = [];
  page.on('request', (r) => { if (!r.url().startsWith(server.base.replace(/\/sub\/$/, ''))) foreign.push(r.url()); });
  page.on('response', async (r) => { try { bytes += (await r.body()).length; } catch { /* redirects have no body */ } });
  await page.goto(server.base, { waitUntil: 'networkidle' });
  await context.close();
  assert.deepEqual(foreign, []);
  assert.ok(bytes < 100 * 1024, `home page weighs ${bytes} bytes`);
});

test('pages declare icons that load, and no request 404s (no /favicon.ico guess)', async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  const failed = [];
  page.on('response', (r) => { if (r.status() >= 400) failed.push(`${r.status()} ${r.url()}`); });
  // (404.html links from base_url's root, not from /sub/: tests/media.rs checks its icons.)
  for (const file of ['index.html', 'playbooks/go-now/index.html', 'assessments/which-playbook/index.html']) {
    await page.goto(server.base + file.replace(/index\.html$/, ''), { waitUntil: 'networkidle' });
    const icons = await page.$$eval('link[rel="icon"]', (links) => links.map((l) => l.href));
    assert.ok(icons.length > 0, `${file} declares no icon`);
    for (const href of icons) {
      const r = await page.request.get(href);
      assert.equal(r.status(), 200, `${file}: ${href}`);
      assert.match(r.headers()['content-type'] ?? '', /^image\//, href);
    }
  }
  await context.close();
  assert.deepEqual(failed, []);
});

test('on a 320 px screen the current menu item is scrolled into view', async () => {
  const context = await browser.newContext({ viewport: { width: 320, height: 640 } });
  const page = await context.newPage();
  // The last menu entry: off-screen in the scrolling row unless brought in.
  const items = await (async () => {
    await page.goto(server.base);
    return page.$$eval('.site-nav a', (as) => as.map((a) => a.getAttribute('href')));
  })();
  const last = items[items.length - 1];
  await page.goto(new URL(last, server.base).href);
  const box = await page.$eval('.site-nav [aria-current]', (a) => {
    const r = a.getBoundingClientRect();
    const u = a.closest('ul').getBoundingClientRect();
    const ul = a.closest('ul');
    return { left: r.left, right: r.right, ulLeft: u.left, ulRight: u.right, scrolls: ul.scrollWidth > ul.clientWidth };
  });
  await context.close();
  assert.ok(box.scrolls, 'the menu does not scroll at 320 px: this test no longer tests anything');
  assert.ok(box.left >= box.ulLeft - 1 && box.right <= box.ulRight + 1, `current item at ${box.left}..${box.right}, menu ${box.ulLeft}..${box.ulRight}`);
});
