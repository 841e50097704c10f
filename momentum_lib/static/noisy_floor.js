// Chapter 8: stochastic gradient descent with momentum from the minimum w*: the loss
// floor it hovers at, for a batch size B, a momentum α and an effective learning rate
// η/(1 − α), against plain SGD (α = 0) at the same effective rate and the prediction
// η_eff·tr Σ_B/4. The runs are momentum_lib's, computed in Python and embedded as data
// (every `every`-th step); this script only shows them.
(function () {
  "use strict";
  const F = window.momentumFigures;

  function setUp(root, config, ui) {
    const lossSvg = root.querySelector("svg.noisy-floor-losses");
    const tx = F.scale([0, config.steps], [56, 390]);
    const ty = F.scale(config.lossRange, [190, 10], true);
    F.axes(lossSvg.querySelector(".mf-axes-layer"), tx, ty, { xLabel: "step t", yLabel: "Q(w_t) − Q*" });
    const cloud = root.querySelector("svg.noisy-floor-cloud");
    const cloudAxes = cloud.querySelector(".mf-axes-layer");
    let cx = null;
    let cy = null;
    let shownRange = null;
    function cloudScales(range) {  // the axes of the cloud follow (B, η_eff)
      if (range === shownRange) return;
      shownRange = range;
      cx = F.scale([-range, range], [56, 300]);
      cy = F.scale([-range, range], [254, 10]);
      cloudAxes.replaceChildren();
      F.axes(cloudAxes, cx, cy, { xLabel: "along the flattest direction", yLabel: "along the steepest" });
    }
    const element = (selector) => root.querySelector(selector);
    const steps = config.loss[0][0][0].map((_, i) => i * config.every);

    function run(values, momentum) {
      const b = config.batchSizes.indexOf(values.batch_size);
      const a = config.momenta.indexOf(momentum);
      const e = config.effectiveRates.indexOf(values.effective_rate);
      return {
        loss: config.loss[b][a][e].map((v) => (v === null ? NaN : 10 ** v)),
        p1: config.flat[b][a][e],
        p2: config.steep[b][a][e],
        floor: config.floor[b][a][e],
        predicted: values.effective_rate * config.noiseTrace[b] / 4,
      };
    }

    return function draw(values) {
      cloudScales(config.cloudRange[config.batchSizes.indexOf(values.batch_size)][
        config.effectiveRates.indexOf(values.effective_rate)]);
      const current = run(values, values.momentum);
      const plain = run(values, 0);
      const colour = values.momentum === 0 ? config.colours.gradientDescent : config.colours.momentum;
      const show = (selector, d, stroke) => {
        const node = element(selector);
        node.setAttribute("d", d);
        if (stroke) node.setAttribute("stroke", stroke);
      };
      show(".noisy-floor-plain", values.momentum === 0 ? "" : F.pathData(tx, ty, steps, plain.loss));
      show(".noisy-floor-loss", F.pathData(tx, ty, steps, current.loss), colour);
      show(".noisy-floor-measured", F.pathData(tx, ty, [0, config.steps], [current.floor, current.floor]), colour);
      show(".noisy-floor-predicted", F.pathData(tx, ty, [0, config.steps], [current.predicted, current.predicted]));
      show(".noisy-floor-cloud-plain", values.momentum === 0 ? "" : F.pathData(cx, cy, plain.p1, plain.p2));
      show(".noisy-floor-cloud-path", F.pathData(cx, cy, current.p1, current.p2), colour);
      F.show(ui.readouts, "learning_rate", F.format(values.effective_rate * (1 - values.momentum), 5));
      F.show(ui.readouts, "floor", F.format(current.floor, 5));
      F.show(ui.readouts, "floor_plain", F.format(plain.floor, 5));
      F.show(ui.readouts, "predicted", F.format(current.predicted, 5));
      F.show(ui.readouts, "ratio", F.format(current.floor / current.predicted, 2));
    };
  }

  F.register("noisy-floor", setUp);
})();
