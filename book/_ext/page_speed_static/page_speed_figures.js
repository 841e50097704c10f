// Interactive figures drawn when they come near the screen (book/_ext/page_speed.py).
// Each figure's own script registers its kind while the page is parsed, and figures.js
// draws every figure of the page at once (momentumFigures.mount): a figure with a few
// thousand points, its text measured to fit the screen, took 0.2 to 0.9 s of a slow
// phone's time while the page was loading. page_speed.py renames each figure's
// data-figure to data-page-speed-figure, which mount() does not look for; this script
// gives it back, and mounts, when the figure comes within half a screen of the window,
// and for every figure before the page is printed.
"use strict";
(() => {
  const waiting = [...document.querySelectorAll("[data-page-speed-figure]")];

  function draw(root) {
    if (!root.dataset.pageSpeedFigure) return;
    root.dataset.figure = root.dataset.pageSpeedFigure;
    delete root.dataset.pageSpeedFigure;
    window.momentumFigures.mount();
  }

  const near = new IntersectionObserver(
    (entries) => {
      for (const entry of entries) {
        if (!entry.isIntersecting) continue;
        near.unobserve(entry.target);
        draw(entry.target);
      }
    },
    { rootMargin: "50% 0px" },
  );
  for (const root of waiting) near.observe(root);
  window.addEventListener("beforeprint", () => waiting.forEach(draw));
})();
