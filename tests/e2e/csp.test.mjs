// The built site under a strict Content-Security-Policy: the page ships the policy itself (a <meta> element), the
// policy is in force, and loading, scrolling through every figure, playing with controls and switching themes
// causes no violation, while the pre-rendered formulas keep their layout (fractions, superscripts, roots and
// matrices measured, not just present).

import assert from "node:assert/strict";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { launchBrowser } from "../../scripts/browser.mjs";
import { renderMath } from "../../scripts/build.mjs";
import { ROOT } from "../../scripts/lib.mjs";
import { startServer } from "../../scripts/serve.mjs";
import { RESULTS, frames, openPage, panelIds, setUp, showFigure } from "./helpers.mjs";

/** The policy of issue 17, which the page must ship and satisfy. */
const POLICY =
  "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; img-src 'self' data: blob:; font-src 'self'";

let env;

before(async () => {
  env = await setUp();
});

after(async () => {
  await env?.close();
});

/**
 * Records every CSP violation of a page from before its first byte is parsed: `securitypolicyviolation` events
 * (collected by an init script, which runs before the document's own content) and console messages naming the
 * policy.
 */
async function watchViolations(context, page) {
  await context.addInitScript(() => {
    window.__csp = [];
    document.addEventListener("securitypolicyviolation", (e) =>
      window.__csp.push(`${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber} ${e.sample}`),
    );
  });
  const console = [];
  page.on("console", (msg) => {
    if (/Content Security Policy/i.test(msg.text())) console.push(msg.text().slice(0, 200));
  });
  return async () => [...(await page.evaluate(() => window.__csp)), ...console];
}

/** The layout of the formulas on a page: geometry that collapses when KaTeX's positioning styles are lost. */
function formulaGeometry(page) {
  return page.evaluate(() => {
    const box = (e) => e.getBoundingClientRect();
    // Each row of a KaTeX vlist is a strut (.pstrut, several em tall) followed by the row's content.
    const content = (row) => box(row.lastElementChild ?? row);
    const em = (e) => parseFloat(getComputedStyle(e).fontSize);
    // A fraction's vlist holds its denominator, its rule and its numerator, bottom to top. Text boxes include
    // line spacing, so small fractions' boxes touch the rule; their centres are compared, with a margin.
    const mid = (r) => (r.top + r.bottom) / 2;
    const fractions = [...document.querySelectorAll(".katex-html .mfrac")].map((f) => {
      const rows = [...f.querySelectorAll(":scope > .vlist-t > .vlist-r:first-child > .vlist > span")];
      const num = content(rows[rows.length - 1]);
      const den = content(rows[0]);
      const line = f.querySelector(".frac-line");
      const gap = 0.15 * em(f);
      return {
        numAboveDen: mid(num) < mid(den) - 2 * gap,
        lineBetween: line ? mid(num) < mid(box(line)) - gap && mid(box(line)) < mid(den) - gap : false,
        heightEm: (den.bottom - num.top) / em(f),
      };
    });
    // A superscript sits above the middle of its base.
    const superscripts = [...document.querySelectorAll(".katex-html .msupsub")]
      .filter((s) => s.previousElementSibling && !s.querySelector(".vlist-t2"))
      .map((s) => {
        const base = box(s.previousElementSibling);
        const sup = content(s.querySelector(".vlist > span"));
        return (sup.top + sup.bottom) / 2 < (base.top + base.bottom) / 2 - 0.1 * em(s);
      });
    // Matrix rows are stacked, not piled on one another.
    const matrices = [...document.querySelectorAll(".katex-html .mtable")].map((m) => {
      const col = m.querySelector(".col-align-c, .col-align-l, .col-align-r");
      const rows = [...col.querySelectorAll(":scope > .vlist-t > .vlist-r:first-child > .vlist > span")].map(content);
      rows.sort((a, b) => a.top - b.top);
      return rows.length >= 2 && rows.every((r, i) => i === 0 || r.top >= rows[i - 1].bottom - 1);
    });
    // Every formula has a sane size: at least half a line of its text tall, at most a few lines.
    const sizes = [...document.querySelectorAll(".katex")].map((k) => ({
      text: k.querySelector("annotation")?.textContent ?? "",
      heightEm: box(k).height / em(k),
      width: box(k).width,
    }));
    return { fractions, superscripts, matrices, sizes, styled: document.querySelectorAll("[style]").length };
  });
}

test("the page ships the strict policy in a <meta> element", async () => {
  const html = await (await fetch(env.url)).text();
  const metas = [...html.matchAll(/<meta http-equiv="Content-Security-Policy" content="([^"]*)">/g)];
  assert.equal(metas.length, 1, "exactly one CSP <meta>");
  assert.equal(metas[0][1], POLICY);
  const head = html.slice(0, html.indexOf("</head>"));
  assert.ok(head.indexOf(metas[0][0]) < head.search(/<link rel="stylesheet"|<script/), "the policy precedes what it governs");
  assert.doesNotMatch(html, /\sstyle="/, "no inline style attribute in the built page");
});

test("the built site runs under its policy with zero violations and readable formulas", async () => {
  const context = await env.browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  const violations = await watchViolations(context, page);
  const errors = [];
  page.on("pageerror", (err) => errors.push(err.message));
  page.on("console", (msg) => msg.type() === "error" && errors.push(msg.text()));
  await page.goto(env.url);
  await page.waitForFunction(() => window.__dyn?.firstFrame != null, null, { timeout: 15_000 });
  await page.evaluate(() => document.fonts.ready);

  // Every figure draws on screen; some controls are moved and the theme is switched, all under the policy.
  const ids = await panelIds(page);
  for (const id of ids) {
    await showFigure(page, id);
    const state = await page.evaluate((id) => window.__dyn.figures[id].state(), id);
    assert.equal(state.failed, false, `${id}: ${state.error}`);
    const slider = page.locator(`[data-panel="${id}"] input[type="range"]`).first();
    if (await slider.count()) {
      await slider.focus();
      await page.keyboard.press("ArrowRight");
      await frames(page, 2);
    }
  }
  await page.emulateMedia({ colorScheme: "dark" });
  await frames(page, 4);
  await page.screenshot({ path: join(RESULTS, "csp-page.png") });

  const geometry = await formulaGeometry(page);
  assert.ok(geometry.fractions.length >= 5, `fractions found: ${geometry.fractions.length}`);
  for (const [i, f] of geometry.fractions.entries()) {
    assert.ok(f.numAboveDen && f.lineBetween, `fraction ${i} collapsed: ${JSON.stringify(f)}`);
    assert.ok(f.heightEm > 1.2 && f.heightEm < 5, `fraction ${i} is ${f.heightEm.toFixed(2)} em tall`);
  }
  assert.ok(geometry.superscripts.length >= 5, `superscripts found: ${geometry.superscripts.length}`);
  assert.ok(geometry.superscripts.every(Boolean), `a superscript is not raised: ${geometry.superscripts}`);
  for (const s of geometry.sizes) {
    assert.ok(s.heightEm > 0.6 && s.heightEm < 6, `${s.text}: ${s.heightEm.toFixed(2)} em tall`);
    assert.ok(s.width > 0 && s.width < 1280, `${s.text}: ${s.width} px wide`);
  }

  assert.deepEqual(await violations(), []);
  assert.deepEqual(errors, []);

  // The policy is in force (so the zero above means something): an inline style set now is refused and seen.
  await page.evaluate(() => document.body.setAttribute("style", "outline: 3px solid red"));
  await page.waitForFunction(() => window.__csp.length > 0, null, { timeout: 5_000 });
  assert.match((await violations())[0], /style-src/);
  await context.close();
});

test("formulas with fractions, superscripts, roots and matrices keep their layout under the policy", async () => {
  // The page's own formulas have no matrix, so a fixture renders these through the same build step, served with
  // the same policy, next to the site's KaTeX stylesheet and fonts.
  const formulas = [
    String.raw`\[ \frac{a + b}{c^2} = \sqrt{\tfrac{1}{2}\, x^{2k}} \]`,
    String.raw`\[ A = \begin{pmatrix} 1 & 2 \\ 3 & 4 \\ 5 & 6 \end{pmatrix},\quad \hat\theta_t^{\,2} \]`,
    String.raw`<p>Inline \(e^{-\eta \lambda t}\) and \(\frac{\partial L}{\partial w}\).</p>`,
  ];
  const { html, css } = renderMath(formulas.join("\n"));
  const dir = join(RESULTS, "csp-fixture");
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "formulas.css"), css);
  writeFileSync(
    join(dir, "index.html"),
    `<!doctype html><html><head><meta charset="utf-8"><meta http-equiv="Content-Security-Policy" content="${POLICY}">` +
      `<link rel="icon" href="data:,"><link rel="stylesheet" href="../../dist/katex/katex.min.css">` +
      `<link rel="stylesheet" href="formulas.css"></head><body>${html}</body></html>`,
  );
  const server = await startServer({ root: ROOT });
  const browser = await launchBrowser();
  try {
    const context = await browser.newContext({ viewport: { width: 800, height: 600 } });
    const page = await context.newPage();
    const violations = await watchViolations(context, page);
    await page.goto(`${server.url}test-results/csp-fixture/`);
    await page.evaluate(() => document.fonts.ready);
    await page.screenshot({ path: join(dir, "formulas.png") });
    const g = await formulaGeometry(page);
    assert.equal(g.styled, 0, "no element carries a style attribute");
    assert.equal(g.matrices.length, 1);
    assert.ok(g.matrices[0], "matrix rows are stacked");
    assert.ok(g.fractions.length >= 3 && g.fractions.every((f) => f.numAboveDen && f.lineBetween), JSON.stringify(g.fractions));
    assert.ok(g.superscripts.length >= 3 && g.superscripts.every(Boolean), JSON.stringify(g.superscripts));
    assert.deepEqual(await violations(), []);
    // Control: without the generated classes (what a refused inline style amounts to) the same probes see the
    // formulas collapse, so the checks above can fail.
    await page.evaluate(() => document.querySelector('link[href="formulas.css"]').remove());
    const lost = await formulaGeometry(page);
    assert.ok(lost.fractions.every((f) => !(f.numAboveDen && f.lineBetween)), JSON.stringify(lost.fractions));
    assert.equal(lost.matrices[0], false, "matrix rows pile up without their positions");
    await context.close();
  } finally {
    await browser.close();
    await server.close();
  }
});
