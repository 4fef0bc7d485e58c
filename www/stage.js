// The stage drives a set of figure views: one animation loop for all of them, size and visibility observers,
// and the colour scheme. The main page, the embed page and the script embeds each create one stage; a view asks
// its stage for frames and tells it about changes through the small interface described in figure.js.

const darkQuery = matchMedia("(prefers-color-scheme: dark)");

export class Stage {
  /**
   * Hooks: `theme` ("auto" | "light" | "dark", or a function of the view returning one), `onChange(view)` when a
   * figure's settings or paused moment change, `onFirstFrame(view)` when a figure first draws.
   */
  constructor({ theme = "auto", onChange = () => {}, onFirstFrame = () => {} } = {}) {
    this.views = [];
    this.theme = theme;
    this.onChange = onChange;
    this.onFirstFrame = onFirstFrame;
    this.reducedMotion = matchMedia("(prefers-reduced-motion: reduce)").matches;
    this.frameRequested = false;
    this.frame = this.frame.bind(this);
    this.resizeObserver = new ResizeObserver((entries) => {
      for (const entry of entries) this.viewOf(entry.target)?.resize(entry.contentRect.width);
    });
    this.visibility = new IntersectionObserver(
      (entries) => {
        for (const entry of entries) {
          const view = this.viewOf(entry.target);
          if (!view) continue;
          view.visible = entry.isIntersecting;
          if (view.visible) {
            view.resetRates(true);
            this.schedule();
          }
        }
      },
      { rootMargin: "64px" },
    );
    const redrawAll = () => {
      for (const view of this.views) view.dirty = true;
      this.schedule();
    };
    darkQuery.addEventListener("change", redrawAll);
    // A change of zoom changes devicePixelRatio and fires a resize event on the window.
    window.addEventListener("resize", redrawAll);
  }

  /** Whether `view` draws in the dark theme. */
  dark(view) {
    const theme = typeof this.theme === "function" ? this.theme(view) : this.theme;
    return theme === "dark" || (theme !== "light" && darkQuery.matches);
  }

  changed(view) {
    this.onChange(view);
  }

  firstFrame(view) {
    this.onFirstFrame(view);
  }

  viewOf(canvas) {
    return this.views.find((v) => v.canvas === canvas);
  }

  /** Adds a view (not yet observed: call `observe` once it is in the document). */
  add(view) {
    this.views.push(view);
    return view;
  }

  /**
   * Starts watching a view's size and visibility. Both are measured once now, so that the first animation frame
   * can already draw; the observers deliver their first reports only after that frame.
   */
  observe(view) {
    const rect = view.canvas.getBoundingClientRect();
    view.visible = rect.bottom > 0 && rect.top < window.innerHeight && rect.width > 0;
    view.resize(rect.width);
    this.resizeObserver.observe(view.canvas);
    this.visibility.observe(view.canvas);
    this.schedule();
  }

  /** Requests an animation frame unless one is already pending. */
  schedule() {
    if (!this.frameRequested) {
      this.frameRequested = true;
      requestAnimationFrame(this.frame);
    }
  }

  frame(now) {
    this.frameRequested = false;
    let again = false;
    for (const view of this.views) again = view.frame(now) || again;
    if (again) this.schedule();
  }
}
