// Browser tests of sharing on the main page: anchors and settings in the hash, a moment (`step`) in a link, the
// share menu (keyboard use, copied link and embed code that reproduce the figure's metrics as `dynamics run`
// computes them, the clipboard fallback) and the PNG, SVG and CSV downloads.

import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { after, before, test } from "node:test";
import { ROOT, childEnv } from "../../scripts/lib.mjs";
import { frames, openPage, setUp } from "./helpers.mjs";

const TOY = "simsiam-toy";
let env;

before(async () => {
  env = await setUp();
});

after(async () => {
  await env?.close();
});

/** Runs the native command line and parses its JSON output. */
function native(args) {
  const r = spawnSync("cargo", ["run", "-q", "--bin", "dynamics", "--", ...args], {
    cwd: ROOT,
    env: childEnv(),
    encoding: "utf8",
  });
  assert.equal(r.status, 0, `dynamics ${args.join(" ")} failed: ${r.stderr}`);
  return JSON.parse(r.stdout);
}

/** Checks every metric against the native run within the panel's platform tolerance. */
function assertMetrics(got, want, tol, what) {
  assert.deepEqual(Object.keys(got), Object.keys(want), `${what}: metric names`);
  for (const [key, w] of Object.entries(want)) {
    const g = got[key];
    if (typeof w === "number" && typeof g === "number") {
      assert.ok(Math.abs(g - w) <= tol * Math.max(1, Math.abs(w)), `${what}.${key}: native ${w}, browser ${g}`);
    } else {
      assert.deepEqual(g, w, `${what}.${key}`);
    }
  }
}

/** A figure's state, parameters and metrics in a page (or frame) with the `__dyn` hook. */
function figureState(target, id) {
  return target.evaluate((id) => {
    const f = window.__dyn.figures[id];
    return {
      ...f.state(),
      params: JSON.parse(f.call("params_json")),
      seed: f.call("seed"),
      metrics: JSON.parse(f.call("metrics_json")),
    };
  }, id);
}

/** Opens a figure's share menu and chooses an item. */
async function choose(page, id, action) {
  const fig = page.locator(`[data-panel="${id}"]`);
  await fig.locator('[data-action="share"]').click();
  await fig.locator(`.share-menu [data-action="${action}"]`).click();
}

/** Reads a download's bytes. */
async function bytes(download) {
  const chunks = [];
  for await (const chunk of await download.createReadStream()) chunks.push(chunk);
  return Buffer.concat(chunks);
}

/** Opens a page with clipboard access granted. */
async function openWithClipboard(hash = "") {
  const opened = await openPage(env, { hash });
  await opened.context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: new URL(env.url).origin });
  return opened;
}

/**
 * The URL hash without `step` entries: a figure whose run settles pauses itself, and a paused figure records its
 * step, which says nothing about whether its settings were touched.
 */
function settingsOfHash(page) {
  return page.evaluate(() => location.hash.replace(/&?[\w-]+\.step=\d+/g, "").replace(/^#&/, "#"));
}

test("contents links and plain anchors scroll without touching settings or showing a notice", async () => {
  const { page, context, errors } = await openPage(env, { hash: "#simsiam-toy.alpha=4&dirac-gan.seed=3" });
  const link = page.locator("nav.toc a").nth(2);
  const target = (await link.getAttribute("href")).slice(1);
  await link.click();
  await page.waitForFunction((id) => Math.abs(document.getElementById(id).getBoundingClientRect().top) < 40, target);
  await page.waitForTimeout(300);
  assert.equal(await settingsOfHash(page), "#simsiam-toy.alpha=4&dirac-gan.seed=3");
  assert.equal((await figureState(page, TOY)).params.alpha, 4);
  assert.equal((await figureState(page, "dirac-gan")).seed, 3);
  assert.equal(await page.locator("#notice").textContent(), "");

  // The skip link, by keyboard.
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.locator(".skip-link").focus();
  await page.keyboard.press("Enter");
  await page.waitForTimeout(200);
  assert.equal(await settingsOfHash(page), "#simsiam-toy.alpha=4&dirac-gan.seed=3");
  assert.equal(await page.evaluate(() => document.activeElement.id), "main");

  // An anchor typed into the address bar (a hashchange) leaves the figures alone too.
  await page.evaluate((id) => (location.hash = `#${id}`), target);
  await page.waitForTimeout(300);
  assert.equal((await figureState(page, TOY)).params.alpha, 4);
  assert.equal((await figureState(page, "dirac-gan")).seed, 3);
  assert.equal(await page.locator("#notice").textContent(), "");
  assert.deepEqual(errors, []);
  await context.close();
});

test("a page opened at an anchor shows no notice; a settings hash scrolls to the first figure it names", async () => {
  const a = await openPage(env, { hash: "#topk" });
  assert.equal(await a.page.locator("#notice").textContent(), "");
  assert.ok(Math.abs(await a.page.evaluate(() => document.getElementById("topk").getBoundingClientRect().top)) < 40);
  assert.deepEqual(a.errors, []);
  await a.context.close();

  const b = await openPage(env, { hash: "#dirac-gan.seed=3&topk.seed=4" });
  const top = await b.page.evaluate(() => document.querySelector('[data-panel="dirac-gan"]').getBoundingClientRect().top);
  assert.ok(top >= -2 && top < 100, `the dirac-gan figure is at ${top}px`);
  assert.deepEqual(b.errors, []);
  await b.context.close();
});

test("step=N opens the figure paused at step N with the metrics of `dynamics run`", async () => {
  const { page, context, errors } = await openPage(env, { hash: "#simsiam-toy.alpha=4&simsiam-toy.seed=7&simsiam-toy.step=300" });
  await frames(page, 3);
  const s = await figureState(page, TOY);
  assert.equal(s.playing, false);
  assert.equal(s.steps, 300);
  const want = native(["run", TOY, "--steps", "300", "--seed", "7", "alpha=4"]);
  assertMetrics(s.metrics, want.metrics, 1e-9, TOY);
  assert.equal(await page.locator("#notice").textContent(), "");
  assert.match(await page.evaluate(() => location.hash), /simsiam-toy\.step=300/);
  assert.deepEqual(errors, []);
  await context.close();
});

test("a step past the replay limit opens at the limit with a notice saying so", async () => {
  const { page, context, errors } = await openPage(env, { hash: "#simsiam-toy.step=999999999" });
  const s = await figureState(page, TOY);
  const limit = await page.evaluate(() => window.__dyn.figures["simsiam-toy"].call("replay_limit"));
  assert.equal(s.steps, limit);
  assert.equal(s.playing, false);
  const notice = await page.locator("#notice").textContent();
  assert.ok(notice.includes(String(limit)) && notice.includes("simsiam-toy.step"), notice);
  assert.deepEqual(errors, []);
  await context.close();
});

test("the page writes step into the hash only while the figure is paused", async () => {
  const { page, context, errors } = await openPage(env);
  const fig = page.locator(`[data-panel="${TOY}"]`);
  await fig.locator("canvas").scrollIntoViewIfNeeded();
  await page.waitForFunction(() => window.__dyn.figures["simsiam-toy"].state().steps > 0);
  // The default run may settle and pause itself (once, within seconds); Play then resumes it for good.
  await page
    .waitForFunction(() => window.__dyn.figures["simsiam-toy"].state().autoPaused, null, { timeout: 8000 })
    .catch(() => {});
  if (!(await figureState(page, TOY)).playing) await fig.locator('[data-action="play"]').click();
  await page.waitForFunction(() => window.__dyn.figures["simsiam-toy"].state().playing);
  await fig.locator('[data-action="play"]').click();
  await page.waitForFunction(() => /simsiam-toy\.step=\d+/.test(location.hash));
  const steps = (await figureState(page, TOY)).steps;
  assert.ok((await page.evaluate(() => location.hash)).includes(`simsiam-toy.step=${steps}`));
  await fig.locator('[data-action="step-1"]').click();
  await page.waitForFunction((n) => location.hash.includes(`simsiam-toy.step=${n}`), steps + 1);
  await fig.locator('[data-action="play"]').click();
  await page.waitForFunction(() => !location.hash.includes("simsiam-toy.step="));
  assert.deepEqual(errors, []);
  await context.close();
});

test("the share menu works with the keyboard and says what it did", async () => {
  const { page, context, errors } = await openWithClipboard();
  const fig = page.locator(`[data-panel="${TOY}"]`);
  const button = fig.locator('[data-action="share"]');
  assert.equal(await button.getAttribute("aria-expanded"), "false");
  await button.focus();
  await page.keyboard.press("Enter");
  assert.equal(await button.getAttribute("aria-expanded"), "true");
  const menu = fig.locator(".share-menu");
  assert.equal(await menu.isVisible(), true);
  assert.equal(await menu.getAttribute("role"), "group");
  assert.ok((await menu.getAttribute("aria-label")).includes("Share"));
  assert.equal(await page.evaluate(() => document.activeElement.dataset.action), "copy-link");
  await page.keyboard.press("ArrowDown");
  assert.equal(await page.evaluate(() => document.activeElement.dataset.action), "copy-embed");
  await page.keyboard.press("End");
  assert.equal(await page.evaluate(() => document.activeElement.dataset.action), "csv");
  await page.keyboard.press("ArrowDown");
  assert.equal(await page.evaluate(() => document.activeElement.dataset.action), "copy-link");
  await page.keyboard.press("Escape");
  assert.equal(await menu.isVisible(), false);
  assert.equal(await page.evaluate(() => document.activeElement.dataset.action), "share");
  await page.keyboard.press("ArrowDown");
  await page.keyboard.press("Enter");
  await page.waitForFunction(() => /Copied the link/.test(document.querySelector('[data-panel="simsiam-toy"] .share-status').textContent));
  assert.equal(await fig.locator(".share-status").getAttribute("role"), "status");
  assert.deepEqual(errors, []);
  await context.close();
});

test("a copied link reproduces the figure at the copied step, as `dynamics run` computes it", async () => {
  const { page, context, errors } = await openWithClipboard("#dirac-gan.seed=5");
  const id = "dirac-gan";
  const fig = page.locator(`[data-panel="${id}"]`);
  await fig.locator("canvas").scrollIntoViewIfNeeded();
  await page.waitForFunction((id) => window.__dyn.figures[id].state().steps > 50, id);
  await choose(page, id, "copy-link");
  await page.waitForFunction(() => document.querySelector('[data-panel="dirac-gan"] .share-status').textContent !== "");
  const link = await page.evaluate(() => navigator.clipboard.readText());
  const m = /dirac-gan\.step=(\d+)/.exec(link);
  assert.ok(m && link.startsWith(env.url) && link.includes("dirac-gan.seed=5"), link);
  const step = Number(m[1]);
  assert.ok(step > 50, link);

  const other = await context.newPage();
  await other.goto(link);
  await other.waitForFunction(() => window.__dyn?.firstFrame != null);
  await other.evaluate(() => window.__dyn.ready);
  const s = await figureState(other, id);
  assert.equal(s.steps, step);
  assert.equal(s.playing, false);
  const top = await other.evaluate((id) => document.querySelector(`[data-panel="${id}"]`).getBoundingClientRect().top, id);
  assert.ok(top >= -2 && top < 100, `the linked figure is at ${top}px`);
  const want = native(["run", id, "--steps", String(step), "--seed", "5"]);
  assertMetrics(s.metrics, want.metrics, 1e-9, id);
  assert.deepEqual(errors, []);
  await context.close();
});

test("copied embed code reproduces the figure and its height fits the embed at that width", async () => {
  const { page, context, errors } = await openWithClipboard("#simsiam-toy.mode=full&simsiam-toy.alpha=2");
  await page.locator(`[data-panel="${TOY}"] canvas`).scrollIntoViewIfNeeded();
  await page.waitForFunction(() => window.__dyn.figures["simsiam-toy"].state().steps > 30);
  // Pause first: at the default "auto" speed this cheap panel passes its 50 000-step replay limit within
  // seconds, and a link past the limit opens at the limit (with a notice) rather than at the copied step.
  await page.evaluate(() => window.__dyn.figures["simsiam-toy"].view.setPlaying(false));
  await choose(page, TOY, "copy-embed");
  await page.waitForFunction(() => document.querySelector('[data-panel="simsiam-toy"] .share-status').textContent !== "");
  const snippet = await page.evaluate(() => navigator.clipboard.readText());
  const src = /<iframe src="([^"]+)"/.exec(snippet)[1].replace(/&amp;/g, "&");
  const height = Number(/ height="(\d+)"/.exec(snippet)[1]);
  assert.match(snippet, /<script src="[^"]+\/www\/embed-host\.js" async><\/script>/);
  const step = Number(/simsiam-toy\.step=(\d+)/.exec(src)[1]);
  const width = await page.evaluate(() => document.querySelector('[data-panel="simsiam-toy"]').getBoundingClientRect().width);

  const frameContext = await env.browser.newContext({ viewport: { width: Math.round(width), height: 900 } });
  const embed = await frameContext.newPage();
  const embedErrors = [];
  embed.on("console", (msg) => msg.type() === "error" && embedErrors.push(msg.text()));
  await embed.goto(src);
  await embed.waitForFunction(() => window.__dyn?.firstFrame != null);
  const s = await figureState(embed, TOY);
  assert.equal(s.steps, step);
  const want = native(["run", TOY, "--steps", String(step), "mode=full", "alpha=2"]);
  assertMetrics(s.metrics, want.metrics, 1e-9, TOY);
  const content = await embed.evaluate(() => document.querySelector(".embed-root").getBoundingClientRect().height);
  assert.ok(Math.abs(content - height) <= 2, `snippet height ${height}, embed content ${content}`);
  assert.deepEqual(embedErrors, []);
  await frameContext.close();
  assert.deepEqual(errors, []);
  await context.close();
});

test("without clipboard permission the text is shown selected in a box", async () => {
  const { page, context, errors } = await openPage(env);
  await page.evaluate(() => {
    Object.defineProperty(navigator, "clipboard", { value: { writeText: () => Promise.reject(new Error("denied")) } });
  });
  await choose(page, TOY, "copy-script");
  const box = page.locator(`[data-panel="${TOY}"] .share-box textarea`);
  await box.waitFor({ state: "visible" });
  const value = await box.inputValue();
  assert.match(value, /^<script type="module" src="[^"]+\/www\/embed\.js"><\/script>\n<div data-dynamics-panel="simsiam-toy"/);
  const selected = await page.evaluate(() => {
    const t = document.activeElement;
    return t.tagName === "TEXTAREA" && t.selectionStart === 0 && t.selectionEnd === t.value.length;
  });
  assert.ok(selected, "the text must be focused and selected");
  assert.ok(await page.locator(`[data-panel="${TOY}"] .share-box label`).isVisible());
  await page.locator(`[data-panel="${TOY}"] [data-action="close-box"]`).click();
  assert.equal(await box.isVisible(), false);
  assert.deepEqual(errors, []);
  await context.close();
});

test("Download PNG gives a PNG of the stated size, at least twice the figure's CSS size", async () => {
  const { page, context, errors } = await openPage(env);
  const fig = page.locator(`[data-panel="${TOY}"]`);
  await fig.locator('[data-action="share"]').click();
  const item = fig.locator('.share-menu [data-action="png"]');
  const stated = /(\d+) × (\d+)/.exec(await item.textContent()).slice(1).map(Number);
  const [download] = await Promise.all([page.waitForEvent("download"), item.click()]);
  assert.match(download.suggestedFilename(), /^simsiam-toy-step\d+\.png$/);
  const png = await bytes(download);
  assert.deepEqual([...png.subarray(0, 8)], [137, 80, 78, 71, 13, 10, 26, 10], "PNG signature");
  assert.equal(png.subarray(12, 16).toString("latin1"), "IHDR");
  const size = [png.readUInt32BE(16), png.readUInt32BE(20)];
  assert.deepEqual(size, stated);
  const css = await page.evaluate(() => window.__dyn.figures["simsiam-toy"].state());
  assert.deepEqual(size, [Math.round(css.cssWidth) * 2, Math.round(css.cssHeight) * 2]);
  assert.ok(png.length > 20_000, `only ${png.length} bytes`);
  assert.deepEqual(errors, []);
  await context.close();
});

test("Download CSV gives one row per recorded step with a header naming the metrics", async () => {
  const { page, context, errors } = await openPage(env, { hash: "#dirac-gan.seed=9&dirac-gan.step=400" });
  const id = "dirac-gan";
  const [download] = await Promise.all([page.waitForEvent("download"), choose(page, id, "csv")]);
  assert.equal(download.suggestedFilename(), "dirac-gan-step400.csv");
  const lines = (await bytes(download)).toString("utf8").trimEnd().split("\n");
  const header = lines[0].split(",");
  const want = native(["run", id, "--steps", "400", "--seed", "9"]);
  const scalars = Object.keys(want.metrics).filter((k) => !Array.isArray(want.metrics[k]));
  assert.deepEqual(header, ["step", ...scalars]);
  assert.equal(lines.length, 402, "rows for steps 0..400");
  const last = lines.at(-1).split(",");
  assert.equal(last[0], "400");
  scalars.forEach((k, i) => {
    const w = want.metrics[k];
    const cell = last[i + 1];
    if (typeof w === "number") assert.ok(Math.abs(Number(cell) - w) <= 1e-9 * Math.max(1, Math.abs(w)), `${k}: ${cell} vs ${w}`);
    else assert.equal(cell, w === null ? "" : String(w), k);
  });
  assert.deepEqual(errors, []);
  await context.close();
});

test("the CSV of a long run keeps at most 10 000 evenly spaced rows", async () => {
  const { page, context, errors } = await openPage(env, { hash: "#dirac-gan.step=25000" });
  const csv = await page.evaluate(() => window.__dyn.figures["dirac-gan"].call("metrics_csv"));
  const steps = csv.trimEnd().split("\n").slice(1).map((l) => Number(l.split(",")[0]));
  assert.ok(steps.length <= 10_000 && steps.length > 2500, `${steps.length} rows`);
  assert.equal(steps[0], 0);
  const gap = steps[1] - steps[0];
  assert.ok(steps.every((s, i) => i === 0 || s - steps[i - 1] === gap), "uneven rows");
  assert.ok(25_000 - steps.at(-1) < gap, `last row at ${steps.at(-1)}`);
  assert.deepEqual(errors, []);
  await context.close();
});
