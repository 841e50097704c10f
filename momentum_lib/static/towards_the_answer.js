// Chapter 1: gradient descent on the slope of a line, iteration by iteration, against the
// direct solution. The weights w_t and losses Q(w_t) are momentum_lib's (minimize),
// computed in Python and embedded; this script only shows iteration t of them.
(function () {
  "use strict";
  const F = window.momentumFigures;

  function setUp(root, config, ui) {
    const x = config.features;
    const y = config.targets;
    const fit = root.querySelector("svg.towards-fit");
    const sx = F.scale([Math.min(...x), Math.max(...x)], [56, 400]);
    const sy = F.scale([Math.min(...y), Math.max(...y)], [240, 10]);
    // A tick at every whole standard deviation (the default picks every second one).
    const xTicks = [];
    for (let v = Math.ceil(sx.domain[0]); v <= sx.domain[1]; v++) xTicks.push(v);
    F.axes(fit.querySelector(".mf-axes-layer"), sx, sy, { xLabel: "x, standardized", yLabel: "y", xTicks });
    const dots = fit.querySelector(".towards-points");
    x.forEach((xi, i) => {
      F.element(dots, "circle", { cx: sx(xi).toFixed(1), cy: sy(y[i]).toFixed(1), r: 2 });
    });
    const ends = sx.domain;
    const line = (node, w) => node.setAttribute("d", F.pathData(sx, sy, ends,
      ends.map((e) => config.intercept + w * e)));
    line(fit.querySelector(".towards-answer"), config.w_star);
    const fitted = fit.querySelector(".towards-line");

    const lossSvg = root.querySelector("svg.towards-loss");
    const top = Math.max(...config.q);
    const low = config.loss_star - 0.05 * (top - config.loss_star);
    const tx = F.scale([0, config.steps], [64, 400]);
    const ty = F.scale([low, top], [240, 10]);
    F.axes(lossSvg.querySelector(".mf-axes-layer"), tx, ty, { xLabel: "iterations t", yLabel: "loss Q(w_t)" });
    const steps = config.q.map((_, t) => t);
    lossSvg.querySelector(".towards-curve").setAttribute("d", F.pathData(tx, ty, steps, config.q));
    lossSvg.querySelector(".towards-loss-star").setAttribute("d",
      `M${tx(0).toFixed(1)},${ty(config.loss_star).toFixed(1)}H${tx(config.steps).toFixed(1)}`);
    const now = lossSvg.querySelector(".towards-now");

    return function draw(values) {
      const t = values.iterations;
      const w = config.w[t];
      line(fitted, w);
      now.setAttribute("cx", tx(t).toFixed(1));
      now.setAttribute("cy", ty(config.q[t]).toFixed(1));
      F.show(ui.readouts, "w", F.format(w));
      F.show(ui.readouts, "loss", F.format(config.q[t], 2));
      // five decimals, as in the chapter's table (0.00081, not 8.06e-4)
      F.show(ui.readouts, "distance", Math.abs(w - config.w_star).toFixed(5));
    };
  }

  F.register("towards-the-answer", setUp);
})();
