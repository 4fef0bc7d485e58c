// Unit tests of www/links.js: links, snippets, URL options and file names (pure functions, no browser).

import assert from "node:assert/strict";
import { test } from "node:test";
import {
  embedUrl,
  escapeAttr,
  figureLink,
  fileName,
  iframeSnippet,
  isAnchorHash,
  linkEntries,
  parseEmbedQuery,
  pngSize,
  scriptSnippet,
  settingsHash,
} from "../../www/links.js";

/** A stand-in for the wasm `encode_hash`: the same format for plain values (percent-encoding aside). */
const encode = (flat) => {
  const parts = [];
  for (let i = 0; i + 2 < flat.length; i += 3) parts.push(`${flat[i]}.${flat[i + 1]}=${encodeURIComponent(flat[i + 2])}`);
  return parts.length ? `#${parts.join("&")}` : "";
};
const SITE = "https://example.org/sims/";

test("plain anchors are told apart from settings", () => {
  for (const h of ["#topk", "#main", "topk", "#lion-embedding"]) assert.equal(isAnchorHash(h), true, h);
  for (const h of ["", "#", "#topk.k=3", "#a.b=1&c.d=2", "#simsiam-toy.alpha", "#x=1"])
    assert.equal(isAnchorHash(h), false, h);
  // An id with a dot is an anchor when the page has it.
  assert.equal(isAnchorHash("#fig.1", (id) => id === "fig.1"), true);
  assert.equal(isAnchorHash("#%E2%9C%93", (id) => id === "✓"), true);
  assert.equal(isAnchorHash("#%E2%9C", () => false), true, "malformed escapes must not throw");
});

test("a link always carries the step, once, after the settings", () => {
  assert.deepEqual(linkEntries([["alpha", "4"], ["seed", "7"]], 300), [
    ["alpha", "4"],
    ["seed", "7"],
    ["step", "300"],
  ]);
  assert.deepEqual(linkEntries([["step", "5"]], 0), [["step", "0"]]);
  // A moment past the replay limit cannot be reopened: the link leaves the step out (and opens at the start).
  assert.deepEqual(linkEntries([["alpha", "4"]], 50_000, 50_000), [["alpha", "4"], ["step", "50000"]]);
  assert.deepEqual(linkEntries([["alpha", "4"], ["step", "9"]], 50_001, 50_000), [["alpha", "4"]]);
  assert.equal(
    figureLink(SITE, "simsiam-toy", linkEntries([["alpha", "4"]], 12), encode),
    "https://example.org/sims/index.html#simsiam-toy.alpha=4&simsiam-toy.step=12",
  );
});

test("embed URLs leave default options out and keep the hash", () => {
  const entries = [["mode", "full"], ["step", "3"]];
  assert.equal(
    embedUrl(SITE, "simsiam-toy", entries, encode),
    "https://example.org/sims/embed.html?panel=simsiam-toy#simsiam-toy.mode=full&simsiam-toy.step=3",
  );
  assert.equal(
    embedUrl(SITE, "topk", [], encode, { theme: "dark", controls: "closed", autoplay: false }),
    "https://example.org/sims/embed.html?panel=topk&theme=dark&autoplay=false",
  );
});

test("the iframe snippet is valid markup with a title, a fitting height and the host script", () => {
  const text = iframeSnippet({
    site: SITE,
    panel: "simsiam-toy",
    title: 'SimSiam "toy" <φ, θ>',
    entries: [["alpha", "4"], ["step", "9"]],
    encode,
    height: 612.2,
  });
  const [frame, comment, script] = text.split("\n");
  assert.match(frame, /^<iframe src="[^"]+" title="[^"]+" width="100%" height="613" style="border:0;width:100%" loading="lazy"><\/iframe>$/);
  assert.ok(frame.includes("embed.html?panel=simsiam-toy#simsiam-toy.alpha=4&amp;simsiam-toy.step=9"), frame);
  assert.ok(frame.includes("title=\"SimSiam &quot;toy&quot; &lt;φ, θ&gt; (live figure)\""), frame);
  assert.match(comment, /^<!--.*-->$/);
  assert.equal(script, '<script src="https://example.org/sims/www/embed-host.js" async></script>');
});

test("the script snippet puts the seed in data-seed and the rest in data-settings", () => {
  const text = scriptSnippet({
    site: SITE,
    panel: "topk",
    entries: [["scores", "3,-2,1e-3"], ["method", "a&b"], ["seed", "7"], ["step", "40"]],
  });
  assert.equal(
    text,
    '<script type="module" src="https://example.org/sims/www/embed.js"></script>\n' +
      '<div data-dynamics-panel="topk" data-settings="scores=3,-2,1e-3&amp;method=a%26b&amp;step=40" data-seed="7"></div>',
  );
  assert.equal(scriptSnippet({ site: SITE, panel: "topk", entries: [] }).split("\n")[1], '<div data-dynamics-panel="topk"></div>');
});

test("script-embed attributes become a hash for the codec", () => {
  assert.equal(settingsHash("topk", "k=3&method=exp", "7"), "#topk.k=3&topk.method=exp&topk.seed=7");
  assert.equal(settingsHash("topk", " k=3 & ", null), "#topk.k=3");
  assert.equal(settingsHash("topk", "", ""), "");
  assert.equal(settingsHash("topk", undefined, " 12 "), "#topk.seed=12");
});

test("embed query options have defaults and say what they ignored", () => {
  const d = parseEmbedQuery("?panel=topk");
  assert.deepEqual(d, { panel: "topk", theme: "auto", controls: "closed", autoplay: true, lang: "en", notices: [] });
  const e = parseEmbedQuery("?panel=%20topk%20&theme=DARK&controls=none&autoplay=false&lang=ZH");
  assert.deepEqual(e, { panel: "topk", theme: "dark", controls: "none", autoplay: false, lang: "zh", notices: [] });
  const g = parseEmbedQuery("?panel=topk&lang=de");
  assert.equal(g.lang, "en");
  assert.match(g.notices[0], /lang=de/);
  const f = parseEmbedQuery("?theme=purple&autoplay=yes");
  assert.equal(f.panel, "");
  assert.equal(f.theme, "auto");
  assert.equal(f.autoplay, true);
  assert.equal(f.notices.length, 2);
  assert.match(f.notices[0], /theme=purple/);
  // The notices of a Chinese embed are worded in Chinese.
  const z = parseEmbedQuery("?panel=topk&lang=zh&theme=purple");
  assert.equal(z.notices.length, 1);
  assert.match(z.notices[0], /^已忽略 theme=purple：应为 auto, light, dark 之一；已改用 auto$/);
});

test("attribute escaping, file names and PNG sizes", () => {
  assert.equal(escapeAttr(`a&"<>'`), "a&amp;&quot;&lt;&gt;'");
  assert.equal(fileName("simsiam-toy", 300, "png"), "simsiam-toy-step300.png");
  assert.equal(fileName("../x y", 0, "csv"), "___x_y-step0.csv");
  assert.deepEqual(pngSize(720, 403, 1), { scale: 2, width: 1440, height: 806 });
  assert.deepEqual(pngSize(360, 470, 3), { scale: 3, width: 1080, height: 1410 });
  assert.deepEqual(pngSize(360, 470, NaN), { scale: 2, width: 720, height: 940 });
  assert.deepEqual(pngSize(100, 100, 9), { scale: 4, width: 400, height: 400 });
});

test("links and snippets copied in Chinese keep the language", () => {
  const site = "https://example.org/dyn/";
  const encode = (flat) => (flat.length ? `#${flat[0]}.${flat[1]}=${flat[2]}` : "");
  assert.equal(figureLink(site, "topk", [["k", "3"]], encode, "zh"), "https://example.org/dyn/zh/index.html#topk.k=3");
  assert.equal(figureLink(site, "topk", [["k", "3"]], encode), "https://example.org/dyn/index.html#topk.k=3");
  const frame = iframeSnippet({ site, panel: "topk", title: "光滑 Top-k", entries: [], encode, height: 500, lang: "zh" });
  assert.match(frame, /embed\.html\?panel=topk&amp;lang=zh"/);
  assert.match(frame, /title="光滑 Top-k（实时图）"/);
  assert.doesNotMatch(iframeSnippet({ site, panel: "topk", title: "T", entries: [], encode, height: 500 }), /lang=/);
  assert.match(scriptSnippet({ site, panel: "topk", entries: [], lang: "zh" }), /data-lang="zh"/);
  assert.doesNotMatch(scriptSnippet({ site, panel: "topk", entries: [] }), /data-lang/);
});
