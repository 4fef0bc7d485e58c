// Browser tests of issue 16's "figure and handles together" and of inline input errors: at 1280x800 every
// figure, its presets and its first row of controls are on screen at once; on a 375x740 phone the canvas stays at
// least half visible while its first slider is focused and moved; invalid seeds and a too-short Top-k list get
// inline errors. Screenshots at 360, 375, 768 and 1280 px in both themes go to test-results/ (look at them).

import assert from "node:assert/strict";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { RESULTS, frames, openPage, panelIds, setUp } from "./helpers.mjs";

let env;

before(async () => {
  env = await setUp();
});

after(async () => {
  await env?.close();
});

/** Top and bottom of an element of a figure in viewport coordinates, or null when it has none. */
function box(page, id, selector) {
  return page.evaluate(
    ([id, selector]) => {
      const e = document.querySelector(`[data-panel="${id}"] ${selector}`);
      if (!e) return null;
      const r = e.getBoundingClientRect();
      return { top: r.top, bottom: r.bottom, left: r.left, right: r.right, height: r.height };
    },
    [id, selector],
  );
}

test("at 1280x800 every figure, its presets and its first row of controls are on screen at once", async () => {
  const { page, context, errors } = await openPage(env, { width: 1280, height: 800 });
  const ids = await panelIds(page);
  const outside = [];
  for (const id of ids) {
    await page.evaluate((id) => document.querySelector(`[data-panel="${id}"]`).scrollIntoView({ block: "start" }), id);
    await frames(page, 2);
    const parts = {
      canvas: await box(page, id, "canvas"),
      presets: await box(page, id, ".fig-presets"),
      transport: await box(page, id, ".fig-bar"),
    };
    // The first row of controls: every control of the main group whose top is level with the first one's.
    const row = await page.evaluate((id) => {
      const ctls = [...document.querySelectorAll(`[data-panel="${id}"] .fig-params .ctl`)];
      const first = ctls[0]?.getBoundingClientRect();
      return ctls
        .map((c) => c.getBoundingClientRect())
        .filter((r) => first && Math.abs(r.top - first.top) < 2)
        .map((r) => ({ top: r.top, bottom: r.bottom }));
    }, id);
    assert.ok(row.length > 0, `${id} has no controls`);
    row.forEach((r, i) => (parts[`control ${i + 1}`] = r));
    for (const [name, r] of Object.entries(parts)) {
      if (r && (r.top < 0 || r.bottom > 800)) outside.push(`${id} ${name}: ${Math.round(r.top)}..${Math.round(r.bottom)}`);
    }
  }
  assert.deepEqual(outside, [], "these parts were off screen with their figure at the top of the window");
  assert.deepEqual(errors, []);
  await context.close();
});

test("on a 375x740 phone the canvas stays at least half visible while its first slider is focused and moved", async () => {
  const { page, context, errors } = await openPage(env, { width: 375, height: 740 });
  const ids = await panelIds(page);
  const problems = [];
  for (const id of ids) {
    const slider = page.locator(`[data-panel="${id}"] .fig-params input[type="range"]`).first();
    if ((await slider.count()) === 0) continue;
    const key = await slider.evaluate((e) => e.closest("[data-key]").dataset.key);
    const before = await page.evaluate(([id, key]) => window.__dyn.figures[id].call("param", key), [id, key]);
    // As a reader would: scroll down until the slider comes into view at the bottom of the window, then use it.
    await slider.evaluate((e) => e.scrollIntoView({ block: "end" }));
    await slider.focus();
    for (let i = 0; i < 3; i++) {
      await page.keyboard.press(i === 0 ? "PageUp" : "ArrowRight");
      await frames(page, 1);
      const canvas = await box(page, id, "canvas");
      const visible = Math.max(0, Math.min(canvas.bottom, 740) - Math.max(canvas.top, 0)) / canvas.height;
      if (visible < 0.5) problems.push(`${id}: canvas ${Math.round(visible * 100)} % visible while moving ${key}`);
    }
    // The slider itself must not be hidden under the sticky canvas.
    const onTop = await slider.evaluate((e) => {
      const r = e.getBoundingClientRect();
      const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
      return hit === e || e.contains(hit);
    });
    if (!onTop) problems.push(`${id}: the ${key} slider is covered`);
    await page.waitForFunction(
      ([id, key, before]) => window.__dyn.figures[id].call("param", key) !== before,
      [id, key, before],
    );
  }
  assert.deepEqual(problems, []);
  assert.deepEqual(errors, []);
  await context.close();
});

test("invalid seeds get an inline error and leave the seed alone", async () => {
  const { page, context, errors } = await openPage(env);
  const fig = page.locator('[data-panel="simsiam-toy"]');
  const seed = fig.locator('input[id$="-seed"]');
  for (const bad of ["-1", "1e20", "1.5", "abc", "", "4294967296"]) {
    await seed.evaluate((e, v) => {
      e.value = v; // a number box turns text such as "abc" into "" (a bad input), as typing it would
      e.dispatchEvent(new Event("change", { bubbles: true }));
    }, bad);
    await frames(page, 1);
    assert.equal(await seed.getAttribute("aria-invalid"), "true", `seed ${JSON.stringify(bad)}`);
    assert.match(await fig.locator(".seed-error").textContent(), /whole number from 0 to 4294967295/);
    assert.equal(await page.evaluate(() => window.__dyn.figures["simsiam-toy"].call("seed")), 1);
  }
  await seed.fill("7");
  await seed.dispatchEvent("change");
  await page.waitForFunction(() => window.__dyn.figures["simsiam-toy"].call("seed") === 7);
  assert.equal(await fig.locator(".seed-error").textContent(), "");
  assert.equal(await seed.getAttribute("aria-invalid"), null);
  assert.deepEqual(errors, []);
  await context.close();
});

test("a Top-k score list that is too short is an inline error, not random scores", async () => {
  const { page, context, errors } = await openPage(env);
  const ctl = page.locator('[data-panel="topk"] [data-key="x"]');
  await ctl.locator("input").fill("5");
  await ctl.locator("input").press("Enter");
  await page.waitForFunction(() =>
    document.querySelector('[data-panel="topk"] [data-key="x"] .error').textContent.includes("at least 2"),
  );
  assert.equal(await ctl.locator("input").getAttribute("aria-invalid"), "true");
  assert.equal(await page.evaluate(() => window.__dyn.figures.topk.call("param", "x")), "");
  await ctl.locator("input").fill("3, 1, 2");
  await ctl.locator("input").press("Enter");
  await page.waitForFunction(() => window.__dyn.figures.topk.call("param", "x") === "3,1,2");
  assert.equal(await ctl.locator(".error").textContent(), "");
  assert.deepEqual(errors, []);
  await context.close();
});

test("screenshots at 360, 375, 768 and 1280 px, light and dark", async () => {
  for (const colorScheme of ["light", "dark"]) {
    for (const width of [360, 375, 768, 1280]) {
      const height = width >= 1280 ? 800 : width >= 768 ? 1024 : 740;
      const { page, context, errors } = await openPage(env, { width, height, colorScheme });
      await frames(page, 2);
      await page.screenshot({ path: join(RESULTS, `handles-${width}-${colorScheme}-top.png`) });
      for (const id of ["multitask", "lion-embedding"]) {
        const slider = page.locator(`[data-panel="${id}"] .fig-params input[type="range"]`).first();
        await slider.scrollIntoViewIfNeeded();
        await frames(page, 3);
        await page.screenshot({ path: join(RESULTS, `handles-${width}-${colorScheme}-${id}.png`) });
      }
      assert.deepEqual(errors, []);
      await context.close();
    }
  }
});
