// Screenshots of the repository's site and of a rebranded `waymark init`
// site (logo, accent colours, self-hosted font), light and dark, desktop
// and mobile. Run: `node tests/browser/screenshots.mjs [OUT_DIR]`
// (default docs/screenshots/); screenshots.test.mjs reruns it in the suite.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { repo, waymarkBin, buildSite, serve, launch } from './helpers.mjs';

export const VIEWPORTS = {
  desktop: { width: 1280, height: 800 },
  mobile: { width: 390, height: 844 },
};

/** A `waymark init` site branded through site.yaml only; returns its folder. */
export function rebrandedSite() {
  const root = join(mkdtempSync(join(tmpdir(), 'waymark-brand-')), 'site');
  execFileSync(waymarkBin(), ['init', '--quiet', root]);
  const brand = join(repo, 'tests/browser/brand');
  for (const [from, to] of [['logo.svg', 'static/images/logo.svg'], ['open-sans.woff2', 'static/fonts/open-sans.woff2']]) {
    mkdirSync(join(root, to, '..'), { recursive: true });
    copyFileSync(join(brand, from), join(root, to));
  }
  mkdirSync(join(root, 'static/css'), { recursive: true });
  writeFileSync(join(root, 'static/css/brand.css'), '.site-header { border-bottom: 3px solid var(--accent); }\n');
  const yaml = readFileSync(join(root, 'site.yaml'), 'utf8')
    .replace('title: My Waymark site', 'title: Northwind Advisory')
    .concat([
      'brand:',
      '  logo: /images/logo.svg',
      '  accent: "#8a1538"',
      '  accent_dark: "#ff9fb8"',
      '  font: /fonts/open-sans.woff2',
      'extra_css: [/css/brand.css]',
      '',
    ].join('\n'));
  writeFileSync(join(root, 'site.yaml'), yaml);
  writeFileSync(join(root, 'content/guides/shortcodes.md'), [
    '---',
    'title: Boxes and figures',
    'description: The built-in shortcodes on a branded site.',
    'weight: 2',
    '---',
    '',
    '{% in_brief() %}',
    '- A summary box opens the guide.',
    '- Callouts set notes, tips and warnings apart.',
    '{% end %}',
    '',
    'A guide reads best when the one thing to remember stands out.',
    '',
    '{% callout(kind="note") %}Notes add context the reader may skip.{% end %}',
    '',
    '{% callout(kind="tip") %}Tips save the reader **time**.{% end %}',
    '',
    '{% callout(kind="warning") %}Warnings name a risk and how to avoid it.{% end %}',
    '',
    '{{ figure(src="/images/logo.svg", alt="The Northwind logo: a white N on a dark red square", caption="A figure with a caption.") }}',
    '',
  ].join('\n'));
  return root;
}

/** `SHOT_FORMAT=png` for lossless files; JPEG keeps docs/ small. */
const FORMAT = process.env.SHOT_FORMAT === 'png' ? 'png' : 'jpg';

/** The pages to capture: [name, site, path below the site root]. */
export const SHOTS = [
  ['home', 'repo', ''],
  ['playbook', 'repo', 'playbooks/go-now/'],
  ['case-study', 'repo', 'case-studies/klarna/'],
  ['assessment-result', 'repo', 'assessments/which-playbook/result/go-now/'],
  ['session', 'repo', 'seamspotter-session/'],
  ['brand-home', 'brand', ''],
  ['brand-guide', 'brand', 'guides/shortcodes/'],
];

/** Builds both sites and writes `NAME-VIEWPORT-SCHEME.jpg` into `out`;
 *  returns the file names. */
export async function capture(out) {
  mkdirSync(out, { recursive: true });
  const sites = { repo: buildSite(), brand: buildSite({ root: rebrandedSite() }) };
  const servers = {};
  for (const [k, dir] of Object.entries(sites)) servers[k] = await serve(dir, '/');
  const browser = await launch();
  const files = [];
  try {
    for (const [vp, viewport] of Object.entries(VIEWPORTS)) {
      for (const scheme of ['light', 'dark']) {
        const context = await browser.newContext({ viewport, colorScheme: scheme, deviceScaleFactor: 1 });
        const page = await context.newPage();
        for (const [name, site, path] of SHOTS) {
          await page.goto(servers[site].base + path, { waitUntil: 'networkidle' });
          const file = `${name}-${vp}-${scheme}.${FORMAT}`;
          await page.screenshot({ path: join(out, file), type: FORMAT === 'png' ? 'png' : 'jpeg', ...(FORMAT === 'png' ? {} : { quality: 70 }) });
          files.push(file);
        }
        await context.close();
      }
    }
  } finally {
    await browser.close();
    for (const s of Object.values(servers)) await s.close();
  }
  return files;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const out = process.argv[2] || join(repo, 'docs/screenshots');
  const files = await capture(out);
  console.log(`${files.length} screenshots in ${out}`);
}
