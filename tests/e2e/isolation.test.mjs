// Browser tests of failure handling: a Rust panic stops only its own figure, and a diverging simulation stops
// with its last finite picture and a "diverged at step N" message.

import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { canvasProbe, openPage, panelIds, setUp } from "./helpers.mjs";

let env;

before(async () => {
  env = await setUp();
});

after(async () => {
  await env?.close();
});

test("a panic in one figure shows an error there and the other figures keep running", async () => {
  // A tall viewport keeps several figures on screen at once; the rest are scrolled into view below.
  const { page, context, errors } = await openPage(env, { width: 1280, height: 4000 });
  const [victim, ...others] = await panelIds(page);
  assert.ok(others.length > 0, "this test needs at least two figures");
  await page.evaluate((id) => window.__dyn.figures[id].call("debug_panic"), victim);

  const state = await page.evaluate((id) => window.__dyn.figures[id].state(), victim);
  assert.equal(state.failed, true);
  const status = await page.locator(`[data-panel="${victim}"] .fig-status`).textContent();
  assert.match(status, /internal error/i);
  assert.equal(await page.locator(`[data-panel="${victim}"] [data-action="play"]`).isDisabled(), true);
  assert.ok(errors.length > 0, "the panic should be logged to the console");

  for (const id of others) {
    // Only figures on screen animate, so bring each one into view before expecting it to step.
    await page.locator(`[data-panel="${id}"] canvas`).scrollIntoViewIfNeeded();
    const before = await page.evaluate((id) => window.__dyn.figures[id].state().steps, id);
    await page.waitForFunction(
      ([id, n]) => {
        const s = window.__dyn.figures[id].state();
        return s.steps > n || !s.playing;
      },
      [id, before],
    );
    // A run that settled has paused itself: it must still step when asked.
    const paused = await page.evaluate((id) => window.__dyn.figures[id].state(), id);
    if (!paused.playing) {
      await page.locator(`[data-panel="${id}"] [data-action="step-1"]`).click();
      await page.waitForFunction(([id, n]) => window.__dyn.figures[id].state().steps > n, [id, paused.steps]);
    }
    const other = await page.evaluate((id) => window.__dyn.figures[id].state(), id);
    assert.equal(other.failed, false);
    assert.equal(await page.locator(`[data-panel="${id}"] .fig-status`).textContent(), "");
  }
  await context.close();
});

test("a diverging run stops, keeps its picture and offers a reset", async () => {
  const hash = "#simsiam-toy.lr=0.2&simsiam-toy.alpha=100&simsiam-toy.phi0=2&simsiam-toy.theta0=1.5";
  const { page, context, errors } = await openPage(env, { hash });
  const fig = page.locator('[data-panel="simsiam-toy"]');
  await fig.locator("canvas").scrollIntoViewIfNeeded();
  await page.waitForFunction(() => window.__dyn.figures["simsiam-toy"].state().diverged !== null);
  const state = await page.evaluate(() => window.__dyn.figures["simsiam-toy"].state());
  assert.equal(state.playing, false);
  assert.match(await fig.locator(".fig-status").textContent(), new RegExp(`Diverged at step ${state.diverged}`));
  assert.ok((await canvasProbe(page, "simsiam-toy")).colours >= 16, "the last finite picture must stay");
  assert.equal(await fig.locator('[data-action="play"]').isDisabled(), true);
  await fig.locator('[data-action="reset-diverged"]').click();
  const steps = await page.evaluate(() => window.__dyn.figures["simsiam-toy"].state().steps);
  assert.ok(steps < state.diverged, "reset must go back to the start");
  assert.deepEqual(errors, []);
  await context.close();
});
