// Links, embed snippets, file names and URL options. Pure: no DOM, no wasm (unit-tested with node).
//
// A figure's settings travel as `[key, value]` pairs in canonical text (its non-default parameters, its seed,
// and `step` for a moment in the run). Hashes are encoded by the wasm codec (`encode_hash`), passed in here as
// `encode(flat)` so that these functions stay pure.

import { t } from "./i18n.js";

/** The embed page's query options and their accepted values; the first value is the default. */
export const EMBED_OPTIONS = {
  theme: ["auto", "light", "dark"],
  controls: ["closed", "open", "none"],
  autoplay: ["true", "false"],
  lang: ["en", "zh"],
};

/**
 * Reads the embed page's query string: `panel`, and the options of EMBED_OPTIONS (unknown values fall back to the
 * default with a notice); `lang` is `en` or `zh`. Returns `{ panel, theme, controls, autoplay, lang, notices }`.
 */
export function parseEmbedQuery(search) {
  const q = new URLSearchParams(search);
  const out = { panel: (q.get("panel") ?? "").trim(), notices: [] };
  // The notices are worded in the embed's language (English when `lang` itself is not understood).
  const lang = (q.get("lang") ?? "").trim().toLowerCase() === "zh" ? "zh" : "en";
  for (const [name, values] of Object.entries(EMBED_OPTIONS)) {
    const raw = q.get(name);
    const value = raw === null ? values[0] : raw.trim().toLowerCase();
    if (values.includes(value)) out[name] = value;
    else {
      out[name] = values[0];
      const words = { name, value: raw.slice(0, 40), values: values.join(", "), fallback: values[0] };
      out.notices.push(t(lang, "ignored {name}={value}: expected {values}; using {fallback}", words));
    }
  }
  out.autoplay = out.autoplay === "true";
  return out;
}

/**
 * Whether a URL hash is a plain anchor (`#topk`, `#main`) rather than settings: it has no `=`, and it either names
 * an element of the page (`hasId`) or has no `.` (a settings entry always has the form `panel.key=value`).
 * The empty hash is not an anchor: it means "all defaults".
 */
export function isAnchorHash(hash, hasId = () => false) {
  const h = hash.startsWith("#") ? hash.slice(1) : hash;
  if (h === "" || h.includes("=")) return false;
  let id = h;
  try {
    id = decodeURIComponent(h);
  } catch {
    // Malformed escapes: judge the raw text.
  }
  return hasId(id) || !h.includes(".");
}

/** The flat `[panel, key, value, ...]` list of one figure's entries, as `encode_hash` takes it. */
export function flatEntries(panel, entries) {
  return entries.flatMap(([key, value]) => [panel, key, value]);
}

/**
 * A figure's entries for a link: its settings, then `step` (a copied link holds the moment) when the step is at
 * most `limit`, the panel's replay limit; a later moment cannot be reopened, so such a link opens at the start.
 */
export function linkEntries(settings, step, limit = Infinity) {
  const rest = settings.filter(([key]) => key !== "step");
  return step <= limit ? [...rest, ["step", String(step)]] : rest;
}

/** The page of an edition, relative to the site: `index.html`, or `zh/index.html` for the Chinese edition. */
export function editionPage(lang) {
  return lang === "zh" ? "zh/index.html" : "index.html";
}

/**
 * The address of the edition in `lang` showing one figure at these entries (the page scrolls to the figure it
 * names).
 */
export function figureLink(site, panel, entries, encode, lang = "en") {
  return `${new URL(editionPage(lang), site).href}${encode(flatEntries(panel, entries))}`;
}

/** The embed page's address for one figure; default options are left out. */
export function embedUrl(site, panel, entries, encode, options = {}) {
  const query = new URLSearchParams({ panel });
  for (const [name, values] of Object.entries(EMBED_OPTIONS)) {
    const value = options[name] === undefined ? undefined : String(options[name]);
    if (value !== undefined && value !== values[0]) query.set(name, value);
  }
  return `${new URL("embed.html", site).href}?${query}${encode(flatEntries(panel, entries))}`;
}

/** Escapes text for an HTML attribute value in double quotes. */
export function escapeAttr(text) {
  return String(text).replace(/&/g, "&amp;").replace(/"/g, "&quot;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/**
 * The iframe snippet (with a title for screen readers and a fitting height) and the optional host-script line;
 * in `lang` "zh" the embed shows the Chinese figure (`lang=zh`) and the snippet's words are Chinese.
 */
export function iframeSnippet({ site, panel, title, entries, encode, height, options, lang = "en" }) {
  const src = embedUrl(site, panel, entries, encode, { ...options, lang });
  const h = Math.max(100, Math.ceil(height));
  const label = t(lang, "{title} (live figure)", { title });
  const frame =
    `<iframe src="${escapeAttr(src)}" title="${escapeAttr(label)}" width="100%" ` +
    `height="${h}" style="border:0;width:100%" loading="lazy"></iframe>`;
  const host = `<script src="${escapeAttr(new URL("www/embed-host.js", site).href)}" async></script>`;
  return `${frame}\n<!-- ${t(lang, "Optional: lets the figure set its own height.")} -->\n${host}`;
}

/** The script snippet: the module script (once per page) and the element it mounts the figure into. */
export function scriptSnippet({ site, panel, entries, lang = "en" }) {
  const seed = entries.find(([key]) => key === "seed");
  const rest = entries.filter(([key]) => key !== "seed");
  const settings = rest.map(([key, value]) => `${key}=${encodeURIComponent(value).replace(/%2C/gi, ",")}`).join("&");
  const attrs = [`data-dynamics-panel="${escapeAttr(panel)}"`];
  if (settings) attrs.push(`data-settings="${escapeAttr(settings)}"`);
  if (seed) attrs.push(`data-seed="${escapeAttr(seed[1])}"`);
  if (lang === "zh") attrs.push('data-lang="zh"');
  const script = `<script type="module" src="${escapeAttr(new URL("www/embed.js", site).href)}"></script>`;
  return `${script}\n<div ${attrs.join(" ")}></div>`;
}

/**
 * The hash text of a script embed's attributes: `data-settings="key=value&..."` (values may be
 * percent-encoded) and `data-seed="S"` become `#panel.key=value&...&panel.seed=S`, for `decode_hash`.
 */
export function settingsHash(panel, settings = "", seed = null) {
  const parts = [];
  for (const part of settings.split("&")) {
    const trimmed = part.trim();
    if (trimmed) parts.push(`${panel}.${trimmed}`);
  }
  if (seed !== null && seed !== undefined && String(seed).trim() !== "") {
    parts.push(`${panel}.seed=${encodeURIComponent(String(seed).trim())}`);
  }
  return parts.length ? `#${parts.join("&")}` : "";
}

/** A download's file name: the panel, the step and the extension. */
export function fileName(panel, step, ext) {
  return `${panel.replace(/[^\w-]/g, "_")}-step${step}.${ext}`;
}

/** The pixel size of a PNG export: at least twice the CSS size, or the device pixel ratio when higher. */
export function pngSize(cssWidth, cssHeight, dpr = 1) {
  const scale = Math.min(4, Math.max(2, Number.isFinite(dpr) ? dpr : 1));
  return { scale, width: Math.round(cssWidth * scale), height: Math.round(cssHeight * scale) };
}
