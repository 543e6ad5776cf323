// Shared by the browser tests: build a site with the real binary, serve it
// over HTTP on a free port (or open it from disk), drive system Chromium.
import { execFileSync } from 'node:child_process';
import { createServer } from 'node:http';
import { mkdtempSync, readFileSync, statSync, existsSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, extname, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

export const repo = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/** The waymark binary: $WAYMARK_BIN, else target/release, else target/debug. */
export function waymarkBin() {
  if (process.env.WAYMARK_BIN) return process.env.WAYMARK_BIN;
  for (const p of ['target/release/waymark', 'target/debug/waymark']) {
    if (existsSync(join(repo, p))) return join(repo, p);
  }
  throw new Error('build waymark first: cargo build --release');
}

/** Builds `root` (default: the repository's site) into a fresh temp folder. */
export function buildSite({ root = repo, args = [] } = {}) {
  const out = mkdtempSync(join(tmpdir(), 'waymark-site-'));
  execFileSync(waymarkBin(), ['build', '--quiet', '--root', root, '--output', out, ...args], { stdio: 'inherit' });
  return out;
}

const TYPES = {
  '.html': 'text/html; charset=utf-8', '.css': 'text/css', '.js': 'text/javascript',
  '.svg': 'image/svg+xml', '.png': 'image/png', '.xml': 'application/xml', '.json': 'application/json',
  '.txt': 'text/plain', '.ico': 'image/x-icon', '.webp': 'image/webp', '.jpg': 'image/jpeg',
};

/** Serves `dir` under `prefix` (e.g. '/sub/'); resolves folders to index.html like a static host. */
export async function serve(dir, prefix = '/') {
  const server = createServer((req, res) => {
    const url = new URL(req.url, 'http://x');
    let path = decodeURIComponent(url.pathname);
    if (!path.startsWith(prefix) || path.includes('..')) { res.writeHead(404); return res.end(); }
    let file = join(dir, path.slice(prefix.length));
    try {
      if (statSync(file).isDirectory()) file = join(file, 'index.html');
      const body = readFileSync(file);
      res.writeHead(200, { 'content-type': TYPES[extname(file)] || 'application/octet-stream' });
      res.end(body);
    } catch {
      res.writeHead(404, { 'content-type': 'text/html; charset=utf-8' });
      res.end(existsSync(join(dir, '404.html')) ? readFileSync(join(dir, '404.html')) : 'not found');
    }
  });
  await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
  const base = `http://127.0.0.1:${server.address().port}${prefix}`;
  return { base, close: () => new Promise((ok) => server.close(ok)) };
}

/** System Chromium, headless, with the flags this machine needs. */
export async function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
  });
}

/** Every HTML file under `dir`, relative, sorted. */
export function htmlFiles(dir, sub = '') {
  const out = [];
  for (const name of readdirSync(join(dir, sub)).sort()) {
    const rel = sub ? `${sub}/${name}` : name;
    if (statSync(join(dir, rel)).isDirectory()) out.push(...htmlFiles(dir, rel));
    else if (name.endsWith('.html')) out.push(rel);
  }
  return out;
}

/** Runs the Nu HTML Checker over every HTML file of `dir` in one call;
 *  returns its report, empty when there are no errors. */
export function vnuErrors(dir) {
  const files = htmlFiles(dir).map((f) => join(dir, f));
  const vnu = join(repo, 'node_modules/vnu-jar/build/dist/vnu.jar');
  try {
    execFileSync('java', ['-jar', vnu, '--errors-only', '--format', 'text', ...files], { stdio: 'pipe' });
    return '';
  } catch (e) {
    return String(e.stderr || e.stdout || e);
  }
}

/** Runs axe-core (WCAG 2.2 A/AA) in `page` and returns its violations. */
export async function axe(page) {
  const source = readFileSync(join(repo, 'node_modules/axe-core/axe.min.js'), 'utf8');
  await page.addScriptTag({ content: source });
  return page.evaluate(async () => {
    const r = await window.axe.run(document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'] },
    });
    return r.violations.map((v) => ({ id: v.id, help: v.help, nodes: v.nodes.map((n) => n.target.join(' ')).slice(0, 5) }));
  });
}
