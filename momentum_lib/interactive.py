"""Interactive figures that work on the static site (no kernel, no network) and in Jupyter.

Every figure is an :class:`InteractiveFigure`: HTML that Jupyter (and so the book's pages)
displays, with its controls, its configuration and momentum_lib's numbers embedded as
JSON, and its scripts inline, so that nothing is fetched from anywhere. One shared script,
``static/figures.js``, draws what the figures share (scales, axes, paths, arrows) and runs
the controls (labelled sliders, choices and switches that work with the keyboard, the
pointer and touch, each with a readout); each figure adds a small script of its own.

Two kinds of numbers reach the page:

- *computed here and embedded*: the figure only shows them (:func:`towards_the_answer`,
  :func:`rolling_ball`, :func:`outlier_fits`, :func:`noisy_floor`);
- *mirrored in the page*: a few lines of JavaScript repeat a library function operation
  for operation on the figure's embedded configuration (:func:`formula_steps`,
  :func:`learning_rate_regimes`, :func:`two_terms`, :func:`one_sample_fit`,
  :func:`schedule_change`, :func:`iteration_map`, :func:`condition_race`,
  :func:`playground`); the tests compare them with the library to 1e-9.

Either way :func:`figure_numbers` gives, from a figure's embedded configuration and the
values of its controls, what the figure shows, computed by the library: the tests read
both from the built page and compare, and :meth:`InteractiveFigure.widget` (the figure's
twin in a running kernel) shows them. :func:`static_picture` draws a stored figure as it
starts, for notebooks that JupyterLab shows before their cells have run.

Introduced in chapter 0 (:func:`formula_steps`); every chapter from 0 to 9 has a figure,
chapter 9 ("Playground") is one.
"""

from __future__ import annotations

import functools
import html
import json
import string
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from html.parser import HTMLParser
from importlib import resources

import numpy as np

from momentum_lib import _validation as validate
from momentum_lib.landscapes import BumpySlope, Quadratic, Rosenbrock
from momentum_lib.optimizers import minimize
from momentum_lib.plotting import EXTRA_COLOURS, MINIMUM_COLOUR, PALETTE, colour_of

__all__ = [
    "FLOOR_BATCH_SIZES",
    "FLOOR_EFFECTIVE_RATES",
    "FLOOR_MOMENTA",
    "HUBER_DELTAS",
    "ONE_SAMPLE_LEARNING_RATES",
    "ONE_SAMPLE_MOMENTA",
    "OUTLIER_SHIFTS",
    "PLAYGROUND_LANDSCAPES",
    "PLAYGROUND_LEARNING_RATES",
    "PLAYGROUND_STEPS",
    "PLAYGROUND_TOLERANCE",
    "RACE_CONDITION_NUMBERS",
    "SCHEDULE_FACTORS",
    "Control",
    "InteractiveFigure",
    "condition_race",
    "figure_numbers",
    "formula_steps",
    "iteration_map",
    "learning_rate_regimes",
    "noisy_floor",
    "one_sample_fit",
    "outlier_fits",
    "playground",
    "playground_widget",
    "rolling_ball",
    "schedule_change",
    "static_picture",
    "towards_the_answer",
    "two_terms",
]

# --- What every figure shares ------------------------------------------------------------


@dataclass(frozen=True)
class Control:
    """One control of an interactive figure: a slider, a choice or a switch.

    Introduced in chapter 9, "Playground". The page's control and the widget twin's are
    made from the same ``Control``, so that both offer the same values.

    Parameters
    ----------
    name : str
        The value's name, as :func:`figure_numbers` receives it.
    label : str
        What the reader sees next to the control (its accessible name too).
    value : float, str or bool
        The value at first.
    low, high, step : float, optional
        A slider's range and step (on log10 of the value if ``log``).
    log : bool, default False
        The slider moves log10 of the value; the readout shows ``digits`` significant digits.
    digits : int, default 2
        Decimals (significant digits if ``log``) of the readout.
    choices : tuple, optional
        A slider over these numbers only, or (for ``kind="choice"``) the options.
    kind : {"slider", "choice", "switch"}, default "slider"
    colour : str, optional
        A switch's swatch: the colour of what it shows or hides.
    """

    name: str
    label: str
    value: float | str | bool
    low: float | None = None
    high: float | None = None
    step: float | None = None
    log: bool = False
    digits: int = 2
    choices: tuple = ()
    kind: str = "slider"
    colour: str | None = None

    def __post_init__(self) -> None:
        if self.kind not in ("slider", "choice", "switch"):
            raise ValueError(f"kind must be 'slider', 'choice' or 'switch', got {self.kind!r}")
        if self.kind == "slider" and not self.choices:
            if self.low is None or self.high is None or self.step is None:
                raise ValueError(f"the slider {self.name!r} needs low, high and step")
            position = np.log10(self.value) if self.log else self.value
            if not self.low - 1e-12 <= position <= self.high + 1e-12:
                raise ValueError(
                    f"{self.name} must be within [{self.low}, {self.high}]"
                    f"{' on a log10 scale' if self.log else ''}, got {self.value}"
                )
        if self.choices and self.kind != "switch" and self.value not in self.choices:
            raise ValueError(f"{self.name} must be one of {list(self.choices)}, got {self.value!r}")

    def html(self) -> str:
        """The control as HTML: labelled, with its readout (``<output data-show>``)."""
        label = html.escape(self.label)
        if self.kind == "switch":
            checked = " checked" if self.value else ""
            swatch = (
                f'<span class="mf-swatch" style="background:{self.colour}"></span>'
                if self.colour
                else ""
            )
            return (
                f'<label class="mf-switch"><input type="checkbox" data-control="{self.name}"'
                f"{checked}>{swatch}{label}</label>"
            )
        if self.kind == "choice":
            options = "".join(
                f'<option value="{html.escape(str(choice))}"'
                f"{' selected' if choice == self.value else ''}>{html.escape(str(choice))}</option>"
                for choice in self.choices
            )
            return (
                f'<label class="mf-control"><span>{label}</span><select data-control="{self.name}"'
                f' aria-label="{label}">{options}</select></label>'
            )
        if self.choices:
            attributes = (
                f'min="0" max="{len(self.choices) - 1}" step="1" '
                f'value="{self.choices.index(self.value)}" '
                f"data-values='{json.dumps(list(self.choices))}'"
            )
        else:
            position = float(np.log10(self.value)) if self.log else self.value
            attributes = (
                f'min="{self.low}" max="{self.high}" step="{self.step}" value="{position:.6g}"'
            )
        scale = ' data-scale="log"' if self.log else ""
        return (
            f'<label class="mf-control"><span>{label}</span><input type="range" '
            f'data-control="{self.name}" {attributes}{scale} data-digits="{self.digits}" '
            f'aria-label="{label}"><output data-show="{self.name}"></output></label>'
        )

    def widget(self):
        """The same control as an ipywidget (for :meth:`InteractiveFigure.widget`)."""
        import ipywidgets as widgets

        if self.kind == "switch":
            return widgets.Checkbox(value=bool(self.value), description=self.label)
        if self.kind == "choice":
            return widgets.Dropdown(
                options=list(self.choices), value=self.value, description=self.label
            )
        if self.choices:
            return widgets.SelectionSlider(
                options=list(self.choices), value=self.value, description=self.label
            )
        if self.log:
            return widgets.FloatLogSlider(
                value=self.value, base=10, min=self.low, max=self.high, step=self.step,
                description=self.label,
            )  # fmt: skip
        return widgets.FloatSlider(
            value=self.value, min=self.low, max=self.high, step=self.step, description=self.label
        )


@dataclass(frozen=True)
class InteractiveFigure:
    """An interactive figure: HTML that Jupyter displays as is, and what it was made of.

    Introduced in chapter 3, "Momentum" (the rolling ball). Displayed in a notebook, it
    is the figure itself (its scripts run once the notebook is trusted, for example after
    you run its cell); :meth:`widget` is its twin, run by the kernel.

    Attributes
    ----------
    kind : str
        Which figure (the ``data-figure`` of its outer element).
    html : str
        The figure's HTML, outer element of class ``interactive-figure``.
    label : str
        Its text/plain form: what it shows, in one line.
    config : dict
        Its configuration and data, as the page embeds them.
    controls : tuple of Control
    """

    kind: str
    html: str
    label: str
    config: dict = field(repr=False)
    controls: tuple[Control, ...] = field(repr=False)

    def _repr_html_(self) -> str:
        return self.html

    def __repr__(self) -> str:
        return self.label

    def values(self) -> dict:
        """The controls' values as the figure starts."""
        return {control.name: control.value for control in self.controls}

    def numbers(self, **values) -> dict:
        """What the figure shows for these control values (the others as at first)."""
        unknown = set(values) - set(self.values())
        if unknown:
            raise ValueError(
                f"no such control: {sorted(unknown)}; the controls: {list(self.values())}"
            )
        return figure_numbers(self.kind, self.config, {**self.values(), **values})

    def widget(self):
        """The figure's twin as live ipywidgets: each change runs the library in the kernel.

        The same controls, and for each change the numbers of :func:`figure_numbers` and a
        matplotlib drawing of them. Needs ``ipywidgets`` (in requirements.txt).
        """
        import ipywidgets as widgets
        import matplotlib.pyplot as plt

        from momentum_lib.tables import print_table

        def show(**values) -> None:
            numbers = figure_numbers(self.kind, self.config, values)
            _KINDS[self.kind].draw(self.config, values, numbers)
            plt.show()
            rows = [(name, _shown(value)) for name, value in numbers.items() if _is_readout(value)]
            print_table(["", "value"], rows, ["s", "s"])

        sliders = {control.name: control.widget() for control in self.controls}
        return widgets.interactive(show, **sliders)


def _shown(value) -> str:
    if isinstance(value, float):
        return "—" if not np.isfinite(value) else f"{value:.6g}"
    return str(value)


def _is_readout(value) -> bool:
    return isinstance(value, str | int | float) and not isinstance(value, bool)


@dataclass(frozen=True)
class _Kind:
    """A kind of figure: its library numbers and its matplotlib drawing (the twin's)."""

    numbers: Callable[[dict, dict], dict]
    draw: Callable[[dict, dict, dict], None]


_KINDS: dict[str, _Kind] = {}


def figure_numbers(kind: str, config: Mapping, values: Mapping) -> dict:
    """What a figure of this kind shows for these control values, computed by the library.

    Introduced in chapter 9, "Playground". ``config`` is the figure's embedded
    configuration (``InteractiveFigure.config``, or the JSON read from a built page) and
    ``values`` its controls' values; the result maps each readout of the page
    (``data-show``) to its value, and names the arrays the page draws. The tests compare
    it with the page; :meth:`InteractiveFigure.widget` shows it.

    Raises
    ------
    ValueError
        If ``kind`` is not a figure of this module.
    """
    if kind not in _KINDS:
        raise ValueError(f"kind must be one of {sorted(_KINDS)}, got {kind!r}")
    return _KINDS[kind].numbers(dict(config), dict(values))


def _static(name: str) -> str:
    return resources.files("momentum_lib").joinpath("static", name).read_text(encoding="utf-8")


def _template(name: str, **pieces: str) -> str:
    """The figure's markup, ``static/<name>.html``, with its ``$pieces`` filled in."""
    return string.Template(_static(f"{name}.html")).substitute(pieces)


def _json(data) -> str:
    """JSON safe inside a <script> element."""
    return json.dumps(data, separators=(",", ":")).replace("</", "<\\/")


def _rounded(values, digits: int = 12) -> list:
    """Numbers for the page, to ``digits`` significant digits (None for nan)."""
    array = np.asarray(values, dtype=float)
    if array.ndim > 1:
        return [_rounded(row, digits) for row in array]
    return [float(f"{v:.{digits}g}") if np.isfinite(v) else None for v in array]


_RUN_COLOURS = {"gradientDescent": PALETTE["gradient descent"], "momentum": PALETTE["momentum"]}
"""A run's colour in the pages, as :func:`~momentum_lib.plotting.colour_of` gives it."""


def _sampled(values: np.ndarray, every: int, digits: int) -> list:
    """Every ``every``-th step of runs recorded as (steps + 1, *grid), as (*grid, samples)."""
    return _rounded(np.moveaxis(values[::every], 0, -1), digits)


def _readouts(items: list[tuple[str, str]]) -> str:
    cells = "".join(
        f'<div><dt>{html.escape(label)}</dt><dd data-show="{name}"></dd></div>'
        for name, label in items
    )
    return f'<dl class="mf-readouts" aria-live="polite">{cells}</dl>'


def _table(corner: str, columns: list[str], rows: list[tuple[str, list[str]]], caption: str) -> str:
    """A table of readouts: one row per (label, readout names), one column per quantity.

    ``corner`` heads the column of row labels (an empty cell if it is "").
    """
    head = (f'<th scope="col">{html.escape(corner)}</th>' if corner else "<td></td>") + "".join(
        f'<th scope="col">{html.escape(column)}</th>' for column in columns
    )
    body = "".join(
        f'<tr><th scope="row">{html.escape(label)}</th>'
        + "".join(f'<td data-show="{name}"></td>' for name in names)
        + "</tr>"
        for label, names in rows
    )
    return (
        f'<table class="mf-table" aria-live="polite"><caption class="mf-sr-only">'
        f"{html.escape(caption)}</caption><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
    )


def _legend(
    items: list[tuple[str, str]], *, dots: bool = False, dotted: tuple[str, ...] = ()
) -> str:
    """A legend: a swatch per (label, colour); the labels in ``dotted`` as dotted lines."""
    shape = " mf-dot" if dots else ""
    spans = "".join(
        (
            f'<span><span class="mf-swatch" style="height:0;'
            f'border-top:0.25em dotted {colour}"></span>'
            if label in dotted
            else f'<span><span class="mf-swatch{shape}" style="background:{colour}"></span>'
        )
        + f"{html.escape(label)}</span>"
        for label, colour in items
    )
    return f'<div class="mf-legend">{spans}</div>'


def _assemble(
    kind: str,
    element_id: str,
    *,
    title: str,
    description: str,
    body: str,
    controls: tuple[Control, ...],
    config: dict,
    after_controls: str = "",
    classes: str = "",
) -> str:
    """The figure's HTML: outer element, style, description, body, controls, data, scripts."""
    controls_html = "".join(control.html() for control in controls)
    return (
        f'<div class="interactive-figure {classes}" data-figure="{kind}" id="{element_id}" '
        f'role="group" aria-label="{html.escape(title)}" '
        f'aria-describedby="{element_id}-description">\n'
        f"<style>{_static('figures.css')}</style>\n"
        f'<p class="mf-sr-only" id="{element_id}-description">{html.escape(description)}</p>\n'
        f"{body}\n"
        f'<div class="mf-controls">{controls_html}</div>\n'
        f"{after_controls}\n"
        f'<script type="application/json" class="figure-config">{_json(config)}</script>\n'
        f"<script>{_static('figures.js')}</script>\n"
        f"<script>{_static(kind.replace('-', '_') + '.js')}</script>\n"
        "</div>"
    )


def _contour_paths(loss: Callable, x_range, y_range, pixels: Callable, levels: int = 14) -> str:
    """SVG contour lines of ``loss`` over the view, in the pixels ``pixels(w1, w2)`` gives."""
    from contourpy import contour_generator  # matplotlib's own contouring library

    x = np.linspace(*x_range, 160)
    y = np.linspace(*y_range, 180)
    z = loss(np.stack(np.meshgrid(x, y), axis=-1))
    generator = contour_generator(x, y, z)
    paths = []
    for level in np.geomspace(max(z.min(), 1e-3), z.max(), levels):
        for line in generator.lines(level):
            px, py = pixels(line[:, 0], line[:, 1])
            points = " ".join(f"{a:.1f},{b:.1f}" for a, b in zip(px, py, strict=True))
            paths.append(f'<polyline points="{points}"/>')
    return "\n".join(paths)


def _linear(domain: tuple[float, float], pixels: tuple[float, float]) -> Callable:
    """The map from data to pixels that figures.js's ``scale(domain, pixels)`` is."""

    def to_pixels(value):
        return pixels[0] + (np.asarray(value) - domain[0]) * (
            (pixels[1] - pixels[0]) / (domain[1] - domain[0])
        )

    return to_pixels


# --- The playground (chapter 9) ------------------------------------------------------------

PLAYGROUND_LANDSCAPES = {
    "valley": Quadratic([1.0, 10.0]),
    "rotated valley": Quadratic(
        [1.0, 20.0],
        minimizer=[0.5, 1.0],
        rotation=[[np.cos(np.pi / 4), np.sin(np.pi / 4)], [-np.sin(np.pi / 4), np.cos(np.pi / 4)]],
    ),
    "rosenbrock": Rosenbrock(1.0, 100.0),
}
"""The playground's landscapes, an ill-conditioned valley (κ = 10), the same kind of valley
turned by 45° (κ = 20), whose narrow direction mixes both weights, and Rosenbrock's banana."""

PLAYGROUND_LEARNING_RATES = tuple(
    float(f"{mantissa}e{exponent}")
    for exponent in (-4, -3, -2, -1)
    for mantissa in (1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 7, 8)
    if float(f"{mantissa}e{exponent}") <= 0.4
)
"""The learning rates the playground's slider offers, 11 round numbers a decade from 1e-4 to 0.4."""

PLAYGROUND_STEPS = 500
PLAYGROUND_TOLERANCE = 1e-6
"""The playground reports the step from which the loss Q(w) stays ≤ this tolerance."""

_VIEW = {"x": (-2.0, 2.0), "y": (-1.5, 3.0)}
_MAP_PIXELS = {"x": (40.0, 400.0), "y": (420.0, 10.0)}  # as playground.js draws the map
_DIVERGENCE_THRESHOLD = 1e12
_METHODS = (
    ("gd", "gradient descent", False, False),
    ("momentum", "momentum", True, False),
    ("nesterov", "Nesterov", True, True),
)


def _landscape_config(name: str) -> dict:
    """What playground.js needs to evaluate the landscape; only the kinds it can draw."""
    landscape = PLAYGROUND_LANDSCAPES[name]
    if isinstance(landscape, Quadratic):
        return {
            "kind": "quadratic",
            "hessian": landscape.hessian.tolist(),
            "minimizer": landscape.minimizer.tolist(),
        }
    if isinstance(landscape, Rosenbrock):
        return {"kind": "rosenbrock", "a": landscape.a, "b": landscape.b}
    raise TypeError(
        f"the playground draws Quadratic and Rosenbrock landscapes, not {type(landscape).__name__}"
    )


def _landscape_of(config: dict):
    """The library's landscape for a configuration playground.js evaluates."""
    if config["kind"] == "quadratic":
        hessian = np.array(config["hessian"])
        curvatures, vectors = np.linalg.eigh(hessian)
        return Quadratic(curvatures, minimizer=config["minimizer"], rotation=vectors.T)
    return Rosenbrock(config["a"], config["b"])


def _playground_controls(learning_rate, momentum, w0, landscape) -> tuple[Control, ...]:
    return (
        Control("landscape", "landscape", landscape, choices=tuple(PLAYGROUND_LANDSCAPES),
                kind="choice"),
        Control("learning_rate", "learning rate η", learning_rate,
                choices=PLAYGROUND_LEARNING_RATES),
        Control("momentum", "momentum α", momentum, 0.0, 0.99, 0.01),
        Control("w1", "start w₁", float(w0[0]), *_VIEW["x"], 0.05),
        Control("w2", "start w₂", float(w0[1]), *_VIEW["y"], 0.05),
        *(
            Control(f"show_{key}", name, True, kind="switch", colour=PALETTE[name])
            for key, name, _, _ in _METHODS
        ),
    )  # fmt: skip


def playground(
    *,
    learning_rate: float = 0.15,
    momentum: float = 0.6,
    w0: tuple[float, float] = (-1.8, 1.0),
    landscape: str = "valley",
    element_id: str = "momentum-playground",
) -> InteractiveFigure:
    """The playground: gradient descent, momentum and Nesterov from the same start.

    Introduced in chapter 9, "Playground". At every move of a control the page runs
    the thread's update Δw ← αΔw − η∇Q(w); w ← w + Δw (and Nesterov's, with the
    gradient at w + αΔw) for ``PLAYGROUND_STEPS`` steps, in a script that mirrors
    :func:`~momentum_lib.optimizers.minimize`, draws the three paths over the contours
    and their loss curves (log scale), and shows for each the final loss and the steps
    until Q stays ≤ ``PLAYGROUND_TOLERANCE`` (or the step of divergence), and the
    effective learning rate η/(1 − α). A press or a drag on the map moves the start; a
    link carries the settings in the page's address (``?momentum=0.9&…``), for a
    teacher to share.

    Parameters
    ----------
    learning_rate, momentum, w0
        The controls' starting values (η in [1e-4, 0.32] on a log scale, α in [0, 0.99],
        w0 within the view, w₁ in [-2, 2] and w₂ in [-1.5, 3]).
    landscape : {"valley", "rotated valley", "rosenbrock"}
        The landscape selected at first.
    element_id : str
        The HTML id of the playground (give each playground on a page its own).

    Raises
    ------
    ValueError
        If a value is outside its control's range or ``landscape`` is unknown.
    """
    validate.learning_rate(learning_rate)
    validate.momentum(momentum)
    if landscape not in PLAYGROUND_LANDSCAPES:
        raise ValueError(
            f"landscape must be one of {sorted(PLAYGROUND_LANDSCAPES)}, got {landscape!r}"
        )
    w0 = validate.finite_array("w0", w0)
    controls = _playground_controls(learning_rate, momentum, w0, landscape)
    config = {
        "landscapes": {name: _landscape_config(name) for name in PLAYGROUND_LANDSCAPES},
        "methods": [
            {"key": key, "name": name, "momentum": uses_momentum, "nesterov": nesterov}
            for key, name, uses_momentum, nesterov in _METHODS
        ],
        "steps": PLAYGROUND_STEPS,
        "tolerance": PLAYGROUND_TOLERANCE,
        "threshold": _DIVERGENCE_THRESHOLD,
        "view": _VIEW,
    }
    px, py = _linear(_VIEW["x"], _MAP_PIXELS["x"]), _linear(_VIEW["y"], _MAP_PIXELS["y"])
    contours = "".join(
        f'<g data-contours="{name}" fill="none" stroke="#aaa" stroke-width="0.8">'
        + _contour_paths(surface.loss, _VIEW["x"], _VIEW["y"], lambda a, b: (px(a), py(b)))
        + f'<circle cx="{px(surface.minimizer[0]):.1f}" cy="{py(surface.minimizer[1]):.1f}" r="5"'
        f' fill="{MINIMUM_COLOUR}" stroke="white"/></g>'
        for name, surface in PLAYGROUND_LANDSCAPES.items()
    )
    # The momentum path first: the page's first .playground-path is momentum's.
    order = sorted(_METHODS, key=lambda method: method[0] != "momentum")
    paths = "".join(
        f'<polyline class="playground-path" data-method="{key}" fill="none" '
        f'stroke="{PALETTE[name]}" stroke-width="1.6" points=""/>'
        for key, name, _, _ in order
    )
    curves = "".join(
        f'<polyline class="playground-loss-curve" data-method="{key}" fill="none" '
        f'stroke="{PALETTE[name]}" stroke-width="1.4" points=""/>'
        for key, name, _, _ in order
    )
    body = _template(
        "playground",
        contours=contours,
        paths=paths,
        curves=curves,
        minimum=MINIMUM_COLOUR,
        element_id=element_id,
        readouts=_readouts([("effective", "effective rate η/(1 − α)")]),
        table=_table(
            "method",
            ["final loss", "steps until Q ≤ 10⁻⁶"],
            [(name, [f"final_loss:{key}", f"steps:{key}"]) for key, name, _, _ in _METHODS],
            "Each method's final loss and the steps until its loss stays at or below 1e-6",
        ),
    )
    page = _assemble(
        "playground",
        element_id,
        title="Playground: gradient descent, momentum and Nesterov",
        description=(
            "An interactive playground. Choose a landscape, the learning rate η, the momentum α "
            "and the start; the page runs gradient descent, momentum and Nesterov for "
            f"{PLAYGROUND_STEPS} steps, draws their paths over the contours of the loss and "
            "their loss curves, and shows each method's final loss and the steps it needs."
        ),
        body=body,
        controls=controls,
        config=config,
        classes="momentum-playground",
    )
    return InteractiveFigure(
        "playground",
        page,
        f"Playground({landscape}: η = {learning_rate}, α = {momentum})",
        config,
        controls,
    )


def _playground_numbers(config: dict, values: dict) -> dict:
    surface = _landscape_of(config["landscapes"][values["landscape"]])
    numbers: dict = {"effective": values["learning_rate"] / (1 - values["momentum"])}
    for method in config["methods"]:
        run = minimize(
            surface.gradient, [values["w1"], values["w2"]],
            learning_rate=values["learning_rate"],
            momentum=values["momentum"] if method["momentum"] else 0.0,
            nesterov=method["nesterov"], steps=config["steps"], loss=surface.loss,
            divergence_threshold=config["threshold"],
        )  # fmt: skip
        key = method["key"]
        kept = run.diverged_at if run.diverged else config["steps"] + 1
        numbers[f"weights:{key}"] = run.weights[:kept]
        numbers[f"losses:{key}"] = run.losses[:kept]
        if run.diverged:
            numbers[f"steps:{key}"] = f"diverged at step {run.diverged_at}"
            numbers[f"final_loss:{key}"] = float("nan")
        else:
            settled = run.steps_to_settle(config["tolerance"])
            numbers[f"steps:{key}"] = (
                str(settled) if settled >= 0 else f"not within {config['steps']} steps"
            )
            numbers[f"final_loss:{key}"] = float(run.losses[-1])
    return numbers


def _playground_draw(config: dict, values: dict, numbers: dict) -> None:
    import matplotlib.pyplot as plt

    from momentum_lib.plotting import plot_contours, plot_loss_curves

    surface = _landscape_of(config["landscapes"][values["landscape"]])
    shown = [m for m in config["methods"] if values[f"show_{m['key']}"]]
    _, (left, right) = plt.subplots(1, 2, figsize=(10, 4))
    plot_contours(
        surface.loss, config["view"]["x"], config["view"]["y"],
        paths={m["name"]: numbers[f"weights:{m['key']}"] for m in shown},
        minimizer=surface.minimizer, ax=left,
    )  # fmt: skip
    plot_loss_curves({m["name"]: numbers[f"losses:{m['key']}"] for m in shown}, ax=right)


_KINDS["playground"] = _Kind(_playground_numbers, _playground_draw)


def playground_widget(
    *, learning_rate: float = 0.15, momentum: float = 0.6, w0: tuple[float, float] = (-1.8, 1.0)
):
    """The playground as live ipywidgets, for a notebook with a running kernel.

    Introduced in chapter 9, "Playground". The twin of :func:`playground`
    (:meth:`InteractiveFigure.widget`): each move of a control runs
    :func:`~momentum_lib.optimizers.minimize` for the three methods and redraws the
    contours with the paths and the loss curves with matplotlib. Needs ``ipywidgets``.
    """
    return playground(learning_rate=learning_rate, momentum=momentum, w0=w0).widget()


# --- The rolling ball (chapter 3) ------------------------------------------------------------


def rolling_ball(
    runs: dict[str, float],
    *,
    landscape: BumpySlope | None = None,
    w0: float = -3.0,
    learning_rate: float = 0.05,
    steps: int = 150,
    w_range: tuple[float, float] = (-3.5, 2.0),
    element_id: str = "rolling-ball",
) -> InteractiveFigure:
    """The ball rolling down a 1-D landscape, one ball per run, with play, pause and step.

    Introduced in chapter 3, "Momentum". The positions come from
    :func:`~momentum_lib.optimizers.minimize`, one vectorized call for all runs; the page
    only plays them (25 frames a second), so the animation costs a few kilobytes of
    numbers, not a video. A slider (or the arrow keys) picks any step; the readouts show
    each ball's weight.

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
    element_id : str
        The HTML id of the figure.
    """
    landscape = BumpySlope() if landscape is None else landscape
    labels = list(runs)
    momenta = validate.momentum([runs[label] for label in labels], "runs")
    steps = validate.steps(steps)
    trajectory = minimize(
        landscape.gradient, [w0], learning_rate=learning_rate,
        momentum=momenta, steps=steps, loss=landscape.loss,
    )  # fmt: skip
    grid = np.linspace(*w_range, 300)
    heights = landscape.loss(grid[:, None])
    positions = trajectory.weights[..., 0]  # (steps + 1, runs)
    config = {
        "landscape": {
            "slope": landscape.slope,
            "ripple_amplitude": landscape.ripple_amplitude,
            "ripple_frequency": landscape.ripple_frequency,
        },
        "runs": [
            {"label": label, "momentum": float(a)} for label, a in zip(labels, momenta, strict=True)
        ],
        "w0": w0,
        "learning_rate": learning_rate,
        "frames": steps + 1,
        "interval": 40,
        "wRange": list(w_range),
        "top": float(heights.max()),
        "curve": {"w": _rounded(grid, 6), "q": _rounded(heights, 6)},
        "w": _rounded(positions.T),
        "q": _rounded(trajectory.losses.T),
    }  # fmt: skip
    with_momentum = np.cumsum(momenta != 0) - 1  # the how-many-th run with momentum
    colours = [colour_of(a, i) for a, i in zip(momenta, with_momentum, strict=True)]
    balls = "".join(
        f'<circle class="rolling-ball" r="7" fill="{colour}" stroke="black"/>' for colour in colours
    )
    finals = "; ".join(
        f"{label}: ends at w = {round(positions[-1, i], 2) + 0.0:.2f}"
        for i, label in enumerate(labels)
    )
    controls = (Control("frame", "step", 0, 0, steps, 1, digits=0),)
    body = _template(
        "rolling_ball",
        finals=html.escape(finals),
        balls=balls,
        legend=_legend(list(zip(labels, colours, strict=True)), dots=True),
    )
    readouts = _readouts([(f"w:{i}", f"w, {label}") for i, label in enumerate(labels)])
    page = _assemble(
        "rolling-ball",
        element_id,
        title="Balls rolling down the hill",
        description=(
            f"An animation of {len(labels)} balls rolling down a bumpy hill from w = {w0}, one "
            f"for each run ({', '.join(labels)}), for {steps} steps. {finals}. Play, pause, "
            "step forward or back, or pick a step with the slider."
        ),
        body=body,
        controls=controls,
        config=config,
        after_controls=readouts,
        classes="rolling-ball-animation",
    )
    return InteractiveFigure("rolling-ball", page, f"RollingBall({finals})", config, controls)


def _rolling_ball_numbers(config: dict, values: dict) -> dict:
    landscape = BumpySlope(**config["landscape"])
    momenta = [run["momentum"] for run in config["runs"]]
    run = minimize(
        landscape.gradient, [config["w0"]], learning_rate=config["learning_rate"],
        momentum=momenta, steps=config["frames"] - 1, loss=landscape.loss,
    )  # fmt: skip
    frame = int(values["frame"])
    numbers: dict = {"positions": run.weights[..., 0].T, "losses": run.losses.T}
    for i in range(len(momenta)):
        numbers[f"w:{i}"] = float(run.weights[frame, i, 0])
    return numbers


def _rolling_ball_draw(config: dict, values: dict, numbers: dict) -> None:

    from momentum_lib.plotting import plot_landscape_1d

    landscape = BumpySlope(**config["landscape"])
    ax = plot_landscape_1d(landscape.loss, tuple(config["wRange"]))
    frame = int(values["frame"])
    for i, run in enumerate(config["runs"]):
        w = numbers["positions"][i, frame]
        ax.plot(w, landscape.loss(np.array([w])), "o", ms=10, label=run["label"])
    ax.legend()
    ax.set_title(f"step {frame}")


_KINDS["rolling-ball"] = _Kind(_rolling_ball_numbers, _rolling_ball_draw)


# --- Outliers and the three regression losses (chapter 5) ------------------------------------

OUTLIER_SHIFTS = tuple(float(s) for s in range(0, 31, 2))
"""The distances, 0, 2, … 30, by which :func:`outlier_fits` offers to move the outliers down."""
HUBER_DELTAS = (0.1, 0.2, 0.5, 1.0, 2.0, 3.0, 5.0, 10.0, 20.0, 30.0)
"""The Huber δ that :func:`outlier_fits` offers."""
_HUBER_FIT = {"learning_rate": 0.05, "momentum": 0.9, "steps": 3000}
_LOSS_LINES = (  # key, name, colour: MSE and Huber as in chapter 5's figures
    ("mse", "MSE", PALETTE["gradient descent"]),
    ("mae", "MAE", EXTRA_COLOURS[1]),
    ("huber", "Huber", PALETTE["Nesterov"]),
)


def _mae_line(features: np.ndarray, targets: np.ndarray) -> np.ndarray:
    """A best MAE line (b, w): the MAE of a line is piecewise linear, so a best line runs
    through two of the points; every pair is tried (the first best pair is kept)."""
    x = features[:, 1]
    i, j = np.triu_indices(len(targets), k=1)
    distinct = x[i] != x[j]
    i, j = i[distinct], j[distinct]
    slopes = (targets[j] - targets[i]) / (x[j] - x[i])
    lines = np.stack([targets[i] - slopes * x[i], slopes], axis=-1)
    return lines[np.abs(lines @ features.T - targets).mean(axis=-1).argmin()]


def _shifted(config: dict, shift: float) -> np.ndarray:
    y = np.array(config["y"], dtype=float)
    y[config["outliers"]] -= shift
    return y


def outlier_fits(
    x,
    y,
    outliers,
    *,
    shift: float = 20.0,
    delta: float = 1.0,
    truth: tuple[float, float] | None = None,
    element_id: str = "outlier-fits",
) -> InteractiveFigure:
    """The lines fitted under MSE, MAE and Huber as a few points move away, and Huber's δ.

    Introduced in chapter 5, "Which loss?". The points ``outliers`` of the data (x, y) are
    moved down by a distance the reader chooses (``OUTLIER_SHIFTS``), and the page shows
    the line ŷ = b + w x fitted to the moved data under each loss: MSE by least squares,
    MAE exactly (a best MAE line runs through two of the points: every pair is tried),
    Huber with δ from ``HUBER_DELTAS`` by :func:`~momentum_lib.optimizers.minimize` with
    η = 0.05 and α = 0.9 for 3000 steps from (0, 0), as chapter 5 fits it. Every fit for
    every setting is computed here and embedded (the Huber fits in one vectorized call).

    Parameters
    ----------
    x, y : array_like, shape (n,)
        The data, before any point is moved.
    outliers : array_like of int
        The indices of the points that move.
    shift, delta : float
        The sliders' starting values, from ``OUTLIER_SHIFTS`` and ``HUBER_DELTAS``.
    truth : (float, float), optional
        The line (b, w) the data come from, drawn dashed.
    element_id : str
        The HTML id of the figure.

    Raises
    ------
    ValueError
        If x and y differ in shape, an index is out of range, or a value is not offered.
    """
    from momentum_lib.losses import _huber_gradient
    from momentum_lib.models import design_matrix

    x, y = validate.same_shape(x, y)
    outliers = np.asarray(outliers, dtype=int)
    if x.ndim != 1 or outliers.ndim != 1 or not np.all((outliers >= 0) & (outliers < x.size)):
        raise ValueError(f"outliers must be indices into x (0 to {x.size - 1}), got {outliers}")
    features = design_matrix(x)
    config: dict = {
        "x": _rounded(x),
        "y": _rounded(y),
        "outliers": outliers.tolist(),
        "shifts": list(OUTLIER_SHIFTS),
        "deltas": list(HUBER_DELTAS),
        "huberFit": _HUBER_FIT,
        "truth": None if truth is None else [float(v) for v in truth],
        "losses": [{"key": key, "name": name} for key, name, _ in _LOSS_LINES],
    }
    data = np.stack([_shifted(config, s) for s in OUTLIER_SHIFTS])  # (shifts, n)
    deltas = np.array(HUBER_DELTAS)

    def huber_gradients(weights):  # weights (shifts, deltas, 2): every Huber fit at once
        predictions = weights @ features.T  # (shifts, deltas, n)
        return _huber_gradient(predictions, data[:, None, :], deltas[None, :, None]) @ features

    huber = minimize(huber_gradients, np.zeros((len(OUTLIER_SHIFTS), deltas.size, 2)), **_HUBER_FIT)
    config["fits"] = {
        "mse": _rounded([np.linalg.lstsq(features, targets, rcond=None)[0] for targets in data]),
        "mae": _rounded([_mae_line(features, targets) for targets in data]),
        "huber": _rounded(huber.final_weights),
    }
    every = np.concatenate([y, data.ravel()])
    margin = 0.05 * np.ptp(every)
    config["xRange"] = [float(x.min() - 0.05 * np.ptp(x)), float(x.max() + 0.05 * np.ptp(x))]
    config["yRange"] = [float(every.min() - margin), float(every.max() + margin)]
    if config["truth"] is None:
        config["truth"] = config["fits"]["mse"][0]
    controls = (
        Control("shift", "outliers moved down by", float(shift), choices=OUTLIER_SHIFTS),
        Control("delta", "Huber's δ", float(delta), choices=HUBER_DELTAS),
    )
    normal = [i for i in range(x.size) if i not in set(config["outliers"])]
    marks = "".join(
        '<path class="outlier-fits-point" d="M-5,-5L5,5M-5,5L5,-5" stroke="#000" stroke-width="2"/>'
        if i in set(config["outliers"])
        else '<circle class="outlier-fits-point" r="3.2" fill="#777"/>'
        for i in range(x.size)
    )
    lines = "".join(
        f'<path class="outlier-fits-line" data-loss="{key}" fill="none" stroke="{colour}" '
        'stroke-width="2.2"/>'
        for key, _, colour in _LOSS_LINES
    )
    body = _template(
        "outlier_fits",
        moved=str(outliers.size),
        marks=marks,
        lines=lines,
        legend=_legend(
            [(name, colour) for _, name, colour in _LOSS_LINES]
            + [("the line the data come from (dashed)", "#000")]
        ),
        table=_table(
            "loss",
            ["slope w", "intercept b"],
            [(name, [f"slope:{key}", f"intercept:{key}"]) for key, name, _ in _LOSS_LINES],
            "The slope and intercept of the line fitted under each loss",
        ),
    )
    page = _assemble(
        "outlier-fits",
        element_id,
        title="Outliers and the three regression losses",
        description=(
            f"{x.size} data points, {len(normal)} ordinary and {outliers.size} that a slider moves "
            "down, with the lines fitted under MSE, MAE and Huber's loss. A second slider sets "
            "Huber's δ. The table gives each line's slope and intercept."
        ),
        body=body,
        controls=controls,
        config=config,
    )
    fits = config["fits"]
    s, d = OUTLIER_SHIFTS.index(float(shift)), HUBER_DELTAS.index(float(delta))
    label = (
        f"OutlierFits(shift {shift:g}, δ = {delta:g}: slopes MSE {fits['mse'][s][1]:.3f}, "
        f"MAE {fits['mae'][s][1]:.3f}, Huber {fits['huber'][s][d][1]:.3f})"
    )
    return InteractiveFigure("outlier-fits", page, label, config, controls)


def _outlier_fits_numbers(config: dict, values: dict) -> dict:
    from momentum_lib.models import design_matrix, linear_regression

    features = design_matrix(config["x"])
    targets = _shifted(config, values["shift"])
    huber = linear_regression(features, targets, loss="huber", delta=values["delta"])
    fits = {
        "mse": np.linalg.lstsq(features, targets, rcond=None)[0],
        "mae": _mae_line(features, targets),
        "huber": minimize(huber.gradient, [0.0, 0.0], **config["huberFit"]).final_weights,
    }
    numbers: dict = {"targets": targets}
    for key, (intercept, slope) in fits.items():
        numbers[f"slope:{key}"] = float(slope)
        numbers[f"intercept:{key}"] = float(intercept)
    return numbers


def _outlier_fits_draw(config: dict, values: dict, numbers: dict) -> None:
    import matplotlib.pyplot as plt

    x = np.array(config["x"])
    _, ax = plt.subplots(figsize=(7, 4.2))
    ax.scatter(x, numbers["targets"], s=14, color="0.45", label="data")
    ends = np.array(config["xRange"])
    for key, name, colour in _LOSS_LINES:
        b, w = numbers[f"intercept:{key}"], numbers[f"slope:{key}"]
        ax.plot(ends, b + w * ends, color=colour, lw=2, label=f"{name}: slope {w:.3f}")
    ax.set(xlabel="x", ylabel="y")
    ax.legend(fontsize=9)


_KINDS["outlier-fits"] = _Kind(_outlier_fits_numbers, _outlier_fits_draw)


# --- One weight under MSE, MAE and Huber (chapter 5) ------------------------------------------

ONE_SAMPLE_LEARNING_RATES = (0.003, 0.01, 0.03, 0.1, 0.3)
ONE_SAMPLE_MOMENTA = (0.0, 0.5, 0.9, 0.99)
"""The learning rates η and momenta α that :func:`one_sample_fit` offers."""
_ONE_SAMPLE_LOSSES = {"MAE": "mae", "Huber": "huber", "MSE": "mse"}


def one_sample_fit(
    *,
    loss: str = "MAE",
    learning_rate: float = 0.01,
    momentum: float = 0.9,
    w0: float = 1.037,
    steps: int = 3000,
    element_id: str = "one-sample-fit",
) -> InteractiveFigure:
    """Gradient descent with momentum on one weight and one sample, under each regression loss.

    Introduced in chapter 5, "Which loss?". The sample's target is 0, so that Q(w) is w²
    (MSE), abs(w) (MAE) or Huber's loss with δ = 1, whose gradients are 2w, sign(w) and
    clip(w, −1, 1). The page runs :func:`~momentum_lib.optimizers.minimize` on
    ``linear_regression([[1.0]], [0.0], loss=…)`` (a script that mirrors it) for the loss,
    η and α chosen, and draws the distance abs(w_t) to the minimum on a log scale; it shows
    the swing over the last 500 steps (the range of w), the final distance, and the step
    from which w stays within 0.1 of the minimum.

    Parameters
    ----------
    loss : {"MAE", "Huber", "MSE"}
    learning_rate, momentum : float
        The controls' starting values, from ``ONE_SAMPLE_LEARNING_RATES`` and
        ``ONE_SAMPLE_MOMENTA``.
    w0 : float
        The start (chapter 5's 1.037 is not a multiple of any η offered).
    steps : int
        The length of each run.
    element_id : str
        The HTML id of the figure.
    """
    controls = (
        Control("loss", "loss", loss, choices=tuple(_ONE_SAMPLE_LOSSES), kind="choice"),
        Control("learning_rate", "learning rate η", float(learning_rate),
                choices=ONE_SAMPLE_LEARNING_RATES),
        Control("momentum", "momentum α", float(momentum), choices=ONE_SAMPLE_MOMENTA),
    )  # fmt: skip
    config = {
        "w0": float(validate.finite_array("w0", w0)),
        "steps": validate.steps(steps),
        "delta": 1.0,
        "band": 0.1,
        "window": 500,
        "threshold": _DIVERGENCE_THRESHOLD,
        "range": [1e-12, 10.0],
        "colours": _RUN_COLOURS,
    }
    body = _template(
        "one_sample_fit",
        readouts=_readouts(
            [
                ("amplitude", "swing over the last 500 steps"),
                ("final", f"distance |w| at step {steps}"),
                ("settled", "|w| ≤ 0.1 from step"),
            ]
        ),
    )
    page = _assemble(
        "one-sample-fit",
        element_id,
        title="One weight under MSE, MAE and Huber",
        description=(
            f"Gradient descent with momentum on one weight from w = {w0}, the minimum at 0, "
            "under the loss chosen: the distance to the minimum against the step on a log "
            "scale. Under MAE the weight keeps swinging around the minimum; under MSE and "
            "Huber it settles. Sliders set the learning rate and the momentum."
        ),
        body=body,
        controls=controls,
        config=config,
    )
    numbers = _one_sample_fit_numbers(config, {c.name: c.value for c in controls})
    label = (
        f"OneSampleFit({loss}, η = {learning_rate}, α = {momentum}: swing "
        f"{numbers['amplitude']:.3g}, |w| ≤ 0.1 from step {numbers['settled']})"
    )
    return InteractiveFigure("one-sample-fit", page, label, config, controls)


def _one_sample_fit_numbers(config: dict, values: dict) -> dict:
    from momentum_lib.models import linear_regression

    objective = linear_regression(
        [[1.0]], [0.0], loss=_ONE_SAMPLE_LOSSES[values["loss"]], delta=config["delta"]
    )
    run = minimize(
        objective.gradient, [config["w0"]], learning_rate=values["learning_rate"],
        momentum=values["momentum"], steps=config["steps"],
        divergence_threshold=config["threshold"],
    )  # fmt: skip
    kept = run.diverged_at if run.diverged else config["steps"] + 1
    path = run.path[:kept]
    settled = run.steps_to_settle(config["band"], minimizer=[0.0])
    late = path[-config["window"] :]
    return {
        "path": path,
        "amplitude": float(np.ptp(late)),
        "final": float(abs(path[-1])),
        "settled": str(settled) if settled >= 0 else f"not within {config['steps']} steps",
    }


def _one_sample_fit_draw(config: dict, values: dict, numbers: dict) -> None:
    import matplotlib.pyplot as plt

    _, ax = plt.subplots(figsize=(7, 3.6))
    ax.semilogy(np.maximum(np.abs(numbers["path"]), 1e-12), color=colour_of(values["momentum"]))
    ax.axhline(config["band"], color="0.4", ls="--")
    ax.set(xlabel="step t", ylabel="|w_t|", ylim=tuple(config["range"]))


_KINDS["one-sample-fit"] = _Kind(_one_sample_fit_numbers, _one_sample_fit_draw)


# --- A learning-rate change in two conventions (chapter 6) -----------------------------------

SCHEDULE_FACTORS = (0.1, 0.25, 0.5, 0.75, 1.0, 1.5, 2.0)
"""The factors on η that :func:`schedule_change` offers at the change."""
_PYTORCH_COLOUR = EXTRA_COLOURS[0]


def schedule_change(
    *,
    change_at: int = 100,
    factor: float = 0.5,
    learning_rate: float = 0.001,
    momentum: float = 0.9,
    steps: int = 300,
    w0: tuple[float, float] = (-1.5, 2.0),
    element_id: str = "schedule-change",
) -> InteractiveFigure:
    """The thread's form and the PyTorch form when η changes during the run.

    Introduced in chapter 6, "One method, three conventions". On Rosenbrock's banana
    both forms run from ``w0`` with η, and from step ``change_at`` on with η·``factor``
    (sliders for both). The page runs them in a script that mirrors
    :func:`~momentum_lib.conventions.thread_sgd` and
    :func:`~momentum_lib.conventions.pytorch_sgd`, draws both paths and the distance
    between them (log scale), and shows the difference of their first steps after the
    change, predicted α(1 − f)Δw_k and measured.

    Parameters
    ----------
    change_at : int
        The slider's starting step k, in [1, steps − 1].
    factor : float
        The starting factor f on η, from ``SCHEDULE_FACTORS``.
    learning_rate, momentum, steps, w0
        η before the change, α, the number of steps and the start.
    element_id : str
        The HTML id of the figure.
    """
    from momentum_lib.conventions import pytorch_sgd, thread_sgd

    validate.learning_rate(learning_rate)
    validate.momentum(momentum)
    steps = validate.steps(steps)
    if not 1 <= change_at <= steps - 1:
        raise ValueError(f"change_at must be in [1, {steps - 1}], got {change_at}")
    banana = Rosenbrock()
    config = {
        "landscape": {"a": banana.a, "b": banana.b},
        "w0": [float(v) for v in validate.finite_array("w0", w0)],
        "learning_rate": float(learning_rate),
        "momentum": float(momentum),
        "steps": steps,
        "view": {"x": (-2.0, 2.0), "y": (-1.0, 3.0)},
    }
    controls = (
        Control("change_at", "η changes at step k", int(change_at), 1, steps - 1, 1, digits=0),
        Control("factor", "new η = η × f, f", float(factor), choices=SCHEDULE_FACTORS),
    )
    view = config["view"]
    px, py = _linear(view["x"], (40.0, 400.0)), _linear(view["y"], (370.0, 10.0))
    contours = _contour_paths(banana.loss, view["x"], view["y"], lambda a, b: (px(a), py(b)))
    thread = thread_sgd(
        banana.gradient, w0, learning_rate=_schedule_of(config, change_at, factor),
        momentum=momentum, steps=steps,
    )  # fmt: skip
    pytorch = pytorch_sgd(
        banana.gradient, w0, learning_rate=_schedule_of(config, change_at, factor),
        momentum=momentum, steps=steps,
    )  # fmt: skip
    end_gap = float(np.linalg.norm(thread[-1] - pytorch[-1]))
    colours = {"thread": PALETTE["momentum"], "pytorch": _PYTORCH_COLOUR}
    minimum = (
        f'<circle cx="{px(banana.minimizer[0]):.1f}" cy="{py(banana.minimizer[1]):.1f}" r="5" '
        f'fill="{MINIMUM_COLOUR}" stroke="white"/>'
    )
    body = _template(
        "schedule_change",
        contours=contours,
        minimum=minimum,
        thread=colours["thread"],
        pytorch=colours["pytorch"],
        legend=_legend(
            [
                ("the thread's form", colours["thread"]),
                ("PyTorch form (dashed)", colours["pytorch"]),
            ]
        ),
        readouts=_readouts(
            [
                ("predicted", "first steps after the change differ by α(1 − f)Δw_k ="),
                ("measured", "measured difference of the first steps"),
                ("gap_end", f"‖thread − PyTorch‖ at step {steps}"),
            ]
        ),
    )
    page = _assemble(
        "schedule-change",
        element_id,
        title="A learning-rate change in the thread's form and in PyTorch's",
        description=(
            f"Two runs on Rosenbrock's function, the thread's form and the PyTorch form, with "
            f"η = {learning_rate} and α = {momentum}; at a step the reader chooses, η is "
            "multiplied by a factor. Before the change the paths are one; after it they part, "
            "and the figure shows by how much, predicted and measured."
        ),
        body=body,
        controls=controls,
        config={**config, "colours": colours},
    )
    label = f"ScheduleChange(η × {factor:g} at step {change_at}: final distance {end_gap:.4f})"
    return InteractiveFigure("schedule-change", page, label, config, controls)


def _schedule_of(config: dict, change_at: int, factor: float) -> np.ndarray:
    """η_t: η before step ``change_at``, η·factor from it on (as the page computes it)."""
    eta = config["learning_rate"]
    return np.array([eta if t < change_at else eta * factor for t in range(config["steps"])])


def _schedule_change_numbers(config: dict, values: dict) -> dict:
    from momentum_lib.conventions import pytorch_sgd, thread_sgd

    banana = Rosenbrock(**config["landscape"])
    k, factor, alpha = int(values["change_at"]), values["factor"], config["momentum"]
    rates = _schedule_of(config, k, factor)
    thread = thread_sgd(
        banana.gradient, config["w0"], learning_rate=rates, momentum=alpha, steps=config["steps"]
    )
    pytorch = pytorch_sgd(
        banana.gradient, config["w0"], learning_rate=rates, momentum=alpha, steps=config["steps"]
    )
    predicted = alpha * (1 - factor) * (thread[k] - thread[k - 1])
    measured = (thread[k + 1] - thread[k]) - (pytorch[k + 1] - pytorch[k])
    return {
        "thread": thread,
        "pytorch": pytorch,
        "predicted": [float(v) for v in predicted],
        "measured": [float(v) for v in measured],
        "gap_end": float(np.linalg.norm(thread[-1] - pytorch[-1])),
    }  # fmt: skip


def _schedule_change_draw(config: dict, values: dict, numbers: dict) -> None:
    import matplotlib.pyplot as plt

    gap = np.linalg.norm(numbers["thread"] - numbers["pytorch"], axis=1)
    _, ax = plt.subplots(figsize=(6.4, 3.2))
    ax.semilogy(np.maximum(gap, 1e-17), color=PALETTE["momentum"])
    ax.axvline(values["change_at"], color="0.5", ls="--", label=f"η × {values['factor']:g}")
    ax.set(xlabel="step t", ylabel="‖thread − PyTorch‖")
    ax.legend()


_KINDS["schedule-change"] = _Kind(_schedule_change_numbers, _schedule_change_draw)


# --- The map of (ηλ, α) and the 2×2 iteration (chapter 7) --------------------------------------

_MAP_RANGE = {"x": (0.0, 4.2), "y": (0.0, 1.0)}


def _regions() -> dict[str, list]:
    """The four regimes of chapter 7 as polygons in the (ηλ, α) plane, and their labels."""
    alpha = np.linspace(0.0, 0.99, 100)
    low, high = (1 - np.sqrt(alpha)) ** 2, (1 + np.sqrt(alpha)) ** 2
    edge = np.minimum(2 + 2 * alpha, _MAP_RANGE["x"][1])
    right = _MAP_RANGE["x"][1]

    def polygon(xs, ys):
        return [[round(float(a), 4), round(float(b), 4)] for a, b in zip(xs, ys, strict=True)]

    return {
        "monotone": polygon([0.0, *low], [0.0, *alpha]),
        "oscillating": polygon([*low, *high[::-1]], [*alpha, *alpha[::-1]]),
        "alternating": polygon([*high, *edge[::-1]], [*alpha, *alpha[::-1]]),
        "divergent": polygon([*edge, right, right], [*alpha, 0.99, 0.0]),
    }


def iteration_map(
    *,
    step_curvature: float = 0.2,
    momentum: float = 0.5,
    steps: int = 40,
    element_id: str = "iteration-map",
) -> InteractiveFigure:
    """The (ηλ, α) map of chapter 7: pick a point, see M's eigenvalues and the 1-D path.

    Introduced in chapter 7, "Why momentum works". Sliders (or a press on the map)
    choose ηλ and α; the page shows where the point lies among the four regimes
    (monotone, oscillating, alternating, divergent; the dashed curve is critical damping
    α = (1 − √ηλ)²), the two eigenvalues z of the iteration matrix in the complex plane
    with the unit circle and the circle of radius √α, and the path w_t of
    Δw ← αΔw − ηλ w; w ← w + Δw from w₀ = 1. Its script mirrors
    :func:`~momentum_lib.theory.iteration_eigenvalues` and
    :func:`~momentum_lib.optimizers.minimize`.

    Parameters
    ----------
    step_curvature : float
        The starting ηλ, in [0.01, 4.2].
    momentum : float
        The starting α, in [0, 0.99].
    steps : int
        The length of the path drawn.
    element_id : str
        The HTML id of the figure.
    """
    controls = (
        Control("step_curvature", "step size ηλ", float(step_curvature), 0.01, 4.2, 0.01),
        Control("momentum", "momentum α", float(momentum), 0.0, 0.99, 0.01),
    )
    config = {
        "steps": validate.steps(steps),
        "w0": 1.0,
        "threshold": _DIVERGENCE_THRESHOLD,
        "mapRange": _MAP_RANGE,
        "colours": {
            "gradientDescent": PALETTE["gradient descent"],
            "momentum": PALETTE["momentum"],
        },
    }
    shades = {
        "monotone": "#f4f4f4",
        "oscillating": "#e2e2e2",
        "alternating": "#f4f4f4",
        "divergent": "#c8c8c8",
    }
    label_at = {
        "monotone": (0.35, 0.03),
        "oscillating": (1.2, 0.6),
        "alternating": (1.75, 0.03),
        "divergent": (3.55, 0.3),
    }
    regions = "".join(
        f"<path data-region='{json.dumps(points)}' fill='{shades[name]}' stroke='none'/>"
        for name, points in _regions().items()
    )
    labels = "".join(
        f"<text data-at='{json.dumps(at)}' text-anchor='middle' font-size='12' fill='#222'>"
        f"{name}</text>"
        for name, at in label_at.items()
    )
    etas = np.linspace(0.0, 1.0, 60)
    critical = [[round(float(e), 4), round(float((1 - np.sqrt(e)) ** 2), 4)] for e in etas]
    stability = [[2 * (1 + a), a] for a in (0.0, 0.99)]
    body = _template(
        "iteration_map",
        regions=regions,
        labels=labels,
        critical=json.dumps(critical),
        stability=json.dumps(stability),
        readouts=_readouts(
            [
                ("regime", "regime"),
                ("z1", "eigenvalue z₁"),
                ("z2", "eigenvalue z₂"),
                ("radius", "rate ρ = max |z|"),
                ("critical", "critical damping (1 − √ηλ)²"),
            ]
        ),
    )
    page = _assemble(
        "iteration-map",
        element_id,
        title="The map of step size and momentum",
        description=(
            "A map of the step size ηλ against the momentum α, divided into the regimes "
            "monotone, oscillating, alternating and divergent. For the chosen point the figure "
            "shows the two eigenvalues of the 2×2 iteration matrix in the complex plane and the "
            f"first {steps} steps of the weight on a one-dimensional quadratic."
        ),
        body=body,
        controls=controls,
        config=config,
    )
    numbers = _iteration_map_numbers(
        config, {"step_curvature": step_curvature, "momentum": momentum}
    )
    label = (
        f"IterationMap(ηλ = {step_curvature}, α = {momentum}: {numbers['regime']}, "
        f"ρ = {numbers['radius']:.4f})"
    )
    return InteractiveFigure("iteration-map", page, label, config, controls)


def _regime(eigenvalues: np.ndarray, radius: float) -> str:
    """Chapter 7's name for the regime of the pair of eigenvalues z."""
    if radius >= 1:
        return "divergent"
    if abs(eigenvalues[0].imag) > 0:
        return "oscillating"
    return "monotone" if eigenvalues.real.sum() >= 0 else "alternating"


def _iteration_map_numbers(config: dict, values: dict) -> dict:
    from momentum_lib import theory

    eta, alpha = values["step_curvature"], values["momentum"]
    z = theory.iteration_eigenvalues(eta, alpha, 1.0)
    radius = theory.spectral_radius(eta, alpha, 1.0)
    run = minimize(
        lambda w: w, [config["w0"]], learning_rate=eta, momentum=alpha,
        steps=config["steps"], divergence_threshold=config["threshold"],
    )  # fmt: skip
    kept = run.diverged_at if run.diverged else config["steps"] + 1
    return {
        "eigenvalues": z,
        "path": run.path[:kept],
        "regime": _regime(z, radius),
        "z1": [float(z[0].real), float(z[0].imag)] if z[0].imag else [float(z[0].real)],
        "z2": [float(z[1].real), float(z[1].imag)] if z[1].imag else [float(z[1].real)],
        "radius": float(radius),
        "critical": float(theory.critical_momentum(eta, 1.0)) if eta <= 1 else "— (ηλ > 1)",
    }  # fmt: skip


def _iteration_map_draw(config: dict, values: dict, numbers: dict) -> None:
    import matplotlib.pyplot as plt

    _, (left, right) = plt.subplots(1, 2, figsize=(10, 3.6), width_ratios=(1, 2))
    circle = np.exp(1j * np.linspace(0, 2 * np.pi, 200))
    left.plot(circle.real, circle.imag, color="black", lw=1)
    left.plot(
        numbers["eigenvalues"].real, numbers["eigenvalues"].imag, "o", color=PALETTE["momentum"]
    )
    left.set(aspect="equal", xlabel="Re z", ylabel="Im z", title=numbers["regime"])
    right.plot(numbers["path"], ".-", color=colour_of(values["momentum"]))
    right.set(xlabel="step t", ylabel="$w_t$", ylim=(-2, 2))


_KINDS["iteration-map"] = _Kind(_iteration_map_numbers, _iteration_map_draw)


# --- The √κ speed-up (chapter 7) ---------------------------------------------------------------

RACE_CONDITION_NUMBERS = (2.0, 5.0, 10.0, 20.0, 50.0, 100.0, 200.0, 500.0, 1000.0)
"""The condition numbers κ that :func:`condition_race` offers."""


def condition_race(
    *, condition_number: float = 100.0, steps: int = 20_000, element_id: str = "condition-race"
) -> InteractiveFigure:
    """Gradient descent and momentum at their optimal settings, as the valley narrows.

    Introduced in chapter 7, "Why momentum works". On Q(w) = ½(w₁² + κ w₂²), whose
    curvatures are 1 and κ, both methods start at (1, 1): gradient descent with
    η = 2/(1 + κ), momentum with the optimal pair of
    :func:`~momentum_lib.theory.optimal_momentum_parameters`. The page (a script that
    mirrors the theory's formulas and :func:`~momentum_lib.optimizers.minimize`) draws
    the distance to the minimum over the first 600 steps with each method's rate ρ^t
    (dashed), and shows η, α, the rate, the steps to shrink the distance by 10⁻⁶ predicted
    (ln 10⁻⁶ / ln ρ) and measured (within ``steps``), and the speed-up against √κ.

    Parameters
    ----------
    condition_number : float
        The starting κ, from ``RACE_CONDITION_NUMBERS``.
    steps : int
        The longest run measured.
    element_id : str
        The HTML id of the figure.
    """
    controls = (
        Control("kappa", "condition number κ", float(condition_number),
                choices=RACE_CONDITION_NUMBERS),
    )  # fmt: skip
    config = {
        "w0": [1.0, 1.0],
        "steps": validate.steps(steps),
        "shown": 600,
        "tolerance": 1e-6,
        "range": [1e-16, 1.0],
    }
    methods = (("gd", "gradient descent"), ("momentum", "momentum"))
    lines = "".join(
        f'<path class="race-rate" data-method="{key}" fill="none" stroke="{PALETTE[name]}" '
        f'stroke-width="1" stroke-dasharray="4 4"/>'
        f'<path class="race-run" data-method="{key}" fill="none" stroke="{PALETTE[name]}" '
        f'stroke-width="2"/>'
        for key, name in methods
    )
    quantities = (
        ("learning_rate", "learning rate η"),
        ("momentum", "momentum α"),
        ("rate", "rate ρ"),
        ("predicted", "steps for 10⁻⁶, predicted"),
        ("settled", "steps for 10⁻⁶, measured"),
    )
    legend = [(name, PALETTE[name]) for _, name in methods] + [("rate ρ^t (dashed)", "#000")]
    body = _template(
        "condition_race",
        lines=lines,
        legend=_legend(legend),
        table=_table(
            "",
            [name for _, name in methods],
            [(label, [f"{q}:{key}" for key, _ in methods]) for q, label in quantities],
            "Each method's optimal setting, its rate, and the steps to shrink the distance by 1e-6",
        ),
        readouts=_readouts([("speed_up", "measured speed-up"), ("root_kappa", "√κ")]),
    )
    page = _assemble(
        "condition-race",
        element_id,
        title="Gradient descent and momentum at their best as the valley narrows",
        description=(
            "Gradient descent and momentum, each at its optimal setting, on a valley of "
            "condition number κ chosen by a slider: the distance to the minimum against the step "
            "on a log scale, each method's predicted rate, and the steps each needs."
        ),
        body=body,
        controls=controls,
        config=config,
    )
    numbers = _condition_race_numbers(config, {"kappa": float(condition_number)})
    label = (
        f"ConditionRace(κ = {condition_number:g}: gradient descent {numbers['settled:gd']} "
        f"steps, momentum {numbers['settled:momentum']} steps)"
    )
    return InteractiveFigure("condition-race", page, label, config, controls)


def _condition_race_numbers(config: dict, values: dict) -> dict:
    from momentum_lib import theory

    kappa = values["kappa"]
    valley = Quadratic([1.0, kappa])
    settings = {
        "gd": (theory.gradient_descent_optimal_learning_rate(1.0, kappa), 0.0,
               theory.gradient_descent_rate(kappa)),
        "momentum": (*theory.optimal_momentum_parameters(1.0, kappa),
                     theory.optimal_momentum_rate(kappa)),
    }  # fmt: skip
    start = float(np.linalg.norm(config["w0"]))
    numbers: dict = {}
    for key, (eta, alpha, rate) in settings.items():
        run = minimize(
            valley.gradient, config["w0"], learning_rate=eta, momentum=alpha, steps=config["steps"]
        )
        settled = run.steps_to_settle(config["tolerance"] * start, minimizer=[0.0, 0.0])
        numbers[f"distances:{key}"] = np.linalg.norm(run.weights, axis=-1)
        numbers[f"learning_rate:{key}"] = float(eta)
        numbers[f"momentum:{key}"] = float(alpha)
        numbers[f"rate:{key}"] = float(rate)
        numbers[f"predicted:{key}"] = float(np.log(config["tolerance"]) / np.log(rate))
        numbers[f"settled:{key}"] = (
            str(settled) if settled >= 0 else f"not within {config['steps']}"
        )
    gd, heavy = (int(numbers[f"settled:{key}"]) if numbers[f"settled:{key}"].isdigit() else -1
                 for key in ("gd", "momentum"))  # fmt: skip
    numbers["speed_up"] = gd / heavy if gd > 0 and heavy > 0 else float("nan")
    numbers["root_kappa"] = float(np.sqrt(kappa))
    return numbers


def _condition_race_draw(config: dict, values: dict, numbers: dict) -> None:
    import matplotlib.pyplot as plt

    _, ax = plt.subplots(figsize=(7, 3.6))
    shown = config["shown"] + 1
    for key, name in (("gd", "gradient descent"), ("momentum", "momentum")):
        distance = numbers[f"distances:{key}"][:shown]
        ax.semilogy(distance / distance[0], color=PALETTE[name], label=name)
    ax.set(xlabel="step t", ylabel="‖w_t‖ / ‖w_0‖", ylim=tuple(config["range"]))
    ax.legend()


_KINDS["condition-race"] = _Kind(_condition_race_numbers, _condition_race_draw)


# --- The loss floor of stochastic gradients (chapter 8) --------------------------------------

FLOOR_BATCH_SIZES = (4, 16, 64, 256)
FLOOR_MOMENTA = (0.0, 0.5, 0.75, 0.875, 0.9375)
FLOOR_EFFECTIVE_RATES = (0.01, 0.02, 0.04, 0.08)
"""The batch sizes B, momenta α and effective learning rates η/(1 − α) of :func:`noisy_floor`."""
_FLOOR_RUN = {"steps": 2000, "every": 20, "seed": 8}


@functools.cache
def _diabetes_problem() -> dict:
    """Chapter 8's problem: least squares on the standardized diabetes data, and its minimum."""
    from momentum_lib.datasets import load_diabetes, standardize
    from momentum_lib.models import design_matrix, linear_regression

    diabetes = load_diabetes()
    features = design_matrix(standardize(diabetes.features))
    targets = (diabetes.targets - diabetes.targets.mean()) / diabetes.targets.std()
    n = len(targets)
    w_star = np.linalg.solve(features.T @ features, features.T @ targets)
    _, directions = np.linalg.eigh(2 / n * features.T @ features)
    return {
        "features": features,
        "targets": targets,
        "full": linear_regression(features, targets),
        "w_star": w_star,
        "per_example": 2 * (features @ w_star - targets)[:, None] * features,
        "flat": directions[:, 0],
        "steep": directions[:, -1],
    }


@functools.cache
def _floor_runs(batch_size: int, settings: str) -> dict:
    """One call of minimize for every (α, η_eff) at this batch size, from w* (cached)."""
    from momentum_lib.models import linear_regression

    grid = json.loads(settings)
    problem = _diabetes_problem()
    momenta = np.array(grid["momenta"])[:, None]
    rates = np.array(grid["effectiveRates"])[None, :] * (1 - momenta)
    minibatch = linear_regression(
        problem["features"], problem["targets"], batch_size=batch_size, seed=grid["seed"]
    )
    run = minimize(
        minibatch.gradient, problem["w_star"], learning_rate=rates, momentum=momenta,
        steps=grid["steps"], loss=problem["full"].loss,
    )  # fmt: skip
    excess = run.losses - problem["full"].loss(problem["w_star"])
    offsets = run.weights - problem["w_star"]
    return {
        "excess": excess,
        "floor": excess[grid["steps"] // 4 + 1 :].mean(axis=0),
        "flat": offsets @ problem["flat"],
        "steep": offsets @ problem["steep"],
    }


def noisy_floor(
    *,
    batch_size: int = 16,
    momentum: float = 0.875,
    effective_rate: float = 0.02,
    element_id: str = "noisy-floor",
) -> InteractiveFigure:
    """Stochastic gradient descent's loss floor, for a batch size, a momentum and η/(1 − α).

    Introduced in chapter 8, "Stochastic gradients". On chapter 8's problem (least
    squares on the standardized diabetes data) each run starts at the minimum w* and
    takes 2000 steps with minibatch gradients; the page shows the excess loss
    Q(w_t) − Q* of the chosen run and of plain SGD (α = 0) at the same effective learning
    rate, the floor (the mean excess over steps 501 to 2000) of both, the prediction
    η_eff·tr Σ_B/4, and the cloud of weights around w* (along the flattest and the steepest
    direction of the loss). Every run is computed here by
    :func:`~momentum_lib.optimizers.minimize` (one call per batch size, so that the runs
    of a batch size share their minibatches) and embedded.

    Parameters
    ----------
    batch_size, momentum, effective_rate
        The sliders' starting values, from ``FLOOR_BATCH_SIZES``, ``FLOOR_MOMENTA`` and
        ``FLOOR_EFFECTIVE_RATES``.
    element_id : str
        The HTML id of the figure.
    """
    from momentum_lib.models import minibatch_noise_trace

    controls = (
        Control("batch_size", "batch size B", int(batch_size), choices=FLOOR_BATCH_SIZES),
        Control("momentum", "momentum α", float(momentum), choices=FLOOR_MOMENTA),
        Control("effective_rate", "effective rate η/(1 − α)", float(effective_rate),
                choices=FLOOR_EFFECTIVE_RATES),
    )  # fmt: skip
    grid = {
        "momenta": list(FLOOR_MOMENTA),
        "effectiveRates": list(FLOOR_EFFECTIVE_RATES),
        **_FLOOR_RUN,
    }
    settings = json.dumps(grid, sort_keys=True)
    runs = {b: _floor_runs(b, settings) for b in FLOOR_BATCH_SIZES}
    every = grid["every"]
    problem = _diabetes_problem()

    def logs(excess):
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.where(excess > 0, np.round(np.log10(excess), 3), np.nan)

    config = {
        **grid,
        "dataset": "diabetes",
        "batchSizes": list(FLOOR_BATCH_SIZES),
        "noiseTrace": [minibatch_noise_trace(problem["per_example"], b) for b in FLOOR_BATCH_SIZES],
        "floor": [_rounded(runs[b]["floor"]) for b in FLOOR_BATCH_SIZES],
        "loss": [_sampled(logs(runs[b]["excess"]), every, 6) for b in FLOOR_BATCH_SIZES],
        "flat": [_sampled(runs[b]["flat"], every, 4) for b in FLOOR_BATCH_SIZES],
        "steep": [_sampled(runs[b]["steep"], every, 4) for b in FLOOR_BATCH_SIZES],
        "lossRange": [1e-5, 1.0],
        "colours": _RUN_COLOURS,
    }  # fmt: skip
    # The cloud's half-width for each (B, η_eff): the same for every α, so that the clouds
    # of one effective rate compare at a glance.
    config["cloudRange"] = [
        [
            float(f"{1.05 * max(np.abs(runs[b][d][:, :, e]).max() for d in ('flat', 'steep')):.2g}")
            for e in range(len(FLOOR_EFFECTIVE_RATES))
        ]
        for b in FLOOR_BATCH_SIZES
    ]
    body = _template(
        "noisy_floor",
        plain=PALETTE["gradient descent"],
        every=str(every),
        legend=_legend(
            [
                ("the chosen run (blue if α = 0)", PALETTE["momentum"]),
                ("plain SGD, α = 0, same η/(1 − α)", PALETTE["gradient descent"]),
                ("predicted floor η/(1 − α)·tr Σ_B/4 (dashed)", "#000"),
            ]
        ),
        readouts=_readouts(
            [
                ("learning_rate", "learning rate η"),
                ("floor", "floor, the chosen run"),
                ("floor_plain", "floor, plain SGD"),
                ("predicted", "predicted floor"),
                ("ratio", "measured / predicted"),
            ]
        ),
    )
    page = _assemble(
        "noisy-floor",
        element_id,
        title="The loss floor of stochastic gradient descent with momentum",
        description=(
            "Runs of stochastic gradient descent with momentum from the minimum of chapter 8's "
            "least-squares problem. Sliders choose the batch size, the momentum and the effective "
            "learning rate; the figure shows the excess loss over the steps with its floor, plain "
            "SGD's at the same effective rate, the predicted floor, and the cloud of weights."
        ),
        body=body,
        controls=controls,
        config=config,
    )
    numbers = _noisy_floor_numbers(config, {c.name: c.value for c in controls})
    label = (
        f"NoisyFloor(B = {batch_size}, α = {momentum}, η/(1 − α) = {effective_rate}: "
        f"floor {numbers['floor']:.5f}, predicted {numbers['predicted']:.5f})"
    )
    return InteractiveFigure("noisy-floor", page, label, config, controls)


def _noisy_floor_numbers(config: dict, values: dict) -> dict:
    from momentum_lib.models import minibatch_noise_trace

    settings = json.dumps(
        {key: config[key] for key in ("momenta", "effectiveRates", *_FLOOR_RUN)}, sort_keys=True
    )
    runs = _floor_runs(int(values["batch_size"]), settings)
    a = config["momenta"].index(values["momentum"])
    e = config["effectiveRates"].index(values["effective_rate"])
    trace = minibatch_noise_trace(_diabetes_problem()["per_example"], int(values["batch_size"]))
    predicted = values["effective_rate"] * trace / 4
    return {
        "floors": runs["floor"],
        "excess": runs["excess"][:, a, e],
        "learning_rate": values["effective_rate"] * (1 - values["momentum"]),
        "floor": float(runs["floor"][a, e]),
        "floor_plain": float(runs["floor"][0, e]),
        "predicted": predicted,
        "ratio": float(runs["floor"][a, e]) / predicted,
    }  # fmt: skip


def _noisy_floor_draw(config: dict, values: dict, numbers: dict) -> None:
    import matplotlib.pyplot as plt

    _, ax = plt.subplots(figsize=(7, 3.6))
    ax.semilogy(numbers["excess"], lw=0.7, color=colour_of(values["momentum"]), label="Q − Q*")
    ax.axhline(numbers["floor"], color=colour_of(values["momentum"]), lw=2, label="floor")
    ax.axhline(numbers["predicted"], color="black", ls="--", label="predicted")
    ax.set(xlabel="step t", ylabel="Q(w_t) − Q*", ylim=tuple(config["lossRange"]))
    ax.legend(fontsize=9)


_KINDS["noisy-floor"] = _Kind(_noisy_floor_numbers, _noisy_floor_draw)


# --- A still picture of a stored figure (the learner notebooks) ------------------------------


class _StoredFigure(HTMLParser):
    """Reads a figure's HTML: its kind, title, embedded configuration and controls' values.

    Each control's value is read as ``figures.js``'s ``valueOf`` reads it: a checkbox is
    a boolean, a ``<select>`` its selected option, a slider its position, or the entry of
    its ``data-values`` at that position, or 10**position if ``data-scale="log"``.
    """

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.kind: str | None = None
        self.title = ""
        self.config_text: list[str] | None = None
        self.config: dict | None = None
        self.values: dict = {}
        self._select: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        classes = (attributes.get("class") or "").split()
        if self.kind is None and "interactive-figure" in classes:
            self.kind = attributes.get("data-figure")
            self.title = attributes.get("aria-label") or ""
        elif tag == "script" and "figure-config" in classes and self.config is None:
            self.config_text = []
        elif tag == "option" and self._select is not None:
            if "selected" in attributes or self._select not in self.values:
                self.values[self._select] = attributes.get("value")
        elif (name := attributes.get("data-control")) is not None:
            if tag == "select":
                self._select = name
            elif attributes.get("type") == "checkbox":
                self.values[name] = "checked" in attributes
            else:
                position = float(attributes.get("value") or 0)
                if "data-values" in attributes:
                    self.values[name] = json.loads(attributes["data-values"])[int(position)]
                elif attributes.get("data-scale") == "log":
                    self.values[name] = float(f"{10**position:.12g}")
                else:
                    self.values[name] = position

    def handle_endtag(self, tag: str) -> None:
        if tag == "select":
            self._select = None
        elif tag == "script" and self.config_text is not None:
            self.config = json.loads("".join(self.config_text))
            self.config_text = None

    def handle_data(self, data: str) -> None:
        if self.config_text is not None:
            self.config_text.append(data)


def static_picture(figure: InteractiveFigure | str, *, dpi: float = 80) -> bytes:
    """A PNG of an interactive figure as it starts, drawn by the library.

    Introduced for the learner notebooks (``.ci/learner_notebooks.py``), where JupyterLab
    does not run the scripts of a stored figure until its cell is run: this picture
    stands in for it. It is the drawing of the figure's widget twin
    (:meth:`InteractiveFigure.widget`) for the controls' first values, in the book's style
    (:data:`~momentum_lib.plotting.BOOK_STYLE`, the palette's colours first), titled with
    the figure's title, as a PNG of 256 colours (Pillow, which matplotlib needs, writes it).

    Parameters
    ----------
    figure : InteractiveFigure or str
        The figure, or its HTML as a notebook stores it (``text/html``): the kind, title,
        embedded configuration and the controls' first values are read from that HTML.
    dpi : float, default 80
        Dots per inch (the book's figures use 80), within [20, 300].

    Returns
    -------
    bytes
        The PNG file.

    Raises
    ------
    ValueError
        If ``dpi`` is out of range, or the HTML is no interactive figure of this module.
    """
    import io

    import matplotlib.pyplot as plt
    from cycler import cycler
    from PIL import Image

    from momentum_lib.plotting import BOOK_STYLE

    if not 20 <= dpi <= 300:
        raise ValueError(f"dpi must be within [20, 300], got {dpi}")
    page = figure.html if isinstance(figure, InteractiveFigure) else figure
    stored = _StoredFigure()
    stored.feed(page)
    stored.close()
    if stored.kind not in _KINDS or stored.config is None:
        raise ValueError(
            "figure must be an InteractiveFigure or its HTML (an element of class "
            f"interactive-figure with its figure-config), got kind {stored.kind!r}"
        )
    colours = [*PALETTE.values(), *EXTRA_COLOURS]
    colours.remove(MINIMUM_COLOUR)
    style = {**BOOK_STYLE, "axes.prop_cycle": cycler(color=colours)}
    before = set(plt.get_fignums())
    try:
        with plt.rc_context(style):
            numbers = figure_numbers(stored.kind, stored.config, stored.values)
            _KINDS[stored.kind].draw(stored.config, stored.values, numbers)
            drawn = plt.gcf()
            drawn.suptitle(stored.title, fontsize="medium", fontweight="bold")
            drawing = io.BytesIO()
            drawn.savefig(drawing, format="png", dpi=dpi, bbox_inches="tight")
    finally:
        for number in set(plt.get_fignums()) - before:
            plt.close(number)
    # 256 colours are plenty for lines on white, and make the file about 2.5 times smaller.
    picture = Image.open(drawing).convert("RGB").quantize(256, method=Image.Quantize.MEDIANCUT)
    output = io.BytesIO()
    picture.save(output, format="png", optimize=True)
    return output.getvalue()


# --- Iterating towards the direct solution (chapter 1) --------------------------------------


def towards_the_answer(
    features,
    targets,
    *,
    learning_rate: float = 0.1,
    w0: float = 0.0,
    steps: int = 60,
    element_id: str = "towards-the-answer",
) -> InteractiveFigure:
    """The line ŷ = b + w_t x of gradient descent, step by step, against the direct solution.

    Introduced in chapter 1, "The basis". With x standardized (mean 0, standard deviation
    1) the best intercept is b = ȳ whatever w is, and the slope's loss
    Q(w) = (1/n) Σ (b + w x_i − y_i)² has the direct solution w* = (1/n) Σ x_i y_i.
    Gradient descent w_t = w_{t−1} − η Q'(w_{t−1}) runs from ``w0`` in
    :func:`~momentum_lib.optimizers.minimize` (on
    ``linear_regression(x as one column, y − b)``); the page only shows its steps: a slider
    on the number of iterations t moves the line and the point on the loss curve Q(w_t),
    with the readouts w_t, Q(w_t) and abs(w_t − w*).

    Parameters
    ----------
    features : array_like, shape (n,)
        The standardized input x (mean 0, standard deviation 1, to 1e-9).
    targets : array_like, shape (n,)
        The target y.
    learning_rate : float
        η, in (0, 1) so that the distance to w* shrinks by abs(1 − 2η) every step.
    w0 : float
        The start.
    steps : int
        The slider's last iteration.
    element_id : str
        The HTML id of the figure.

    Raises
    ------
    ValueError
        If x is not standardized, x and y differ in shape, or η is not in (0, 1).
    """
    x = validate.finite_array("features", features)
    y = validate.finite_array("targets", targets)
    if y.shape != x.shape:
        raise ValueError(
            f"features and targets must have the same shape, got {x.shape} and {y.shape}"
        )
    if x.ndim != 1 or abs(x.mean()) > 1e-9 or abs(x.std() - 1.0) > 1e-9:
        raise ValueError(
            "features must be one standardized input (shape (n,), mean 0 and standard "
            f"deviation 1 to 1e-9), got shape {x.shape}, mean {x.mean():.3g}, "
            f"standard deviation {x.std():.3g}"
        )
    if not 0.0 < learning_rate < 1.0:
        raise ValueError(f"learning_rate must be in (0, 1), got {learning_rate}")
    steps = validate.steps(steps)
    if steps < 1:
        raise ValueError(f"steps must be at least 1 (the slider's last iteration), got {steps}")
    config = {
        "features": _rounded(x),
        "targets": _rounded(y),
        "learning_rate": float(learning_rate),
        "w0": float(validate.finite_array("w0", w0)),
        "steps": steps,
    }
    numbers = _towards_the_answer_numbers(config, {"iterations": steps})
    config |= {
        "intercept": numbers["intercept"],
        "w_star": numbers["w_star"],
        "loss_star": numbers["loss_star"],
        "w": _rounded(numbers["weights"]),
        "q": _rounded(numbers["losses"]),
        "colours": {"line": PALETTE["gradient descent"], "answer": MINIMUM_COLOUR},
    }
    controls = (Control("iterations", "iterations t", 0, 0, config["steps"], 1, digits=0),)
    body = _template(
        "towards_the_answer",
        line=PALETTE["gradient descent"],
        answer=MINIMUM_COLOUR,
        legend=_legend(
            [("gradient descent, step t", PALETTE["gradient descent"]),
             ("direct solution w* (dashed)", MINIMUM_COLOUR)]
        ),
        readouts=_readouts(
            [("w", "slope w_t"), ("loss", "loss Q(w_t)"), ("distance", "distance |w_t − w*|")]
        ),
    )  # fmt: skip
    page = _assemble(
        "towards-the-answer",
        element_id,
        title="Gradient descent iterates towards the direct solution",
        description=(
            f"First picture: the {x.size} samples, the line of gradient descent after t "
            f"iterations (η = {learning_rate}, from w = {w0}) and the line of the direct "
            f"solution w* = {numbers['w_star']:.2f}. Second picture: the loss Q(w_t) against "
            f"the iterations, falling to Q(w*) = {numbers['loss_star']:.2f}. A slider sets t "
            f"from 0 to {steps}; the readouts show w_t, Q(w_t) and the distance to w*."
        ),
        body=body,
        controls=controls,
        config=config,
    )
    label = (
        f"TowardsTheAnswer(w* = {numbers['w_star']:.4f}; after {steps} iterations "
        f"|w_t − w*| = {numbers['distance']:.2e})"
    )
    return InteractiveFigure("towards-the-answer", page, label, config, controls)


def _towards_the_answer_numbers(config: dict, values: dict) -> dict:
    from momentum_lib.models import linear_regression

    x, y = np.asarray(config["features"]), np.asarray(config["targets"])
    intercept = float(y.mean())
    objective = linear_regression(x.reshape(-1, 1), y - intercept)
    run = minimize(
        objective.gradient, [config["w0"]], learning_rate=config["learning_rate"],
        steps=config["steps"], loss=objective.loss,
    )  # fmt: skip
    w_star = float(np.mean(x * y))
    t = int(values["iterations"])
    return {
        "intercept": intercept,
        "w_star": w_star,
        "loss_star": float(objective.loss(np.array([w_star]))),
        "weights": run.path,
        "losses": run.losses,
        "w": float(run.path[t]),
        "loss": float(run.losses[t]),
        "distance": float(abs(run.path[t] - w_star)),
    }


def _towards_the_answer_draw(config: dict, values: dict, numbers: dict) -> None:
    import matplotlib.pyplot as plt

    x, y = np.asarray(config["features"]), np.asarray(config["targets"])
    t = int(values["iterations"])
    ends = np.array([x.min(), x.max()])
    _, (fit, curve) = plt.subplots(1, 2, figsize=(9, 3.4))
    fit.scatter(x, y, s=8, color="0.7")
    fit.plot(ends, numbers["intercept"] + numbers["w"] * ends, color=PALETTE["gradient descent"],
             label=f"step {t}")  # fmt: skip
    fit.plot(ends, numbers["intercept"] + numbers["w_star"] * ends, "--", color=MINIMUM_COLOUR,
             label="direct solution")  # fmt: skip
    fit.set(xlabel="x (standardized)", ylabel="y")
    fit.legend()
    curve.plot(numbers["losses"], color=PALETTE["gradient descent"])
    curve.plot(t, numbers["loss"], "o", color=PALETTE["gradient descent"])
    curve.axhline(numbers["loss_star"], color=MINIMUM_COLOUR, ls="--")
    curve.set(xlabel="iterations t", ylabel="loss Q(w_t)")


_KINDS["towards-the-answer"] = _Kind(_towards_the_answer_numbers, _towards_the_answer_draw)


# --- The two terms on a 2-D valley, step by step (chapter 4) ---------------------------------

# Wide enough for every setting of the sliders from the default start (momentum's 40 steps
# reach w[0] = 3.38 at α = 0.95): the point and its arrows never leave the picture.
_TWO_TERMS_VIEW = {"x": (-4.6, 3.8), "y": (-1.7, 1.9)}
_TWO_TERMS_PIXELS = {"x": (52.0, 552.0), "y": (330.0, 10.0)}  # as two_terms.js draws the map


def two_terms(
    *,
    curvatures: tuple[float, float] = (1.0, 10.0),
    w0: tuple[float, float] = (-4.0, 1.0),
    learning_rate: float = 0.14,
    momentum: float = 0.5,
    steps: int = 40,
    element_id: str = "two-terms",
) -> InteractiveFigure:
    """The two terms of each update on a 2-D valley, one step at a time.

    Introduced in chapter 4, "Putting it all together". On the valley
    Q(w) = ½ (λ₀ w[0]² + λ₁ w[1]²) step t starts at w_{t−1} with the arrows of
    Δw_t = αΔw_{t−1} − η∇Q(w_{t−1}): the momentum term αΔw_{t−1} (red), the gradient
    term −η∇Q(w_{t−1}) (blue, from its tip) and their sum Δw_t (grey). Buttons step
    forward and back (and reset to step 1); sliders set η and α. The path so far is
    momentum's, with gradient descent's (α = 0) faint beside it. The page runs
    :func:`~momentum_lib.optimizers.minimize` in a script that mirrors it; the tests
    compare it with the library to 1e-9.

    Parameters
    ----------
    curvatures : (float, float)
        λ₀ and λ₁ > 0, the curvatures along the floor and across.
    w0 : (float, float)
        The start, within the view (w[0] in [−4.6, 3.8], w[1] in [−1.7, 1.9]).
    learning_rate : float
        η at first, in [0.01, 0.19] (below 2/λ₁ = 0.2 for the chapter's valley).
    momentum : float
        α at first, in [0, 0.95].
    steps : int
        The last step the buttons reach.
    element_id : str
        The HTML id of the figure.
    """
    lambdas = validate.positive(curvatures, "curvatures")
    if lambdas.shape != (2,):
        raise ValueError(f"curvatures must be two numbers, got shape {lambdas.shape}")
    start = validate.finite_array("w0", w0)
    if start.shape != (2,):
        raise ValueError(f"w0 must be two numbers, got shape {start.shape}")
    (x_low, x_high), (y_low, y_high) = _TWO_TERMS_VIEW["x"], _TWO_TERMS_VIEW["y"]
    if not (x_low <= start[0] <= x_high and y_low <= start[1] <= y_high):
        raise ValueError(
            f"w0 must lie in the view, w[0] in [{x_low}, {x_high}] and w[1] in "
            f"[{y_low}, {y_high}], got {start.tolist()}"
        )
    steps = validate.steps(steps)
    if steps < 2:
        raise ValueError(f"steps must be at least 2, got {steps}")
    valley = Quadratic(lambdas)
    if learning_rate * lambdas.max() >= 2.0:
        raise ValueError(
            f"learning_rate must be below 2/λ_max = {2 / lambdas.max():.4g} so that gradient "
            f"descent converges too, got {learning_rate}"
        )
    controls = (
        Control("step", "step t", 1, 1, steps, 1, digits=0),
        Control("learning_rate", "learning rate η", float(learning_rate), 0.01, 0.19, 0.01),
        Control("momentum", "momentum α", float(momentum), 0.0, 0.95, 0.05),
    )
    config = {
        "curvatures": lambdas.tolist(),
        "w0": start.tolist(),
        "steps": steps,
        "view": _TWO_TERMS_VIEW,
        "colours": {
            "gradient": PALETTE["gradient descent"],
            "momentum": PALETTE["momentum"],
            "update": "#444444",
        },
    }
    px, py = (_linear(_TWO_TERMS_VIEW[a], _TWO_TERMS_PIXELS[a]) for a in ("x", "y"))
    contours = _contour_paths(
        valley.loss, _TWO_TERMS_VIEW["x"], _TWO_TERMS_VIEW["y"], lambda a, b: (px(a), py(b))
    )
    rows = [
        ("w_(t−1), the start", "start"),
        ("momentum term αΔw_(t−1)", "momentum_term"),
        ("gradient term −η∇Q(w_(t−1))", "gradient_term"),
        ("update Δw_t, their sum", "update"),
    ]
    body = _template(
        "two_terms",
        contours=contours,
        minimum=(
            f'<circle cx="{px(0.0):.1f}" cy="{py(0.0):.1f}" r="5" fill="{MINIMUM_COLOUR}" '
            'stroke="white"/>'
        ),
        gd=PALETTE["gradient descent"],
        momentum=PALETTE["momentum"],
        legend=_legend(
            [("momentum: path and term αΔw", PALETTE["momentum"]),
             ("gradient term −η∇Q(w); gradient descent's path (faint)",
              PALETTE["gradient descent"]),
             ("update Δw", "#444444")]
        ),
        table=_table("", ["w[0]", "w[1]"],
                     [(label, [f"{name}:0", f"{name}:1"]) for label, name in rows],
                     "The numbers of step t, one column per component"),
        readouts=_readouts(
            [("loss:momentum", "Q(w_(t−1)), momentum"),
             ("loss:gd", "Q(w_(t−1)), gradient descent")]
        ),
    )  # fmt: skip
    page = _assemble(
        "two-terms",
        element_id,
        title="The two terms of each update, step by step",
        description=(
            f"Contour lines of the valley Q(w) = ½({lambdas[0]:g} w[0]² + {lambdas[1]:g} "
            f"w[1]²), minimum at (0, 0), and the path of momentum from ({start[0]:g}, "
            f"{start[1]:g}) up to the start of step t, gradient descent's path faint beside it. "
            "At that point three arrows: the momentum term, the gradient term from its tip, "
            "and their sum, the update. Buttons step forward, back and to step 1; sliders set "
            "the learning rate and the momentum; a table gives the numbers of the step."
        ),
        body=body,
        controls=controls,
        config=config,
    )
    numbers = _two_terms_numbers(config, {c.name: c.value for c in controls})
    label = (
        f"TwoTerms(η = {learning_rate}, α = {momentum}: step 1 update "
        f"({numbers['update:0']:.3f}, {numbers['update:1']:.3f}))"
    )
    return InteractiveFigure("two-terms", page, label, config, controls)


def _two_terms_numbers(config: dict, values: dict) -> dict:
    valley = Quadratic(config["curvatures"])
    runs = {
        method: minimize(
            valley.gradient, config["w0"], learning_rate=values["learning_rate"],
            momentum=alpha, steps=config["steps"], loss=valley.loss,
        )
        for method, alpha in (("gd", 0.0), ("momentum", values["momentum"]))
    }  # fmt: skip
    run = runs["momentum"]
    t = int(values["step"])
    numbers: dict = {
        "weights:gd": runs["gd"].weights,
        "weights:momentum": run.weights,
        "gradient_terms:momentum": run.gradient_terms,
        "momentum_terms:momentum": run.momentum_terms,
        "updates:momentum": run.updates,
    }
    for name, vector in (
        ("start", run.weights[t - 1]),
        ("momentum_term", run.momentum_terms[t - 1]),
        ("gradient_term", run.gradient_terms[t - 1]),
        ("update", run.updates[t - 1]),
    ):
        numbers[f"{name}:0"], numbers[f"{name}:1"] = float(vector[0]), float(vector[1])
    numbers["loss:momentum"] = float(run.losses[t - 1])
    numbers["loss:gd"] = float(runs["gd"].losses[t - 1])
    return numbers


def _two_terms_draw(config: dict, values: dict, numbers: dict) -> None:
    import matplotlib.pyplot as plt

    from momentum_lib.plotting import plot_contours

    t = int(values["step"])
    _, ax = plt.subplots(figsize=(7.0, 4.6))
    plot_contours(
        Quadratic(config["curvatures"]).loss, tuple(config["view"]["x"]),
        tuple(config["view"]["y"]), minimizer=[0.0, 0.0], levels=14, ax=ax,
    )  # fmt: skip
    gd, momentum = numbers["weights:gd"][:t], numbers["weights:momentum"][:t]
    ax.plot(*gd.T, "o-", ms=3, color=PALETTE["gradient descent"], alpha=0.35)
    ax.plot(*momentum.T, "o-", ms=3, color=PALETTE["momentum"])
    w = momentum[-1]
    m, g = numbers["momentum_terms:momentum"][t - 1], numbers["gradient_terms:momentum"][t - 1]
    arrow = {"angles": "xy", "scale_units": "xy", "scale": 1, "width": 0.006}
    ax.quiver(*w, *m, color=PALETTE["momentum"], **arrow)
    ax.quiver(*(w + m), *g, color=PALETTE["gradient descent"], **arrow)
    ax.quiver(*w, *(m + g), color="#444444", **arrow)
    ax.set(xlabel="w[0]", ylabel="w[1]", title=f"step {t}")
    ax.set_aspect("equal", adjustable="box")


_KINDS["two-terms"] = _Kind(_two_terms_numbers, _two_terms_draw)


# --- The formula, step by step (chapter 0) ------------------------------------------------

_FORMULA_TABLE_ROWS = 4
_FORMULA_COLUMNS = (
    ("w", "w"),
    ("gradient", "∇Q(w)"),
    ("momentum_term", "αΔw"),
    ("gradient_term", "−η∇Q(w)"),
    ("delta_w", "Δw"),
    ("new_w", "w + Δw"),
)
"""The by-hand table's columns after the step t: (readout name, heading)."""


def formula_steps(
    *,
    learning_rate: float = 0.1,
    momentum: float = 0.9,
    w0: float = 1.0,
    curvature: float = 2.0,
    steps: int = 30,
    step: int = 3,
    element_id: str = "formula-steps",
) -> InteractiveFigure:
    r"""The thread's formula one step at a time on the bowl Q(w) = ½λw², with its two terms.

    Introduced in chapter 0, "Is this formula difficult?". Each press of "step" applies

    .. math::

        \Delta w \leftarrow \alpha\,\Delta w - \eta\,\nabla Q(w), \qquad
        w \leftarrow w + \Delta w

    (with Δw = 0 before the first step) and draws the two terms of the step just taken as
    arrows on the w axis, αΔw (momentum's colour) and −η∇Q(w) (gradient descent's) tip
    to tail, their sum Δw below them, and the point moving on the curve. A table shows
    the last four steps as the chapter computes them by hand: t, w, ∇Q(w), αΔw,
    −η∇Q(w), Δw and w + Δw. At the chapter's η = 0.1, α = 0.9 from w = 1 on
    Q(w) = w² (λ = 2) its rows are the chapter's 0.8, 0.46, 0.062. The page runs a script
    that mirrors :func:`~momentum_lib.optimizers.momentum_step` (tested to 1e-9).

    Parameters
    ----------
    learning_rate : float
        The η slider's starting value, in [0.01, 0.5].
    momentum : float
        The α slider's starting value, in [0, 0.95].
    w0 : float
        The start, in [-1.2, 1.2].
    curvature : float
        λ > 0 of the bowl; the chapter's Q(w) = w² has λ = 2.
    steps : int
        How many steps the "step" button and the step slider offer.
    step : int
        The step shown at first, in [0, steps]: the chapter's three by hand.
    element_id : str
        The HTML id of the figure.
    """
    from momentum_lib.plotting import UPDATE_COLOUR

    curvature = float(validate.positive(curvature, "curvature"))
    if not -1.2 <= w0 <= 1.2:
        raise ValueError(f"w0 must be within [-1.2, 1.2], got {w0}")
    config = {
        "w0": float(w0),
        "curvature": curvature,
        "steps": validate.steps(steps),
        "rows": _FORMULA_TABLE_ROWS,
        "wRange": [-1.3, 1.3],
        "top": 0.5 * curvature * 1.3**2,
        "colours": {
            "momentumTerm": PALETTE["momentum"],
            "gradientTerm": PALETTE["gradient descent"],
            "update": UPDATE_COLOUR,
        },
    }
    controls = (
        Control("learning_rate", "learning rate η", float(learning_rate), 0.01, 0.5, 0.01),
        Control("momentum", "momentum α", float(momentum), 0.0, 0.95, 0.01),
        Control("step", "step t", int(step), 0, config["steps"], 1, digits=0),
    )
    head = '<th scope="col">t</th>' + "".join(
        f'<th scope="col">{html.escape(heading)}</th>' for _, heading in _FORMULA_COLUMNS
    )
    body_rows = "".join(
        f'<tr><th scope="row" data-show="t:{k}"></th>'
        + "".join(f'<td data-show="{name}:{k}"></td>' for name, _ in _FORMULA_COLUMNS)
        + "</tr>"
        for k in range(_FORMULA_TABLE_ROWS)
    )
    table = (  # scrolls sideways on a phone rather than widen the figure
        '<div role="region" aria-label="The last steps" tabindex="0" style="overflow-x:auto">'
        '<table class="mf-table" aria-live="polite"><caption class="mf-sr-only">The last '
        f"{_FORMULA_TABLE_ROWS} steps, computed as in the by-hand table</caption>"
        f"<thead><tr>{head}</tr>"
        f"</thead><tbody>{body_rows}</tbody></table></div>"
    )
    colours = config["colours"]
    body = _template(
        "formula_steps",
        momentum_colour=colours["momentumTerm"],
        gradient_colour=colours["gradientTerm"],
        update_colour=colours["update"],
        legend=_legend(
            [
                ("αΔw, the momentum term", colours["momentumTerm"]),
                ("−η∇Q(w), the gradient term", colours["gradientTerm"]),
                ("Δw, their sum: the step", colours["update"]),
            ]
        ),
        table=table,
    )
    page = _assemble(
        "formula-steps",
        element_id,
        title="The formula, step by step",
        description=(
            f"The bowl Q(w) = {'' if curvature == 2 else f'{curvature / 2:g}'}w² and a point "
            f"on it, starting at w = {w0:g} "
            "with no previous update. Each step applies Δw ← αΔw − η∇Q(w), w ← w + Δw: the "
            "two terms αΔw and −η∇Q(w) are drawn as arrows on the w axis, tip to tail, and "
            "their sum Δw below them; a table lists the last four steps' numbers. Buttons "
            "take a step forward or back or start again; sliders set η and α."
        ),
        body=body,
        controls=controls,
        config=config,
    )
    numbers = _formula_steps_numbers(config, {c.name: c.value for c in controls} | {"step": 3})
    label = (
        f"FormulaSteps(η = {learning_rate:g}, α = {momentum:g}, from w = {w0:g}: "
        f"w after 3 steps {numbers['new_w:2']:.4f})"
    )
    return InteractiveFigure("formula-steps", page, label, config, controls)


def _formula_steps_numbers(config: dict, values: dict) -> dict:
    from momentum_lib.optimizers import momentum_step

    bowl = Quadratic([config["curvature"]])
    eta, alpha = values["learning_rate"], values["momentum"]
    w, delta_w = config["w0"], 0.0
    path, deltas, gradients, momentum_terms, gradient_terms = [w], [], [], [], []
    for _ in range(config["steps"]):
        gradient = float(bowl.gradient(w))
        momentum_terms.append(alpha * delta_w)
        gradient_terms.append(-eta * gradient)
        gradients.append(gradient)
        w, delta_w = (float(v) for v in momentum_step(w, delta_w, gradient, eta, alpha))
        path.append(w)
        deltas.append(delta_w)
    numbers: dict = {
        "path": np.array(path),
        "deltas": np.array(deltas),
        "gradients": np.array(gradients),
        "momentumTerms": np.array(momentum_terms),
        "gradientTerms": np.array(gradient_terms),
    }
    t = int(values["step"])
    first = max(1, t - config["rows"] + 1)
    for k in range(config["rows"]):
        s = first + k  # the step of this row, 1-based; its w is path[s - 1]
        shown = s <= t
        numbers[f"t:{k}"] = str(s) if shown else ""
        row = {
            "w": path[s - 1],
            "gradient": gradients[s - 1],
            "momentum_term": momentum_terms[s - 1],
            "gradient_term": gradient_terms[s - 1],
            "delta_w": deltas[s - 1],
            "new_w": path[s],
        } if shown else {}  # fmt: skip
        for name, _ in _FORMULA_COLUMNS:
            numbers[f"{name}:{k}"] = float(row[name]) if shown else ""
    return numbers


def _formula_steps_draw(config: dict, values: dict, numbers: dict) -> None:
    import matplotlib.pyplot as plt

    _, ax = plt.subplots(figsize=(7, 3.6))
    grid = np.linspace(*config["wRange"], 200)
    ax.plot(grid, 0.5 * config["curvature"] * grid**2, color="0.3")
    t = int(values["step"])
    path = numbers["path"][: t + 1]
    ax.plot(path, 0.5 * config["curvature"] * path**2, "o-", color="0.6", ms=4)
    ax.plot(path[-1], 0.5 * config["curvature"] * path[-1] ** 2, "o", color="black", ms=9)
    if t > 0:
        start, momentum_term = path[-2], numbers["momentumTerms"][t - 1]
        for x, dx, y, colour in (
            (start, momentum_term, -0.15, config["colours"]["momentumTerm"]),
            (start + momentum_term, numbers["gradientTerms"][t - 1], -0.15,
             config["colours"]["gradientTerm"]),
            (start, path[-1] - start, -0.35, config["colours"]["update"]),
        ):  # fmt: skip
            if dx:
                ax.annotate("", (x + dx, y), (x, y), arrowprops={"color": colour, "width": 2})
    ax.set(xlabel="weight w", ylabel="loss Q(w)", ylim=(-0.5, config["top"]), title=f"step {t}")


_KINDS["formula-steps"] = _Kind(_formula_steps_numbers, _formula_steps_draw)


# --- A learning-rate slider on the 1-D loss (chapter 2) -----------------------------------

_EXACT = 1e-9
"""How close ηλ must be to 1 or 2 to be named "just right" or "on the edge" (λ is
computed from the data, so that 1/λ itself is exact only to rounding)."""


def _gradient_descent_regime(factor: float) -> str:
    """Chapter 2's regime of gradient descent from the factor 1 − ηλ that each step applies."""
    if abs(factor) <= _EXACT:
        return "just right (fastest)"
    if factor > 0:
        return "too small"
    if abs(factor + 1) < _EXACT:
        return "on the edge: bouncing forever"
    if factor > -1:
        return "too large: oscillating but converging"
    return "diverging"


def learning_rate_regimes(
    features: np.ndarray,
    targets: np.ndarray,
    *,
    learning_rate: float = 0.2,
    w0: float = -1.0,
    steps: int = 200,
    element_id: str = "learning-rate-regimes",
) -> InteractiveFigure:
    r"""Gradient descent on chapter 2's one-weight loss, with a slider on η and its regime.

    Introduced in chapter 2, "The gradient descent update". The mean squared error of
    ŷ = w x is the parabola

    .. math::

        Q(w) = Q(w^*) + \tfrac12\,\lambda\,(w - w^*)^2, \qquad
        w^* = \overline{xy} / \overline{x^2}, \quad \lambda = 2\,\overline{x^2},

    and each step w ← w − ηQ'(w) multiplies the error w − w* by 1 − ηλ. The page runs
    gradient descent from ``w0`` (a script that mirrors
    :func:`~momentum_lib.optimizers.minimize` on ``Quadratic([λ], [w*])``, tested to
    1e-9), draws the path on the loss with the tangents at its first points, and the
    distance abs(w_t − w*) against the step (log scale, the tolerance 1e-6 of the
    readout dotted); it names the regime from the
    factor, as :func:`momentum_lib.theory.iteration_eigenvalues` gives it (α = 0): too
    small (0 < ηλ < 1), just right (ηλ = 1, η = 1/λ), too large but converging
    (1 < ηλ < 2), on the edge (ηλ = 2, η = 2/λ), diverging (ηλ > 2). The marks 1/λ and
    2/λ are drawn on the η scale under the plots.

    Parameters
    ----------
    features, targets : array_like, shape (n,)
        x and y (chapter 2: body mass index and progression, both standardized).
    learning_rate : float
        The slider's starting η, in [0.01, 1.6].
    w0 : float
        The start.
    steps : int
        The length of each run; a run stops as diverged where abs(w) passes 1e6.
    element_id : str
        The HTML id of the figure.
    """
    from momentum_lib.models import linear_regression

    x = validate.finite_array("features", features)
    y = validate.finite_array("targets", targets)
    if x.ndim != 1 or x.shape != y.shape:
        raise ValueError(
            f"features and targets must be 1-D of one length, got {x.shape} and {y.shape}"
        )
    curvature = 2 * float(np.mean(x * x))
    w_star = float(np.mean(x * y) / np.mean(x * x))
    config = {
        "w0": float(validate.finite_array("w0", w0)),
        "steps": validate.steps(steps),
        "curvature": curvature,
        "wStar": w_star,
        "lowest": float(linear_regression(x[:, None], y).loss(np.array([w_star]))),
        "threshold": 1e6,
        "tolerance": 1e-6,
        "exact": _EXACT,
        "shownSteps": 12,
        "tangents": 3,
        "wRange": [-1.5, 2.7],
        "etaRange": [0.0, 1.6],
        "distanceRange": [1e-9, 1e7],
        "colours": {
            "path": PALETTE["gradient descent"],
            "tangent": EXTRA_COLOURS[1],
            "minimum": MINIMUM_COLOUR,
        },
    }
    controls = (Control("learning_rate", "learning rate η", float(learning_rate), 0.01, 1.6, 0.01),)
    colours = config["colours"]
    body = _template(
        "learning_rate_regimes",
        path_colour=colours["path"],
        tangent_colour=colours["tangent"],
        minimum_colour=colours["minimum"],
        legend=_legend(
            [
                ("gradient descent", colours["path"]),
                ("tangent, slope Q'(w)", colours["tangent"]),
                ("the minimum w*", colours["minimum"]),
            ],
            dotted=("the minimum w*",),
        ),
        readouts=_readouts(
            [
                ("regime", "regime"),
                ("product", "ηλ"),
                ("factor", "factor 1 − ηλ per step"),
                ("result", f"after up to {steps} steps"),
                ("thresholds", "η = 1/λ (fastest) and 2/λ (limit)"),
            ]
        ),
    )
    page = _assemble(
        "learning-rate-regimes",
        element_id,
        title="A learning-rate slider on the one-weight loss",
        description=(
            f"Gradient descent on the loss Q(w) of the one-weight model, a parabola lowest at "
            f"w* = {w_star:.4f} with curvature λ = {curvature:.4f}, from w = {w0:g}. For the "
            "learning rate η of the slider: the first steps on the curve with the tangents "
            "at the first points, the distance to w* against the step on a log scale "
            "with the tolerance 1e-6 dotted, and the regime named: too small below "
            "η = 1/λ, just right at 1/λ, too large but converging up to 2/λ, diverging "
            "beyond. The η scale marks 1/λ and 2/λ."
        ),
        body=body,
        controls=controls,
        config=config,
    )
    numbers = _learning_rate_regimes_numbers(config, {"learning_rate": float(learning_rate)})
    label = f"LearningRateRegimes(η = {learning_rate:g}: {numbers['regime']}; {numbers['result']})"
    return InteractiveFigure("learning-rate-regimes", page, label, config, controls)


def _learning_rate_regimes_numbers(config: dict, values: dict) -> dict:
    from momentum_lib import theory

    eta, curvature, w_star = values["learning_rate"], config["curvature"], config["wStar"]
    parabola = Quadratic([curvature], minimizer=[w_star])
    run = minimize(
        parabola.gradient, [config["w0"]], learning_rate=eta, steps=config["steps"],
        divergence_threshold=config["threshold"],
    )  # fmt: skip
    kept = run.diverged_at if run.diverged else config["steps"] + 1
    path = run.path[:kept]
    eigenvalues = theory.iteration_eigenvalues(eta, 0.0, curvature)
    factor = float(eigenvalues[np.argmax(np.abs(eigenvalues))].real)  # 1 − ηλ; the other is 0
    reached = run.steps_to_reach(config["tolerance"], minimizer=[w_star])
    if run.diverged:
        result = f"diverged at step {run.diverged_at}"
    elif reached >= 0:
        result = f"within 1e-6 at step {reached}"
    else:
        result = f"{abs(path[-1] - w_star):.4f} away at step {config['steps']}"
    return {
        "path": path,
        "distance": np.abs(path - w_star),  # |w_t − w*|, what the result counts
        "product": eta * curvature,
        "factor": factor,
        "regime": _gradient_descent_regime(factor),
        "result": result,
        "thresholds": f"{1 / curvature:.2f} and {2 / curvature:.2f}",
    }


def _learning_rate_regimes_draw(config: dict, values: dict, numbers: dict) -> None:
    import matplotlib.pyplot as plt

    _, (left, right) = plt.subplots(1, 2, figsize=(9, 3.6))
    grid = np.linspace(*config["wRange"], 200)
    curvature, w_star = config["curvature"], config["wStar"]
    left.plot(grid, config["lowest"] + 0.5 * curvature * (grid - w_star) ** 2, color="0.3")
    path = numbers["path"][: config["shownSteps"] + 1]
    left.plot(path, config["lowest"] + 0.5 * curvature * (path - w_star) ** 2, "o-",
              color=config["colours"]["path"])  # fmt: skip
    left.axvline(w_star, color=config["colours"]["minimum"], ls=":")
    left.set(xlabel="weight w", ylabel="loss Q(w)", xlim=config["wRange"],
             ylim=(0, config["lowest"] + 0.5 * curvature * 3.3**2),
             title=numbers["regime"])  # fmt: skip
    right.semilogy(np.maximum(numbers["distance"], config["distanceRange"][0]),
                   color=config["colours"]["path"])  # fmt: skip
    right.axhline(config["tolerance"], color=config["colours"]["minimum"], ls=":")
    right.set(xlabel="step t", ylabel="|w_t − w*|", ylim=config["distanceRange"])


_KINDS["learning-rate-regimes"] = _Kind(_learning_rate_regimes_numbers, _learning_rate_regimes_draw)
