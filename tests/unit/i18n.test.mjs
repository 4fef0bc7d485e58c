// The shell's Chinese table covers every string the shell shows, and nothing else.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, readdirSync } from "node:fs";
import { ZH, langOf, t } from "../../www/i18n.js";

const dir = new URL("../../www/", import.meta.url);
const sources = readdirSync(dir)
  .filter((f) => f.endsWith(".js") && f !== "i18n.js")
  .map((f) => [f, readFileSync(new URL(f, dir), "utf8")]);

/** Whether some source holds `text` as a string literal (in any quotes, with quotes inside escaped). */
function quoted(text) {
  const forms = [`"${text.replace(/"/g, '\\"')}"`, `'${text.replace(/'/g, "\\'")}'`, `\`${text}\``];
  return sources.some(([, src]) => forms.some((f) => src.includes(f)));
}

test("every t(lang, literal) call of the shell has a Chinese entry", () => {
  const missing = [];
  let calls = 0;
  for (const [file, src] of sources) {
    // The first literal argument after the language: t(lang, "…"), t(this.lang, '…'), t(view.lang, "…").
    for (const m of src.matchAll(/\bt\(\s*[\w.]+\s*,\s*(?:"((?:[^"\\]|\\.)*)"|'((?:[^'\\]|\\.)*)')/g)) {
      calls += 1;
      const key = (m[1] ?? m[2]).replace(/\\(.)/g, "$1");
      if (!(key in ZH)) missing.push(`${file}: ${key}`);
    }
  }
  assert.ok(calls > 40, `found only ${calls} t() calls: the scan is broken`);
  assert.deepEqual(missing, []);
});

test("words passed to t() through variables are in the table too", () => {
  // Button labels built by helpers and the `what` of the share menu reach t() as variables.
  for (const key of ["Play", "Pause", "Metric", "Value", "Predicted", "Gap", "Copy link", "Download SVG", "link", "embed code", "script embed"]) {
    assert.ok(key in ZH, key);
  }
});

test("every entry is used by some source, has Chinese wording and the same placeholders", () => {
  for (const [en, zh] of Object.entries(ZH)) {
    assert.ok(quoted(en), `unused entry: ${en}`);
    assert.ok(/[\u3000-\u9fff\uff00-\uffef]/.test(zh), `no Chinese in the wording of: ${en}`);
    const names = (s) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
    assert.deepEqual(names(zh), names(en), `placeholders differ: ${en}`);
  }
});

test("t fills placeholders, falls back to English, and langOf reads codes", () => {
  assert.equal(t("zh", "Step {n}", { n: 20 }), "前进 20 步");
  assert.equal(t("en", "Step {n}", { n: 20 }), "Step 20");
  assert.equal(t("zh", "no such string"), "no such string");
  assert.equal(langOf("zh-CN"), "zh");
  assert.equal(langOf("zh"), "zh");
  assert.equal(langOf("en"), "en");
  assert.equal(langOf("zhx"), "en");
  assert.equal(langOf(undefined), "en");
});
