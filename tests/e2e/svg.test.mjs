// The SVG export laid out as the browser renders it: the runs of a multi-colour title (text elements drawn one
// after another on one baseline, each starting where the previous one ends; found here as consecutive text
// elements on one baseline less than an em apart) must meet without gaps or overlaps
// when the exported SVG is shown in the page, and exporting must not trip the page's content security policy
// (plotters' own text measurement styles a <span> inline, which the policy refuses).

import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { openPage, panelIds, setUp } from "./helpers.mjs";

let env;

before(async () => {
  env = await setUp();
});

after(async () => {
  await env?.close();
});

for (const [width, height] of [
  [722, 405],
  [349, 444],
]) {
  test(`multi-colour titles in the ${width}x${height} SVG export have no gaps`, async () => {
    const { page, context, errors } = await openPage(env);
    const ids = await panelIds(page);
    const report = await page.evaluate(
      ([ids, width, height]) => {
        const out = { runs: 0, bad: [] };
        for (const id of ids) {
          for (const dark of [false, true]) {
            const svg = window.__dyn.figures[id].call("svg", width, height, dark);
            const holder = document.createElement("div");
            // The export is plotters' own SVG text; shown here only to measure how the browser renders it.
            holder.innerHTML = svg;
            document.body.append(holder);
            const elements = [...holder.querySelector("svg").children];
            for (let i = 1; i < elements.length; i++) {
              const [a, b] = [elements[i - 1], elements[i]];
              if (a.tagName !== "text" || b.tagName !== "text") continue;
              const start = (e) => (e.getAttribute("text-anchor") ?? "start") === "start";
              if (!start(a) || !start(b)) continue;
              if (a.hasAttribute("transform") || b.hasAttribute("transform")) continue;
              if (a.getAttribute("y") !== b.getAttribute("y")) continue;
              if (a.getAttribute("font-size") !== b.getAttribute("font-size")) continue;
              const end = Number(a.getAttribute("x")) + a.getComputedTextLength();
              const gap = Number(b.getAttribute("x")) - end;
              // Runs of one line follow each other; labels an em or more apart are separate labels (a legend's
              // entries), and a run must start right of the previous one.
              const em = Number(a.getAttribute("font-size"));
              if (Math.abs(gap) >= em || Number(b.getAttribute("x")) <= Number(a.getAttribute("x"))) continue;
              out.runs += 1;
              if (Math.abs(gap) > 1.5) out.bad.push(`${id}${dark ? " dark" : ""}: '${a.textContent.trim()}' | '${b.textContent.trim()}' gap ${gap.toFixed(1)} px`);
            }
            holder.remove();
          }
        }
        return out;
      },
      [ids, width, height],
    );
    // The figures have multi-colour titles (Dirac-GAN/IGN keys, FlatNCE's loss title): the check must see them.
    assert.ok(report.runs >= 4, `only ${report.runs} text runs found`);
    assert.deepEqual(report.bad, []);
    assert.deepEqual(errors, []);
    await context.close();
  });
}
