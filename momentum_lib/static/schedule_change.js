// Chapter 6: the learning rate changes at step k by a factor f. The thread's form and
// the PyTorch form, identical before the change, part ways by α(1 − f)Δw_k at once.
//
// `compute` mirrors momentum_lib.conventions.thread_sgd and pytorch_sgd (on Rosenbrock's
// function) operation for operation; tests/lib/test_interactive.py checks it against
// the library to 1e-9.
(function () {
  "use strict";
  const F = window.momentumFigures;

  function gradient(p, w) {
    return [
      -2 * (p.a - w[0]) - 4 * p.b * w[0] * (w[1] - w[0] * w[0]),
      2 * p.b * (w[1] - w[0] * w[0]),
    ];
  }

  function rates(config, values) {
    const result = [];
    for (let t = 0; t < config.steps; t++) {
      result.push(t < values.change_at ? config.learning_rate : config.learning_rate * values.factor);
    }
    return result;
  }

  function compute(config, values) {
    const p = config.landscape;
    const schedule = rates(config, values);
    const alpha = config.momentum;
    // The thread's form: minimize(learning_rate=1, schedule=η_t), i.e. −η_t·∇Q as (−∇Q)·η_t.
    let w = config.w0.slice();
    let deltaW = [0, 0];
    const thread = [w.slice()];
    // The PyTorch form: b ← g on the first step, then b ← μ b + (1 − τ) g; w ← w − η_t b.
    let v = config.w0.slice();
    let buffer = null;
    const pytorch = [v.slice()];
    for (let t = 0; t < config.steps; t++) {
      const rate = schedule[t];
      const g = gradient(p, w);
      const momentumTerm = [alpha * deltaW[0], alpha * deltaW[1]];
      const gradientTerm = [-g[0], -g[1]];
      if (rate !== 1.0) {
        gradientTerm[0] *= rate;
        gradientTerm[1] *= rate;
      }
      deltaW = [momentumTerm[0] + gradientTerm[0], momentumTerm[1] + gradientTerm[1]];
      w = [w[0] + deltaW[0], w[1] + deltaW[1]];
      thread.push(w.slice());
      const h = gradient(p, v);
      buffer = buffer === null ? h
        : [alpha * buffer[0] + (1.0 - 0.0) * h[0], alpha * buffer[1] + (1.0 - 0.0) * h[1]];
      v = [v[0] - rate * buffer[0], v[1] - rate * buffer[1]];
      pytorch.push(v.slice());
    }
    return { thread: thread, pytorch: pytorch };
  }

  function vectorText(v) {
    return `(${v.map((x) => x.toFixed(6)).join(", ")})`;
  }

  function setUp(root, config, ui) {
    const map = root.querySelector("svg.schedule-map");
    const sx = F.scale(config.view.x, [40, 400]);
    const sy = F.scale(config.view.y, [370, 10]);
    F.axes(map.querySelector(".mf-axes-layer"), sx, sy, { xLabel: "w₁", yLabel: "w₂" });
    const threadPath = map.querySelector(".schedule-thread");
    const pytorchPath = map.querySelector(".schedule-pytorch");
    const marker = map.querySelector(".schedule-change-point");
    const gapSvg = root.querySelector("svg.schedule-gap");
    const tx = F.scale([0, config.steps], [56, 390]);
    const ty = F.scale([1e-17, 10], [170, 10], true);
    F.axes(gapSvg.querySelector(".mf-axes-layer"), tx, ty, { xLabel: "step t", yLabel: "‖thread − PyTorch‖" });
    const gapLine = gapSvg.querySelector(".schedule-gap-line");
    const changeLine = gapSvg.querySelector(".schedule-change-line");
    const steps = [];
    for (let t = 0; t <= config.steps; t++) steps.push(t);

    return function draw(values) {
      const result = compute(config, values);
      const k = values.change_at;
      threadPath.setAttribute("d", F.pathData(sx, sy, result.thread.map((w) => w[0]), result.thread.map((w) => w[1])));
      pytorchPath.setAttribute("d", F.pathData(sx, sy, result.pytorch.map((w) => w[0]), result.pytorch.map((w) => w[1])));
      marker.setAttribute("cx", sx(result.thread[k][0]).toFixed(1));
      marker.setAttribute("cy", sy(result.thread[k][1]).toFixed(1));
      const gap = result.thread.map((w, t) => Math.max(1e-17,
        Math.hypot(w[0] - result.pytorch[t][0], w[1] - result.pytorch[t][1])));
      gapLine.setAttribute("d", F.pathData(tx, ty, steps, gap));
      changeLine.setAttribute("d", `M${tx(k).toFixed(1)},10V170`);
      const previous = [0, 1].map((i) => result.thread[k][i] - result.thread[k - 1][i]);
      const predicted = previous.map((d) => config.momentum * (1 - values.factor) * d);
      const measured = [0, 1].map((i) => (result.thread[k + 1][i] - result.thread[k][i])
        - (result.pytorch[k + 1][i] - result.pytorch[k][i]));
      F.show(ui.readouts, "predicted", vectorText(predicted));
      F.show(ui.readouts, "measured", vectorText(measured));
      const end = result.thread[config.steps];
      const endPytorch = result.pytorch[config.steps];
      F.show(ui.readouts, "gap_end", F.format(Math.hypot(end[0] - endPytorch[0], end[1] - endPytorch[1])));
    };
  }

  F.register("schedule-change", setUp, compute);
})();
