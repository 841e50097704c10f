// Scrolling regions a keyboard can reach (WCAG 2.1.1; axe-core's scrollable-region-focusable):
// a formula (displayed, or inline and wider than its line) or a block of code or output wider
// than its column scrolls sideways, and gets tabindex="0" so that the Tab key can focus it and
// the arrow keys scroll it. Checked when the page is ready, when the window is resized, when
// a fold opens, and when a section laid out only near the screen (content-visibility: auto,
// book/_ext/page_speed.py), or a heavy block of one, is laid out: measuring its elements
// before would lay it out at once, the work it saves. Such a section also gets then the
// theme's own tab stops (pydata-sphinx-theme's addTabStopsToScrollableElements, which
// page_speed.py makes skip those sections) (book/_ext/accessible_markup.py adds this script
// to every page).
"use strict";
(() => {
  const SCROLLING = "mjx-container[display='true'], div.highlight pre, div.output pre";
  const THEME_SCROLLING = [
    "pre",
    ".nboutput > .output_area",
    ".cell_output > .output",
    ".jp-RenderedHTMLCommon",
    ".pst-scrollable-table-container",
  ].join(", ");

  // An inline formula wider than its line (a worked step on a phone): the theme's
  // span.math is a box of at most the line's width that hides what overflows, which cut
  // off the end of a formula, its result. Such a formula scrolls sideways instead
  // (momentum.css: .math-scrolls) and gets its tab stop; the others keep the theme's box.
  function markWideFormulas(root) {
    for (const span of root.querySelectorAll("span.math")) {
      const math = span.querySelector("mjx-math");
      if (!math || !span.checkVisibility({ contentVisibilityAuto: true })) continue;
      const wide = math.getBoundingClientRect().width > span.clientWidth + 1;
      span.classList.toggle("math-scrolls", wide);
      if (wide && !span.hasAttribute("tabindex")) span.tabIndex = 0;
      else if (!wide && span.getAttribute("tabindex") === "0") span.removeAttribute("tabindex");
    }
  }

  // The elements in root that match, and root itself if it does (a block laid out only
  // near the screen may be a block of code or a table's scrolling container).
  function matching(root, selector) {
    const found = [...root.querySelectorAll(selector)];
    if (root.matches?.(selector)) found.unshift(root);
    return found;
  }

  function markScrolling(root) {
    markWideFormulas(root);
    for (const element of matching(root, SCROLLING)) {
      if (!element.checkVisibility({ contentVisibilityAuto: true })) continue;
      if (element.scrollWidth > element.clientWidth) {
        if (!element.hasAttribute("tabindex")) element.tabIndex = 0;
      } else if (element.getAttribute("tabindex") === "0") {
        element.removeAttribute("tabindex");
      }
    }
  }

  function laidOut(section) {
    for (const element of matching(section, THEME_SCROLLING)) {
      const scrolls =
        element.scrollWidth > element.clientWidth ||
        element.scrollHeight > element.clientHeight;
      element.tabIndex = scrolls ? 0 : -1;
    }
    markScrolling(section);
  }

  const markAll = () => markScrolling(document);
  document.addEventListener("DOMContentLoaded", markAll);
  window.addEventListener("resize", markAll);
  document.addEventListener("toggle", markAll, true);
  document.addEventListener(
    "contentvisibilityautostatechange",
    (event) => {
      if (!event.skipped) laidOut(event.target);
    },
    true,
  );
})();
