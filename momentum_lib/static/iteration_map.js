// Chapter 7's map of (ηλ, α): for the chosen point, the two eigenvalues of the 2×2
// iteration matrix in the complex plane and the 1-D path w_t on Q(w) = ½ λ w².
//
// `compute` mirrors momentum_lib.theory.iteration_eigenvalues (the roots of
// z² − (1 + α − ηλ) z + α = 0) and momentum_lib.minimize on ∇Q(w) = λw with λ = 1;
// tests/lib/test_interactive.py checks both against the library to 1e-9.
(function () {
  "use strict";
  const F = window.momentumFigures;

  function compute(config, values) {
    const eta = values.step_curvature;  // ηλ, with λ = 1
    const alpha = values.momentum;
    const trace = 1.0 + alpha - eta * 1.0;
    const discriminant = trace * trace - 4.0 * alpha;
    let z;
    if (discriminant >= 0) {
      const root = Math.sqrt(discriminant);
      z = [[(trace + root) / 2.0, 0], [(trace - root) / 2.0, 0]];
    } else {
      const root = Math.sqrt(-discriminant);
      z = [[trace / 2.0, root / 2.0], [trace / 2.0, -root / 2.0]];
    }
    const radius = Math.max(Math.hypot(z[0][0], z[0][1]), Math.hypot(z[1][0], z[1][1]));
    let regime;
    if (radius >= 1) regime = "divergent";
    else if (discriminant < 0) regime = "oscillating";
    else regime = trace >= 0 ? "monotone" : "alternating";
    // minimize(lambda w: w, [w0], learning_rate=ηλ, momentum=α, steps=…)
    let w = config.w0;
    let deltaW = 0;
    const path = [w];
    for (let step = 0; step < config.steps; step++) {
      const momentumTerm = alpha * deltaW;
      const gradientTerm = -eta * w;
      deltaW = momentumTerm + gradientTerm;
      w = w + deltaW;
      if (!(Math.abs(w) <= config.threshold)) break;
      path.push(w);
    }
    return { eigenvalues: z, radius: radius, regime: regime, path: path };
  }

  function complexText(z) {
    if (z[1] === 0) return z[0].toFixed(4);
    return `${z[0].toFixed(4)}${z[1] >= 0 ? "+" : "-"}${Math.abs(z[1]).toFixed(4)}i`;
  }

  function setUp(root, config, ui) {
    const map = root.querySelector("svg.iteration-map");
    const mx = F.scale(config.mapRange.x, [46, 390]);
    const my = F.scale(config.mapRange.y, [270, 10]);
    F.axes(map.querySelector(".mf-axes-layer"), mx, my, { xLabel: "step size ηλ", yLabel: "momentum α" });
    map.querySelectorAll("[data-region]").forEach((region) => {
      const points = JSON.parse(region.dataset.region);
      region.setAttribute("d", F.pathData(mx, my, points.map((p) => p[0]), points.map((p) => p[1])) + "Z");
    });
    map.querySelectorAll("[data-curve]").forEach((curve) => {
      const points = JSON.parse(curve.dataset.curve);
      curve.setAttribute("d", F.pathData(mx, my, points.map((p) => p[0]), points.map((p) => p[1])));
    });
    map.querySelectorAll("[data-at]").forEach((label) => {
      const at = JSON.parse(label.dataset.at);
      label.setAttribute("x", mx(at[0]).toFixed(1));
      label.setAttribute("y", my(at[1]).toFixed(1));
    });
    const marker = map.querySelector(".iteration-map-point");

    const plane = root.querySelector("svg.iteration-plane");
    const cx = F.scale([-1.6, 1.6], [40, 250]);
    const cy = F.scale([-1.6, 1.6], [250, 40]);
    F.axes(plane.querySelector(".mf-axes-layer"), cx, cy, { xLabel: "Re z", yLabel: "Im z", xTicks: [-1, 0, 1], yTicks: [-1, 0, 1] });
    const unit = plane.querySelector(".iteration-unit-circle");
    unit.setAttribute("cx", cx(0));
    unit.setAttribute("cy", cy(0));
    unit.setAttribute("r", cx(1) - cx(0));
    const rootCircle = plane.querySelector(".iteration-root-circle");
    rootCircle.setAttribute("cx", cx(0));
    rootCircle.setAttribute("cy", cy(0));
    const dots = Array.from(plane.querySelectorAll(".iteration-eigenvalue"));

    const pathSvg = root.querySelector("svg.iteration-path");
    const px = F.scale([0, config.steps], [46, 390]);
    const py = F.scale([-2, 2], [150, 10]);
    F.axes(pathSvg.querySelector(".mf-axes-layer"), px, py, { xLabel: "step t", yLabel: "w_t", yTicks: [-2, -1, 0, 1, 2] });
    const line = pathSvg.querySelector(".iteration-path-line");

    // Pointer: press or drag on the map to choose (ηλ, α).
    function choose(event) {
      const [eta, alpha] = F.pointerData(map, event, mx, my);
      ui.set("step_curvature", Math.max(config.mapRange.x[0], Math.min(config.mapRange.x[1], eta)));
      ui.set("momentum", Math.max(0, Math.min(config.mapRange.y[1], alpha)));
      ui.update();
    }
    map.addEventListener("pointerdown", (event) => {
      map.setPointerCapture(event.pointerId);
      choose(event);
    });
    map.addEventListener("pointermove", (event) => {
      if (map.hasPointerCapture(event.pointerId)) choose(event);
    });

    return function draw(values) {
      const result = compute(config, values);
      const colour = values.momentum === 0 ? config.colours.gradientDescent : config.colours.momentum;
      marker.setAttribute("cx", mx(values.step_curvature).toFixed(1));
      marker.setAttribute("cy", my(values.momentum).toFixed(1));
      marker.setAttribute("fill", colour);
      rootCircle.setAttribute("r", (cx(Math.sqrt(values.momentum)) - cx(0)).toFixed(1));
      result.eigenvalues.forEach((z, i) => {
        dots[i].setAttribute("cx", cx(Math.max(-1.7, Math.min(1.7, z[0]))).toFixed(1));
        dots[i].setAttribute("cy", cy(z[1]).toFixed(1));
        dots[i].setAttribute("fill", colour);
      });
      line.setAttribute("d", F.pathData(px, py, result.path.map((_, t) => t), result.path));
      line.setAttribute("stroke", colour);
      F.show(ui.readouts, "regime", result.regime);
      F.show(ui.readouts, "z1", complexText(result.eigenvalues[0]));
      F.show(ui.readouts, "z2", complexText(result.eigenvalues[1]));
      F.show(ui.readouts, "radius", result.radius.toFixed(4));
      F.show(ui.readouts, "critical", values.step_curvature <= 1
        ? ((1 - Math.sqrt(values.step_curvature)) ** 2).toFixed(4) : "— (ηλ > 1)");
      root.dataset.regime = result.regime;
    };
  }

  F.register("iteration-map", setUp, compute);
})();
