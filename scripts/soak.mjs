// The soak benchmark (not a test; `npm run soak`): every figure animates for a long time, by default 10 minutes at
// its defaults and 10 minutes at its heaviest preset, on a page of its own in headless Chromium (the page's other
// figures paused). Every sample interval (a minute by default) it records the page's JS heap in use after a full
// garbage collection (through the DevTools protocol) and the size of the page's wasm linear memory; throughout it
// records every frame from the page's own frame log (www/figure.js `frameLog()`). A run fails when the JS heap or
// the wasm memory grows by more than 5 % after the first sample (the lowest of the last three samples against the
// lower of the first two, so that garbage-collector noise is not taken for growth), or any frame's work takes more
// than 100 ms.
//
//   node scripts/soak.mjs [--minutes 10] [--sample-seconds 60] [--panels id,id] [--defaults-only] [--no-build]
//                         [--presets panel.preset,panel.preset] (soak exactly these runs, no ranking; the preset id
//                         `defaults` names a panel's defaults: --presets multitask.defaults,multitask.x1000)
//                         [--parallel N] [--turns K] [--turn-seconds 5] [--processes own|shared]
//                         [--renderer-processes K] [--page main|embed] [--trial-seconds 5] [--out FILE]
//
// Frames. "Frame work" is the page's own timing of one animation frame of the figure: its stepping (at most about
// 50 ms, see www/speed.js), its drawing and, when refreshed, its readouts; the 100 ms limit applies to it. The
// "frame gap" is the time between the starts of two consecutive frames (the animation's pace: the frame work plus
// everything else the renderer and the machine did in between); it is reported, not judged, because on a shared
// machine it measures the machine more than the figure. "Max stepping" is the stepping part alone.
//
// Serial (the default, --parallel 1): one run at a time, each page in its own browser context. This is the
// reference: every number belongs to one figure and nothing else of the browser competes with it. 12 panels x 2
// settings x 10 minutes is about 4 hours.
//
// Parallel (--parallel N, N runs at a time; `npm run soak:parallel` runs all 24 at once, in about 14 minutes of wall
// time for 10-minute runs: 2 to 3 minutes of ranking trials, 10 minutes of soak):
//   - Every run has its own page, so its own wasm instance: the wasm memory of a run is that figure's alone.
//     Parallel runs use the one-figure embed page (`embed.html?panel=id#settings`, --page embed, the default when
//     parallel): 24 copies of the main page, each building all 12 figures, took minutes just to open, and their 11
//     paused figures would sit in every run's wasm memory. --page main keeps the main page.
//   - --processes own (the default): run i is opened from its own site, http://127.0.0.(2 + i):port/ (Linux routes
//     all of 127.0.0.0/8 to the loopback interface; the soak serves dist/ on each address it uses, on the loopback
//     interface only), in a browser context of its own. Chromium isolates sites in renderer processes of their own,
//     so each run's page has its own process and its own JS heap (one V8 isolate per renderer process), and
//     `Runtime.getHeapUsage` through that page's DevTools session measures that page alone. The soak checks this
//     before it starts (`checkIsolation`: about 8 MB allocated in one page must move that page's measured heap and
//     not another's) and labels the heap "shared" in the report if the check fails. Measured: the ballast moved its
//     own page's heap by 12.6 MB and another page's by 0.1 MB.
//   - Turns (--turns K, by default the number of cores; --turn-seconds, 5 by default): all runs live for the whole
//     soak and are sampled every minute, but only K of them animate at any moment, round robin, the others paused
//     (a paused figure requests no frames and uses no processor time). A frame's work is timed by the page with the
//     wall clock, so with 24 busy renderer processes on 2 cores every frame would include the time the operating
//     system gave the core to other figures: a 2-minute trial with all 24 animating at once (--turns 0) failed 23 of
//     24 runs with frames of 120 to 870 ms that stepped for a few milliseconds. With turns each figure gets the same
//     share of the processor (1/12 of the time on 2 cores) in whole turns, and a frame is preempted only by the rest
//     of the machine. The report gives each run's frames and "solo minutes", the frames divided by 3 600 (a minute
//     at 60 frames/s): memory that grows with steps (histories filling) is checked only as far as the run got, and
//     the first samples fall in the JS heap's warm-up (measured alone, a figure's heap grew about 2 % over its first
//     two minutes of animation and then stayed flat; in turns the first two minutes are 10 s of animation). A clean
//     parallel soak is evidence; the serial soak of a failing figure (--panels id --page embed) is the test.
//   - --processes shared: every run from 127.0.0.1, in one browser context, with --renderer-process-limit=K
//     (--renderer-processes, default 1), as earlier soaks did. Chromium treats the limit as a hint: in a check with
//     12 same-site pages opened one after another it started 13 renderer processes, and the ballast moved only its
//     own page's heap. The isolation check tells which happened; a heap it finds shared is reported as "shared JS
//     heap" and cannot be attributed to a figure. (In one shared context, a page that resumed after a pause got
//     about one animation frame a second unless brought to the front, so there all runs animate at once unless
//     --turns is given.)
//
// The heaviest preset of a panel is the one whose frames take longest in a short trial (--trial-seconds, 5 by
// default; parallel trials run K at a time, as many as animate at once in turns); a panel without presets is soaked
// at its defaults only. Results go to soak-report.json (or --out) and a Markdown table on standard output, ready for
// BENCHMARKS.md; the exit status is 1 when any run fails (and when the soak itself fails), 0 otherwise.

import { writeFileSync } from "node:fs";
import { availableParallelism, loadavg } from "node:os";
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
    presets: { type: "string" },
    "no-build": { type: "boolean", default: false },
    "defaults-only": { type: "boolean", default: false },
    parallel: { type: "string", default: "1" },
    page: { type: "string" },
    "renderer-processes": { type: "string", default: "1" },
    processes: { type: "string", default: "own" },
    turns: { type: "string" },
    "turn-seconds": { type: "string", default: "5" },
    out: { type: "string", default: join(ROOT, "soak-report.json") },
  },
});
const parallel = Math.floor(Number(opts.parallel));
/** Parallel runs animating at once (0: all); by default as many as the machine has cores (all with shared sites). */
const turnCount =
  opts.turns !== undefined ? Math.floor(Number(opts.turns)) : opts.processes === "shared" ? 0 : availableParallelism();
const turnMs = Number(opts["turn-seconds"]) * 1000;
if (!(turnCount >= 0) || !(turnMs > 0)) {
  console.error("soak: --turns must be a whole number of at least 0 and --turn-seconds positive");
  process.exit(2);
}
/** "own": every run on a site of its own (its own renderer process and JS heap); "shared": one site for all. */
const processes = opts.processes;
if (!["own", "shared"].includes(processes)) {
  console.error("soak: --processes must be own or shared");
  process.exit(2);
}
const rendererProcesses = Math.floor(Number(opts["renderer-processes"]));
if (!(parallel >= 1) || !(rendererProcesses >= 1)) {
  console.error("soak: --parallel and --renderer-processes must be whole numbers of at least 1");
  process.exit(2);
}
/** In parallel mode every page lives in this one browser context (pages of one context can share a process). */
let sharedContext = null;
/** Whether runs share a site (and may share a renderer process): parallel runs with --processes shared. */
const sharedSite = parallel > 1 && processes === "shared";
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

/** Whether the JS heap a run reports holds other pages too (found by `checkIsolation`). */
let heapShared = false;
/** What `checkIsolation` measured, for the report. */
let heapCheck = null;

/** Ballast allocated by `checkIsolation`, in bytes (about; JS objects). */
const BALLAST_BYTES = 8e6;

/**
 * Checks that the JS heap measured for a page (`Runtime.getHeapUsage` through that page's own DevTools session,
 * after a forced garbage collection) is that page's alone: opens two pages as two runs would be opened (at the sites
 * `siteA` and `siteB`), allocates about 8 MB in the first, and measures both again. Per page when the first grew by
 * at least half the ballast and the second by less than a tenth of it; shared when both grew.
 */
async function checkIsolation(browser, siteA, siteB) {
  const a = await openAlone(browser, siteA, "dirac-gan", "");
  const b = await openAlone(browser, siteB, "dirac-gan", "");
  try {
    const before = [await memory(a.page, a.cdp), await memory(b.page, b.cdp)];
    await a.page.evaluate((n) => {
      window.__soakBallast = Array.from({ length: n }, (_, i) => ({ i, text: `ballast ${i}` }));
    }, Math.round(BALLAST_BYTES / 40));
    const after = [await memory(a.page, a.cdp), await memory(b.page, b.cdp)];
    const grewA = after[0].js_heap - before[0].js_heap;
    const grewB = after[1].js_heap - before[1].js_heap;
    const perPage = grewA >= BALLAST_BYTES / 2 && Math.abs(grewB) < BALLAST_BYTES / 10;
    const detail =
      `checked: about ${(BALLAST_BYTES / 1e6).toFixed(0)} MB of objects allocated in one page moved its heap by ` +
      `${(grewA / 1e6).toFixed(1)} MB and another page's by ${(grewB / 1e6).toFixed(1)} MB`;
    return { perPage, detail };
  } finally {
    await a.close();
    await b.close();
  }
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
    // The soak's turns (see `Turns`) pause and resume it through __soakTurn, which is not counted.
    const f = window.__dyn.figures[id];
    window.__soakResumes = 0;
    let turn = true;
    window.__soakTurn = (on) => {
      turn = on;
      if (f && f.state().playing !== on && f.state().diverged === null) f.view.setPlaying(on);
    };
    if (f)
      setInterval(() => {
        const s = f.state();
        if (turn && !s.playing && s.diverged === null && !s.failed) {
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

/**
 * Turn-taking of parallel runs: at most `k` runs animate at any moment, each for `ms` at a time, round robin; the
 * others are paused (a paused figure requests no frames, so it uses no processor time). Every run still lives for
 * the whole soak and is sampled every minute. With k = the number of cores, a figure's frames are not preempted by
 * the other figures' processes (only by the rest of the machine), and each figure gets the same share of the
 * processor as when all animate at once. k = 0 lets all runs animate at once.
 */
class Turns {
  constructor(k, ms) {
    this.k = k;
    this.ms = ms;
    this.pages = [];
    this.next = 0;
    this.timer = k > 0 ? setInterval(() => this.rotate(), ms) : null;
  }

  /** Adds a run's page; it waits for its turn (or plays at once when there are no more runs than turns). */
  async add(page) {
    this.pages.push(page);
    await this.rotate();
  }

  /** Removes a run's page (it is closing). */
  remove(page) {
    this.pages = this.pages.filter((p) => p !== page);
  }

  /** Gives the next `k` runs their turn and pauses the rest. */
  async rotate() {
    if (this.k <= 0) return;
    const n = this.pages.length;
    if (!n) return;
    const on = new Set();
    for (let i = 0; i < Math.min(this.k, n); i++) on.add(this.pages[(this.next + i) % n]);
    this.next = (this.next + Math.min(this.k, n)) % n;
    await Promise.all(
      this.pages.map((p) => p.evaluate((v) => window.__soakTurn?.(v), on.has(p)).catch(() => {})),
    );
  }

  stop() {
    if (this.timer) clearInterval(this.timer);
  }
}

/** The turns of parallel runs (null in serial mode, where the one run plays throughout). */
let turns = null;
/**
 * Runs still opening their page. Until none is, the others do not start: 24 pages loading and compiling at once
 * make every frame of the runs already open slow, which says nothing about their figures.
 */
let opening = 0;

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

/**
 * The figure's frames since the animation timestamp `after` (its own log of its last 2000 frames: when each began,
 * its whole work in ms, its stepping in ms and steps), and its state.
 */
function frames(page, id, after = -Infinity) {
  return page.evaluate(
    ([id, after]) => {
      const f = window.__dyn.figures[id];
      const log = f.frameLog();
      // The frame before the first new one, for the gap to it.
      const first = log.findIndex((r) => r.at > after);
      const fresh = first < 0 ? [] : log.slice(Math.max(0, first - 1));
      return { log: fresh, newFrom: first <= 0 ? 0 : 1, state: f.state(), resumes: window.__soakResumes ?? 0 };
    },
    [id, after],
  );
}

/** The mean frame time of `id` at `hash` over a short trial, to rank presets by cost. */
async function trial(browser, url, id, hash) {
  const { close, page } = await openAlone(browser, url, id, hash);
  try {
    await page.waitForTimeout(trialMs);
    const { log } = await frames(page, id);
    return log.length ? log.reduce((a, r) => a + r.ms, 0) / log.length : 0;
  } finally {
    await close();
  }
}

/** The `q` quantile of a list of numbers (null for none). */
function quantile(xs, q) {
  if (!xs.length) return null;
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.floor(q * (sorted.length - 1))];
}

/** One soak run of `id` at `hash` for the configured duration. */
async function soak(browser, url, id, label, hash) {
  opening += 1;
  let opened;
  try {
    opened = await openAlone(browser, url, id, hash);
    await turns?.add(opened.page);
  } finally {
    opening -= 1;
  }
  const { close: closePage, page, cdp, errors } = opened;
  const close = () => {
    turns?.remove(page);
    return closePage();
  };
  // Frames count from the moment every run of the batch is open (animation timestamps share performance.now()'s
  // time origin).
  while (opening > 0) await page.waitForTimeout(200);
  let lastAt = await page.evaluate(() => performance.now());
  const samples = [];
  // The page's own frame work (stepping, drawing and readouts, as the page times it), its stepping alone, and the
  // gaps between the starts of consecutive frames (the animation's pace: the frame work plus whatever else ran).
  let maxFrame = 0;
  let maxStep = 0;
  let slowFrames = 0;
  let maxGap = 0;
  let slowGaps = 0;
  let seen = 0;
  let gapsInWindow = [];
  let workInWindow = [];
  let resumes = 0;
  const start = Date.now();
  const end = start + minutes * 60_000;
  let nextSample = start + sampleMs;
  try {
    while (Date.now() < end) {
      const wait = Math.min(FRAME_POLL_MS, nextSample - Date.now(), end - Date.now());
      if (wait > 0) await page.waitForTimeout(wait);
      const { log, newFrom, state, resumes: r } = await frames(page, id, lastAt);
      resumes = r;
      // Each frame is counted once: the page's log is read from the last frame seen on.
      const fresh = log.slice(newFrom);
      for (let i = log.length - fresh.length; i < log.length; i++) {
        const f = log[i];
        maxFrame = Math.max(maxFrame, f.ms);
        maxStep = Math.max(maxStep, f.stepMs);
        if (f.ms > MAX_FRAME_MS) slowFrames += 1;
        workInWindow.push(f.ms);
        // A gap longer than a second is a pause of the run (its turns, or a settled run waiting to be resumed).
        if (i > 0) {
          const gap = f.at - log[i - 1].at;
          if (gap < 1000) {
            maxGap = Math.max(maxGap, gap);
            if (gap > MAX_FRAME_MS) slowGaps += 1;
            gapsInWindow.push(gap);
          }
        }
      }
      seen += fresh.length;
      if (log.length) lastAt = log.at(-1).at;
      if (Date.now() >= nextSample - 50) {
        const m = await memory(page, cdp);
        samples.push({
          seconds: Math.round((Date.now() - start) / 1000),
          ...m,
          steps: state.steps,
          frames: seen,
          playing: state.playing,
          diverged: state.diverged,
          p95_frame_ms: quantile(workInWindow, 0.95),
          p95_gap_ms: quantile(gapsInWindow, 0.95),
        });
        workInWindow = [];
        gapsInWindow = [];
        say(
          `  ${id} ${label} ${samples.at(-1).seconds}s: heap ${(m.js_heap / 1e6).toFixed(2)} MB, ` +
            `wasm ${(m.wasm_memory / 1e6).toFixed(2)} MB, steps ${state.steps}, max frame ${maxFrame.toFixed(1)} ms, ` +
            `max gap ${maxGap.toFixed(1)} ms`,
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
  const heapName = heapShared ? "shared JS heap (several pages)" : "JS heap";
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
    js_heap_mb: last ? last.js_heap / 1e6 : null,
    js_heap_growth: heapGrowth,
    wasm_memory_mb: last ? last.wasm_memory / 1e6 : null,
    wasm_memory_growth: wasmGrowth,
    max_frame_ms: maxFrame,
    max_stepping_ms: maxStep,
    slow_frames: slowFrames,
    max_gap_ms: maxGap,
    gaps_over_limit: slowGaps,
    frames: seen,
    solo_minutes: seen / 3600,
    js_heap_shared: heapShared,
    steps: last?.steps ?? 0,
    // Diverged, or (serial runs) paused and not resumed; a parallel run paused between its turns is not stopped.
    stopped: last ? last.diverged !== null || (!turns && !last.playing) : null,
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
  // One server per loopback address in use: run i of a parallel soak is served from 127.0.0.(2 + i), a site of its
  // own (Linux routes all of 127.0.0.0/8 to the loopback interface); everything else from 127.0.0.1.
  const servers = new Map();
  const serve = async (host) => {
    if (!servers.has(host)) servers.set(host, startServer({ host }));
    return (await servers.get(host)).url;
  };
  const server = { url: await serve("127.0.0.1") };
  const site = (i) => (parallel > 1 && !sharedSite ? serve(`127.0.0.${2 + (i % 250)}`) : server.url);
  // Shared-site parallel runs ask Chromium for few renderer processes (see the top of this file).
  const args = sharedSite ? [...CHROME_ARGS, `--renderer-process-limit=${rendererProcesses}`] : CHROME_ARGS;
  const browser = await chromium.launch({ executablePath: chromePath(), headless: true, args });
  // Shared-site runs share one browser context, so that Chromium may put their pages in one process. Runs of their
  // own sites get a context each: a page of a shared context that resumes animating after a pause got about one
  // animation frame a second in headless Chromium unless it was brought to the front (measured), which would
  // starve the turns below.
  if (sharedSite) sharedContext = await browser.newContext({ viewport: viewport() });
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
    // --presets panel.preset,...: exactly these runs, named by the presets' ids (`panel.defaults`: its defaults).
    const chosen = opts.presets
      ? opts.presets.split(",").map((s) => ({ id: s.slice(0, s.indexOf(".")), preset: s.slice(s.indexOf(".") + 1) }))
      : null;
    const wanted = chosen ? [...new Set(chosen.map((c) => c.id))] : opts.panels ? opts.panels.split(",") : meta.map((p) => p.id);
    const panels = wanted.map((id) => {
      const panel = meta.find((p) => p.id === id);
      if (!panel) throw new Error(`no panel '${id}'`);
      return panel;
    });
    // Rank every panel's presets by frame time in short trials (`parallel` at a time).
    const trials = opts["defaults-only"] || chosen
      ? []
      : panels.flatMap((panel) => panel.presets.map((preset) => ({ panel, preset })));
    // Trials are ranked by frame time, so they run no more at a time than the turns allow (as many as cores).
    const trialParallel = parallel > 1 && turnCount > 0 ? Math.min(parallel, turnCount) : parallel;
    if (trials.length) say(`ranking ${trials.length} presets by frame time, ${trialParallel} at a time`);
    if (parallel > 1) {
      const check = await checkIsolation(browser, await site(0), await site(1));
      heapShared = !check.perPage;
      say(`JS heap of each page: ${check.perPage ? "its own" : "shared with other pages"} (${check.detail})`);
      heapCheck = check.detail;
    }
    const ms = await pool(trials, trialParallel, async ({ panel, preset }, i) =>
      trial(browser, await site(i), panel.id, presetHash(panel.id, preset.values)),
    );
    const runs = [];
    for (const c of chosen ?? []) {
      if (c.preset === "defaults") {
        runs.push({ id: c.id, label: "defaults", hash: "" });
        continue;
      }
      const preset = panels.find((p) => p.id === c.id).presets.find((p) => p.id === c.preset);
      if (!preset) throw new Error(`no preset '${c.preset}' in panel '${c.id}'`);
      runs.push({ id: c.id, label: `preset "${preset.label}"`, hash: presetHash(c.id, preset.values) });
    }
    for (const panel of chosen ? [] : panels) {
      runs.push({ id: panel.id, label: "defaults", hash: "" });
      let heaviest = null;
      trials.forEach((t, i) => {
        if (t.panel === panel && (!heaviest || ms[i] > heaviest.ms)) {
          heaviest = { id: panel.id, label: `preset "${t.preset.label}"`, hash: presetHash(panel.id, t.preset.values), ms: ms[i] };
        }
      });
      if (heaviest) runs.push(heaviest);
    }
    if (parallel > 1) turns = new Turns(turnCount, turnMs);
    say(
      `soaking ${runs.length} runs for ${minutes} min each, ${parallel} at a time` +
        (parallel > 1 ? (turnCount > 0 ? `, ${turnCount} animating at once in turns of ${turnMs / 1000} s` : ", all animating at once") : ""),
    );
    results = await pool(runs, parallel, async (run, i) => {
      say(`${run.id}: soaking ${run.label} for ${minutes} min`);
      return soak(browser, await site(i), run.id, run.label, run.hash);
    });
  } finally {
    turns?.stop();
    await browser.close();
    for (const s of servers.values()) await (await s).close();
  }
  const report = {
    minutes,
    sample_seconds: sampleMs / 1000,
    parallel,
    processes: parallel > 1 ? (sharedSite ? `one site, --renderer-process-limit=${rendererProcesses}` : "a site and renderer process per run") : "one page at a time",
    turns: parallel > 1 ? (turnCount > 0 ? `${turnCount} runs animating at once, turns of ${turnMs / 1000} s` : "all runs animating at once") : null,
    js_heap: heapShared ? "shared by several pages" : "per page",
    js_heap_check: heapCheck,
    page: hostPage,
    wall_minutes: (Date.now() - started) / 60_000,
    load_average: loadavg(),
    max_growth: MAX_GROWTH,
    max_frame_ms: MAX_FRAME_MS,
    results,
  };
  writeFileSync(opts.out, `${JSON.stringify(report, null, 2)}\n`);
  // A Markdown table, ready for BENCHMARKS.md.
  const pct = (x) => (x === null ? "–" : `${(100 * x).toFixed(1)} %`);
  const mb = (x) => (x === null ? "–" : x.toFixed(2));
  const rows = [
    [
      "panel",
      "setting",
      "steps",
      "solo min",
      heapShared ? "shared JS heap MB (growth)" : "JS heap MB (growth)",
      "wasm MB (growth)",
      "max frame work",
      "max stepping",
      "max frame gap",
      "result",
    ],
  ];
  for (const r of results) {
    rows.push([
      r.panel,
      r.setting.replace(/\|/g, "\\|"),
      String(r.steps) + (r.stopped ? " (stopped)" : ""),
      r.solo_minutes.toFixed(1),
      `${mb(r.js_heap_mb)} (${pct(r.js_heap_growth)})`,
      `${mb(r.wasm_memory_mb)} (${pct(r.wasm_memory_growth)})`,
      `${r.max_frame_ms.toFixed(1)} ms`,
      `${r.max_stepping_ms.toFixed(1)} ms`,
      `${r.max_gap_ms.toFixed(1)} ms`,
      r.failures.length ? `FAIL: ${r.failures.join("; ")}` : "ok",
    ]);
  }
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  const line = (r) => `| ${r.map((c, i) => c.padEnd(widths[i])).join(" | ")} |`;
  console.log(line(rows[0]));
  console.log(`|${widths.map((w) => "-".repeat(w + 2)).join("|")}|`);
  for (const r of rows.slice(1)) console.log(line(r));
  const failed = results.filter((r) => r.failures.length).length;
  console.log(
    `\n${results.length} runs of ${minutes} min, ${parallel} at a time (${report.processes}` +
      `${report.turns ? `; ${report.turns}` : ""}), in ` +
      `${report.wall_minutes.toFixed(1)} min of wall time, load average at the end ${report.load_average.map((x) => x.toFixed(1)).join(" ")}; ` +
      `JS heap ${report.js_heap}${heapCheck ? ` (${heapCheck})` : ""}; ${failed ? `${failed} FAILED` : "all passed"}. ` +
      `Frame work is the page's own timing of a frame (stepping, drawing, readouts); the frame gap, between the ` +
      `starts of consecutive frames, is reported but not judged (see scripts/soak.mjs).`,
  );
  console.log(`report written to ${opts.out}`);
  process.exit(failed ? 1 : 0);
}

main().catch((err) => {
  console.error(`soak failed: ${err.stack ?? err.message}`);
  process.exit(1);
});
