// How many simulation steps one animation frame takes. The "auto" speed: as many steps as fit a time budget,
// measured with performance.now() and adapted smoothly, taken in chunks sized from the cost measured within the
// frame so that one frame never runs far past the budget even when steps suddenly become slow. A fixed speed (a
// number chosen in the menu): that many steps, in chunks timed the same way, but never more than 50 ms of stepping
// in one frame. Also the rates shown beside them. Pure apart from the clock passed in (unit-tested with node and a
// fake clock).
//
// Both step in units of work: for most panels a unit is a step; a panel whose single step may cost more than a frame
// (Lion/Tiger's per-step engine at large vocabularies) divides its steps into several units (`units_per_step`), so
// that the 50 ms limit holds whatever one step costs. Chunks then end at step boundaries where they reach one, and a
// frame that has completed a step stops at a boundary rather than begin a step it cannot finish, so the picture drawn
// after the frame is of a completed step (`alignChunk`).

/** Milliseconds of stepping per frame that auto aims for, leaving the rest of a 60 Hz frame for drawing. */
export const AUTO_BUDGET_MS = 6;
/** Stepping stops once a frame has used this much, whatever the plan (only a single step can overrun it). */
export const HARD_LIMIT_MS = 50;
/** How far one frame's measurement moves the plan (exponential smoothing). */
const SMOOTHING = 0.25;
/** The plan grows at most by this factor per frame, so that a lucky fast frame does not overshoot. */
const MAX_GROWTH = 1.5;

/**
 * Sizes a chunk of `n` units of work for steps of `perStep` units, `pos` units into the current step (0 at a boundary),
 * after `stepsDone` completed steps in this frame: a chunk that reaches the end of the current step is cut to end at
 * the last boundary it reaches; one that does not is taken as it is (a step in progress goes on, or a step too dear
 * for one frame begins) unless the frame has completed a step and stands at a boundary, where it stops (returns 0)
 * so that the frame ends on a completed step. With one unit per step the chunk is unchanged.
 */
export function alignChunk(n, perStep, pos, stepsDone) {
  if (perStep <= 1) return n;
  const toEnd = perStep - pos;
  if (n >= toEnd) return toEnd + Math.floor((n - toEnd) / perStep) * perStep;
  return pos === 0 && stepsDone > 0 ? 0 : n;
}

export class AutoSpeed {
  /** `start` is the first plan (steps per frame), `cap` the most steps per frame (the panel's `max_auto_steps`). */
  constructor(start, cap, { budget = AUTO_BUDGET_MS, hardLimit = HARD_LIMIT_MS } = {}) {
    this.cap = Math.max(1, Math.floor(cap));
    this.budget = budget;
    this.hardLimit = Math.min(hardLimit, Math.max(budget, hardLimit));
    // Units of work per step, and the plan in units (see `alignChunk`).
    this.unit = 1;
    this.plan = Math.min(this.cap, Math.max(1, start));
  }

  /**
   * Sets the units of work per step of the run (after any change of its setting); the plan keeps its steps per
   * frame.
   */
  setUnits(perStep) {
    const u = Math.max(1, Math.floor(perStep));
    if (u === this.unit) return;
    this.plan = Math.max(1, (this.plan * u) / this.unit);
    this.unit = u;
  }

  /** The number of steps the next frame plans to take (at least 1, also when it plans part of a step). */
  steps() {
    return Math.max(1, Math.min(this.cap, Math.round(this.plan / this.unit)));
  }

  /** The number of units of work the next frame plans to do. */
  units() {
    return Math.max(1, Math.min(this.cap * this.unit, Math.round(this.plan)));
  }

  /**
   * Runs one frame's stepping: calls `step(n)` (which returns the steps actually taken; fewer means the run
   * stopped) until the plan is done, the budget is spent or the run stopped, then adapts the plan. The first
   * call takes one step; each further call takes as many as the cost measured so far in this frame says fit the
   * rest of the budget, so a sudden change of cost overruns by at most about one step. `now()` is the clock in
   * milliseconds. In units of work (see `setUnits`): `step(n)` does `n` units, `pos` is the units of the current step
   * done before the frame, and chunks are cut at step boundaries (`alignChunk`). Returns the units done.
   */
  run(step, now, pos = 0) {
    const target = this.units();
    const u = this.unit;
    const t0 = now();
    let taken = 0;
    let elapsed = 0;
    let chunk = 1;
    let atBoundary = false;
    while (taken < target) {
      const n = alignChunk(Math.min(chunk, target - taken), u, (pos + taken) % u, Math.floor((pos + taken) / u));
      if (n < 1) {
        atBoundary = true;
        break;
      }
      const got = step(n) ?? 0;
      taken += got;
      elapsed = now() - t0;
      if (got < n || elapsed >= this.budget || elapsed >= this.hardLimit) break;
      // A clock that has not moved yet (coarse timers) says nothing: take the rest of the plan in one go.
      chunk = elapsed > 0 ? Math.max(1, Math.floor(((this.budget - elapsed) * taken) / elapsed)) : target;
    }
    this.adapt(taken, elapsed, taken >= target || atBoundary);
    return taken;
  }

  /** Moves the plan towards the number of steps that fit the budget at the measured cost per step. */
  adapt(taken, elapsed, finished) {
    if (taken <= 0) return;
    const perStep = Math.max(elapsed, 1e-3) / taken;
    let ideal = this.budget / perStep;
    // A frame that finished its plan well within the budget may grow; one cut short by the budget shrinks.
    if (finished) ideal = Math.min(ideal, this.plan * MAX_GROWTH);
    const next = this.plan + SMOOTHING * (ideal - this.plan);
    this.plan = Math.min(this.cap * this.unit, Math.max(1, next));
  }
}

/**
 * A chunk of a fixed-speed frame is sized to take at most this share of the time left before the limit, at the cost
 * per step measured so far, so that a step costing up to twice the estimate still ends within the limit.
 */
const FIXED_SAFETY = 0.5;
/**
 * Chunks are planned to end by this share of the limit, leaving a margin for the noise of the clock and of the cost
 * per step (on a loaded machine a chunk may be preempted), so that frames do not end just past the limit.
 */
const FIXED_AIM = 0.9;
/**
 * The first chunk of a frame, sized from the previous frame's cost per step, takes at most this share of the limit:
 * the cost may have drifted since (a run's phase, the statistics a panel samples now and then).
 */
const FIXED_FIRST_SHARE = 0.25;


/**
 * The auto speed of a panel from its `panels_json` entry: its default steps per frame to start, its
 * `max_auto_steps` cap (5000 when absent) and its `auto_budget_ms` (AUTO_BUDGET_MS when absent). The page and the
 * benchmarks build it here, so they step the same way.
 */
export function autoSpeedFor(meta) {
  return new AutoSpeed(meta.steps_per_frame, meta.max_auto_steps ?? 5000, { budget: meta.auto_budget_ms ?? AUTO_BUDGET_MS });
}

/**
 * A fixed speed chosen in the "Steps/frame" menu: the chosen number of steps per frame is a target, never a licence
 * to step for seconds. One frame steps in chunks timed with the clock and stops once the next chunk would not fit
 * `limit` (HARD_LIMIT_MS, 50 ms), so that a heavy setting at a high speed runs fewer steps per frame instead of
 * freezing the page; the figure then shows that the speed is capped. Pure apart from the clock passed in
 * (unit-tested with node and a fake clock).
 */
export class FixedSpeed {
  /** `target` is the chosen steps per frame; `limit` the most milliseconds of stepping in one frame. */
  constructor(target, { limit = HARD_LIMIT_MS } = {}) {
    this.target = Math.max(1, Math.floor(target));
    this.limit = limit;
    // Milliseconds per step measured in the last frame (null before the first): sizes the first chunk of a frame.
    this.perStep = null;
    // Whether the last frame stopped short of its target for lack of time.
    this.lastCapped = false;
    this.resetReport();
  }

  /**
   * Runs one frame's stepping: calls `step(n)` (which returns the steps actually taken; fewer means the run
   * stopped) until the target is reached, the run stopped, or the next chunk would not end by 90 % of the limit
   * (45 ms, the rest is a margin for noise). `target` defaults to the chosen speed. The first chunk is sized from
   * the cost per step at the end of the previous frame (one step in the first frame); every later one from the cost
   * measured in this frame (the dearer of its mean and its last chunk's). Only the frame's first step may take the
   * frame past the limit: a single unit of work that costs more cannot be divided here. `now()` is the clock in
   * milliseconds. With steps of `unitsPerStep` units of work (`pos` of them done before the frame), `step(n)` does
   * `n` units, the target of steps is converted to units, chunks are cut at step boundaries (`alignChunk`), and the
   * cost measured is per unit. Returns the units done.
   */
  run(step, now, target = this.target, unitsPerStep = 1, pos = 0) {
    const u = Math.max(1, Math.floor(unitsPerStep));
    // In units of work: the target's steps less the part of the current step done already.
    target = Math.max(1, target * u - pos);
    const t0 = now();
    const aim = FIXED_AIM * this.limit;
    let taken = 0;
    let elapsed = 0;
    let perStep = this.perStep;
    let stopped = false;
    while (taken < target) {
      const left = target - taken;
      let n;
      if (perStep === null) n = 1;
      // A clock that has not moved yet (timers are coarse, 0.1 ms in a browser) says only that the steps so far were
      // cheap: double them, until the clock moves and gives a cost.
      else if (perStep <= 0) n = Math.min(left, 2 * Math.max(1, taken));
      else {
        const share = taken === 0 ? FIXED_FIRST_SHARE : FIXED_SAFETY;
        n = Math.min(left, Math.floor((share * (aim - elapsed)) / perStep));
      }
      if (n < 1) {
        if (taken > 0) break;
        n = 1;
      }
      n = alignChunk(n, u, (pos + taken) % u, Math.floor((pos + taken) / u));
      if (n < 1) break;
      const before = elapsed;
      const got = step(n) ?? 0;
      taken += got;
      elapsed = now() - t0;
      // The dearer of the frame's mean cost and the last chunk's: steps that have just become dearer count at once.
      if (taken > 0) perStep = Math.max(elapsed / taken, got > 0 ? (elapsed - before) / got : 0);
      if (got < n) {
        stopped = true;
        break;
      }
      if (elapsed >= aim) break;
    }
    if (taken > 0) this.perStep = perStep;
    this.lastCapped = !stopped && taken < target;
    this.frames += 1;
    this.steps += taken / u;
    if (this.lastCapped) this.cappedFrames += 1;
    return taken;
  }

  /**
   * Forgets the cost per step measured so far, after any change of the run's setting (which may change the cost
   * of a step by orders of magnitude): the next frame starts with one step again.
   */
  forget() {
    this.perStep = null;
  }

  /**
   * What the frames since the last report did: `capped` when any of them stopped short of the target for lack of
   * time, and `stepsPerFrame`, their mean steps per frame (null without frames). Starts a new report.
   */
  report() {
    const out = {
      capped: this.cappedFrames > 0,
      stepsPerFrame: this.frames > 0 ? this.steps / this.frames : null,
    };
    this.resetReport();
    return out;
  }

  /** Forgets the frames counted for the next report. */
  resetReport() {
    this.frames = 0;
    this.steps = 0;
    this.cappedFrames = 0;
  }
}

/** Length of one measuring window of the rates shown (steps per second, milliseconds per frame). */
export const RATE_WINDOW_MS = 500;
/**
 * Frames further apart than this did not follow each other in an animation: the page was busy elsewhere (loading,
 * building the other figures, applying a link), hidden, or the figure had nothing to do. Such a gap restarts the
 * window instead of being counted as time spent stepping.
 */
export const RATE_GAP_MS = 250;

/**
 * Steps per second and milliseconds per frame of a playing figure, over windows of `RATE_WINDOW_MS`. A window
 * starts at a frame and counts the frames after it. Without the gap rule, the first window after opening a link
 * spanned the page's start-up: one frame of 4 steps, then the next one 2 s later, read as "2 steps/s" for a panel
 * that runs hundreds.
 */
export class RateMeter {
  constructor({ windowMs = RATE_WINDOW_MS, gapMs = RATE_GAP_MS } = {}) {
    this.windowMs = windowMs;
    this.gapMs = gapMs;
    this.stepsPerSec = null;
    this.msPerFrame = null;
    this.reset();
  }

  /** Starts a new window; `keepShown` keeps the last numbers until the new window completes. */
  reset(keepShown = false) {
    this.lastWasGap = false;
    this.start = 0;
    this.last = 0;
    this.steps = 0;
    this.frameMs = 0;
    this.frames = 0;
    if (!keepShown) {
      this.stepsPerSec = null;
      this.msPerFrame = null;
    }
  }

  /**
   * Records a frame at time `now` (ms) that took `taken` steps in `elapsed` ms. A gap restarts the window once: two
   * long intervals in a row are the figure's own pace (a heavy figure or a loaded machine), which is then measured.
   */
  record(now, taken, elapsed) {
    const gap = this.start !== 0 && now - this.last > this.gapMs;
    const restart = this.start === 0 || (gap && !this.lastWasGap);
    if (restart) this.reset(true);
    this.lastWasGap = gap;
    if (restart) {
      this.start = now;
      this.last = now;
      return;
    }
    this.last = now;
    this.steps += taken;
    this.frameMs += elapsed;
    this.frames += 1;
    if (now - this.start >= this.windowMs) {
      this.stepsPerSec = (this.steps * 1000) / (now - this.start);
      this.msPerFrame = this.frameMs / this.frames;
      const keep = { stepsPerSec: this.stepsPerSec, msPerFrame: this.msPerFrame };
      this.reset(true);
      Object.assign(this, keep, { start: now, last: now });
    }
  }
}
