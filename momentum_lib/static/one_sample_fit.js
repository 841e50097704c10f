// Chapter 5: one weight, one sample with target 0, so that Q(w) is w² (MSE), |w| (MAE) or
// Huber's loss. Gradient descent with momentum from w₀: MAE's gradient keeps its size
// however close the weight is, and the weight never settles; Huber's fades, and it does.
//
// `compute` mirrors momentum_lib.minimize on linear_regression([[1]], [0], loss).gradient
// (2w, sign(w) or clip(w, −δ, δ)); tests/lib/test_interactive.py checks it to 1e-9.
(function () {
  "use strict";
  const F = window.momentumFigures;

  const GRADIENTS = {
    MSE: (w) => 2.0 * w,
    MAE: (w) => Math.sign(w),
    Huber: (w, delta) => Math.max(-delta, Math.min(delta, w)),
  };

  function compute(config, values) {
    const gradient = GRADIENTS[values.loss];
    let w = config.w0;
    let deltaW = 0;
    const path = [w];
    for (let step = 0; step < config.steps; step++) {
      const momentumTerm = values.momentum * deltaW;
      const gradientTerm = -values.learning_rate * gradient(w, config.delta);
      deltaW = momentumTerm + gradientTerm;
      w = w + deltaW;
      if (!(Math.abs(w) <= config.threshold)) break;
      path.push(w);
    }
    return { path: path };
  }

  function setUp(root, config, ui) {
    const svg = root.querySelector("svg");
    const tx = F.scale([0, config.steps], [56, 540]);
    const ty = F.scale(config.range, [250, 10], true);
    F.axes(svg.querySelector(".mf-axes-layer"), tx, ty, { xLabel: "step t", yLabel: "distance |w_t| to the minimum" });
    svg.querySelector(".one-sample-band").setAttribute("d", F.pathData(tx, ty, [0, config.steps], [config.band, config.band]));
    const line = svg.querySelector(".one-sample-path");
    const steps = [];
    for (let t = 0; t <= config.steps; t++) steps.push(t);

    return function draw(values) {
      const path = compute(config, values).path;
      line.setAttribute("d", F.pathData(tx, ty, steps.slice(0, path.length),
        path.map((w) => Math.max(Math.abs(w), config.range[0]))));
      line.setAttribute("stroke", values.momentum === 0 ? config.colours.gradientDescent : config.colours.momentum);
      const late = path.slice(path.length - config.window);
      let lastOutside = -1;
      path.forEach((w, t) => { if (!(Math.abs(w) <= config.band)) lastOutside = t; });
      F.show(ui.readouts, "amplitude", F.format(Math.max(...late) - Math.min(...late)));
      F.show(ui.readouts, "final", F.format(Math.abs(path[path.length - 1])));
      F.show(ui.readouts, "settled", lastOutside + 1 < path.length ? String(lastOutside + 1)
        : `not within ${config.steps} steps`);
    };
  }

  F.register("one-sample-fit", setUp, compute);
})();
