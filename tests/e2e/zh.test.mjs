// Browser tests of the Chinese edition (dist/zh/index.html): it loads the same shell from one directory deeper
// and every figure paints, its structure stays parallel to the English page, it has no horizontal scrolling on
// a phone, and the links between the editions carry the settings in the hash.

import assert from "node:assert/strict";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { RESULTS, canvasProbe, openPage, panelIds, setUp, showFigure } from "./helpers.mjs";

const ZH = "zh/index.html";
let env;

before(async () => {
  env = await setUp();
});

after(async () => {
  await env?.close();
});

/** The section ids, figure ids, outside links and number of rendered formulas of a page, in document order. */
function outline(page) {
  return page.evaluate(() => ({
    sections: [...document.querySelectorAll("main section[id]")].map((s) => s.id),
    panels: [...document.querySelectorAll("[data-panel]")].map((e) => e.dataset.panel),
    links: [...document.querySelectorAll("main a[href^='http']")].map((a) => a.href).sort(),
    formulas: document.querySelectorAll(".katex").length,
    toc: [...document.querySelectorAll(".toc a")].map((a) => a.getAttribute("href")),
  }));
}

test("the Chinese page loads without console errors and every figure paints", async () => {
  const { page, context, errors } = await openPage(env, { hash: ZH });
  assert.equal(await page.evaluate(() => document.documentElement.lang), "zh-CN");
  const ids = await panelIds(page);
  assert.ok(ids.length >= 12, `expected every figure, found ${ids.join(", ")}`);
  for (const id of ids) {
    await showFigure(page, id);
    const state = await page.evaluate((id) => window.__dyn.figures[id].state(), id);
    assert.equal(state.failed, false, `${id} failed: ${state.error}`);
    const probe = await canvasProbe(page, id);
    assert.ok(probe.width > 100 && probe.height > 100, `${id} canvas is ${probe.width}x${probe.height}`);
    assert.ok(probe.colours >= 16, `${id} shows only ${probe.colours} distinct colours`);
  }
  assert.deepEqual(errors, []);
  await context.close();
});

test("the Chinese page has the English page's sections, figures, links and formulas", async () => {
  const en = await openPage(env);
  const zh = await openPage(env, { hash: ZH });
  const [a, b] = [await outline(en.page), await outline(zh.page)];
  assert.deepEqual(b.sections, a.sections);
  assert.deepEqual(b.panels, a.panels);
  assert.deepEqual(b.links, a.links);
  assert.equal(b.formulas, a.formulas);
  assert.deepEqual(b.toc, a.toc);
  assert.equal(await zh.page.locator(".toc").getAttribute("aria-label"), "目录");
  await en.context.close();
  await zh.context.close();
});

for (const width of [360, 375]) {
  test(`the Chinese page has no horizontal scrolling ${width} px wide`, async () => {
    const { page, context, errors } = await openPage(env, { hash: ZH, width, height: 740 });
    for (const id of await panelIds(page)) await showFigure(page, id);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, `the page is ${overflow} px wider than the screen`);
    assert.deepEqual(errors, []);
    await context.close();
  });
}

test("the language links keep the settings hash, also after a control changed it", async () => {
  const { page, context, errors } = await openPage(env, { hash: `${ZH}#simsiam-toy.alpha=4` });
  const link = page.locator("a[data-lang-switch]");
  assert.equal(await link.getAttribute("href"), "../index.html#simsiam-toy.alpha=4");
  // The shell rewrites the hash with history.replaceState, which fires no event; the link catches up when used.
  const slider = page.locator('[data-panel="simsiam-toy"] [data-key="alpha"] input[type="range"]');
  await slider.focus();
  await page.keyboard.press("PageUp");
  await page.waitForFunction(() => location.hash.includes("alpha=") && location.hash !== "#simsiam-toy.alpha=4");
  const hash = await page.evaluate(() => location.hash);
  await link.focus();
  assert.equal(await link.getAttribute("href"), `../index.html${hash}`);
  await link.click();
  await page.waitForURL((url) => !url.pathname.includes("/zh/"));
  await page.waitForFunction(() => window.__dyn && window.__dyn.firstFrame !== null);
  assert.equal(await page.evaluate(() => location.hash), hash);
  assert.equal(await page.evaluate(() => document.documentElement.lang), "en");
  assert.equal(await page.locator("a[data-lang-switch]").getAttribute("href"), `zh/index.html${hash}`);
  assert.deepEqual(errors, []);
  await context.close();
});

for (const colorScheme of ["light", "dark"]) {
  test(`${colorScheme} screenshots of the Chinese page at 1280 and 375 px`, async () => {
    for (const [width, height] of [
      [1280, 800],
      [375, 740],
    ]) {
      const { page, context, errors } = await openPage(env, { hash: ZH, width, height, colorScheme });
      await showFigure(page, "simsiam-toy");
      await page.evaluate(() => window.scrollTo(0, 0));
      await page.screenshot({ path: join(RESULTS, `zh-${colorScheme}-${width}.png`) });
      assert.deepEqual(errors, []);
      await context.close();
    }
  });
}
