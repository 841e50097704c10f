// Chapter 5: the lines fitted under MSE, MAE and Huber as the outliers move away, and
// Huber's δ. Every fit is momentum_lib's, computed in Python for each setting the
// sliders offer and embedded as data; this script only shows them.
(function () {
  "use strict";
  const F = window.momentumFigures;

  function setUp(root, config, ui) {
    const svg = root.querySelector("svg");
    const sx = F.scale(config.xRange, [46, 546]);
    const sy = F.scale(config.yRange, [300, 10]);
    F.axes(svg.querySelector(".mf-axes-layer"), sx, sy, { xLabel: "x", yLabel: "y" });
    const outliers = new Set(config.outliers);
    const points = Array.from(svg.querySelectorAll(".outlier-fits-point"));
    const lines = {};
    config.losses.forEach((loss) => { lines[loss.key] = svg.querySelector(`.outlier-fits-line[data-loss="${loss.key}"]`); });
    const truth = svg.querySelector(".outlier-fits-truth");
    const ends = config.xRange;
    truth.setAttribute("d", F.pathData(sx, sy, ends, ends.map((x) => config.truth[0] + config.truth[1] * x)));
    // The ordinary points never move: placed once.
    points.forEach((point, i) => {
      if (outliers.has(i)) return;
      point.setAttribute("transform", `translate(${sx(config.x[i]).toFixed(1)},${sy(config.y[i]).toFixed(1)})`);
    });

    return function draw(values) {
      const s = config.shifts.indexOf(values.shift);
      const d = config.deltas.indexOf(values.delta);
      points.forEach((point, i) => {
        if (!outliers.has(i)) return;
        point.setAttribute("transform", `translate(${sx(config.x[i]).toFixed(1)},${sy(config.y[i] - values.shift).toFixed(1)})`);
      });
      config.losses.forEach((loss) => {
        const fit = loss.key === "huber" ? config.fits.huber[s][d] : config.fits[loss.key][s];
        lines[loss.key].setAttribute("d", F.pathData(sx, sy, ends, ends.map((x) => fit[0] + fit[1] * x)));
        F.show(ui.readouts, `slope:${loss.key}`, fit[1].toFixed(3));
        F.show(ui.readouts, `intercept:${loss.key}`, fit[0].toFixed(3));
      });
    };
  }

  F.register("outlier-fits", setUp);
})();
