// Loads the wasm module once per document, relative to this file's own URL (so that a script embed served from
// another origin finds it), and reads the panel registry.

import init, * as wasm from "../pkg/dynamics.js";

let loading = null;

const registries = new Map();

/** The panel registry with its words in `lang` ("en" or "zh"), read once per language. */
export function panelsIn(lang = "en") {
  if (!registries.has(lang)) {
    const parsed = JSON.parse(wasm.panels_json(lang));
    registries.set(lang, Array.isArray(parsed) ? parsed : parsed.panels);
  }
  return registries.get(lang);
}

/**
 * Resolves to `{ wasm, panels }` once the module is ready, `panels` with its words in `lang`; every caller shares
 * the one instance.
 */
export async function loadWasm(lang = "en") {
  loading ??= init({ module_or_path: new URL("../pkg/dynamics_bg.wasm", import.meta.url) });
  await loading;
  return { wasm, panels: panelsIn(lang) };
}
