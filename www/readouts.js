// How a figure's readouts are laid out, from the panel's metric table (`metrics_info` in `panels_json()`). Pure:
// no DOM, no wasm (unit-tested with node). The figure view turns the plan into tables.
//
// A metric that is another metric's prediction is not listed on its own: it fills the "predicted" column of the
// row it predicts, beside the gap. Groups whose metrics carry the same labels (one group per scheme, say) become
// one matrix with a row per group and a column per label, so that many metrics stay readable.

import { formatNumber, formatValue } from "./format.js";

/** A metric's entry, falling back to its raw name when the panel has no table. */
function infoOf(meta) {
  const byKey = new Map((meta.metrics_info ?? []).map((m) => [m.key, m]));
  return meta.metrics.map(
    (key) => byKey.get(key) ?? { key, label: key.replace(/_/g, " "), unit: "", group: "", prediction: null },
  );
}

/**
 * The readout plan: `{ rows: [{group, items: [{key, label, unit, prediction}]}], matrix: null | {groups, labels,
 * cells: [[key | null]]}, predicted: bool }`. `rows` keeps the panel's order of first appearance of each group.
 */
export function readoutPlan(meta) {
  const info = infoOf(meta);
  const predictions = new Set(info.map((m) => m.prediction).filter(Boolean));
  const groups = new Map();
  for (const m of info) {
    if (predictions.has(m.key)) continue;
    if (!groups.has(m.group)) groups.set(m.group, []);
    groups.get(m.group).push(m);
  }
  // Groups of two or more metrics with identical label lists, at least two such groups: one matrix.
  const signature = (items) => items.map((m) => `${m.label}\u0000${m.unit}`).join("\u0001");
  const bySignature = new Map();
  for (const [group, items] of groups) {
    if (items.length < 2 || items.some((m) => m.prediction)) continue;
    const sig = signature(items);
    if (!bySignature.has(sig)) bySignature.set(sig, []);
    bySignature.get(sig).push(group);
  }
  let matrix = null;
  for (const [, names] of bySignature) {
    if (names.length >= 2 && (!matrix || names.length > matrix.groups.length)) {
      const first = groups.get(names[0]);
      matrix = {
        groups: names,
        labels: first.map((m) => ({ label: m.label, unit: m.unit })),
        cells: names.map((g) => groups.get(g).map((m) => m.key)),
      };
    }
  }
  const rows = [];
  for (const [group, items] of groups) {
    if (matrix?.groups.includes(group)) continue;
    rows.push({ group, items: items.map(({ key, label, unit, prediction }) => ({ key, label, unit, prediction })) });
  }
  return { rows, matrix, predicted: rows.some((r) => r.items.some((m) => m.prediction)) };
}

/**
 * The gap between a value and its prediction as text: the signed difference of two numbers, the largest absolute
 * difference of two lists of the same length, "–" otherwise.
 */
export function formatGap(value, prediction) {
  if (typeof value === "number" && typeof prediction === "number") {
    const d = value - prediction;
    if (!Number.isFinite(d)) return "–";
    const text = formatNumber(Math.abs(d) <= 1e-12 * Math.max(1, Math.abs(prediction)) ? 0 : d);
    return d > 0 && !text.startsWith("+") ? `+${text}` : text;
  }
  if (Array.isArray(value) && Array.isArray(prediction) && value.length === prediction.length && value.length) {
    let worst = 0;
    for (let i = 0; i < value.length; i++) {
      if (typeof value[i] !== "number" || typeof prediction[i] !== "number") return "–";
      worst = Math.max(worst, Math.abs(value[i] - prediction[i]));
    }
    return `max ${formatNumber(worst)}`;
  }
  return "–";
}

/**
 * The text of one readout cell: the formatted value and its unit (nothing for a missing value); yes/no in `lang`.
 * A text value that the panel's metric table words (`values`, from `metrics_info`, already in `lang`) is shown in
 * those words: the value itself (`"per-step"`) is API and stays as it is in JSON and CSV.
 */
export function formatReadout(value, unit, lang = "en", values = undefined) {
  const worded = typeof value === "string" && values && Object.hasOwn(values, value);
  const text = worded ? values[value] : formatValue(value, lang);
  if (text === "–" || !unit) return text;
  return /^[^\p{L}\p{N}]$/u.test(unit) ? `${text}${unit}` : `${text} ${unit}`;
}
