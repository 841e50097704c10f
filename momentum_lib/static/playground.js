// The playground of "Momentum, explained": the thread's update, run in the page.
//
//   Δw ← α·Δw − η·∇Q(w);   w ← w + Δw
//
// `run` mirrors momentum_lib.minimize operation for operation (tests/test_interactive.py
// checks it against momentum_lib to 1e-9); the rest draws the result as SVG.
(function () {
  "use strict";

  const LANDSCAPES = {
    quadratic: function (p) {
      return {
        loss: (w) => 0.5 * (p.curvatures[0] * w[0] * w[0] + p.curvatures[1] * w[1] * w[1]),
        gradient: (w) => [p.curvatures[0] * w[0], p.curvatures[1] * w[1]],
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

  // One run of gradient descent with momentum; stops at divergence like minimize.
  function run(landscape, learningRate, momentum, w0, steps, threshold) {
    const q = LANDSCAPES[landscape.kind](landscape);
    let w = [w0[0], w0[1]];
    let deltaW = [0, 0];
    const weights = [w.slice()];
    const losses = [q.loss(w)];
    let divergedAt = -1;
    for (let step = 0; step < steps; step++) {
      const g = q.gradient(w);
      const momentumTerm = [momentum * deltaW[0], momentum * deltaW[1]];
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

  const SVG = "http://www.w3.org/2000/svg";

  function element(name, attributes) {
    const node = document.createElementNS(SVG, name);
    for (const key in attributes) node.setAttribute(key, attributes[key]);
    return node;
  }

  function format(x) {
    if (!isFinite(x)) return String(x);
    if (x !== 0 && (Math.abs(x) < 1e-3 || Math.abs(x) >= 1e4)) return x.toExponential(2);
    return x.toFixed(4);
  }

  function setUp(root) {
    const config = JSON.parse(root.querySelector("script.playground-config").textContent);
    const controls = {};
    root.querySelectorAll("input[data-control]").forEach((input) => {
      controls[input.dataset.control] = input;
    });
    const path = root.querySelector(".playground-path");
    const start = root.querySelector(".playground-start");
    const curve = root.querySelector(".playground-loss-curve");
    const view = config.view;
    const toX = (w1) => ((w1 - view.x[0]) / (view.x[1] - view.x[0])) * view.width;
    const toY = (w2) => ((view.y[1] - w2) / (view.y[1] - view.y[0])) * view.height;

    function update() {
      const value = (name) => Number(controls[name].value);
      const landscape = config.landscapes[root.querySelector("select").value];
      const learningRate = 10 ** value("log10_learning_rate");
      const momentum = value("momentum");
      const w0 = [value("w1"), value("w2")];
      const result = run(landscape, learningRate, momentum, w0, config.steps, config.threshold);
      root.querySelectorAll("[data-contours]").forEach((group) => {
        group.style.display = group.dataset.contours === landscape.name ? "" : "none";
      });
      const clip = (v, size) => Math.max(-size, Math.min(2 * size, v));
      path.setAttribute("points", result.weights
        .map((w) => `${clip(toX(w[0]), view.width).toFixed(1)},${clip(toY(w[1]), view.height).toFixed(1)}`)
        .join(" "));
      start.setAttribute("cx", toX(w0[0]).toFixed(1));
      start.setAttribute("cy", toY(w0[1]).toFixed(1));
      // Loss curve: log10 of the loss against the step.
      const plot = config.lossPlot;
      const low = plot.logRange[0];
      const high = plot.logRange[1];
      curve.setAttribute("points", result.losses
        .map((loss, t) => {
          const level = Math.min(high, Math.max(low, Math.log10(Math.max(loss, 1e-300))));
          const x = (t / config.steps) * plot.width;
          const y = ((high - level) / (high - low)) * plot.height;
          return `${x.toFixed(1)},${y.toFixed(1)}`;
        })
        .join(" "));
      // Steps until the loss *stays* within the tolerance (Trajectory.steps_to_settle).
      let lastOutside = -1;
      result.losses.forEach((loss, t) => { if (!(loss <= config.tolerance)) lastOutside = t; });
      const settled = lastOutside + 1 < result.losses.length ? lastOutside + 1 : -1;
      const show = (name, text) => { root.querySelector(`[data-show="${name}"]`).textContent = text; };
      show("learning_rate", learningRate.toPrecision(3));
      show("momentum", momentum.toFixed(2));
      show("w1", w0[0].toFixed(2));
      show("w2", w0[1].toFixed(2));
      show("final_loss", result.divergedAt > 0 ? "—" : format(result.losses[result.losses.length - 1]));
      show("steps", result.divergedAt > 0 ? `diverged at step ${result.divergedAt}`
        : settled >= 0 ? String(settled) : `not within ${config.steps} steps`);
      show("effective", format(learningRate / (1 - momentum)));
      root.dataset.divergedAt = String(result.divergedAt);
    }

    Object.values(controls).forEach((input) => input.addEventListener("input", update));
    root.querySelector("select").addEventListener("change", update);
    update();
  }

  window.momentumPlayground = { run: run };
  document.querySelectorAll(".momentum-playground").forEach((root) => {
    if (!root.dataset.ready) {
      root.dataset.ready = "yes";
      setUp(root);
    }
  });
})();
