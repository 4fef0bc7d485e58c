// Auto-height for iframe embeds. Include it once in a page that embeds figures with <iframe src=".../embed.html?...">:
//   <script src="<site>/www/embed-host.js" async></script>
// It resizes every iframe whose src is an embed.html of the same origin as this script, whenever that frame posts
// {type: "dynamics:resize", panel, height}. Messages are accepted only from that origin and only from the window of
// such an iframe. No dependencies; it touches nothing else on the page.
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script || !script.src) return;
  var origin = new URL(script.src).origin;

  /** Whether an iframe shows an embed page of our origin. */
  function isEmbed(frame) {
    try {
      var url = new URL(frame.src, document.baseURI);
      return url.origin === origin && /\/embed\.html$/.test(url.pathname);
    } catch (e) {
      return false;
    }
  }

  function embeds() {
    return Array.prototype.filter.call(document.getElementsByTagName("iframe"), isEmbed);
  }

  window.addEventListener("message", function (event) {
    if (event.origin !== origin) return;
    var data = event.data;
    if (!data || data.type !== "dynamics:resize") return;
    var height = Number(data.height);
    if (!isFinite(height) || height <= 0 || height > 100000) return;
    var frames = embeds();
    for (var i = 0; i < frames.length; i++) {
      if (frames[i].contentWindow === event.source) {
        frames[i].style.height = Math.ceil(height) + "px";
        return;
      }
    }
  });

  /** Asks one embed for its height, once its own page has loaded (never the blank page before it). */
  function hello(frame) {
    try {
      // Readable only while the frame still shows the host's own blank page: not loaded yet.
      if (frame.contentWindow.location.href === "about:blank") return;
    } catch (e) {
      // Cross-origin: the embed page has loaded.
    }
    frame.contentWindow.postMessage({ type: "dynamics:hello" }, origin);
  }

  // Frames that posted their height before this script ran are asked again; later ones post on their own.
  var frames = embeds();
  for (var i = 0; i < frames.length; i++) {
    if (frames[i].contentWindow) hello(frames[i]);
    frames[i].addEventListener("load", hello.bind(null, frames[i]));
  }
})();
