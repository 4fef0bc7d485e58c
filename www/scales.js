// The mapping between slider positions and parameter values. Pure (unit-tested with node).

import { clean, round3 } from "./format.js";

/** Positions of a slider whose parameter has no natural step (log scales and fine linear ones). */
export const SLIDER_POSITIONS = 1000;

/** Whether an int parameter's range is narrow enough for a slider (otherwise it gets a number box). */
export function fitsSlider(row) {
  return row.max - row.min <= 10 * SLIDER_POSITIONS;
}

/**
 * The mapping between slider positions `0..positions` and values of a float or int parameter: `toValue(p)` and
 * `toPos(v)`. Log-scale floats are spaced evenly in log(value); slider-made values are rounded to three
 * significant digits (or to the parameter's step) so that they stay short in a link.
 */
export function sliderScale(row) {
  const { min, max } = row;
  const clamp = (v) => Math.min(max, Math.max(min, v));
  if (row.kind === "int") {
    return { positions: max - min, toValue: (p) => min + p, toPos: (v) => Math.round(v - min) };
  }
  if (row.scale === "log" && min > 0) {
    const lo = Math.log(min);
    const span = Math.log(max) - lo;
    return {
      positions: SLIDER_POSITIONS,
      toValue: (p) => clamp(round3(Math.exp(lo + (p / SLIDER_POSITIONS) * span))),
      toPos: (v) => Math.round(((Math.log(Math.max(v, min)) - lo) / span) * SLIDER_POSITIONS),
    };
  }
  const count = row.step > 0 ? Math.round((max - min) / row.step) : 0;
  if (count > 0 && count <= 10 * SLIDER_POSITIONS) {
    return {
      positions: count,
      toValue: (p) => clamp(clean(min + p * row.step)),
      toPos: (v) => Math.round((v - min) / row.step),
    };
  }
  const tiny = (max - min) / SLIDER_POSITIONS / 2;
  return {
    positions: SLIDER_POSITIONS,
    toValue: (p) => {
      const v = round3(min + (p / SLIDER_POSITIONS) * (max - min));
      return clamp(Math.abs(v) < tiny ? 0 : v);
    },
    toPos: (v) => Math.round(((v - min) / (max - min)) * SLIDER_POSITIONS),
  };
}
