// Chapter 2: gradient descent on the one-weight loss, a parabola lowest at w* with
// curvature λ; each step multiplies the error w − w* by 1 − ηλ. A slider on η, the path
// with its tangents, the distance |w − w*| against the step (tolerance dotted), and the regime named (marks at 1/λ, 2/λ).
//
// `compute` mirrors momentum_lib.minimize on Quadratic([λ], [w*]).gradient (λ(w − w*)),
// stopping where |w| passes the threshold; tests/lib/test_interactive.py checks it to 1e-9.
(function () {
  "use strict";
  const F = window.momentumFigures;

  function regime(factor, exact) {
    if (Math.abs(factor) <= exact) return "just right (fastest)";
    if (factor > 0) return "too small";
    if (Math.abs(factor + 1) < exact) return "on the edge: bouncing forever";
    if (factor > -1) return "too large: oscillating but converging";
    return "diverging";
  }

  function compute(config, values) {
    let w = config.w0;
    const path = [w];
    for (let step = 0; step < config.steps; step++) {
      w = w - values.learning_rate * ((w - config.wStar) * config.curvature);
      if (!(Math.abs(w) <= config.threshold)) break;
      path.push(w);
    }
    return { path: path, factor: 1 - values.learning_rate * config.curvature };
  }

  function setUp(root, config, ui) {
    const loss = (w) => config.lowest + 0.5 * config.curvature * (w - config.wStar) ** 2;
    const pathSvg = root.querySelector(".regimes-path");
    const sx = F.scale(config.wRange, [50, 400]);
    const top = loss(config.wRange[1]) * 1.05;
    const sy = F.scale([0, top], [240, 10]);
    F.axes(pathSvg.querySelector(".mf-axes-layer"), sx, sy, { xLabel: "weight w", yLabel: "loss Q(w)" });
    const grid = [];
    for (let i = 0; i <= 120; i++) grid.push(config.wRange[0] + (i / 120) * (config.wRange[1] - config.wRange[0]));
    pathSvg.querySelector(".regimes-curve").setAttribute("d", F.pathData(sx, sy, grid, grid.map(loss)));
    pathSvg.querySelector(".regimes-minimum").setAttribute("d", `M${sx(config.wStar).toFixed(1)},10V240`);
    const tangents = pathSvg.querySelector(".regimes-tangents");
    const steps = pathSvg.querySelector(".regimes-steps");
    const points = pathSvg.querySelector(".regimes-points");
    const dots = [];
    for (let i = 0; i <= config.shownSteps; i++) dots.push(F.element(points, "circle", { r: i === 0 ? 5 : 3.5 }));

    const distanceSvg = root.querySelector(".regimes-distances");
    const tx = F.scale([0, config.steps], [60, 400]);
    const ty = F.scale(config.distanceRange, [240, 10], true);
    F.axes(distanceSvg.querySelector(".mf-axes-layer"), tx, ty, { xLabel: "step t", yLabel: "|w_t − w*|" });
    distanceSvg.querySelector(".regimes-tolerance").setAttribute("d", `M60,${ty(config.tolerance).toFixed(1)}H400`);
    const distance = distanceSvg.querySelector(".regimes-distance");
    const ts = [];
    for (let t = 0; t <= config.steps; t++) ts.push(t);

    const scaleSvg = root.querySelector(".regimes-scale");
    const se = F.scale(config.etaRange, [20, 540]);
    F.axes(scaleSvg.querySelector(".mf-axes-layer"), se, F.scale([0, 1], [28, 20]), { yTicks: [], xLabel: "learning rate η" });
    const marks = scaleSvg.querySelector(".regimes-marks");
    [[1 / config.curvature, "1/λ: fastest"], [2 / config.curvature, "2/λ: the limit"]].forEach(([eta, text]) => {
      const x = se(eta).toFixed(1);
      F.element(marks, "path", { d: `M${x},4V28`, stroke: "#222", "stroke-width": 2 });
      F.element(marks, "text", { x: x, y: 12, dx: 4 }, text);
    });
    const chosen = scaleSvg.querySelector(".regimes-chosen");

    return function draw(values) {
      const run = compute(config, values);
      const path = run.path;
      const shown = path.slice(0, config.shownSteps + 1);
      steps.setAttribute("d", F.pathData(sx, sy, shown, shown.map(loss)));
      dots.forEach((dot, i) => {
        const visible = i < shown.length && Math.abs(sx(shown[i])) < 1e4 && Math.abs(sy(loss(shown[i]))) < 1e4;
        dot.style.display = visible ? "" : "none";
        if (visible) {
          dot.setAttribute("cx", sx(shown[i]).toFixed(1));
          dot.setAttribute("cy", sy(loss(shown[i])).toFixed(1));
        }
      });
      let d = "";
      shown.slice(0, config.tangents).forEach((w) => {
        const slope = config.curvature * (w - config.wStar);
        d += F.pathData(sx, sy, [w - 0.25, w + 0.25], [loss(w) - 0.25 * slope, loss(w) + 0.25 * slope]);
      });
      tangents.setAttribute("d", d);
      distance.setAttribute("d", F.pathData(tx, ty, ts.slice(0, path.length),
        path.map((w) => Math.max(Math.abs(w - config.wStar), config.distanceRange[0]))));
      const x = se(values.learning_rate);
      chosen.setAttribute("d", `M${x.toFixed(1)},28l-6,-10h12z`);
      let reached = -1;
      for (let t = 0; t < path.length; t++) {
        if (Math.abs(path[t] - config.wStar) <= config.tolerance) { reached = t; break; }
      }
      const diverged = path.length <= config.steps;
      F.show(ui.readouts, "regime", regime(run.factor, config.exact));
      F.show(ui.readouts, "product", (values.learning_rate * config.curvature).toFixed(2));
      F.show(ui.readouts, "factor", run.factor.toFixed(2));
      F.show(ui.readouts, "result", diverged ? `diverged at step ${path.length}`
        : reached >= 0 ? `within 1e-6 at step ${reached}`
          : `${Math.abs(path[path.length - 1] - config.wStar).toFixed(4)} away at step ${config.steps}`);
      F.show(ui.readouts, "thresholds", `${(1 / config.curvature).toFixed(2)} and ${(2 / config.curvature).toFixed(2)}`);
    };
  }

  F.register("learning-rate-regimes", setUp, compute);
})();
