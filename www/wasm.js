// Loads the wasm module once per document, relative to this file's own URL (so that a script embed served from
// another origin finds it), and reads the panel registry.

import init, * as wasm from "../pkg/dynamics.js";

let loading = null;

/** Resolves to `{ wasm, panels }` once the module is ready; every caller shares the one instance. */
export function loadWasm() {
  loading ??= init({ module_or_path: new URL("../pkg/dynamics_bg.wasm", import.meta.url) }).then(() => {
    const parsed = JSON.parse(wasm.panels_json());
    return { wasm, panels: Array.isArray(parsed) ? parsed : parsed.panels };
  });
  return loading;
}
