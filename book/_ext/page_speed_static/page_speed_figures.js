// Interactive figures drawn when they come near the screen (book/_ext/page_speed.py).
// Each figure's own script registers its kind while the page is parsed, and figures.js
// draws every figure of the page at once (momentumFigures.mount): a figure with a few
// thousand points, its text measured to fit the screen, took 0.2 to 0.9 s of a slow
// phone's time while the page was loading. page_speed.py renames each figure's
// data-figure to data-page-speed-figure, which mount() does not look for; this script
// gives it back, and mounts, when the figure comes within half a screen of the window,
// and for every figure before the page is printed.
//
// A figure's large data (its configuration script) is not in the page: page_speed.py
// moved it to a file, named by the script's data-page-speed-src. It is fetched once the
// page has loaded and the browser is idle, or when the figure comes near the screen if
// that is sooner; printing before it has arrived reads it at once (a synchronous request:
// the page is printed as it is when "beforeprint" returns).
"use strict";
(() => {
  const waiting = [...document.querySelectorAll("[data-page-speed-figure]")];
  const fetched = new Map(); // the data's URL: the promise of its text

  function source(root) {
    return root.querySelector("script.figure-config[data-page-speed-src]");
  }

  function fetchData(script) {
    const url = script.dataset.pageSpeedSrc;
    if (!fetched.has(url)) {
      fetched.set(
        url,
        fetch(url).then((response) => {
          if (!response.ok) throw new Error(`${url}: ${response.status}`);
          return response.text();
        }),
      );
    }
    return fetched.get(url);
  }

  function mount(root, data) {
    if (!root.dataset.pageSpeedFigure) return; // drawn already (printed while fetching)
    const script = source(root);
    if (script) {
      script.textContent = data;
      script.removeAttribute("data-page-speed-src");
    }
    root.dataset.figure = root.dataset.pageSpeedFigure;
    delete root.dataset.pageSpeedFigure;
    window.momentumFigures.mount();
  }

  async function draw(root) {
    if (!root.dataset.pageSpeedFigure || root.dataset.pageSpeedDrawing) return;
    root.dataset.pageSpeedDrawing = "";
    const script = source(root);
    mount(root, script ? await fetchData(script) : null);
  }

  function drawNow(root) {
    if (!root.dataset.pageSpeedFigure) return;
    const script = source(root);
    let data = null;
    if (script) {
      const request = new XMLHttpRequest();
      request.open("GET", script.dataset.pageSpeedSrc, false);
      request.send();
      data = request.responseText;
    }
    mount(root, data);
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
  window.addEventListener("load", () => {
    const prefetch = () => waiting.map(source).filter(Boolean).forEach(fetchData);
    if (window.requestIdleCallback) requestIdleCallback(prefetch, { timeout: 2000 });
    else setTimeout(prefetch, 1);
  });
  window.addEventListener("beforeprint", () => waiting.forEach(drawNow));
})();
