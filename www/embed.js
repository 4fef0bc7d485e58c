// The script embed: `<script type="module" src="<site>/www/embed.js"></script>` mounts a live figure into every
// `<div data-dynamics-panel="<id>" data-settings="<key>=<value>&..." data-seed="S">` of the host page (also
// `data-theme="auto|light|dark"`, `data-controls="closed|open|none"`, `data-autoplay="true|false"`,
// `data-lang="en|zh"`). Each figure
// lives in a shadow root, so the host's styles do not reach it and its styles do not leak out; all figures of one
// language share one wasm instance (English and Chinese figures each their language's module), and all one
// stylesheet. The wasm module and the CSS load relative to this script's URL, so a
// host on another origin works when the site sends CORS headers (see docs/embedding.md). The embed never touches
// the host's URL and animates only while visible.

import { el, messageOf } from "./dom.js";
import { embedRoot, showEmbedNotices } from "./embed-shell.js";
import { FigureView, unknownMeta } from "./figure.js";
import { t } from "./i18n.js";
import { EMBED_OPTIONS, figureLink, linkEntries, settingsHash } from "./links.js";
import { shareMenu } from "./share.js";
import { Stage } from "./stage.js";
import { loadWasm, panelsIn } from "./wasm.js";

const site = new URL("../", import.meta.url).href;
const mounted = new WeakSet();
let count = 0;

/** The figures' theme per view, from each host element's `data-theme`. */
const themes = new WeakMap();
const stage = new Stage({
  theme: (view) => themes.get(view) ?? "auto",
  onChange: (view) => view.updateLink?.(),
});

let sheet = null;

/** The shared stylesheet (www/style.css next to this script), fetched once. */
function styles() {
  sheet ??= fetch(new URL("style.css", import.meta.url)).then(async (res) => {
    if (!res.ok) throw new Error(`style.css: HTTP ${res.status}`);
    const css = new CSSStyleSheet();
    css.replaceSync(await res.text());
    return css;
  });
  return sheet;
}

/**
 * An option from a `data-*` attribute, checked against its allowed values; unknown values give a notice worded in
 * `lang`.
 */
function option(host, name, notices, lang = "en") {
  const values = EMBED_OPTIONS[name];
  const raw = host.dataset[name];
  if (raw === undefined) return values[0];
  const value = raw.trim().toLowerCase();
  if (values.includes(value)) return value;
  notices.push(t(lang, 'ignored data-{name}="{value}": expected {values}', { name, value: raw.slice(0, 40), values: values.join(", ") }));
  return values[0];
}

/** Mounts a live figure into one host element (once). Resolves to its handle, or null for a failed figure. */
export async function mount(host) {
  if (mounted.has(host)) return host.dynamics ?? null;
  mounted.add(host);
  const notices = [];
  const lang = option(host, "lang", notices);
  // Each language has its own module (the English one has no Chinese text); both load once per document.
  const [{ wasm, panels }, css] = await Promise.all([loadWasm(lang), styles()]);
  const shadow = host.shadowRoot ?? host.attachShadow({ mode: "open" });
  shadow.adoptedStyleSheets = [css];
  const id = (host.dataset.dynamicsPanel ?? "").trim();
  const theme = option(host, "theme", notices, lang);
  const controls = option(host, "controls", notices, lang);
  const autoplay = option(host, "autoplay", notices, lang) === "true";
  const figure = el("div", { class: "figure" });
  const frame = embedRoot(figure, lang);
  if (lang === "zh") {
    // The shadow root inherits no `lang` from a host page in another language; the figure sets its own.
    frame.root.lang = "zh-CN";
  }
  const wrapper = el("div", { class: `dyn-embed${theme === "auto" ? "" : ` theme-${theme}`}` }, frame.root);
  shadow.replaceChildren(wrapper);
  const meta = panelsIn(lang).find((p) => p.id === id);
  const domId = `e${(count += 1)}`;
  if (!meta) {
    const view = new FigureView(figure, unknownMeta(id), domId, stage, { layout: "embed", controls: "none", lang });
    const known = panels.map((p) => p.id).join(", ");
    view.fail(new Error(t(lang, 'There is no figure called "{id}". Known figures: {known}.', { id: id.slice(0, 60), known })), {
      internal: false,
    });
    return null;
  }
  const encode = (flat) => wasm.encode_hash(flat);
  const view = new FigureView(figure, meta, domId, stage, {
    layout: "embed",
    controls,
    autoplay,
    lang,
    share: shareMenu({ site, encode, embedHeight: () => Math.ceil(frame.root.getBoundingClientRect().height) }),
  });
  themes.set(view, theme);
  view.updateLink = () => {
    if (!view.failed) frame.link.href = figureLink(site, view.id, linkEntries(view.settings(), view.steps(), view.replayLimit()), encode, lang);
  };
  stage.add(view);
  view.start(wasm.Figure);
  const decoded = JSON.parse(wasm.decode_hash(settingsHash(id, host.dataset.settings ?? "", host.dataset.seed), lang));
  notices.push(...decoded.notices, ...view.applyEntries(decoded.entries));
  showEmbedNotices(frame.notice, notices, lang);
  view.updateLink();
  stage.observe(view);
  host.dynamics = view.handle();
  return host.dynamics;
}

/** Mounts every `[data-dynamics-panel]` element now in the document. */
export function mountAll(root = document) {
  return Promise.all(
    [...root.querySelectorAll("[data-dynamics-panel]")].map((host) =>
      mount(host).catch((err) => {
        console.error("A dynamics figure could not start:", err);
        const shadow = host.shadowRoot ?? host.attachShadow({ mode: "open" });
        const lang = (host.dataset.lang ?? "").trim().toLowerCase() === "zh" ? "zh" : "en";
        shadow.replaceChildren(el("p", { text: t(lang, "This live figure could not be loaded: {message}", { message: messageOf(err) }) }));
        return null;
      }),
    ),
  );
}

/** Resolves when every figure present at load has been mounted (the test hook waits for it). */
export const ready =
  document.readyState === "loading"
    ? new Promise((resolve) => document.addEventListener("DOMContentLoaded", () => resolve(mountAll()), { once: true }))
    : mountAll();
