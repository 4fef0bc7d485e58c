// A seeded browser fuzz of the page's inputs (issue 17 item 5): a few hundred random URL hashes and edited fields,
// bounded in time, after which there must be no console error, no stopped or frozen figure, and no "NaN" or
// "undefined" shown in a readout, a control or the figure's bar.

import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { openPage, setUp } from "./helpers.mjs";

let env;

before(async () => {
  env = await setUp();
});

after(async () => {
  await env?.close();
});

/** Iterations and the wall-clock bound of the run (whichever ends first; the count reached is asserted). */
const ITERATIONS = 300;
const TIME_LIMIT_MS = 90_000;

test("random hashes and edited fields leave every figure working and show no NaN", async () => {
  const { page, context, errors } = await openPage(env, { width: 1280, height: 800 });
  const done = await page.evaluate(
    async ({ iterations, limit }) => {
      // mulberry32: a small seeded generator, so that a failure can be replayed.
      let a = 0x5eed1234;
      const rand = () => {
        a = (a + 0x6d2b79f5) | 0;
        let t = Math.imul(a ^ (a >>> 15), 1 | a);
        t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
        return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
      };
      const pick = (xs) => xs[Math.floor(rand() * xs.length)];
      const nextFrame = () => new Promise((r) => requestAnimationFrame(() => r()));
      const panels = window.__dyn.panels;
      const junk = ["", "-1", "1e20", "-1e308", "1.5", "abc", "NaN", "Infinity", "0x10", "1,2", "5", ",,", "%", "%zz",
        "<b>x</b>", "true", "1e-400", "9007199254740993", "  3 ", "\u00e9", "1;2"];
      const value = (row) => {
        if (!row || rand() < 0.3) return pick(junk);
        if (row.kind === "choice") return pick(row.choices);
        if (row.kind === "bool") return pick(["true", "false"]);
        if (row.kind === "list") return Array.from({ length: Math.floor(rand() * 6) }, () => (rand() * 4 - 2).toFixed(2)).join(",");
        const span = row.max - row.min;
        return String(row.min - 0.2 * span + rand() * 1.4 * span);
      };
      const randomHash = () => {
        const parts = [];
        const n = 1 + Math.floor(rand() * 4);
        for (let i = 0; i < n; i++) {
          const p = rand() < 0.9 ? pick(panels) : { id: "no-such-panel", params: [] };
          const r = rand();
          if (r < 0.1) parts.push(`${p.id}.seed=${pick(["-1", "1.5", "4294967296", "7", "abc"])}`);
          else if (r < 0.2) parts.push(`${p.id}.step=${pick(["-5", "100", "1e9", "x", "40"])}`);
          else if (r < 0.25) parts.push(`${p.id}.bogus=1`);
          else {
            const row = pick(p.params);
            parts.push(`${p.id}.${row?.key ?? "k"}=${encodeURIComponent(value(row))}`);
          }
        }
        return `#${parts.join(rand() < 0.9 ? "&" : "&&")}`;
      };
      const editField = () => {
        const inputs = [...document.querySelectorAll(".figure input, .figure select")].filter((e) => !e.disabled);
        const input = pick(inputs);
        const row = panels.flatMap((p) => p.params).find((r) => input.closest(`[data-key="${r.key}"]`));
        if (input.type === "checkbox") input.checked = !input.checked;
        else if (input.type === "radio") input.checked = true;
        else if (input.tagName === "SELECT") input.value = pick([...input.options]).value;
        else if (input.type === "range") input.value = String(Math.floor(rand() * (Number(input.max) + 1)));
        else input.value = value(row);
        input.dispatchEvent(new Event("input", { bubbles: true }));
        input.dispatchEvent(new Event("change", { bubbles: true }));
      };
      const start = performance.now();
      let i = 0;
      for (; i < iterations && performance.now() - start < limit; i++) {
        if (rand() < 0.4) {
          window.__dyn.applyHash(randomHash());
        } else editField();
        if (i % 10 === 0) await nextFrame();
      }
      await nextFrame();
      await nextFrame();
      return i;
    },
    { iterations: ITERATIONS, limit: TIME_LIMIT_MS },
  );
  assert.ok(done >= 200, `only ${done} inputs were tried within the time limit`);

  // No figure stopped, and every figure still steps and draws when asked.
  const states = await page.evaluate(async () => {
    const out = [];
    for (const [id, h] of Object.entries(window.__dyn.figures)) {
      const s0 = h.state();
      h.view.reset();
      h.view.stepBy(3);
      await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
      const s1 = h.state();
      out.push({ id, failed: s1.failed, error: s1.error, diverged: s1.diverged, steps: s1.steps, frames: [s0.frames, s1.frames] });
    }
    return out;
  });
  for (const s of states) {
    assert.equal(s.failed, false, `${s.id} stopped: ${s.error}`);
    if (s.diverged === null) assert.ok(s.steps === 3, `${s.id} did not step (steps ${s.steps})`);
  }
  // Every visible figure redraws: play one on screen and watch its frame count.
  const shown = await page.evaluate(async () => {
    const h = window.__dyn.figures["simsiam-toy"];
    h.view.el.scrollIntoView();
    h.view.reset();
    h.view.setPlaying(true);
    const f0 = h.state().frames;
    for (let k = 0; k < 10; k++) await new Promise((r) => requestAnimationFrame(r));
    return h.state().frames - f0;
  });
  assert.ok(shown > 0, "the figure on screen no longer draws");

  const shownText = await page.evaluate(() => {
    const parts = [...document.querySelectorAll(".fig-readouts, .fig-params, .fig-bar, .fig-title")];
    const texts = parts.map((e) => e.innerText);
    for (const input of document.querySelectorAll(".figure input[type=text], .figure input[type=number]"))
      texts.push(input.value);
    return texts.join("\n");
  });
  assert.doesNotMatch(shownText, /\bNaN\b/);
  assert.doesNotMatch(shownText, /\bundefined\b/);
  assert.deepEqual(errors, []);
  await context.close();
});
