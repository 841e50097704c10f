"""Interactive figures that work on the static site (no kernel, no network) and in Jupyter.

- :func:`playground`: sliders for η, α and the starting point; the trajectory on a
  2-D landscape and the loss curve change at once. The update runs in the page, in
  a small script that mirrors :func:`~momentum_lib.optimizers.minimize` step for step (tested
  against it to 1e-9).
- :func:`playground_widget`: the same playground as live ipywidgets, drawn by
  matplotlib with :func:`~momentum_lib.optimizers.minimize` itself, for a running kernel.
- :func:`rolling_ball`: the thread's illustration, animated: balls rolling on a 1-D
  landscape with play, pause and step buttons. The positions are computed here by
  :func:`~momentum_lib.optimizers.minimize` and embedded as data; the page's script only plays them.

Each returns an object that Jupyter (and so the book's pages) displays as HTML, with
its script inline, so that nothing is fetched from anywhere. Introduced in
chapter 3 (the rolling ball) and chapter 9, "Playground".
"""

from __future__ import annotations

import html
import json
from dataclasses import dataclass
from importlib import resources

import numpy as np

from momentum_lib import _validation as validate
from momentum_lib.landscapes import BumpySlope, Quadratic, Rosenbrock
from momentum_lib.optimizers import minimize
from momentum_lib.plotting import MINIMUM_COLOUR, MOMENTUM_COLOUR, colour_of

__all__ = [
    "PLAYGROUND_LANDSCAPES",
    "PLAYGROUND_STEPS",
    "PLAYGROUND_TOLERANCE",
    "HTMLFigure",
    "playground",
    "playground_widget",
    "rolling_ball",
]

PLAYGROUND_LANDSCAPES = {
    "valley": Quadratic([1.0, 10.0]),
    "rosenbrock": Rosenbrock(1.0, 100.0),
}
"""The playground's landscapes, an ill-conditioned valley (κ = 10) and Rosenbrock's banana."""

PLAYGROUND_STEPS = 500
PLAYGROUND_TOLERANCE = 1e-6
"""The playground reports the step from which the loss Q(w) stays ≤ this tolerance."""

_VIEW = {"x": (-2.0, 2.0), "y": (-1.5, 3.0), "width": 400, "height": 450}

# The playground's controls, written once: (label, widget description, low, high, step).
# The page's sliders, the ipywidgets twin and the drawn view all read this table; the
# start sliders span exactly the view.
_SLIDERS = {
    "log10_learning_rate": ("learning rate η", "log10 η", -4.0, -0.5, 0.01),
    "momentum": ("momentum α", "α", 0.0, 0.99, 0.01),
    "w1": ("start w₁", "start w₁", *_VIEW["x"], 0.05),
    "w2": ("start w₂", "start w₂", *_VIEW["y"], 0.05),
}
_LOSS_PLOT = {"width": 400, "height": 150, "logRange": (-8.0, 4.0)}
_DIVERGENCE_THRESHOLD = 1e12


@dataclass(frozen=True)
class HTMLFigure:
    """A piece of HTML that Jupyter displays as is (its text/plain form is ``label``)."""

    html: str
    label: str

    def _repr_html_(self) -> str:
        return self.html

    def __repr__(self) -> str:
        return self.label


def _script(name: str) -> str:
    return resources.files("momentum_lib").joinpath("static", name).read_text()


def _landscape_config(name: str) -> dict:
    """What playground.js needs to evaluate the landscape; only the kinds it can draw."""
    landscape = PLAYGROUND_LANDSCAPES[name]
    if isinstance(landscape, Quadratic):
        return {"name": name, "kind": "quadratic", "curvatures": landscape.curvatures.tolist()}
    if isinstance(landscape, Rosenbrock):
        return {"name": name, "kind": "rosenbrock", "a": landscape.a, "b": landscape.b}
    raise TypeError(
        f"the playground draws Quadratic and Rosenbrock landscapes, not {type(landscape).__name__}"
    )


def _pixels(w1: np.ndarray, w2: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The playground's pixel coordinates of the weights (w₁, w₂)."""
    px = (np.asarray(w1) - _VIEW["x"][0]) / np.ptp(_VIEW["x"]) * _VIEW["width"]
    py = (_VIEW["y"][1] - np.asarray(w2)) / np.ptp(_VIEW["y"]) * _VIEW["height"]
    return px, py


def _contour_paths(name: str) -> str:
    """SVG contour lines of the landscape and a star at its minimum, in pixel coordinates."""
    from contourpy import contour_generator  # matplotlib's own contouring library

    landscape = PLAYGROUND_LANDSCAPES[name]
    x = np.linspace(*_VIEW["x"], 160)
    y = np.linspace(*_VIEW["y"], 180)
    z = landscape.loss(np.stack(np.meshgrid(x, y), axis=-1))
    generator = contour_generator(x, y, z)
    paths = []
    for level in np.geomspace(max(z.min(), 1e-3), z.max(), 14):
        for line in generator.lines(level):
            px, py = _pixels(line[:, 0], line[:, 1])
            points = " ".join(f"{a:.1f},{b:.1f}" for a, b in zip(px, py, strict=True))
            paths.append(f'<polyline points="{points}"/>')
    mx, my = _pixels(*landscape.minimizer)
    paths.append(
        f'<circle cx="{mx:.1f}" cy="{my:.1f}" r="5" fill="{MINIMUM_COLOUR}" stroke="white"/>'
    )
    return "\n".join(paths)


def _slider(control: str, value: float) -> str:
    label, _, low, high, step = _SLIDERS[control]
    return (
        f'<label>{label} <input type="range" data-control="{control}" min="{low}" '
        f'max="{high}" step="{step}" value="{value}" aria-label="{html.escape(label)}"> '
        f'<output data-show="{control.removeprefix("log10_")}"></output></label>'
    )


def playground(
    *,
    learning_rate: float = 0.15,
    momentum: float = 0.6,
    w0: tuple[float, float] = (-1.8, 1.0),
    landscape: str = "valley",
    element_id: str = "momentum-playground",
) -> HTMLFigure:
    """The in-page playground: sliders for η, α and w0 over a 2-D landscape.

    Introduced in chapter 9, "Playground". The page runs the thread's update
    Δw ← αΔw − η∇Q(w); w ← w + Δw for ``PLAYGROUND_STEPS`` steps at every move
    of a slider, draws the path over the contours and the loss curve (log scale),
    and shows the final loss, the steps until Q stays ≤ ``PLAYGROUND_TOLERANCE`` (or
    the step of divergence) and the effective learning rate η/(1 − α).

    Parameters
    ----------
    learning_rate, momentum, w0
        The sliders' starting values (η in [1e-4, 0.32] on a log scale, α in [0, 0.99]).
    landscape : {"valley", "rosenbrock"}
        The landscape selected at first.
    element_id : str
        The HTML id of the playground (give each playground on a page its own).
    """
    validate.learning_rate(learning_rate)
    validate.momentum(momentum)
    if landscape not in PLAYGROUND_LANDSCAPES:
        raise ValueError(
            f"landscape must be one of {sorted(PLAYGROUND_LANDSCAPES)}, got {landscape!r}"
        )
    w1, w2 = (float(v) for v in validate.finite_array("w0", w0))
    config = {
        "landscapes": {name: _landscape_config(name) for name in PLAYGROUND_LANDSCAPES},
        "steps": PLAYGROUND_STEPS,
        "tolerance": PLAYGROUND_TOLERANCE,
        "threshold": _DIVERGENCE_THRESHOLD,
        "view": _VIEW,
        "lossPlot": _LOSS_PLOT,
    }
    options = "".join(
        f'<option value="{name}"{" selected" if name == landscape else ""}>{name}</option>'
        for name in PLAYGROUND_LANDSCAPES
    )
    contours = "".join(
        f'<g data-contours="{name}" fill="none" stroke="#999" stroke-width="0.8">'
        f"{_contour_paths(name)}</g>"
        for name in PLAYGROUND_LANDSCAPES
    )
    view, plot = _VIEW, _LOSS_PLOT
    page = f"""<div class="momentum-playground" id="{element_id}">
<style>
#{element_id} {{ font: 14px sans-serif; display: flex; flex-wrap: wrap; gap: 1em; }}
#{element_id} label {{ display: block; margin: 0.3em 0; }}
#{element_id} input[type=range] {{ width: 11em; vertical-align: middle; }}
#{element_id} svg {{ background: #fff; border: 1px solid #ccc; max-width: 100%; height: auto; }}
#{element_id} dl {{ display: grid; grid-template-columns: auto auto; gap: 0.2em 1em; }}
</style>
<div>
<svg viewBox="0 0 {view["width"]} {view["height"]}" width="{view["width"]}"
 height="{view["height"]}" role="img"
 aria-label="Contours of the loss over two weights, with the path of the weights">
{contours}
<polyline class="playground-path" fill="none" stroke="{MOMENTUM_COLOUR}" stroke-width="1.5"
 points=""/>
<circle class="playground-start" r="5" fill="none" stroke="{MOMENTUM_COLOUR}" stroke-width="2"/>
</svg>
<svg viewBox="0 0 {plot["width"]} {plot["height"]}" width="{plot["width"]}"
 height="{plot["height"]}" role="img" aria-label="Loss against step, on a log scale">
<polyline class="playground-loss-curve" fill="none" stroke="{MOMENTUM_COLOUR}" stroke-width="1.5"
 points=""/>
<text x="4" y="12" font-size="11">loss Q (log scale, 1e4 to 1e-8) against step, 0 to
 {PLAYGROUND_STEPS}</text>
</svg>
</div>
<div>
<label>landscape <select aria-label="landscape">{options}</select></label>
{_slider("log10_learning_rate", np.log10(learning_rate))}
{_slider("momentum", momentum)}
{_slider("w1", w1)}
{_slider("w2", w2)}
<dl>
<dt>final loss Q</dt><dd data-show="final_loss"></dd>
<dt>steps until Q stays ≤ {PLAYGROUND_TOLERANCE:g}</dt><dd data-show="steps"></dd>
<dt>effective rate η/(1 − α)</dt><dd data-show="effective"></dd>
</dl>
</div>
<script type="application/json" class="playground-config">{json.dumps(config)}</script>
<script>{_script("playground.js")}</script>
</div>"""
    return HTMLFigure(page, f"Playground({landscape}: η = {learning_rate}, α = {momentum})")


def playground_widget(
    *, learning_rate: float = 0.15, momentum: float = 0.6, w0: tuple[float, float] = (-1.8, 1.0)
):
    """The playground as live ipywidgets, for a notebook with a running kernel.

    Introduced in chapter 9, "Playground". Each move of a slider runs
    :func:`~momentum_lib.optimizers.minimize` and redraws the contours with the path and the
    loss curve with matplotlib. Needs ``ipywidgets`` (in requirements.txt).
    """
    import ipywidgets as widgets
    import matplotlib.pyplot as plt

    from momentum_lib.plotting import plot_contours, plot_loss_curves

    def draw(landscape: str, log10_learning_rate: float, momentum: float, w1: float, w2: float):
        surface = PLAYGROUND_LANDSCAPES[landscape]
        run = minimize(
            surface.gradient, [w1, w2], learning_rate=10**log10_learning_rate,
            momentum=momentum, steps=PLAYGROUND_STEPS, loss=surface.loss,
        )  # fmt: skip
        _, (left, right) = plt.subplots(1, 2, figsize=(10, 4))
        plot_contours(surface.loss, _VIEW["x"], _VIEW["y"], paths={"path": run.weights},
                      minimizer=surface.minimizer, ax=left)  # fmt: skip
        plot_loss_curves({"loss": run.losses}, ax=right)
        steps = run.steps_to_settle(PLAYGROUND_TOLERANCE)
        right.set_title("diverged" if run.diverged else f"steps until Q stays ≤ 1e-6: {steps}")
        plt.show()

    values = {
        "log10_learning_rate": float(np.log10(learning_rate)),
        "momentum": momentum,
        "w1": w0[0],
        "w2": w0[1],
    }
    sliders = {
        control: widgets.FloatSlider(
            value=values[control], min=low, max=high, step=step, description=description
        )
        for control, (_, description, low, high, step) in _SLIDERS.items()
    }
    return widgets.interactive(draw, landscape=list(PLAYGROUND_LANDSCAPES), **sliders)


def rolling_ball(
    runs: dict[str, float],
    *,
    landscape: BumpySlope | None = None,
    w0: float = -3.0,
    learning_rate: float = 0.05,
    steps: int = 150,
    w_range: tuple[float, float] = (-3.5, 2.0),
    element_id: str = "rolling-ball",
) -> HTMLFigure:
    """The ball rolling down a 1-D landscape, one ball per run, with play, pause and step.

    Introduced in chapter 3, "Momentum". The positions come from
    :func:`~momentum_lib.optimizers.minimize`, one vectorized call for all runs; the page
    only plays them (about 25 frames a second), so the animation costs a few
    kilobytes of numbers, not a video.

    Parameters
    ----------
    runs : mapping of label to momentum α
        One ball per entry, e.g. ``{"gradient descent": 0.0, "momentum (α = 0.8)": 0.8}``.
    landscape : BumpySlope, optional
        The hill; ``BumpySlope()`` by default.
    w0, learning_rate, steps
        The common start, η and number of steps.
    w_range : (float, float)
        The part of the landscape drawn.
    """
    landscape = BumpySlope() if landscape is None else landscape
    labels = list(runs)
    momenta = validate.momentum([runs[label] for label in labels], "runs")
    trajectory = minimize(
        landscape.gradient, [w0], learning_rate=learning_rate,
        momentum=momenta, steps=validate.steps(steps), loss=landscape.loss,
    )  # fmt: skip
    width, height, margin = 560, 260, 20
    grid = np.linspace(*w_range, 300)
    heights = landscape.loss(grid[:, None])
    top = float(heights.max())

    def px(w):
        return margin + (np.asarray(w) - w_range[0]) / np.ptp(w_range) * (width - 2 * margin)

    def py(q):
        return height - margin - np.asarray(q) / top * (height - 2 * margin)

    curve = " ".join(f"{a:.1f},{b:.1f}" for a, b in zip(px(grid), py(heights), strict=True))
    positions = trajectory.weights[..., 0]  # (steps + 1, runs)
    data = {
        "frames": steps + 1,
        "interval": 40,
        "steps": list(range(steps + 1)),
        "x": [[round(float(v), 1) for v in px(positions[:, i])] for i in range(len(labels))],
        "y": [
            [round(float(v) - 7, 1) for v in py(landscape.loss(positions[:, i, None]))]
            for i in range(len(labels))
        ],
    }
    with_momentum = np.cumsum(momenta != 0) - 1  # the how-many-th run with momentum
    colours = [colour_of(a, i) for a, i in zip(momenta, with_momentum, strict=True)]
    balls = "".join(
        f'<circle class="rolling-ball" r="7" fill="{colours[i]}" stroke="black"/>'
        for i in range(len(labels))
    )
    legend = " ".join(
        f'<span style="color:{colours[i]}">● {html.escape(label)}</span>'
        for i, label in enumerate(labels)
    )
    finals = "; ".join(
        f"{label}: ends at w = {round(positions[-1, i], 2) + 0.0:.2f}"
        for i, label in enumerate(labels)
    )
    page = f"""<div class="rolling-ball-animation" id="{element_id}">
<style>
#{element_id} {{ font: 14px sans-serif; }}
#{element_id} svg {{ max-width: 100%; height: auto; background: #fff; }}
#{element_id} button {{ margin-right: 0.3em; }}
</style>
<svg viewBox="0 0 {width} {height}" width="{width}" height="{height}" role="img"
 aria-label="A ball for each run rolling on the loss curve. {html.escape(finals)}">
<polyline fill="none" stroke="#444" stroke-width="2" points="{curve}"/>
{balls}
</svg>
<div>{legend}</div>
<div>
<button type="button" data-action="play">▶ play</button>
<button type="button" data-action="back">◀ step</button>
<button type="button" data-action="forward">step ▶</button>
<button type="button" data-action="reset">⟲ reset</button>
<input type="range" min="0" max="{steps}" step="1" value="0" aria-label="frame">
<span class="rolling-ball-step"></span>
</div>
<script type="application/json" class="rolling-ball-data">{json.dumps(data)}</script>
<script>{_script("rolling_ball.js")}</script>
</div>"""
    return HTMLFigure(page, f"RollingBall({finals})")
