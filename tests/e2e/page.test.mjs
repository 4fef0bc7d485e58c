// Browser tests of the page's main promises: it loads cleanly, every figure paints, controls move the figure
// and the URL hash, shared links restore their settings, bad links show a notice, and the transport works.

import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { canvasProbe, frames, openPage, panelIds, readout, setUp, showFigure } from "./helpers.mjs";

const TOY = "simsiam-toy";
let env;

before(async () => {
  env = await setUp();
});

after(async () => {
  await env?.close();
});

/** A figure's parameters as the wasm side reports them. */
function params(page, id) {
  return page.evaluate((id) => JSON.parse(window.__dyn.figures[id].call("params_json")), id);
}

/**
 * Pauses a figure through its Play/Pause button. A run that settles pauses itself; if it did so between reading the
 * button and clicking it, the click resumed it, so the button is read and pressed again until the figure is paused.
 */
async function pause(page, id) {
  const button = page.locator(`[data-panel="${id}"] [data-action="play"]`);
  const playing = () => page.evaluate((id) => window.__dyn.figures[id].state().playing, id);
  for (let tries = 0; tries < 5 && (await playing()); tries++) {
    if ((await button.textContent()) === "Pause") await button.click();
    await frames(page, 2);
  }
  await page.waitForFunction((id) => !window.__dyn.figures[id].state().playing, id);
  await frames(page, 2);
}

test("the page loads without console errors and every figure paints", async () => {
  const { page, context, errors } = await openPage(env);
  const ids = await panelIds(page);
  assert.ok(ids.length >= 2, `expected at least two figures, found ${ids.join(", ")}`);
  for (const id of ids) {
    await showFigure(page, id);
    const state = await page.evaluate((id) => window.__dyn.figures[id].state(), id);
    assert.equal(state.failed, false, `${id} failed: ${state.error}`);
    const probe = await canvasProbe(page, id);
    assert.ok(probe.width > 100 && probe.height > 100, `${id} canvas is ${probe.width}x${probe.height}`);
    assert.ok(probe.colours >= 16, `${id} shows only ${probe.colours} distinct colours`);
  }
  const math = await page.locator(".katex").count();
  assert.ok(math >= 5, `expected rendered formulas, found ${math}`);
  assert.deepEqual(errors, []);
  await context.close();
});

test("every registered panel has a figure on the page, and every figure a registered panel", async () => {
  const { page, context } = await openPage(env);
  const registered = await page.evaluate(() => window.__dyn.panels.map((p) => p.id));
  const onPage = await panelIds(page);
  assert.deepEqual(
    registered.filter((id) => !onPage.includes(id)),
    [],
    'add a <div class="figure" data-panel="..."> for these panels to index.html',
  );
  assert.deepEqual(
    onPage.filter((id) => !registered.includes(id)),
    [],
    "these data-panel ids are not registered",
  );
  await context.close();
});

test("moving a slider changes the figure and the URL hash", async () => {
  const { page, context, errors } = await openPage(env);
  await pause(page, TOY);
  const before = await canvasProbe(page, TOY);
  const slider = page.locator(`[data-panel="${TOY}"] [data-key="alpha"] input[type="range"]`);
  await slider.focus();
  await page.keyboard.press("PageUp");
  await page.waitForFunction(() => location.hash.includes("simsiam-toy.alpha="));
  await frames(page, 2);
  const after = await canvasProbe(page, TOY);
  assert.notEqual(after.checksum, before.checksum, "the canvas did not change");
  const alpha = (await params(page, TOY)).alpha;
  assert.ok(alpha > 1, `alpha is ${alpha}`);
  const hash = await page.evaluate(() => location.hash);
  assert.match(hash, new RegExp(`simsiam-toy\\.alpha=${String(alpha).replace(".", "\\.")}(&|$)`));
  const shown = await page.locator(`[data-panel="${TOY}"] [data-key="alpha"] output`).textContent();
  assert.ok(shown.startsWith(String(alpha)), `the slider shows ${shown} for alpha=${alpha}`);
  assert.deepEqual(errors, []);
  await context.close();
});

test("checkboxes, radio buttons and selects change the parameters and the hash", async () => {
  const { page, context, errors } = await openPage(env);
  // log_theta is a rarely used setting: it sits in the collapsed "More settings" group.
  await page.locator(`[data-panel="${TOY}"] .fig-more > summary`).click();
  await page.locator(`[data-panel="${TOY}"] [data-key="log_theta"] input[type="checkbox"]`).check();
  await page.locator(`[data-panel="${TOY}"] [data-key="mode"] input[value="second"]`).check();
  await page.locator('[data-panel="simsiam-linear"] [data-key="variant"] select').selectOption("byol");
  await page.waitForFunction(() =>
    ["simsiam-toy.log_theta=true", "simsiam-toy.mode=second", "simsiam-linear.variant=byol"].every((part) =>
      location.hash.includes(part),
    ),
  );
  assert.equal((await params(page, TOY)).mode, "second");
  assert.equal((await params(page, "simsiam-linear")).variant, "byol");
  assert.deepEqual(errors, []);
  await context.close();
});

test("a link with parameters restores them in the controls and the figure", async () => {
  const { page, context, errors } = await openPage(env, {
    hash: "#simsiam-toy.alpha=4&simsiam-toy.mode=full&simsiam-toy.seed=7",
  });
  const p = await params(page, TOY);
  assert.equal(p.alpha, 4);
  assert.equal(p.mode, "full");
  assert.equal(await page.evaluate(() => window.__dyn.figures["simsiam-toy"].call("seed")), 7);
  assert.equal(await page.locator(`[data-panel="${TOY}"] [data-key="mode"] input[value="full"]`).isChecked(), true);
  assert.match(await page.locator(`[data-panel="${TOY}"] [data-key="alpha"] output`).textContent(), /^4\b/);
  assert.equal(await page.locator(`[data-panel="${TOY}"] input[type="number"][id$="-seed"]`).inputValue(), "7");
  const hash = await page.evaluate(() => location.hash);
  for (const part of ["simsiam-toy.alpha=4", "simsiam-toy.mode=full", "simsiam-toy.seed=7"])
    assert.ok(hash.includes(part), hash);
  assert.equal(await page.locator("#notice").textContent(), "");
  assert.deepEqual(errors, []);
  await context.close();
});

test("a malformed link shows a notice naming the keys and still draws", async () => {
  const { page, context, errors } = await openPage(env, {
    hash: "#simsiam-toy.alpha=banana&nope.x=1&simsiam-toy.lr=99",
  });
  const notice = page.locator("#notice");
  await notice.waitFor({ state: "visible" });
  const text = await notice.textContent();
  for (const key of ["alpha", "nope", "lr"])
    assert.ok(text.includes(key), `the notice does not mention ${key}: ${text}`);
  const p = await params(page, TOY);
  assert.equal(p.alpha, 1, "a malformed value must be ignored");
  assert.ok(p.lr <= 0.2, `lr must be clamped, got ${p.lr}`);
  assert.ok((await canvasProbe(page, TOY)).colours >= 16, "the figure did not draw");
  // Nothing from the hash is ever inserted as markup: the notice holds only plain list items.
  assert.equal(await notice.locator("script, img, a, b, i").count(), 0);
  await notice.getByRole("button", { name: /dismiss/i }).click();
  assert.equal(await notice.isVisible(), false);
  assert.deepEqual(errors, []);
  await context.close();
});

test("markup in the hash is shown as text, never parsed", async () => {
  const hostile = "#simsiam-toy.mode=%3Cimg%20src%3Dx%20onerror%3Dalert(1)%3E&%3Cb%3Ex%3C%2Fb%3E.y=1";
  const { page, context, errors } = await openPage(env, { hash: hostile });
  const notice = page.locator("#notice");
  await notice.waitFor({ state: "visible" });
  assert.equal(await page.locator("#notice img, #notice b").count(), 0);
  assert.deepEqual(errors, []);
  await context.close();
});

test("editing the hash applies it, and an empty hash restores the defaults", async () => {
  const { page, context, errors } = await openPage(env);
  await page.evaluate(() => {
    location.hash = "#simsiam-toy.mode=second";
  });
  await page.waitForFunction(
    () => JSON.parse(window.__dyn.figures["simsiam-toy"].call("params_json")).mode === "second",
  );
  assert.equal(await page.locator(`[data-panel="${TOY}"] [data-key="mode"] input[value="second"]`).isChecked(), true);
  await page.evaluate(() => {
    location.hash = "";
  });
  await page.waitForFunction(() => JSON.parse(window.__dyn.figures["simsiam-toy"].call("params_json")).mode === "sg");
  assert.deepEqual(errors, []);
  await context.close();
});

test("play, pause, step and reset drive the step count", async () => {
  const { page, context, errors } = await openPage(env);
  const fig = page.locator(`[data-panel="${TOY}"]`);
  // Only figures on screen animate; the contents list can push the first figure below the fold.
  await fig.locator("canvas").scrollIntoViewIfNeeded();
  await page.waitForFunction(() => window.__dyn.figures["simsiam-toy"].state().steps > 0);
  await pause(page, TOY);
  const s0 = Number(await readout(page, TOY, "step"));
  await page.waitForTimeout(200);
  assert.equal(Number(await readout(page, TOY, "step")), s0, "a paused figure must not step");

  await fig.locator('[data-action="step-1"]').click();
  await frames(page, 1);
  assert.equal(Number(await readout(page, TOY, "step")), s0 + 1);

  const n = await page.evaluate(() => window.__dyn.figures["simsiam-toy"].state().stepN);
  assert.equal(await fig.locator('[data-action="step-n"]').textContent(), `Step ${n}`);
  await fig.locator('[data-action="step-n"]').click();
  await frames(page, 1);
  assert.equal(Number(await readout(page, TOY, "step")), s0 + 1 + n);

  await fig.locator('[data-action="reset"]').click();
  await frames(page, 1);
  assert.equal(Number(await readout(page, TOY, "step")), 0);

  await fig.locator("select[id$='-speed']").selectOption("5");
  await fig.locator('[data-action="play"]').click();
  assert.equal(await fig.locator('[data-action="play"]').textContent(), "Pause");
  await page.waitForFunction(() => window.__dyn.figures["simsiam-toy"].state().steps >= 20);
  await page.waitForFunction(
    () => document.querySelector('[data-panel="simsiam-toy"] [data-readout="steps/s"]').textContent !== "–",
  );
  assert.deepEqual(errors, []);
  await context.close();
});

test("clicking and dragging on the phase plane sets a new start and writes it to the hash", async () => {
  const { page, context, errors } = await openPage(env);
  const canvas = page.locator(`[data-panel="${TOY}"] canvas`);
  await canvas.scrollIntoViewIfNeeded();
  const box = await canvas.boundingBox();
  await canvas.click({ position: { x: box.width * 0.3, y: box.height * 0.3 } });
  await page.waitForFunction(() => /simsiam-toy\.(phi0|theta0)=/.test(location.hash));
  const clicked = await params(page, TOY);
  assert.ok(clicked.phi0 !== 0.6 || clicked.theta0 !== 0.1, JSON.stringify(clicked));

  await page.mouse.move(box.x + box.width * 0.3, box.y + box.height * 0.3);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width * 0.35, box.y + box.height * 0.6, { steps: 5 });
  await page.mouse.up();
  await page.waitForFunction(
    (t) => JSON.parse(window.__dyn.figures["simsiam-toy"].call("params_json")).theta0 < t,
    clicked.theta0,
  );
  assert.deepEqual(errors, []);
  await context.close();
});

test("preset buttons apply their values and restart the run", async () => {
  const { page, context, errors } = await openPage(env, { width: 1280, height: 4000 });
  const panels = await page.evaluate(() => window.__dyn.panels.filter((p) => p.presets?.length));
  assert.ok(panels.length > 0, "no panel has presets");
  for (const panel of panels) {
    const preset = panel.presets[panel.presets.length - 1];
    // One step per frame, so that "restarted" is visible in the step count (auto may take hundreds per frame).
    await page.evaluate((id) => window.__dyn.figures[id].view.setSpeed(1), panel.id);
    await page.locator(`[data-panel="${panel.id}"] .fig-presets button`, { hasText: preset.label }).click();
    await page.waitForFunction(
      ([id, values]) =>
        values.every(
          ([k, v]) =>
            window.__dyn.figures[id].call("param", k) === v ||
            Number(window.__dyn.figures[id].call("param", k)) === Number(v),
        ),
      [panel.id, preset.values],
    );
    const state = await page.evaluate((id) => window.__dyn.figures[id].state(), panel.id);
    assert.ok(state.steps < 1000, `${panel.id} did not restart (step ${state.steps})`);
  }
  assert.deepEqual(errors, []);
  await context.close();
});

test("the share menu's SVG item downloads the figure as an SVG document", async () => {
  const { page, context, errors } = await openPage(env);
  const [download] = await Promise.all([
    page.waitForEvent("download"),
    page
      .locator(`[data-panel="${TOY}"] [data-action="share"]`)
      .click()
      .then(() => page.locator(`[data-panel="${TOY}"] [data-action="svg"]`).click()),
  ]);
  assert.match(download.suggestedFilename(), /^simsiam-toy.*\.svg$/);
  const chunks = [];
  for await (const chunk of await download.createReadStream()) chunks.push(chunk);
  const svg = Buffer.concat(chunks).toString("utf8");
  assert.match(svg, /<svg[\s>]/);
  assert.ok(svg.length > 1000, `the SVG has only ${svg.length} bytes`);
  assert.deepEqual(errors, []);
  await context.close();
});

test("every control has a label and is reachable by keyboard", async () => {
  const { page, context } = await openPage(env);
  const unlabelled = await page.evaluate(() =>
    [...document.querySelectorAll(".figure input, .figure select, .figure button")]
      .filter((e) => {
        const named =
          e.labels?.length > 0 || e.getAttribute("aria-label") || (e.tagName === "BUTTON" && e.textContent.trim());
        return !named || e.tabIndex < 0;
      })
      .map((e) => e.outerHTML.slice(0, 120)),
  );
  assert.deepEqual(unlabelled, []);
  // Tabbing from the top reaches the first figure's play button.
  let reached = false;
  for (let i = 0; i < 12 && !reached; i++) {
    await page.keyboard.press("Tab");
    reached = await page.evaluate(() => document.activeElement?.dataset.action === "play");
  }
  assert.ok(reached, "Tab never reached a Play/Pause button");
  await context.close();
});
