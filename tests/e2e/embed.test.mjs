// Browser tests of both embed forms in a blog page served from another origin (another port): three iframe
// embeds (one panel twice with different settings, one with theme=dark) with the host script, and two script
// embeds of other panels (one dark). Each paints and animates once scrolled into view and not before, iframes
// fit their content within 2 px at 1280 and 375 px without an inner scrollbar, the host's URL never changes,
// styles stay isolated both ways, and nothing logs an error. Also: an unknown panel shows a clear message.

import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { startServer } from "../../scripts/serve.mjs";
import { RESULTS, setUp } from "./helpers.mjs";

let env;
let blog;
let blogDir;

const IFRAMES = [
  { id: "f1", panel: "simsiam-toy", query: "", hash: "#simsiam-toy.alpha=4", dark: false },
  { id: "f2", panel: "dirac-gan", query: "&theme=dark", hash: "", dark: true },
  { id: "f3", panel: "simsiam-toy", query: "", hash: "#simsiam-toy.mode=full&simsiam-toy.seed=3", dark: false },
];
const SCRIPTS = [
  { id: "s1", panel: "topk", attrs: 'data-settings="n=12" data-seed="4"', dark: false },
  { id: "s2", panel: "multitask", attrs: 'data-theme="dark" data-seed="2"', dark: true },
];

/** A blog post with hostile styles, the five embeds far apart, and the host script. */
function blogPage(site) {
  const gap = '<p class="filler">Some prose between the figures.</p>';
  const frames = IFRAMES.map(
    (f) =>
      `<iframe id="${f.id}" src="${site}embed.html?panel=${f.panel}${f.query}${f.hash}" title="${f.panel}" width="100%" height="300" style="border:0;width:100%"></iframe>`,
  );
  const scripts = SCRIPTS.map((s) => `<div id="${s.id}" data-dynamics-panel="${s.panel}" ${s.attrs}></div>`);
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>A blog post</title><link rel="icon" href="data:,">
<style>
  body { font: 22px/2.2 Georgia, serif; color: #b00; max-width: 720px; margin: 0 auto; padding: 0 12px; }
  div, p { margin: 30px 0; padding: 6px; }
  .filler { height: 1400px; }
  button { background: hotpink !important; font-size: 40px !important; }
  canvas { width: 10px !important; }
  .fig-status, .figure { background: rgb(1, 2, 3); }
</style>
<script src="${site}www/embed-host.js" async></script>
<script type="module" src="${site}www/embed.js"></script>
</head><body>
<h1>My post</h1>
<div class="fig-status" id="leak">A host element that shares a class name with the embeds.</div>
<button id="host-button" type="button">A host button</button>
${frames[0]}
${gap}
${frames[1]}
${gap}
${scripts[0]}
${gap}
${frames[2]}
${gap}
${scripts[1]}
${gap}
</body></html>`;
}

before(async () => {
  env = await setUp();
  blogDir = mkdtempSync(join(tmpdir(), "blog-"));
  writeFileSync(join(blogDir, "index.html"), blogPage(env.url));
  writeFileSync(
    join(blogDir, "missing.html"),
    `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Missing</title><link rel="icon" href="data:,">
<script type="module" src="${env.url}www/embed.js"></script></head><body>
<div id="m" data-dynamics-panel="no-such-figure"></div>
<iframe id="mf" src="${env.url}embed.html?panel=no-such-figure" title="missing" width="600" height="300"></iframe>
</body></html>`,
  );
  blog = await startServer({ root: blogDir });
  assert.notEqual(new URL(blog.url).origin, new URL(env.url).origin);
});

after(async () => {
  await blog?.close();
  await env?.close();
  if (blogDir) rmSync(blogDir, { recursive: true, force: true });
});

/** Opens the blog page and collects errors from every frame. */
async function openBlog({ width, height, colorScheme = "light", path = "" }) {
  const context = await env.browser.newContext({ viewport: { width, height }, colorScheme });
  const page = await context.newPage();
  const errors = [];
  page.on("console", (msg) => msg.type() === "error" && errors.push(`console: ${msg.text()}`));
  page.on("pageerror", (err) => errors.push(`pageerror: ${err.message}`));
  page.on("requestfailed", (req) => errors.push(`request failed: ${req.url()}`));
  const navigations = [];
  await page.goto(blog.url + path);
  page.on("framenavigated", (frame) => frame === page.mainFrame() && navigations.push(frame.url()));
  return { context, page, errors, navigations };
}

/** The embed page's frame of an iframe, once its figure exists. */
async function frameOf(page, id) {
  const handle = await page.locator(`#${id}`).elementHandle();
  const frame = await handle.contentFrame();
  await frame.waitForFunction(() => window.__dyn && Object.keys(window.__dyn.figures).length === 1, null, {
    timeout: 20_000,
  });
  return frame;
}

/** An iframe embed's figure state. */
function frameState(frame) {
  return frame.evaluate(() => Object.values(window.__dyn.figures)[0].state());
}

/** A script embed's figure state. */
async function scriptState(page, id) {
  await page.waitForFunction((id) => document.getElementById(id).dynamics, id, { timeout: 20_000 });
  return page.evaluate((id) => document.getElementById(id).dynamics.state(), id);
}

/** Pixel facts of a canvas: distinct colours and the mean luminance of its corners. */
const PROBE = (canvas) => {
  const ctx = canvas.getContext("2d");
  const { data, width, height } = ctx.getImageData(0, 0, canvas.width, canvas.height);
  const colours = new Set();
  const words = new Uint32Array(data.buffer);
  for (let i = 0; i < words.length && colours.size < 256; i += 7) colours.add(words[i]);
  const lum = (x, y) => {
    const o = 4 * (y * width + x);
    return (0.2126 * data[o] + 0.7152 * data[o + 1] + 0.0722 * data[o + 2]) / 255;
  };
  return {
    colours: colours.size,
    corner: (lum(1, 1) + lum(width - 2, 1) + lum(1, height - 2) + lum(width - 2, height - 2)) / 4,
    cssWidth: canvas.getBoundingClientRect().width,
  };
};

for (const [width, height] of [
  [1280, 800],
  [375, 740],
]) {
  test(`a blog on another origin at ${width} px: every embed paints, animates in view only, and fits`, async () => {
    const { context, page, errors, navigations } = await openBlog({ width, height });
    const startUrl = page.url();
    const historyLength = await page.evaluate(() => history.length);

    // Before scrolling, the embeds below the fold have not stepped.
    // (Chromium does not even run animation frames in a cross-origin iframe off screen.)
    const last = await frameOf(page, "f3");
    await page.waitForTimeout(500);
    assert.equal((await frameState(last)).steps, 0, "an embed off screen must not animate");
    assert.equal((await scriptState(page, "s2")).steps, 0, "a script embed off screen must not animate");
    // ...but it is already as tall as its content, so that the host page does not jump when a reader scrolls to
    // it (Chromium defers ResizeObserver callbacks in an off-screen cross-origin iframe; a 77 px iframe was seen).
    await last.waitForFunction(() => window.__dyn.figures && Object.keys(window.__dyn.figures).length > 0);
    const content = await last.evaluate(() => document.querySelector(".embed-root").getBoundingClientRect().height);
    await page.waitForFunction(
      ([id, want]) => Math.abs(document.getElementById(id).getBoundingClientRect().height - want) <= 2,
      ["f3", content],
      { timeout: 5000 },
    );

    for (const f of IFRAMES) {
      await page.locator(`#${f.id}`).scrollIntoViewIfNeeded();
      const frame = await frameOf(page, f.id);
      await frame.waitForFunction(() => {
        const s = Object.values(window.__dyn.figures)[0].state();
        return s.steps > 20 && s.frames > 3;
      });
      const probe = await frame.evaluate(PROBE, await frame.$("canvas"));
      assert.ok(probe.colours >= 16, `${f.id}: ${probe.colours} colours`);
      assert.equal(probe.corner < 0.3, f.dark, `${f.id}: corner luminance ${probe.corner}`);
      // Auto-height: the iframe matches its content, and the content does not scroll inside it.
      await page.waitForFunction(
        async (id) => {
          const el = document.getElementById(id);
          return Math.abs(el.getBoundingClientRect().height - Number.parseFloat(el.style.height || "0")) < 1;
        },
        f.id,
      );
      const outer = await page.evaluate((id) => document.getElementById(id).getBoundingClientRect().height, f.id);
      const inner = await frame.evaluate(() => ({
        content: document.querySelector(".embed-root").getBoundingClientRect().height,
        scroll: document.documentElement.scrollHeight,
        client: document.documentElement.clientHeight,
      }));
      assert.ok(Math.abs(outer - inner.content) <= 2, `${f.id}: iframe ${outer}px, content ${inner.content}px`);
      assert.ok(inner.scroll <= inner.client, `${f.id}: scrolls inside (${inner.scroll} > ${inner.client})`);
    }

    for (const s of SCRIPTS) {
      await page.locator(`#${s.id}`).scrollIntoViewIfNeeded();
      await page.waitForFunction(
        (id) => {
          const st = document.getElementById(id).dynamics?.state();
          return st && st.steps > 20 && st.frames > 3;
        },
        s.id,
      );
      const canvas = await page.evaluateHandle((id) => document.getElementById(id).shadowRoot.querySelector("canvas"), s.id);
      const probe = await page.evaluate(PROBE, canvas);
      assert.ok(probe.colours >= 16, `${s.id}: ${probe.colours} colours`);
      assert.equal(probe.corner < 0.3, s.dark, `${s.id}: corner luminance ${probe.corner}`);
      assert.ok(probe.cssWidth > 200, `${s.id}: the host's canvas rule reached the embed (${probe.cssWidth}px)`);
      const play = await page.evaluate((id) => {
        const b = document.getElementById(id).shadowRoot.querySelector('[data-action="play"]');
        const cs = getComputedStyle(b);
        return { bg: cs.backgroundColor, size: cs.fontSize };
      }, s.id);
      assert.notEqual(play.bg, "rgb(255, 105, 180)", "the host's button style reached the embed");
      assert.notEqual(play.size, "40px");
    }

    // The embeds' styles do not leak into the host page.
    const leak = await page.evaluate(() => ({
      status: getComputedStyle(document.getElementById("leak")).borderTopStyle,
      button: getComputedStyle(document.getElementById("host-button")).backgroundColor,
    }));
    assert.equal(leak.status, "none");
    assert.equal(leak.button, "rgb(255, 105, 180)");

    // Interacting with the embeds never changes the host's URL or history.
    await page.locator("#s1").scrollIntoViewIfNeeded();
    await page.locator('#s1 [data-action="settings"]').click();
    await page.locator('#s1 [data-action="step-1"]').click();
    const f1 = await frameOf(page, "f1");
    await page.locator("#f1").scrollIntoViewIfNeeded();
    await f1.locator('[data-action="settings"]').click();
    await f1.locator('[data-action="play"]').click();
    await page.waitForTimeout(300);
    assert.equal(page.url(), startUrl);
    assert.deepEqual(navigations, []);
    assert.equal(await page.evaluate(() => history.length), historyLength);

    await page.evaluate(() => window.scrollTo(0, 0));
    await page.screenshot({ path: join(RESULTS, `blog-${width}-light.png`) });
    assert.deepEqual(errors, []);
    await context.close();
  });
}

test("embeds in a dark blog page follow the system theme; screenshots", async () => {
  for (const [width, height] of [
    [1280, 800],
    [375, 740],
  ]) {
    const { context, page, errors } = await openBlog({ width, height, colorScheme: "dark" });
    const frame = await frameOf(page, "f1");
    await frame.waitForFunction(() => Object.values(window.__dyn.figures)[0].state().frames > 0);
    const probe = await frame.evaluate(PROBE, await frame.$("canvas"));
    assert.ok(probe.corner < 0.3, `theme=auto under a dark scheme: ${probe.corner}`);
    await page.locator("#s1").scrollIntoViewIfNeeded();
    await page.waitForFunction(() => document.getElementById("s1").dynamics?.state().frames > 1);
    await page.screenshot({ path: join(RESULTS, `blog-${width}-dark.png`) });
    assert.deepEqual(errors, []);
    await context.close();
  }
});

test("an unknown panel shows a clear message in both embed forms", async () => {
  const { context, page, errors } = await openBlog({ width: 800, height: 800, path: "missing.html" });
  await page.waitForFunction(() => document.getElementById("m").shadowRoot?.querySelector(".fig-status")?.textContent);
  const text = await page.evaluate(() => document.getElementById("m").shadowRoot.querySelector(".fig-status").textContent);
  assert.match(text, /no figure called "no-such-figure"/);
  const frame = await (await page.locator("#mf").elementHandle()).contentFrame();
  await frame.waitForFunction(() => document.querySelector(".fig-status")?.textContent);
  const inFrame = await frame.evaluate(() => ({
    text: document.querySelector(".fig-status").textContent,
    visible: document.querySelector(".fig-status").getBoundingClientRect().height > 10,
  }));
  assert.match(inFrame.text, /no figure called "no-such-figure"/);
  assert.ok(inFrame.visible);
  assert.deepEqual(errors, []);
  await context.close();
});

test("the embed page's options: controls, autoplay and notices", async () => {
  const context = await env.browser.newContext({ viewport: { width: 700, height: 900 } });
  const page = await context.newPage();
  const errors = [];
  page.on("console", (msg) => msg.type() === "error" && errors.push(msg.text()));
  await page.goto(`${env.url}embed.html?panel=topk&controls=open&autoplay=false&theme=purple#topk.k=2&dirac-gan.seed=3`);
  await page.waitForFunction(() => window.__dyn?.firstFrame != null);
  await page.waitForTimeout(300);
  assert.equal(await page.locator(".fig-settings").isVisible(), true);
  assert.equal(await page.locator('[data-action="settings"]').getAttribute("aria-expanded"), "true");
  const s = await page.evaluate(() => window.__dyn.figures.topk.state());
  assert.equal(s.playing, false);
  assert.equal(s.steps, 0);
  const notice = await page.locator(".embed-notice").textContent();
  assert.match(notice, /theme=purple/);
  assert.match(notice, /dirac-gan/);
  const link = await page.locator(".explorer-link").getAttribute("href");
  assert.ok(link.startsWith(`${env.url}index.html#`) && link.includes("topk.k=2") && link.includes("topk.step=0"), link);

  await page.goto(`${env.url}embed.html?panel=topk&controls=none`);
  await page.waitForFunction(() => window.__dyn?.firstFrame != null);
  assert.equal(await page.locator('[data-action="settings"]').count(), 0);
  assert.equal(await page.locator(".fig-params").count(), 0);
  assert.deepEqual(errors, []);
  await context.close();
});

test("under prefers-reduced-motion an embed does not autoplay", async () => {
  const context = await env.browser.newContext({ viewport: { width: 700, height: 900 }, reducedMotion: "reduce" });
  const page = await context.newPage();
  await page.goto(`${env.url}embed.html?panel=dirac-gan&autoplay=true`);
  await page.waitForFunction(() => window.__dyn?.firstFrame != null);
  await page.waitForTimeout(400);
  const s = await page.evaluate(() => window.__dyn.figures["dirac-gan"].state());
  assert.equal(s.playing, false);
  assert.equal(s.steps, 0);
  await context.close();
});
