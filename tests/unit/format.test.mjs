// Unit tests of www/format.js and www/scales.js: readout formatting and slider scales (pure, no browser).

import assert from "node:assert/strict";
import { test } from "node:test";
import { clean, defaultText, formatNumber, formatValue, round3, withUnit } from "../../www/format.js";
import { SLIDER_POSITIONS, fitsSlider, sliderScale } from "../../www/scales.js";

test("numbers print compactly and exactly where it matters", () => {
  assert.equal(formatNumber(12345), "12345");
  assert.equal(formatNumber(0.30000000000000004), "0.3");
  assert.equal(formatNumber(1e-7), "1.000e-7");
  assert.equal(formatNumber(2.5e6), "2500000");
  assert.equal(formatNumber(2500000.5), "2.500e+6");
  assert.equal(formatNumber(-0.123456), "-0.1235");
  assert.equal(formatNumber(Infinity), "Infinity");
  assert.equal(formatValue(null), "–");
  assert.equal(formatValue(true), "yes");
  assert.equal(formatValue([1, 0.5, null]), "[1, 0.5, –]");
  assert.equal(round3(0.123456), 0.123);
  assert.equal(clean(0.1 + 0.2), 0.3);
  assert.equal(withUnit("3", "%"), "3%");
  assert.equal(withUnit("3", "steps"), "3 steps");
  assert.equal(withUnit("3", ""), "3");
  assert.equal(defaultText({ default: [3, -2, 1] }), "3,-2,1");
  assert.equal(defaultText({ default: false }), "false");
});

test("log sliders span their range evenly in log and round to three digits", () => {
  const row = { kind: "float", min: 1e-4, max: 1, scale: "log", step: 0 };
  const s = sliderScale(row);
  assert.equal(s.positions, SLIDER_POSITIONS);
  assert.equal(s.toValue(0), 1e-4);
  assert.equal(s.toValue(SLIDER_POSITIONS), 1);
  assert.equal(s.toValue(SLIDER_POSITIONS / 2), 0.01);
  for (const v of [1e-4, 3e-3, 0.05, 1]) {
    const back = s.toValue(s.toPos(v));
    assert.ok(Math.abs(Math.log(back / v)) < 0.01, `${v} -> ${back}`);
  }
});

test("stepped linear sliders land on the steps, fine ones snap near zero", () => {
  const stepped = sliderScale({ kind: "float", min: -1, max: 1, scale: "linear", step: 0.1 });
  assert.equal(stepped.positions, 20);
  assert.equal(stepped.toValue(13), 0.3);
  assert.equal(stepped.toPos(0.3), 13);
  const fine = sliderScale({ kind: "float", min: -1, max: 2, scale: "linear", step: 0 });
  assert.equal(fine.toValue(fine.toPos(0)), 0);
  assert.equal(fine.toValue(0), -1);
  assert.equal(fine.toValue(SLIDER_POSITIONS), 2);
  const ints = sliderScale({ kind: "int", min: 2, max: 50 });
  assert.equal(ints.positions, 48);
  assert.equal(ints.toValue(ints.toPos(17)), 17);
  assert.equal(fitsSlider({ min: 0, max: 10_000 }), true);
  assert.equal(fitsSlider({ min: 0, max: 100_000 }), false);
});
