// Loads the wasm module of a language once per document, relative to this file's own URL (so that a script embed
// served from another origin finds it), and reads the panel registry.
//
// There are two modules with the same exports (scripts/build.mjs): the English page's, `pkg/dynamics_bg.wasm`,
// built without the crate's `zh` feature so that it carries no Chinese text, and the Chinese page's,
// `pkg/dynamics_zh_bg.wasm`, with both languages. Each has its own copy of wasm-bindgen's glue, so a host page
// with embeds in both languages runs both side by side.

import { langOf } from "./i18n.js";

/** Per language: the glue module's URL and the wasm module's, relative to this file. */
const MODULES = {
  en: { glue: "../pkg/dynamics.js", wasm: "../pkg/dynamics_bg.wasm" },
  zh: { glue: "../pkg/dynamics_zh.js", wasm: "../pkg/dynamics_zh_bg.wasm" },
};

/** Per language: the promise of its initialised glue module. */
const loading = new Map();

/** Per language: the initialised glue module, once ready. */
const ready = new Map();

const registries = new Map();

/**
 * The panel registry with its words in `lang` ("en" or "zh"), read once per language. Its module must have been
 * loaded by `loadWasm(lang)` first.
 */
export function panelsIn(lang = "en") {
  const edition = langOf(lang);
  if (!registries.has(edition)) {
    const wasm = ready.get(edition);
    if (!wasm) throw new Error(`the ${edition} wasm module is not loaded yet`);
    const parsed = JSON.parse(wasm.panels_json(edition));
    registries.set(edition, Array.isArray(parsed) ? parsed : parsed.panels);
  }
  return registries.get(edition);
}

/** Imports and initialises the module of `edition`, checking that it has that language's wording. */
async function load(edition) {
  const urls = MODULES[edition];
  const wasm = await import(urls.glue);
  await wasm.default({ module_or_path: new URL(urls.wasm, import.meta.url) });
  const langs = wasm.languages().split(",");
  if (!langs.includes(edition)) throw new Error(`the ${edition} wasm module has no ${edition} wording (it has ${langs})`);
  ready.set(edition, wasm);
  return wasm;
}

/**
 * Resolves to `{ wasm, panels }` once the module of `lang` is ready, `panels` with its words in `lang`; every
 * caller asking for the same language shares the one instance.
 */
export async function loadWasm(lang = "en") {
  const edition = langOf(lang);
  if (!loading.has(edition)) loading.set(edition, load(edition));
  const wasm = await loading.get(edition);
  return { wasm, panels: panelsIn(edition) };
}
