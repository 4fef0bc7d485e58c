// The share menu of a figure: copy a link, an iframe snippet or a script snippet, and download the figure as
// PNG, SVG or its metrics history as CSV. It is a disclosure (a button that shows a group of buttons), usable
// with the keyboard (Enter/Space opens, arrow keys move, Escape closes and returns focus) and announced to
// screen readers through a live region. When the clipboard refuses, the text is shown selected in a box.

import { download, el, messageOf } from "./dom.js";
import { embedRoot } from "./embed-shell.js";
import { FigureView, canvasHeight } from "./figure.js";
import { t } from "./i18n.js";
import { fileName, figureLink, iframeSnippet, linkEntries, pngSize, scriptSnippet } from "./links.js";

let menus = 0;

/**
 * Returns a function building the share menu of a view. `ctx`: `site` (the URL of the directory holding
 * index.html, embed.html and www/), `encode` (the wasm `encode_hash`), and optionally `embedHeight(view)` (the
 * height an iframe of this figure needs; by default it is measured).
 */
export function shareMenu(ctx) {
  return (view) => new ShareMenu(view, ctx).node;
}

class ShareMenu {
  constructor(view, ctx) {
    this.view = view;
    this.lang = view.lang ?? "en";
    this.ctx = ctx;
    const id = `${view.domId}-share-${(menus += 1)}`;
    this.button = el("button", {
      type: "button",
      class: "share-button",
      "data-action": "share",
      "aria-expanded": "false",
      "aria-controls": id,
      text: t(this.lang, "Share"),
      onclick: () => (this.menu.hidden ? this.open() : this.close()),
      onkeydown: (e) => {
        if (e.key === "ArrowDown" || e.key === "ArrowUp") {
          e.preventDefault();
          this.open(e.key === "ArrowUp" ? -1 : 0);
        }
      },
    });
    const item = (action, text, run) =>
      el("button", { type: "button", "data-action": action, text: t(this.lang, text), onclick: () => this.act(run) });
    this.pngItem = item("png", "Download PNG", () => this.png());
    this.items = [
      item("copy-link", "Copy link", () => this.copyMoment("link", () => this.link())),
      item("copy-embed", "Copy embed code", () => this.copyMoment("embed code", () => this.iframe())),
      item("copy-script", "Copy script embed", () => this.copyMoment("script embed", () => this.script())),
      this.pngItem,
      item("svg", "Download SVG", () => this.svg()),
      item("csv", "Download CSV", () => this.csv()),
    ];
    this.menu = el(
      "div",
      { class: "share-menu", id, role: "group", "aria-label": t(this.lang, "Share and export: {title}", { title: view.meta.title }), hidden: true },
      this.items,
    );
    this.menu.addEventListener("keydown", (e) => this.onKey(e));
    this.status = el("span", { class: "share-status", role: "status", "aria-live": "polite" });
    this.box = el("div", { class: "share-box", hidden: true });
    this.node = el("div", { class: "share" }, this.button, this.menu, this.status, this.box);
    this.node.addEventListener("focusout", (e) => {
      if (!this.menu.hidden && !this.node.contains(e.relatedTarget)) this.close(false);
    });
    this.onOutside = (e) => {
      if (!e.composedPath().includes(this.node)) this.close(false);
    };
  }

  /** Opens the menu and focuses its first item (or its last, for `at` = -1). */
  open(at = 0) {
    const { width, height } = pngSize(this.cssSize().width, this.cssSize().height, window.devicePixelRatio || 1);
    this.pngItem.textContent = t(this.lang, "Download PNG ({width} × {height})", { width, height });
    this.pngItem.dataset.width = String(width);
    this.pngItem.dataset.height = String(height);
    this.menu.hidden = false;
    this.button.setAttribute("aria-expanded", "true");
    this.items.at(at).focus();
    document.addEventListener("pointerdown", this.onOutside, true);
  }

  /** Closes the menu; focus returns to the Share button unless it moved elsewhere. */
  close(refocus = true) {
    if (this.menu.hidden) return;
    this.menu.hidden = true;
    this.button.setAttribute("aria-expanded", "false");
    document.removeEventListener("pointerdown", this.onOutside, true);
    if (refocus) this.button.focus();
  }

  onKey(e) {
    const i = this.items.indexOf(e.target);
    const move = { ArrowDown: i + 1, ArrowUp: i - 1, Home: 0, End: this.items.length - 1 }[e.key];
    if (move !== undefined) {
      e.preventDefault();
      this.items[(move + this.items.length) % this.items.length].focus();
    } else if (e.key === "Escape") {
      e.preventDefault();
      this.close();
    }
  }

  /** Runs a menu action after closing the menu; failures are said in the status line. */
  async act(run) {
    this.close();
    try {
      await run();
    } catch (err) {
      this.say(t(this.lang, "That did not work: {message}", { message: messageOf(err) }));
    }
  }

  say(text) {
    this.status.textContent = text;
    clearTimeout(this.sayTimer);
    this.sayTimer = setTimeout(() => (this.status.textContent = ""), 6000);
  }

  /** The figure's CSS size, or a default for a figure that has not been laid out. */
  cssSize() {
    const width = Math.round(this.view.cssWidth) || 800;
    return { width, height: Math.round(this.view.cssHeight) || canvasHeight(this.view.meta, width) };
  }

  entries() {
    return linkEntries(this.view.settings(), this.view.steps(), this.view.replayLimit());
  }

  /**
   * Copies a link or snippet of the figure's current moment. A playing figure is paused first, so that the
   * moment copied is the one on screen (and a followed control's value is committed). A moment past the panel's
   * replay limit cannot be reopened: the link then opens at the start, and the status line says so.
   */
  async copyMoment(what, make) {
    const paused = this.view.playing;
    if (paused) this.view.setPlaying(false);
    const text = make();
    const step = this.view.steps();
    const limit = this.view.replayLimit();
    await this.copy(what, text);
    const notes = [];
    if (paused) notes.push(t(this.lang, "The figure was paused at step {step} to copy it.", { step }));
    if (step > limit)
      notes.push(
        t(this.lang, "Step {step} is past the {limit} steps a link replays, so the {what} opens at the start.", {
          step,
          limit: limit.toLocaleString("en-US"),
          what: t(this.lang, what),
        }),
      );
    if (notes.length && this.box.hidden) this.say(`${this.status.textContent} ${notes.join(" ")}`);
    else if (notes.length) this.say(notes.join(" "));
  }

  link() {
    return figureLink(this.ctx.site, this.view.id, this.entries(), this.ctx.encode, this.lang);
  }

  iframe() {
    const height = this.ctx.embedHeight ? this.ctx.embedHeight(this.view) : measureEmbedHeight(this.view);
    return iframeSnippet({
      site: this.ctx.site,
      panel: this.view.id,
      title: this.view.meta.title,
      entries: this.entries(),
      encode: this.ctx.encode,
      height,
      lang: this.lang,
    });
  }

  script() {
    return scriptSnippet({ site: this.ctx.site, panel: this.view.id, entries: this.entries(), lang: this.lang });
  }

  /** Copies text to the clipboard, or shows it selected in a box when the clipboard is not available. */
  async copy(what, text) {
    try {
      if (!navigator.clipboard?.writeText) throw new Error("no clipboard");
      await navigator.clipboard.writeText(text);
      this.box.hidden = true;
      this.say(t(this.lang, "Copied the {what} to the clipboard.", { what: t(this.lang, what) }));
    } catch {
      this.showBox(what, text);
    }
  }

  /** Shows text selected in a read-only box with a Close button. */
  showBox(what, text) {
    const id = `${this.menu.id}-box`;
    const area = el("textarea", {
      id,
      class: "share-text",
      readonly: true,
      rows: Math.min(6, text.split("\n").length + 1),
      spellcheck: "false",
    });
    area.value = text;
    this.box.replaceChildren(
      el("label", { for: id, text: t(this.lang, "Copy this {what} (it is selected; press Ctrl+C or ⌘C):", { what: t(this.lang, what) }) }),
      area,
      el("button", {
        type: "button",
        text: t(this.lang, "Close"),
        "data-action": "close-box",
        onclick: () => {
          this.box.hidden = true;
          this.button.focus();
        },
      }),
    );
    this.box.hidden = false;
    area.focus();
    area.select();
  }

  png() {
    const { width, height } = this.cssSize();
    const { scale } = pngSize(width, height, window.devicePixelRatio || 1);
    const canvas = document.createElement("canvas");
    this.view.call((f) => f.render_to(canvas, width, height, scale, this.view.stage.dark(this.view)));
    if (this.view.failed) throw new Error(this.view.error);
    return new Promise((resolve, reject) => {
      canvas.toBlob((blob) => {
        if (!blob) return reject(new Error("the browser could not encode the PNG"));
        download(blob, fileName(this.view.id, this.view.steps(), "png"));
        this.say(t(this.lang, "Downloaded a PNG of {width} × {height} pixels.", { width: canvas.width, height: canvas.height }));
        resolve();
      }, "image/png");
    });
  }

  svg() {
    const { width, height } = this.cssSize();
    const svg = this.view.call((f) => f.svg(width, height, this.view.stage.dark(this.view)));
    if (svg === undefined) throw new Error(this.view.error);
    download(new Blob([svg], { type: "image/svg+xml" }), fileName(this.view.id, this.view.steps(), "svg"));
    this.say(t(this.lang, "Downloaded the SVG."));
  }

  csv() {
    const csv = this.view.call((f) => f.metrics_csv());
    if (csv === undefined) throw new Error(this.view.error);
    download(new Blob([csv], { type: "text/csv" }), fileName(this.view.id, this.view.steps(), "csv"));
    this.say(t(this.lang, "Downloaded the metrics history ({rows} rows).", { rows: csv.trimEnd().split("\n").length - 1 }));
  }
}

/** A stage that never animates, for a figure built only to be measured. */
const STILL = { schedule() {}, dark: () => false, changed() {}, firstFrame() {}, reducedMotion: true };

/**
 * The height in CSS pixels of the embed page showing this figure at the figure's current width: the same frame
 * and figure layout are built hidden in this document, measured, and removed (no wasm call, nothing drawn).
 */
export function measureEmbedHeight(view) {
  const width = Math.max(200, Math.round(view.el.getBoundingClientRect().width) || 800);
  const figure = el("div", { class: "figure" });
  const ghost = new FigureView(figure, view.meta, `${view.domId}-measure`, STILL, {
    layout: "embed",
    lang: view.lang,
    share: () =>
      el("div", { class: "share" }, el("button", { type: "button", class: "share-button", text: t(view.lang, "Share") })),
  });
  const { root } = embedRoot(figure, view.lang);
  const holder = el("div", { class: "embed-measure", "aria-hidden": "true" }, root);
  holder.style.width = `${width}px`;
  document.body.append(holder);
  const inner = ghost.canvas.getBoundingClientRect().width;
  ghost.canvas.style.height = `${canvasHeight(view.meta, inner)}px`;
  const height = root.getBoundingClientRect().height;
  holder.remove();
  return Math.ceil(height);
}
