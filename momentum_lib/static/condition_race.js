// Chapter 7: gradient descent and momentum, each at its optimal setting, on the valley
// Q(w) = ½(w₁² + κ w₂²) from (1, 1): the √κ speed-up as κ grows.
//
// `compute` mirrors momentum_lib.theory's optimal settings and rates and
// momentum_lib.minimize on momentum_lib.Quadratic([1, κ]); tests/lib/test_interactive.py
// checks it against the library to 1e-9.
(function () {
  "use strict";
  const F = window.momentumFigures;

  function run(kappa, learningRate, momentum, config) {
    let w = config.w0.slice();
    let deltaW = [0, 0];
    const distances = [Math.sqrt(w[0] * w[0] + w[1] * w[1])];
    for (let step = 0; step < config.steps; step++) {
      const g = [w[0] * 1.0, w[1] * kappa];
      const momentumTerm = [momentum * deltaW[0], momentum * deltaW[1]];
      const gradientTerm = [-learningRate * g[0], -learningRate * g[1]];
      deltaW = [momentumTerm[0] + gradientTerm[0], momentumTerm[1] + gradientTerm[1]];
      w = [w[0] + deltaW[0], w[1] + deltaW[1]];
      distances.push(Math.sqrt(w[0] * w[0] + w[1] * w[1]));
    }
    let lastOutside = -1;
    const tolerance = config.tolerance * distances[0];
    distances.forEach((d, t) => { if (!(d <= tolerance)) lastOutside = t; });
    return { distances: distances, settled: lastOutside + 1 < distances.length ? lastOutside + 1 : -1 };
  }

  function compute(config, values) {
    const kappa = values.kappa;
    const rootKappa = Math.sqrt(kappa / 1.0);
    const gd = { learningRate: 2.0 / (1.0 + kappa), momentum: 0, rate: (kappa - 1.0) / (kappa + 1.0) };
    const heavy = {
      learningRate: (2.0 / (Math.sqrt(1.0) + Math.sqrt(kappa))) ** 2,
      momentum: ((rootKappa - 1.0) / (rootKappa + 1.0)) ** 2,
      rate: (rootKappa - 1.0) / (rootKappa + 1.0),
    };
    [gd, heavy].forEach((method) => {
      Object.assign(method, run(kappa, method.learningRate, method.momentum, config));
      method.predicted = Math.log(config.tolerance) / Math.log(method.rate);
    });
    return { gd: gd, momentum: heavy };
  }

  function setUp(root, config, ui) {
    const svg = root.querySelector("svg");
    const tx = F.scale([0, config.shown], [56, 540]);
    const ty = F.scale(config.range, [250, 10], true);
    F.axes(svg.querySelector(".mf-axes-layer"), tx, ty, { xLabel: "step t", yLabel: "‖w_t‖ / ‖w_0‖" });
    const steps = [];
    for (let t = 0; t <= config.shown; t++) steps.push(t);
    const clamp = (v) => Math.max(v, config.range[0]);

    return function draw(values) {
      const result = compute(config, values);
      ["gd", "momentum"].forEach((key) => {
        const method = result[key];
        const d0 = method.distances[0];
        svg.querySelector(`.race-run[data-method="${key}"]`).setAttribute("d",
          F.pathData(tx, ty, steps, steps.map((t) => clamp(method.distances[t] / d0))));
        svg.querySelector(`.race-rate[data-method="${key}"]`).setAttribute("d",
          F.pathData(tx, ty, steps, steps.map((t) => clamp(method.rate ** t))));
        F.show(ui.readouts, `learning_rate:${key}`, F.format(method.learningRate, 5));
        F.show(ui.readouts, `momentum:${key}`, method.momentum.toFixed(4));
        F.show(ui.readouts, `rate:${key}`, method.rate.toFixed(4));
        F.show(ui.readouts, `predicted:${key}`, method.predicted.toFixed(0));
        F.show(ui.readouts, `settled:${key}`, method.settled >= 0 ? String(method.settled)
          : `not within ${config.steps}`);
      });
      F.show(ui.readouts, "speed_up", result.gd.settled > 0 && result.momentum.settled > 0
        ? (result.gd.settled / result.momentum.settled).toFixed(1) : "—");
      F.show(ui.readouts, "root_kappa", Math.sqrt(values.kappa).toFixed(1));
    };
  }

  F.register("condition-race", setUp, compute);
})();
