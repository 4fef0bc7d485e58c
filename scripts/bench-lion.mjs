// Lion/Tiger engine against the NumPy reference (a benchmark, not a test): `npm run bench:lion`.
//
// Builds the native command line, then runs, ROUNDS times, `dynamics bench --ms 4000 lion-embedding` (the panel
// at its default settings, as the page steps it) and `python3 scripts/lion_numpy.py` (the same model at the same
// defaults, whole-array NumPy, BLAS limited to one thread like the Rust engine). Both report wall-clock steps per
// second. Prints each round's ratio, the medians and the median ratio (the target: at least 10).
//
// Where `taskset` and two processors are available the two run at the same time, each pinned to a processor of
// its own, swapping processors every round: both then see the same minutes of the machine. On a shared virtual
// machine the speed of one process drifts by 10 to 50 % from one minute to the next (BENCHMARKS.md, stop 17 and
// stop 19), so runs taken back to back compared different moments; side by side the per-round ratios spread by a
// few percent. `--sequential` (or a machine without `taskset`) runs them back to back instead.

//
// `node scripts/bench-lion.mjs --frames [--no-build]` measures instead, in headless Chromium on the built site,
// the stepping time of each animation frame at the panel's slowest valid settings (V = 200 000, d = 32, every
// setting that makes the panel use its per-step engine, plus the closed form for comparison): the page's own
// "auto" speed (www/speed.js) drives `Figure.step` for FRAMES frames, timed with performance.now(); also the
// time of one metrics read (the O(V·d) statistics). Issue 17's bound: no frame over 50 ms of stepping.

import { spawn } from "node:child_process";
import { availableParallelism } from "node:os";
import { DIST, ROOT, capture, childEnv, run, say, which } from "./lib.mjs";

/** The worst-case settings of the frame scenario (V = 200 000, d = 32 in all). */
const WORST = [
  ["closed form (defaults)", []],
  ["AdamW β₁² ≥ β₂", [["optimizer", "adamw"], ["beta1", "0.9999"], ["beta2", "0.6"]]],
  ["AdamW β₁² ≥ β₂, FTZ", [["optimizer", "adamw"], ["beta1", "0.9999"], ["beta2", "0.6"], ["ftz", "true"]]],
  ["Tiger row-RMS λ = 0", [["wd", "0"]]],
  ["Lion row-RMS λ = 0, FTZ", [["optimizer", "lion"], ["wd", "0"], ["ftz", "true"]]],
  ["Tiger row-RMS α = 0.1 > 0.05", [["lr", "0.1"]]],
  ["Tiger constant lr·λ > 1", [["lr_rule", "constant"], ["lr", "10"], ["wd", "0.5"]]],
  ["Lion per-step chosen, FTZ", [["optimizer", "lion"], ["catchup", "per-step"], ["ftz", "true"]]],
];

async function frames() {
  const FRAMES = Number(process.env.FRAMES || 40);
  if (!process.argv.includes("--no-build")) run("npm", ["run", "build"]);
  const { launchBrowser } = await import("./browser.mjs");
  const { startServer } = await import("./serve.mjs");
  const server = await startServer({ root: DIST });
  const browser = await launchBrowser();
  try {
    const page = await browser.newPage();
    await page.goto(server.url);
    console.log("| setting (V = 200 000, d = 32) | engine | steps | frame stepping min / p50 / p95 / max (ms) | metrics read (ms) |");
    console.log("|---|---|---:|---:|---:|");
    for (const [label, params] of WORST) {
      const r = await page.evaluate(
        async ([params, frames]) => {
          const m = await import("./pkg/dynamics.js");
          await m.default();
          const { autoSpeedFor } = await import("./www/speed.js");
          const fig = new m.Figure("lion-embedding", document.createElement("canvas"));
          for (const [k, v] of [["dim", "32"], ...params, ["vocab", "200000"]]) fig.set_param(k, v);
          const meta = JSON.parse(m.panels_json()).find((p) => p.id === "lion-embedding");
          const auto = autoSpeedFor(meta);
          const times = [];
          let steps = 0;
          for (let i = 0; i < frames; i++) {
            const t0 = performance.now();
            steps += auto.run((n) => fig.step(n), () => performance.now());
            times.push(performance.now() - t0);
            await new Promise((res) => setTimeout(res, 0));
          }
          const t0 = performance.now();
          const metrics = JSON.parse(fig.metrics_json());
          const read = performance.now() - t0;
          fig.free();
          return { times, steps, read, engine: metrics.engine };
        },
        [params, FRAMES],
      );
      const t = [...r.times].sort((a, b) => a - b);
      const q = (p) => t[Math.min(t.length - 1, Math.floor(p * t.length))].toFixed(1);
      const worst = r.times.indexOf(Math.max(...r.times));
      console.log(
        `| ${label} | ${r.engine} | ${r.steps} | ${t[0].toFixed(1)} / ${q(0.5)} / ${q(0.95)} / ${t[t.length - 1].toFixed(1)} (frame ${worst + 1}) | ${r.read.toFixed(1)} |`,
      );
    }
  } finally {
    await browser.close();
    await server.close();
  }
}

/**
 * Where a frame's time goes on the page: for each figure setting, the page's own figure is paused and FRAMES
 * frames are run by hand as the page runs them (the "auto" speed's stepping, then one render at the figure's size
 * on the page, plus the readouts' metrics call as often as the page makes it: at least 100 ms apart and at
 * least 40 times its own last cost apart, www/figure.js), each part timed with performance.now().
 * `node scripts/bench-lion.mjs --page [--no-build]`.
 */
const PAGE = [
  ["lion-embedding", "defaults", []],
  ["lion-embedding", "V = 100 000", [["vocab", "100000"]]],
  ["lion-embedding", "V = 200 000", [["vocab", "200000"]]],
  ["tailr-noisy", "defaults", []],
];

async function pageFrames() {
  const FRAMES = Number(process.env.FRAMES || 300);
  if (!process.argv.includes("--no-build")) run("npm", ["run", "build"]);
  const { launchBrowser } = await import("./browser.mjs");
  const { startServer } = await import("./serve.mjs");
  const server = await startServer({ root: DIST });
  const browser = await launchBrowser();
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(server.url);
    await page.waitForFunction(() => window.__dyn && Object.keys(window.__dyn.figures).length > 0);
    console.log(`| figure | setting | steps/frame p50 | stepping p50 / p95 / max (ms) | render p50 / p95 / max (ms) | metrics read p50 / max (ms) | frame p50 / p95 / max (ms) |`);
    console.log("|---|---|---:|---:|---:|---:|---:|");
    for (const [id, label, params] of PAGE) {
      const r = await page.evaluate(
        async ([id, params, frames]) => {
          const { autoSpeedFor } = await import("./www/speed.js");
          const f = window.__dyn.figures[id];
          f.view.setPlaying(false);
          const fig = f.figure;
          for (const [k, v] of params) fig.set_param(k, v);
          const st = f.state();
          const meta = JSON.parse((await import("./pkg/dynamics.js")).panels_json()).find((p) => p.id === id);
          const auto = autoSpeedFor(meta);
          const out = { step: [], render: [], read: [], frame: [], steps: [] };
          let [lastRead, interval] = [-Infinity, 100];
          for (let i = 0; i < frames; i++) {
            const now = await new Promise(requestAnimationFrame);
            const t0 = performance.now();
            out.steps.push(auto.run((n) => fig.step(n), () => performance.now()));
            const t1 = performance.now();
            fig.render(st.cssWidth, st.cssHeight, window.devicePixelRatio || 1, false);
            const t2 = performance.now();
            if (now - lastRead >= interval) {
              lastRead = now;
              fig.metrics_json();
              const cost = performance.now() - t2;
              out.read.push(cost);
              interval = Math.max(100, 40 * cost);
            }
            const t3 = performance.now();
            out.step.push(t1 - t0);
            out.render.push(t2 - t1);
            out.frame.push(t3 - t0);
          }
          return out;
        },
        [id, params, FRAMES],
      );
      const q = (xs, p) => {
        const t = [...xs].sort((a, b) => a - b);
        return t.length ? t[Math.min(t.length - 1, Math.floor(p * t.length))] : NaN;
      };
      const three = (xs) => `${q(xs, 0.5).toFixed(1)} / ${q(xs, 0.95).toFixed(1)} / ${Math.max(...xs).toFixed(1)}`;
      console.log(
        `| ${id} | ${label} | ${q(r.steps, 0.5)} | ${three(r.step)} | ${three(r.render)} | ${q(r.read, 0.5).toFixed(1)} / ${Math.max(...r.read).toFixed(1)} | ${three(r.frame)} |`,
      );
    }
  } finally {
    await browser.close();
    await server.close();
  }
}

const ROUNDS = Number(process.env.ROUNDS || 6);
const NUMPY_STEPS = Number(process.env.NUMPY_STEPS || 4000);

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

if (process.argv.includes("--page")) {
  await pageFrames();
  process.exit(0);
}
if (process.argv.includes("--frames")) {
  await frames();
  process.exit(0);
}

say("building the native command line");
run("cargo", ["build", "--release", "--bin", "dynamics"]);
if (capture("python3", ["-c", "import numpy"]) === null) {
  throw new Error("NumPy is missing: python3 -m pip install numpy");
}
const oneThread = { OPENBLAS_NUM_THREADS: "1", OMP_NUM_THREADS: "1", MKL_NUM_THREADS: "1" };
const rustCmd = ["target/release/dynamics", "bench", "--ms", "4000", "lion-embedding"];
const together = !process.argv.includes("--sequential") && availableParallelism() >= 2 && which("taskset") !== null;
// Side by side the NumPy run lasts as long as the Rust one (4 s); back to back it runs NUMPY_STEPS steps.
const numpyCmd = ["python3", "scripts/lion_numpy.py", ...(together ? ["--seconds", "4"] : ["--steps", String(NUMPY_STEPS)])];
say(
  together
    ? "running the two side by side, one processor each (swapped every round)"
    : "running the two one after the other (no taskset or one processor, or --sequential)",
);

/** Runs a command and resolves to its JSON output (stdout); rejects with its stderr if it fails. */
function json([cmd, ...args], env = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: ROOT, env: childEnv(env), stdio: ["ignore", "pipe", "pipe"] });
    let [out, err] = ["", ""];
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (err += d));
    child.on("error", reject);
    child.on("close", (code) => {
      if (code !== 0) reject(new Error(`${cmd} ${args.join(" ")} failed (${code}): ${err}`));
      else resolve(JSON.parse(out));
    });
  });
}

const rust = [];
const numpy = [];
const ratios = [];
for (let i = 0; i < ROUNDS; i++) {
  let r;
  let n;
  let where = "";
  if (together) {
    const [cr, cn] = i % 2 === 0 ? ["0", "1"] : ["1", "0"];
    [r, n] = await Promise.all([
      json(["taskset", "-c", cr, ...rustCmd]),
      json(["taskset", "-c", cn, ...numpyCmd], oneThread),
    ]);
    where = ` (Rust on processor ${cr}, NumPy on ${cn})`;
  } else {
    r = await json(rustCmd);
    n = await json(numpyCmd, oneThread);
  }
  rust.push(r.panels[0].steps_per_sec);
  numpy.push(n.steps_per_sec);
  ratios.push(rust[i] / numpy[i]);
  console.log(
    `round ${i + 1}${where}: rust ${rust[i].toFixed(0)} steps/s, numpy ${numpy[i].toFixed(0)} steps/s, ratio ${ratios[i].toFixed(2)}x`,
  );
}
const [r, n] = [median(rust), median(numpy)];
const sorted = [...ratios].sort((a, b) => a - b);
console.log(
  `median: rust ${r.toFixed(0)} steps/s, numpy ${n.toFixed(0)} steps/s, ratio of medians ${(r / n).toFixed(1)}x; ` +
    `per-round ratios median ${median(ratios).toFixed(2)}x, from ${sorted[0].toFixed(2)}x to ${sorted[sorted.length - 1].toFixed(2)}x`,
);
