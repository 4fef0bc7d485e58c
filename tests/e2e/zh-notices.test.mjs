// Browser tests of what the Chinese page (dist/zh/index.html) says back when a reader sets values: the clamp
// notice of an out-of-range number, the error of a malformed list, Top-k's own check of a one-score list, an
// invalid seed, the notices of a link with bad settings, and the text readouts of the Lion/Tiger figure's
// per-step engine. Each must be worded in Chinese, with no English sentence left (keys, values and symbols stay).

import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { openPage, readout, setUp, showFigure } from "./helpers.mjs";

const ZH = "zh/index.html";
let env;

before(async () => {
  env = await setUp();
});

after(async () => {
  await env?.close();
});

/**
 * Latin words of a text that are not names or symbols (at least four letters, not all capitals), once the API
 * names in `allowed` (panel ids, keys, preset ids, as the notice quotes them) are taken out.
 */
function englishWords(text, allowed = []) {
  const keep = new Set(["Lion", "Tiger", "AdamW", "Adam", "RMS", "NaN", "true", "false"]);
  let rest = text;
  for (const name of [...allowed].sort((a, b) => b.length - a.length)) rest = rest.split(name).join(" ");
  return (rest.match(/[A-Za-z]{4,}/g) ?? []).filter((w) => !keep.has(w) && !/^[A-Z]+$/.test(w));
}

/** Asserts that a shown text is Chinese: it has CJK characters and no English word but `allowed`. */
function assertChinese(what, text, allowed) {
  assert.match(text, /[\u3000-\u9fff]/, `${what}: no Chinese in '${text}'`);
  assert.deepEqual(englishWords(text, allowed), [], `${what}: English left in '${text}'`);
}

/** Types `text` into a figure's field and commits it (the change event), then waits for the field's message. */
async function enter(page, id, selector, text) {
  const field = page.locator(`[data-panel="${id}"] ${selector}`);
  await field.fill(text);
  await field.dispatchEvent("change");
}

/** The text of a control's error line once it is not empty. */
async function errorOf(page, id, key) {
  const sel = `[data-panel="${id}"] [data-key="${key}"] .error`;
  await page.waitForFunction((sel) => document.querySelector(sel)?.textContent.trim() !== "", sel);
  return page.locator(sel).textContent();
}

test("notices of values set on the Chinese page are Chinese: clamp, malformed list, Top-k's check, seed", async () => {
  const { page, context, errors } = await openPage(env, { hash: ZH });

  // A number box beyond its range: clamped, with a notice.
  await showFigure(page, "lion-embedding");
  await page.evaluate(() => {
    for (const d of document.querySelectorAll('[data-panel="lion-embedding"] details')) d.open = true;
  });
  await enter(page, "lion-embedding", '[data-key="vocab"] input', "999999");
  const clamp = await errorOf(page, "lion-embedding", "vocab");
  assert.match(clamp, /200000/, clamp);
  assertChinese("clamp notice", clamp, ["vocab"]);

  // Top-k's list: one score is refused by the panel's own check; a malformed list by the parser.
  await showFigure(page, "topk");
  await page.evaluate(() => {
    for (const d of document.querySelectorAll('[data-panel="topk"] details')) d.open = true;
  });
  await enter(page, "topk", '[data-key="x"] input', "5");
  const short = await errorOf(page, "topk", "x");
  assert.match(short, /2/, short);
  assertChinese("Top-k one-score list", short);
  await enter(page, "topk", '[data-key="x"] input', "1,,2");
  await page.waitForFunction((prev) => document.querySelector('[data-panel="topk"] [data-key="x"] .error').textContent !== prev, short);
  assertChinese("malformed list", await errorOf(page, "topk", "x"));

  // An invalid seed.
  await enter(page, "topk", ".fig-options input[type=number]", "-3");
  const seedSel = '[data-panel="topk"] .seed-error';
  await page.waitForFunction((sel) => document.querySelector(sel)?.textContent.trim() !== "", seedSel);
  assertChinese("invalid seed", await page.locator(seedSel).textContent());

  assert.deepEqual(errors, []);
  await context.close();
});

test("the notices of a link with bad settings are Chinese on the Chinese page", async () => {
  const hash = "#lion-embedding.vocab=999999&topk.x=5&simsiam-toy.alpha=abc&simsiam-toy.nokey=1&topk.preset=nope";
  const { page, context, errors } = await openPage(env, { hash: `${ZH}${hash}` });
  const items = await page.locator("#notice li").allTextContents();
  assert.ok(items.length >= 5, `expected five notices, got ${JSON.stringify(items)}`);
  // Panel ids, keys and preset ids stay as they are.
  const presets = await page.evaluate(() => window.__dyn.panels.find((p) => p.id === "topk").presets.map((p) => p.id));
  const names = ["lion-embedding", "simsiam-toy", "topk", "vocab", "alpha", "nokey", "preset", "nope", ...presets];
  for (const item of items) assertChinese("link notice", item, names);
  assert.deepEqual(errors, []);
  await context.close();
});

test("the Lion figure's per-step engine is shown in Chinese in its readouts and on its canvas", async () => {
  const { page, context, errors } = await openPage(env, { hash: `${ZH}#lion-embedding.catchup=per-step` });
  await showFigure(page, "lion-embedding");
  await page.waitForFunction(() => document.querySelector('[data-panel="lion-embedding"] [data-readout="engine_reason"]').textContent !== "–");
  const engine = await readout(page, "lion-embedding", "engine");
  const reason = await readout(page, "lion-embedding", "engine_reason");
  assertChinese("engine readout", engine);
  assertChinese("engine_reason readout", reason);
  // The values stay English in the exported metrics: the page translates what it shows only.
  const metrics = await page.evaluate(() => JSON.parse(window.__dyn.figures["lion-embedding"].figure.metrics_json()));
  assert.equal(metrics.engine, "per-step");
  assert.match(metrics.engine_reason, /^[ -~]+$/, metrics.engine_reason);
  // The figure says so too, in Chinese: the words it draws, read from its SVG export.
  const drawn = await page.evaluate(() => {
    const svg = window.__dyn.figures["lion-embedding"].figure.svg(944, 528, false);
    const doc = new DOMParser().parseFromString(svg, "image/svg+xml");
    return [...doc.querySelectorAll("text")].map((t) => t.textContent).join(" | ");
  });
  assert.match(drawn, /逐步计算/, drawn);
  // Terms the glossary keeps in English (as tests/i18n.rs allows them).
  assert.deepEqual(englishWords(drawn, ["Embedding", "token", "sign"]), [], drawn);
  // With weight decay off the row-RMS rule runs per step too, for another reason.
  await page.evaluate(() => {
    for (const d of document.querySelectorAll('[data-panel="lion-embedding"] details')) d.open = true;
  });
  await page.locator('[data-panel="lion-embedding"] [data-key="catchup"] input[value="closed-form"]').check();
  await page.waitForFunction(() => document.querySelector('[data-panel="lion-embedding"] [data-readout="engine_reason"]').textContent === "–");
  assertChinese("closed-form engine readout", await readout(page, "lion-embedding", "engine"));
  assert.deepEqual(errors, []);
  await context.close();
});
