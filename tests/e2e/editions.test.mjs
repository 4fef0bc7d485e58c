// Browser tests of the two wasm modules (scripts/build.mjs, www/wasm.js): the English page and English embeds load
// only the English module, which has no Chinese wording; the Chinese page and Chinese embeds load only the
// Chinese module; a host page with script embeds in both languages loads both and each figure speaks its own.

import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { startServer } from "../../scripts/serve.mjs";
import { setUp } from "./helpers.mjs";

let env;
let host;
let hostDir;

const EN = "/pkg/dynamics_bg.wasm";
const ZH = "/pkg/dynamics_zh_bg.wasm";

/** Chinese ideographs. */
const HAN = /[\u4e00-\u9fff]/;

before(async () => {
  env = await setUp();
  hostDir = mkdtempSync(join(tmpdir(), "editions-"));
  writeFileSync(
    join(hostDir, "index.html"),
    `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Two languages</title><link rel="icon" href="data:,"></head>
<body><div id="en" data-dynamics-panel="simsiam-toy"></div><div id="zh" data-dynamics-panel="simsiam-toy" data-lang="zh"></div>
<script type="module" src="${env.url}www/embed.js"></script></body></html>`,
  );
  host = await startServer({ root: hostDir });
});

after(async () => {
  await env?.close();
  await host?.close();
  if (hostDir) rmSync(hostDir, { recursive: true, force: true });
});

/** Opens `url` in a fresh context, recording the wasm modules it fetches and any error. */
async function open(url) {
  const context = await env.browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  const modules = [];
  const errors = [];
  page.on("request", (req) => {
    const path = new URL(req.url()).pathname;
    if (path.endsWith(".wasm")) modules.push(path.slice(path.indexOf("/pkg/")));
  });
  page.on("console", (msg) => msg.type() === "error" && errors.push(msg.text()));
  page.on("pageerror", (err) => errors.push(err.message));
  await page.goto(url);
  return { context, page, modules, errors };
}

/**
 * What the page's instance of the glue module at `glue` (relative to the document) answers: its `languages()`
 * and the first panel's title when asked for Chinese.
 */
function askModule(page, glue) {
  return page.evaluate(async (path) => {
    const m = await import(new URL(path, document.baseURI).href);
    return { languages: m.languages(), title: JSON.parse(m.panels_json("zh"))[0].title };
  }, glue);
}

test("the English page loads only the English module, which has no Chinese wording", async () => {
  const { context, page, modules, errors } = await open(env.url);
  await page.waitForFunction(() => window.__dyn?.firstFrame != null);
  assert.deepEqual([...new Set(modules)], [EN]);
  const answer = await askModule(page, "pkg/dynamics.js");
  assert.equal(answer.languages, "en");
  assert.ok(!HAN.test(answer.title), `asked for Chinese, the English module answers in English: "${answer.title}"`);
  assert.deepEqual(errors, []);
  await context.close();
});

test("the Chinese page loads only the Chinese module, and its figures are worded in Chinese", async () => {
  const { context, page, modules, errors } = await open(`${env.url}zh/`);
  await page.waitForFunction(() => window.__dyn?.firstFrame != null);
  assert.deepEqual([...new Set(modules)], [ZH]);
  const answer = await askModule(page, "../pkg/dynamics_zh.js");
  assert.equal(answer.languages, "en,zh");
  assert.match(answer.title, HAN);
  const title = await page.locator('[data-panel="simsiam-toy"] .fig-title').first().textContent();
  assert.match(title, HAN, `a figure title of the Chinese page: "${title}"`);
  assert.deepEqual(errors, []);
  await context.close();
});

for (const lang of ["en", "zh"]) {
  test(`embed.html with lang=${lang} loads only the ${lang} module`, async () => {
    const query = lang === "zh" ? "&lang=zh" : "";
    const { context, page, modules, errors } = await open(`${env.url}embed.html?panel=topk${query}`);
    await page.waitForFunction(() => window.__dyn?.firstFrame != null);
    assert.deepEqual([...new Set(modules)], [lang === "zh" ? ZH : EN]);
    const title = await page.title();
    assert.equal(HAN.test(title), lang === "zh", `the embed's title: "${title}"`);
    assert.deepEqual(errors, []);
    await context.close();
  });
}

test("script embeds in both languages on one host page load both modules, each figure in its language", async () => {
  const { context, page, modules, errors } = await open(host.url);
  await page.waitForFunction(() => document.getElementById("en").dynamics && document.getElementById("zh").dynamics, null, {
    timeout: 15_000,
  });
  assert.deepEqual([...new Set(modules)].sort(), [EN, ZH].sort());
  const title = (id) => page.evaluate((i) => document.getElementById(i).shadowRoot.querySelector(".fig-title").textContent, id);
  const en = await title("en");
  const zh = await title("zh");
  assert.ok(en.length > 0 && !HAN.test(en), `the English embed's title: "${en}"`);
  assert.match(zh, HAN, `the Chinese embed's title (from the Chinese module): "${zh}"`);
  assert.deepEqual(errors, []);
  await context.close();
});
