// The thread's illustration, animated: balls rolling on a 1-D landscape, one per run.
// The positions are momentum_lib's, computed in Python and embedded as data; this
// script only plays them: play, pause, one step forward or back, and a frame slider.
(function () {
  "use strict";

  function setUp(root) {
    const data = JSON.parse(root.querySelector("script.rolling-ball-data").textContent);
    const balls = Array.from(root.querySelectorAll(".rolling-ball"));
    const slider = root.querySelector("input[type=range]");
    const counter = root.querySelector(".rolling-ball-step");
    const playButton = root.querySelector("[data-action=play]");
    const frames = data.frames;
    let frame = 0;
    let timer = null;

    function show(index) {
      frame = Math.max(0, Math.min(frames - 1, index));
      balls.forEach((ball, run) => {
        ball.setAttribute("cx", data.x[run][frame].toFixed(1));
        ball.setAttribute("cy", data.y[run][frame].toFixed(1));
      });
      slider.value = String(frame);
      counter.textContent = `step ${data.steps[frame]}`;
      root.dataset.frame = String(frame);
    }

    function pause() {
      if (timer !== null) clearInterval(timer);
      timer = null;
      playButton.textContent = "▶ play";
      root.dataset.playing = "no";
    }

    function play() {
      if (frame >= frames - 1) show(0);
      timer = setInterval(() => {
        if (frame >= frames - 1) pause();
        else show(frame + 1);
      }, data.interval);
      playButton.textContent = "❚❚ pause";
      root.dataset.playing = "yes";
    }

    playButton.addEventListener("click", () => (timer === null ? play() : pause()));
    root.querySelector("[data-action=forward]").addEventListener("click", () => { pause(); show(frame + 1); });
    root.querySelector("[data-action=back]").addEventListener("click", () => { pause(); show(frame - 1); });
    root.querySelector("[data-action=reset]").addEventListener("click", () => { pause(); show(0); });
    slider.addEventListener("input", () => { pause(); show(Number(slider.value)); });
    show(0);
  }

  document.querySelectorAll(".rolling-ball-animation").forEach((root) => {
    if (!root.dataset.ready) {
      root.dataset.ready = "yes";
      setUp(root);
    }
  });
})();
