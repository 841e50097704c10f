// What the interactive figures of "Momentum, explained" share: scales, axes, paths,
// arrows, pointer positions, and the controls (sliders, choices, switches, buttons)
// with their readouts. Each figure's own script registers a kind with `register`; its
// `setUp(root, config)` returns `draw(values)`, which the controls call at every change.
//
// A page with several figures includes this script several times (each figure carries
// it, so that it also works alone in a notebook): the first copy defines
// window.momentumFigures, the others only mount the figures that are new.
(function () {
  "use strict";
  if (window.momentumFigures) {
    window.momentumFigures.mount();
    return;
  }
  const SVG = "http://www.w3.org/2000/svg";
  const kinds = {};

  // A linear (or log10) map from a data interval to a pixel interval, with its inverse.
  function scale(domain, range, log) {
    const t = log ? Math.log10 : (v) => v;
    const d0 = t(domain[0]);
    const d1 = t(domain[1]);
    const factor = (range[1] - range[0]) / (d1 - d0);
    const map = (v) => range[0] + (t(v) - d0) * factor;
    map.invert = (p) => {
      const v = d0 + (p - range[0]) / factor;
      return log ? 10 ** v : v;
    };
    map.domain = domain;
    map.range = range;
    map.log = Boolean(log);
    return map;
  }

  function element(parent, name, attributes, text) {
    const node = document.createElementNS(SVG, name);
    for (const key in attributes) node.setAttribute(key, attributes[key]);
    if (text !== undefined) node.textContent = text;
    if (parent) parent.appendChild(node);
    return node;
  }

  // SVG path data through the points (xs[i], ys[i]) mapped by the scales; a non-finite
  // point breaks the line, and points far outside the plot are clamped (the line stays
  // drawable whatever a diverging run does).
  function pathData(sx, sy, xs, ys) {
    const limit = (v, range) => {
      const low = Math.min(range[0], range[1]);
      const high = Math.max(range[0], range[1]);
      const span = high - low;
      return Math.max(low - span, Math.min(high + span, v));
    };
    let d = "";
    let pen = "M";
    for (let i = 0; i < xs.length; i++) {
      const x = sx(xs[i]);
      const y = sy(ys[i]);
      if (!isFinite(x) || !isFinite(y)) {
        pen = "M";
        continue;
      }
      d += `${pen}${limit(x, sx.range).toFixed(1)},${limit(y, sy.range).toFixed(1)}`;
      pen = "L";
    }
    return d;
  }

  function niceTicks(low, high, count) {
    const step0 = (high - low) / count;
    const power = 10 ** Math.floor(Math.log10(step0));
    const step = [1, 2, 5, 10].map((m) => m * power).find((s) => s >= step0);
    const ticks = [];
    for (let v = Math.ceil(low / step - 1e-9) * step; v <= high + 1e-9 * step; v += step) {
      ticks.push(Math.abs(v) < step * 1e-9 ? 0 : v);
    }
    return ticks;
  }

  function tickLabel(v, log) {
    if (log) return `1e${Math.round(Math.log10(v))}`;
    return String(Number(v.toPrecision(6)));
  }

  // Axes on the left and at the bottom of the scales' ranges, with ticks and labels. The
  // labels are placed for a text size (11 units, or more where `fit` enlarges a picture's
  // text): tick labels 4 units off the axis, the axes' names beyond them.
  function axes(parent, sx, sy, options) {
    const o = options || {};
    const group = element(parent, "g", { class: "mf-axes", "font-size": TEXT_UNITS, fill: "#222" });
    const left = Math.min(...sx.range);
    const right = Math.max(...sx.range);
    const top = Math.min(...sy.range);
    const bottom = Math.max(...sy.range);
    element(group, "path", { d: `M${left},${top}V${bottom}H${right}`, fill: "none", stroke: "#444" });
    const logTicks = (scaleOf) => {
      const ticks = [];
      const d = scaleOf.domain.map(Math.log10);
      for (let e = Math.ceil(Math.min(...d)); e <= Math.max(...d); e++) ticks.push(10 ** e);
      const every = Math.ceil(ticks.length / 6);
      return ticks.filter((_, i) => i % every === 0);
    };
    const xTicks = o.xTicks || (sx.log ? logTicks(sx) : niceTicks(...[...sx.domain].sort((a, b) => a - b), 5));
    const yTicks = o.yTicks || (sy.log ? logTicks(sy) : niceTicks(...[...sy.domain].sort((a, b) => a - b), 4));
    const xLabels = xTicks.map((v) => {
      const x = sx(v);
      element(group, "path", { d: `M${x.toFixed(1)},${bottom}v4`, stroke: "#444" });
      return element(group, "text", { x: x.toFixed(1), "text-anchor": "middle" }, tickLabel(v, sx.log));
    });
    const yLabels = yTicks.map((v) => {
      const y = sy(v);
      element(group, "path", { d: `M${left},${y.toFixed(1)}h-4`, stroke: "#444" });
      return element(group, "text", { x: left - 6, "data-y": y.toFixed(1), "text-anchor": "end" }, tickLabel(v, sy.log));
    });
    const xName = o.xLabel ? element(group, "text", { x: (left + right) / 2, "text-anchor": "middle" }, o.xLabel) : null;
    const yName = o.yLabel ? element(group, "text", { "text-anchor": "middle" }, o.yLabel) : null;
    group.layout = function (size) {
      xLabels.forEach((t) => t.setAttribute("y", (bottom + 4 + size).toFixed(1)));
      yLabels.forEach((t) => t.setAttribute("y", (Number(t.dataset.y) + size * 4 / TEXT_UNITS).toFixed(1)));
      if (xName) xName.setAttribute("y", (bottom + 8 + 2 * size).toFixed(1));
      if (yName) {
        const widest = Math.min(...yLabels.map((t) => t.getBBox().x).filter(isFinite));
        const x = size > TEXT_UNITS && isFinite(widest) ? Math.min(12, widest - 4 - 0.3 * size) : 12;
        const y = (top + bottom) / 2;
        yName.setAttribute("x", x.toFixed(1));
        yName.setAttribute("y", y);
        yName.setAttribute("transform", `rotate(-90 ${x.toFixed(1)} ${y})`);
      }
    };
    const svg = group.ownerSVGElement;
    group.layout(svg && svg.mfTextUnits ? svg.mfTextUnits : TEXT_UNITS);
    return group;
  }

  // Text a reader can read on a phone. A picture drawn narrower than its viewBox shrinks
  // its text with it (on a 390 px phone, 11 units of a 560-unit picture are 6.5 px): its
  // text is then enlarged to READABLE_PX pixels, size = READABLE_PX · viewBox width /
  // drawn width units, its axes' labels are moved out to fit, and its viewBox grows to
  // hold them. Run at mount and whenever the picture's drawn width changes.
  const TEXT_UNITS = 11;
  const READABLE_PX = 11.5;

  function fit(svg) {
    const width = svg.getBoundingClientRect().width;
    if (!width || width === svg.mfFitWidth) return;
    svg.mfFitWidth = width;
    if (!svg.dataset.viewBox) svg.dataset.viewBox = svg.getAttribute("viewBox");
    const [x0, y0, w0, h0] = svg.dataset.viewBox.split(/[\s,]+/).map(Number);
    let box = [x0, y0, x0 + w0, y0 + h0];
    for (let round = 0; round < 3; round++) {
      const size = Math.max(TEXT_UNITS, READABLE_PX * (box[2] - box[0]) / width);
      svg.mfTextUnits = size;
      svg.classList.toggle("mf-enlarged", size > TEXT_UNITS);
      svg.style.setProperty("--mf-text", `${size.toFixed(2)}px`);
      const axesGroups = Array.from(svg.querySelectorAll(".mf-axes"));
      axesGroups.forEach((group) => group.layout(size));
      box = [x0, y0, x0 + w0, y0 + h0];
      if (size > TEXT_UNITS) {
        const texts = Array.from(svg.querySelectorAll("text")).filter((t) => !t.closest(".mf-axes"));
        [...axesGroups, ...texts].forEach((node) => {
          const b = node.getBBox();
          if (!b.width) return;
          box = [Math.min(box[0], b.x - 2), Math.min(box[1], b.y - 2),
            Math.max(box[2], b.x + b.width + 2), Math.max(box[3], b.y + b.height + 2)];
        });
      }
      svg.setAttribute("viewBox", `${box[0].toFixed(1)} ${box[1].toFixed(1)} ${(box[2] - box[0]).toFixed(1)} ${(box[3] - box[1]).toFixed(1)}`);
    }
  }

  const fitting = typeof ResizeObserver === "undefined" ? null
    : new ResizeObserver((entries) => entries.forEach((entry) => fit(entry.target)));

  // An arrow from (x1, y1) to (x2, y2) in pixels: a line and a filled head. Returns a
  // function that moves it (a zero-length arrow is hidden).
  function arrow(parent, colour, width) {
    const group = element(parent, "g", { stroke: colour, fill: colour, "stroke-width": width || 2 });
    const shaft = element(group, "path", { fill: "none" });
    const head = element(group, "path", { stroke: "none" });
    return function move(x1, y1, x2, y2) {
      const length = Math.hypot(x2 - x1, y2 - y1);
      group.style.display = length < 0.5 || !isFinite(length) ? "none" : "";
      if (group.style.display) return;
      const ux = (x2 - x1) / length;
      const uy = (y2 - y1) / length;
      const size = Math.min(9, length * 0.6);
      const bx = x2 - ux * size;
      const by = y2 - uy * size;
      shaft.setAttribute("d", `M${x1.toFixed(1)},${y1.toFixed(1)}L${bx.toFixed(1)},${by.toFixed(1)}`);
      head.setAttribute("d", `M${x2.toFixed(1)},${y2.toFixed(1)}` +
        `L${(bx - uy * size * 0.45).toFixed(1)},${(by + ux * size * 0.45).toFixed(1)}` +
        `L${(bx + uy * size * 0.45).toFixed(1)},${(by - ux * size * 0.45).toFixed(1)}Z`);
    };
  }

  // The data coordinates under a pointer event on an SVG drawn with the scales sx, sy.
  function pointerData(svg, event, sx, sy) {
    const point = svg.createSVGPoint();
    point.x = event.clientX;
    point.y = event.clientY;
    const local = point.matrixTransform(svg.getScreenCTM().inverse());
    return [sx.invert(local.x), sy.invert(local.y)];
  }

  // A number as the figures show it: `digits` decimals, or scientific notation for very
  // small or large numbers; "—" for a number that does not exist (a diverged run).
  function format(x, digits) {
    const d = digits === undefined ? 4 : digits;
    if (x === null || x === undefined || !isFinite(x)) return "—";
    if (x !== 0 && (Math.abs(x) < 10 ** -Math.min(d, 3) || Math.abs(x) >= 1e5)) {
      return x.toExponential(2);
    }
    return x.toFixed(d);
  }

  // ---- Controls --------------------------------------------------------------------------
  // <input type="range" data-control="name">: a number; data-scale="log" means the slider
  // moves log10 of the value; data-values='[…]' means it moves an index into that list.
  // <select data-control>: a string; <input type="checkbox" data-control>: a boolean.
  // Each control's value is shown in the <output data-show="name"> of the figure.
  function valueOf(input) {
    if (input.type === "checkbox") return input.checked;
    if (input.tagName === "SELECT") return input.value;
    const position = Number(input.value);
    if (input.dataset.values) return JSON.parse(input.dataset.values)[position];
    return input.dataset.scale === "log" ? 10 ** position : position;
  }

  function shownValue(input, value) {
    if (typeof value !== "number") return input.tagName === "SELECT"
      ? input.options[input.selectedIndex].text : "";
    if (input.dataset.values) return String(value);  // a list's own round numbers
    const digits = Number(input.dataset.digits || 2);
    return input.dataset.scale === "log" ? value.toPrecision(digits) : value.toFixed(digits);
  }

  // The position of a slider for a value (the nearest allowed one).
  function positionOf(input, value) {
    if (input.dataset.values) {
      const values = JSON.parse(input.dataset.values);
      let best = 0;
      values.forEach((v, i) => { if (Math.abs(v - value) < Math.abs(values[best] - value)) best = i; });
      return best;
    }
    return input.dataset.scale === "log" ? Math.log10(value) : value;
  }

  function controls(root, draw) {
    const inputs = Array.from(root.querySelectorAll("[data-control]"));
    const byName = {};
    inputs.forEach((input) => { byName[input.dataset.control] = input; });
    const readouts = {};
    root.querySelectorAll("[data-show]").forEach((node) => { readouts[node.dataset.show] = node; });
    const link = root.querySelector("a[data-settings-link]");
    // Buttons that step a slider (<button data-action="back|forward" data-steps="name">)
    // are disabled at its ends: "back" at its first position, "forward" at its last. A
    // button disabled while it has the focus would drop it to the page's start, so the focus
    // moves to the slider it steps (a keyboard user pressing "back" until the start).
    const steppers = Array.from(root.querySelectorAll("button[data-steps]"));

    function values() {
      const result = {};
      inputs.forEach((input) => { result[input.dataset.control] = valueOf(input); });
      return result;
    }

    function update() {
      const current = values();
      inputs.forEach((input) => {
        const text = shownValue(input, current[input.dataset.control]);
        const readout = readouts[input.dataset.control];
        if (readout) readout.textContent = text;
        if (input.type === "range") input.setAttribute("aria-valuetext", text);
      });
      steppers.forEach((button) => {
        const input = byName[button.dataset.steps];
        const position = Number(input.value);
        const focused = document.activeElement === button;
        button.disabled = button.dataset.action === "back"
          ? position <= Number(input.min) : position >= Number(input.max);
        if (button.disabled && focused) input.focus();
      });
      if (link) {
        const query = inputs.map((input) => `${input.dataset.control}=${encodeURIComponent(
          typeof current[input.dataset.control] === "number"
            ? Number(current[input.dataset.control].toPrecision(6)) : current[input.dataset.control])}`);
        link.setAttribute("href", `?${query.join("&")}#${link.dataset.settingsLink}`);
      }
      draw(current);
    }

    function set(name, value) {
      const input = byName[name];
      if (input.type === "checkbox") input.checked = value === true || value === "true";
      else if (input.tagName === "SELECT") input.value = value;
      else input.value = String(positionOf(input, Number(value)));
    }

    // Settings given in the page's address (?momentum=0.9&…), for figures that offer a link.
    if (link) {
      new URLSearchParams(window.location.search).forEach((value, name) => {
        if (byName[name]) set(name, value);
      });
    }
    inputs.forEach((input) => {
      input.addEventListener(input.type === "range" ? "input" : "change", update);
    });
    // Arrow keys belong to the focused control: inside JupyterLab, the notebook's own
    // shortcuts (which listen on the document) must not take them.
    root.addEventListener("keydown", (event) => {
      if (event.target.closest("input, select, button")) event.stopPropagation();
    });
    return { values: values, update: update, set: set, readouts: readouts };
  }

  // Show a readout: each figure names its readouts <… data-show="name">.
  function show(readouts, name, text) {
    const node = readouts[name];
    if (node && node.textContent !== text) node.textContent = text;
  }

  function mount() {
    document.querySelectorAll(".interactive-figure[data-figure]").forEach((root) => {
      const setUp = kinds[root.dataset.figure];
      if (!setUp || root.dataset.ready) return;
      root.dataset.ready = "yes";
      const config = JSON.parse(root.querySelector("script.figure-config").textContent);
      let draw = null;
      const ui = controls(root, (values) => draw(values));
      draw = setUp(root, config, ui);
      root.momentumFigure = { values: ui.values, update: ui.update, set: ui.set, config: config };
      ui.update();
      root.querySelectorAll("svg").forEach((svg) => {
        if (svg.ownerSVGElement) return;  // a picture's clipped plot area: fitted with it
        fit(svg);
        if (fitting) fitting.observe(svg);
      });
    });
  }

  function register(kind, setUp, compute) {
    kinds[kind] = setUp;
    if (compute) window.momentumFigures.compute[kind] = compute;
    mount();
  }

  window.momentumFigures = {
    scale: scale, element: element, pathData: pathData, axes: axes, arrow: arrow,
    pointerData: pointerData, format: format, show: show, register: register, mount: mount,
    compute: {},
  };
})();
