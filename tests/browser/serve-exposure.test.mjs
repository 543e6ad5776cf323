// What another site's page can read from `waymark serve`, in real Chromium:
// a page served from another origin (another port of localhost, and
// `localhost` against `127.0.0.1`, which are different sites) includes the
// dev server's search index as a script, its image, its live-reload stream
// and fetches a page. Chromium sends Fetch Metadata and Origin; the server
// must refuse every one of them (403), while the dev site's own pages load
// the same files.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createServer, request as httpRequest } from 'node:http';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { launch, repo, waymarkBin } from './helpers.mjs';

let root, server, browser, url, foreign, spy, spyUrl;
// What Chromium sends to a 127.0.0.1 server from the foreign page: the spy
// stands in for the dev server (same host, another port) and records it.
const spied = [];

/** Replays a request with exactly the headers Chromium sent; the status. */
function replay(target, headers) {
  const keep = Object.fromEntries(Object.entries(headers).filter(([k]) => !k.startsWith(':')));
  return new Promise((ok, fail) => {
    const req = httpRequest(target, { headers: keep }, (res) => { res.resume(); ok(res.statusCode); req.destroy(); });
    req.on('error', fail);
    req.end();
  });
}

before(async () => {
  root = mkdtempSync(join(tmpdir(), 'waymark-exposure-'));
  cpSync(join(repo, 'tests/fixtures/basic'), root, { recursive: true });
  writeFileSync(join(root, 'static/dot.svg'), '<svg xmlns="http://www.w3.org/2000/svg" width="1" height="1"/>');
  writeFileSync(join(root, 'content/guides/plans.md'), '---\ntitle: Plans\ndraft: true\n---\nSECRET-DRAFT-TEXT\n');
  server = spawn(waymarkBin(), ['serve', '--port', '0', '--drafts', '--root', root], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  url = await new Promise((ok, fail) => {
    server.stdout.on('data', (d) => {
      out += d;
      const m = out.match(/Serving .* at (http:\S+)/);
      if (m) ok(m[1]);
    });
    server.on('exit', (code) => fail(new Error(`serve exited with ${code}: ${out}`)));
  });
  spy = createServer((req, res) => {
    spied.push([req.url, req.headers]);
    if (req.url.endsWith('events')) {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      return res.end('event: hello\ndata: {}\n\n');
    }
    res.writeHead(200);
    res.end();
  });
  await new Promise((ok) => spy.listen(0, '127.0.0.1', ok));
  spyUrl = `http://127.0.0.1:${spy.address().port}${new URL(url).pathname}`;
  // The attacker's page: tries to read the dev site and reports what worked.
  foreign = createServer((req, res) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(`<!doctype html><title>elsewhere</title><script>
      window.results = {};
      for (const base of [${JSON.stringify(spyUrl)}]) {
        const t = document.createElement('script'); t.src = base + 'search-index.js'; document.head.appendChild(t);
        new Image().src = base + 'dot.svg';
        fetch(base + 'guides/plans/', { mode: 'no-cors' }).catch(() => {});
        new EventSource(base + '__waymark/events');
      }
      const note = (k, v) => { window.results[k] = v; };
      const s = document.createElement('script');
      s.src = ${JSON.stringify(url)} + 'search-index.js';
      s.onload = () => note('script', 'loaded'); s.onerror = () => note('script', 'blocked');
      document.head.appendChild(s);
      const img = new Image();
      img.onload = () => note('image', 'loaded'); img.onerror = () => note('image', 'blocked');
      img.src = ${JSON.stringify(url)} + 'dot.svg';
      fetch(${JSON.stringify(url)} + 'guides/plans/', { mode: 'no-cors' })
        .then((r) => note('fetch', r.type), () => note('fetch', 'blocked'));
      const es = new EventSource(${JSON.stringify(url)} + '__waymark/events');
      es.addEventListener('hello', () => note('events', 'open'));
      es.onerror = () => { note('events', 'blocked'); es.close(); };
    </script>`);
  });
  await new Promise((ok) => foreign.listen(0, '127.0.0.1', ok));
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await new Promise((ok) => (foreign ? foreign.close(ok) : ok()));
  spy?.closeAllConnections?.();
  await new Promise((ok) => (spy ? spy.close(ok) : ok()));
  server?.kill();
  if (root) rmSync(root, { recursive: true, force: true });
});

for (const host of ['localhost', '127.0.0.1']) {
  test(`a page on http://${host}:<other port> cannot read the dev site`, async () => {
    const page = await browser.newPage();
    const statuses = [];
    const sent = [];
    page.on('request', async (r) => { if (r.url().startsWith(url)) sent.push([r.url(), await r.allHeaders()]); });
    page.on('response', (r) => { if (r.url().startsWith(url)) statuses.push([r.url().slice(url.length), r.status()]); });
    page.on('requestfailed', (r) => { if (r.url().startsWith(url)) statuses.push([r.url().slice(url.length), r.failure()?.errorText]); });
    await page.goto(`http://${host}:${foreign.address().port}/`);
    await page.waitForFunction(() => ['script', 'image', 'fetch', 'events'].every((k) => k in window.results), null, { timeout: 30_000 });
    const results = await page.evaluate(() => window.results);
    assert.equal(results.script, 'blocked', JSON.stringify(results));
    assert.equal(results.image, 'blocked', JSON.stringify(results));
    assert.equal(results.events, 'blocked', JSON.stringify(results));
    // Each answer is a 403, or the browser dropped it (CORP, the stream's
    // CORS check): nothing reached the page.
    for (const [path, status] of statuses) assert.ok(status === 403 || /^net::ERR_/.test(status), `${path} answered ${status}`);
    assert.notEqual(results.fetch, 'basic', JSON.stringify(results));
    // CORP hides the status from the page. The server refuses on its own:
    // what Chromium sent the spy (same host, another port), replayed to the
    // dev server headers and all, gets 403.
    const want = ['search-index.js', 'dot.svg', 'guides/plans/', '__waymark/events'];
    await page.waitForFunction(() => true);
    for (let i = 0; i < 100 && !want.every((w) => spied.some(([u]) => u.endsWith(w))); i++) await new Promise((r) => setTimeout(r, 50));
    for (const w of want) {
      const hit = spied.find(([u]) => u.endsWith(w));
      assert.ok(hit, `the spy saw ${w}: ${JSON.stringify(spied)}`);
      const headers = { ...hit[1], host: new URL(url).host };
      assert.ok(headers['sec-fetch-site'] || headers.origin, `Fetch Metadata or Origin for ${w}: ${JSON.stringify(headers)}`);
      assert.equal(await replay(url + w, headers), 403, `${w} ${JSON.stringify(headers)}`);
    }
    await page.close();
  });
}

test('the dev site itself loads the same files, and the draft', async () => {
  const page = await browser.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  const sent = [];
  page.on('request', async (r) => { if (r.url().startsWith(url)) sent.push([r.url(), await r.allHeaders()]); });
  const res = await page.goto(url + 'guides/plans/');
  assert.equal(res.status(), 200);
  assert.match(await page.textContent('body'), /SECRET-DRAFT-TEXT/);
  const got = await page.evaluate(async (base) => {
    const load = (el) => new Promise((ok) => { el.onload = () => ok('loaded'); el.onerror = () => ok('blocked'); });
    const s = document.createElement('script');
    s.src = base + 'search-index.js';
    const script = load(s);
    document.head.appendChild(s);
    const img = new Image();
    const image = load(img);
    img.src = base + 'dot.svg';
    const r = await fetch(base + 'guides/alpha/');
    return { script: await script, image: await image, fetch: r.status };
  }, url);
  assert.deepEqual(got, { script: 'loaded', image: 'loaded', fetch: 200 });
  for (const [target, headers] of sent.filter(([u]) => !u.includes('__waymark'))) {
    assert.equal(await replay(target, headers), 200, `${target} ${JSON.stringify(headers)}`);
  }
  await page.waitForFunction(() => window.__waymarkConnected === true, null, { timeout: 30_000 });
  assert.deepEqual(errors, []);
  await page.close();
});
