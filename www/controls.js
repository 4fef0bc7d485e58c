// Controls built from a panel's parameter table. Each control renders one parameter row and reports new values
// as text through `onChange(text)`; `show(text, value)` displays the canonical text and JSON value read back from
// the figure. A new kind of parameter needs a new control here and nothing else.

import { el } from "./dom.js";
import { withUnit } from "./format.js";
import { t } from "./i18n.js";
import { fitsSlider, sliderScale } from "./scales.js";

/**
 * The help text of a control (read by screen readers; shown to others as the row's tooltip) and its error line,
 * both attached to `target` through aria-describedby.
 */
function helpAndError(id, row, target) {
  const help = row.help ? el("span", { class: "visually-hidden", id: `${id}-help`, text: row.help }) : null;
  const error = el("span", { class: "error", id: `${id}-error`, "aria-live": "polite" });
  target.setAttribute("aria-describedby", help ? `${id}-help ${id}-error` : `${id}-error`);
  return { help, error };
}

/** A labelled row: the head (label and current value), the input, a help text and an error line. */
function controlShell(id, row, input, { output = true } = {}) {
  const out = output ? el("output", { for: id }) : null;
  const { help, error } = helpAndError(id, row, input);
  const labelText = row.unit && !output ? `${row.label} (${row.unit})` : row.label;
  const node = el(
    "div",
    { class: "ctl", title: row.help || undefined },
    el("div", { class: "ctl-head" }, el("label", { for: id, text: labelText }), out),
    input,
    help,
    error,
  );
  return { node, out, error };
}

/** A slider for a float or int parameter (linear or logarithmic), with its value and unit beside the label. */
function sliderControl(id, row, onChange) {
  const scale = sliderScale(row);
  const input = el("input", { type: "range", id, min: 0, max: scale.positions, step: 1 });
  const shell = controlShell(id, row, input);
  input.addEventListener("input", () => {
    const value = scale.toValue(Number(input.value));
    shell.out.textContent = withUnit(String(value), row.unit);
    onChange(String(value));
  });
  return {
    ...shell,
    inputs: [input],
    show(text, value) {
      if (document.activeElement !== input || Math.abs(scale.toPos(value) - Number(input.value)) > 1) {
        input.value = String(scale.toPos(value));
      }
      input.setAttribute("aria-valuetext", withUnit(text, row.unit));
      shell.out.textContent = withUnit(text, row.unit);
    },
  };
}

/** A number box for an int parameter whose range is too wide for a slider. */
function numberControl(id, row, onChange) {
  const input = el("input", { type: "number", id, min: row.min, max: row.max, step: 1, inputmode: "numeric" });
  const shell = controlShell(id, row, input, { output: false });
  input.addEventListener("change", () => onChange(input.value.trim()));
  return {
    ...shell,
    inputs: [input],
    show(text) {
      input.value = text;
    },
  };
}

/** Radio buttons for a choice parameter with few short names, a select otherwise. */
function choiceControl(id, row, onChange) {
  const short = row.choices.length <= 4 && row.choices.every((c) => c.length <= 12);
  if (!short) {
    const select = el(
      "select",
      { id },
      row.choices.map((c) => el("option", { value: c, text: c })),
    );
    const shell = controlShell(id, row, select, { output: false });
    select.addEventListener("change", () => onChange(select.value));
    return {
      ...shell,
      inputs: [select],
      show(text) {
        select.value = text;
      },
    };
  }
  const radios = row.choices.map((c) => el("input", { type: "radio", name: id, value: c, id: `${id}-${c}` }));
  for (const r of radios) r.addEventListener("change", () => r.checked && onChange(r.value));
  const node = el("fieldset", { class: "ctl", title: row.help || undefined });
  const { help, error } = helpAndError(id, row, node);
  node.append(
    el("legend", { text: row.label }),
    el(
      "div",
      { class: "choices" },
      radios.map((r, i) => el("label", { for: r.id }, r, row.choices[i])),
    ),
    ...[help, error].filter(Boolean),
  );
  return {
    node,
    error,
    inputs: radios,
    show(text) {
      for (const r of radios) r.checked = r.value === text;
    },
  };
}

/** A checkbox for a bool parameter. */
function boolControl(id, row, onChange) {
  const input = el("input", { type: "checkbox", id });
  input.addEventListener("change", () => onChange(input.checked ? "true" : "false"));
  const { help, error } = helpAndError(id, row, input);
  const node = el(
    "div",
    { class: "ctl check", title: row.help || undefined },
    input,
    el("label", { for: id, text: row.label }),
    help,
    error,
  );
  return {
    node,
    error,
    inputs: [input],
    show(text) {
      input.checked = text === "true";
    },
  };
}

/** A text box for a list parameter, applied on Enter or when it loses focus. */
function listControl(id, row, onChange, lang) {
  const input = el("input", {
    type: "text",
    id,
    spellcheck: "false",
    autocomplete: "off",
    placeholder: t(lang, "{min_len}–{max_len} numbers in [{min}, {max}], comma-separated", row),
  });
  const shell = controlShell(id, row, input, { output: false });
  input.addEventListener("change", () => onChange(input.value.replace(/\s+/g, "")));
  return {
    ...shell,
    inputs: [input],
    show(text) {
      if (document.activeElement !== input) input.value = text;
    },
  };
}

/** The control for one parameter row of any kind (its own words in `lang`); its element carries the key as `data-key`. */
export function makeControl(id, row, onChange, lang = "en") {
  let control;
  if (row.kind === "float") control = sliderControl(id, row, onChange);
  else if (row.kind === "int") {
    control = fitsSlider(row) ? sliderControl(id, row, onChange) : numberControl(id, row, onChange);
  } else if (row.kind === "choice") control = choiceControl(id, row, onChange);
  else if (row.kind === "bool") control = boolControl(id, row, onChange);
  else control = listControl(id, row, onChange, lang);
  control.node.dataset.key = row.key;
  return control;
}
