// Unit tests of www/readouts.js (the readout table's plan) and www/speed.js (the "auto" speed), pure, no browser.

import assert from "node:assert/strict";
import { test } from "node:test";
import { formatGap, formatReadout, readoutPlan } from "../../www/readouts.js";
import { AUTO_BUDGET_MS, AutoSpeed, HARD_LIMIT_MS } from "../../www/speed.js";

const info = (key, label, group, prediction = null, unit = "") => ({ key, label, unit, group, prediction });

test("a prediction fills its metric's row instead of a row of its own", () => {
  const plan = readoutPlan({
    metrics: ["theta", "theta_inf", "t"],
    metrics_info: [info("theta", "θ", "state", "theta_inf"), info("theta_inf", "θ∞", "theory"), info("t", "t", "state")],
  });
  assert.equal(plan.predicted, true);
  assert.equal(plan.matrix, null);
  assert.deepEqual(
    plan.rows.map((r) => [r.group, r.items.map((m) => m.key)]),
    [["state", ["theta", "t"]]],
  );
  assert.equal(plan.rows[0].items[0].prediction, "theta_inf");
});

test("groups with the same labels become one matrix with a row per group", () => {
  const metrics_info = [];
  for (const s of ["equal", "init", "prior"])
    metrics_info.push(info(`${s}_x`, "end x", s), info(`${s}_loss`, "max L", s));
  metrics_info.push(info("centroid_x", "centroid x", "overlays"));
  const plan = readoutPlan({ metrics: metrics_info.map((m) => m.key), metrics_info });
  assert.deepEqual(plan.matrix.groups, ["equal", "init", "prior"]);
  assert.deepEqual(
    plan.matrix.labels.map((l) => l.label),
    ["end x", "max L"],
  );
  assert.deepEqual(plan.matrix.cells[1], ["init_x", "init_loss"]);
  assert.deepEqual(
    plan.rows.map((r) => r.group),
    ["overlays"],
  );
});

test("without a metric table the raw names are shown, ungrouped", () => {
  const plan = readoutPlan({ metrics: ["eig1_re", "q"] });
  assert.deepEqual(
    plan.rows[0].items.map((m) => m.label),
    ["eig1 re", "q"],
  );
  assert.equal(plan.predicted, false);
});

test("gaps are signed differences, or the largest difference of two lists", () => {
  assert.equal(formatGap(0.8071, 0.8062), "+9.000e-4");
  assert.equal(formatGap(1, 1.5), "-0.5");
  assert.equal(formatGap(1 - 1e-16, 1), "0");
  assert.equal(formatGap([0.5, 0.2], [0.4, 0.25]), "max 0.1");
  assert.equal(formatGap(null, 1), "–");
  assert.equal(formatGap(1, null), "–");
  assert.equal(formatGap([1], [1, 2]), "–");
  assert.equal(formatReadout(1.5, "×"), "1.5×");
  assert.equal(formatReadout(null, "×"), "–");
  assert.equal(formatReadout(2, "ms"), "2 ms");
  // A text metric's value is shown in the words of the panel's table; a value the table lacks, as it is.
  const words = { "per-step": "逐步更新" };
  assert.equal(formatReadout("per-step", "", "zh", words), "逐步更新");
  assert.equal(formatReadout("closed-form", "", "zh", words), "closed-form");
  assert.equal(formatReadout("per-step", ""), "per-step");
  assert.equal(formatReadout("constructor", "", "zh", words), "constructor");
});

/** A fake clock and a simulation whose steps cost `cost(i)` milliseconds each. */
function fakeRun(cost) {
  let t = 0;
  let i = 0;
  return {
    now: () => t,
    step: (n) => {
      for (let k = 0; k < n; k++) t += cost(i++);
      return n;
    },
  };
}

test("auto speed settles on the steps that fit its budget", () => {
  const sim = fakeRun(() => 0.01); // 600 steps fit in 6 ms
  const auto = new AutoSpeed(20, 5000);
  for (let f = 0; f < 60; f++) auto.run(sim.step, sim.now);
  const n = auto.steps();
  assert.ok(n >= 500 && n <= 620, `plan ${n}`);
});

test("auto speed respects the panel's cap and takes at least one step", () => {
  const fast = fakeRun(() => 0.001);
  const capped = new AutoSpeed(1, 1);
  for (let f = 0; f < 20; f++) assert.equal(capped.run(fast.step, fast.now), 1);
  const slow = fakeRun(() => 30);
  const auto = new AutoSpeed(20, 5000);
  for (let f = 0; f < 20; f++) assert.ok(auto.run(slow.step, slow.now) >= 1);
  assert.equal(auto.steps(), 1);
});

test("a frame stops stepping once over budget, even when steps suddenly become slow", () => {
  let slow = false;
  const sim = fakeRun(() => (slow ? 5 : 0.01));
  const auto = new AutoSpeed(20, 5000);
  for (let f = 0; f < 60; f++) auto.run(sim.step, sim.now);
  slow = true; // the plan is ~600 steps; at 5 ms each a naive frame would take 3 s
  const t0 = sim.now();
  auto.run(sim.step, sim.now);
  const spent = sim.now() - t0;
  assert.ok(spent <= HARD_LIMIT_MS, `one frame stepped for ${spent} ms`);
  for (let f = 0; f < 30; f++) auto.run(sim.step, sim.now);
  assert.ok(auto.steps() <= 2, `plan ${auto.steps()} after steps became slow`);
  const t1 = sim.now();
  auto.run(sim.step, sim.now);
  assert.ok(sim.now() - t1 <= 2 * AUTO_BUDGET_MS, "the adapted plan keeps frames near the budget");
});

test("a run that stops (diverges) ends the frame's stepping", () => {
  let calls = 0;
  let left = 3; // the run diverges after three more steps
  const auto = new AutoSpeed(100, 5000);
  const taken = auto.run(
    (n) => {
      calls += 1;
      const got = Math.min(n, left);
      left -= got;
      return got;
    },
    () => 0,
  );
  assert.equal(taken, 3);
  assert.equal(calls, 2, "one probing step, then the rest of the plan, cut short by the divergence");
});
