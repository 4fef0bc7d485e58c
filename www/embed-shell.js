// The frame around a figure in both embed forms (the embed page and the script embed): a notice bar, the figure
// and a footer linking back to the explorer. The main page builds the same frame, hidden, to measure the height
// that an iframe snippet needs.

import { el } from "./dom.js";
import { t } from "./i18n.js";

/** Builds the frame around `figure`, its words in `lang`; returns `{ root, notice, link }`. */
export function embedRoot(figure, lang = "en") {
  const notice = el("div", { class: "notice embed-notice", role: "status", "aria-live": "polite" });
  const link = el("a", {
    class: "explorer-link",
    href: "index.html",
    target: "_blank",
    rel: "noopener",
    text: t(lang, "Open in the explorer"),
  });
  const footer = el("div", { class: "embed-footer" }, link);
  const root = el("div", { class: "embed-root" }, notice, figure, footer);
  return { root, notice, link };
}

/** Shows plain-text notices in an embed's notice bar (textContent only, never HTML), its words in `lang`. */
export function showEmbedNotices(bar, notices, lang = "en") {
  if (!notices.length) {
    bar.replaceChildren();
    return;
  }
  bar.replaceChildren(
    el(
      "div",
      { class: "notice-body" },
      el("span", { class: "notice-title", text: t(lang, "Some settings of this figure were changed or ignored:") }),
      el(
        "ul",
        {},
        notices.map((n) => el("li", { text: n })),
      ),
    ),
    el("button", {
      type: "button",
      text: t(lang, "Dismiss"),
      "aria-label": t(lang, "Dismiss this notice"),
      onclick: () => bar.replaceChildren(),
    }),
  );
}
