// Keeps the link to the other language edition pointing at the same settings.
//
// Each edition has an `<a data-lang-switch href="...">` at the top whose href names the other edition's page
// without a hash. The settings live in the URL hash (`#panel.key=value&...`), which both editions read the same
// way because their panel ids are identical; this module copies the current hash onto the link. The shell
// updates the hash with history.replaceState, which fires no event, so the href is refreshed whenever the link
// is about to be used (pointer, focus, click, context menu) as well as on hashchange.

const links = [...document.querySelectorAll("a[data-lang-switch]")];

/** Sets every switch link's href to its own page plus the current hash. */
function refresh() {
  for (const link of links) {
    const base = link.getAttribute("href").split("#")[0];
    link.setAttribute("href", base + location.hash);
  }
}

for (const link of links) {
  for (const type of ["pointerdown", "focus", "click", "auxclick", "contextmenu", "mouseenter"]) {
    link.addEventListener(type, refresh);
  }
}
window.addEventListener("hashchange", refresh);
window.addEventListener("popstate", refresh);
refresh();
