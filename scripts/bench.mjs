// The benchmark (not a test): builds the site, then measures per panel
//   - native steps per second (`cargo run --release --bin dynamics -- bench`),
//   - wasm steps per second in headless Chromium (step(n) in a tight loop for about one second),
//   - milliseconds per frame for one step(n) plus one render() at default settings and size (p50, p95),
// and for the page the time from navigation start to the first drawn frame and the gzipped wasm size.
// It writes bench-report.json, prints a table and compares against the targets of this 2-core machine.

import { readFileSync, writeFileSync } from "node:fs";
import { cpus } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { build } from "./build.mjs";
import { CRATE, DIST, ROOT, capture, chromePath, say } from "./lib.mjs";
import { setup } from "./setup.mjs";

/** How long each wasm steps-per-second measurement runs. */
const WASM_BENCH_MS = 1000;
/** Frames measured per panel (after the warm-up frames). */
const FRAMES = 300;
const WARMUP_FRAMES = 30;
/** Page loads measured for the time to the first frame. */
const LOADS = 5;

const TARGETS = {
  p95FrameMs: 8,
  wasmOverNative: 0.5,
  gzipWasmKb: 300,
  firstFrameMs: 1000,
};

/** The value at quantile q (0 to 1) of a list of numbers. */
function quantile(values, q) {
  const sorted = [...values].sort((a, b) => a - b);
  if (sorted.length === 0) return null;
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

/** Native steps per second per panel id, or null when the `bench` subcommand is not available. */
function nativeBench() {
  say("native: cargo run --release --bin dynamics -- bench");
  const out = capture("cargo", ["run", "--quiet", "--release", "--bin", "dynamics", "--", "bench"]);
  if (out === null) {
    console.error("`dynamics bench` failed or does not exist yet; native numbers are left out.");
    return null;
  }
  const report = JSON.parse(out);
  return Object.fromEntries(report.panels.map((p) => [p.id, p.steps_per_sec]));
}

/** Opens the page in a fresh context and waits until it has started and drawn its first frame. */
async function open(browser, url, viewport) {
  const context = await browser.newContext({ viewport });
  const page = await context.newPage();
  await page.goto(url);
  await page.waitForFunction(() => window.__dyn?.firstFrame != null, null, { timeout: 30_000 });
  await page.evaluate(() => window.__dyn.ready);
  return { context, page };
}

/** Milliseconds from navigation start to the first drawn frame, over several fresh page loads. */
async function firstFrameTimes(browser, url) {
  const times = [];
  for (let i = 0; i < LOADS; i++) {
    const { context, page } = await open(browser, url, { width: 1280, height: 800 });
    times.push(await page.evaluate(() => window.__dyn.firstFrame));
    await context.close();
  }
  return times;
}

/** Wasm steps per second of each panel: every figure paused and reset, then step(n) in a loop for ~1 s. */
async function wasmStepsPerSec(browser, url) {
  const { context, page } = await open(browser, url, { width: 1280, height: 800 });
  const result = await page.evaluate(async (ms) => {
    const out = {};
    const figures = Object.entries(window.__dyn.figures).filter(([, f]) => !f.state().failed);
    for (const [, f] of figures) f.view.setPlaying(false);
    for (const [id, f] of figures) {
      const fig = f.figure;
      fig.reset();
      const chunk = 1000;
      let steps = 0;
      const t0 = performance.now();
      let elapsed = 0;
      while (elapsed < ms) {
        const taken = fig.step(chunk);
        steps += taken;
        elapsed = performance.now() - t0;
        if (taken < chunk) break;
      }
      out[id] = {
        steps,
        seconds: elapsed / 1000,
        steps_per_sec: steps / (elapsed / 1000),
        diverged: fig.diverged_at() ?? null,
      };
      fig.reset();
    }
    return out;
  }, WASM_BENCH_MS);
  await context.close();
  return result;
}

/**
 * Per-panel frame times (one step(n) plus one render() each). Only figures on screen animate, so each figure is
 * scrolled into view in turn and measured while it is the one animating; a figure that stops by itself (it
 * diverged, or finished annealing) is measured over the frames it drew.
 */
async function frameTimes(browser, url) {
  const { context, page } = await open(browser, url, { width: 1280, height: 900 });
  const ids = await page.evaluate(() => Object.keys(window.__dyn.figures));
  const result = {};
  for (const id of ids) {
    await page.locator(`[data-panel="${id}"] canvas`).scrollIntoViewIfNeeded();
    const start = await page.evaluate((id) => window.__dyn.figures[id].frameTimes().length, id);
    await page.waitForFunction(
      ([id, n]) => {
        const f = window.__dyn.figures[id];
        const s = f.state();
        return s.failed || !s.playing || f.frameTimes().length >= n;
      },
      [id, start + WARMUP_FRAMES + FRAMES],
      { timeout: 120_000, polling: 250 },
    );
    const { times, state } = await page.evaluate((id) => {
      const f = window.__dyn.figures[id];
      return { times: f.frameTimes(), state: f.state() };
    }, id);
    const sample = times.slice(start + WARMUP_FRAMES);
    result[id] = {
      frames: sample.length,
      p50: sample.length ? quantile(sample, 0.5) : null,
      p95: sample.length ? quantile(sample, 0.95) : null,
      max: sample.length ? Math.max(...sample) : null,
      steps_per_frame: state.speed,
      css_size: [state.cssWidth, state.cssHeight],
    };
  }
  await context.close();
  return result;
}

function fmt(x, digits = 2) {
  if (x === null || x === undefined || Number.isNaN(x)) return "–";
  if (Math.abs(x) >= 1e4) return Math.round(x).toLocaleString("en-US");
  return x.toFixed(digits);
}

function table(rows) {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => String(r[i]).length)));
  for (const r of rows) console.log(r.map((c, i) => String(c).padEnd(widths[i])).join("  "));
}

async function main() {
  setup();
  // The npm packages may have just been installed, so the modules that need them are loaded only now.
  const { launchBrowser } = await import("./browser.mjs");
  const { startServer } = await import("./serve.mjs");
  say("building the site");
  build();
  const native = nativeBench();

  const wasm = readFileSync(join(DIST, "pkg", `${CRATE}_bg.wasm`));
  const js = readFileSync(join(DIST, "pkg", `${CRATE}.js`));
  const size = {
    wasm_bytes: wasm.length,
    wasm_gzip_bytes: gzipSync(wasm, { level: 9 }).length,
    js_glue_gzip_bytes: gzipSync(js, { level: 9 }).length,
  };

  const server = await startServer({ root: DIST });
  const browser = await launchBrowser();
  let first;
  let steps;
  let frames;
  try {
    say("browser: time to first frame");
    first = await firstFrameTimes(browser, server.url);
    say("browser: wasm steps per second");
    steps = await wasmStepsPerSec(browser, server.url);
    say(`browser: ${FRAMES} animation frames per panel`);
    frames = await frameTimes(browser, server.url);
  } finally {
    await browser.close();
    await server.close();
  }

  const panels = Object.keys(steps).map((id) => {
    const nativeRate = native?.[id] ?? null;
    const wasmRate = steps[id].steps_per_sec;
    return {
      id,
      native_steps_per_sec: nativeRate,
      wasm_steps_per_sec: wasmRate,
      wasm_over_native: nativeRate ? wasmRate / nativeRate : null,
      wasm_diverged_at: steps[id].diverged,
      frame_ms: frames[id] ?? null,
    };
  });
  const firstFrameMs = quantile(first, 0.5);
  const targets = [
    ...panels.flatMap((p) => [
      {
        name: `${p.id}: p95 frame ms`,
        value: p.frame_ms?.p95 ?? null,
        limit: `<= ${TARGETS.p95FrameMs}`,
        pass: p.frame_ms?.p95 <= TARGETS.p95FrameMs,
      },
      {
        name: `${p.id}: wasm / native steps/s`,
        value: p.wasm_over_native,
        limit: `>= ${TARGETS.wasmOverNative}`,
        pass: p.wasm_over_native === null ? null : p.wasm_over_native >= TARGETS.wasmOverNative,
      },
    ]),
    {
      name: "gzipped wasm KB",
      value: size.wasm_gzip_bytes / 1024,
      limit: `<= ${TARGETS.gzipWasmKb}`,
      pass: size.wasm_gzip_bytes / 1024 <= TARGETS.gzipWasmKb,
    },
    {
      name: "first frame ms (median)",
      value: firstFrameMs,
      limit: `<= ${TARGETS.firstFrameMs}`,
      pass: firstFrameMs <= TARGETS.firstFrameMs,
    },
  ];

  const browserVersion = capture(chromePath(), ["--version"]);
  const report = {
    date: new Date().toISOString(),
    machine: { cpus: cpus().length, cpu: cpus()[0]?.model ?? null, node: process.version, browser: browserVersion },
    size,
    first_frame_ms: { median: firstFrameMs, max: Math.max(...first), samples: first },
    panels,
    targets,
  };
  writeFileSync(join(ROOT, "bench-report.json"), `${JSON.stringify(report, null, 2)}\n`);

  console.log("");
  table([
    ["panel", "native steps/s", "wasm steps/s", "wasm/native", "frame p50 ms", "frame p95 ms", "steps/frame"],
    ...panels.map((p) => [
      p.id,
      fmt(p.native_steps_per_sec, 0),
      fmt(p.wasm_steps_per_sec, 0),
      fmt(p.wasm_over_native),
      fmt(p.frame_ms?.p50),
      fmt(p.frame_ms?.p95),
      p.frame_ms?.steps_per_frame ?? "–",
    ]),
  ]);
  console.log(
    `\nwasm ${fmt(size.wasm_bytes / 1024, 1)} KB, ${fmt(size.wasm_gzip_bytes / 1024, 1)} KB gzipped; ` +
      `first frame ${fmt(firstFrameMs, 0)} ms after navigation start (median of ${LOADS} loads)\n`,
  );
  table([
    ["target", "value", "limit", "result"],
    ...targets.map((t) => [t.name, fmt(t.value), t.limit, t.pass === null ? "n/a" : t.pass ? "pass" : "FAIL"]),
  ]);
  if (!native) console.log("\nTODO: native numbers need `dynamics bench`, which is not available in this build.");
  console.log("\nWrote bench-report.json");
}

main().catch((err) => {
  console.error(`bench failed: ${err.stack || err.message}`);
  process.exitCode = 1;
});
