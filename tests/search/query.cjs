// Runs the real search client (themes/default/static/js/search.js with the
// vendored MiniSearch and stemmer) under Node over a built site's index, the
// same files a browser loads, and prints the ranked results as JSON.
// Usage: node query.cjs SITE_DIR QUERY...
'use strict';
const fs = require('fs');
const path = require('path');
const vm = require('vm');

const [site, ...queries] = process.argv.slice(2);
const read = (rel) => fs.readFileSync(path.join(site, rel), 'utf8');
const run = (rel) => vm.runInThisContext(read(rel), { filename: rel });

run('search-index.js');
const manifest = globalThis.WaymarkSearchIndex;
for (const lib of manifest.lib) run(lib);
for (const shard of manifest.shards) run(shard);
// The client script itself is fingerprinted next to its vendor folder.
const jsDir = path.join(site, path.dirname(path.dirname(manifest.lib[0])));
const client = fs.readdirSync(jsDir).find((f) => /^search\.[0-9a-f]{8}\.js$/.test(f));
// Evaluated as a CommonJS module whatever the nearest package.json says.
const clientModule = { exports: {} };
vm.runInThisContext(`(function (module) {${fs.readFileSync(path.join(jsDir, client), 'utf8')}\n})`, {
  filename: client,
})(clientModule);
const { Engine } = clientModule.exports;

const engine = new Engine({ MiniSearch: globalThis.MiniSearch, stemmer: globalThis.WaymarkStemmer }, manifest);
const shards = globalThis.WaymarkSearchShards.slice().sort((a, b) => a.n - b.n);
const started = Date.now();
shards.forEach((s) => engine.add(s));
const indexMs = Date.now() - started;

const show = (parts) => parts.map((p) => (p.mark ? `[${p.text}]` : p.text)).join('');
const out = queries.map((q) => {
  const t = process.hrtime.bigint();
  const found = engine.search(q, 20);
  return {
    query: q,
    ms: Number(process.hrtime.bigint() - t) / 1e6,
    total: found.total,
    results: found.results.map((r) => ({
      path: r.doc.p,
      title: r.doc.t,
      href: r.href,
      score: r.score,
      titleMarked: show(r.title),
      snippet: show(r.snippet),
    })),
  };
});
console.log(JSON.stringify({ documents: engine.docs.length, shards: shards.length, indexMs, out }));
