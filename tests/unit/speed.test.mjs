// Unit tests of www/speed.js: the "auto" steps per frame and the rates shown beside it (pure, fake clocks).

import assert from "node:assert/strict";
import { test } from "node:test";
import { alignChunk, AutoSpeed, FixedSpeed, HARD_LIMIT_MS, RATE_GAP_MS, RateMeter } from "../../www/speed.js";

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

/**
 * A fake panel on a fake clock: each step costs `cost(i)` ms (i counts all steps taken), `stopAt` steps end the
 * run (step(n) then takes fewer). Records every frame's stepping time and steps.
 */
function fakePanel(cost, stopAt = Infinity) {
  const p = { t: 0, steps: 0, calls: 0 };
  p.now = () => p.t;
  p.step = (n) => {
    p.calls += 1;
    const go = Math.max(0, Math.min(n, stopAt - p.steps));
    for (let i = 0; i < go; i++) p.t += cost(p.steps++);
    return go;
  };
  /** Runs one frame of `speed` and returns its stepping time and steps. */
  p.frame = (speed) => {
    const t0 = p.t;
    const taken = speed.run(p.step, p.now);
    return { ms: p.t - t0, taken };
  };
  return p;
}

test("a fixed speed that fits the limit takes every step it asks for, in few calls", () => {
  // 5000 steps at 0.002 ms (10 ms a frame): never capped.
  const p = fakePanel(() => 0.002);
  const speed = new FixedSpeed(5000);
  for (let f = 0; f < 20; f++) {
    const { ms, taken } = p.frame(speed);
    assert.equal(taken, 5000);
    assert.ok(Math.abs(ms - 10) < 1e-6, `${ms} ms`);
  }
  assert.equal(speed.lastCapped, false);
  assert.deepEqual(speed.report(), { capped: false, stepsPerFrame: 5000 });
  // After the first frame (one probing step, then chunks) one call a frame does it.
  const calls = p.calls;
  p.frame(speed);
  assert.equal(p.calls - calls, 1);
});

test("a fixed speed too heavy for one frame is capped at the 50 ms limit and says so", () => {
  assert.equal(HARD_LIMIT_MS, 50);
  // Lion per-step at a 200 000-token vocabulary: about 20 ms a step; 5000 steps a frame would be 100 s.
  for (const cost of [0.3, 1, 7, 20, 44]) {
    const p = fakePanel(() => cost);
    const speed = new FixedSpeed(5000);
    let most = 0;
    let steps = 0;
    for (let f = 0; f < 30; f++) {
      const { ms, taken } = p.frame(speed);
      most = Math.max(most, ms);
      steps += taken;
      assert.ok(taken >= 1, "every frame makes progress");
    }
    assert.ok(most <= HARD_LIMIT_MS, `cost ${cost} ms: a frame stepped ${most} ms`);
    // It is not timid either: at least half the limit is used (one step at a time when a step is that dear).
    const perFrame = steps / 30;
    assert.ok(perFrame * cost >= Math.min(HARD_LIMIT_MS / 2, cost), `cost ${cost}: ${perFrame} steps a frame`);
    assert.equal(speed.lastCapped, true);
    const report = speed.report();
    assert.equal(report.capped, true);
    assert.equal(report.stepsPerFrame, perFrame);
    // A report starts a new window.
    assert.deepEqual(speed.report(), { capped: false, stepsPerFrame: null });
  }
});

test("a single step dearer than the limit is taken alone, one per frame", () => {
  const p = fakePanel(() => 120);
  const speed = new FixedSpeed(10);
  for (let f = 0; f < 5; f++) assert.deepEqual(p.frame(speed), { ms: 120, taken: 1 });
  assert.equal(speed.report().capped, true);
});

test("steps that suddenly cost more (within a frame or after a change of setting) overrun by little", () => {
  // Cheap for 2000 steps, then 100 times dearer (0.02 ms -> 2 ms) in the middle of a frame. The chunk in which
  // the cost changes overruns (nothing can know before it runs), but the next frame sizes its first chunk from the
  // last chunk's cost, not from the frame's mean (which still looks cheap), so it is within the limit already.
  const p = fakePanel((i) => (i < 2000 ? 0.02 : 2));
  const speed = new FixedSpeed(5000);
  const frames = Array.from({ length: 10 }, () => p.frame(speed));
  const change = frames.findIndex((f, i) => frames.slice(0, i + 1).reduce((a, b) => a + b.taken, 0) > 2000);
  assert.equal(change, 0);
  for (const { ms } of frames.slice(change + 1)) assert.ok(ms <= HARD_LIMIT_MS, `frame of ${ms} ms after the change`);
  // A new setting that makes every step 2000 times dearer: the figure calls forget(), so the next frame probes
  // with one step instead of taking the whole target at the old cost (which would take 40 s).
  const q = fakePanel((i) => (i < 2000 ? 0.01 : 20));
  const s2 = new FixedSpeed(2000);
  assert.equal(q.frame(s2).taken, 2000);
  s2.forget();
  const after = q.frame(s2);
  assert.ok(after.ms <= HARD_LIMIT_MS, `first frame after the change: ${after.ms} ms`);
  // Even without forget(), a drift of the cost between frames is bounded: the first chunk of a frame is sized to a
  // quarter of the limit at the last cost, so steps up to four times dearer still end within the limit.
  let cost = 0.01;
  const r = fakePanel(() => cost);
  const s3 = new FixedSpeed(20_000);
  for (let f = 0; f < 8; f++) {
    if (f === 3) cost = 0.04;
    const { ms } = r.frame(s3);
    assert.ok(ms <= HARD_LIMIT_MS, `frame ${f}: ${ms} ms`);
  }
});

test("a run that stops (diverges, or reaches its end) is not reported as capped", () => {
  const p = fakePanel(() => 0.01, 120);
  const speed = new FixedSpeed(100);
  assert.equal(p.frame(speed).taken, 100);
  assert.equal(p.frame(speed).taken, 20);
  assert.equal(speed.lastCapped, false);
  assert.equal(p.frame(speed).taken, 0);
  assert.deepEqual(speed.report(), { capped: false, stepsPerFrame: 40 });
});

test("a coarse clock that does not move does not stall the stepping", () => {
  const p = { t: 0, step: (n) => n, now: () => 0 };
  const speed = new FixedSpeed(3000);
  assert.equal(speed.run(p.step, p.now), 3000);
  assert.equal(speed.run(p.step, p.now), 3000);
});

test("a coarse clock that reads 0 for a cheap first step does not let the frame take the whole target", () => {
  // A browser's clock moves in 0.1 ms ticks: one step of 0.05 ms reads 0 ms. Taking the other 4999 steps at once
  // would be 250 ms; doubling the chunk until the clock moves stays within the limit.
  let t = 0;
  const now = () => Math.floor(t / 0.1) * 0.1;
  const step = (n) => ((t += 0.05 * n), n);
  const speed = new FixedSpeed(5000);
  for (let f = 0; f < 5; f++) {
    const t0 = t;
    const taken = speed.run(step, now);
    assert.ok(t - t0 <= HARD_LIMIT_MS, `frame ${f}: ${t - t0} ms for ${taken} steps`);
    assert.ok(taken >= 500, `frame ${f}: only ${taken} steps`);
  }
});

test("chunks of steps in parts end at step boundaries, and a frame that completed a step stops at one", () => {
  // One unit per step: unchanged.
  assert.equal(alignChunk(7, 1, 0, 3), 7);
  // 10 units a step, 4 done: a chunk reaching the end is cut at the last boundary it reaches.
  assert.equal(alignChunk(6, 10, 4, 0), 6);
  assert.equal(alignChunk(15, 10, 4, 0), 6);
  assert.equal(alignChunk(26, 10, 4, 0), 26);
  assert.equal(alignChunk(29, 10, 4, 0), 26);
  // Short of the end: a step in progress goes on; at a boundary a step begins unless one completed in this frame.
  assert.equal(alignChunk(3, 10, 4, 1), 3);
  assert.equal(alignChunk(3, 10, 0, 0), 3);
  assert.equal(alignChunk(3, 10, 0, 1), 0);
});

/**
 * A panel whose steps come in `u` units of work costing `cost` ms each (the first unit of a step is the batch), with
 * the units of the step in progress kept between frames as the page reads them (`units_done`).
 */
function fakeParts(u, cost) {
  const p = { t: 0, units: 0 };
  p.now = () => p.t;
  p.work = (n) => {
    p.t += n * cost;
    p.units += n;
    return n;
  };
  p.steps = () => Math.floor(p.units / u);
  p.pos = () => p.units % u;
  return p;
}

test("a step dearer than a frame is taken in parts, each frame within the limit", () => {
  // AdamW with subnormal moments at V = 200 000, d = 32: 50 units of about 13 ms, 650 ms a step.
  for (const [u, cost] of [
    [50, 13],
    [50, 0.4],
    [6, 0.3],
  ]) {
    const p = fakeParts(u, cost);
    const speed = new FixedSpeed(5000);
    let most = 0;
    for (let f = 0; f < 200; f++) {
      const t0 = p.t;
      const s0 = p.steps();
      const taken = speed.run(p.work, p.now, undefined, u, p.pos());
      most = Math.max(most, p.t - t0);
      assert.ok(taken >= 1);
      // A frame that completed a step ends on a boundary (the picture drawn is of a completed step).
      if (p.steps() > s0) assert.equal(p.pos(), 0, `u ${u}, cost ${cost}: frame ${f} ends inside a step`);
    }
    assert.ok(most <= HARD_LIMIT_MS, `u ${u}, cost ${cost}: a frame stepped ${most} ms`);
    assert.ok(p.steps() >= Math.floor((200 * 0.4 * HARD_LIMIT_MS) / (u * cost)) || p.steps() >= 200, `u ${u}, cost ${cost}: ${p.steps()} steps`);
  }
  // Auto in parts: the budget holds, and frames that complete a step end on a boundary.
  const p = fakeParts(50, 0.4);
  const auto = new AutoSpeed(8, 5000, { budget: 4 });
  auto.setUnits(50);
  for (let f = 0; f < 100; f++) {
    const t0 = p.t;
    const s0 = p.steps();
    auto.run(p.work, p.now, p.pos());
    assert.ok(p.t - t0 <= 4 + 0.4 + 1e-9, `auto frame ${f}: ${p.t - t0} ms`);
    if (p.steps() > s0) assert.equal(p.pos(), 0);
  }
  assert.ok(p.steps() >= 15, `${p.steps()} steps in 100 frames of 4 ms at 20 ms a step`);
});
