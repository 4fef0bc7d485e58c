// The main page: one figure per `[data-panel]` element, the URL hash that records every figure's settings (and
// the moment of a paused figure), the notice bar, and anchors. A hash that names no settings (`#topk`, `#main`,
// the contents links) is a plain anchor: it scrolls to its target and leaves every figure alone.

import { el, messageOf } from "./dom.js";
import { FigureView, unknownMeta } from "./figure.js";
import { langOf, t } from "./i18n.js";
import { isAnchorHash } from "./links.js";
import { shareMenu } from "./share.js";
import { Stage } from "./stage.js";
import { loadWasm } from "./wasm.js";

/** The page's language, from `<html lang>`: "zh" on the Chinese edition, "en" otherwise. */
const lang = langOf(document.documentElement.lang);

/** The URL hash is rewritten this long after the last change, so that dragging a slider stays cheap. */
const HASH_DELAY_MS = 150;

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

let api = null;
let hashTimer = null;
const stage = new Stage({
  onChange: () => scheduleHashWrite(),
  onFirstFrame: (view) => {
    dyn.firstFrame ??= view.firstFrame;
  },
});

/** The stage of the live figure on the first screen, kept apart from the article's figures and the hash. */
const heroStage = new Stage();

/** Whether a hash is a plain anchor of this page rather than settings. */
function isAnchor(hash) {
  return isAnchorHash(hash, (id) => document.getElementById(id) !== null);
}

/** Rewrites the URL hash shortly after the last change. */
function scheduleHashWrite() {
  clearTimeout(hashTimer);
  hashTimer = setTimeout(writeHash, HASH_DELAY_MS);
}

/**
 * Writes every figure's non-default settings (and the step of each paused figure) into the URL hash without
 * adding a history entry. While the hash is a plain anchor and nothing differs from the defaults, the anchor
 * stays.
 */
function writeHash() {
  clearTimeout(hashTimer);
  const entries = [];
  for (const view of stage.views) for (const [key, value] of view.hashEntries()) entries.push([view.id, key, value]);
  if (entries.length === 0 && isAnchor(location.hash)) return;
  let hash;
  try {
    hash = api.encode_hash(entries.flat());
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
      el("span", { class: "notice-title", text: t(lang, "Some settings in the link were changed or ignored:") }),
      el(
        "ul",
        {},
        notices.map((n) => el("li", { text: n })),
      ),
    ),
    el("button", {
      type: "button",
      text: t(lang, "Dismiss"),
      "aria-label": t(lang, "Dismiss this notice"),
      onclick: () => bar.replaceChildren(),
    }),
  );
}

/**
 * Applies a URL hash to every figure, shows its notices, writes back the canonical hash and scrolls to the first
 * figure it names. A plain anchor changes nothing.
 */
function applyHash(hash, { scroll = true } = {}) {
  if (isAnchor(hash)) return;
  let decoded;
  try {
    decoded = JSON.parse(api.decode_hash(hash, lang));
  } catch (err) {
    showNotices([t(lang, "The link's settings could not be read: {message}", { message: messageOf(err) })]);
    return;
  }
  const notices = [...decoded.notices];
  const byPanel = new Map();
  for (const entry of decoded.entries) {
    if (!byPanel.has(entry.panel)) byPanel.set(entry.panel, []);
    byPanel.get(entry.panel).push(entry);
  }
  for (const panel of byPanel.keys()) {
    if (!stage.views.some((v) => v.id === panel))
      notices.push(t(lang, "{panel}: this figure is not on this page, so its settings were ignored.", { panel }));
  }
  for (const view of stage.views) notices.push(...view.applyEntries(byPanel.get(view.id) ?? []));
  showNotices(notices);
  writeHash();
  const first = stage.views.find((v) => byPanel.has(v.id));
  if (scroll && first) first.el.scrollIntoView({ block: "start" });
}

/**
 * In-page links (the contents, "Skip to the content") while the hash holds settings: scroll to the target and
 * move focus there, but keep the settings in the URL instead of replacing them with the anchor.
 */
function keepSettingsOnAnchorClicks() {
  document.addEventListener("click", (event) => {
    const link = event.target.closest?.('a[href^="#"]');
    if (!link || event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey)
      return;
    const hash = link.getAttribute("href");
    if (!isAnchor(hash) || location.hash === "" || isAnchor(location.hash)) return;
    const target = document.getElementById(decodeURIComponent(hash.slice(1)));
    if (!target) return;
    event.preventDefault();
    target.scrollIntoView({ block: "start" });
    if (!target.matches("a, button, input, select, textarea, [tabindex]")) target.setAttribute("tabindex", "-1");
    target.focus({ preventScroll: true });
  });
}

/**
 * The live figure on the first screen (`[data-hero="<panel id>"]`): a compact view with its own stage, so that it
 * is neither part of the URL hash nor counted among the article's figures. A failure leaves it blank and
 * harmless (the view shows its own error).
 */
function createHero(panels, Figure) {
  const element = document.querySelector("[data-hero]");
  const meta = element && panels.find((p) => p.id === element.dataset.hero);
  if (!meta) return;
  const view = heroStage.add(
    new FigureView(element, meta, "hero", heroStage, { layout: "embed", controls: "none", share: null, lang }),
  );
  view.start(Figure);
  heroStage.observe(view);
  dyn.hero = view.handle();
}

/** Creates one view per `[data-panel]` element; unknown or repeated ids become failed figures with a message. */
function createViews(panels, Figure) {
  const byId = new Map(panels.map((p) => [p.id, p]));
  const seen = new Set();
  // The site root (holding index.html, zh/, embed.html and www/) is the parent of this module's directory, so
  // that links and snippets copied on either edition point at the right files.
  const share = shareMenu({ site: new URL("../", import.meta.url).href, encode: (flat) => api.encode_hash(flat) });
  document.querySelectorAll("[data-panel]").forEach((element, index) => {
    const id = element.dataset.panel;
    const meta = byId.get(id) ?? unknownMeta(id);
    const domId = `fig${index}-${id.replace(/[^\w-]/g, "_")}`;
    const view = stage.add(new FigureView(element, meta, domId, stage, { share: byId.has(id) ? share : null, lang }));
    if (seen.has(id)) {
      view.fail(new Error(t(lang, 'the panel "{id}" appears twice on this page; only its first figure is live', { id })));
      return;
    }
    seen.add(id);
    view.start(Figure);
    dyn.figures[id] = view.handle();
  });
}

async function main() {
  for (const element of document.querySelectorAll("[data-panel]")) element.classList.add("loading");
  keepSettingsOnAnchorClicks();
  const loaded = await loadWasm(lang);
  api = loaded.wasm;
  dyn.panels = loaded.panels;
  createViews(loaded.panels, api.Figure);
  createHero(loaded.panels, api.Figure);
  applyHash(location.hash);
  for (const view of stage.views) stage.observe(view);
  window.addEventListener("hashchange", () => applyHash(location.hash));
  stage.schedule();
}

/** Starts the page; resolves `window.__dyn.ready` when every figure exists. */
export function startPage() {
  main().then(
    () => resolveReady(),
    (err) => {
      console.error("The page could not start:", err);
      showNotices([t(lang, "The simulations could not be loaded: {message}", { message: messageOf(err) })]);
      for (const element of document.querySelectorAll("[data-panel]")) element.classList.remove("loading");
      rejectReady(err);
    },
  );
}
