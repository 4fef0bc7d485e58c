// The same panel, parameters, seed and step count give the same state in the browser as natively. For every
// registered panel this runs the native `dynamics run` command and the wasm `Figure` in the page with a
// non-default seed and the same step count, and compares every metric. Both sides use the same Rust code and
// the same seeded ChaCha8 streams; only `exp`/`ln` and friends come from different maths libraries (Rust's own
// libm in wasm, the system's natively), which may differ in the last bit. Each panel declares the relative
// tolerance this allows (`platform_tolerance` in `dynamics list`, 1e-9 unless the panel explains a larger one):
// enough for that rounding to propagate through a few hundred steps, small enough to catch any real divergence
// (a different random stream or update order changes metrics at the 1e-3 level or more).

import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { after, before, test } from "node:test";
import { ROOT, childEnv } from "../../scripts/lib.mjs";
import { openPage, setUp } from "./helpers.mjs";

const SEED = 7;
const STEPS = 300;

let env;

before(async () => {
  env = await setUp();
});

after(async () => {
  await env?.close();
});

/** Runs the native command line and parses its JSON output. */
function native(args) {
  const r = spawnSync("cargo", ["run", "-q", "--bin", "dynamics", "--", ...args], {
    cwd: ROOT,
    env: childEnv(),
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
  });
  assert.equal(r.status, 0, `dynamics ${args.join(" ")} failed: ${r.stderr}`);
  return JSON.parse(r.stdout);
}

/** Compares two metric values (numbers, null, booleans or arrays of numbers) within the tolerance. */
function close(a, b, path, tol) {
  if (Array.isArray(a) || Array.isArray(b)) {
    assert.ok(Array.isArray(a) && Array.isArray(b) && a.length === b.length, `${path}: ${a} vs ${b}`);
    a.forEach((x, i) => close(x, b[i], `${path}[${i}]`, tol));
  } else if (typeof a === "number" && typeof b === "number") {
    const scale = Math.max(1, Math.abs(a), Math.abs(b));
    assert.ok(Math.abs(a - b) <= tol * scale, `${path}: native ${a} vs browser ${b}`);
  } else {
    assert.deepEqual(b, a, `${path}: native ${a} vs browser ${b}`);
  }
}

test("every panel gives the same metrics in the browser as natively", async () => {
  const { panels } = native(["list"]);
  const { page, context, errors } = await openPage(env);
  for (const panel of panels) {
    const want = native(["run", panel.id, "--steps", String(STEPS), "--seed", String(SEED)]);
    const got = await page.evaluate(
      async ([id, seed, steps]) => {
        const m = await import("./pkg/dynamics.js");
        const fig = new m.Figure(id, document.createElement("canvas"));
        fig.set_seed(seed);
        const taken = fig.step(steps);
        const out = { taken, metrics: JSON.parse(fig.metrics_json()), diverged: fig.diverged_at() ?? null };
        fig.free();
        return out;
      },
      [panel.id, SEED, STEPS],
    );
    assert.equal(got.diverged, want.diverged_at_step, `${panel.id}: divergence step`);
    assert.deepEqual(Object.keys(got.metrics), Object.keys(want.metrics), `${panel.id}: metric names`);
    const tol = panel.platform_tolerance;
    assert.ok(tol > 0 && tol <= 1e-6, `${panel.id}: platform_tolerance ${tol} must be in (0, 1e-6]`);
    for (const key of Object.keys(want.metrics)) close(want.metrics[key], got.metrics[key], `${panel.id}.${key}`, tol);
  }
  assert.deepEqual(errors, []);
  await context.close();
});

// WebAssembly compiles Lion/Tiger's engine for the default row width 16 and for any width; natively widths 4, 8
// and 32 have copies of their own (src/panels/lion_embedding/model.rs). The arithmetic and its order are the
// same, so other widths, with either engine (the closed form, or the per-step engine when wd = 0), must agree
// with the native run as the defaults do.
test("Lion/Tiger at other row widths and engines gives the same metrics in the browser as natively", async () => {
  const { panels } = native(["list"]);
  const tol = panels.find((p) => p.id === "lion-embedding").platform_tolerance;
  const settings = [
    { dim: "8", wd: "0" },
    { dim: "4", wd: "0", optimizer: "lion" },
    { dim: "32" },
    { dim: "12", optimizer: "adamw" },
  ];
  const { page, context, errors } = await openPage(env);
  for (const s of settings) {
    const pairs = Object.entries(s).map(([k, v]) => `${k}=${v}`);
    const want = native(["run", "lion-embedding", "--steps", String(STEPS), "--seed", String(SEED), ...pairs]);
    const got = await page.evaluate(
      async ([seed, steps, entries]) => {
        const m = await import("./pkg/dynamics.js");
        const fig = new m.Figure("lion-embedding", document.createElement("canvas"));
        for (const [k, v] of entries) fig.set_param(k, v);
        fig.set_seed(seed);
        const taken = fig.step(steps);
        const out = { taken, metrics: JSON.parse(fig.metrics_json()), diverged: fig.diverged_at() ?? null };
        fig.free();
        return out;
      },
      [SEED, STEPS, Object.entries(s)],
    );
    const name = `lion-embedding ${pairs.join(" ")}`;
    assert.equal(want.metrics.engine, s.wd === "0" ? "per-step" : "closed-form", `${name}: engine`);
    assert.equal(got.taken, STEPS, `${name}: steps taken`);
    assert.equal(got.diverged, want.diverged_at_step, `${name}: divergence step`);
    for (const key of Object.keys(want.metrics)) close(want.metrics[key], got.metrics[key], `${name}: ${key}`, tol);
  }
  assert.deepEqual(errors, []);
  await context.close();
});
