// The shell's own words (buttons, notices, the share menu, readout headings) in English and Chinese. Pure: no
// DOM, no wasm (unit-tested with node). Words that come from the panels (labels, help, presets, claims, metric
// labels) are translated in Rust and arrive through `panels_json(lang)`; see ARCHITECTURE.md, "Languages".
//
// A string is written once, in English, where it is used: `t(lang, "Step {n}", { n })`. The English text is the
// key of the Chinese table below; `{name}` placeholders are filled from `vars` in either language.
// tests/unit/i18n.test.mjs fails when a `t(...)` call in www/ has no Chinese entry, or an entry is unused.

/** The languages the shell speaks; the first is the default. */
export const LANGS = ["en", "zh"];

/** The language of a code (`zh`, `zh-CN`, `en-GB`, ...): "zh" for any Chinese, "en" otherwise. */
export function langOf(code) {
  return /^zh(?:[-_]|$)/i.test(String(code ?? "").trim()) ? "zh" : "en";
}

/** Chinese wording of every English string the shell shows, keyed by the English text. */
export const ZH = {
  // The figure: status, transport, options.
  "This figure stopped after an internal error.": "此图因内部错误而停止。",
  "This figure cannot be shown.": "此图无法显示。",
  "{error}. Reload the page to restart it.": "{error}。重新加载页面即可重启。",
  "{title}. Clicking the figure changes its settings.": "{title}。点击图可以改变它的设置。",
  "Play": "播放",
  "Pause": "暂停",
  "Step 1": "单步",
  "Step {n}": "前进 {n} 步",
  "Reset": "重置",
  "auto": "自动",
  "Steps/frame": "每帧步数",
  "{n} (capped: {m})": "{n}（受时限：{m}）",
  "Seed": "随机种子",
  "Settled at step {step}.": "已在第 {step} 步稳定。",
  "{step} (replaying to {to})": "{step}（正在重放到第 {to} 步）",
  "{step} (setting up: {pct} %)": "{step}（正在初始化：{pct}%）",
  "{step} (step {next}: {pct} %)": "{step}（第 {next} 步：{pct}%）",
  "The seed must be a whole number from 0 to {max}; it stays {seed}.": "随机种子须为 0 到 {max} 的整数；仍为 {seed}。",
  "Diverged at step {step}: the state became infinite or NaN.": "第 {step} 步发散：状态变成了无穷大或 NaN。",
  // Readouts.
  "Readouts": "读数",
  "Metric": "指标",
  "Value": "数值",
  "Predicted": "预测",
  "Gap": "偏差",
  "step": "步数",
  "steps/s": "步/秒",
  "ms/frame": "毫秒/帧",
  "yes": "是",
  "no": "否",
  // Presets and claims.
  "Presets": "预设",
  "Try:": "试试：",
  "Watch for: {watch}": "留意：{watch}",
  "✓ shown at step {step}": "✓ 已在第 {step} 步出现",
  "Shown at step {step}: {watch}": "已在第 {step} 步出现：{watch}",
  // Settings.
  "More settings ({n})": "更多设置（{n}）",
  "Settings": "设置",
  "{min_len}–{max_len} numbers in [{min}, {max}], comma-separated": "{min_len}–{max_len} 个 [{min}, {max}] 内的数，以逗号分隔",
  // The share menu.
  "Share": "分享",
  "Share and export: {title}": "分享与导出：{title}",
  "Copy link": "复制链接",
  "Copy embed code": "复制嵌入代码",
  "Copy script embed": "复制脚本嵌入代码",
  "Download PNG": "下载 PNG",
  "Download PNG ({width} × {height})": "下载 PNG（{width} × {height}）",
  "Download SVG": "下载 SVG",
  "Download CSV": "下载 CSV",
  "link": "链接",
  "embed code": "嵌入代码",
  "script embed": "脚本嵌入代码",
  "That did not work: {message}": "操作失败：{message}",
  "The figure was paused at step {step} to copy it.": "为了复制，图已在第 {step} 步暂停。",
  "Step {step} is past the {limit} steps a link replays, so the {what} opens at the start.":
    "第 {step} 步超过了链接能重放的 {limit} 步，所以这个{what}会从头开始。",
  "Copied the {what} to the clipboard.": "已把{what}复制到剪贴板。",
  "Copy this {what} (it is selected; press Ctrl+C or ⌘C):": "请复制这段{what}（已选中；按 Ctrl+C 或 ⌘C）：",
  "Close": "关闭",
  "Downloaded a PNG of {width} × {height} pixels.": "已下载 {width} × {height} 像素的 PNG。",
  "Downloaded the SVG.": "已下载 SVG。",
  "Downloaded the metrics history ({rows} rows).": "已下载指标历史（{rows} 行）。",
  "{title} (live figure)": "{title}（实时图）",
  "Optional: lets the figure set its own height.": "可选：让图自己设定高度。",
  // Notices of the page and the embeds.
  "Some settings in the link were changed or ignored:": "链接中的部分设置已被更改或忽略：",
  "Some settings of this figure were changed or ignored:": "此图的部分设置已被更改或忽略：",
  "Dismiss": "关闭",
  "Dismiss this notice": "关闭此提示",
  "The link's settings could not be read: {message}": "无法读取链接中的设置：{message}",
  "{panel}: this figure is not on this page, so its settings were ignored.": "{panel}：本页没有这张图，其设置已忽略。",
  "The simulations could not be loaded: {message}": "无法加载模拟：{message}",
  "The simulation could not be loaded: {message}": "无法加载模拟：{message}",
  "This live figure could not be loaded: {message}": "无法加载这张实时图：{message}",
  "the panel \"{id}\" appears twice on this page; only its first figure is live":
    "图 “{id}” 在本页出现了两次；只有第一个是实时的",
  "There is no figure called \"{id}\". Known figures: {known}.": "没有名为 “{id}” 的图。已有的图：{known}。",
  "No figure was named: add ?panel=<figure id> to the address.": "没有指定图：请在地址后加上 ?panel=<图的 id>。",
  "{panel}: this embed shows only {id}, so its settings were ignored.": "{panel}：此嵌入只显示 {id}，其设置已忽略。",
  "{panel}.{key}: {message}": "{panel}.{key}：{message}",
  "{panel}.step={step}: the run diverged at step {at}, so it stops at step {reached}":
    "{panel}.step={step}：运行在第 {at} 步发散，因此停在第 {reached} 步",
  "{panel}.step={step}: opened at step {reached}": "{panel}.step={step}：已打开在第 {reached} 步",
  "ignored {name}={value}: expected {values}; using {fallback}": "已忽略 {name}={value}：应为 {values} 之一；已改用 {fallback}",
  "ignored data-{name}=\"{value}\": expected {values}": "已忽略 data-{name}=\"{value}\"：应为 {values} 之一",
  "Open in the explorer": "在探索页中打开",
  "{title} · live figure": "{title} · 实时图",
};

/**
 * The wording of `en` in `lang`, with `{name}` placeholders filled from `vars`. A string missing from the table
 * falls back to English (the unit test makes that a failure before it ships).
 */
export function t(lang, en, vars = {}) {
  const text = lang === "zh" ? (ZH[en] ?? en) : en;
  return text.replace(/\{(\w+)\}/g, (whole, name) => (name in vars ? String(vars[name]) : whole));
}
