// The soak benchmark (not a test; `npm run soak`): every figure animates for a long time, by default 10 minutes at
// its defaults and 10 minutes at its heaviest preset, on a page of its own in headless Chromium (the page's other
// figures paused). Every sample interval (a minute by default) it records the JS heap in use after a full garbage
// collection (through the DevTools protocol) and the size of the page's wasm linear memory; throughout it records
// the slowest frame (one step(n) plus one render, and the readouts when refreshed). A run fails when the JS heap or
// the wasm memory grows by more than 5 % after the first sample (the lowest of the last three samples against the
// lower of the first two, so that garbage-collector noise is not taken for growth), or any frame takes more than
// 100 ms.
//
//   node scripts/soak.mjs [--minutes 10] [--sample-seconds 60] [--panels id,id] [--defaults-only] [--no-build]
//                         [--parallel N] [--renderer-processes K] [--page main|embed] [--out FILE]
//
// Serial (the default, --parallel 1): one run at a time, each page in its own renderer process. This is the
// reference: every number belongs to one figure and nothing else of the browser competes with it. 12 panels x 2
// settings x 10 minutes is about 4 hours.
//
// Parallel (--parallel N, N runs at a time; `npm run soak:parallel` runs 12 at a time, about 23 minutes): what
// stays honest and what does not.
//   - Every run still has its own page, so its own wasm instance: the wasm memory of a run is that figure's alone.
//     Parallel runs use the one-figure embed page (`embed.html?panel=id#settings`, --page embed, the default when
//     parallel): 24 copies of the main page, each building all 12 figures, took minutes just to open on one
//     renderer thread, and their 11 paused figures would sit in every run's wasm memory. --page main keeps the
//     main page (the serial default, as in the results of earlier sessions).
//   - All pages share ONE renderer process (Chromium's --renderer-process-limit=1, pages of one browser context).
//     Their JavaScript therefore runs on one main thread, one frame callback after another, so no figure's frame is
//     preempted by another figure's JavaScript: a frame time is still that figure's own step + render (plus any
//     preemption by processes outside the browser, and garbage collection of the shared heap, which runs inside
//     whichever frame allocates when it is due: both make it an upper bound). The alternative, one renderer
//     process per page, would put 24 processes on 2 cores and every frame time would include the OS handing the
//     core to other figures mid-frame; a single page with every figure would lose the per-figure wasm memory.
//   - The price: the figures take turns on that thread, so each gets fewer frames (and steps) per minute than
//     alone. The report gives each run's frames and steps, and "solo minutes", the frames divided by 3 600 (a
//     minute at 60 frames/s): memory that grows with steps (histories filling) is checked only as far as the run
//     got. A clean parallel soak is evidence, not the full test; the serial soak of a failing figure is.
//   - --renderer-processes K (default 1) allows K renderer processes instead; on an idle machine with K cores that
//     gives the figures K times the frames while figures of different processes no longer take turns (each
//     process has its core, apart from the browser's own processes). Pages are assigned to processes by Chromium.
//   - One renderer process has one JS heap (one V8 isolate): the JS heap reported for each run is the shared heap
//     of all pages at that moment, so JS-heap growth cannot be attributed to a figure and is diluted by the others
//     (it is still checked, as "shared JS heap"). Rerun a figure serially (--panels id) to attribute it.
//
// The heaviest preset of a panel is the one whose frames take longest in a short trial (--trial-seconds, 5 by
// default; trials run --parallel at a time too); a panel without presets is soaked at its defaults only. Results
// go to soak-report.json (or --out) and a table on standard output; the exit status is 1 when any run fails.

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
    parallel: { type: "string", default: "1" },
    page: { type: "string" },
    "renderer-processes": { type: "string", default: "1" },
    out: { type: "string", default: join(ROOT, "soak-report.json") },
  },
});
const parallel = Math.floor(Number(opts.parallel));
const rendererProcesses = Math.floor(Number(opts["renderer-processes"]));
if (!(parallel >= 1) || !(rendererProcesses >= 1)) {
  console.error("soak: --parallel and --renderer-processes must be whole numbers of at least 1");
  process.exit(2);
}
/** In parallel mode every page lives in this one browser context (pages of one context can share a process). */
let sharedContext = null;
/**
 * The window of a run: the main page at 1280 x 900 (its figure column is about 720 px wide); the embed page, which
 * fills its window with the figure, at 760 x 700 so that the figure is drawn at about the same size.
 */
const viewport = () => (hostPage === "embed" ? { width: 760, height: 700 } : { width: 1280, height: 900 });
/** Which page hosts a run: the main page (every figure built, the others paused) or the one-figure embed page. */
const hostPage = opts.page ?? (parallel > 1 ? "embed" : "main");
if (!["main", "embed"].includes(hostPage)) {
  console.error("soak: --page must be main or embed");
  process.exit(2);
}
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
async function openAlone(browser, site, id, hash) {
  const url = id && hostPage === "embed" ? `${site}embed.html?panel=${id}` : site;
  const own = !sharedContext;
  const context = sharedContext ?? (await browser.newContext({ viewport: viewport() }));
  const page = await context.newPage();
  // Closing a run closes its page, and its context only when the context is its own.
  const close = () => (own ? context.close() : page.close());
  const errors = [];
  page.on("pageerror", (err) => errors.push(err.message));
  page.on("console", (msg) => msg.type() === "error" && errors.push(msg.text()));
  await page.goto(url + hash);
  await page.waitForFunction(() => window.__dyn?.firstFrame != null, null, { timeout: 60_000 });
  await page.evaluate(() => window.__dyn.ready);
  await page.evaluate((id) => {
    for (const [other, f] of Object.entries(window.__dyn.figures)) f.view.setPlaying(other === id);
    // A run that settles pauses itself ("Settled at step N"); a soak must keep stepping, so a paused run that has
    // not diverged is resumed at once, as a reader pressing Play would (it then plays on). Counted in the report.
    const f = window.__dyn.figures[id];
    window.__soakResumes = 0;
    if (f)
      setInterval(() => {
        const s = f.state();
        if (!s.playing && s.diverged === null && !s.failed) {
          f.view.setPlaying(true);
          window.__soakResumes += 1;
        }
      }, 200);
  }, id);
  // On the main page only figures on screen animate; the embed page is the figure.
  if (id && hostPage === "main") await page.locator(`[data-panel="${id}"] canvas`).scrollIntoViewIfNeeded();
  const cdp = await context.newCDPSession(page);
  return { close, page, cdp, errors };
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
    return { times: f.frameTimes(), state: f.state(), resumes: window.__soakResumes ?? 0 };
  }, id);
}

/** The mean frame time of `id` at `hash` over a short trial, to rank presets by cost. */
async function trial(browser, url, id, hash) {
  const { close, page } = await openAlone(browser, url, id, hash);
  try {
    await page.waitForTimeout(trialMs);
    const { times } = await frames(page, id);
    return times.length ? times.reduce((a, b) => a + b, 0) / times.length : 0;
  } finally {
    await close();
  }
}

/** One soak run of `id` at `hash` for the configured duration. */
async function soak(browser, url, id, label, hash) {
  const { close, page, cdp, errors } = await openAlone(browser, url, id, hash);
  const samples = [];
  let maxFrame = 0;
  let slowFrames = 0;
  let resumes = 0;
  const start = Date.now();
  const end = start + minutes * 60_000;
  let nextSample = start + sampleMs;
  let lastWindowEnd = 0;
  try {
    while (Date.now() < end) {
      const wait = Math.min(FRAME_POLL_MS, nextSample - Date.now(), end - Date.now());
      if (wait > 0) await page.waitForTimeout(wait);
      const { times, state, resumes: r } = await frames(page, id);
      resumes = r;
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
    await close();
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
  const heapName = parallel > 1 ? "shared JS heap (all pages)" : "JS heap";
  if (heapGrowth > MAX_GROWTH) failures.push(`${heapName} grew ${(100 * heapGrowth).toFixed(1)} %`);
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
    frames: last?.frames ?? 0,
    solo_minutes: (last?.frames ?? 0) / 3600,
    js_heap_shared: parallel > 1,
    steps: last?.steps ?? 0,
    stopped: last ? !last.playing || last.diverged !== null : null,
    resumed_after_settling: resumes,
    failures,
  };
}

/** Runs `fn` on every item, at most `n` at a time, and returns the results in the items' order. */
async function pool(items, n, fn) {
  const out = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i], i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(n, items.length) }, worker));
  return out;
}

async function main() {
  const { chromium } = await import("playwright-core");
  const { CHROME_ARGS, chromePath } = await import("./lib.mjs");
  const { startServer } = await import("./serve.mjs");
  if (!opts["no-build"]) {
    say("building the site");
    build();
  }
  const server = await startServer();
  // Parallel runs share one renderer process (see the top of this file); serial runs keep Chromium's default.
  const args = parallel > 1 ? [...CHROME_ARGS, `--renderer-process-limit=${rendererProcesses}`] : CHROME_ARGS;
  const browser = await chromium.launch({ executablePath: chromePath(), headless: true, args });
  if (parallel > 1) sharedContext = await browser.newContext({ viewport: viewport() });
  let results = [];
  const started = Date.now();
  try {
    const meta = await (async () => {
      const { close, page } = await openAlone(browser, server.url, "", "");
      const list = await page.evaluate(async () => {
        const glue = await import(new URL("pkg/dynamics.js", document.baseURI).href);
        return JSON.parse(glue.panels_json());
      });
      await close();
      return list;
    })();
    const wanted = opts.panels ? opts.panels.split(",") : meta.map((p) => p.id);
    const panels = wanted.map((id) => {
      const panel = meta.find((p) => p.id === id);
      if (!panel) throw new Error(`no panel '${id}'`);
      return panel;
    });
    // Rank every panel's presets by frame time in short trials (`parallel` at a time).
    const trials = opts["defaults-only"]
      ? []
      : panels.flatMap((panel) => panel.presets.map((preset) => ({ panel, preset })));
    if (trials.length) say(`ranking ${trials.length} presets by frame time, ${parallel} at a time`);
    const ms = await pool(trials, parallel, ({ panel, preset }) =>
      trial(browser, server.url, panel.id, presetHash(panel.id, preset.values)),
    );
    const runs = [];
    for (const panel of panels) {
      runs.push({ id: panel.id, label: "defaults", hash: "" });
      let heaviest = null;
      trials.forEach((t, i) => {
        if (t.panel === panel && (!heaviest || ms[i] > heaviest.ms)) {
          heaviest = { id: panel.id, label: `preset "${t.preset.label}"`, hash: presetHash(panel.id, t.preset.values), ms: ms[i] };
        }
      });
      if (heaviest) runs.push(heaviest);
    }
    say(`soaking ${runs.length} runs for ${minutes} min each, ${parallel} at a time`);
    results = await pool(runs, parallel, (run) => {
      say(`${run.id}: soaking ${run.label} for ${minutes} min`);
      return soak(browser, server.url, run.id, run.label, run.hash);
    });
  } finally {
    await browser.close();
    await server.close();
  }
  const report = {
    minutes,
    sample_seconds: sampleMs / 1000,
    parallel,
    renderer_processes:
      parallel > 1 ? `${rendererProcesses}, shared by the pages (JS heap shared, frames take turns)` : "one per run",
    page: hostPage,
    wall_minutes: (Date.now() - started) / 60_000,
    max_growth: MAX_GROWTH,
    max_frame_ms: MAX_FRAME_MS,
    results,
  };
  writeFileSync(opts.out, `${JSON.stringify(report, null, 2)}\n`);
  const pct = (x) => (x === null ? "–" : `${(100 * x).toFixed(1)} %`);
  const heapHead = parallel > 1 ? "shared heap growth" : "heap growth";
  const rows = [["panel", "setting", "steps", "solo min", heapHead, "wasm growth", "max frame", "result"]];
  for (const r of results) {
    rows.push([
      r.panel,
      r.setting,
      String(r.steps) + (r.stopped ? " (stopped)" : ""),
      r.solo_minutes.toFixed(1),
      pct(r.js_heap_growth),
      pct(r.wasm_memory_growth),
      `${r.max_frame_ms.toFixed(1)} ms`,
      r.failures.length ? `FAIL: ${r.failures.join("; ")}` : "ok",
    ]);
  }
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  for (const r of rows) console.log(r.map((c, i) => c.padEnd(widths[i])).join("  "));
  console.log(
    `${results.length} runs of ${minutes} min, ${parallel} at a time, in ${report.wall_minutes.toFixed(1)} min of wall time` +
      (parallel > 1 ? "; JS heap is the one renderer's shared heap, frames are upper bounds (see scripts/soak.mjs)" : ""),
  );
  console.log(`report written to ${opts.out}`);
  if (results.some((r) => r.failures.length)) process.exit(1);
}

main().catch((err) => {
  console.error(`soak failed: ${err.stack ?? err.message}`);
  process.exit(1);
});
