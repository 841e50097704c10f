// Chapter 4: the two terms of each update on a 2-D valley, one step at a time. At the
// start of step t, w_(t−1), three arrows: the momentum term αΔw_(t−1), the gradient term
// −η∇Q(w_(t−1)) from its tip, and their sum Δw_t.
//
// `compute` mirrors momentum_lib.optimizers.minimize on momentum_lib.Quadratic (a valley
// along the axes) operation for operation; tests/lib/test_interactive.py checks it
// against the library to 1e-9.
(function () {
  "use strict";
  const F = window.momentumFigures;

  function run(config, learningRate, alpha) {
    const c = config.curvatures;
    let w = config.w0.slice();
    let deltaW = [0, 0];
    const result = { weights: [w.slice()], gradient_terms: [], momentum_terms: [], updates: [] };
    for (let t = 0; t < config.steps; t++) {
      const momentumTerm = [alpha * deltaW[0], alpha * deltaW[1]];
      const gradientTerm = [-learningRate * (w[0] * c[0]), -learningRate * (w[1] * c[1])];
      deltaW = [momentumTerm[0] + gradientTerm[0], momentumTerm[1] + gradientTerm[1]];
      w = [w[0] + deltaW[0], w[1] + deltaW[1]];
      result.weights.push(w.slice());
      result.gradient_terms.push(gradientTerm);
      result.momentum_terms.push(momentumTerm);
      result.updates.push(deltaW.slice());
    }
    return result;
  }

  function compute(config, values) {
    return {
      gd: run(config, values.learning_rate, 0),
      momentum: run(config, values.learning_rate, values.momentum),
    };
  }

  function loss(config, w) {
    const c = config.curvatures;
    return 0.5 * (c[0] * w[0] * w[0] + c[1] * w[1] * w[1]);
  }

  function setUp(root, config, ui) {
    const svg = root.querySelector("svg.two-terms-map");
    const sx = F.scale(config.view.x, [52, 552]);
    const sy = F.scale(config.view.y, [330, 10]);
    F.axes(svg.querySelector(".mf-axes-layer"), sx, sy, { xLabel: "w[0] (along the floor)", yLabel: "w[1]" });
    const gdPath = svg.querySelector(".two-terms-gd");
    const path = svg.querySelector(".two-terms-path");
    const gdDots = svg.querySelector(".two-terms-gd-dots");
    const dots = svg.querySelector(".two-terms-dots");
    const arrows = svg.querySelector(".two-terms-arrows");
    // The update first, beneath the terms: at step 1 it is the gradient term, drawn on top.
    const updateArrow = F.arrow(arrows, config.colours.update, 2);
    const momentumArrow = F.arrow(arrows, config.colours.momentum, 2.5);
    const gradientArrow = F.arrow(arrows, config.colours.gradient, 2.5);

    function go(step) {
      ui.set("step", Math.max(1, Math.min(config.steps, step)));
      ui.update();
    }
    const current = () => ui.values().step;
    root.querySelector("[data-action=forward]").addEventListener("click", () => go(current() + 1));
    root.querySelector("[data-action=back]").addEventListener("click", () => go(current() - 1));
    root.querySelector("[data-action=reset]").addEventListener("click", () => go(1));

    function dotsOf(group, points) {
      while (group.childNodes.length > points.length) group.removeChild(group.lastChild);
      while (group.childNodes.length < points.length) F.element(group, "circle", { r: 2.5 });
      points.forEach((w, i) => {
        group.childNodes[i].setAttribute("cx", sx(w[0]).toFixed(1));
        group.childNodes[i].setAttribute("cy", sy(w[1]).toFixed(1));
      });
    }

    return function draw(values) {
      const t = values.step;
      const result = compute(config, values);
      const gd = result.gd.weights.slice(0, t);
      const ours = result.momentum.weights.slice(0, t);
      gdPath.setAttribute("d", F.pathData(sx, sy, gd.map((w) => w[0]), gd.map((w) => w[1])));
      path.setAttribute("d", F.pathData(sx, sy, ours.map((w) => w[0]), ours.map((w) => w[1])));
      dotsOf(gdDots, gd);
      dotsOf(dots, ours);
      const w = ours[t - 1];
      const m = result.momentum.momentum_terms[t - 1];
      const g = result.momentum.gradient_terms[t - 1];
      const d = result.momentum.updates[t - 1];
      momentumArrow(sx(w[0]), sy(w[1]), sx(w[0] + m[0]), sy(w[1] + m[1]));
      gradientArrow(sx(w[0] + m[0]), sy(w[1] + m[1]), sx(w[0] + m[0] + g[0]), sy(w[1] + m[1] + g[1]));
      updateArrow(sx(w[0]), sy(w[1]), sx(w[0] + d[0]), sy(w[1] + d[1]));
      [["start", w], ["momentum_term", m], ["gradient_term", g], ["update", d]].forEach(([name, v]) => {
        F.show(ui.readouts, `${name}:0`, F.format(v[0]));
        F.show(ui.readouts, `${name}:1`, F.format(v[1]));
      });
      F.show(ui.readouts, "loss:momentum", F.format(loss(config, w)));
      F.show(ui.readouts, "loss:gd", F.format(loss(config, gd[t - 1])));
      root.dataset.step = String(t);
    };
  }

  F.register("two-terms", setUp, compute);
})();
