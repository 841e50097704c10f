// The thread's illustration, animated: balls rolling on a 1-D landscape, one per run.
// The positions are momentum_lib's, computed in Python and embedded as data; this
// script only plays them: play, pause, one step forward or back, and a frame slider.
(function () {
  "use strict";
  const F = window.momentumFigures;

  function setUp(root, config, ui) {
    const svg = root.querySelector("svg");
    const sx = F.scale(config.wRange, [50, 550]);
    const sy = F.scale([0, config.top], [230, 12]);
    F.axes(svg.querySelector(".mf-axes-layer"), sx, sy, { xLabel: "weight w", yLabel: "loss Q(w)" });
    svg.querySelector(".rolling-ball-curve").setAttribute("d", F.pathData(sx, sy, config.curve.w, config.curve.q));
    const balls = Array.from(root.querySelectorAll(".rolling-ball"));
    const slider = root.querySelector('[data-control="frame"]');
    const playButton = root.querySelector("[data-action=play]");
    const last = config.frames - 1;
    let timer = null;

    function pause() {
      if (timer !== null) clearInterval(timer);
      timer = null;
      playButton.textContent = "▶ play";
      root.dataset.playing = "no";
    }

    function go(frame) {
      ui.set("frame", Math.max(0, Math.min(last, frame)));
      ui.update();
    }

    function play() {
      if (Number(slider.value) >= last) go(0);
      timer = setInterval(() => {
        if (Number(slider.value) >= last) pause();
        else go(Number(slider.value) + 1);
      }, config.interval);
      playButton.textContent = "❚❚ pause";
      root.dataset.playing = "yes";
    }

    playButton.addEventListener("click", () => (timer === null ? play() : pause()));
    root.querySelector("[data-action=forward]").addEventListener("click", () => { pause(); go(Number(slider.value) + 1); });
    root.querySelector("[data-action=back]").addEventListener("click", () => { pause(); go(Number(slider.value) - 1); });
    root.querySelector("[data-action=reset]").addEventListener("click", () => { pause(); go(0); });
    slider.addEventListener("pointerdown", pause);
    slider.addEventListener("keydown", pause);
    root.dataset.playing = "no";

    return function draw(values) {
      const frame = values.frame;
      balls.forEach((ball, run) => {
        const w = config.w[run][frame];
        ball.setAttribute("cx", sx(w).toFixed(1));
        ball.setAttribute("cy", (sy(config.q[run][frame]) - 7).toFixed(1));
        F.show(ui.readouts, `w:${run}`, w.toFixed(3));
      });
      F.show(ui.readouts, "step", String(frame));
      root.dataset.frame = String(frame);
    };
  }

  F.register("rolling-ball", setUp);
})();
