// Number and value formatting for readouts, sliders and the hash. Pure: no DOM, no wasm (unit-tested with node).

import { t } from "./i18n.js";

/** Rounds a number to three significant digits, so that slider-made values stay short in the hash. */
export function round3(x) {
  return x === 0 ? 0 : Number(x.toPrecision(3));
}

/** Removes binary rounding noise such as 0.30000000000000004. */
export function clean(x) {
  return Number(x.toPrecision(12));
}

/** A compact text form of a number for the readouts. */
export function formatNumber(x) {
  if (!Number.isFinite(x)) return String(x);
  if (Number.isInteger(x) && Math.abs(x) < 1e9) return String(x);
  const a = Math.abs(x);
  if (a !== 0 && (a < 1e-3 || a >= 1e6)) return x.toExponential(3);
  return String(Number(x.toPrecision(4)));
}

/** A text form of any metric value (number, null, boolean or list); yes/no in `lang`. */
export function formatValue(v, lang = "en") {
  if (v === null || v === undefined) return "–";
  if (typeof v === "boolean") return t(lang, v ? "yes" : "no");
  if (typeof v === "number") return formatNumber(v);
  if (Array.isArray(v)) return `[${v.map((x) => formatValue(x, lang)).join(", ")}]`;
  return String(v);
}

/** A value followed by its unit; single-symbol units such as × or % attach without a space. */
export function withUnit(text, unit) {
  if (!unit) return text;
  return /^[^\p{L}\p{N}]$/u.test(unit) ? `${text}${unit}` : `${text} ${unit}`;
}

/** The canonical text of a parameter's default value, in the shared text syntax. */
export function defaultText(row) {
  if (Array.isArray(row.default)) return row.default.join(",");
  return String(row.default);
}
