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

/** The `languages()` of the glue module at `glue` (relative to the document), as the page's instance answers. */
function languagesOf(page, glue) {
  return page.evaluate(async (path) => (await import(new URL(path, document.baseURI).href)).languages(), glue);
}

test("the English page loads only the English module, which has no Chinese wording", async () => {
  const { context, page, modules, errors } = await open(env.url);
  await page.waitForFunction(() => window.__dyn?.firstFrame != null);
  assert.deepEqual([...new Set(modules)], [EN]);
  assert.equal(await languagesOf(page, "pkg/dynamics.js"), "en");
  assert.deepEqual(errors, []);
  await context.close();
});

test("the Chinese page loads only the Chinese module, and its figures are worded in Chinese", async () => {
  const { context, page, modules, errors } = await open(`${env.url}zh/`);
  await page.waitForFunction(() => window.__dyn?.firstFrame != null);
  assert.deepEqual([...new Set(modules)], [ZH]);
  assert.equal(await languagesOf(page, "../pkg/dynamics_zh.js"), "en,zh");
  const label = await page.locator('[data-panel="simsiam-toy"] label').first().textContent();
  assert.match(label, HAN, `a control label of the Chinese page: "${label}"`);
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
  const text = (id) => page.evaluate((i) => document.getElementById(i).shadowRoot.textContent, id);
  const en = await text("en");
  const zh = await text("zh");
  assert.ok(!HAN.test(en), `the English embed shows Chinese: ${en.slice(0, 200)}`);
  assert.ok(HAN.test(zh), `the Chinese embed shows no Chinese: ${zh.slice(0, 200)}`);
  assert.deepEqual(errors, []);
  await context.close();
});
