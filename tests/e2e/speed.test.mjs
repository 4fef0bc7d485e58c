// Browser test of the fixed speeds (issue 17): at the heaviest valid settings of the heaviest panels and the
// largest number the "Steps/frame" menu offers, animation frames spend at most 50 ms stepping, as the page itself
// times its frames (`frameLog()`: each frame's stepping time and steps), and the menu shows that the speed is
// capped. Before the fixed speeds were bounded, one frame ran all its steps in one call: 5000 steps of these
// settings took from half a second to minutes in a single frame.
//
// The clock of a loaded machine decides how strict this can be. The stepping loop plans each frame to end by 45 ms;
// a frame passes 50 ms only when the renderer is preempted for longer than the time it had left (pauses of 100 to
// 500 ms inside a single cheap call were seen here under load, which no stepping loop can prevent). On a machine
// with no more runnable work than cores (1-minute load average below the number of cores) the median frame of
// several steps must step at most 50 ms and at most 10 % of frames may pass 50 + SLACK_MS; on a loaded machine the
// bounds are doubled (at a load average of 7 on 2 cores the median was 59 ms once, and up to 11.5 % of frames
// passed 65 ms). The old loop fails either way: its frames of these settings stepped 0.4 to 1.7 s, or minutes. A
// single step that costs more than the limit by itself cannot be divided (a frame's first step is always taken):
// such frames are reported, not failed. The loop's own arithmetic is tested exactly, against the 50 ms limit, with a
// fake clock in tests/unit/speed.test.mjs.
//
// Lion/Tiger's per-step engine now takes its steps in parts (units of work, see ARCHITECTURE.md), so at those
// settings a frame's single step is no excuse: the last two tests bound every frame that did any work, while a
// link's steps are replayed over frames and while playing, at AdamW beta1=0.9 beta2=0.6 (whose steps took up to
// 657 ms once absent moments were subnormal) and for a link past a per-step run's divergence (its replay took about
// 530 ms in one frame). The page's own build of the model at V = 200 000 is not part of this bound yet (see
// BENCHMARKS.md, 2026-12-04).

import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { availableParallelism, loadavg } from "node:os";
import { spawnSync } from "node:child_process";
import { ROOT, childEnv } from "../../scripts/lib.mjs";
import { setUp } from "./helpers.mjs";

/** The most stepping one frame may do, as in www/speed.js. */
const LIMIT_MS = 50;
/** What a frame of several steps may pass the limit by: preemption of the renderer on a loaded machine. */
const SLACK_MS = 15;
/** Whether the machine has more runnable work than cores, when this file starts. */
const LOADED = loadavg()[0] >= availableParallelism();
/** The bound of the median frame: the limit, doubled on a loaded machine. */
const BOUND_MS = LOADED ? 2 * LIMIT_MS : LIMIT_MS;
/** The share of frames that may pass the bound by more than the slack (preempted). */
const MAX_LATE_SHARE = LOADED ? 0.2 : 0.1;
/** How long each setting plays at the fixed speed. */
const PLAY_MS = 4000;

/**
 * The heaviest valid settings of the heaviest panels (measured in wasm under load: per step about 20 ms for the
 * per-step Lion and AdamW engines at a 200 000-token vocabulary, 0.1 to 0.2 ms for the others, whose 5000 steps
 * took 0.5 to 1 s a frame), cheapest first.
 */
const CASES = [
  { panel: "multitask", hash: "show=all&replay=x1000" },
  { panel: "topk", hash: "method=su-iterative&n=32&k=16&iterations=60" },
  { panel: "flatnce-train", hash: "k=16&dim=3&precision=f64&loss=flatnce" },
  { panel: "ptuning", hash: "mode=finetune&n_train=512&dim=20&prompt_len=4" },
  { panel: "tailr-noisy", hash: "n=400&optimizer=adam" },
  { panel: "lion-embedding", hash: "optimizer=tiger&vocab=200000&dim=32&batch=1024&catchup=per-step" },
  { panel: "lion-embedding", hash: "optimizer=lion&vocab=200000&dim=32&batch=1024&catchup=per-step" },
  // AdamW with beta1^2 >= beta2 has no closed-form catch-up and falls back to the per-step engine.
  { panel: "lion-embedding", hash: "optimizer=adamw&vocab=200000&dim=32&batch=1024&beta1=0.9999&beta2=0.6" },
];

/** The median of a list of numbers (NaN for none). */
function median(xs) {
  if (!xs.length) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor((s.length - 1) / 2)];
}

let env;

before(async () => {
  env = await setUp();
});

after(async () => {
  await env?.close();
});

for (const c of CASES) {
  test(`${c.panel} at ${c.hash}, fastest fixed speed: frames step at most ${LIMIT_MS} ms`, { timeout: 120_000 }, async (t) => {
    const context = await env.browser.newContext({ viewport: { width: 760, height: 700 } });
    try {
      const page = await context.newPage();
      const errors = [];
      page.on("pageerror", (err) => errors.push(err.message));
      const hash = c.hash
        .split("&")
        .map((kv) => `${c.panel}.${kv}`)
        .join("&");
      await page.goto(`${env.url}embed.html?panel=${c.panel}&controls=open#${hash}`);
      await page.waitForFunction(() => window.__dyn?.firstFrame != null, null, { timeout: 60_000 });
      await page.evaluate(() => window.__dyn.ready);
      const state0 = await page.evaluate((id) => window.__dyn.figures[id].state(), c.panel);
      assert.equal(state0.failed, false, `${c.panel} failed to start: ${state0.error}`);
      // The settings must be the ones asked for (an invalid one would leave the default and test nothing).
      for (const kv of c.hash.split("&")) {
        const [k, v] = kv.split("=");
        const now = await page.evaluate(([id, k]) => window.__dyn.figures[id].call("param", k), [c.panel, k]);
        assert.ok(now === v || Number(now) === Number(v), `${c.panel}.${k} is ${now}, not ${v}`);
      }
      // The largest fixed speed the menu offers, chosen as a reader would.
      const select = page.locator("select[id$='-speed']");
      const speeds = await select.evaluate((s) => [...s.options].map((o) => o.value).filter((v) => v !== "auto").map(Number));
      const fastest = Math.max(...speeds);
      assert.ok(fastest >= 5000, `the menu offers at most ${fastest}`);
      await select.selectOption(String(fastest));
      // Play (a run that settles pauses itself; a stopped run would measure nothing), then keep it playing.
      const start = await page.evaluate((id) => {
        const h = window.__dyn.figures[id];
        h.view.setPlaying(true);
        window.__keepPlaying = setInterval(() => {
          const s = h.state();
          if (!s.playing && s.diverged === null && !s.failed) h.view.setPlaying(true);
        }, 100);
        return h.frameLog().length;
      }, c.panel);
      await page.waitForTimeout(PLAY_MS);
      const { log, state, shown } = await page.evaluate(
        ([id, start]) => {
          const h = window.__dyn.figures[id];
          const el = document.querySelector(`[data-panel="${id}"] select[id$='-speed']`) ?? document.querySelector("select[id$='-speed']");
          return { log: h.frameLog().slice(start), state: h.state(), shown: el.selectedOptions[0].textContent };
        },
        [c.panel, start],
      );
      assert.equal(state.failed, false, state.error);
      assert.ok(log.length >= 3, `only ${log.length} frames in ${PLAY_MS} ms`);
      // The typical cost of a step at this setting (reported): the median over frames of stepping time per step.
      const perStep = median(log.filter((f) => f.steps > 0).map((f) => f.stepMs / f.steps));
      const most = Math.max(...log.map((f) => f.stepMs));
      const steps = log.reduce((a, f) => a + f.steps, 0);
      const single = log.filter((f) => f.steps === 1 && f.stepMs > LIMIT_MS);
      const late = log.filter((f) => f.steps > 1 && f.stepMs > LIMIT_MS);
      t.diagnostic(
        `load average ${loadavg()[0].toFixed(1)} (${LOADED ? "loaded: bounds doubled" : "quiet"}); ${log.length} frames, ${steps} steps (${(steps / log.length).toFixed(1)} a frame), ${perStep.toFixed(3)} ms a ` +
          `step, stepping median ${median(log.map((f) => f.stepMs)).toFixed(1)} ms, max ${most.toFixed(1)} ms; ` +
          `${late.length} frames of several steps over ${LIMIT_MS} ms, ` +
          `${late.filter((f) => f.stepMs > LIMIT_MS + SLACK_MS).length} over ${LIMIT_MS + SLACK_MS} ms; menu shows "${shown}"` +
          (single.length ? `; ${single.length} single steps over ${LIMIT_MS} ms (slowest ${Math.max(...single.map((f) => f.stepMs)).toFixed(1)} ms)` : ""),
      );
      // The typical frame of several steps stays within the limit (the loop aims at 45 ms), and hardly any passes it
      // by more than the slack: only preemption of the renderer in a frame's last chunk can do that.
      const several = log.filter((f) => f.steps > 1);
      if (several.length) {
        const typical = median(several.map((f) => f.stepMs));
        assert.ok(typical <= BOUND_MS, `median stepping ${typical.toFixed(1)} ms a frame${LOADED ? " (loaded machine)" : ""}`);
        const over = several.filter((f) => f.stepMs > BOUND_MS + SLACK_MS);
        assert.ok(
          over.length <= MAX_LATE_SHARE * log.length,
          `${over.length} of ${log.length} frames stepped more than ${BOUND_MS + SLACK_MS} ms: ` +
            over.map((f) => `${f.steps} steps in ${f.stepMs.toFixed(1)} ms`).join(", "),
        );
      }
      // A speed that could not be kept says so in the menu, with the steps per frame it reached. The menu speaks of
      // the frames since the last readout refresh, so it is judged by the last second of frames: all cut short, it
      // must say capped; all at the full speed (a run whose steps became cheap, such as Top-k once annealed), it must
      // not; a mix may read either way.
      const lastAt = log.length ? log[log.length - 1].at : 0;
      const recent = log.filter((f) => f.at >= lastAt - 1000 && f.steps > 0);
      const cappedRe = new RegExp(`^${fastest} \\(capped: [\\d.]+\\)$`);
      if (recent.length && recent.every((f) => f.steps < fastest)) assert.match(shown, cappedRe);
      else if (recent.length && recent.every((f) => f.steps >= fastest)) assert.equal(shown, String(fastest));
      else assert.ok(shown === String(fastest) || cappedRe.test(shown), `menu shows "${shown}"`);
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  });
}

test("Step 5000 at a heavy setting takes what fits 50 ms at once and the rest in later frames, exactly", { timeout: 120_000 }, async () => {
  const context = await env.browser.newContext({ viewport: { width: 760, height: 700 } });
  try {
    const page = await context.newPage();
    const errors = [];
    page.on("pageerror", (err) => errors.push(err.message));
    // 0.1 to 0.3 ms a step in wasm: 5000 steps in one call took 0.5 to 1.7 s.
    await page.goto(`${env.url}embed.html?panel=tailr-noisy&controls=open#tailr-noisy.n=400&tailr-noisy.optimizer=adam`);
    await page.waitForFunction(() => window.__dyn?.firstFrame != null, null, { timeout: 60_000 });
    await page.evaluate(() => window.__dyn.ready);
    await page.locator("select[id$='-speed']").selectOption("5000");
    const r = await page.evaluate(() => {
      const h = window.__dyn.figures["tailr-noisy"];
      h.view.setPlaying(false);
      // Warm up the cost estimate with a few steps, as a reader's earlier presses would.
      h.view.stepBy(20);
      const s0 = h.state().steps;
      const t0 = performance.now();
      h.view.stepBy(5000);
      return { s0, ms: performance.now() - t0, after: h.state().steps };
    });
    assert.equal(await page.locator("[data-action='step-n']").textContent(), "Step 5000");
    assert.ok(r.ms <= BOUND_MS + SLACK_MS, `the press stepped ${r.ms.toFixed(1)} ms at once (${r.after - r.s0} steps)`);
    assert.ok(r.after - r.s0 < 5000, `all ${r.after - r.s0} steps at once`);
    // The rest follows in later frames, to the exact count, and the figure stays paused.
    await page.waitForFunction((n) => window.__dyn.figures["tailr-noisy"].state().steps >= n, r.s0 + 5000, { timeout: 60_000 });
    await page.waitForTimeout(300);
    const end = await page.evaluate(() => window.__dyn.figures["tailr-noisy"].state());
    assert.equal(end.steps, r.s0 + 5000);
    assert.equal(end.playing, false);
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }
});

/**
 * Asserts the 50 ms bound on every frame of `log` that did any work, single steps and parts of steps included
 * (a panel that takes its steps in parts has no step it cannot divide): the median within the bound, and at most
 * MAX_LATE_SHARE of the frames over it by more than the slack (preemption).
 */
function assertBounded(t, log, what) {
  const busy = log.filter((f) => f.units > 0 || f.steps > 0);
  assert.ok(busy.length >= 3, `${what}: only ${busy.length} frames did any work`);
  const most = Math.max(...busy.map((f) => f.stepMs));
  t.diagnostic(
    `${what}: load average ${loadavg()[0].toFixed(1)}; ${busy.length} frames, ${busy.reduce((a, f) => a + f.steps, 0)} steps, ` +
      `stepping median ${median(busy.map((f) => f.stepMs)).toFixed(1)} ms, max ${most.toFixed(1)} ms; slowest: ` +
      [...busy]
        .sort((a, b) => b.stepMs - a.stepMs)
        .slice(0, 5)
        .map((f) => `${f.stepMs.toFixed(1)} ms (${f.steps} steps, ${f.units} units)`)
        .join(", "),
  );
  const typical = median(busy.map((f) => f.stepMs));
  assert.ok(typical <= BOUND_MS, `${what}: median stepping ${typical.toFixed(1)} ms a frame`);
  const over = busy.filter((f) => f.stepMs > BOUND_MS + SLACK_MS);
  assert.ok(
    over.length <= MAX_LATE_SHARE * busy.length,
    `${what}: ${over.length} of ${busy.length} frames stepped more than ${BOUND_MS + SLACK_MS} ms: ` +
      over.map((f) => `${f.steps} steps (${f.units} units) in ${f.stepMs.toFixed(1)} ms`).join(", "),
  );
}

/** Opens the embed page of lion-embedding at `hash` (entries without the panel prefix) and waits for its figure. */
async function openLion(context, hash) {
  const page = await context.newPage();
  const errors = [];
  page.on("pageerror", (err) => errors.push(err.message));
  const full = hash
    .split("&")
    .map((kv) => `lion-embedding.${kv}`)
    .join("&");
  await page.goto(`${env.url}embed.html?panel=lion-embedding&controls=open#${full}`);
  await page.waitForFunction(() => window.__dyn?.firstFrame != null, null, { timeout: 60_000 });
  await page.evaluate(() => window.__dyn.ready);
  return { page, errors };
}

// One step of the per-step engine at V = 200 000 and width 32 cost up to 657 ms in wasm where AdamW's absent moments
// had decayed into subnormals (beta1^2 >= beta2 keeps this setting on the per-step engine), and a link's steps were
// replayed in one frame. Now the link's 200 steps are replayed a frame's share at a time (the page says so in the step
// readout), and playing at the fastest speed takes steps in parts: no frame steps past the limit.
test("a link to AdamW beta1=0.9 beta2=0.6 at V=200000, d=32 replays over frames, and plays in parts within 50 ms a frame", { timeout: 240_000 }, async (t) => {
  const context = await env.browser.newContext({ viewport: { width: 760, height: 700 } });
  try {
    const { page, errors } = await openLion(context, "optimizer=adamw&beta1=0.9&beta2=0.6&vocab=200000&dim=32&batch=1024&step=200");
    const first = await page.evaluate(() => {
      const h = window.__dyn.figures["lion-embedding"];
      return { to: h.call("replay_to"), units: h.call("units_per_step"), step: document.querySelector("[data-readout='step']").textContent };
    });
    assert.equal(first.to, 200, "the link's step is replayed over the next frames");
    assert.ok(first.units > 1, `steps in parts (${first.units} units a step)`);
    await page.waitForFunction(() => window.__dyn.figures["lion-embedding"].call("replay_to") == null, null, { timeout: 180_000 });
    const replay = await page.evaluate(() => window.__dyn.figures["lion-embedding"].frameLog());
    const s = await page.evaluate(() => window.__dyn.figures["lion-embedding"].state());
    assert.equal(s.steps, 200);
    assert.equal(s.playing, false);
    assertBounded(t, replay, "replaying 200 steps");
    // Once the replay has ended the step readout shows the completed step alone.
    assert.match(await page.evaluate(() => document.querySelector("[data-readout='step']").textContent), /^200$/);
    // Play at the fastest speed: steps in parts, each frame within the limit, the step count moving.
    await page.locator("select[id$='-speed']").selectOption("5000");
    const start = await page.evaluate(() => {
      const h = window.__dyn.figures["lion-embedding"];
      h.view.setPlaying(true);
      return h.frameLog().length;
    });
    await page.waitForTimeout(PLAY_MS);
    const { log, state } = await page.evaluate((start) => {
      const h = window.__dyn.figures["lion-embedding"];
      h.view.setPlaying(false);
      return { log: h.frameLog().slice(start), state: h.state() };
    }, start);
    assert.ok(state.steps > 200, `no step completed while playing (${state.steps})`);
    assertBounded(t, log, "playing at 5000 steps a frame");
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }
});

// A link to step 50 of a per-step run that diverges at step 7: the steps to the divergence and the rebuild to the
// last finite step were taken in one frame (about 530 ms); now they are spread over frames, and the figure ends at
// step 6 with the divergence and the link's notice.
test("a link past the divergence of a per-step run at V=200000 replays over frames", { timeout: 120_000 }, async (t) => {
  const context = await env.browser.newContext({ viewport: { width: 760, height: 700 } });
  try {
    const { page, errors } = await openLion(context, "lr=10&wd=1&catchup=per-step&vocab=200000&dim=32&step=50");
    await page.waitForFunction(() => window.__dyn.figures["lion-embedding"].state().diverged !== null, null, { timeout: 90_000 });
    const { log, state, note } = await page.evaluate(() => {
      const h = window.__dyn.figures["lion-embedding"];
      return { log: h.frameLog(), state: h.state(), note: h.state().settledNote };
    });
    assert.equal(state.diverged, 7);
    assert.equal(state.steps, 6);
    assert.match(note, /lion-embedding\.step=50: the run diverged at step 7, so it stops at step 6/);
    assertBounded(t, log, "replaying to the divergence");
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }
});

// A change of setting rebuilt the Lion/Tiger model in one call: at V = 200 000, d = 32 drawing the initial embedding
// (6.4 million normal values) took about 100 ms of one frame. Now the page draws it over the next frames (the step
// readout says "setting up"), each frame within the limit, and the paused figure ends at step 0 with the initial
// embedding of `dynamics run` at the same setting.
test("a change at V=200000, d=32 draws the initial embedding over frames, within 50 ms a frame", { timeout: 120_000 }, async (t) => {
  const context = await env.browser.newContext({ viewport: { width: 760, height: 700 } });
  try {
    const page = await context.newPage();
    const errors = [];
    page.on("pageerror", (err) => errors.push(err.message));
    await page.goto(`${env.url}embed.html?panel=lion-embedding&controls=open&autoplay=false#lion-embedding.vocab=200000&lion-embedding.dim=32`);
    await page.waitForFunction(() => window.__dyn?.firstFrame != null, null, { timeout: 60_000 });
    const idle = () => {
      const h = window.__dyn.figures["lion-embedding"];
      return !h.call("building") && h.call("replay_to") == null;
    };
    await page.waitForFunction(idle, null, { timeout: 60_000 });
    const start = await page.evaluate(() => {
      const h = window.__dyn.figures["lion-embedding"];
      const node = document.querySelector("[data-readout='step']");
      window.__stepTexts = [];
      new MutationObserver(() => window.__stepTexts.push(node.textContent)).observe(node, { childList: true, characterData: true, subtree: true });
      const n = h.frameLog().length;
      h.view.queue("lr", "0.002");
      return n;
    });
    await page.waitForFunction(() => window.__dyn.figures["lion-embedding"].call("building"), null, { timeout: 10_000 });
    await page.waitForFunction(idle, null, { timeout: 60_000 });
    const { log, state, texts, metrics } = await page.evaluate((start) => {
      const h = window.__dyn.figures["lion-embedding"];
      return { log: h.frameLog().slice(start), state: h.state(), texts: window.__stepTexts, metrics: JSON.parse(h.call("metrics_json")) };
    }, start);
    assert.equal(state.steps, 0, "the paused figure stays at step 0");
    assert.equal(state.playing, false);
    assert.ok(texts.some((x) => /^0 \(setting up: \d+ %\)$/.test(x)), `the step readout says so: ${texts.join(" | ")}`);
    assert.match(texts.at(-1), /^0$/);
    // About 100 ms of work in units of about 2 ms: at least two frames, none stepping past the limit.
    const busy = log.filter((f) => f.units > 0);
    const most = Math.max(...busy.map((f) => f.stepMs));
    t.diagnostic(`drawing the initial embedding: load average ${loadavg()[0].toFixed(1)}; ${busy.length} frames, stepping ${busy.map((f) => f.stepMs.toFixed(1)).join(", ")} ms`);
    assert.ok(busy.length >= 2, `the set-up took ${busy.length} frame(s)`);
    assert.ok(most <= BOUND_MS + SLACK_MS, `a frame of the set-up stepped ${most.toFixed(1)} ms`);
    const r = spawnSync("cargo", ["run", "-q", "--bin", "dynamics", "--", "run", "lion-embedding", "vocab=200000", "dim=32", "lr=0.002", "--steps", "0"], {
      cwd: ROOT,
      env: childEnv(),
      encoding: "utf8",
      maxBuffer: 64 * 1024 * 1024,
    });
    assert.equal(r.status, 0, r.stderr);
    const want = JSON.parse(r.stdout).metrics;
    for (const key of ["max_abs", "max_top20", "max_rare", "rows_at_cap", "engine"]) assert.equal(metrics[key], want[key], key);
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }
});
