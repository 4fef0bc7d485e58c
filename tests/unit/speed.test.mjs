// Unit tests of www/speed.js: the "auto" steps per frame and the rates shown beside it (pure, fake clocks).

import assert from "node:assert/strict";
import { test } from "node:test";
import { AutoSpeed, RATE_GAP_MS, RateMeter } from "../../www/speed.js";

/** Plays `frames` frames of `steps` steps every `dt` ms from `t`, each taking `ms`; returns the next time. */
function play(meter, t, frames, steps, dt, ms = 2) {
  for (let i = 0; i < frames; i++, t += dt) meter.record(t, steps, ms);
  return t;
}

test("a stall before the first frames (opening a link) is not read as a slow figure", () => {
  // Seen on the page: Dirac-GAN opened from `#dirac-gan.loss=wgan` showed "steps/s 2": its first frame (4 steps),
  // then the page's start-up held the next one back for 2 s, and the first window spanned both.
  const meter = new RateMeter();
  meter.record(1000, 4, 2);
  meter.record(3000, 4, 2);
  assert.equal(meter.stepsPerSec, null, "no reading yet rather than one spanning the stall");
  let t = play(meter, 3016, 40, 4, 16);
  // 4 steps every 16 ms is 250 steps/s.
  assert.ok(meter.stepsPerSec > 240 && meter.stepsPerSec <= 260, `steps/s ${meter.stepsPerSec}`);
  assert.equal(meter.msPerFrame, 2);
  // A stall in the middle of a run restarts the window and keeps the last numbers shown meanwhile.
  t += 5000;
  meter.record(t, 4, 2);
  assert.ok(meter.stepsPerSec > 240, `steps/s after a stall ${meter.stepsPerSec}`);
  play(meter, t + 16, 40, 8, 16);
  assert.ok(meter.stepsPerSec > 490 && meter.stepsPerSec <= 510, `steps/s ${meter.stepsPerSec}`);
});

test("a figure whose every frame comes late (a loaded machine) still shows its rate", () => {
  const meter = new RateMeter();
  // 3 steps every 400 ms: 7.5 steps/s, measured once two long intervals in a row show that this is its pace.
  play(meter, 0, 10, 3, 400);
  assert.equal(meter.stepsPerSec, 7.5);
});

test("steady frames give the exact rate, slow ones below the gap still count", () => {
  const meter = new RateMeter();
  assert.equal(meter.stepsPerSec, null);
  play(meter, 100, 60, 10, 100);
  // Frames 100 ms apart (a heavy figure at 10 frames/s) are an animation, not a gap: 100 steps/s.
  assert.ok(100 < RATE_GAP_MS);
  assert.equal(meter.stepsPerSec, 100);
  meter.reset();
  assert.equal(meter.stepsPerSec, null);
  meter.reset(true);
});

test("auto grows to its cap for a cheap panel and stays within the budget for a costly one", () => {
  let t = 0;
  const now = () => t;
  // Cheap: 0.01 ms a step, cap 20 (Dirac-GAN's): the plan reaches the cap within a few frames.
  const cheap = new AutoSpeed(4, 20);
  for (let f = 0; f < 30; f++) cheap.run((n) => ((t += 0.01 * n), n), now);
  assert.equal(cheap.steps(), 20);
  // Costly: 1 ms a step, no cap to speak of: the plan settles near the 6 ms budget.
  const costly = new AutoSpeed(4, 10_000);
  for (let f = 0; f < 60; f++) costly.run((n) => ((t += 1 * n), n), now);
  assert.ok(Math.abs(costly.steps() - 6) <= 1, `plan ${costly.steps()}`);
  // A slow first frame (a rebuild or compilation inside the first step) shrinks the plan only for a while.
  const probe = new AutoSpeed(20, 20);
  probe.run((n) => ((t += 200 + 0.01 * (n - 1)), n), now);
  assert.ok(probe.steps() < 20);
  for (let f = 0; f < 30; f++) probe.run((n) => ((t += 0.01 * n), n), now);
  assert.equal(probe.steps(), 20);
});
