// Chapter 0: the thread's formula one step at a time on the bowl Q(w) = ½λw². The step
// just taken is drawn as its two terms, αΔw and −η∇Q(w), tip to tail on the w axis,
// with their sum Δw below; the table lists the last steps as the chapter's by-hand table.
//
// `compute` mirrors momentum_lib.momentum_step (Δw ← αΔw − η∇Q(w), w ← w + Δw) on
// Quadratic([λ]).gradient (λw); tests/lib/test_interactive.py checks it to 1e-9.
(function () {
  "use strict";
  const F = window.momentumFigures;
  const COLUMNS = ["w", "gradient", "momentum_term", "gradient_term", "delta_w", "new_w"];

  function compute(config, values) {
    let w = config.w0;
    let deltaW = 0;
    const result = { path: [w], deltas: [], gradients: [], momentumTerms: [], gradientTerms: [] };
    for (let step = 0; step < config.steps; step++) {
      const gradient = config.curvature * w;
      const momentumTerm = values.momentum * deltaW;
      const gradientTerm = -values.learning_rate * gradient;
      deltaW = momentumTerm + gradientTerm;
      w = w + deltaW;
      result.gradients.push(gradient);
      result.momentumTerms.push(momentumTerm);
      result.gradientTerms.push(gradientTerm);
      result.deltas.push(deltaW);
      result.path.push(w);
    }
    return result;
  }

  function setUp(root, config, ui) {
    const svg = root.querySelector("svg");
    const sx = F.scale(config.wRange, [56, 540]);
    const sy = F.scale([0, config.top], [185, 12]);
    const loss = (w) => 0.5 * config.curvature * w * w;
    F.axes(svg.querySelector(".mf-axes-layer"), sx, sy, { xLabel: "weight w", yLabel: "loss Q(w)" });
    const grid = [];
    for (let i = 0; i <= 160; i++) grid.push(config.wRange[0] + (i / 160) * (config.wRange[1] - config.wRange[0]));
    svg.querySelector(".formula-curve").setAttribute("d", F.pathData(sx, sy, grid, grid.map(loss)));
    const trail = svg.querySelector(".formula-trail");
    const guides = svg.querySelector(".formula-guides");
    const previous = svg.querySelector(".formula-previous");
    const point = svg.querySelector(".formula-point");
    const layer = svg.querySelector(".formula-arrows");
    const [momentumColour, gradientColour, updateColour] = layer.dataset.colours.split(" ");
    const momentumArrow = F.arrow(layer, momentumColour, 3);
    const gradientArrow = F.arrow(layer, gradientColour, 3);
    const updateArrow = F.arrow(layer, updateColour, 3);
    // Positions far off the drawing stay at its edge (a large η and α can swing wide).
    const x = (w) => Math.max(40, Math.min(556, sx(w)));
    const y = (w) => Math.max(4, sy(loss(w)));

    function go(step) {
      ui.set("step", Math.max(0, Math.min(config.steps, step)));
      ui.update();
    }
    const current = () => ui.values().step;
    root.querySelector("[data-action=forward]").addEventListener("click", () => go(current() + 1));
    root.querySelector("[data-action=back]").addEventListener("click", () => go(current() - 1));
    root.querySelector("[data-action=reset]").addEventListener("click", () => go(0));

    return function draw(values) {
      const run = compute(config, values);
      const t = values.step;
      const shown = run.path.slice(0, t + 1);
      trail.setAttribute("d", F.pathData(sx, sy, shown, shown.map(loss)));
      const w = run.path[t];
      point.setAttribute("cx", x(w).toFixed(1));
      point.setAttribute("cy", y(w).toFixed(1));
      previous.style.display = t > 0 ? "" : "none";
      if (t > 0) {
        const before = run.path[t - 1];
        const middle = before + run.momentumTerms[t - 1];
        previous.setAttribute("cx", x(before).toFixed(1));
        previous.setAttribute("cy", y(before).toFixed(1));
        momentumArrow(x(before), 224, x(middle), 224);
        gradientArrow(x(middle), 237, x(w), 237);
        updateArrow(x(before), 258, x(w), 258);
        guides.setAttribute("d", `M${x(before).toFixed(1)},${y(before).toFixed(1)}V264` +
          `M${x(w).toFixed(1)},${y(w).toFixed(1)}V264`);
      } else {
        [momentumArrow, gradientArrow, updateArrow].forEach((move) => move(0, 0, 0, 0));
        guides.setAttribute("d", "");
      }
      const first = Math.max(1, t - config.rows + 1);
      for (let k = 0; k < config.rows; k++) {
        const s = first + k;
        const row = s <= t ? [run.path[s - 1], run.gradients[s - 1], run.momentumTerms[s - 1],
          run.gradientTerms[s - 1], run.deltas[s - 1], run.path[s]] : null;
        F.show(ui.readouts, `t:${k}`, row ? String(s) : "");
        COLUMNS.forEach((name, i) => F.show(ui.readouts, `${name}:${k}`, row ? F.format(row[i], 4) : ""));
      }
      root.dataset.step = String(t);
    };
  }

  F.register("formula-steps", setUp, compute);
})();
