// Browser tests of the built static site itself: it works from a sub-path, requests nothing outside its own
// origin, and the server gives the wasm module its MIME type.

import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { launchBrowser } from "../../scripts/browser.mjs";
import { DIST, ROOT } from "../../scripts/lib.mjs";
import { startServer } from "../../scripts/serve.mjs";
import { canvasProbe } from "./helpers.mjs";

let browser;
let server;

before(async () => {
  // The repository root is served, so the site lives under the sub-path /dist/.
  server = await startServer({ root: ROOT });
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await server?.close();
});

test("the wasm module is served as application/wasm", async () => {
  const res = await fetch(`${server.url}dist/pkg/dynamics_bg.wasm`);
  assert.equal(res.status, 200);
  assert.equal(res.headers.get("content-type"), "application/wasm");
});

test("the site works from a sub-path and requests nothing from elsewhere", async () => {
  assert.ok(DIST.endsWith("dist"));
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const origin = new URL(server.url).origin;
  const foreign = [];
  await context.route("**/*", (route) => {
    const url = route.request().url();
    if (url.startsWith(origin) || url.startsWith("data:")) return route.continue();
    foreign.push(url);
    return route.abort();
  });
  const page = await context.newPage();
  const errors = [];
  page.on("console", (msg) => msg.type() === "error" && errors.push(msg.text()));
  page.on("pageerror", (err) => errors.push(err.message));
  const notFound = [];
  page.on("response", (res) => res.status() >= 400 && notFound.push(`${res.status()} ${res.url()}`));
  await page.goto(`${server.url}dist/`);
  await page.waitForFunction(() => window.__dyn?.firstFrame != null);
  await page.evaluate(() => document.fonts.ready);
  const [id] = await page.evaluate(() => Object.keys(window.__dyn.figures));
  assert.ok((await canvasProbe(page, id)).colours >= 16);
  const katexFontLoaded = await page.evaluate(() =>
    [...document.fonts].some((f) => f.family.includes("KaTeX_Main") && f.status === "loaded"),
  );
  assert.ok(katexFontLoaded, "KaTeX's fonts must load from the site itself");
  assert.deepEqual(foreign, []);
  assert.deepEqual(notFound, []);
  assert.deepEqual(errors, []);
  await context.close();
});
