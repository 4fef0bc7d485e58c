// Fuzzing the page: a couple of hundred random links (valid, out-of-range and malformed values, unknown keys, repeated
// keys, bad seeds, junk) applied through the URL hash, and eighty random edits of the figures' fields. After
// each, nothing may reach the console, no figure may fail or freeze, and no readout or notice may show NaN,
// "undefined" or a raw object. Inputs come from a seeded generator, so a failure names a reproducible case.

import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { frames, openPage, setUp } from "./helpers.mjs";

const HASHES = 200;
const EDITS = 80;

let env;

before(async () => {
  env = await setUp();
});

after(async () => {
  await env?.close();
});

/** A small seeded generator (mulberry32), so that every run feeds the same cases. */
function generator(seed) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n) => Math.floor(next() * n);
  const pick = (list) => list[int(list.length)];
  return { next, int, pick };
}

const JUNK = ["", "abc", "NaN", "nan", "inf", "-inf", "1e999", "-1e999", "1e-400", "0x10", " 1", "1 ", "--1", "1,,2",
  ",", "%zz", "%00", "%E2%80%AE", "\u0000", "🙂", "true", "null", "undefined", "[object Object]", "9".repeat(400)];
const BAD_SEEDS = ["-1", "1e20", "1.5", "4294967296", "18446744073709551616", "+3", "-0", "0", "4294967295", "abc", ""];

/** A value text for a parameter row: valid, at an end, outside the range, or junk. */
function valueFor(rng, row) {
  const r = rng.next();
  if (r < 0.15) return rng.pick(JUNK);
  switch (row.kind) {
    case "float":
    case "int": {
      const span = row.max - row.min;
      let x = row.min + span * rng.next();
      if (r < 0.3) x = rng.pick([row.min, row.max]);
      else if (r < 0.5) x = row.max + span * (1 + 10 * rng.next());
      else if (r < 0.6) x = row.min - span * rng.next();
      return row.kind === "int" ? String(Math.round(x)) : String(x);
    }
    case "choice":
      return r < 0.8 ? rng.pick(row.choices) : "no-such-choice";
    case "bool":
      return rng.pick(["true", "false", "yes", "1"]);
    case "list": {
      const n = rng.int(r < 0.3 ? 3 : 40);
      const lo = row.min ?? -10;
      const hi = row.max ?? 10;
      return Array.from({ length: n }, () => String(lo + (hi - lo) * (rng.next() * 1.4 - 0.2))).join(",");
    }
    default:
      return rng.pick(JUNK);
  }
}

/** A random link: one to six entries, some repeated, some for unknown figures or keys, some seeds. */
function randomHash(rng, panels) {
  const parts = [];
  const n = 1 + rng.int(6);
  for (let i = 0; i < n; i++) {
    const p = rng.pick(panels);
    const r = rng.next();
    if (r < 0.1) parts.push(rng.pick(["", "=", "x", "nope.k=1", `${p.id}.`, `${p.id}.zzz=1`, "a=b=c", "%ff.x=1"]));
    else if (r < 0.25) parts.push(`${p.id}.seed=${encodeURIComponent(rng.pick(BAD_SEEDS))}`);
    else if (p.params.length) {
      const row = rng.pick(p.params);
      const v = encodeURIComponent(valueFor(rng, row));
      parts.push(`${p.id}.${row.key}=${v}`);
      if (rng.next() < 0.1) parts.push(`${p.id}.${row.key}=${encodeURIComponent(valueFor(rng, row))}`);
    }
  }
  return `#${parts.join("&")}`;
}

/** Problems visible on the page: failed figures, and readouts or notices that show NaN or other non-values. */
function pageProblems(page) {
  return page.evaluate(() => {
    const problems = [];
    const bad = /\bNaN\b|undefined|\[object /;
    for (const [id, f] of Object.entries(window.__dyn.figures)) {
      const s = f.state();
      if (s.failed) problems.push(`${id} failed: ${s.error}`);
      const root = document.querySelector(`[data-panel="${id}"]`);
      for (const dd of root.querySelectorAll("[data-readout]")) {
        if (bad.test(dd.textContent)) problems.push(`${id} readout ${dd.dataset.readout}: ${dd.textContent}`);
      }
      for (const msg of root.querySelectorAll(".error, [role=alert], [aria-live]")) {
        if (bad.test(msg.textContent)) problems.push(`${id} message: ${msg.textContent}`);
      }
    }
    const notice = document.getElementById("notice")?.textContent ?? "";
    if (bad.test(notice)) problems.push(`notice: ${notice.slice(0, 200)}`);
    return problems;
  });
}

/** Whether the figure in view still advances: it steps unless paused, diverged or finished. */
async function frozen(page, id) {
  await page.locator(`[data-panel="${id}"] canvas`).scrollIntoViewIfNeeded();
  await frames(page, 3);
  const before = await page.evaluate((id) => window.__dyn.figures[id].state(), id);
  await frames(page, 6);
  const after = await page.evaluate((id) => window.__dyn.figures[id].state(), id);
  const running = before.playing && after.playing && before.diverged === null && after.diverged === null;
  return running && after.steps === before.steps && after.frames === before.frames;
}

async function panelsOf(page) {
  return page.evaluate(async () => {
    const glue = await import(new URL("pkg/dynamics.js", document.baseURI).href);
    const ids = new Set(Object.keys(window.__dyn.figures));
    return JSON.parse(glue.panels_json()).filter((p) => ids.has(p.id));
  });
}

test("random links never break the page", async () => {
  const { page, context, errors } = await openPage(env);
  const panels = await panelsOf(page);
  const rng = generator(17);
  for (let i = 0; i < HASHES; i++) {
    const hash = randomHash(rng, panels);
    await page.evaluate((h) => {
      location.hash = h;
    }, hash);
    await frames(page, 2);
    assert.deepEqual(errors, [], `after link ${i}: ${hash}`);
    assert.deepEqual(await pageProblems(page), [], `after link ${i}: ${hash}`);
    if (i % 10 === 0) {
      const id = rng.pick(panels).id;
      assert.equal(await frozen(page, id), false, `${id} froze after link ${i}: ${hash}`);
    }
  }
  // Control: the probe does see a NaN when one is shown.
  await page.evaluate(() => {
    const dd = document.createElement("dd");
    dd.dataset.readout = "control";
    dd.textContent = "NaN";
    document.querySelector("[data-panel]").append(dd);
  });
  assert.deepEqual(await pageProblems(page), [`${panels[0].id} readout control: NaN`]);
  await context.close();
});

test("random edits of the figures' fields never break the page", async () => {
  const { page, context, errors } = await openPage(env);
  const panels = await panelsOf(page);
  const rng = generator(4242);
  for (let i = 0; i < EDITS; i++) {
    const p = rng.pick(panels);
    const fields = page.locator(`[data-panel="${p.id}"] input[type=number], [data-panel="${p.id}"] input[type=text]`);
    const count = await fields.count();
    if (count === 0) continue;
    const field = fields.nth(rng.int(count));
    const name = (await field.getAttribute("id")) ?? "?";
    const row = p.params.find((r) => name.endsWith(`-${r.key}`));
    const text = name.endsWith("-seed") || !row ? rng.pick([...BAD_SEEDS, String(rng.int(1000))]) : valueFor(rng, row);
    await field.scrollIntoViewIfNeeded();
    // Number inputs accept only what parses as a number; anything else reaches the page as an empty value.
    await field.evaluate((el, text) => {
      el.value = text;
      el.dispatchEvent(new Event("input", { bubbles: true }));
      el.dispatchEvent(new Event("change", { bubbles: true }));
    }, text);
    await frames(page, 2);
    const what = `edit ${i}: ${p.id} ${name} = ${JSON.stringify(text).slice(0, 80)}`;
    assert.deepEqual(errors, [], what);
    assert.deepEqual(await pageProblems(page), [], what);
    if (i % 10 === 0) assert.equal(await frozen(page, p.id), false, `${p.id} froze after ${what}`);
  }
  await context.close();
});
