// The generic web shell. It knows no panel by name: for every element with a `data-panel` attribute it creates a
// canvas, a wasm `Figure` and the controls described by that panel's parameter table (from `panels_json()`).
// State lives in wasm; each animation frame makes one `step(n)` and one `render()` call per visible figure.
// The URL hash records every figure's non-default settings and restores them on load. Every call into a
// figure is isolated: an exception (for example a Rust panic) stops that figure only.

import init, { panels_json, decode_hash, encode_hash, Figure } from "../pkg/dynamics.js";

/** Figures narrower than this many CSS pixels use the panel's narrow (phone) aspect ratio. */
const NARROW_PX = 600;
/** Readouts are refreshed at most this often while a figure runs. */
const READOUT_INTERVAL_MS = 100;
/** The window over which steps per second and milliseconds per frame are averaged. */
const RATE_WINDOW_MS = 500;
/** The URL hash is rewritten this long after the last change, so that dragging a slider stays cheap. */
const HASH_DELAY_MS = 150;
/** Positions of a slider whose parameter has no natural step (log scales and fine linear ones). */
const SLIDER_POSITIONS = 1000;
/** Choices of the steps-per-frame control; each panel's default is added when it is missing. */
const SPEEDS = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000];
/** How many recent frame times each figure keeps for the benchmark. */
const FRAME_TIME_HISTORY = 2000;

const darkQuery = matchMedia("(prefers-color-scheme: dark)");
const reducedMotion = matchMedia("(prefers-reduced-motion: reduce)").matches;

let resolveReady;
let rejectReady;

/** The test and benchmark hook: figures by panel id, a promise for start-up, and the first frame's time. */
const dyn = {
  figures: {},
  ready: new Promise((resolve, reject) => {
    resolveReady = resolve;
    rejectReady = reject;
  }),
  firstFrame: null,
  notices: [],
  applyHash: (hash) => applyHash(hash),
};
// A failed start-up is reported on the page; this keeps the rejection from also surfacing as unhandled.
dyn.ready.catch(() => {});
window.__dyn = dyn;

/** Every figure on the page, in document order. */
const views = [];

// ---------------------------------------------------------------------------------------------------------------
// Small helpers.

/** Creates an element with properties and children; text children become text nodes, never HTML. */
function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (value === undefined || value === null || value === false) continue;
    if (key === "class") node.className = value;
    else if (key === "text") node.textContent = value;
    else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else if (key in node && typeof value !== "string") node[key] = value;
    else node.setAttribute(key, value === true ? "" : value);
  }
  for (const child of children.flat()) {
    if (child !== null && child !== undefined) node.append(child);
  }
  return node;
}

/** Rounds a number to three significant digits, so that slider-made values stay short in the hash. */
function round3(x) {
  return x === 0 ? 0 : Number(x.toPrecision(3));
}

/** Removes binary rounding noise such as 0.30000000000000004. */
function clean(x) {
  return Number(x.toPrecision(12));
}

/** A compact text form of a number for the readouts. */
function formatNumber(x) {
  if (!Number.isFinite(x)) return String(x);
  if (Number.isInteger(x) && Math.abs(x) < 1e9) return String(x);
  const a = Math.abs(x);
  if (a !== 0 && (a < 1e-3 || a >= 1e6)) return x.toExponential(3);
  return String(Number(x.toPrecision(4)));
}

/** A text form of any metric value (number, null, boolean or list). */
function formatValue(v) {
  if (v === null || v === undefined) return "–";
  if (typeof v === "boolean") return v ? "yes" : "no";
  if (typeof v === "number") return formatNumber(v);
  if (Array.isArray(v)) return `[${v.map(formatValue).join(", ")}]`;
  return String(v);
}

/** A value followed by its unit; single-symbol units such as × or % attach without a space. */
function withUnit(text, unit) {
  if (!unit) return text;
  return /^[^\p{L}\p{N}]$/u.test(unit) ? `${text}${unit}` : `${text} ${unit}`;
}

/** The message of anything thrown. */
function messageOf(err) {
  return (err && err.message) || String(err);
}

/** Whether an exception is an input error from the wasm API (a plain Error) rather than a crash. */
function isInputError(err) {
  return err instanceof Error && !(err instanceof WebAssembly.RuntimeError);
}

/** The canonical text of a parameter's default value, in the shared text syntax. */
function defaultText(row) {
  if (Array.isArray(row.default)) return row.default.join(",");
  return String(row.default);
}

// ---------------------------------------------------------------------------------------------------------------
// Controls. Each control renders one parameter row and reports new values as text through `onChange(text)`.
// `show(text, value)` displays the canonical text and JSON value read back from the figure.

/** The mapping between slider positions and values of a float or int parameter. */
function sliderScale(row) {
  const { min, max } = row;
  const clamp = (v) => Math.min(max, Math.max(min, v));
  if (row.kind === "int") {
    return { positions: max - min, toValue: (p) => min + p, toPos: (v) => Math.round(v - min) };
  }
  if (row.scale === "log" && min > 0) {
    const lo = Math.log(min);
    const span = Math.log(max) - lo;
    return {
      positions: SLIDER_POSITIONS,
      toValue: (p) => clamp(round3(Math.exp(lo + (p / SLIDER_POSITIONS) * span))),
      toPos: (v) => Math.round(((Math.log(Math.max(v, min)) - lo) / span) * SLIDER_POSITIONS),
    };
  }
  const count = row.step > 0 ? Math.round((max - min) / row.step) : 0;
  if (count > 0 && count <= 10 * SLIDER_POSITIONS) {
    return {
      positions: count,
      toValue: (p) => clamp(clean(min + p * row.step)),
      toPos: (v) => Math.round((v - min) / row.step),
    };
  }
  const tiny = (max - min) / SLIDER_POSITIONS / 2;
  return {
    positions: SLIDER_POSITIONS,
    toValue: (p) => {
      const v = round3(min + (p / SLIDER_POSITIONS) * (max - min));
      return clamp(Math.abs(v) < tiny ? 0 : v);
    },
    toPos: (v) => Math.round(((v - min) / (max - min)) * SLIDER_POSITIONS),
  };
}

/**
 * The help text of a control (read by screen readers; shown to others as the row's tooltip) and its error line,
 * both attached to `target` through aria-describedby.
 */
function helpAndError(id, row, target) {
  const help = row.help ? el("span", { class: "visually-hidden", id: `${id}-help`, text: row.help }) : null;
  const error = el("span", { class: "error", id: `${id}-error`, "aria-live": "polite" });
  target.setAttribute("aria-describedby", help ? `${id}-help ${id}-error` : `${id}-error`);
  return { help, error };
}

/** A labelled row: the head (label and current value), the input, a help text and an error line. */
function controlShell(id, row, input, { output = true } = {}) {
  const out = output ? el("output", { for: id }) : null;
  const { help, error } = helpAndError(id, row, input);
  const labelText = row.unit && !output ? `${row.label} (${row.unit})` : row.label;
  const node = el(
    "div",
    { class: "ctl", title: row.help || undefined },
    el("div", { class: "ctl-head" }, el("label", { for: id, text: labelText }), out),
    input,
    help,
    error,
  );
  return { node, out, error };
}

/** A slider for a float or int parameter (linear or logarithmic), with its value and unit beside the label. */
function sliderControl(id, row, onChange) {
  const scale = sliderScale(row);
  const input = el("input", { type: "range", id, min: 0, max: scale.positions, step: 1 });
  const shell = controlShell(id, row, input);
  input.addEventListener("input", () => {
    const value = scale.toValue(Number(input.value));
    shell.out.textContent = withUnit(String(value), row.unit);
    onChange(String(value));
  });
  return {
    ...shell,
    inputs: [input],
    show(text, value) {
      if (document.activeElement !== input || Math.abs(scale.toPos(value) - Number(input.value)) > 1) {
        input.value = String(scale.toPos(value));
      }
      input.setAttribute("aria-valuetext", withUnit(text, row.unit));
      shell.out.textContent = withUnit(text, row.unit);
    },
  };
}

/** A number box for an int parameter whose range is too wide for a slider. */
function numberControl(id, row, onChange) {
  const input = el("input", { type: "number", id, min: row.min, max: row.max, step: 1, inputmode: "numeric" });
  const shell = controlShell(id, row, input, { output: false });
  input.addEventListener("change", () => onChange(input.value.trim()));
  return {
    ...shell,
    inputs: [input],
    show(text) {
      input.value = text;
    },
  };
}

/** Radio buttons for a choice parameter with few short names, a select otherwise. */
function choiceControl(id, row, onChange) {
  const short = row.choices.length <= 4 && row.choices.every((c) => c.length <= 12);
  if (!short) {
    const select = el(
      "select",
      { id },
      row.choices.map((c) => el("option", { value: c, text: c })),
    );
    const shell = controlShell(id, row, select, { output: false });
    select.addEventListener("change", () => onChange(select.value));
    return {
      ...shell,
      inputs: [select],
      show(text) {
        select.value = text;
      },
    };
  }
  const radios = row.choices.map((c) => el("input", { type: "radio", name: id, value: c, id: `${id}-${c}` }));
  for (const r of radios) r.addEventListener("change", () => r.checked && onChange(r.value));
  const node = el("fieldset", { class: "ctl", title: row.help || undefined });
  const { help, error } = helpAndError(id, row, node);
  node.append(
    el("legend", { text: row.label }),
    el(
      "div",
      { class: "choices" },
      radios.map((r, i) => el("label", { for: r.id }, r, row.choices[i])),
    ),
    ...[help, error].filter(Boolean),
  );
  return {
    node,
    error,
    inputs: radios,
    show(text) {
      for (const r of radios) r.checked = r.value === text;
    },
  };
}

/** A checkbox for a bool parameter. */
function boolControl(id, row, onChange) {
  const input = el("input", { type: "checkbox", id });
  input.addEventListener("change", () => onChange(input.checked ? "true" : "false"));
  const { help, error } = helpAndError(id, row, input);
  const node = el(
    "div",
    { class: "ctl check", title: row.help || undefined },
    input,
    el("label", { for: id, text: row.label }),
    help,
    error,
  );
  return {
    node,
    error,
    inputs: [input],
    show(text) {
      input.checked = text === "true";
    },
  };
}

/** A text box for a list parameter, applied on Enter or when it loses focus. */
function listControl(id, row, onChange) {
  const input = el("input", {
    type: "text",
    id,
    spellcheck: "false",
    autocomplete: "off",
    placeholder: `${row.min_len}–${row.max_len} numbers in [${row.min}, ${row.max}], comma-separated`,
  });
  const shell = controlShell(id, row, input, { output: false });
  input.addEventListener("change", () => onChange(input.value.replace(/\s+/g, "")));
  return {
    ...shell,
    inputs: [input],
    show(text) {
      if (document.activeElement !== input) input.value = text;
    },
  };
}

/** The control for one parameter row of any kind; its element carries the key as `data-key`. */
function makeControl(id, row, onChange) {
  let control;
  if (row.kind === "float") control = sliderControl(id, row, onChange);
  else if (row.kind === "int") {
    const fits = row.max - row.min <= 10 * SLIDER_POSITIONS;
    control = fits ? sliderControl(id, row, onChange) : numberControl(id, row, onChange);
  } else if (row.kind === "choice") control = choiceControl(id, row, onChange);
  else if (row.kind === "bool") control = boolControl(id, row, onChange);
  else control = listControl(id, row, onChange);
  control.node.dataset.key = row.key;
  return control;
}

// ---------------------------------------------------------------------------------------------------------------
// One figure: its wasm Figure, canvas, controls, readouts and animation state.

class FigureView {
  constructor(element, meta, domId) {
    this.el = element;
    this.meta = meta;
    this.id = meta.id;
    this.domId = domId;
    this.fig = null;
    this.failed = false;
    this.error = null;
    this.diverged = null;
    this.playing = !reducedMotion;
    this.speed = meta.steps_per_frame;
    this.visible = false;
    this.dirty = true;
    this.cssWidth = 0;
    this.cssHeight = 0;
    this.pending = new Map();
    this.pendingPoint = null;
    this.pendingRestart = false;
    this.dragging = false;
    this.controls = new Map();
    this.lastHashEntries = [];
    this.lastSteps = 0;
    this.frames = 0;
    this.firstFrame = null;
    this.frameTimes = [];
    this.readoutInterval = READOUT_INTERVAL_MS;
    this.rate = { start: 0, steps: 0, frameMs: 0, frames: 0, stepsPerSec: null, msPerFrame: null };
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
  fail(err) {
    if (this.failed) return;
    this.failed = true;
    this.playing = false;
    this.error = messageOf(err);
    console.error(`Figure "${this.id}" stopped:`, err);
    this.el.classList.add("failed");
    this.el.classList.remove("loading");
    this.status.replaceChildren(
      el("strong", { text: "This figure stopped after an internal error." }),
      el("span", { text: `${this.error.replace(/\.$/, "")}. Reload the page to restart it.` }),
    );
    for (const input of this.el.querySelectorAll("button, input, select")) input.disabled = true;
  }

  /** Creates the wasm figure; a failure (such as an unknown panel id) is shown on the figure. */
  start() {
    try {
      this.fig = new Figure(this.id, this.canvas);
    } catch (err) {
      this.fail(err);
      return;
    }
    this.syncControls();
    this.updateReadouts();
  }

  buildDom() {
    const { meta, domId } = this;
    const existing = [...this.el.childNodes];
    this.el.classList.add("loading");
    if (meta.clickable) this.el.classList.add("clickable");

    this.status = el("div", { class: "fig-status", role: "status" });
    this.canvas = el("canvas", {
      role: "img",
      "aria-label": meta.clickable ? `${meta.title}. Clicking the figure changes its settings.` : meta.title,
    });
    for (const type of ["pointerdown", "pointermove", "pointerup", "pointercancel"]) {
      this.canvas.addEventListener(type, (event) => this.onPointer(event));
    }
    this.canvasWrap = el("div", { class: "fig-canvas" }, this.canvas);

    this.playButton = el("button", {
      type: "button",
      class: "primary",
      "data-action": "play",
      onclick: () => this.setPlaying(!this.playing),
    });
    this.stepNButton = el("button", {
      type: "button",
      "data-action": "step-n",
      onclick: () => this.stepBy(this.speed),
    });
    const speedId = `${domId}-speed`;
    const speeds = [...new Set([...SPEEDS, meta.steps_per_frame])].sort((a, b) => a - b);
    this.speedSelect = el(
      "select",
      { id: speedId, onchange: () => this.setSpeed(Number(this.speedSelect.value)) },
      speeds.map((s) => el("option", { value: String(s), text: String(s) })),
    );
    const seedId = `${domId}-seed`;
    this.seedInput = el("input", {
      type: "number",
      id: seedId,
      min: 0,
      max: meta.max_seed,
      step: 1,
      inputmode: "numeric",
      onchange: () => this.onSeedInput(),
    });
    const transport = el(
      "div",
      { class: "fig-transport" },
      this.playButton,
      el("button", { type: "button", text: "Step 1", "data-action": "step-1", onclick: () => this.stepBy(1) }),
      this.stepNButton,
      el("button", { type: "button", text: "Reset", "data-action": "reset", onclick: () => this.reset() }),
      el("span", { class: "inline-field" }, el("label", { for: speedId, text: "Steps/frame" }), this.speedSelect),
      el("span", { class: "inline-field" }, el("label", { for: seedId, text: "Seed" }), this.seedInput),
      el("span", { class: "spacer" }),
      el("button", {
        type: "button",
        text: "SVG",
        "data-action": "svg",
        title: "Download this figure as SVG",
        onclick: () => this.downloadSvg(),
      }),
    );

    this.readouts = new Map();
    const readoutList = el("dl", { class: "fig-readouts", "aria-label": "Readouts" });
    for (const name of ["step", ...meta.metrics, "steps/s", "ms/frame"]) {
      const dd = el("dd", { "data-readout": name, text: "–" });
      this.readouts.set(name, dd);
      readoutList.append(el("div", {}, el("dt", { text: name.replace(/_/g, " ") }), dd));
    }

    const presets = (meta.presets ?? []).map((preset) =>
      el("button", { type: "button", text: preset.label, onclick: () => this.applyPreset(preset) }),
    );
    const presetRow = presets.length
      ? el(
          "div",
          { class: "fig-presets", role: "group", "aria-label": "Presets" },
          el("span", { text: "Try:" }),
          presets,
        )
      : null;

    const params = el("div", { class: "fig-params" });
    for (const row of meta.params) {
      const control = makeControl(`${domId}-${row.key}`, row, (text) => this.queue(row.key, text));
      this.controls.set(row.key, control);
      params.append(control.node);
    }

    this.el.replaceChildren(
      el("h3", { class: "fig-title", text: meta.title }),
      this.status,
      this.canvasWrap,
      ...existing,
      transport,
      readoutList,
      ...(presetRow ? [presetRow] : []),
      params,
    );
    this.updateTransport();
  }

  /** Queues a new value for a parameter (or the seed); it is applied at the start of the next frame. */
  queue(key, text) {
    this.pending.set(key, text);
    schedule();
  }

  /** Applies queued changes (controls, presets, canvas clicks): one rebuild per frame however fast they come. */
  applyPending() {
    if (this.failed || (this.pending.size === 0 && this.pendingPoint === null && !this.pendingRestart)) return;
    const pending = [...this.pending];
    const point = this.pendingPoint;
    this.pending.clear();
    this.pendingPoint = null;
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
        }
      }
    }
    if (point) this.call((f) => f.click(point[0], point[1]));
    if (this.pendingRestart) {
      this.pendingRestart = false;
      this.call((f) => f.reset());
      this.diverged = null;
      this.status.replaceChildren();
      this.playing = !reducedMotion;
      this.updateTransport();
    }
    this.afterChange();
  }

  /** Applies a preset's values in order, then restarts the run from step 0 so that it plays out. */
  applyPreset(preset) {
    for (const [key, text] of preset.values) this.pending.set(key, text);
    this.pendingRestart = true;
    schedule();
  }

  /** Refreshes everything that depends on the parameters after they changed. */
  afterChange() {
    this.syncControls();
    this.checkDiverged();
    this.dirty = true;
    this.resetRates();
    this.updateReadouts();
    scheduleHashWrite();
    schedule();
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
    if (seed !== undefined && document.activeElement !== this.seedInput) this.seedInput.value = String(seed);
  }

  onSeedInput() {
    const seed = Number(this.seedInput.value);
    if (this.seedInput.value.trim() === "" || !Number.isInteger(seed) || seed < 0 || seed > this.meta.max_seed) {
      this.seedInput.setAttribute("aria-invalid", "true");
      return;
    }
    this.seedInput.removeAttribute("aria-invalid");
    this.queue("seed", String(seed));
  }

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
      schedule();
    };
    switch (event.type) {
      case "pointerdown":
        if (event.button !== 0) return;
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

  setPlaying(playing) {
    if (this.failed) return;
    this.playing = playing && this.diverged === null;
    this.resetRates();
    this.updateTransport();
    this.updateReadouts();
    schedule();
  }

  setSpeed(speed) {
    this.speed = speed;
    this.updateTransport();
  }

  /** Pauses and advances by `n` steps. */
  stepBy(n) {
    if (this.failed) return;
    this.setPlaying(false);
    if (this.diverged === null) this.call((f) => f.step(n));
    this.checkDiverged();
    this.dirty = true;
    this.updateReadouts();
    schedule();
  }

  /** Back to step 0 with the same parameters and seed; a run stopped by divergence starts playing again. */
  reset() {
    if (this.failed) return;
    const resume = this.diverged !== null;
    this.call((f) => f.reset());
    this.checkDiverged();
    if (resume) this.playing = true;
    this.dirty = true;
    this.resetRates();
    this.updateTransport();
    this.updateReadouts();
    schedule();
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
        el("span", { text: `Diverged at step ${diverged}: the state became infinite or NaN.` }),
        el("button", { type: "button", text: "Reset", "data-action": "reset-diverged", onclick: () => this.reset() }),
      );
    }
    this.updateTransport();
  }

  updateTransport() {
    this.playButton.textContent = this.playing ? "Pause" : "Play";
    this.playButton.disabled = this.failed || this.diverged !== null;
    this.stepNButton.textContent = `Step ${this.speed}`;
    // At one step per frame "Step N" would repeat "Step 1".
    this.stepNButton.hidden = this.speed === 1;
    this.speedSelect.value = String(this.speed);
  }

  downloadSvg() {
    const svg = this.call((f) => f.svg(Math.round(this.cssWidth) || 800, Math.round(this.cssHeight) || 450, isDark()));
    if (svg === undefined) return;
    const url = URL.createObjectURL(new Blob([svg], { type: "image/svg+xml" }));
    const link = el("a", { href: url, download: `${this.id}-step${this.lastSteps}.svg` });
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
  }

  /** Sets the canvas' CSS height from its width and the panel's aspect ratio. */
  resize(width) {
    const [wide, narrow] = this.meta.aspect;
    const height = Math.round(width * (width < NARROW_PX ? narrow : wide));
    if (width === this.cssWidth && height === this.cssHeight) return;
    this.cssWidth = width;
    this.cssHeight = height;
    this.canvas.style.height = `${height}px`;
    this.dirty = true;
    schedule();
  }

  /** Draws the current state into the canvas at the device's pixel ratio. */
  render() {
    if (this.cssWidth <= 0 || this.failed) return;
    this.call((f) => f.render(this.cssWidth, this.cssHeight, window.devicePixelRatio || 1, isDark()));
    if (this.failed) return;
    this.dirty = false;
    this.frames += 1;
    if (this.firstFrame === null) {
      this.firstFrame = performance.now();
      dyn.firstFrame ??= this.firstFrame;
      this.el.classList.remove("loading");
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
    if (!running && !this.dirty) return false;
    const t0 = performance.now();
    let taken = 0;
    if (running) {
      taken = this.call((f) => f.step(this.speed)) ?? 0;
      this.checkDiverged();
      this.dirty = true;
    }
    this.render();
    if (!running || now - this.lastReadout >= this.readoutInterval) {
      // Readouts cost a metrics call, which for some panels scans the whole state: space them so that they take
      // at most a fortieth of the time, and count them in the frame that pays for them.
      const r0 = performance.now();
      this.updateReadouts(now);
      this.readoutInterval = Math.max(READOUT_INTERVAL_MS, 40 * (performance.now() - r0));
    }
    const elapsed = performance.now() - t0;
    if (running) this.recordFrame(now, taken, elapsed);
    return this.playing && this.diverged === null && !this.failed;
  }

  /** Accumulates steps per second and milliseconds per frame over a short window. */
  recordFrame(now, taken, elapsed) {
    this.frameTimes.push(elapsed);
    if (this.frameTimes.length > FRAME_TIME_HISTORY)
      this.frameTimes.splice(0, this.frameTimes.length - FRAME_TIME_HISTORY);
    const r = this.rate;
    if (r.start === 0) {
      r.start = now;
      return;
    }
    r.steps += taken;
    r.frameMs += elapsed;
    r.frames += 1;
    if (now - r.start >= RATE_WINDOW_MS) {
      r.stepsPerSec = (r.steps * 1000) / (now - r.start);
      r.msPerFrame = r.frameMs / r.frames;
      Object.assign(r, { start: now, steps: 0, frameMs: 0, frames: 0 });
    }
  }

  /** Starts a new measuring window; `keepShown` keeps the last numbers on display until the window completes. */
  resetRates(keepShown = false) {
    Object.assign(this.rate, { start: 0, steps: 0, frameMs: 0, frames: 0 });
    if (!keepShown) Object.assign(this.rate, { stepsPerSec: null, msPerFrame: null });
  }

  updateReadouts(now = performance.now()) {
    if (this.failed) return;
    this.lastReadout = now;
    const steps = this.call((f) => f.steps());
    const metrics = JSON.parse(this.call((f) => f.metrics_json()) ?? "{}");
    if (this.failed) return;
    this.lastSteps = steps;
    this.readouts.get("step").textContent = String(steps);
    for (const name of this.meta.metrics) this.readouts.get(name).textContent = formatValue(metrics[name]);
    const running = this.playing && this.diverged === null;
    const { stepsPerSec, msPerFrame } = this.rate;
    this.readouts.get("steps/s").textContent =
      running && stepsPerSec !== null ? formatNumber(Math.round(stepsPerSec)) : "–";
    this.readouts.get("ms/frame").textContent = running && msPerFrame !== null ? msPerFrame.toFixed(2) : "–";
  }

  /** Applies decoded hash entries; keys not listed go back to their defaults. Returns notices. */
  applyEntries(entries) {
    const notices = [];
    if (this.failed) return notices;
    const want = new Map(entries.map((e) => [e.key, e.value]));
    for (const [key] of this.hashEntries()) {
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
        notices.push(`${this.id}.${key}: ${messageOf(err)}`);
      }
    }
    this.afterChange();
    return notices;
  }

  /** The non-default settings as `[key, value]` pairs; a failed figure keeps its last known ones. */
  hashEntries() {
    const text = this.call((f) => f.hash_entries());
    if (text !== undefined) this.lastHashEntries = JSON.parse(text);
    return this.lastHashEntries;
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
      speed: this.speed,
      frames: this.frames,
      firstFrame: this.firstFrame,
      cssWidth: this.cssWidth,
      cssHeight: this.cssHeight,
    };
  }
}

// ---------------------------------------------------------------------------------------------------------------
// The page: animation loop, observers, URL hash and notices.

function isDark() {
  return darkQuery.matches;
}

let frameRequested = false;

/** Requests an animation frame unless one is already pending. */
function schedule() {
  if (!frameRequested) {
    frameRequested = true;
    requestAnimationFrame(frame);
  }
}

function frame(now) {
  frameRequested = false;
  let again = false;
  for (const view of views) again = view.frame(now) || again;
  if (again) schedule();
}

let hashTimer = null;

/** Rewrites the URL hash shortly after the last change. */
function scheduleHashWrite() {
  clearTimeout(hashTimer);
  hashTimer = setTimeout(writeHash, HASH_DELAY_MS);
}

/** Writes every figure's non-default settings into the URL hash without adding a history entry. */
function writeHash() {
  clearTimeout(hashTimer);
  const entries = [];
  for (const view of views) for (const [key, value] of view.hashEntries()) entries.push([view.id, key, value]);
  let hash;
  try {
    hash = encode_hash(entries.flat());
  } catch (err) {
    console.error("Could not encode the URL hash:", err);
    return;
  }
  if (hash !== location.hash) history.replaceState(history.state, "", hash || location.pathname + location.search);
}

/** Shows plain-text notices in the bar at the top of the page (textContent only, never HTML). */
function showNotices(notices) {
  dyn.notices = notices;
  const bar = document.getElementById("notice");
  if (!bar) return;
  if (notices.length === 0) {
    bar.replaceChildren();
    return;
  }
  bar.replaceChildren(
    el(
      "div",
      { class: "notice-body" },
      el("span", { class: "notice-title", text: "Some settings in the link were changed or ignored:" }),
      el(
        "ul",
        {},
        notices.map((n) => el("li", { text: n })),
      ),
    ),
    el("button", {
      type: "button",
      text: "Dismiss",
      "aria-label": "Dismiss this notice",
      onclick: () => bar.replaceChildren(),
    }),
  );
}

/** Applies a URL hash to every figure, shows its notices and writes back the canonical hash. */
function applyHash(hash) {
  let decoded;
  try {
    decoded = JSON.parse(decode_hash(hash));
  } catch (err) {
    showNotices([`The link's settings could not be read: ${messageOf(err)}`]);
    return;
  }
  const notices = [...decoded.notices];
  const byPanel = new Map();
  for (const entry of decoded.entries) {
    if (!byPanel.has(entry.panel)) byPanel.set(entry.panel, []);
    byPanel.get(entry.panel).push(entry);
  }
  for (const panel of byPanel.keys()) {
    if (!views.some((v) => v.id === panel))
      notices.push(`${panel}: this figure is not on this page, so its settings were ignored.`);
  }
  for (const view of views) notices.push(...view.applyEntries(byPanel.get(view.id) ?? []));
  showNotices(notices);
  writeHash();
}

/** Creates one view per `[data-panel]` element; unknown or repeated ids become failed figures with a message. */
function createViews(panels) {
  const byId = new Map(panels.map((p) => [p.id, p]));
  const seen = new Set();
  document.querySelectorAll("[data-panel]").forEach((element, index) => {
    const id = element.dataset.panel;
    const meta = byId.get(id) ?? {
      id,
      title: id,
      params: [],
      metrics: [],
      steps_per_frame: 1,
      aspect: [0.56, 1.3],
      default_seed: 1,
      max_seed: 0,
    };
    const view = new FigureView(element, meta, `fig${index}-${id.replace(/[^\w-]/g, "_")}`);
    views.push(view);
    if (seen.has(id)) {
      view.fail(new Error(`the panel "${id}" appears twice on this page; only its first figure is live`));
      return;
    }
    seen.add(id);
    view.start();
    dyn.figures[id] = {
      view,
      get figure() {
        return view.fig;
      },
      call: (method, ...args) => view.call((f) => f[method](...args)),
      state: () => view.state(),
      frameTimes: () => [...view.frameTimes],
    };
  });
}

/** Watches size, visibility and colour scheme, and redraws what they affect. */
function observe() {
  const viewOf = (target) => views.find((v) => v.canvas === target);
  const resizeObserver = new ResizeObserver((entries) => {
    for (const entry of entries) viewOf(entry.target)?.resize(entry.contentRect.width);
  });
  const visibility = new IntersectionObserver(
    (entries) => {
      for (const entry of entries) {
        const view = viewOf(entry.target);
        if (!view) continue;
        view.visible = entry.isIntersecting;
        if (view.visible) {
          view.resetRates(true);
          schedule();
        }
      }
    },
    { rootMargin: "64px" },
  );
  for (const view of views) {
    // Size and visibility are measured once now, so that the first animation frame can already draw; the
    // observers deliver their first reports only after that frame.
    const rect = view.canvas.getBoundingClientRect();
    view.visible = rect.bottom > 0 && rect.top < window.innerHeight;
    view.resize(rect.width);
    resizeObserver.observe(view.canvas);
    visibility.observe(view.canvas);
  }
  const redrawAll = () => {
    for (const view of views) view.dirty = true;
    schedule();
  };
  darkQuery.addEventListener("change", redrawAll);
  // A change of zoom changes devicePixelRatio and fires a resize event on the window.
  window.addEventListener("resize", redrawAll);
  window.addEventListener("hashchange", () => applyHash(location.hash));
}

async function main() {
  for (const element of document.querySelectorAll("[data-panel]")) element.classList.add("loading");
  await init();
  const parsed = JSON.parse(panels_json());
  const panels = Array.isArray(parsed) ? parsed : parsed.panels;
  dyn.panels = panels;
  createViews(panels);
  applyHash(location.hash);
  observe();
  schedule();
}

main().then(
  () => resolveReady(),
  (err) => {
    console.error("The page could not start:", err);
    showNotices([`The simulations could not be loaded: ${messageOf(err)}`]);
    for (const element of document.querySelectorAll("[data-panel]")) element.classList.remove("loading");
    rejectReady(err);
  },
);
