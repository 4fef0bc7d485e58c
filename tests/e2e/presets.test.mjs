// Browser tests of presets, their claims and settling (issue 15): a preset button applies the preset's complete
// setting and seed, so clicking preset A after any other preset gives the same hash as A on a fresh figure; the
// "Watch for" line names the claim in force and marks it once it has shown; Top-k's presets do not start
// playing; a run that settles pauses itself with a note and resumes with the Play button.

import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { frames, openPage, setUp, showFigure } from "./helpers.mjs";

/** A preset whose claim shows within a second at the default speed (measured: about 200 steps). */
const QUICK = { panel: "multitask", preset: "no-replay" };
/** A preset whose run settles within a few seconds at the default speed. */
const SETTLING = { panel: "multitask", preset: "x1000" };

let env;

before(async () => {
  env = await setUp();
});

after(async () => {
  await env?.close();
});

/** Clicks a preset button of a figure and waits until the figure has applied it (its button is pressed). */
async function clickPreset(page, panel, preset) {
  await page.locator(`[data-panel="${panel}"] .fig-presets button[data-preset="${preset}"]`).click();
  await page.waitForFunction(
    ([panel, preset]) => window.__dyn.figures[panel].call("active_preset") === preset,
    [panel, preset],
    { timeout: 10_000 },
  );
}

/** The URL hash's entries of one panel, as sorted `key=value` texts. */
function hashOf(page, panel) {
  return page.evaluate((panel) => {
    const h = location.hash.replace(/^#/, "");
    if (!h) return [];
    return h
      .split("&")
      .map((part) => decodeURIComponent(part))
      .filter((part) => part.startsWith(`${panel}.`))
      .map((part) => part.slice(panel.length + 1))
      .sort();
  }, panel);
}

test("every preset clicked after every other preset of its panel gives the hash of a fresh click", async () => {
  // Reduced motion: figures start paused and presets do not play, so the hash holds settings only (no `step`).
  const { page, context, errors } = await openPage(env, { width: 1280, height: 900, reducedMotion: "reduce" });
  const panels = await page.evaluate(() =>
    window.__dyn.panels.filter((p) => p.presets.length).map((p) => ({ id: p.id, presets: p.presets.map((q) => q.id) })),
  );
  assert.ok(panels.length >= 8, `only ${panels.length} panels have presets`);
  let checked = 0;
  for (const { id, presets } of panels) {
    await showFigure(page, id);
    // The reference: each preset applied to a brand-new figure of the panel (its own wasm Figure on a detached
    // canvas, which nothing else touched), as `key=value` texts of its hash entries.
    const fresh = await page.evaluate(
      ([id, presets]) => {
        const Figure = window.__dyn.figures[id].view.Figure;
        const out = {};
        for (const preset of presets) {
          const f = new Figure(id, document.createElement("canvas"));
          f.apply_preset(preset);
          out[preset] = JSON.parse(f.hash_entries())
            .map(([k, v]) => `${k}=${v}`)
            .sort();
          f.free();
        }
        return out;
      },
      [id, presets],
    );
    for (const a of presets) {
      for (const b of presets) {
        if (b === a && presets.length > 1) continue;
        // B, then a few steps and a changed seed (any state), then A.
        await clickPreset(page, id, b);
        await page.locator(`[data-panel="${id}"] [data-action="step-1"]`).click();
        await page.evaluate((id) => window.__dyn.figures[id].view.queue("seed", "12345"), id);
        await page.waitForFunction((id) => window.__dyn.figures[id].call("seed") === 12345, id);
        await clickPreset(page, id, a);
        await page.waitForFunction(
          ([id, want]) => {
            const h = location.hash.replace(/^#/, "");
            const got = (h ? h.split("&") : [])
              .map((p) => decodeURIComponent(p))
              .filter((p) => p.startsWith(`${id}.`))
              .map((p) => p.slice(id.length + 1))
              .sort();
            return JSON.stringify(got) === JSON.stringify(want);
          },
          [id, fresh[a]],
          { timeout: 5_000 },
        ).catch(() => {});
        assert.deepEqual(await hashOf(page, id), fresh[a], `${id}: preset ${a} after ${b}`);
        const state = await page.evaluate((id) => window.__dyn.figures[id].state(), id);
        assert.equal(state.steps, 0, `${id}: preset ${a} after ${b} did not restart at step 0`);
        checked += 1;
      }
    }
  }
  assert.ok(checked > 20, `only ${checked} preset pairs were checked`);
  assert.deepEqual(errors, []);
  await context.close();
});

test("the watch-for line names the claim in force and marks it shown", async () => {
  const { page, context, errors } = await openPage(env, { width: 1280, height: 900 });
  const { panel, preset } = QUICK;
  await showFigure(page, panel);
  const watch = page.locator(`[data-panel="${panel}"] .fig-watch`);
  // At the defaults the line shows only if the defaults are a preset with a claim.
  const atDefaults = await page.evaluate((panel) => window.__dyn.figures[panel].call("claim_json"), panel);
  assert.equal(await watch.isHidden(), atDefaults === "null", `watch-for line at the defaults, claim ${atDefaults}`);
  await clickPreset(page, panel, preset);
  const claim = await page.evaluate(
    ([panel, preset]) => window.__dyn.panels.find((p) => p.id === panel).presets.find((q) => q.id === preset).claim,
    [panel, preset],
  );
  await page.waitForFunction((panel) => {
    const w = document.querySelector(`[data-panel="${panel}"] .fig-watch`);
    return w && !w.hidden && w.textContent.startsWith("Watch for:");
  }, panel);
  assert.equal(await watch.locator(".watch-text").textContent(), `Watch for: ${claim.watch}`);
  await page.waitForFunction(
    (panel) => document.querySelector(`[data-panel="${panel}"] .fig-watch`).classList.contains("shown"),
    panel,
    { timeout: 10_000 },
  );
  assert.match(await watch.locator(".watch-shown").textContent(), /^✓ shown at step \d+$/);
  const button = page.locator(`[data-panel="${panel}"] .fig-presets button[data-preset="${preset}"]`);
  assert.equal(await button.getAttribute("aria-pressed"), "true");
  assert.equal(await button.evaluate((b) => b.classList.contains("claim-shown")), true);
  // Screen readers hear it once, through the figure's polite live region.
  const live = await page.locator(`[data-panel="${panel}"] .fig-presets [aria-live="polite"]`).textContent();
  assert.match(live, /^Shown at step \d+: /);
  // Moving a slider leaves the preset: the line is hidden and no button is pressed.
  await page.evaluate((panel) => window.__dyn.figures[panel].view.queue("seed", "999"), panel);
  await page.waitForFunction(
    (panel) => document.querySelector(`[data-panel="${panel}"] .fig-watch`).hidden,
    panel,
  );
  assert.equal(await button.getAttribute("aria-pressed"), "false");
  assert.deepEqual(errors, []);
  await context.close();
});

test("a Top-k preset click does not start playing, and its picture stays at the preset's tau", async () => {
  const { page, context, errors } = await openPage(env, { width: 1280, height: 900 });
  const id = "topk";
  await showFigure(page, id);
  const button = page.locator(`[data-panel="${id}"] [data-action="play"]`);
  const presets = await page.evaluate(
    (id) => window.__dyn.panels.find((p) => p.id === id).presets.map((q) => q.id),
    id,
  );
  // Playing at first (the page autoplays), then a preset: paused at step 0, and it stays there.
  await page.evaluate((id) => window.__dyn.figures[id].view.setPlaying(true), id);
  await clickPreset(page, id, presets[0]);
  await frames(page, 10);
  const state = await page.evaluate((id) => window.__dyn.figures[id].state(), id);
  assert.equal(state.playing, false);
  assert.equal(state.steps, 0);
  assert.equal(await button.textContent(), "Play");
  assert.deepEqual(errors, []);
  await context.close();
});

test("a settling run pauses itself with a note, and Play resumes it for good", async () => {
  const { page, context, errors } = await openPage(env, { width: 1280, height: 900 });
  const { panel, preset } = SETTLING;
  await showFigure(page, panel);
  await clickPreset(page, panel, preset);
  await page.waitForFunction((panel) => window.__dyn.figures[panel].state().autoPaused, panel, { timeout: 20_000 });
  const state = await page.evaluate((panel) => window.__dyn.figures[panel].state(), panel);
  assert.equal(state.playing, false);
  assert.match(state.settledNote, /^Settled at step \d+\.$/);
  const note = page.locator(`[data-panel="${panel}"] .fig-settled`);
  assert.equal(await note.isVisible(), true);
  const play = page.locator(`[data-panel="${panel}"] [data-action="play"]`);
  assert.equal(await play.textContent(), "Play");
  await play.click();
  await frames(page, 20);
  const resumed = await page.evaluate((panel) => window.__dyn.figures[panel].state(), panel);
  assert.equal(resumed.playing, true, "the resumed run paused again");
  assert.ok(resumed.steps > state.steps, "the resumed run did not step");
  assert.equal(await note.isVisible(), false);
  assert.deepEqual(errors, []);
  await context.close();
});
