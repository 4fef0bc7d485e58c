// Builds the self-contained static site in dist/:
//   dist/index.html      the top-level index.html with every \( ... \) and \[ ... \] rendered by KaTeX
//   dist/embed.html      the one-figure page for iframe embeds (no formulas)
//   dist/zh/index.html   the Chinese edition, zh/index.html, built the same way
//   dist/www/            the page's JavaScript and CSS
//   dist/pkg/            wasm-bindgen's JS glue and the two wasm modules, shrunk by wasm-opt -Oz --converge: the
//                        English page's (dynamics.js, dynamics_bg.wasm: built without the `zh` feature, so no
//                        Chinese text) and the Chinese page's (dynamics_zh.js, dynamics_zh_bg.wasm: both languages)
//   dist/katex/          KaTeX's stylesheet and fonts (the page needs no math JavaScript), and formulas.css with
//                        the formulas' positioning as classes (no inline styles, for a strict CSP)
// Every URL in the page is relative, so dist/ works from any static host, from a sub-path and offline.

import { createHash } from "node:crypto";
import {
  cpSync,
  existsSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { createRequire } from "node:module";
import { basename, dirname, join } from "node:path";
import { pathToFileURL } from "node:url";
import { gzipSync } from "node:zlib";
import { CARGO_WASM, CRATE, DIST, ROOT, run, say, which } from "./lib.mjs";

const require = createRequire(import.meta.url);

/** Where wasm-bindgen writes its output before wasm-opt. */
const BINDGEN_OUT = join(ROOT, "target", "pkg");

/** Where wasm-opt's results are kept, by their input's SHA-256 (only the current build's entries are kept). */
const WASM_OPT_CACHE = join(ROOT, "target", "wasm-opt-cache");

/**
 * The WebAssembly features that rustc emits for wasm32-unknown-unknown by default (LLVM's "generic" CPU).
 * wasm-opt must be told about them; `--all-features` would let it emit instructions browsers may not have.
 */
const WASM_FEATURES = [
  "--enable-bulk-memory",
  "--enable-bulk-memory-opt",
  "--enable-nontrapping-float-to-int",
  "--enable-sign-ext",
  "--enable-mutable-globals",
  "--enable-multivalue",
  "--enable-reference-types",
  "--enable-call-indirect-overlong",
  "--enable-simd",
];

/**
 * The site's wasm modules, one per edition (www/wasm.js loads the one of the page's language). The English one is
 * built without the crate's `zh` feature, so the Chinese wording of every string is not in it (BENCHMARKS.md,
 * "stop 18, module size"); the Chinese one has both languages. Their exports are the same.
 */
export const MODULES = [
  { lang: "en", name: CRATE, cargo: ["--no-default-features"], what: "English only" },
  { lang: "zh", name: `${CRATE}_zh`, cargo: [], what: "English and Chinese" },
];

/** Compiles the crate to wasm once per module and generates each one's JS bindings. */
function compileWasm() {
  const bindgen = which("wasm-bindgen");
  if (!bindgen) throw new Error("wasm-bindgen was not found: run `node scripts/setup.mjs` first");
  rmSync(BINDGEN_OUT, { recursive: true, force: true });
  for (const m of MODULES) {
    say(`compiling the crate to wasm32 (release, ${m.what})`);
    // `cargo rustc --crate-type cdylib` rather than `cargo build`: the crate's manifest also asks for an rlib (the
    // command line and the tests link it), and a crate compiled as an rlib too must keep its generic
    // instantiations callable from other crates. Compiled as a cdylib alone, everything but the exports is
    // internal, so LLVM inlines the single-use iterator, `Vec` and plotters code into its callers and drops the
    // copies: 11 KB gzipped smaller, the same source and the same exports (BENCHMARKS.md, "stop 21").
    run("cargo", [
      "rustc", "--release", "--target", "wasm32-unknown-unknown", "--lib", "--crate-type", "cdylib", ...m.cargo,
    ]);
    say(`generating the JS bindings of ${m.name}`);
    run(bindgen, ["--target", "web", "--no-typescript", "--out-dir", BINDGEN_OUT, "--out-name", m.name, CARGO_WASM]);
  }
}

/**
 * The number of runs of three or more CJK ideographs (U+4E00 to U+9FFF, UTF-8 E4 B8 80 to E9 BF BF) in the bytes
 * of a module: Chinese text. Three in a row do not occur by chance in code or tables of this size (about one
 * chance in 10^8 per byte), and the Chinese module has thousands.
 */
export function chineseRuns(bytes) {
  let runs = 0;
  let length = 0;
  for (let i = 0; i < bytes.length; ) {
    const b = bytes[i];
    const ideograph =
      b >= 0xe4 && b <= 0xe9 && i + 2 < bytes.length && (bytes[i + 1] & 0xc0) === 0x80 && (bytes[i + 2] & 0xc0) === 0x80
      && (b > 0xe4 || bytes[i + 1] >= 0xb8);
    if (ideograph) {
      length += 1;
      if (length === 3) runs += 1;
      i += 3;
    } else {
      length = 0;
      i += 1;
    }
  }
  return runs;
}

/**
 * Shrinks the wasm module with binaryen's wasm-opt from node_modules (never a system binaryen). The result is
 * cached under target/ by the input's SHA-256, so a rebuild after a JavaScript-only change skips wasm-opt.
 *
 * `-Oz --converge` repeats the size passes until the module stops shrinking (1 KB gzipped smaller than one
 * round, for twice wasm-opt's time). Measured and not used (BENCHMARKS.md, "stop 14, module size"): `-O4` before
 * `-Oz` (larger), `--gufa` (no change) and `--merge-similar-functions` (1 KB smaller, but it turns constants
 * of the models' specialised loops into parameters).
 */
function optimizeWasm(input, output) {
  const digest = createHash("sha256").update(readFileSync(input)).digest("hex");
  const cached = join(WASM_OPT_CACHE, `${digest}.wasm`);
  if (existsSync(cached)) {
    say(`wasm-opt: reusing the cached result for ${basename(output)}`);
  } else {
    const wasmOpt = join(dirname(require.resolve("binaryen/package.json")), "bin", "wasm-opt");
    say(`optimising ${basename(output)} with wasm-opt -Oz --converge`);
    mkdirSync(WASM_OPT_CACHE, { recursive: true });
    run(process.execPath, [wasmOpt, input, "-Oz", "--converge", ...WASM_FEATURES, "-o", `${cached}.tmp`]);
    renameSync(`${cached}.tmp`, cached);
  }
  cpSync(cached, output);
  return `${digest}.wasm`;
}


/** Replaces the few HTML entities that may appear inside TeX in an HTML file by their characters. */
function unescapeHtml(text) {
  return text
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, "&");
}

/**
 * Renders every `\( ... \)` (inline) and `\[ ... \]` (display) math span of an HTML document with KaTeX.
 * Punctuation right after an inline formula stays on the formula's line (inside a `nowrap` span), so that no
 * line starts with the comma or full stop that ends a formula.
 *
 * KaTeX positions glyphs with inline `style` attributes, which a strict Content-Security-Policy
 * (`style-src 'self'`) refuses. Each distinct style is therefore moved into a class of a generated stylesheet
 * (returned as `css`, written to dist/katex/formulas.css): the formulas look exactly as with inline styles and
 * the page needs no `'unsafe-inline'`.
 */
export function renderMath(html, styles = new StyleSheet()) {
  const katex = require("katex");
  let count = 0;
  const out = html.replace(/\\\(([\s\S]+?)\\\)([.,;:!?，。；：！？、]*)|\\\[([\s\S]+?)\\\]/g, (_, inline, punct, display) => {
    count += 1;
    const options = { displayMode: display !== undefined, throwOnError: true, output: "htmlAndMathml" };
    const rendered = styles.hoist(katex.renderToString(unescapeHtml(inline ?? display), options));
    return punct ? `<span class="nowrap">${rendered}${punct}</span>` : rendered;
  });
  return { html: out, count, css: styles.css() };
}

/**
 * Collects inline `style` attributes of generated markup into classes named `ks<n>`, one per distinct style.
 * Every declaration is marked `!important`, which gives it the precedence an inline style has over the
 * stylesheets' ordinary rules (KaTeX's own stylesheet uses `!important` for nothing that formulas set inline).
 */
export class StyleSheet {
  constructor() {
    /** @type {Map<string, string>} style text -> class name */
    this.classes = new Map();
  }

  /** Returns `markup` with every start tag's `style="..."` replaced by a class. */
  hoist(markup) {
    return markup.replace(/<[a-zA-Z][^<>]*>/g, (tag) => {
      const style = tag.match(/\sstyle="([^"]*)"/);
      if (!style) return tag;
      const text = unescapeHtml(style[1]).trim();
      let name = this.classes.get(text);
      if (name === undefined) {
        name = `ks${this.classes.size}`;
        this.classes.set(text, name);
      }
      const bare = tag.replace(style[0], "");
      const cls = bare.match(/\sclass="([^"]*)"/);
      if (cls) return bare.replace(cls[0], ` class="${cls[1]} ${name}"`);
      return bare.replace(/^<([a-zA-Z][\w-]*)/, `<$1 class="${name}"`);
    });
  }

  /** The stylesheet: one rule per distinct style, scoped under `.katex`. */
  css() {
    const rules = [...this.classes].map(([text, name]) => {
      const declarations = text
        .split(";")
        .map((d) => d.trim())
        .filter(Boolean)
        .map((d) => `${d} !important`)
        .join(";");
      return `.katex .${name}{${declarations}}`;
    });
    return `/* Generated by scripts/build.mjs: KaTeX's inline styles as classes, for a strict Content-Security-Policy. */\n${rules.join("\n")}\n`;
  }
}

/**
 * Replaces the `<!-- toc -->` placeholder with a list of links to every `<section id>` and its `<h2>` title, so
 * the contents follow the page as sections are added (and work without JavaScript). The placeholder may name
 * the list for assistive technology in the page's language, as in `<!-- toc 目录 -->`.
 */
export function buildToc(html) {
  const label = html.match(/<!-- toc (.+?) -->/)?.[1] ?? "Contents";
  const items = [...html.matchAll(/<section id="([^"]+)"[^>]*>\s*<h2[^>]*>([\s\S]*?)<\/h2>/g)].map(
    ([, id, title]) => `        <li><a href="#${id}">${title.trim()}</a></li>`,
  );
  const nav = items.length
    ? `<nav class="toc" aria-label="${label}">\n      <ol>\n${items.join("\n")}\n      </ol>\n    </nav>`
    : "";
  return html.replace(/<!-- toc(?: .+?)? -->/, nav);
}

/** Checks that every local `src` and `href` of the built page `page` (a path inside dist/) points at a file. */
function checkLocalLinks(html, page) {
  const missing = [];
  for (const [, url] of html.matchAll(/\s(?:src|href)="([^"]*)"/g)) {
    if (/^(?:[a-z][a-z0-9+.-]*:|#|\/\/)/i.test(url)) continue;
    const path = join(DIST, dirname(page), decodeURIComponent(url.split(/[?#]/)[0]));
    if (!existsSync(path)) missing.push(url);
    if (url.startsWith("/")) missing.push(`${url} (absolute path: use a relative URL)`);
  }
  if (missing.length) throw new Error(`dist/${page} links to missing files: ${missing.join(", ")}`);
}

/**
 * Checks that the built page has no inline `style` attribute, `<style>` element or inline script, which the
 * page's Content-Security-Policy would refuse.
 */
function checkNoInlineStyles(html, page = "index.html") {
  const found = [
    ...html.matchAll(/<[a-zA-Z][^<>]*\sstyle="[^"]*"[^<>]*>|<style[\s>]|<script(?![^>]*\ssrc=)[^>]*>/g),
  ].map((m) => m[0].slice(0, 80));
  if (found.length) throw new Error(`dist/${page} has inline styles or scripts: ${found.slice(0, 3).join(", ")}`);
}

/** The total size in bytes of a directory tree. */
function treeSize(dir) {
  return readdirSync(dir, { recursive: true })
    .map((name) => statSync(join(dir, name)))
    .filter((s) => s.isFile())
    .reduce((sum, s) => sum + s.size, 0);
}

/** Writes dist/ from the wasm-bindgen output, www/, KaTeX and index.html. */
function writeSite() {
  say("writing dist/");
  rmSync(DIST, { recursive: true, force: true });
  mkdirSync(join(DIST, "pkg"), { recursive: true });

  const kept = new Set();
  for (const m of MODULES) {
    cpSync(join(BINDGEN_OUT, `${m.name}.js`), join(DIST, "pkg", `${m.name}.js`));
    kept.add(optimizeWasm(join(BINDGEN_OUT, `${m.name}_bg.wasm`), join(DIST, "pkg", `${m.name}_bg.wasm`)));
  }
  for (const name of readdirSync(WASM_OPT_CACHE)) {
    if (!kept.has(name)) rmSync(join(WASM_OPT_CACHE, name), { recursive: true, force: true });
  }
  // The English module must carry no Chinese text (that is why it exists), and the Chinese one must have it.
  const runs = Object.fromEntries(
    MODULES.map((m) => [m.lang, chineseRuns(readFileSync(join(DIST, "pkg", `${m.name}_bg.wasm`)))]),
  );
  if (runs.en !== 0) throw new Error(`the English wasm module has ${runs.en} runs of Chinese text: it should have none`);
  if (runs.zh < 500) throw new Error(`the Chinese wasm module has only ${runs.zh} runs of Chinese text`);

  cpSync(join(ROOT, "www"), join(DIST, "www"), { recursive: true });

  const katexDist = join(dirname(require.resolve("katex/package.json")), "dist");
  cpSync(join(katexDist, "katex.min.css"), join(DIST, "katex", "katex.min.css"));
  cpSync(join(katexDist, "fonts"), join(DIST, "katex", "fonts"), { recursive: true });

  // Both editions share one stylesheet of hoisted formula styles, so their class names agree.
  let count = 0;
  const styles = new StyleSheet();
  const pages = ["index.html", "zh/index.html"];
  for (const page of pages) {
    const rendered = renderMath(buildToc(readFileSync(join(ROOT, page), "utf8")), styles);
    mkdirSync(dirname(join(DIST, page)), { recursive: true });
    writeFileSync(join(DIST, page), rendered.html);
    checkNoInlineStyles(rendered.html, page);
    count += rendered.count;
  }
  writeFileSync(join(DIST, "katex", "formulas.css"), styles.css());
  for (const page of pages) checkLocalLinks(readFileSync(join(DIST, page), "utf8"), page);
  const embed = readFileSync(join(ROOT, "embed.html"), "utf8");
  writeFileSync(join(DIST, "embed.html"), embed);
  checkNoInlineStyles(embed, "embed.html");
  checkLocalLinks(embed, "embed.html");

  const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
  const sizes = MODULES.map((m) => {
    const wasm = readFileSync(join(DIST, "pkg", `${m.name}_bg.wasm`));
    return `${m.lang} ${kb(wasm.length)} (${kb(gzipSync(wasm, { level: 9 }).length)} gzipped)`;
  });
  say(`dist/ ready: ${count} formulas, wasm ${sizes.join(", ")}, site ${kb(treeSize(DIST))}`);
}

/** Runs the whole build. */
export function build() {
  compileWasm();
  writeSite();
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  try {
    build();
  } catch (err) {
    console.error(`build failed: ${err.message}`);
    process.exit(1);
  }
}
