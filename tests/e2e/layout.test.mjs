// Browser tests of layout and theming: no horizontal scrolling at phone widths, a dark page and dark figures in
// dark mode, and screenshots at desktop and phone widths in both themes (saved to test-results/ to look at).

import assert from "node:assert/strict";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { RESULTS, canvasProbe, frames, openPage, panelIds, setUp, showFigure } from "./helpers.mjs";

let env;

before(async () => {
  env = await setUp();
});

after(async () => {
  await env?.close();
});

/** The relative luminance (0 to 1) of a CSS colour string such as `rgb(15, 17, 21)`. */
function luminance(css) {
  const [r, g, b] = css.match(/[\d.]+/g).map(Number);
  return (0.2126 * r + 0.7152 * g + 0.0722 * b) / 255;
}

for (const width of [360, 375]) {
  test(`a ${width} px wide phone screen has no horizontal scrolling`, async () => {
    const { page, context, errors } = await openPage(env, { width, height: 800 });
    const ids = await panelIds(page);
    for (const id of ids) await showFigure(page, id);
    const { scrollWidth, clientWidth } = await page.evaluate(() => ({
      scrollWidth: document.scrollingElement.scrollWidth,
      clientWidth: document.scrollingElement.clientWidth,
    }));
    assert.ok(scrollWidth <= clientWidth, `scrollWidth ${scrollWidth} > clientWidth ${clientWidth}`);
    // Also no single element may stick out on the right. Display math and the many-column readout matrix
    // scroll inside their own boxes, and KaTeX clips the parts of a formula (hidden MathML, wide SVG strokes)
    // itself, so only whole formulas and the scrolling boxes count.
    const tooWide = await page.evaluate(
      (w) =>
        [...document.querySelectorAll("body *")]
          .filter((e) => !e.closest(".katex-display") && !e.parentElement?.closest(".katex"))
          .filter((e) => !e.parentElement?.closest(".readout-scroll"))
          .filter((e) => e.getBoundingClientRect().right > w + 0.5)
          .map((e) => `${e.tagName}.${e.getAttribute("class") ?? ""}`),
      width,
    );
    assert.deepEqual(tooWide, []);
    for (const id of ids) {
      const { aspect } = await page.evaluate((id) => window.__dyn.panels.find((p) => p.id === id), id);
      const state = await page.evaluate((id) => window.__dyn.figures[id].state(), id);
      // The narrow aspect, capped so that the sticky canvas leaves room for its controls (www/figure.js).
      const cap = await page.evaluate(() => Math.round(Math.max(280, 0.6 * window.innerHeight)));
      assert.ok(
        Math.abs(state.cssHeight - Math.min(cap, Math.round(state.cssWidth * aspect[1]))) <= 1,
        `${id} must use its narrow aspect (capped at ${cap} px)`,
      );
    }
    assert.deepEqual(errors, []);
    await context.close();
  });
}

for (const colorScheme of ["light", "dark"]) {
  test(`${colorScheme} mode colours the page and the figures, screenshots at 1280 and 375 px`, async () => {
    for (const width of [1280, 375]) {
      const { page, context, errors } = await openPage(env, { width, height: 900, colorScheme });
      const ids = await panelIds(page);
      for (const id of ids) await showFigure(page, id);
      await page.evaluate(() => window.scrollTo(0, 0));
      const background = luminance(
        await page.evaluate(() => getComputedStyle(document.documentElement).backgroundColor),
      );
      for (const id of ids) {
        const probe = await canvasProbe(page, id);
        if (colorScheme === "dark")
          assert.ok(probe.cornerLuminance < 0.3, `${id} background is too light in dark mode`);
        else assert.ok(probe.cornerLuminance > 0.7, `${id} background is too dark in light mode`);
      }
      if (colorScheme === "dark") assert.ok(background < 0.2, `page background luminance ${background}`);
      else assert.ok(background > 0.8, `page background luminance ${background}`);
      await page.screenshot({ path: join(RESULTS, `page-${width}-${colorScheme}.png`), fullPage: true });
      assert.deepEqual(errors, []);
      await context.close();
    }
  });
}

test("switching the system theme redraws the figures in the new colours", async () => {
  const { page, context, errors } = await openPage(env, { colorScheme: "light" });
  const [id] = await panelIds(page);
  await page.locator(`[data-panel="${id}"] canvas`).scrollIntoViewIfNeeded();
  assert.ok((await canvasProbe(page, id)).cornerLuminance > 0.7);
  await page.emulateMedia({ colorScheme: "dark" });
  await page.waitForFunction(() => matchMedia("(prefers-color-scheme: dark)").matches);
  await frames(page, 3);
  assert.ok((await canvasProbe(page, id)).cornerLuminance < 0.3, "the figure must be redrawn dark");
  assert.deepEqual(errors, []);
  await context.close();
});

test("canvases are sharp on high-DPI screens", async () => {
  const context = await env.browser.newContext({ viewport: { width: 800, height: 900 }, deviceScaleFactor: 2 });
  const page = await context.newPage();
  await page.goto(env.url);
  await page.waitForFunction(() => window.__dyn?.firstFrame !== null);
  const [id] = await panelIds(page);
  const probe = await canvasProbe(page, id);
  const state = await page.evaluate((id) => window.__dyn.figures[id].state(), id);
  assert.equal(probe.width, Math.round(state.cssWidth * 2));
  assert.equal(probe.height, Math.round(state.cssHeight * 2));
  await context.close();
});
