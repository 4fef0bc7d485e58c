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

test("the Chinese page speaks Chinese: shell words, control labels, presets and readouts", async () => {
  const { page, context, errors } = await openPage(env, { hash: ZH });
  await showFigure(page, "simsiam-toy");
  const fig = page.locator('[data-panel="simsiam-toy"]');
  assert.equal(await fig.locator('[data-action="step-1"]').textContent(), "单步");
  assert.equal(await fig.locator('[data-action="reset"]').textContent(), "重置");
  assert.match(await fig.locator('[data-action="play"]').textContent(), /^(播放|暂停)$/);
  assert.equal(await fig.locator('[data-action="share"]').textContent(), "分享");
  assert.equal(await fig.locator(".fig-title").textContent(), "SimSiam 玩具模型：(φ, θ) 相平面");
  assert.equal(await fig.locator('[data-key="mode"] legend, [data-key="mode"] label').first().textContent(), "梯度");
  assert.equal(await fig.locator(".readout-table thead th").first().textContent(), "指标");
  assert.equal(await fig.locator("[data-preset]").first().textContent(), "原文起点 (0.6, 0.1)");
  await fig.locator("[data-preset]").first().click();
  await page.waitForFunction(() => /留意：/.test(document.querySelector('[data-panel="simsiam-toy"] .watch-text').textContent));
  // No English word of the shell is left in any figure's controls (symbols, keys and proper names aside).
  const english = await page.evaluate(() => {
    const words = new Set();
    const scope = ".fig-transport, .fig-options, .fig-presets, .readout-table thead, summary, .share-button";
    for (const node of document.querySelectorAll(`:is(${scope}) *, :is(${scope})`)) {
      if (node.children.length || node.closest("select")) continue;
      for (const w of node.textContent.match(/[A-Za-z]{4,}/g) ?? []) if (!/^[A-Z]+$/.test(w)) words.add(w);
    }
    return [...words];
  });
  const names = new Set(["SimSiam", "BYOL", "WGAN", "GAN", "Tiger", "Lion", "AdamW", "InfoNCE", "FlatNCE", "TaiLr", "prompt", "Softmax", "softmax", "Adam", "Top", "recursion", "iterative"]);
  assert.deepEqual(english.filter((w) => !names.has(w)), []);
  assert.deepEqual(errors, []);
  await context.close();
});

test("links and embed code copied on the Chinese page keep the language", async () => {
  const { page, context, errors } = await openPage(env, { hash: `${ZH}#simsiam-toy.alpha=2` });
  await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: new URL(env.url).origin });
  const fig = page.locator('[data-panel="simsiam-toy"]');
  await showFigure(page, "simsiam-toy");
  await page.evaluate(() => window.__dyn.figures["simsiam-toy"].view.setPlaying(false));
  const copy = async (action) => {
    await page.evaluate(() => navigator.clipboard.writeText(""));
    await fig.locator('[data-action="share"]').click();
    await fig.locator(`.share-menu [data-action="${action}"]`).click();
    await page.waitForFunction(() => /已把/.test(document.querySelector('[data-panel="simsiam-toy"] .share-status').textContent));
    return page.evaluate(() => navigator.clipboard.readText());
  };
  const link = await copy("copy-link");
  assert.ok(link.startsWith(new URL("zh/index.html#", env.url).href) && link.includes("simsiam-toy.alpha=2"), link);
  const iframe = await copy("copy-embed");
  const src = /<iframe src="([^"]+)"/.exec(iframe)[1].replace(/&amp;/g, "&");
  assert.ok(src.startsWith(new URL("embed.html?panel=simsiam-toy&lang=zh#", env.url).href), src);
  assert.match(iframe, /（实时图）"/);
  assert.match(await copy("copy-script"), /data-lang="zh"/);

  // The embed opens in Chinese and its "Open in the explorer" link leads back to the Chinese edition.
  const embed = await context.newPage();
  await embed.goto(src);
  await embed.waitForFunction(() => window.__dyn?.firstFrame != null);
  assert.equal(await embed.evaluate(() => document.documentElement.lang), "zh-CN");
  assert.equal(await embed.locator(".explorer-link").textContent(), "在探索页中打开");
  assert.match(await embed.locator(".explorer-link").getAttribute("href"), /\/zh\/index\.html#simsiam-toy\./);
  assert.equal(await embed.locator('[data-action="settings"]').textContent(), "设置");
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
