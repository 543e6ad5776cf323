// Runs the real search client (themes/default/static/js/search.js with the
// vendored stemmer) under Node over a built site's index: the same files a
// browser loads, each evaluated as a script when the client asks for it (a
// fake script loader), and prints the ranked results as JSON, with the
// files and bytes each query loaded.
// Usage: node query.cjs SITE_DIR QUERY...
'use strict';
const fs = require('fs');
const path = require('path');
const vm = require('vm');

const [site, ...queries] = process.argv.slice(2);
const read = (rel) => fs.readFileSync(path.join(site, rel), 'utf8');
let loaded = new Set();
let bytes = 0;
const run = (rel) => {
  const src = read(rel);
  if (!loaded.has(rel)) {
    loaded.add(rel);
    bytes += Buffer.byteLength(src);
  }
  vm.runInThisContext(src, { filename: rel });
};

run('search-index.js');
const manifest = globalThis.WaymarkSearchIndex;
for (const lib of manifest.lib) run(lib);
const base = { files: loaded.size, bytes };
// The client script itself is fingerprinted in js/.
const jsDir = path.join(site, 'js');
const client = fs.readdirSync(jsDir).find((f) => /^search\.[0-9a-f]{8}\.js$/.test(f));
// Evaluated as a CommonJS module whatever the nearest package.json says.
const clientModule = { exports: {} };
vm.runInThisContext(`(function (module) {${fs.readFileSync(path.join(jsDir, client), 'utf8')}\n})`, {
  filename: client,
})(clientModule);
const { Engine, fileOf } = clientModule.exports;

// A script loader, as the browser's: evaluates the file, then reads the global.
const load = (key) =>
  new Promise((resolve) => setImmediate(resolve)).then(() => {
    run(manifest.dir + fileOf(key));
    return globalThis.WaymarkSearchData[key];
  });

const show = (parts) => parts.map((p) => (p.mark ? `[${p.text}]` : p.text)).join('');
(async () => {
  const out = [];
  for (const q of queries) {
    // Each query as on a fresh page: only the manifest and the stemmer are loaded.
    loaded = new Set(['search-index.js', ...manifest.lib]);
    bytes = base.bytes;
    const engine = new Engine(manifest, load, globalThis.WaymarkStemmer);
    const t = process.hrtime.bigint();
    const found = await engine.search(q, 20);
    out.push({
      query: q,
      ms: Number(process.hrtime.bigint() - t) / 1e6,
      total: found.total,
      files: loaded.size,
      bytes,
      results: found.results.map((r) => ({
        path: r.doc.p,
        title: r.doc.t,
        href: r.href,
        score: r.score,
        titleMarked: show(r.title),
        snippet: show(r.snippet),
      })),
    });
  }
  console.log(JSON.stringify({ documents: manifest.docs, out }));
})().catch((e) => {
  console.error(e);
  process.exit(1);
});
