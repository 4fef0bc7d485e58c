// The embed page (embed.html?panel=<id>#<id>.<key>=<value>&...): exactly one figure, for an iframe in someone
// else's page. Options in the query: theme=auto|light|dark, controls=closed|open|none, autoplay=true|false
// (always off under prefers-reduced-motion), lang=en|zh (the Chinese figure and words). The hash uses the main page's codec and
// notices, but the embed never writes it (nor anything else of the host's or its own URL). It animates only
// while visible, and tells its parent its height: {type: "dynamics:resize", panel, height} (see embed-host.js).

import { el, messageOf } from "./dom.js";
import { embedRoot, showEmbedNotices } from "./embed-shell.js";
import { FigureView, unknownMeta } from "./figure.js";
import { t } from "./i18n.js";
import { editionPage, figureLink, linkEntries, parseEmbedQuery } from "./links.js";
import { shareMenu } from "./share.js";
import { Stage } from "./stage.js";
import { loadWasm } from "./wasm.js";

const options = parseEmbedQuery(location.search);
if (options.theme !== "auto") document.documentElement.classList.add(`theme-${options.theme}`);
const lang = options.lang;
if (lang === "zh") document.documentElement.lang = "zh-CN";
// The wasm module of the embed's language starts loading at once (embed.html cannot preload it: the language is
// in the query). Its failure is reported by main(), which awaits this promise.
const wasmLoading = options.panel ? loadWasm(lang) : null;
wasmLoading?.catch(() => {});

let resolveReady;
let rejectReady;
/** The test and benchmark hook, shaped like the main page's. */
const dyn = {
  figures: {},
  ready: new Promise((resolve, reject) => {
    resolveReady = resolve;
    rejectReady = reject;
  }),
  firstFrame: null,
  notices: [],
  options,
};
dyn.ready.catch(() => {});
window.__dyn = dyn;

const site = new URL(".", location.href).href;
let api = null;
let view = null;
let frame = null;

const stage = new Stage({
  theme: options.theme,
  onChange: () => updateLink(),
  onFirstFrame: (v) => {
    dyn.firstFrame ??= v.firstFrame;
  },
});

/** Points "Open in the explorer" at the main page with this figure's settings and moment. */
function updateLink() {
  if (!view || !api || view.failed) return;
  frame.link.href = figureLink(site, view.id, linkEntries(view.settings(), view.steps(), view.replayLimit()), (f) => api.encode_hash(f), lang);
}

/** The last height posted, so that unchanged heights are not posted again. */
let posted = null;

/** Posts this document's height to the parent window (any origin may read a height; nothing else is sent). */
function postHeight(force = false) {
  if (window.parent === window || !frame) return;
  const height = Math.ceil(frame.root.getBoundingClientRect().height);
  if (height === posted && !force) return;
  posted = height;
  window.parent.postMessage({ type: "dynamics:resize", panel: options.panel, height }, "*");
}

function watchHeight() {
  new ResizeObserver(() => postHeight()).observe(frame.root);
  // A host script that loads after the first post asks again.
  window.addEventListener("message", (event) => {
    if (event.source === window.parent && event.data?.type === "dynamics:hello") postHeight(true);
  });
  postHeight();
}

async function main() {
  const main = document.getElementById("embed");
  const figure = el("div", { class: "figure", "data-embed-panel": options.panel || "" });
  frame = embedRoot(figure, lang);
  main.replaceChildren(frame.root);
  watchHeight();

  if (!options.panel) {
    const v = new FigureView(figure, unknownMeta("(none)"), "embed", stage, { layout: "embed", controls: "none", lang });
    v.fail(new Error(t(lang, "No figure was named: add ?panel=<figure id> to the address.")), { internal: false });
    frame.link.href = editionPage(lang);
    return;
  }
  const loaded = await wasmLoading;
  api = loaded.wasm;
  dyn.panels = loaded.panels;
  const meta = loaded.panels.find((p) => p.id === options.panel);
  document.title = t(lang, "{title} · live figure", { title: meta ? meta.title : options.panel });
  if (!meta) {
    view = new FigureView(figure, unknownMeta(options.panel), "embed", stage, { layout: "embed", controls: "none", lang });
    const known = loaded.panels.map((p) => p.id).join(", ");
    view.fail(new Error(t(lang, 'There is no figure called "{id}". Known figures: {known}.', { id: options.panel.slice(0, 60), known })), {
      internal: false,
    });
    frame.link.href = editionPage(lang);
    return;
  }
  const share = shareMenu({
    site,
    encode: (flat) => api.encode_hash(flat),
    embedHeight: () => Math.ceil(frame.root.getBoundingClientRect().height),
  });
  view = stage.add(
    new FigureView(figure, meta, "embed", stage, {
      layout: "embed",
      controls: options.controls,
      autoplay: options.autoplay,
      share,
      lang,
    }),
  );
  view.start(api.Figure);
  dyn.figures[meta.id] = view.handle();

  const notices = [...options.notices];
  const decoded = JSON.parse(api.decode_hash(location.hash, lang));
  notices.push(...decoded.notices);
  const others = new Set(decoded.entries.filter((e) => e.panel !== meta.id).map((e) => e.panel));
  for (const panel of others) notices.push(t(lang, "{panel}: this embed shows only {id}, so its settings were ignored.", { panel, id: meta.id }));
  notices.push(...view.applyEntries(decoded.entries.filter((e) => e.panel === meta.id)));
  dyn.notices = notices;
  showEmbedNotices(frame.notice, notices, lang);
  updateLink();
  stage.observe(view);
}

// The figure (or its error) is in place: post its height now. The ResizeObserver would say the same, but Chromium
// defers its callbacks in a cross-origin iframe off screen, and the host showed a 77 px iframe until scrolled to.
main().then(
  () => {
    postHeight();
    resolveReady();
  },
  (err) => {
    console.error("The figure could not start:", err);
    if (frame) showEmbedNotices(frame.notice, [t(lang, "The simulation could not be loaded: {message}", { message: messageOf(err) })], lang);
    postHeight();
    rejectReady(err);
  },
);
