// The playground of "Momentum, explained": the thread's update, run in the page.
//
//   Δw ← α·Δw − η·∇Q(w + [Nesterov] α·Δw);   w ← w + Δw
//
// `compute` mirrors momentum_lib.minimize operation for operation, for gradient descent,
// momentum and Nesterov from the same start (tests/lib/test_interactive.py checks it
// against momentum_lib to 1e-9); the rest draws the result with the shared figures.js.
(function () {
  "use strict";
  const F = window.momentumFigures;

  const LANDSCAPES = {
    // Q(w) = ½ (w − w*)ᵀ H (w − w*), ∇Q(w) = (w − w*)ᵀ H, as momentum_lib.Quadratic.
    quadratic: function (p) {
      const h = p.hessian;
      const m = p.minimizer;
      return {
        loss: (w) => {
          const a = w[0] - m[0];
          const b = w[1] - m[1];
          return 0.5 * (a * (h[0][0] * a + h[0][1] * b) + b * (h[1][0] * a + h[1][1] * b));
        },
        gradient: (w) => {
          const a = w[0] - m[0];
          const b = w[1] - m[1];
          return [a * h[0][0] + b * h[1][0], a * h[0][1] + b * h[1][1]];
        },
      };
    },
    rosenbrock: function (p) {
      return {
        loss: (w) => (p.a - w[0]) ** 2 + p.b * (w[1] - w[0] * w[0]) ** 2,
        gradient: (w) => [
          -2 * (p.a - w[0]) - 4 * p.b * w[0] * (w[1] - w[0] * w[0]),
          2 * p.b * (w[1] - w[0] * w[0]),
        ],
      };
    },
  };

  // One run; stops at divergence like minimize (weights or loss beyond the threshold).
  function run(landscape, learningRate, momentum, nesterov, w0, steps, threshold) {
    const q = LANDSCAPES[landscape.kind](landscape);
    let w = [w0[0], w0[1]];
    let deltaW = [0, 0];
    const weights = [w.slice()];
    const losses = [q.loss(w)];
    let divergedAt = -1;
    for (let step = 0; step < steps; step++) {
      const momentumTerm = [momentum * deltaW[0], momentum * deltaW[1]];
      const g = q.gradient(nesterov ? [w[0] + momentumTerm[0], w[1] + momentumTerm[1]] : w);
      const gradientTerm = [-learningRate * g[0], -learningRate * g[1]];
      deltaW = [momentumTerm[0] + gradientTerm[0], momentumTerm[1] + gradientTerm[1]];
      w = [w[0] + deltaW[0], w[1] + deltaW[1]];
      const loss = q.loss(w);
      if (!(Math.abs(w[0]) <= threshold && Math.abs(w[1]) <= threshold
            && Math.abs(loss) <= threshold)) {
        divergedAt = step + 1;
        break;
      }
      weights.push(w.slice());
      losses.push(loss);
    }
    return { weights: weights, losses: losses, divergedAt: divergedAt };
  }

  // Every method of the figure from the controls' values: {key: run}.
  function compute(config, values) {
    const landscape = config.landscapes[values.landscape];
    const result = {};
    config.methods.forEach((method) => {
      const alpha = method.momentum ? values.momentum : 0;
      result[method.key] = run(landscape, values.learning_rate, alpha, method.nesterov,
        [values.w1, values.w2], config.steps, config.threshold);
    });
    return result;
  }

  // The step from which the loss stays ≤ tolerance (Trajectory.steps_to_settle), as shown.
  function settled(result, config) {
    if (result.divergedAt > 0) return `diverged at step ${result.divergedAt}`;
    let lastOutside = -1;
    result.losses.forEach((loss, t) => { if (!(loss <= config.tolerance)) lastOutside = t; });
    return lastOutside + 1 < result.losses.length ? String(lastOutside + 1)
      : `not within ${config.steps} steps`;
  }

  function setUp(root, config, ui) {
    const view = config.view;
    const map = root.querySelector("svg.playground-map");
    const sx = F.scale(view.x, [40, 400]);
    const sy = F.scale(view.y, [420, 10]);
    F.axes(map.querySelector(".mf-axes-layer"), sx, sy, { xLabel: "w₁", yLabel: "w₂" });
    const lossSvg = root.querySelector("svg.playground-losses");
    const tx = F.scale([0, config.steps], [50, 390]);
    const ty = F.scale([1e-8, 1e4], [130, 10], true);
    F.axes(lossSvg.querySelector(".mf-axes-layer"), tx, ty, { xLabel: "step t", yLabel: "Q(w)" });
    const paths = {};
    const curves = {};
    config.methods.forEach((method) => {
      paths[method.key] = root.querySelector(`.playground-path[data-method="${method.key}"]`);
      curves[method.key] = root.querySelector(`.playground-loss-curve[data-method="${method.key}"]`);
    });
    const start = root.querySelector(".playground-start");
    const contours = Array.from(root.querySelectorAll("[data-contours]"));

    // Pointer: press or drag on the map to move the start.
    function moveStart(event) {
      const [w1, w2] = F.pointerData(map, event, sx, sy);
      ui.set("w1", Math.max(view.x[0], Math.min(view.x[1], w1)));
      ui.set("w2", Math.max(view.y[0], Math.min(view.y[1], w2)));
      ui.update();
    }
    map.addEventListener("pointerdown", (event) => {
      map.setPointerCapture(event.pointerId);
      moveStart(event);
    });
    map.addEventListener("pointermove", (event) => {
      if (map.hasPointerCapture(event.pointerId)) moveStart(event);
    });

    const clip = (v, low, high) => Math.max(low, Math.min(high, v));
    return function draw(values) {
      const results = compute(config, values);
      contours.forEach((group) => {
        group.style.display = group.dataset.contours === values.landscape ? "" : "none";
      });
      config.methods.forEach((method) => {
        const result = results[method.key];
        const visible = values[`show_${method.key}`];
        paths[method.key].style.display = visible ? "" : "none";
        curves[method.key].style.display = visible ? "" : "none";
        paths[method.key].setAttribute("points", result.weights
          .map((w) => `${clip(sx(w[0]), -400, 800).toFixed(1)},${clip(sy(w[1]), -400, 800).toFixed(1)}`)
          .join(" "));
        curves[method.key].setAttribute("points", result.losses
          .map((loss, t) => `${tx(t).toFixed(1)},${clip(ty(Math.max(loss, 1e-300)), 10, 130).toFixed(1)}`)
          .join(" "));
        const last = result.losses[result.losses.length - 1];
        F.show(ui.readouts, `final_loss:${method.key}`, result.divergedAt > 0 ? "—" : F.format(last));
        F.show(ui.readouts, `steps:${method.key}`, settled(result, config));
      });
      start.setAttribute("cx", sx(values.w1).toFixed(1));
      start.setAttribute("cy", sy(values.w2).toFixed(1));
      F.show(ui.readouts, "effective", F.format(values.learning_rate / (1 - values.momentum)));
      root.dataset.divergedAt = String(results.momentum.divergedAt);
    };
  }

  F.register("playground", setUp, compute);
})();
