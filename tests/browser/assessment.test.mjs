// The assessment pages in a real browser: the keyboard-only flow, the
// GOV.UK error pattern, Back and Change, share links (and links made for an
// earlier version), saved progress, pages without JavaScript, embeds, print,
// and axe-core on every view in light and dark mode.
//
// Uses the repository's site (which-playbook has a matrix chart, the others
// bars) and tests/fixtures/assess-site (a decision tree, an all-on-one-page
// assessment, and a guide that embeds assessments), copied with the default
// theme into a temp folder.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildSite, serve, launch, htmlFiles, axe, repo, vnuErrors } from './helpers.mjs';

let site, server, fixture, fxSite, fxServer, browser;
const temps = [];

/** tests/fixtures/assess-site plus the default theme, in a temp folder. */
function copyFixture() {
  const dir = mkdtempSync(join(tmpdir(), 'waymark-assess-'));
  temps.push(dir);
  cpSync(join(repo, 'tests/fixtures/assess-site'), dir, { recursive: true });
  cpSync(join(repo, 'themes/default'), join(dir, 'themes/default'), { recursive: true });
  return dir;
}

before(async () => {
  site = buildSite();
  server = await serve(site, '/sub/');
  fixture = copyFixture();
  fxSite = buildSite({ root: fixture });
  temps.push(site, fxSite);
  fxServer = await serve(fxSite, '/sub/');
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await server?.close();
  await fxServer?.close();
  for (const dir of temps) rmSync(dir, { recursive: true, force: true });
});

/** A fresh page (own storage) that fails the test on any script error. */
async function open(url, options = {}) {
  const context = await browser.newContext(options);
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  if (url) await page.goto(url);
  return { context, page, errors };
}

const WP = 'assessments/which-playbook/';
// which-playbook's first example: every answer is the first option (all
// four boxes ticked on the last question), which gives Go NOW!.
const GO_NOW = {
  initiative: 'one-initiative', payback: 'next-quarters', benefits: 'immediate', patience: '1',
  'evidence-base': 'own-data', 'done-before': 'several-times', 'can-show': ['baseline', 'data', 'adoption', 'costs'],
};

const root = (page, n = 0) => page.locator('[data-wm-assessment]').nth(n);
const view = (page, n = 0) => root(page, n).getAttribute('data-wm-view');
const active = (page) => page.evaluate(() => {
  const a = document.activeElement;
  return { tag: a.tagName, cls: a.className, text: a.textContent.trim(), id: a.id, value: a.value };
});

/** Answers the shown question(s) of instance `n` from `answers` and continues. */
async function answer(page, answers, n = 0) {
  const r = root(page, n);
  for (const q of await r.locator('[data-wm-question]:visible').all()) {
    const id = await q.getAttribute('data-wm-question');
    for (const v of [answers[id]].flat().filter((x) => x !== undefined)) {
      await q.locator(`input[value="${v}"]`).check();
    }
  }
  await r.locator('[data-wm-continue]:visible').click();
}

/** Clicks through to the result: Start, every question, See your result. */
async function complete(page, answers, n = 0) {
  const r = root(page, n);
  const start = r.locator('[data-wm-start]:visible');
  if (await start.count()) await start.click();
  for (let i = 0; i < 30; i++) {
    const v = await view(page, n);
    if (v === 'question' || v === 'form') await answer(page, answers, n);
    else if (v === 'review') await r.getByRole('button', { name: 'See your result' }).click();
    else break;
  }
  assert.equal(await view(page, n), 'result');
}

/** The figures of the result view: outcome title and each area's text. */
async function resultFigures(page, n = 0) {
  const r = root(page, n);
  return {
    title: (await r.locator('.wm-result__title').textContent()).trim(),
    areas: await r.locator('.wm-area__score').allTextContents(),
    table: await r.locator('.wm-chart table').textContent(),
  };
}

test('an assessment can be completed with the keyboard only', async () => {
  const { context, page, errors } = await open(server.base + WP);
  const press = async (key, times = 1) => { for (let i = 0; i < times; i++) await page.keyboard.press(key); };
  const tabTo = async (match) => {
    for (let i = 0; i < 60; i++) {
      await press('Tab');
      if (match(await active(page))) return;
    }
    assert.fail('never reached the element with Tab');
  };
  await tabTo((a) => a.cls.includes('wm-start-button'));
  await press('Enter');
  // Each question: focus is on its heading (the legend); Tab reaches the first option.
  const seen = [];
  for (let i = 0; i < 7; i++) {
    const a = await active(page);
    assert.match(a.cls, /wm-legend__heading/, `focus on the question heading, got ${JSON.stringify(a)}`);
    seen.push(a.text);
    const progress = await root(page).locator('[data-wm-progress-text]').textContent();
    assert.match(progress, new RegExp(`^Question ${i + 1} of (up to )?\\d+$`));
    await press('Tab');
    const q = await active(page);
    if (q.value === 'baseline') {
      // The checkboxes: tick each with Space.
      for (let k = 0; k < 4; k++) { await press('Space'); await press('Tab'); }
      await tabTo((x) => x.text === 'Continue');
      await press('Enter');
    } else {
      await press('Space'); // the first option (scale: 1)
      await press('Enter'); // implicit submission from a radio
    }
  }
  assert.equal(seen[0], 'Do you have one specific initiative or decision in mind?');
  assert.equal(await view(page), 'review');
  let a = await active(page);
  assert.equal(a.text, 'Check your answers');
  assert.match(await page.title(), /^Check your answers · /);
  await tabTo((x) => x.text === 'See your result');
  await press('Enter');
  a = await active(page);
  assert.equal(a.text, 'Go NOW!');
  assert.equal(await view(page), 'result');
  assert.match(await page.title(), /^Your result · Which playbook/);
  assert.deepEqual(errors, []);
  await context.close();
});

test('a missing answer shows the error summary, prefixes the title and links to the field', async () => {
  const { context, page, errors } = await open(server.base + WP);
  const title = await page.title();
  await root(page).locator('[data-wm-start]').click();
  await root(page).locator('[data-wm-continue]').click();
  assert.equal(await page.title(), `Error: Do you have one specific initiative or decision in mind? · ${title}`);
  const summary = root(page).locator('[data-wm-errors]');
  assert.ok(await summary.isVisible());
  assert.equal((await summary.locator('h2').textContent()).trim(), 'There is a problem');
  let a = await active(page);
  assert.match(a.cls, /wm-error-summary/, 'focus moves to the error summary');
  const inline = root(page).locator('.wm-question--error .wm-error-message');
  assert.match(await inline.textContent(), /Error:\s+Select an answer/);
  const fieldset = root(page).locator('.wm-question--error fieldset');
  assert.ok((await fieldset.getAttribute('aria-describedby')).includes(await inline.getAttribute('id')));
  await summary.getByRole('link', { name: 'Select an answer' }).click();
  a = await active(page);
  assert.equal(a.id, 'wm-which-playbook__initiative__one-initiative', 'the link moves focus to the first option');
  await page.keyboard.press('Space');
  await root(page).locator('[data-wm-continue]').click();
  assert.ok(!(await page.title()).startsWith('Error: '), 'the prefix goes when the error does');
  assert.ok(await summary.isHidden());
  assert.deepEqual(errors, []);
  await context.close();
});

test('Back returns to the previous question with its answer; Change returns to the review', async () => {
  const { context, page, errors } = await open(server.base + WP);
  const r = root(page);
  await r.locator('[data-wm-start]').click();
  await answer(page, GO_NOW);
  await answer(page, GO_NOW);
  assert.equal(await r.locator('[data-wm-question]:visible').getAttribute('data-wm-question'), 'benefits');
  await r.getByRole('link', { name: 'Back' }).click();
  assert.equal(await r.locator('[data-wm-question]:visible').getAttribute('data-wm-question'), 'payback');
  assert.ok(await r.locator('input[value="next-quarters"]').isChecked(), 'the earlier answer is kept');
  assert.match((await active(page)).text, /When does this investment/);
  // Back from the first question leads to the start.
  await r.getByRole('link', { name: 'Back' }).click();
  await r.getByRole('link', { name: 'Back' }).click();
  assert.equal(await view(page), 'start');
  await complete(page, GO_NOW);
  // From the result, Back leads to the review; Change a single answer there.
  await r.getByRole('link', { name: 'Back' }).click();
  assert.equal(await view(page), 'review');
  const change = r.getByRole('link', { name: 'Change your answer to: When does this investment need to show a return?' });
  await change.click();
  assert.equal(await view(page), 'question');
  await r.locator('input[value="five-years"]').check();
  await r.getByRole('link', { name: 'Back' }).click();
  assert.equal(await view(page), 'review', 'Back from a change leads to the review');
  await change.click();
  await r.locator('input[value="five-years"]').check();
  await r.locator('[data-wm-continue]').click();
  assert.equal(await view(page), 'review', 'after a change, Continue returns to the review');
  assert.match(await r.locator('.wm-review .wm-summary').textContent(), /Five years or more/);
  // A change that opens a new question asks it before returning.
  await r.getByRole('link', { name: /Change your answer to: What is the case/ }).click();
  await r.locator('input[value="vendor"]').check();
  await r.locator('[data-wm-continue]').click();
  assert.equal(await r.locator('[data-wm-question]:visible').getAttribute('data-wm-question'), 'claims-checked');
  await r.locator('input[value="held-up"]').check();
  await r.locator('[data-wm-continue]').click();
  assert.equal(await view(page), 'review');
  assert.deepEqual(errors, []);
  await context.close();
});

test('a share link reopened in a fresh browser shows the same result; answers never reach the server', async () => {
  const { context, page, errors } = await open(null);
  const requests = [];
  page.on('request', (r) => requests.push(r.url()));
  await page.goto(server.base + WP);
  await complete(page, { ...GO_NOW, 'evidence-base': 'vendor', 'claims-checked': 'partly', patience: '4' });
  const first = await resultFigures(page);
  const link = await root(page).locator('.wm-share__input').inputValue();
  assert.ok(link.includes('/which-playbook/result/go-now/#which-playbook='), `the link opens the outcome's page: ${link}`);
  assert.equal(page.url(), server.base + WP + link.slice(link.indexOf('#')), 'the address bar holds the result too');
  await context.close();

  const fresh = await open(null);
  fresh.page.on('request', (r) => requests.push(r.url()));
  await fresh.page.goto(link);
  await fresh.page.waitForURL(server.base + WP + link.slice(link.indexOf('#')));
  await fresh.page.waitForSelector('[data-wm-view="result"]');
  assert.equal(await view(fresh.page), 'result');
  assert.deepEqual(await resultFigures(fresh.page), first);
  assert.deepEqual([...errors, ...fresh.errors], []);
  await fresh.context.close();
  assert.ok(requests.some((u) => u.endsWith('/result/go-now/')), 'the host sees the outcome page');
  assert.ok(requests.every((u) => !u.includes('initiative')), 'no request carries the answers');
});

test('a link made for an earlier version of the questions says so and offers to start again', async () => {
  const { context, page } = await open(fxServer.base + 'assessments/pulse/');
  await complete(page, { 'speak-up': 'always', priorities: '5', notes: ['retro'] });
  const link = await root(page).locator('.wm-share__input').inputValue();
  await context.close();

  // The same assessment with different scores: a new hash.
  const changed = copyFixture();
  const file = join(changed, 'content/assessments/pulse.yaml');
  writeFileSync(file, readFileSync(file, 'utf8').replace('label: "Yes, almost always", scores: { trust: 2 }', 'label: "Yes, almost always", scores: { trust: 3 }'));
  const rebuilt = buildSite({ root: changed });
  temps.push(rebuilt);
  const server2 = await serve(rebuilt, '/sub/');
  const old = await open(server2.base + 'assessments/pulse/' + link.slice(link.indexOf('#')));
  const r = root(old.page);
  assert.equal(await view(old.page), 'notice');
  assert.match(await r.textContent(), /This link was made for an earlier version of this assessment/);
  assert.equal(await r.locator('.wm-result__title').count(), 0, 'no result is shown');
  await r.getByRole('button', { name: 'Start again' }).click();
  assert.equal(await view(old.page), 'question');
  assert.ok(!old.page.url().includes('#'), 'the old link is gone from the address bar');
  assert.deepEqual(old.errors, []);
  await old.context.close();
  await server2.close();
});

test('progress is kept in localStorage until "Clear my answers"', async () => {
  const { context, page, errors } = await open(server.base + WP);
  const r = root(page);
  await r.locator('[data-wm-start]').click();
  await answer(page, GO_NOW);
  await answer(page, GO_NOW);
  await page.reload();
  assert.equal(await view(page), 'question');
  assert.equal(await r.locator('[data-wm-question]:visible').getAttribute('data-wm-question'), 'benefits');
  assert.match(await r.locator('[data-wm-progress-text]').textContent(), /^Question 3 of /);
  const keys = await page.evaluate(() => Object.keys(localStorage));
  assert.equal(keys.length, 1);
  assert.match(keys[0], /^waymark:which-playbook:[0-9a-f]{8}$/);
  await r.getByRole('button', { name: 'Clear my answers' }).click();
  assert.equal(await view(page), 'start');
  assert.match(await r.locator('.wm-flash').textContent(), /cleared/);
  assert.deepEqual(await page.evaluate(() => Object.keys(localStorage)), []);
  await page.reload();
  assert.equal(await view(page), 'start');
  await r.locator('[data-wm-start]').click();
  assert.ok(!(await r.locator('input[value="one-initiative"]').isChecked()), 'no answer survives');
  assert.deepEqual(errors, []);
  await context.close();
});

test('all on one page: skip logic, every error at once, straight to the result', async () => {
  const { context, page, errors } = await open(fxServer.base + 'assessments/quiz/');
  const r = root(page);
  assert.equal(await view(page), 'form');
  assert.equal(await r.locator('[data-wm-question]:visible').count(), 3);
  await r.locator('[data-wm-continue]').click();
  const links = await r.locator('[data-wm-errors] a').allTextContents();
  // The author's `error:` text, and the default built from the question.
  assert.deepEqual(links, ['Select how long you have done this', 'Select a number from 1 to 4 for “I could explain it to a colleague”']);
  assert.match(await r.locator('#wm-quiz__years .wm-error-message').textContent(), /Error:\s+Select how long you have done this/);
  assert.match(await page.title(), /^Error: /);
  // An answer that ends the assessment hides the questions after it.
  await r.locator('input[value="new"]').check();
  assert.equal(await r.locator('[data-wm-question]:visible').count(), 1);
  await r.locator('[data-wm-continue]').click();
  assert.equal(await view(page), 'result', 'check_answers: false goes straight to the result');
  assert.equal((await r.locator('.wm-result__title').textContent()).trim(), 'Welcome aboard');
  assert.match(await r.locator('.wm-why').textContent(), /leads straight to this result/);
  assert.deepEqual(errors, []);
  await context.close();
});

test('the decision tree runs in the browser too', async () => {
  const { context, page, errors } = await open(fxServer.base + 'assessments/tree/');
  await complete(page, { urgent: 'yes', skills: 'no' });
  assert.equal((await root(page).locator('.wm-result__title').textContent()).trim(), 'Buy it in');
  assert.deepEqual(errors, []);
  await context.close();
});

test('without JavaScript a decision tree is answered by following links', async () => {
  const { context, page } = await open(fxServer.base + 'assessments/tree/', { javaScriptEnabled: false });
  await page.getByRole('link', { name: 'Start now' }).click();
  assert.match(page.url(), /\/assessments\/tree\/q\/urgent\/$/);
  assert.equal(await page.locator('h1').textContent(), 'Is it urgent?');
  await page.getByRole('link', { name: 'Yes' }).click();
  assert.match(page.url(), /\/q\/skills\/$/);
  await page.getByRole('link', { name: 'No' }).click();
  assert.match(page.url(), /\/assessments\/tree\/result\/outsource\/$/);
  assert.equal(await page.locator('h1').textContent(), 'Buy it in');
  assert.match(await page.locator('.cta').textContent(), /Talk it through/);
  await page.getByRole('link', { name: 'Start again' }).click();
  assert.match(page.url(), /\/q\/urgent\/$/);
  await context.close();
});

test('without JavaScript a scored assessment shows the self-scoring worksheet', async () => {
  const { context, page } = await open(server.base + WP, { javaScriptEnabled: false });
  const sheet = page.locator('.wm-sheet');
  assert.ok(await sheet.isVisible());
  assert.ok(await page.locator('form.wm-form').isHidden());
  const text = await sheet.textContent();
  assert.match(text, /Score it yourself/);
  assert.match(text, /100 × \(your points − lowest\) ÷ \(highest − lowest\)/);
  assert.match(text, /Answer this only if you chose “Vendor claims, analyst reports or conference talks” or “A strong conviction among our leaders” in question 5/);
  assert.match(text, /Stop here and work out your result/);
  assert.match(text, /When Time to results is 50% or less and What you know is above 50%/);
  assert.match(text, /When none of the rules above is met/);
  assert.ok(await page.locator('.wm-sheet .wm-sheet__table').count() >= 8);
  // The site's generic call to action shows; the outcomes' own (the site's
  // assessments give every outcome one) wait for a result.
  const ctas = page.locator('.cta:visible');
  assert.equal(await ctas.count(), 1, 'one call to action is there');
  assert.match(await ctas.getAttribute('aria-labelledby'), /__cta$/);
  await context.close();

  // With JavaScript, the worksheet gives way to the questions.
  const js = await open(server.base + WP);
  assert.ok(await js.page.locator('.wm-sheet').isHidden());
  await js.context.close();
});

test('embedded assessments work inside a Markdown page, each on its own', async () => {
  const html = readFileSync(join(fxSite, 'guide/index.html'), 'utf8');
  assert.match(html, /<script defer src="\.\.\/js\/assessment\.[0-9a-f]+\.js">/);
  const plain = readFileSync(join(fxSite, 'plain/index.html'), 'utf8');
  assert.ok(!plain.includes('assessment.'), 'a page without an assessment loads no assessment script or CSS');

  const { context, page, errors } = await open(fxServer.base + 'guide/');
  const ids = await page.locator('[data-wm-assessment]').evaluateAll((els) => els.map((e) => e.id));
  assert.deepEqual(ids, ['wm-pulse-1', 'wm-tree-2', 'wm-pulse-3']);
  assert.equal(await page.locator('[data-wm-assessment] h2.wm-title').count(), 3, 'the embed title is below the page title');
  const title = await page.title();
  await complete(page, { 'speak-up': 'rarely', 'why-not': ['blame'], priorities: '2' }, 2);
  assert.equal(await view(page, 0), 'start', 'the other copy is untouched');
  assert.equal((await root(page, 2).locator('.wm-result__title').textContent()).trim(), 'Rebuild trust first');
  assert.equal(await page.title(), title, 'an embed leaves the page title alone');
  // Links from the assessment's Markdown work from the page it is embedded in.
  const href = await root(page, 2).locator('.wm-result__next a').evaluate((a) => a.href);
  assert.equal(href, fxServer.base + 'guide/#build-buy-or-wait');
  assert.deepEqual(errors, []);
  await context.close();
});

/** Pages of the page printed to an A4 PDF by Chromium. */
async function pdfPages(page) {
  await page.emulateMedia({ media: 'print' });
  const pdf = await page.pdf({ format: 'A4' });
  return (pdf.toString('latin1').match(/\/Type\s*\/Page[^s]/g) || []).length;
}

test('the print view is a one-page summary without navigation or buttons', async () => {
  const { context, page } = await open(server.base + WP);
  await complete(page, GO_NOW);
  await page.emulateMedia({ media: 'print' });
  for (const sel of ['.site-nav', '.wm-share', '.wm-back', '.wm-why']) {
    assert.ok(await page.locator(sel).first().isHidden(), `${sel} is hidden in print`);
  }
  assert.equal(await pdfPages(page), 1, 'the printed result takes one page');
  await context.close();
  // Seven areas, each with advice, and ten answers: still one A4 page.
  const seven = await open(fxServer.base + 'assessments/areas/');
  await complete(seven.page, Object.fromEntries([...Array(10).keys()].map((k) => [`q${k}`, 'b'])));
  assert.equal(await seven.page.locator('.wm-area').count(), 7);
  assert.equal(await pdfPages(seven.page), 1, 'a seven-area result prints on one page');
  await seven.context.close();
  // The worksheet (without JavaScript) prints in a few pages, not six.
  const sheet = await open(fxServer.base + 'assessments/areas/', { javaScriptEnabled: false });
  const pages = await pdfPages(sheet.page);
  assert.ok(pages <= 3, `the worksheet prints on ${pages} pages`);
  await sheet.context.close();
});

test('the fixture site passes the Nu HTML Checker', () => {
  assert.ok(htmlFiles(fxSite).length > 3);
  assert.equal(vnuErrors(fxSite), '');
});

for (const scheme of ['light', 'dark']) {
  test(`axe-core finds no violation on the question, error, review and result views (${scheme})`, async () => {
    const problems = [];
    const check = async (page, what) => {
      for (const v of await axe(page)) problems.push(`${what}: ${v.id} (${v.help}) at ${v.nodes.join(', ')}`);
    };
    const cases = [
      [server.base + WP, 0, GO_NOW],
      [server.base + 'assessments/ai-readiness/', 0, null],
      [fxServer.base + 'assessments/quiz/', 0, { years: 'long', confidence: '3', extras: ['wrote'] }],
      [fxServer.base + 'guide/', 1, { urgent: 'no', budget: 'yes' }],
      [fxServer.base + 'assessments/habits/', 0, { habits: ['none'], size: 'small' }],
      [fxServer.base + 'assessments/grid/', 0, { pace: 'p2', proof: 'f2' }],
    ];
    for (const [url, n, answers] of cases) {
      const { context, page } = await open(url, { colorScheme: scheme });
      const r = root(page, n);
      const name = url.replace(/^.*\/sub\//, '');
      const start = r.locator('[data-wm-start]:visible');
      if (await start.count()) await start.click();
      await r.locator('[data-wm-continue]:visible').click();
      await check(page, `${name} error`);
      for (let i = 0; i < 30; i++) {
        const v = await view(page, n);
        if (v === 'question' || v === 'form') {
          if (i === 1) await check(page, `${name} question`);
          if (answers) await answer(page, answers, n);
          else {
            // The last option of every shown question.
            for (const q of await r.locator('[data-wm-question]:visible').all()) await q.locator('input').last().check();
            await r.locator('[data-wm-continue]:visible').click();
          }
        } else if (v === 'review') {
          await check(page, `${name} review`);
          await r.getByRole('button', { name: 'See your result' }).click();
        } else break;
      }
      for (const d of await r.locator('details').all()) await d.locator('summary').click();
      await check(page, `${name} result`);
      await context.close();
    }
    // Pages as a visitor without JavaScript sees them: the script is
    // blocked (axe itself needs JavaScript to run).
    const noScript = async (url) => {
      const { context, page } = await open(null, { colorScheme: scheme });
      await page.route(/\/js\/assessment\.[0-9a-f]+\.js$/, (route) => route.abort());
      await page.goto(url);
      return { context, page };
    };
    // A shared result, as someone who opens the link sees it.
    {
      const h = (await (await fetch(fxServer.base + 'assessments/pulse/')).text()).match(/"hash":"([0-9a-f]{8})"/)[1];
      const { context, page } = await open(fxServer.base + `assessments/pulse/#pulse=${h}&speak-up=always&priorities=4`, { colorScheme: scheme });
      await waitView(page, 'result');
      assert.equal(await root(page).locator('.wm-shared').count(), 1);
      await check(page, 'shared result');
      await context.close();
    }
    for (const url of [fxServer.base + 'assessments/tree/q/urgent/', fxServer.base + 'assessments/tree/result/wait/', server.base + WP, fxServer.base + 'assessments/habits/']) {
      const { context, page } = await noScript(url);
      await check(page, `${url.replace(/^.*\/sub\//, '')} without JavaScript`);
      await context.close();
    }
    assert.deepEqual(problems, []);
  });
}

test('an exclusive "None of these" clears the other boxes and the reverse, and says so', async () => {
  const { context, page, errors } = await open(fxServer.base + 'assessments/habits/');
  const r = root(page);
  await r.locator('[data-wm-start]').click();
  assert.equal((await r.locator('.wm-options__divider:visible').textContent()).trim(), 'or');
  const box = (v) => r.locator(`input[value="${v}"]`);
  await box('retro').check();
  await box('demo').check();
  await page.keyboard.press('Tab'); // keyboard: focus moves on to the next box
  await box('none').focus();
  await page.keyboard.press('Space');
  assert.ok(await box('none').isChecked());
  assert.ok(!(await box('retro').isChecked()) && !(await box('demo').isChecked()), 'the others are cleared');
  await page.waitForFunction(() => document.querySelector('[data-wm-status]').textContent.includes('Unselected'));
  assert.equal(await r.locator('[data-wm-status]').textContent(), 'Unselected “Retrospectives” and “Demos”.');
  await box('pairing').check();
  assert.ok(!(await box('none').isChecked()), 'ticking another clears "None of these"');
  await page.waitForFunction(() => document.querySelector('[data-wm-status]').textContent.includes('None'));
  assert.equal(await r.locator('[data-wm-status]').textContent(), 'Unselected “None of these”.');
  await box('none').check();
  await r.locator('[data-wm-continue]').click();
  await answer(page, { size: 'small' });
  await r.getByRole('button', { name: 'See your result' }).click();
  assert.equal((await r.locator('.wm-result__title').textContent()).trim(), 'Starting out');
  assert.match((await r.locator('.wm-area__score').textContent()), /None yet\s*0%/);
  // A hand-made link that ticks "None of these" with another box is not an answer.
  const mixed = await open(fxServer.base + 'assessments/habits/#habits=' + (await page.url()).split('#habits=')[1].replace('habits=none', 'habits=none,retro'));
  assert.notEqual(await view(mixed.page), 'result');
  await mixed.context.close();
  assert.deepEqual(errors, []);
  await context.close();
});

test('an outcome with its own call to action shows it instead of the site one', async () => {
  const { context, page, errors } = await open(fxServer.base + 'assessments/habits/');
  const r = root(page);
  assert.ok(await r.locator('.wm-cta').isHidden(), 'no call to action before the result');
  await complete(page, { habits: ['none'], size: 'small' });
  const shown = r.locator('.wm-cta .cta:visible');
  assert.equal(await shown.count(), 1, 'exactly one call to action');
  assert.equal((await shown.locator('h2').textContent()).trim(), 'Run your first retrospective with us');
  assert.equal(await shown.locator('a.button').getAttribute('href'), '../../guide/#build-buy-or-wait');
  // Another outcome: the site's wording, the booking link carries the outcome.
  await r.getByRole('link', { name: 'Back' }).click();
  await r.getByRole('link', { name: /Change your answer to: Which of these/ }).click();
  await r.locator('input[value="retro"]').check();
  await r.locator('input[value="demo"]').check();
  await r.locator('[data-wm-continue]').click();
  await r.getByRole('button', { name: 'See your result' }).click();
  assert.equal((await r.locator('.wm-result__title').textContent()).trim(), 'Strong habits');
  assert.equal(await shown.count(), 1);
  assert.equal((await shown.locator('h2').textContent()).trim(), 'Talk it through');
  assert.equal(await shown.locator('a.button').getAttribute('href'), 'https://example.org/book?topic=strong');
  assert.deepEqual(errors, []);
  await context.close();
});

/** Answers every shown question of instance `n` with its last option, to the result. */
async function completeWithLast(page, n = 0) {
  const r = root(page, n);
  const start = r.locator('[data-wm-start]:visible');
  if (await start.count()) await start.click();
  for (let i = 0; i < 40; i++) {
    const v = await view(page, n);
    if (v === 'question' || v === 'form') {
      for (const q of await r.locator('[data-wm-question]:visible').all()) await q.locator('input').last().check();
      await r.locator('[data-wm-continue]:visible').click();
    } else if (v === 'review') await r.getByRole('button', { name: 'See your result' }).click();
    else break;
  }
  assert.equal(await view(page, n), 'result');
}

const SITE_ASSESSMENTS = ['which-playbook', 'ai-readiness', 'execution-gap', 'seam-spotter'];

test('assessment pages do not shift as the script starts (CLS under 0.1)', async () => {
  for (const id of SITE_ASSESSMENTS) {
    const { context, page } = await open(null, { viewport: { width: 1350, height: 940 } });
    await page.addInitScript(() => {
      window.__cls = 0;
      new PerformanceObserver((l) => { for (const e of l.getEntries()) if (!e.hadRecentInput) window.__cls += e.value; })
        .observe({ type: 'layout-shift', buffered: true });
    });
    await page.goto(server.base + `assessments/${id}/`, { waitUntil: 'load' });
    await page.waitForTimeout(300);
    const cls = await page.evaluate(() => window.__cls);
    assert.ok(cls < 0.1, `${id}: CLS ${cls}`);
    assert.equal(await view(page), 'start');
    assert.ok(await page.locator('.wm-sheet').isHidden());
    await context.close();
  }
  // If the script cannot load, the worksheet comes back.
  const { context, page } = await open(null);
  await page.route(/\/js\/assessment\.[0-9a-f]+\.js$/, (route) => route.abort());
  await page.goto(server.base + WP, { waitUntil: 'load' });
  await page.waitForFunction(() => !document.documentElement.classList.contains('wm-js'));
  assert.ok(await page.locator('.wm-sheet').isVisible(), 'the worksheet shows when the script is missing');
  await context.close();
});

test('no horizontal overflow at 320 px, with and without JavaScript', async () => {
  const width = (page) => page.evaluate(() => document.documentElement.scrollWidth);
  for (const id of SITE_ASSESSMENTS) {
    const url = server.base + `assessments/${id}/`;
    const plain = await open(url, { viewport: { width: 320, height: 640 }, javaScriptEnabled: false });
    assert.ok(await plain.page.locator('.wm-sheet').isVisible());
    assert.ok(await width(plain.page) <= 320, `${id} without JavaScript: ${await width(plain.page)} px`);
    await plain.context.close();
    const { context, page } = await open(url, { viewport: { width: 320, height: 640 } });
    assert.ok(await width(page) <= 320, `${id} start: ${await width(page)} px`);
    await root(page).locator('[data-wm-start]').click();
    assert.ok(await width(page) <= 320, `${id} question: ${await width(page)} px`);
    await completeWithLast(page);
    for (const d of await root(page).locator('details').all()) await d.locator('summary').click();
    assert.ok(await width(page) <= 320, `${id} result: ${await width(page)} px`);
    await context.close();
  }
});

test('results show whole percents, band pills that differ by more than colour, and a "You" point off the boundaries', async () => {
  const { context, page, errors } = await open(server.base + WP);
  await complete(page, { ...GO_NOW, 'evidence-base': 'comparable', patience: '4' });
  const r = root(page);
  for (const p of await r.locator('.wm-area__percent').allTextContents()) assert.match(p, /^\d+%$/);
  assert.match(await r.locator('.wm-chart table').textContent(), /\d%/);
  assert.doesNotMatch(await r.locator('.wm-result').textContent(), /\d\.\d+%/, 'no fractional percent anywhere');
  const pills = await r.locator('.wm-band[data-band]').evaluateAll((els) => els.map((e) => ({
    band: e.getAttribute('data-band'), on: e.querySelectorAll('.wm-band__mark.is-on').length, cls: e.className,
  })));
  assert.ok(pills.length >= 2);
  for (const p of pills) assert.equal(p.on, Number(p.band.split('/')[0]), `marks show the band's place: ${JSON.stringify(p)}`);
  await context.close();

  // Points exactly on a split (50%), at quadrant centres (where the names
  // used to be) and in the corners: the point never touches a split line
  // and never covers a quadrant's name.
  for (const [pace, proof] of [[2, 2], [1, 3], [3, 1], [1, 1], [3, 3], [0, 4], [4, 0], [2, 4], [4, 2]]) {
    const o = await open(fxServer.base + 'assessments/grid/');
    await complete(o.page, { pace: `p${pace}`, proof: `f${proof}` });
    const geo = await o.page.evaluate(() => {
      const svg = document.querySelector('.wm-matrix');
      const you = svg.querySelector('.wm-matrix__you').getBBox();
      const labels = [...svg.querySelectorAll('.wm-matrix__label')].map((t) => { const b = t.getBBox(); return { x: b.x, y: b.y, width: b.width, height: b.height, text: t.textContent }; });
      const rects = [...svg.querySelectorAll('.wm-matrix__q rect')].map((t) => t.getBBox());
      const result = document.querySelector('.wm-matrix__q.is-result rect').getBBox();
      return { you: { x: you.x, y: you.y, width: you.width, height: you.height }, labels, splitX: rects[1].x - 2, splitY: rects[2].y - 2, result: { x: result.x, y: result.y, width: result.width, height: result.height } };
    });
    const where = `pace ${pace * 25}%, proof ${proof * 25}%`;
    const dot = await o.page.evaluate(() => { const b = document.querySelector('.wm-matrix__you circle').getBBox(); return { x: b.x + b.width / 2, y: b.y + b.height / 2 }; });
    const cx = dot.x, cy = dot.y;
    assert.ok(Math.abs(cx - geo.splitX) >= 12 && Math.abs(cy - geo.splitY) >= 12, `${where}: the point is on a split: ${cx},${cy}`);
    const q = geo.result;
    assert.ok(cx > q.x && cx < q.x + q.width && cy > q.y && cy < q.y + q.height, `${where}: the point is in its result's quadrant`);
    for (const l of geo.labels) {
      const overlap = geo.you.x < l.x + l.width && l.x < geo.you.x + geo.you.width && geo.you.y < l.y + l.height && l.y < geo.you.y + geo.you.height;
      assert.ok(!overlap, `${where}: the point covers "${l.text}"`);
    }
    assert.deepEqual(o.errors, []);
    await o.context.close();
  }
  assert.deepEqual(errors, []);
});

test('the site\'s assessment pages pass the current Nu HTML Checker', () => {
  const version = JSON.parse(readFileSync(join(repo, 'node_modules/vnu-jar/package.json'), 'utf8')).version;
  assert.ok(Number(version.split('.')[0]) >= 26, `vnu-jar ${version}`);
  const dir = join(site, 'assessments');
  assert.equal(vnuErrors(dir), '');
});

/** Waits until instance `n` shows view `v`. */
const waitView = (page, v, n = 0) => page.waitForFunction(([v, n]) =>
  document.querySelectorAll('[data-wm-assessment]')[n].getAttribute('data-wm-view') === v, [v, n]);
const shownQuestion = (page, n = 0) => root(page, n).locator('[data-wm-question]:visible').getAttribute('data-wm-question');

test('each step is a browser history entry: Back and Forward move between steps, keeping answers, focus and title', async () => {
  const { context, page, errors } = await open(server.base + WP);
  const r = root(page);
  const base = await page.title();
  await r.locator('[data-wm-start]').click();
  await answer(page, GO_NOW);
  await answer(page, GO_NOW);
  assert.equal(await shownQuestion(page), 'benefits');
  await page.goBack();
  await page.waitForFunction(() => document.querySelector('[data-wm-question="payback"]:not([hidden])'));
  assert.ok(await r.locator('input[value="next-quarters"]').isChecked(), 'the answer is kept');
  assert.match((await active(page)).text, /When does this investment/, 'focus on the question, as with the Back link');
  assert.match(await page.title(), /^When does this investment/);
  await page.goBack();
  assert.equal(await shownQuestion(page), 'initiative');
  await page.goBack();
  await waitView(page, 'start');
  assert.equal(await page.title(), base);
  assert.equal(page.url(), server.base + WP, 'still on the assessment');
  await page.goForward();
  await waitView(page, 'question');
  assert.equal(await shownQuestion(page), 'initiative');
  await page.goForward();
  await page.goForward();
  assert.equal(await shownQuestion(page), 'benefits');
  await complete(page, GO_NOW);
  assert.ok(page.url().includes('#which-playbook='));
  await page.goBack();
  await waitView(page, 'review');
  assert.ok(!page.url().includes('#'), 'the review has no answers in the address');
  assert.equal((await active(page)).text, 'Check your answers');
  await page.goForward();
  await waitView(page, 'result');
  assert.ok(page.url().includes('#which-playbook='));
  assert.match(await page.title(), /^Your result · /);
  assert.equal((await active(page)).text, 'Go NOW!');
  // Saved progress still works: a reload shows the result.
  await page.reload();
  assert.equal(await view(page), 'result');
  assert.deepEqual(errors, []);
  await context.close();
});

test('history, share links and saved progress also work opened from disk (file://)', async () => {
  const out = buildSite({ root: fixture, args: ['--portable'] });
  temps.push(out);
  const url = 'file://' + join(out, 'assessments/pulse/index.html');
  const { context, page, errors } = await open(url);
  const r = root(page);
  await r.locator('[data-wm-start]').click();
  await answer(page, { 'speak-up': 'always' });
  assert.equal(await shownQuestion(page), 'priorities');
  await page.goBack();
  await page.waitForFunction(() => document.querySelector('[data-wm-question="speak-up"]:not([hidden])'));
  await page.goForward();
  await page.waitForFunction(() => document.querySelector('[data-wm-question="priorities"]:not([hidden])'));
  await complete(page, { 'speak-up': 'always', priorities: '5', notes: ['retro'] });
  const link = await r.locator('.wm-share__input').inputValue();
  assert.ok(link.startsWith('file://') && link.includes('/assessments/pulse/result/thriving/index.html#pulse='), link);
  const other = await context.newPage();
  await other.goto(link);
  await other.waitForURL(/\/assessments\/pulse\/index\.html#pulse=/);
  await waitView(other, 'result');
  assert.equal((await root(other).locator('.wm-result__title').textContent()).trim(), 'A thriving team');
  assert.deepEqual(errors, []);
  await context.close();
});

test('a shared link is shown as shared and never overwrites the visitor\'s own saved answers', async () => {
  // Someone else's result.
  const them = await open(fxServer.base + 'assessments/pulse/');
  await complete(them.page, { 'speak-up': 'rarely', 'why-not': ['blame'], priorities: '2' });
  const theirs = await root(them.page).locator('.wm-share__input').inputValue();
  await them.context.close();

  const { context, page, errors } = await open(fxServer.base + 'assessments/pulse/');
  const r = root(page);
  await complete(page, { 'speak-up': 'always', priorities: '5', notes: ['retro'] });
  const mine = await r.locator('.wm-share__input').inputValue();
  const saved = () => page.evaluate(() => JSON.stringify(Object.entries(localStorage).map(([k, v]) => [k, JSON.parse(v).answers])));
  const before = await saved();
  await page.goto(theirs);
  await page.waitForURL(/\/assessments\/pulse\/#pulse=/);
  await waitView(page, 'result');
  assert.equal((await r.locator('.wm-result__title').textContent()).trim(), 'Rebuild trust first');
  assert.equal((await r.locator('.wm-shared h2').textContent()).trim(), 'You are viewing answers someone shared');
  assert.match(await page.title(), /^Shared result · /);
  assert.ok(await r.locator('[data-wm-back]').isHidden(), 'no Back into someone else\'s answers');
  assert.equal(await r.getByRole('button', { name: 'Clear my answers' }).count(), 0);
  assert.equal(await saved(), before, 'saved progress is untouched');
  for (const v of await axe(page)) assert.fail(`axe: ${v.id} at ${v.nodes}`);
  await r.getByRole('button', { name: 'Back to my own answers' }).click();
  await waitView(page, 'result');
  assert.equal((await r.locator('.wm-result__title').textContent()).trim(), 'A thriving team');
  assert.equal(await r.locator('.wm-shared').count(), 0);
  assert.equal(await saved(), before);
  // Browser Back returns to the shared view, still without saving it.
  await page.goBack();
  await page.waitForFunction(() => document.querySelector('.wm-shared'));
  assert.equal(await saved(), before);
  // Choosing to keep them is the only way they replace one's own.
  await r.getByRole('button', { name: 'Keep these answers as mine' }).click();
  assert.equal(await r.locator('.wm-shared').count(), 0);
  const kept = JSON.parse(await page.evaluate(() => Object.values(localStorage)[0]));
  assert.deepEqual(kept.answers['why-not'], ['blame']);
  // One's own link is not "shared" (those answers are now the saved ones).
  await page.goto(theirs);
  await page.waitForURL(/\/assessments\/pulse\/#pulse=/);
  await waitView(page, 'result');
  assert.equal(await r.locator('.wm-shared').count(), 0);
  const fresh = await open(mine);
  await waitView(fresh.page, 'result');
  assert.equal(await root(fresh.page).locator('.wm-shared').count(), 1, 'in a fresh browser it is someone else\'s');
  await fresh.context.close();
  assert.deepEqual(errors, []);
  await context.close();
});

test('a decision tree says "of up to N": the longest route left, not every question', async () => {
  const { context, page, errors } = await open(fxServer.base + 'assessments/tree/');
  const r = root(page);
  await r.locator('[data-wm-start]').click();
  const progress = () => r.locator('[data-wm-progress-text]').textContent();
  // Three questions, but no route asks more than two.
  assert.equal(await progress(), 'Question 1 of up to 2');
  await answer(page, { urgent: 'yes' });
  assert.equal(await progress(), 'Question 2 of 2');
  assert.deepEqual(errors, []);
  await context.close();
  const plain = await open(fxServer.base + 'assessments/tree/q/urgent/', { javaScriptEnabled: false });
  assert.match(await plain.page.locator('.wm-progress').textContent(), /Question 1 of up to 2$/);
  await plain.context.close();
  // Without branching the count is exact.
  const pulse = await open(fxServer.base + 'assessments/habits/');
  await root(pulse.page).locator('[data-wm-start]').click();
  assert.equal(await root(pulse.page).locator('[data-wm-progress-text]').textContent(), 'Question 1 of 2');
  await pulse.context.close();
});

test('two embeds of one assessment keep their own saved answers', async () => {
  const { context, page, errors } = await open(fxServer.base + 'guide/');
  await root(page, 0).locator('[data-wm-start]').click();
  await answer(page, { 'speak-up': 'always' }, 0);
  await root(page, 2).locator('[data-wm-start]').click();
  await answer(page, { 'speak-up': 'rarely' }, 2);
  assert.equal(await shownQuestion(page, 2), 'why-not');
  await page.reload();
  assert.equal(await shownQuestion(page, 0), 'priorities');
  assert.equal(await shownQuestion(page, 2), 'why-not');
  assert.ok(await root(page, 0).locator('input[value="always"]').isChecked());
  assert.ok(await root(page, 2).locator('input[value="rarely"]').isChecked());
  const keys = (await page.evaluate(() => Object.keys(localStorage))).sort();
  assert.equal(keys.length, 2, keys.join(' '));
  assert.ok(keys.every((k) => /^waymark:pulse:[0-9a-f]{8}:\/sub\/guide\/#wm-pulse-[13]$/.test(k)), keys.join(' '));
  // The assessment's own page has its own progress.
  const own = await context.newPage();
  await own.goto(fxServer.base + 'assessments/pulse/');
  assert.equal(await view(own), 'start');
  // Back on the guide steps through one embed without touching the other.
  await page.goBack();
  await page.waitForFunction(() => document.querySelector('#wm-pulse-3 [data-wm-question="speak-up"]:not([hidden])'));
  assert.equal(await shownQuestion(page, 0), 'priorities');
  assert.deepEqual(errors, []);
  await context.close();
});

test('questions revealed or hidden by skip logic are announced in the live region', async () => {
  const { context, page, errors } = await open(fxServer.base + 'assessments/quiz/');
  const r = root(page);
  const status = r.locator('[data-wm-status]');
  await r.locator('input[value="taught"]').check();
  await page.waitForFunction(() => document.querySelector('[data-wm-status]').textContent !== '');
  assert.equal(await status.textContent(), '1 more question: “Where did you teach it?”.');
  assert.ok(await r.locator('[data-wm-question="where"]').isVisible());
  assert.equal(await status.getAttribute('role'), 'status');
  await r.locator('input[value="taught"]').uncheck();
  await page.waitForFunction(() => document.querySelector('[data-wm-status]').textContent.includes('no longer'));
  assert.equal(await status.textContent(), '1 question no longer applies: “Where did you teach it?”.');
  assert.deepEqual(errors, []);
  await context.close();
});

test('"Copy a summary" copies the outcome, areas, next steps and link as plain text', async () => {
  const { context, page, errors } = await open(null, { permissions: ['clipboard-read', 'clipboard-write'] });
  await page.goto(fxServer.base + 'assessments/pulse/');
  await complete(page, { 'speak-up': 'always', priorities: '5', notes: ['retro'] });
  const r = root(page);
  await r.getByRole('button', { name: 'Copy a summary' }).click();
  await page.waitForFunction(() => document.querySelector('[data-wm-status]').textContent === 'Summary copied.');
  const text = await page.evaluate(() => navigator.clipboard.readText());
  const link = await r.locator('.wm-share__input').inputValue();
  assert.equal(text, [
    'Team pulse check: A thriving team',
    '',
    'Trust and focus are both in good shape. Keep what works.',
    '',
    'Results by area:',
    '- Trust: 100% (Solid)',
    '- Focus: 80% (Focused)',
    '',
    'Next steps:',
    `- Read more: A thriving team: ${fxServer.base}guide/`,
    '- Talk it through: https://example.org/book?topic=thriving',
    '',
    `Link to this result: ${link}`,
  ].join('\n'));
  assert.ok(!/<|&amp;/.test(text), 'plain text, no markup');
  assert.deepEqual(errors, []);
  await context.close();
});

test('outcome pages stand alone without JavaScript and pass axe in light and dark', async () => {
  for (const scheme of ['light', 'dark']) {
    const { context, page } = await open(null, { colorScheme: scheme });
    await page.route(/\/js\/assessment\.[0-9a-f]+\.js$/, (route) => route.abort());
    await page.goto(fxServer.base + 'assessments/pulse/result/rebuild/#pulse=00000000&speak-up=rarely');
    assert.equal((await page.locator('h1').textContent()).trim(), 'Rebuild trust first');
    assert.match(await page.title(), /^Rebuild trust first · Team pulse check/);
    assert.ok(await page.getByRole('link', { name: 'Take the assessment: Team pulse check' }).isVisible());
    for (const v of await axe(page)) assert.fail(`axe (${scheme}): ${v.id} at ${v.nodes}`);
    await context.close();
  }
  // With JavaScript but no answers in the address, the page stays.
  const { context, page, errors } = await open(fxServer.base + 'assessments/pulse/result/rebuild/');
  await page.waitForTimeout(200);
  assert.match(page.url(), /\/result\/rebuild\/$/);
  assert.deepEqual(errors, []);
  await context.close();
});

test('all on one page, Back from the result returns to the filled-in form', async () => {
  const { context, page, errors } = await open(fxServer.base + 'assessments/quiz/');
  const r = root(page);
  await r.locator('input[value="long"]').check();
  await r.locator('input[value="3"]').check();
  await r.locator('[data-wm-continue]').click();
  await waitView(page, 'result');
  await page.goBack();
  await waitView(page, 'form');
  assert.ok(await r.locator('input[value="long"]').isChecked() && await r.locator('input[value="3"]').isChecked());
  await page.goForward();
  await waitView(page, 'result');
  assert.equal((await r.locator('.wm-result__title').textContent()).trim(), 'You know your stuff');
  assert.deepEqual(errors, []);
  await context.close();
});
