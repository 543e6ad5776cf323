// Fuzzes the assessment script's share-link decoder in real Chromium: many
// generated fragments (well-formed ones with garbage answers, broken percent
// escapes, prototype keys, huge numbers, random bytes) are handed to the
// decoder directly (`wmApp.readLink`, when the script has it) and through
// the address bar (`hashchange`, and a fresh load of the link). No fragment
// may throw, leave an uncaught error, or stop the page from working.
//
// WAYMARK_FUZZ_LINKS sets how many fragments (default 200 per assessment); WAYMARK_FUZZ_SEED
// the generator's seed. See docs/fuzzing.md.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildSite, serve, launch, repo } from './helpers.mjs';

const COUNT = Number(process.env.WAYMARK_FUZZ_LINKS || 200);
const SEED = Number(process.env.WAYMARK_FUZZ_SEED || 7);
let dir, site, server, browser;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'waymark-linkfuzz-'));
  cpSync(join(repo, 'tests/fixtures/assess-site'), dir, { recursive: true });
  cpSync(join(repo, 'themes/default'), join(dir, 'themes/default'), { recursive: true });
  site = buildSite({ root: dir });
  server = await serve(site, '/sub/');
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await server?.close();
  for (const d of [dir, site]) if (d) rmSync(d, { recursive: true, force: true });
});

/** Mulberry32: small and seedable, so a failure can be replayed. */
function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const NASTY = [
  '', '%', '%%', '%E0%A4%A', '%ZZ', '%00', '%C0%AF', '%F0%9F%98%80', '%uD800', '%ED%A0%80',
  ',', ',,,', '=', '==', '&', '#', '__proto__', 'constructor', 'prototype', 'toString',
  'hasOwnProperty', 'NaN', 'Infinity', '-Infinity', '-1', '0', '1e308', '-0', '9'.repeat(400),
  '1.5', '0x10', ' 3 ', 'null', 'undefined', 'true', '[]', '{}', '<img src=x onerror=alert(1)>',
  '"', "'", '\\', '\u202e', '😀', 'é', 'a'.repeat(5000), '%2C', '%3D', '%26', '+',
];

function fragments(data, random) {
  const pick = (list) => list[Math.floor(random() * list.length)];
  const ids = data.questions.map((q) => q.id);
  const options = data.questions.flatMap((q) => (q.options || []).map((o) => o.id));
  const value = () => {
    const r = random();
    if (r < 0.35) return pick(NASTY);
    if (r < 0.6) return encodeURIComponent(pick(options) ?? 'x');
    if (r < 0.75) return Array.from({ length: 1 + Math.floor(random() * 5) }, () => pick([...options, ...NASTY])).join(',');
    if (r < 0.85) return String(Math.floor(random() * 2e6) - 1e6);
    return Array.from({ length: Math.floor(random() * 12) }, () => String.fromCharCode(Math.floor(random() * 0x3000))).join('');
  };
  const out = [];
  for (let i = 0; i < COUNT; i++) {
    const r = random();
    if (r < 0.1) {
      // Random printable bytes.
      out.push('#' + Array.from({ length: Math.floor(random() * 80) }, () => String.fromCharCode(32 + Math.floor(random() * 95))).join(''));
      continue;
    }
    const head = random() < 0.85 ? data.id : pick(NASTY);
    const hash = random() < 0.8 ? data.hash : pick(NASTY);
    const pairs = Array.from({ length: Math.floor(random() * 8) }, () => {
      const key = random() < 0.8 ? pick(ids) : pick(NASTY);
      return random() < 0.1 ? key : `${key}=${value()}`;
    });
    out.push('#' + [`${head}=${hash}`, ...pairs].join('&'));
  }
  return out;
}

for (const path of ['assessments/pulse/', 'assessments/quiz/', 'assessments/tree/']) {
  test(`share links: no fragment breaks the decoder or the page (${path})`, async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const errors = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(server.base + path);
    const data = await page.evaluate(() =>
      JSON.parse(document.querySelector('[data-wm-assessment] script[data-wm-data]').textContent));
    const list = fragments(data, rng(SEED + path.length));

    // The decoder itself, and the address bar, in one go inside the page.
    const report = await page.evaluate(async (list) => {
      const app = document.querySelector('[data-wm-assessment]').wmApp;
      const direct = app && typeof app.readLink === 'function';
      const thrown = [];
      const uncaught = [];
      let decoded = 0;
      let current = null;
      window.addEventListener('error', (e) => uncaught.push([current, String(e.message)]));
      window.addEventListener('unhandledrejection', (e) => uncaught.push([current, String(e.reason)]));
      for (const frag of list) {
        current = frag;
        if (direct) {
          try {
            const got = app.readLink(frag);
            if (got) decoded += 1;
            if (got !== null && (typeof got !== 'object' || typeof got.answers !== 'object')) {
              thrown.push([frag, 'returned ' + JSON.stringify(got)]);
            }
          } catch (e) {
            thrown.push([frag, String(e)]);
          }
        }
        await new Promise((done) => {
          const t = setTimeout(done, 200);
          window.addEventListener('hashchange', () => { clearTimeout(t); setTimeout(done, 0); }, { once: true });
          location.hash = frag.slice(1) + (location.hash === frag ? '&' : '');
        });
      }
      return { direct, decoded, thrown, uncaught };
    }, list);
    assert.deepEqual(report.thrown, [], 'readLink threw or returned something odd');
    // Most fragments are well-formed links with garbage answers: they must
    // reach the decoder's answer handling, not stop at the first check.
    assert.ok(report.direct, 'the assessment script no longer exposes wmApp.readLink: point this test at its share-link decoder');
    assert.ok(report.decoded > list.length / 5, `only ${report.decoded} decoded`);
    console.log(`${path}: ${list.length} fragments, ${report.decoded} decoded as links`);
    assert.deepEqual(report.uncaught, [], 'uncaught errors after a hashchange');

    // Fresh loads of some of them (the restore path).
    for (const frag of list.slice(0, 25)) {
      const p = await context.newPage();
      p.on('pageerror', (e) => errors.push(`${frag}: ${e.message}`));
      await p.goto(server.base + path + frag);
      const v = await p.locator('[data-wm-assessment]').first().getAttribute('data-wm-view');
      assert.ok(v, `no view after loading ${frag}`);
      await p.close();
    }
    assert.deepEqual(errors, []);
    // The page still works: clearing the hash and starting over.
    await page.evaluate(() => { location.hash = ''; });
    assert.ok(await page.locator('[data-wm-assessment]').first().getAttribute('data-wm-view'));
    await context.close();
  });
}
