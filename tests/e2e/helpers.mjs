// Shared set-up for the browser tests: headless Chromium through playwright-core (the system's Chromium, never a
// downloaded one), dist/ served on a free loopback port, and probes of the page.

import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { launchBrowser } from "../../scripts/browser.mjs";
import { DIST, ROOT } from "../../scripts/lib.mjs";
import { startServer } from "../../scripts/serve.mjs";

/** Where screenshots go (gitignored). */
export const RESULTS = join(ROOT, "test-results");

/** Starts the browser and the static server for one test file; `close()` stops both. */
export async function setUp() {
  const server = await startServer({ root: DIST });
  const browser = await launchBrowser();
  mkdirSync(RESULTS, { recursive: true });
  return {
    browser,
    url: server.url,
    async close() {
      await browser.close();
      await server.close();
    },
  };
}

/**
 * Opens the page in a new context and collects console errors and page errors. Resolves once the app has
 * started and the first figure has drawn.
 */
export async function openPage(
  env,
  { hash = "", width = 1280, height = 800, colorScheme = "light", reducedMotion } = {},
) {
  const context = await env.browser.newContext({ viewport: { width, height }, colorScheme, reducedMotion });
  const page = await context.newPage();
  const errors = [];
  page.on("console", (msg) => {
    if (msg.type() === "error") errors.push(`console: ${msg.text()}`);
  });
  page.on("pageerror", (err) => errors.push(`pageerror: ${err.message}`));
  page.on("requestfailed", (req) => errors.push(`request failed: ${req.url()}`));
  await page.goto(env.url + hash);
  await page.waitForFunction(() => window.__dyn && window.__dyn.firstFrame !== null, null, { timeout: 15_000 });
  await page.evaluate(() => window.__dyn.ready);
  return { page, context, errors };
}

/** The ids of the panels on the page, in document order. */
export function panelIds(page) {
  return page.evaluate(() => [...document.querySelectorAll("[data-panel]")].map((e) => e.dataset.panel));
}

/** Scrolls a figure into view and waits until it has drawn a frame there. */
export async function showFigure(page, id) {
  const before = await page.evaluate((id) => window.__dyn.figures[id].state().frames, id);
  await page.locator(`[data-panel="${id}"] canvas`).scrollIntoViewIfNeeded();
  await page.waitForFunction(
    ([id, n]) => window.__dyn.figures[id].state().frames > n || !window.__dyn.figures[id].state().playing,
    [id, before],
  );
}

/**
 * Reads a figure's canvas pixels: the number of distinct colours (up to a cap), a checksum of all pixels, and
 * the mean luminance (0 to 1) of its corner pixels, which show the figure's background.
 */
export function canvasProbe(page, id) {
  return page.evaluate((id) => {
    const canvas = document.querySelector(`[data-panel="${id}"] canvas`);
    const ctx = canvas.getContext("2d");
    const { data, width, height } = ctx.getImageData(0, 0, canvas.width, canvas.height);
    const words = new Uint32Array(data.buffer);
    const colours = new Set();
    let sum = 0;
    for (let i = 0; i < words.length; i++) {
      if (colours.size < 4096) colours.add(words[i]);
      sum = (Math.imul(sum, 31) + words[i]) | 0;
    }
    const lum = (x, y) => {
      const o = 4 * (y * width + x);
      return (0.2126 * data[o] + 0.7152 * data[o + 1] + 0.0722 * data[o + 2]) / 255;
    };
    const corners = [lum(1, 1), lum(width - 2, 1), lum(1, height - 2), lum(width - 2, height - 2)];
    return {
      width,
      height,
      colours: colours.size,
      checksum: sum,
      cornerLuminance: corners.reduce((a, b) => a + b, 0) / corners.length,
    };
  }, id);
}

/** The text of one readout (for example "step") of a figure. */
export function readout(page, id, name) {
  return page.locator(`[data-panel="${id}"] [data-readout="${name}"]`).textContent();
}

/** Waits for the given number of animation frames. */
export function frames(page, n = 2) {
  return page.evaluate(
    (n) =>
      new Promise((resolve) => {
        const tick = (k) => (k === 0 ? resolve() : requestAnimationFrame(() => tick(k - 1)));
        tick(n);
      }),
    n,
  );
}
