// One figure: its wasm Figure, canvas, transport, readouts, presets, parameter controls and share menu, and its
// animation state. The view knows no panel by name; everything comes from the panel's entry in `panels_json()`.
//
// A view is driven by a stage (www/stage.js), which owns the animation loop and the observers, and which it tells
// about everything the page around it may care for:
//   stage.schedule()          request an animation frame
//   stage.dark()              whether to draw the dark theme
//   stage.changed(view)       settings, seed or the paused moment changed (the page rewrites its hash)
//   stage.firstFrame(view)    the figure drew for the first time
//   stage.reducedMotion       the user asked for reduced motion (figures then start paused)
//
// The DOM is built from named parts (`parts()`), which a layout arranges: "page" shows everything in the flow of
// the article, "embed" keeps the canvas, transport and presets and puts the rest behind a "Settings" toggle. New
// parts (a speed control, a readout table) are added in one builder and placed by the layouts.
//
// Every call into the wasm figure is isolated: an exception (for example a Rust panic) stops this figure only.

import { el, isInputError, messageOf } from "./dom.js";
import { makeControl } from "./controls.js";
import { t } from "./i18n.js";
import { defaultText, formatNumber } from "./format.js";
import { formatGap, formatReadout, readoutPlan } from "./readouts.js";
import { autoSpeedFor, FixedSpeed, RateMeter } from "./speed.js";

/** Figures narrower than this many CSS pixels use the panel's narrow (phone) aspect ratio. */
export const NARROW_PX = 600;
/** From this window width on, the main page puts a figure's controls beside it (matches style.css). */
export const WIDE_PX = 1100;
/** The largest share of the window's height a sticky canvas takes on narrower screens. */
const STICKY_SHARE = 0.6;
/** Readouts are refreshed at most this often while a figure runs. */
const READOUT_INTERVAL_MS = 100;
/** The window over which steps per second and milliseconds per frame are averaged. */
/**
 * Choices of the steps-per-frame control besides "auto" (the default: as many steps as fit a frame budget, see
 * www/speed.js); each panel's default is added when it is missing.
 */
const SPEEDS = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000];
/** How many recent frame times each figure keeps for the benchmark. */
const FRAME_TIME_HISTORY = 2000;

/** The description used for an id that is not a registered panel, so that the figure can show its error. */
export function unknownMeta(id) {
  return {
    id,
    title: id,
    params: [],
    metrics: [],
    steps_per_frame: 1,
    aspect: [0.56, 1.3],
    default_seed: 1,
    max_seed: 0,
    unknown: true,
  };
}

export class FigureView {
  /**
   * `element` is the figure's container (its existing children, such as a caption, are kept); `meta` the panel's
   * description; `domId` a prefix unique in the document (or shadow root) for control ids; `stage` the driver.
   * Options: `layout` ("page" | "embed"), `controls` ("open" | "closed" | "none", embed layout only),
   * `autoplay` (default true), `share` (a function `(view) => node` building the share menu, or null), `lang`
   * ("en" | "zh": the shell's words, the figure's drawn words and its claim; `meta` must come from
   * `panels_json` in the same language).
   */
  constructor(element, meta, domId, stage, options = {}) {
    this.el = element;
    this.meta = meta;
    this.id = meta.id;
    this.domId = domId;
    this.stage = stage;
    this.options = { layout: "page", controls: "closed", autoplay: true, share: null, lang: "en", ...options };
    this.lang = this.options.lang;
    this.fig = null;
    this.Figure = null;
    this.failed = false;
    this.error = null;
    this.diverged = null;
    this.playing = this.options.autoplay && !stage.reducedMotion;
    // "auto" or a fixed number of steps per frame. Not part of the hash: a link restores settings, not speed.
    this.speed = "auto";
    this.auto = autoSpeedFor(meta);
    // A fixed speed's stepping, bounded to 50 ms a frame (null under auto).
    this.fixed = null;
    // Steps of a "Step N" press still to take (in later frames, at most 50 ms of them a frame), and their stepper.
    this.stepsToGo = 0;
    this.stepper = new FixedSpeed(1);
    // The stepping of a replay under way (`Figure.replay_to`) while the figure is paused: a link's step, or the
    // rebuild after a change or a divergence, of a run whose steps come in parts; at most 50 ms of it a frame.
    this.replayer = new FixedSpeed(1);
    // A link's step whose replay is under way: its notice is shown when the replay ends.
    this.seekWant = null;
    this.visible = false;
    this.dirty = true;
    this.cssWidth = 0;
    this.cssHeight = 0;
    this.pending = new Map();
    this.pendingPoint = null;
    // A preset to apply at the next frame (its id); it replaces whatever was queued before it.
    this.pendingPreset = null;
    // Followed controls (`meta.follows`) showing a live metric while playing: key -> the text shown, committed
    // with set_param when the figure pauses or before any other input.
    this.following = new Map();
    // Whether this run has already paused itself on settling (or was settled when it started playing), so that
    // a resumed run plays on.
    this.autoPaused = false;
    // The claim state last shown and announced (`"<preset>:<0|1>"`, or null).
    this.claimState = null;
    this.dragging = false;
    this.controls = new Map();
    this.lastHashEntries = [];
    this.lastSteps = 0;
    this.frames = 0;
    this.firstFrame = null;
    // The last FRAME_TIME_HISTORY playing frames, in a ring allocated once (so that the log itself never shows as
    // growth of the JS heap): per frame its animation timestamp, its whole work in ms, its stepping in ms, its
    // completed steps and its units of work (parts of steps, see `Figure.units_per_step`). Frames of a replay under
    // way are recorded too.
    this.frameRing = new Float64Array(FRAME_TIME_HISTORY * 5);
    this.framesRecorded = 0;
    this.readoutInterval = READOUT_INTERVAL_MS;
    this.rate = new RateMeter();
    this.lastReadout = -Infinity;
    this.buildDom();
  }

  /** Calls into the wasm figure; an exception marks this figure as failed and returns undefined. */
  call(fn) {
    if (this.failed) return undefined;
    try {
      return fn(this.fig);
    } catch (err) {
      this.fail(err);
      return undefined;
    }
  }

  /** Like `call`, but input errors (plain Errors from the API) are rethrown for the caller to show. */
  callInput(fn) {
    if (this.failed) return undefined;
    try {
      return fn(this.fig);
    } catch (err) {
      if (isInputError(err)) throw err;
      this.fail(err);
      return undefined;
    }
  }

  /** Stops this figure for good after an exception and says so on the figure; other figures keep running. */
  fail(err, { internal = true } = {}) {
    if (this.failed) return;
    this.failed = true;
    this.playing = false;
    this.error = messageOf(err);
    if (internal) console.error(`Figure "${this.id}" stopped:`, err);
    this.el.classList.add("failed");
    if (!internal) this.el.classList.add("missing");
    this.el.classList.remove("loading");
    this.status.replaceChildren(
      el("strong", {
        text: t(this.lang, internal ? "This figure stopped after an internal error." : "This figure cannot be shown."),
      }),
      el("span", {
        text: internal ? t(this.lang, "{error}. Reload the page to restart it.", { error: this.error.replace(/\.$/, "") }) : this.error,
      }),
    );
    for (const input of this.el.querySelectorAll("button, input, select")) {
      if (!input.closest(".share")) input.disabled = true;
    }
  }

  /** Creates the wasm figure with the module's `Figure` class; a failure (such as an unknown id) is shown. */
  start(Figure) {
    this.Figure = Figure;
    try {
      this.fig = new Figure(this.id, this.canvas);
      this.fig.set_lang(this.lang);
    } catch (err) {
      this.fail(err);
      return;
    }
    this.syncControls();
    this.updateReadouts();
  }

  /** The panel's replay limit: the largest step a link can reopen at (unknown for a failed figure). */
  replayLimit() {
    return this.call((f) => f.replay_limit()) ?? Infinity;
  }

  // -------------------------------------------------------------------------------------------------------------
  // Building the DOM.

  /** Builds every part of the figure, keyed by name; the layout decides which are shown and where. */
  parts() {
    return {
      title: el("h3", { class: "fig-title", text: this.meta.title }),
      status: this.buildStatus(),
      canvas: this.buildCanvas(),
      transport: this.buildTransport(),
      options: this.buildOptions(),
      readouts: this.buildReadouts(),
      presets: this.buildPresets(),
      params: this.buildParams(),
      share: this.options.share ? this.options.share(this) : null,
    };
  }

  buildStatus() {
    this.status = el("div", { class: "fig-status", role: "status" });
    return this.status;
  }

  buildCanvas() {
    const { meta } = this;
    this.canvas = el("canvas", {
      role: "img",
      "aria-label": meta.clickable ? t(this.lang, "{title}. Clicking the figure changes its settings.", { title: meta.title }) : meta.title,
    });
    for (const type of ["pointerdown", "pointermove", "pointerup", "pointercancel"]) {
      this.canvas.addEventListener(type, (event) => this.onPointer(event));
    }
    this.canvasWrap = el("div", { class: "fig-canvas" }, this.canvas);
    return this.canvasWrap;
  }

  /** Play/pause, single steps and reset. */
  buildTransport() {
    // "Settled at step N" after the run paused itself; the Play button resumes it.
    this.settledNote = el("span", { class: "fig-settled", role: "status" });
    this.playButton = el("button", {
      type: "button",
      class: "primary",
      "data-action": "play",
      onclick: () => this.setPlaying(!this.playing),
    });
    this.stepNButton = el("button", {
      type: "button",
      "data-action": "step-n",
      onclick: () => this.stepBy(this.stepN()),
    });
    return el(
      "div",
      { class: "fig-transport" },
      this.playButton,
      el("button", { type: "button", text: t(this.lang, "Step 1"), "data-action": "step-1", onclick: () => this.stepBy(1) }),
      this.stepNButton,
      el("button", { type: "button", text: t(this.lang, "Reset"), "data-action": "reset", onclick: () => this.reset() }),
      this.settledNote,
    );
  }

  /** The run's options beside the transport: steps per frame and the seed. */
  buildOptions() {
    const { meta, domId } = this;
    const speedId = `${domId}-speed`;
    const speeds = [...new Set([...SPEEDS, meta.steps_per_frame])].sort((a, b) => a - b);
    this.autoOption = el("option", { value: "auto", text: t(this.lang, "auto") });
    this.speedOptions = new Map(speeds.map((s) => [s, el("option", { value: String(s), text: String(s) })]));
    this.speedSelect = el(
      "select",
      {
        id: speedId,
        onchange: () => {
          const v = this.speedSelect.value;
          this.setSpeed(v === "auto" ? "auto" : Number(v));
        },
      },
      this.autoOption,
      [...this.speedOptions.values()],
    );
    const seedId = `${domId}-seed`;
    this.seedInput = el("input", {
      type: "number",
      id: seedId,
      min: 0,
      max: meta.max_seed,
      step: 1,
      inputmode: "numeric",
      "aria-describedby": `${seedId}-error`,
      onchange: () => this.onSeedInput(),
    });
    this.seedError = el("span", { class: "error seed-error", id: `${seedId}-error`, "aria-live": "polite" });
    return el(
      "span",
      { class: "fig-options" },
      el("span", { class: "inline-field" }, el("label", { for: speedId, text: t(this.lang, "Steps/frame") }), this.speedSelect),
      el("span", { class: "inline-field" }, el("label", { for: seedId, text: t(this.lang, "Seed") }), this.seedInput),
      this.seedError,
    );
  }

  /**
   * The readouts: a table of the panel's metrics with human labels and units, grouped as the panel says, with
   * the theory's prediction and the gap beside a metric that has one; groups that share their labels (one per
   * scheme, say) as one matrix; and the run's step count and speed. Every value cell carries `data-readout`.
   */
  buildReadouts() {
    this.readouts = new Map();
    // The words the panel's table gives the values of its text metrics (see formatReadout).
    this.valueWords = new Map((this.meta.metrics_info ?? []).filter((m) => m.values).map((m) => [m.key, m.values]));
    this.predictions = [];
    const plan = readoutPlan(this.meta);
    const cell = (key, unit, tag = "td") => {
      const node = el(tag, { "data-readout": key, text: "–" });
      this.readouts.set(key, { node, unit });
      return node;
    };
    const wrap = el("div", { class: "fig-readouts", role: "group", "aria-label": t(this.lang, "Readouts") });
    if (plan.rows.length) {
      const head = ["Metric", "Value", ...(plan.predicted ? ["Predicted", "Gap"] : [])].map((h) => t(this.lang, h));
      const table = el(
        "table",
        { class: "readout-table" },
        el("thead", {}, el("tr", {}, head.map((h) => el("th", { scope: "col", text: h })))),
      );
      const named = plan.rows.some((r) => r.group);
      for (const row of plan.rows) {
        const body = el("tbody");
        if (named && row.group)
          body.append(el("tr", { class: "readout-group" }, el("th", { scope: "rowgroup", colspan: head.length, text: row.group })));
        for (const m of row.items) {
          const tr = el("tr", {}, el("th", { scope: "row", text: m.label }), cell(m.key, m.unit));
          if (plan.predicted) {
            if (m.prediction) {
              const pred = el("td", { "data-prediction": m.prediction, text: "–" });
              const gap = el("td", { "data-gap": m.key, text: "–" });
              this.predictions.push({ key: m.key, prediction: m.prediction, unit: m.unit, pred, gap });
              tr.append(pred, gap);
            } else tr.append(el("td"), el("td"));
          }
          body.append(tr);
        }
        table.append(body);
      }
      wrap.append(table);
    }
    if (plan.matrix) {
      const { groups, labels, cells } = plan.matrix;
      wrap.prepend(
        el(
          "div",
          { class: "readout-scroll" },
          el(
            "table",
            { class: "readout-table readout-matrix" },
            el(
              "thead",
              {},
              el("tr", {}, el("td"), labels.map((l) => el("th", { scope: "col", text: l.unit ? `${l.label} (${l.unit})` : l.label }))),
            ),
            el(
              "tbody",
              {},
              groups.map((g, i) =>
                el("tr", {}, el("th", { scope: "row", text: g }), cells[i].map((key) => cell(key, ""))),
              ),
            ),
          ),
        ),
      );
    }
    const run = el("dl", { class: "readout-run" });
    for (const [key, label] of [["step", t(this.lang, "step")], ["steps/s", t(this.lang, "steps/s")], ["ms/frame", t(this.lang, "ms/frame")]]) {
      run.append(el("div", {}, el("dt", { text: label }), cell(key, "", "dd")));
    }
    wrap.append(run);
    return wrap;
  }

  /**
   * The preset buttons (the one in force is pressed, and marked once its claim has shown), the "Watch for" line
   * of the claim in force, and a polite live region that announces the claim once when it is set and once when
   * it shows.
   */
  buildPresets() {
    this.presetButtons = new Map();
    const presets = (this.meta.presets ?? []).map((preset) => {
      const button = el("button", {
        type: "button",
        text: preset.label,
        "data-preset": preset.id,
        "aria-pressed": "false",
        onclick: () => this.applyPreset(preset),
      });
      this.presetButtons.set(preset.id, button);
      return button;
    });
    if (!presets.length) return null;
    this.watchText = el("span", { class: "watch-text" });
    this.watchShown = el("span", { class: "watch-shown" });
    this.watch = el("div", { class: "fig-watch", "data-claim": "", hidden: true }, this.watchText, this.watchShown);
    this.announcer = el("span", { class: "visually-hidden", "aria-live": "polite" });
    return el(
      "div",
      { class: "fig-presets", role: "group", "aria-label": t(this.lang, "Presets") },
      el("span", { text: t(this.lang, "Try:") }),
      presets,
      this.watch,
      this.announcer,
    );
  }

  /**
   * The parameter controls: the main group in the open, the rows the panel marks as rarely used (`group: "more"`)
   * in a collapsed "More settings" disclosure, which opens by itself when one of its fields shows an error.
   */
  buildParams() {
    const main = el("div", { class: "fig-params" });
    const more = el("div", { class: "fig-params" });
    for (const row of this.meta.params) {
      const control = makeControl(`${this.domId}-${row.key}`, row, (text) => this.queue(row.key, text), this.lang);
      this.controls.set(row.key, control);
      (row.group === "more" ? more : main).append(control.node);
    }
    if (!more.childNodes.length) return main;
    this.moreSettings = el(
      "details",
      { class: "fig-more" },
      el("summary", { text: t(this.lang, "More settings ({n})", { n: more.childNodes.length }) }),
      more,
    );
    return el("div", { class: "fig-params-all" }, main.childNodes.length ? main : null, this.moreSettings);
  }

  buildDom() {
    const existing = [...this.el.childNodes];
    this.el.classList.add("loading");
    if (this.meta.clickable) this.el.classList.add("clickable");
    const p = this.parts();
    const bar = (...nodes) => el("div", { class: "fig-bar" }, ...nodes.filter(Boolean));
    if (this.options.layout === "embed") {
      this.el.classList.add("embedded");
      const children = [p.title, p.status, p.canvas, ...existing, bar(p.transport, el("span", { class: "spacer" }), p.share), p.presets];
      if (this.options.controls !== "none") {
        const panelId = `${this.domId}-settings`;
        const open = this.options.controls === "open";
        const panel = el("div", { class: "fig-settings", id: panelId, hidden: !open }, p.options, p.readouts, p.params);
        this.settingsButton = el("button", {
          type: "button",
          class: "settings-toggle",
          "data-action": "settings",
          "aria-expanded": String(open),
          "aria-controls": panelId,
          text: t(this.lang, "Settings"),
          onclick: () => {
            const show = panel.hidden;
            panel.hidden = !show;
            this.settingsButton.setAttribute("aria-expanded", String(show));
          },
        });
        children.push(this.settingsButton, panel);
      }
      this.el.replaceChildren(...children.filter(Boolean));
    } else {
      // The figure's column (canvas, caption, transport) and its controls' column (presets, settings,
      // readouts): side by side with the figure column sticky on wide screens, stacked with a sticky canvas on
      // narrow ones (style.css), so the picture stays in view while a slider moves.
      this.el.classList.add("fig-page");
      this.el.replaceChildren(
        ...[
          p.title,
          p.status,
          el(
            "div",
            { class: "fig-stage" },
            p.canvas,
            ...existing,
            bar(p.transport, p.options, el("span", { class: "spacer" }), p.share),
          ),
          el("div", { class: "fig-side" }, ...[p.presets, p.params, p.readouts].filter(Boolean)),
        ].filter(Boolean),
      );
    }
    this.updateTransport();
  }

  // -------------------------------------------------------------------------------------------------------------
  // Settings.

  /** Queues a new value for a parameter (or the seed); it is applied at the start of the next frame. */
  queue(key, text) {
    this.following.delete(key);
    this.commitFollows();
    this.pending.set(key, text);
    this.stage.schedule();
  }

  /**
   * Commits the values the followed controls show (see `meta.follows`) with set_param, so that the run restarts
   * at exactly what the reader sees and the hash records it. Called when the figure pauses and before any other
   * input; a value the parameter's range clamps is said on its control.
   */
  commitFollows() {
    if (this.following.size === 0 || this.failed) return;
    const shown = [...this.following];
    this.following.clear();
    for (const [key, text] of shown) {
      const control = this.controls.get(key);
      try {
        const note = this.callInput((f) => f.set_param(key, text));
        if (control) control.error.textContent = note || "";
      } catch (err) {
        if (control) control.error.textContent = messageOf(err);
      }
    }
    this.syncControls();
    this.checkDiverged();
    this.dirty = true;
  }

  /** Applies queued changes (controls, presets, canvas clicks): one rebuild per frame however fast they come. */
  applyPending() {
    if (this.failed || (this.pending.size === 0 && this.pendingPoint === null && this.pendingPreset === null)) return;
    const pending = [...this.pending];
    const point = this.pendingPoint;
    const preset = this.pendingPreset;
    this.pending.clear();
    this.pendingPoint = null;
    this.pendingPreset = null;
    if (preset !== null) {
      // The preset's complete setting and seed in one rebuild, back to step 0: the same run whatever came before.
      this.following.clear();
      this.call((f) => f.apply_preset(preset));
      for (const control of this.controls.values()) {
        control.error.textContent = "";
        control.inputs[0]?.removeAttribute("aria-invalid");
      }
      this.diverged = null;
      this.status.replaceChildren();
      this.playing = this.meta.plays_on_input !== false && !this.stage.reducedMotion;
      this.updateTransport();
    } else {
      this.commitFollows();
    }
    for (const [key, text] of pending) {
      const control = this.controls.get(key);
      try {
        if (key === "seed") this.call((f) => f.set_seed(Number(text)));
        else {
          const note = this.callInput((f) => f.set_param(key, text));
          if (control) control.error.textContent = note || "";
        }
        control?.inputs[0]?.removeAttribute("aria-invalid");
      } catch (err) {
        if (control) {
          control.error.textContent = messageOf(err);
          control.inputs[0]?.setAttribute("aria-invalid", "true");
          if (this.moreSettings && control.node.closest("details") === this.moreSettings) this.moreSettings.open = true;
        }
      }
    }
    if (point && this.call((f) => f.click(point[0], point[1])) && this.meta.plays_on_input === false) {
      // Input on such a panel shows its construction as set; stepping would undo it.
      this.playing = false;
      this.updateTransport();
    }
    this.afterChange();
    this.newRun();
  }

  /**
   * Applies a preset at the next frame: its complete setting and seed (`Figure.apply_preset`), back to step 0,
   * playing only when the panel's input plays (`meta.plays_on_input`). Anything queued before it is dropped.
   */
  applyPreset(preset) {
    this.pending.clear();
    this.pendingPoint = null;
    this.pendingPreset = preset.id;
    this.stage.schedule();
  }

  /**
   * Starts the settle watch of a new run (after any change of its setting): the run pauses itself when it settles
   * while playing, unless it has settled already (a replayed run that settled before the current step plays on).
   */
  newRun() {
    this.fixed?.forget();
    this.stepper.forget();
    this.replayer.forget();
    this.stepsToGo = 0;
    this.autoPaused = typeof this.call((f) => f.settled_at()) === "number";
    this.settledNote.textContent = "";
  }

  /** After a frame's stepping: a run that has just settled pauses itself, once, with a note. */
  checkSettled() {
    if (this.autoPaused || !this.playing || this.failed) return;
    const at = this.call((f) => f.settled_at());
    if (typeof at !== "number") return;
    this.autoPaused = true;
    this.setPlaying(false);
    this.settledNote.textContent = t(this.lang, "Settled at step {step}.", { step: at });
  }

  /** Refreshes everything that depends on the parameters after they changed. */
  afterChange() {
    this.syncControls();
    this.checkDiverged();
    this.dirty = true;
    this.resetRates();
    this.updateReadouts();
    this.stage.changed(this);
    this.stage.schedule();
  }

  /** Shows the figure's current parameter values and seed in the controls. */
  syncControls() {
    if (this.failed) return;
    const values = JSON.parse(this.call((f) => f.params_json()) ?? "{}");
    for (const [key, control] of this.controls) {
      const text = this.call((f) => f.param(key));
      if (text !== undefined) control.show(text, values[key]);
    }
    const seed = this.call((f) => f.seed());
    const active = this.el.getRootNode().activeElement;
    if (seed !== undefined && active !== this.seedInput) this.seedInput.value = String(seed);
  }

  /**
   * A typed seed: a whole number in [0, max_seed] is applied; anything else (text, a fraction, a negative or too
   * large number) is refused with an inline error like any other field, and the run keeps its seed.
   */
  onSeedInput() {
    const text = this.seedInput.value.trim();
    const seed = Number(text);
    const bad = this.seedInput.validity?.badInput || text === "" || !/^\d+$/.test(text);
    if (bad || !Number.isSafeInteger(seed) || seed > this.meta.max_seed) {
      this.seedInput.setAttribute("aria-invalid", "true");
      this.seedError.textContent = t(this.lang, "The seed must be a whole number from 0 to {max}; it stays {seed}.", {
        max: this.meta.max_seed,
        seed: this.call((f) => f.seed()) ?? "",
      });
      return;
    }
    this.seedInput.removeAttribute("aria-invalid");
    this.seedError.textContent = "";
    this.queue("seed", String(seed));
  }

  /**
   * Applies decoded hash entries (`{key, value}`); parameters and the seed not listed go back to their defaults.
   * A `step` entry pauses the figure and replays it to that step. Returns notices.
   */
  applyEntries(entries) {
    const notices = [];
    if (this.failed) return notices;
    const want = new Map(entries.map((e) => [e.key, e.value]));
    const step = want.get("step");
    want.delete("step");
    for (const [key] of this.settings()) {
      if (want.has(key)) continue;
      if (key === "seed") want.set(key, String(this.meta.default_seed));
      else want.set(key, defaultText(this.meta.params.find((row) => row.key === key)));
    }
    for (const [key, value] of want) {
      try {
        if (key === "seed") {
          if (String(this.call((f) => f.seed())) !== value) this.call((f) => f.set_seed(Number(value)));
        } else if (this.call((f) => f.param(key)) !== value) {
          const note = this.callInput((f) => f.set_param(key, value));
          if (note) notices.push(note);
        }
      } catch (err) {
        notices.push(t(this.lang, "{panel}.{key}: {message}", { panel: this.id, key, message: messageOf(err) }));
      }
    }
    if (step !== undefined) {
      this.playing = false;
      const target = Number(step);
      const reached = this.call((f) => f.seek(target));
      const to = this.call((f) => f.replay_to());
      this.seekWant = null;
      if (typeof to === "number") {
        // A run whose steps come in parts replays over the next frames; what it reached is said when it ends.
        this.seekWant = { step, target };
      } else if (reached !== undefined && reached < target) {
        const at = this.call((f) => f.diverged_at());
        const words = { panel: this.id, step, at, reached };
        notices.push(
          at != null
            ? t(this.lang, "{panel}.step={step}: the run diverged at step {at}, so it stops at step {reached}", words)
            : t(this.lang, "{panel}.step={step}: opened at step {reached}", words),
        );
      }
      this.updateTransport();
    }
    this.following.clear();
    this.afterChange();
    this.newRun();
    return notices;
  }

  /** The non-default settings as `[key, value]` pairs, seed included; a failed figure keeps its last known ones. */
  settings() {
    const text = this.call((f) => f.hash_entries());
    if (text !== undefined) this.lastHashEntries = JSON.parse(text);
    return this.lastHashEntries;
  }

  /** The settings the page writes into its hash: the settings, plus `step` while the figure is paused. */
  hashEntries() {
    const entries = this.settings();
    // A replay under way stands for the step it goes to.
    const steps = this.failed ? this.lastSteps : (this.call((f) => f.replay_to()) ?? this.call((f) => f.steps()));
    return !this.playing && steps > 0 ? [...entries, ["step", String(steps)]] : entries;
  }

  /** The current step count. */
  steps() {
    return this.failed ? this.lastSteps : (this.call((f) => f.steps()) ?? this.lastSteps);
  }

  // -------------------------------------------------------------------------------------------------------------
  // Transport.

  /**
   * Clicks and drags on a clickable figure set parameters through `Figure.click`, applied once per frame. A mouse
   * or pen acts on press and while dragging; a finger acts on a tap only, so that swiping still scrolls the page.
   */
  onPointer(event) {
    if (!this.meta.clickable || this.failed) return;
    const touch = event.pointerType === "touch";
    const at = () => {
      const rect = this.canvas.getBoundingClientRect();
      this.pendingPoint = [event.clientX - rect.left, event.clientY - rect.top];
      this.stage.schedule();
    };
    switch (event.type) {
      case "pointerdown":
        if (event.button !== 0) return;
        this.commitFollows();
        this.dragging = true;
        if (!touch) {
          this.canvas.setPointerCapture(event.pointerId);
          at();
        }
        break;
      case "pointermove":
        if (this.dragging && !touch) at();
        break;
      case "pointerup":
        if (this.dragging && touch) at();
        this.dragging = false;
        break;
      default:
        this.dragging = false;
    }
  }

  /** Plays or pauses; pausing commits the values followed controls show (see `commitFollows`). */
  setPlaying(playing) {
    if (this.failed) return;
    const was = this.playing;
    this.playing = playing && this.diverged === null;
    if (this.playing) this.stepsToGo = 0;
    if (was && !this.playing) this.commitFollows();
    if (this.playing) {
      this.settledNote.textContent = "";
      // A run that is settled already when it starts playing plays on (the reader asked for more).
      if (!was && typeof this.call((f) => f.settled_at()) === "number") this.autoPaused = true;
    }
    this.resetRates();
    this.updateTransport();
    this.updateReadouts();
    this.stage.changed(this);
    this.stage.schedule();
  }

  /** `"auto"` or a whole number of steps per frame. */
  setSpeed(speed) {
    this.speed = speed === "auto" || !(speed >= 1) ? "auto" : Math.floor(speed);
    this.fixed = this.speed === "auto" ? null : new FixedSpeed(this.speed);
    this.showSpeed(null);
    this.resetRates();
    this.updateTransport();
  }

  /** The steps of the "Step N" button: the fixed speed, or under auto the panel's default steps per frame. */
  stepN() {
    return this.speed === "auto" ? this.meta.steps_per_frame : this.speed;
  }

  /**
   * Pauses and advances by `n` steps: at once as many as fit 50 ms, the rest in the next frames (so that "Step 5000"
   * at a heavy setting does not freeze the page). Playing, a reset or any change of setting drops the rest.
   */
  stepBy(n) {
    if (this.failed) return;
    this.setPlaying(false);
    this.stepsToGo = this.diverged === null ? n : 0;
    this.stepPending();
  }

  /** Takes the next steps of a "Step N" press, at most 50 ms of them. */
  stepPending() {
    if (this.stepsToGo <= 0 || this.failed) return;
    if (this.call((f) => f.building())) {
      // A rebuilt run finishes its set-up first (the next frames serve it, as a replay); the steps come after it.
      this.dirty = true;
      this.stage.schedule();
      return;
    }
    const want = this.stepsToGo;
    const { units, pos, steps: s0 } = this.workState();
    this.stepper.run(this.work, () => performance.now(), want, units, pos);
    const taken = (this.call((f) => f.steps()) ?? s0) - s0;
    // Fewer steps than asked without the time limit: the run stopped (diverged or ended).
    this.stepsToGo = this.stepper.lastCapped ? want - taken : 0;
    this.checkDiverged();
    this.dirty = true;
    this.updateReadouts();
    this.stage.changed(this);
    this.stage.schedule();
  }

  /** Back to step 0 with the same parameters and seed; a run stopped by divergence starts playing again. */
  reset() {
    if (this.failed) return;
    this.commitFollows();
    const resume = this.diverged !== null;
    this.call((f) => f.reset());
    this.newRun();
    this.checkDiverged();
    if (resume) this.playing = true;
    this.dirty = true;
    this.resetRates();
    this.updateTransport();
    this.updateReadouts();
    this.stage.changed(this);
    this.stage.schedule();
  }

  /** Reads the divergence state and shows or clears the "diverged" notice. */
  checkDiverged() {
    const at = this.call((f) => f.diverged_at());
    if (this.failed) return;
    const diverged = at === undefined || at === null ? null : at;
    if (diverged === this.diverged) return;
    this.diverged = diverged;
    if (diverged === null) {
      this.status.replaceChildren();
    } else {
      this.playing = false;
      this.status.replaceChildren(
        el("span", { text: t(this.lang, "Diverged at step {step}: the state became infinite or NaN.", { step: diverged }) }),
        el("button", { type: "button", text: t(this.lang, "Reset"), "data-action": "reset-diverged", onclick: () => this.reset() }),
      );
    }
    this.updateTransport();
  }

  updateTransport() {
    this.playButton.textContent = t(this.lang, this.playing ? "Pause" : "Play");
    this.playButton.disabled = this.failed || this.diverged !== null;
    const n = this.stepN();
    this.stepNButton.textContent = t(this.lang, "Step {n}", { n });
    // At one step per frame "Step N" would repeat "Step 1".
    this.stepNButton.hidden = n === 1;
    this.speedSelect.value = String(this.speed);
  }

  // -------------------------------------------------------------------------------------------------------------
  // Drawing and the animation frame.

  /**
   * Sets the canvas' CSS height from its width and the panel's aspect ratio. On the main page below the wide
   * layout the canvas sticks to the top of the window, so its height is capped at a share of the window's height
   * (leaving room for the controls scrolling under it).
   */
  resize(width) {
    const sticky = this.options.layout === "page" && window.innerWidth < WIDE_PX;
    const height = canvasHeight(this.meta, width, sticky ? stickyCap(window.innerHeight) : Infinity);
    if (width === this.cssWidth && height === this.cssHeight) return;
    this.cssWidth = width;
    this.cssHeight = height;
    this.canvas.style.height = `${height}px`;
    this.el.style.setProperty("--canvas-h", `${height}px`);
    this.dirty = true;
    this.stage.schedule();
  }

  /** Draws the current state into the canvas at the device's pixel ratio. */
  render() {
    if (this.cssWidth <= 0 || this.failed) return;
    this.call((f) => f.render(this.cssWidth, this.cssHeight, window.devicePixelRatio || 1, this.stage.dark(this)));
    if (this.failed) return;
    this.dirty = false;
    this.frames += 1;
    if (this.firstFrame === null) {
      this.firstFrame = performance.now();
      this.el.classList.remove("loading");
      this.stage.firstFrame(this);
    }
  }

  /** One animation frame; returns whether the figure wants another frame. */
  frame(now) {
    this.applyPending();
    if (this.failed) return false;
    if (!this.visible) {
      // A figure off screen neither steps nor redraws, but it draws its first picture so that it never
      // appears blank.
      if (this.frames === 0) this.render();
      return false;
    }
    const running = this.playing && this.diverged === null;
    // The rest of a "Step N" press (stepPending marks the figure dirty and refreshes its readouts).
    if (!running && this.stepsToGo > 0) this.stepPending();
    const replayTo = running || this.failed ? null : (this.call((f) => f.replay_to()) ?? null);
    const replaying = replayTo !== null;
    if (!running && !replaying && !this.dirty) return false;
    const t0 = performance.now();
    let taken = 0;
    let units = 0;
    let stepMs = 0;
    if (running || replaying) {
      const w = this.workState();
      const clock = () => performance.now();
      // A rebuilt run still setting up (`Figure.building`) counts its set-up as part of its next step (all its units
      // but the last): a replay to the step it is at asks for the set-up alone, one going further for the steps.
      if (replaying && w.building && replayTo <= w.steps) units = this.replayer.run(this.work, clock, 1, w.units - 1, w.pos);
      else if (replaying) units = this.replayer.run(this.work, clock, replayTo - w.steps, w.units, w.pos);
      else if (this.speed === "auto") {
        this.auto.setUnits(w.units);
        units = this.auto.run(this.work, clock, w.pos);
      } else units = this.fixed.run(this.work, clock, undefined, w.units, w.pos);
      stepMs = performance.now() - t0;
      taken = (this.call((f) => f.steps()) ?? w.steps) - w.steps;
      this.checkDiverged();
      // The picture changes only when a step completes (or a replay rebuilt the run): a step still in progress is
      // not drawn, so the figure shows the last completed step.
      if (taken !== 0 || replaying) this.dirty = true;
      if (replaying && this.call((f) => f.replay_to()) == null) this.replayEnded();
    }
    if (this.dirty) this.render();
    // A run that stopped in this frame (diverged) shows its last state, and the claim it may have shown, at once.
    if (!running || this.diverged !== null || now - this.lastReadout >= this.readoutInterval) {
      // Readouts cost a metrics call, which for some panels scans the whole state: space them so that they take
      // at most a fortieth of the time, and count them in the frame that pays for them.
      const r0 = performance.now();
      this.updateReadouts(now);
      this.readoutInterval = Math.max(READOUT_INTERVAL_MS, 40 * (performance.now() - r0));
    }
    // After the readouts, which test the claim in force (a claim shown and its step reached settles a run).
    if (running) this.checkSettled();
    const elapsed = performance.now() - t0;
    if (running || replaying) this.recordFrame(now, taken, elapsed, stepMs, units);
    return (this.playing || this.stepsToGo > 0 || replaying) && this.diverged === null && !this.failed;
  }

  /** Does `n` units of work of the run (`Figure.work`); returns the units done (fewer when the run stopped). */
  work = (n) => this.call((f) => f.work(n)) ?? 0;

  /** The run's units of work per step, those of the step in progress done so far, and its completed steps. */
  workState() {
    return {
      units: this.call((f) => f.units_per_step()) ?? 1,
      pos: this.call((f) => f.units_done()) ?? 0,
      steps: this.call((f) => f.steps()) ?? 0,
      building: this.call((f) => f.building()) ?? false,
    };
  }

  /** After a replay under way ends: a link's step that could not be reached says so, as when it is reached at once. */
  replayEnded() {
    const want = this.seekWant;
    this.seekWant = null;
    this.updateTransport();
    if (!want) return;
    const reached = this.call((f) => f.steps());
    if (reached === undefined || reached >= want.target) return;
    const at = this.call((f) => f.diverged_at());
    const words = { panel: this.id, step: want.step, at, reached };
    this.settledNote.textContent =
      at != null
        ? t(this.lang, "{panel}.step={step}: the run diverged at step {at}, so it stops at step {reached}", words)
        : t(this.lang, "{panel}.step={step}: opened at step {reached}", words);
  }

  /**
   * Keeps the frame's times (the last FRAME_TIME_HISTORY frames) and accumulates steps per second and milliseconds
   * per frame over a short window (see `RateMeter`). `elapsed` is the frame's whole work (stepping, drawing and
   * readouts), `stepMs` its stepping alone.
   */
  recordFrame(now, taken, elapsed, stepMs, units = taken) {
    const at = (this.framesRecorded % FRAME_TIME_HISTORY) * 5;
    this.frameRing[at] = now;
    this.frameRing[at + 1] = elapsed;
    this.frameRing[at + 2] = stepMs;
    this.frameRing[at + 3] = taken;
    this.frameRing[at + 4] = units;
    this.framesRecorded += 1;
    this.rate.record(now, taken, elapsed);
  }

  /**
   * The recorded frames, oldest first (at most FRAME_TIME_HISTORY): `{ at, ms, stepMs, steps, units }`, the frame's
   * animation timestamp, its whole work (stepping, drawing, readouts) and its stepping in ms, its completed steps
   * and its units of work (equal to its steps unless the panel takes steps in parts).
   */
  frameLog() {
    const n = Math.min(this.framesRecorded, FRAME_TIME_HISTORY);
    const first = this.framesRecorded - n;
    const out = [];
    for (let k = first; k < this.framesRecorded; k++) {
      const at = (k % FRAME_TIME_HISTORY) * 5;
      const r = this.frameRing;
      out.push({ at: r[at], ms: r[at + 1], stepMs: r[at + 2], steps: r[at + 3], units: r[at + 4] });
    }
    return out;
  }

  /** Starts a new measuring window; `keepShown` keeps the last numbers on display until the window completes. */
  resetRates(keepShown = false) {
    this.rate.reset(keepShown);
  }

  updateReadouts(now = performance.now()) {
    if (this.failed) return;
    this.lastReadout = now;
    const steps = this.call((f) => f.steps());
    const metrics = JSON.parse(this.call((f) => f.metrics_json()) ?? "{}");
    if (this.failed) return;
    this.lastSteps = steps;
    const show = (key, text) => {
      const r = this.readouts.get(key);
      if (r && r.node.textContent !== text) r.node.textContent = text;
    };
    show("step", this.stepText(steps));
    for (const name of this.meta.metrics) {
      const r = this.readouts.get(name);
      if (r) show(name, formatReadout(metrics[name], r.unit, this.lang, this.valueWords.get(name)));
    }
    for (const p of this.predictions) {
      const pred = formatReadout(metrics[p.prediction], p.unit, this.lang);
      if (p.pred.textContent !== pred) p.pred.textContent = pred;
      const gap = formatGap(metrics[p.key], metrics[p.prediction]);
      if (p.gap.textContent !== gap) p.gap.textContent = gap;
    }
    const running = this.playing && this.diverged === null;
    const { stepsPerSec, msPerFrame } = this.rate;
    show("steps/s", running && stepsPerSec !== null ? formatNumber(Math.round(stepsPerSec)) : "–");
    show("ms/frame", running && msPerFrame !== null ? msPerFrame.toFixed(2) : "–");
    const auto = t(this.lang, "auto");
    const autoText = this.speed === "auto" && running ? `${auto} (${this.auto.steps()})` : auto;
    if (this.autoOption.textContent !== autoText) this.autoOption.textContent = autoText;
    if (this.fixed) {
      // A fixed speed cut short by the 50 ms limit says so, with the steps per frame it reaches; a report without
      // frames (a refresh between frames) keeps what is shown.
      const report = this.fixed.report();
      if (!running) this.showSpeed(null);
      else if (report.stepsPerFrame !== null) this.showSpeed(report.capped ? report.stepsPerFrame : null);
    }
    if (running) this.showFollows(metrics);
    this.updateClaim();
  }

  /**
   * The step readout: the completed steps, and a step in progress (its share done) or a replay under way (where it
   * goes); the metrics beside it are always those of the completed step.
   */
  stepText(steps) {
    const to = this.call((f) => f.replay_to());
    const units = this.call((f) => f.units_per_step()) ?? 1;
    const pos = this.call((f) => f.units_done()) ?? 0;
    if (this.call((f) => f.building())) {
      return t(this.lang, "{step} (setting up: {pct} %)", { step: steps, pct: Math.floor((100 * pos) / Math.max(1, units - 1)) });
    }
    if (typeof to === "number") return t(this.lang, "{step} (replaying to {to})", { step: steps, to });
    if (units <= 1 || pos <= 0) return String(steps);
    return t(this.lang, "{step} (step {next}: {pct} %)", { step: steps, next: steps + 1, pct: Math.floor((100 * pos) / units) });
  }

  /**
   * While playing, each followed control shows its metric's live value (rounded as the readouts are) without
   * setting the parameter; the text shown is what `commitFollows` commits.
   */
  showFollows(metrics) {
    for (const [key, metric] of this.meta.follows ?? []) {
      const control = this.controls.get(key);
      const value = metrics[metric];
      if (!control || typeof value !== "number" || !Number.isFinite(value)) continue;
      const text = formatNumber(value);
      if (this.following.get(key) === text) continue;
      if (!this.following.has(key) && this.call((f) => f.param(key)) === text) continue;
      this.following.set(key, text);
      control.show(text, Number(text));
    }
  }

  /**
   * Shows the claim of the preset in force ("Watch for: ...", marked once it has shown), presses the button of
   * the preset in force, and announces the claim once when it is set and once when it shows.
   */
  updateClaim() {
    if (!this.watch || this.failed) return;
    const claim = JSON.parse(this.call((f) => f.claim_json()) ?? "null");
    const active = this.call((f) => f.active_preset()) ?? null;
    if (this.failed) return;
    const shown = claim !== null && claim.held_at !== null && claim.held_at !== undefined;
    for (const [id, button] of this.presetButtons) {
      const pressed = String(id === active);
      if (button.getAttribute("aria-pressed") !== pressed) button.setAttribute("aria-pressed", pressed);
      button.classList.toggle("claim-shown", shown && claim.preset === id);
    }
    const watch = claim ? t(this.lang, "Watch for: {watch}", { watch: claim.watch }) : "";
    const mark = shown ? t(this.lang, "✓ shown at step {step}", { step: claim.held_at }) : "";
    if (this.watchText.textContent !== watch) this.watchText.textContent = watch;
    if (this.watchShown.textContent !== mark) this.watchShown.textContent = mark;
    this.watch.hidden = claim === null;
    this.watch.classList.toggle("shown", shown);
    this.watch.dataset.claim = claim ? claim.preset : "";
    const state = claim ? `${claim.preset}:${shown ? 1 : 0}` : null;
    if (state === this.claimState) return;
    const before = this.claimState;
    this.claimState = state;
    if (claim && shown) this.announcer.textContent = t(this.lang, "Shown at step {step}: {watch}", { step: claim.held_at, watch: claim.watch });
    else if (claim && before?.split(":")[0] !== claim.preset) this.announcer.textContent = watch;
    else if (!claim) this.announcer.textContent = "";
  }

  /**
   * Shows the fixed speed chosen in its menu entry: the number alone, or with the steps per frame it reaches when
   * the 50 ms limit caps it (`reached`, null when not capped).
   */
  showSpeed(reached) {
    for (const [speed, option] of this.speedOptions) {
      const text =
        speed === this.speed && reached !== null
          ? t(this.lang, "{n} (capped: {m})", { n: formatNumber(speed), m: formatNumber(reached >= 1 ? Math.round(reached) : Number(reached.toPrecision(1))) })
          : String(speed);
      if (option.textContent !== text) option.textContent = text;
    }
  }

  /** A snapshot of the figure's state for tests and the benchmark. */
  state() {
    return {
      id: this.id,
      playing: this.playing,
      failed: this.failed,
      error: this.error,
      diverged: this.diverged,
      visible: this.visible,
      steps: this.failed ? this.lastSteps : this.call((f) => f.steps()),
      // Steps per frame now (auto's current plan), whether auto is on, and the "Step N" button's N.
      speed: this.speed === "auto" ? this.auto.steps() : this.speed,
      auto: this.speed === "auto",
      // Whether the last frame at a fixed speed stopped short of it at the 50 ms limit.
      capped: this.fixed?.lastCapped ?? false,
      stepN: this.stepN(),
      frames: this.frames,
      firstFrame: this.firstFrame,
      cssWidth: this.cssWidth,
      cssHeight: this.cssHeight,
      settledNote: this.settledNote.textContent,
      autoPaused: this.autoPaused,
    };
  }

  /** The handle that tests, the benchmark and curious users get for this figure. */
  handle() {
    const view = this;
    return {
      view,
      get figure() {
        return view.fig;
      },
      call: (method, ...args) => view.call((f) => f[method](...args)),
      state: () => view.state(),
      frameTimes: () => view.frameLog().map((r) => r.ms),
      frameLog: () => view.frameLog(),
    };
  }
}

/**
 * The canvas' CSS height at a CSS width: the panel's wide aspect ratio, or its narrow one on phones, at most
 * `maxHeight` (a sticky canvas must leave room for its controls).
 */
export function canvasHeight(meta, width, maxHeight = Infinity) {
  const [wide, narrow] = meta.aspect;
  return Math.min(Math.round(width * (width < NARROW_PX ? narrow : wide)), maxHeight);
}

/** The tallest a sticky canvas may be in a window `innerHeight` CSS pixels high (never below 280 px). */
export function stickyCap(innerHeight) {
  return Math.round(Math.max(280, STICKY_SHARE * innerHeight));
}
