// The soak benchmark (not a test; `npm run soak`): every figure animates for a long time, by default 10 minutes at
// its defaults and 10 minutes at its heaviest preset, alone on a fresh page in headless Chromium. Every sample
// interval (a minute by default) it records the JS heap in use after a full garbage collection (through the
// DevTools protocol) and the size of the wasm linear memory; throughout it records the slowest frame (one
// step(n) plus one render, and the readouts when refreshed). A run fails when the JS heap or the wasm memory
// grows by more than 5 % after the first sample (the lowest of the last three samples against the lower of the
// first two, so that garbage-collector noise is not taken for growth), or any frame takes more than 100 ms.
//
//   node scripts/soak.mjs [--minutes 10] [--sample-seconds 60] [--panels id,id] [--defaults-only] [--no-build]
//                         [--out FILE]
//
// The heaviest preset of a panel is the one whose frames take longest in a short trial (--trial-seconds, 5 by
// default); a panel without presets is soaked at its defaults only. Results go to soak-report.json (or --out) and
// a table on standard output; the exit status is 1 when any run fails.

import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { build } from "./build.mjs";
import { ROOT, say } from "./lib.mjs";

/** Growth allowed after the first sample, as a fraction of it. */
const MAX_GROWTH = 0.05;
/** The slowest frame allowed, in milliseconds. */
const MAX_FRAME_MS = 100;
/** How often the frame-time window is read. The page keeps its last 2000 frame times, 33 s at 60 frames/s. */
const FRAME_POLL_MS = 10_000;

const { values: opts } = parseArgs({
  options: {
    minutes: { type: "string", default: "10" },
    "sample-seconds": { type: "string", default: "60" },
    "trial-seconds": { type: "string", default: "5" },
    panels: { type: "string" },
    "no-build": { type: "boolean", default: false },
    "defaults-only": { type: "boolean", default: false },
    out: { type: "string", default: join(ROOT, "soak-report.json") },
  },
});
const minutes = Number(opts.minutes);
const sampleMs = Number(opts["sample-seconds"]) * 1000;
const trialMs = Number(opts["trial-seconds"]) * 1000;
if (!(minutes > 0) || !(sampleMs > 0) || !(trialMs >= 0)) {
  console.error("soak: --minutes and --sample-seconds must be positive numbers, --trial-seconds at least 0");
  process.exit(2);
}

/** The URL hash that applies a preset's `[key, value]` pairs to one panel. */
function presetHash(id, values) {
  return values.length ? `#${values.map(([k, v]) => `${id}.${k}=${encodeURIComponent(v)}`).join("&")}` : "";
}

/**
 * Opens the page with `hash`, pauses every figure except `id`, and scrolls `id` into view so that it is the only
 * one animating. Returns the page and a DevTools session for heap measurements.
 */
async function openAlone(browser, url, id, hash) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  const errors = [];
  page.on("pageerror", (err) => errors.push(err.message));
  page.on("console", (msg) => msg.type() === "error" && errors.push(msg.text()));
  await page.goto(url + hash);
  await page.waitForFunction(() => window.__dyn?.firstFrame != null, null, { timeout: 60_000 });
  await page.evaluate(() => window.__dyn.ready);
  await page.evaluate((id) => {
    for (const [other, f] of Object.entries(window.__dyn.figures)) f.view.setPlaying(other === id);
  }, id);
  if (id) await page.locator(`[data-panel="${id}"] canvas`).scrollIntoViewIfNeeded();
  const cdp = await context.newCDPSession(page);
  return { context, page, cdp, errors };
}

/** JS heap in use after a full garbage collection, and the wasm linear memory, in bytes. */
async function memory(page, cdp) {
  await cdp.send("HeapProfiler.collectGarbage");
  const { usedSize } = await cdp.send("Runtime.getHeapUsage");
  // Importing the glue module again returns the instance the page already uses, and its initialiser returns the
  // existing exports without instantiating anything.
  const wasm = await page.evaluate(async () => {
    const glue = await import(new URL("pkg/dynamics.js", document.baseURI).href);
    return (await glue.default()).memory.buffer.byteLength;
  });
  return { js_heap: usedSize, wasm_memory: wasm };
}

/** The figure's recent frame times and its state. */
function frames(page, id) {
  return page.evaluate((id) => {
    const f = window.__dyn.figures[id];
    return { times: f.frameTimes(), state: f.state() };
  }, id);
}

/** The mean frame time of `id` at `hash` over a short trial, to rank presets by cost. */
async function trial(browser, url, id, hash) {
  const { context, page } = await openAlone(browser, url, id, hash);
  try {
    await page.waitForTimeout(trialMs);
    const { times } = await frames(page, id);
    return times.length ? times.reduce((a, b) => a + b, 0) / times.length : 0;
  } finally {
    await context.close();
  }
}

/** One soak run of `id` at `hash` for the configured duration. */
async function soak(browser, url, id, label, hash) {
  const { context, page, cdp, errors } = await openAlone(browser, url, id, hash);
  const samples = [];
  let maxFrame = 0;
  let slowFrames = 0;
  const start = Date.now();
  const end = start + minutes * 60_000;
  let nextSample = start + sampleMs;
  let lastWindowEnd = 0;
  try {
    while (Date.now() < end) {
      const wait = Math.min(FRAME_POLL_MS, nextSample - Date.now(), end - Date.now());
      if (wait > 0) await page.waitForTimeout(wait);
      const { times, state } = await frames(page, id);
      // Windows overlap (the page keeps 2000 frames, more than one poll's worth), so the maximum is exact; slow
      // frames are counted in the part of the window not seen before, located by the total frame count.
      maxFrame = Math.max(maxFrame, ...times, 0);
      const fresh = Math.min(times.length, Math.max(0, state.frames - lastWindowEnd));
      slowFrames += times.slice(times.length - fresh).filter((t) => t > MAX_FRAME_MS).length;
      lastWindowEnd = state.frames;
      if (Date.now() >= nextSample - 50) {
        const m = await memory(page, cdp);
        const sorted = [...times].sort((a, b) => a - b);
        samples.push({
          seconds: Math.round((Date.now() - start) / 1000),
          ...m,
          steps: state.steps,
          frames: state.frames,
          playing: state.playing,
          diverged: state.diverged,
          p95_frame_ms: sorted.length ? sorted[Math.floor(0.95 * (sorted.length - 1))] : null,
        });
        say(
          `  ${id} ${label} ${samples.at(-1).seconds}s: heap ${(m.js_heap / 1e6).toFixed(2)} MB, ` +
            `wasm ${(m.wasm_memory / 1e6).toFixed(2)} MB, steps ${state.steps}, max frame ${maxFrame.toFixed(1)} ms`,
        );
        nextSample += sampleMs;
      }
    }
  } finally {
    await context.close();
  }
  // A garbage-collected heap of a few megabytes still moves by several per cent between samples (objects of the
  // measurement itself, caches, JIT code), while retained memory cannot be collected: growth is therefore the
  // lowest of the last three samples over the lower of the first two, which a leak raises and noise does not.
  const growth = (key) => {
    if (samples.length < 2) return null;
    const base = Math.min(...samples.slice(0, 2).map((s) => s[key]));
    return Math.min(...samples.slice(-3).map((s) => s[key])) / base - 1;
  };
  const heapGrowth = growth("js_heap");
  const wasmGrowth = growth("wasm_memory");
  const last = samples.at(-1);
  const failures = [];
  if (samples.length < 2) failures.push("fewer than two samples: run longer than one sample interval");
  if (heapGrowth > MAX_GROWTH) failures.push(`JS heap grew ${(100 * heapGrowth).toFixed(1)} %`);
  if (wasmGrowth > MAX_GROWTH) failures.push(`wasm memory grew ${(100 * wasmGrowth).toFixed(1)} %`);
  if (maxFrame > MAX_FRAME_MS) failures.push(`${slowFrames} frame(s) over ${MAX_FRAME_MS} ms, slowest ${maxFrame.toFixed(1)} ms`);
  if (errors.length) failures.push(`page errors: ${errors.slice(0, 3).join("; ")}`);
  return {
    panel: id,
    setting: label,
    hash,
    minutes,
    samples,
    js_heap_growth: heapGrowth,
    wasm_memory_growth: wasmGrowth,
    max_frame_ms: maxFrame,
    slow_frames: slowFrames,
    steps: last?.steps ?? 0,
    stopped: last ? !last.playing || last.diverged !== null : null,
    failures,
  };
}

async function main() {
  const { launchBrowser } = await import("./browser.mjs");
  const { startServer } = await import("./serve.mjs");
  if (!opts["no-build"]) {
    say("building the site");
    build();
  }
  const server = await startServer();
  const browser = await launchBrowser();
  const results = [];
  try {
    const meta = await (async () => {
      const { context, page } = await openAlone(browser, server.url, "", "");
      const list = await page.evaluate(async () => {
        const glue = await import(new URL("pkg/dynamics.js", document.baseURI).href);
        return JSON.parse(glue.panels_json());
      });
      await context.close();
      return list;
    })();
    const wanted = opts.panels ? opts.panels.split(",") : meta.map((p) => p.id);
    for (const id of wanted) {
      const panel = meta.find((p) => p.id === id);
      if (!panel) throw new Error(`no panel '${id}'`);
      const runs = [{ label: "defaults", hash: "" }];
      if (panel.presets.length && !opts["defaults-only"]) {
        say(`${id}: ranking ${panel.presets.length} presets by frame time`);
        let heaviest = null;
        for (const preset of panel.presets) {
          const hash = presetHash(id, preset.values);
          const ms = await trial(browser, server.url, id, hash);
          if (!heaviest || ms > heaviest.ms) heaviest = { label: `preset "${preset.label}"`, hash, ms };
        }
        runs.push(heaviest);
      }
      for (const run of runs) {
        say(`${id}: soaking ${run.label} for ${minutes} min`);
        results.push(await soak(browser, server.url, id, run.label, run.hash));
      }
    }
  } finally {
    await browser.close();
    await server.close();
  }
  const report = { minutes, sample_seconds: sampleMs / 1000, max_growth: MAX_GROWTH, max_frame_ms: MAX_FRAME_MS, results };
  writeFileSync(opts.out, `${JSON.stringify(report, null, 2)}\n`);
  const pct = (x) => (x === null ? "–" : `${(100 * x).toFixed(1)} %`);
  const rows = [["panel", "setting", "steps", "heap growth", "wasm growth", "max frame", "result"]];
  for (const r of results) {
    rows.push([
      r.panel,
      r.setting,
      String(r.steps) + (r.stopped ? " (stopped)" : ""),
      pct(r.js_heap_growth),
      pct(r.wasm_memory_growth),
      `${r.max_frame_ms.toFixed(1)} ms`,
      r.failures.length ? `FAIL: ${r.failures.join("; ")}` : "ok",
    ]);
  }
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  for (const r of rows) console.log(r.map((c, i) => c.padEnd(widths[i])).join("  "));
  console.log(`report written to ${opts.out}`);
  if (results.some((r) => r.failures.length)) process.exit(1);
}

main().catch((err) => {
  console.error(`soak failed: ${err.stack ?? err.message}`);
  process.exit(1);
});
