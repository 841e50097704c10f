// Scrolling regions a keyboard can reach (WCAG 2.1.1; axe-core's scrollable-region-focusable):
// a display formula or a block of code or output wider than its column scrolls sideways, and
// gets tabindex="0" so that the Tab key can focus it and the arrow keys scroll it. Checked
// when the page is ready, when the window is resized and when a fold opens
// (book/_ext/accessible_markup.py adds this script to every page).
"use strict";
(() => {
  const SCROLLING = "mjx-container[display='true'], div.highlight pre, div.output pre";

  function markScrolling() {
    for (const element of document.querySelectorAll(SCROLLING)) {
      if (element.scrollWidth > element.clientWidth) {
        if (!element.hasAttribute("tabindex")) element.tabIndex = 0;
      } else if (element.getAttribute("tabindex") === "0") {
        element.removeAttribute("tabindex");
      }
    }
  }

  document.addEventListener("DOMContentLoaded", markScrolling);
  window.addEventListener("resize", markScrolling);
  document.addEventListener("toggle", markScrolling, true);
})();
