// Runs the shipped browser engine on the vectors the Rust engine wrote and
// asserts identical results. Started by tests/assessment_agreement.rs with
// WAYMARK_VECTORS_DIR set; each *.json there is one assessment's vectors.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

// Load the shipped file as the classic script it is in the browser (the
// repository's package.json may declare ES modules), handing it a
// CommonJS-style `module` to export through.
const script = fileURLToPath(new URL("../../themes/default/static/js/assessment-engine.js", import.meta.url));
const module = { exports: {} };
new Function("module", "exports", readFileSync(script, "utf8"))(module, module.exports);
const engine = module.exports;

const dir = process.env.WAYMARK_VECTORS_DIR;
assert.ok(dir, "set WAYMARK_VECTORS_DIR to a folder of test vectors");
const files = readdirSync(dir).filter((f) => f.endsWith(".json")).sort();
const MIN_VECTORS = Number(process.env.WAYMARK_MIN_VECTORS || 1000);

test("there are vectors to check", () => {
  assert.ok(files.length > 0, `no *.json in ${dir}`);
});

const round = (p) => (p === null ? null : Math.round(p * 1e9) / 1e9);

for (const file of files) {
  test(`browser engine agrees with Rust: ${file}`, () => {
    const { data, vectors } = JSON.parse(readFileSync(join(dir, file), "utf8"));
    assert.ok(vectors.length >= MIN_VECTORS, `${file}: only ${vectors.length} vectors`);
    vectors.forEach((v, i) => {
      const got = engine.evaluate(data, v.answers);
      const where = `${file} vector ${i}, answers ${JSON.stringify(v.answers)}`;
      assert.deepEqual(got.path, v.expected.path, `path differs: ${where}`);
      const progress = got.path.map((id) => {
        const p = engine.progress(data, got.path, id);
        return [p.number, p.total, p.upTo];
      });
      assert.deepEqual(progress, v.expected.progress, `progress differs: ${where}`);
      assert.equal(got.outcome, v.expected.outcome, `outcome differs: ${where}`);
      for (const d of data.dimensions) {
        const r = got.dimensions[d.id];
        assert.equal(round(r.percent), round(v.expected.percents[d.id]), `percent of ${d.id} differs: ${where}`);
        assert.equal(r.band ? r.band.label : null, v.expected.bands[d.id], `band of ${d.id} differs: ${where}`);
      }
    });
  });
}
