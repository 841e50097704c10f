"""The figures the chapters share, so that a notebook cell says what it shows, not how.

Every helper draws on the ``ax`` it is given (or on a new figure), returns that
``Axes`` and never calls ``plt.show()``. Colours and sizes are fixed, so that
figures are the same on every machine.

Each helper names the chapter that first uses it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes
from numpy.typing import ArrayLike, NDArray

__all__ = [
    "BOOK_STYLE",
    "EXTRA_COLOURS",
    "GRADIENT_DESCENT_COLOUR",
    "MINIMUM_COLOUR",
    "MOMENTUM_COLOUR",
    "NESTEROV_COLOUR",
    "PALETTE",
    "colour_of",
    "label_colours",
    "plot_contours",
    "plot_landscape_1d",
    "plot_loss_curves",
    "plot_rate_map",
    "plot_update_terms",
    "use_book_style",
]

BOOK_STYLE = {
    "figure.figsize": (6.4, 4.0),
    "figure.dpi": 80,
    "savefig.dpi": 80,
    "axes.grid": True,
    "grid.alpha": 0.3,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "font.size": 11,
    "legend.frameon": False,
}
"""The book's matplotlib settings, for small PNGs that read well at the page's width."""

PALETTE = {
    "gradient descent": "#1f77b4",
    "momentum": "#d62728",
    "Nesterov": "#2ca02c",
    "minimum": "#000000",
}
"""The book's one palette. Each method (and the minimum) has one colour in every figure,
animation and interactive figure. Introduced in chapter 0."""

GRADIENT_DESCENT_COLOUR = PALETTE["gradient descent"]
MOMENTUM_COLOUR = PALETTE["momentum"]
NESTEROV_COLOUR = PALETTE["Nesterov"]
MINIMUM_COLOUR = PALETTE["minimum"]
EXTRA_COLOURS = ("#9467bd", "#8c564b", "#e377c2", "#7f7f7f")
"""For further runs in one figure (several momenta, say), after the palette's own."""

# The two terms of an update take the colour of the method each one stands for: the
# gradient term is gradient descent's step, the momentum term is what momentum adds.
GRADIENT_TERM_COLOUR = GRADIENT_DESCENT_COLOUR
MOMENTUM_TERM_COLOUR = MOMENTUM_COLOUR
UPDATE_COLOUR = "#444444"


def colour_of(momentum: float, index: int = 0) -> str:
    """The palette's colour for a run: gradient descent if α = 0, momentum otherwise.

    Introduced in chapter 3, "Momentum".

    ``index`` counts the runs with momentum drawn so far in the figure: the first takes
    the momentum colour, further ones :data:`EXTRA_COLOURS` in turn. Introduced in
    chapter 0.
    """
    if momentum == 0:
        return GRADIENT_DESCENT_COLOUR
    return MOMENTUM_COLOUR if index == 0 else EXTRA_COLOURS[(index - 1) % len(EXTRA_COLOURS)]


def _method_of(label: str) -> str | None:
    """The palette's method a label names ("Nesterov", "gradient descent", "momentum")."""
    text = label.lower()
    for method in ("Nesterov", "gradient descent", "momentum"):
        if method.lower() in text:
            return method
    return None


def label_colours(labels: list[str], colours: Mapping[str, str] | None = None) -> dict[str, str]:
    """A colour for each label: given ones first, then the palette, then the extras.

    A label that names a method ("gradient descent (α = 0)", "momentum, α = 0.9",
    "Nesterov") takes that method's palette colour, unless an earlier label took it;
    every other label takes the next of :data:`EXTRA_COLOURS`. Introduced in chapter 0.
    """
    chosen: dict[str, str] = {}
    extras = iter(EXTRA_COLOURS * (len(labels) // len(EXTRA_COLOURS) + 1))
    for label in labels:
        method = _method_of(label)
        if colours is not None and label in colours:
            chosen[label] = colours[label]
        elif method is not None and PALETTE[method] not in chosen.values():
            chosen[label] = PALETTE[method]
        else:
            chosen[label] = next(extras)
    return chosen


def use_book_style() -> None:
    """Apply :data:`BOOK_STYLE` to matplotlib. Introduced in chapter 0."""
    plt.rcParams.update(BOOK_STYLE)


def _axes(ax: Axes | None) -> Axes:
    return plt.subplots()[1] if ax is None else ax


def plot_landscape_1d(
    loss: Callable[[NDArray[np.float64]], ArrayLike],
    w_range: tuple[float, float],
    *,
    path: ArrayLike | None = None,
    label: str | None = None,
    colour: str = MOMENTUM_COLOUR,
    minimizer: float | None = None,
    ax: Axes | None = None,
) -> Axes:
    """A 1-D loss curve Q(w), with the ball's path on it if ``path`` is given.

    Introduced in chapter 0, "Is this formula difficult?".

    Parameters
    ----------
    loss : callable
        Q, taking weights of shape (..., 1).
    w_range : (float, float)
        The interval of w to draw.
    path : array_like, shape (steps + 1, 1) or (steps + 1,), optional
        The weights visited, e.g. ``trajectory.weights``; drawn as dots joined by
        a thin line, the start hollow and the end filled large.
    label : str, optional
        The path's legend entry.
    colour : str
        The path's colour, the momentum colour by default.
    minimizer : float, optional
        Marked by a dashed vertical line in the palette's minimum colour.
    """
    ax = _axes(ax)
    grid = np.linspace(*w_range, 600)
    if minimizer is not None:
        ax.axvline(float(minimizer), color=MINIMUM_COLOUR, ls="--", lw=1, zorder=0)
    ax.plot(grid, loss(grid[:, None]), color="0.3", lw=1.5, zorder=1)
    if path is not None:
        w = np.asarray(path, dtype=float).reshape(-1)
        q = loss(w[:, None])
        ax.plot(w, q, "-", color=colour, lw=0.8, alpha=0.6, zorder=2)
        ax.scatter(w, q, s=14, color=colour, zorder=3, label=label)
        ax.scatter(w[:1], q[:1], s=70, facecolors="none", edgecolors=colour, zorder=4)
        ax.scatter(w[-1:], q[-1:], s=90, color=colour, edgecolors="black", zorder=4)
    ax.set_xlabel("weight $w$")
    ax.set_ylabel("loss $Q(w)$")
    if label is not None:
        ax.legend()
    return ax


def plot_contours(
    loss: Callable[[NDArray[np.float64]], ArrayLike],
    x_range: tuple[float, float],
    y_range: tuple[float, float],
    *,
    paths: Mapping[str, ArrayLike] | None = None,
    levels: int | ArrayLike = 20,
    log_levels: bool = True,
    minimizer: ArrayLike | None = None,
    labels: tuple[str, str] = ("$w_1$", "$w_2$"),
    colours: Mapping[str, str] | None = None,
    ax: Axes | None = None,
) -> Axes:
    """Contours of a 2-D loss with optimisation paths drawn over them.

    Introduced in chapter 1, "The basis" (the path to the least-squares line).

    Parameters
    ----------
    loss : callable
        Q, taking weights of shape (..., 2).
    x_range, y_range : (float, float)
        The window, in w₁ and w₂.
    paths : mapping of label to array of shape (steps + 1, 2), optional
        The weights visited by each run (``trajectory.weights``).
    levels : int or array_like
        Number of contour levels or their values.
    log_levels : bool, default True
        Space the levels geometrically (a valley's floor is then visible).
    minimizer : array_like, optional
        Marked with a star in the palette's minimum colour.
    labels : (str, str)
        The axis labels, ``("$w_1$", "$w_2$")`` by default.
    colours : mapping of label to colour, optional
        Colours for some paths; the others follow :func:`label_colours`.
    """
    ax = _axes(ax)
    x, y = np.meshgrid(np.linspace(*x_range, 300), np.linspace(*y_range, 300))
    z = loss(np.stack([x, y], axis=-1))
    if isinstance(levels, int) and log_levels:
        low = max(float(z.min()), float(z.max()) * 1e-6, 1e-12)
        levels = np.geomspace(low, float(z.max()), levels)
    ax.contour(x, y, z, levels=levels, cmap="Greys_r", linewidths=0.7)
    paths = paths or {}
    path_colours = label_colours(list(paths), colours)
    for label, path in paths.items():
        w = np.asarray(path, dtype=float)
        ax.plot(w[:, 0], w[:, 1], ".-", ms=4, lw=1.2, color=path_colours[label], label=label)
    if minimizer is not None:
        ax.plot(*np.asarray(minimizer, dtype=float), "*", ms=14, color=MINIMUM_COLOUR, mec="white")
    ax.set_xlabel(labels[0])
    ax.set_ylabel(labels[1])
    ax.set_xlim(*x_range)
    ax.set_ylim(*y_range)
    ax.grid(False)
    if paths:
        ax.legend(loc="upper right")
    return ax


def plot_loss_curves(
    curves: Mapping[str, ArrayLike],
    *,
    ylabel: str = "loss $Q(w_t)$",
    log_scale: bool = True,
    colours: Mapping[str, str] | None = None,
    ax: Axes | None = None,
) -> Axes:
    """Loss against step for several runs, on a log scale by default.

    Introduced in chapter 0, "Is this formula difficult?".

    Parameters
    ----------
    curves : mapping of label to array of shape (steps + 1,)
        For example ``{"gradient descent": run.losses}``. ``nan`` (a diverged
        run) leaves the rest of the curve blank.
    colours : mapping of label to colour, optional
        Colours for some curves; the others follow :func:`label_colours` (a label that
        names a method takes the palette's colour).
    """
    ax = _axes(ax)
    curve_colours = label_colours(list(curves), colours)
    for label, values in curves.items():
        values = np.asarray(values, dtype=float)
        ax.plot(np.arange(values.size), values, lw=1.6, color=curve_colours[label], label=label)
    if log_scale:
        ax.set_yscale("log")
    ax.set_xlabel("step $t$")
    ax.set_ylabel(ylabel)
    ax.legend()
    return ax


def plot_update_terms(
    trajectory,
    *,
    steps: int | None = None,
    labels: tuple[str, str] = ("$w_1$", "$w_2$"),
    ax: Axes | None = None,
) -> Axes:
    """The two terms of each update as arrows: −η∇Q(w) (blue), αΔw (red), their sum (grey).

    For each step t the momentum term α·Δw starts at w_t, the gradient term is
    drawn from its tip, and the grey arrow Δw = αΔw − η∇Q(w) joins w_t to w_(t+1).
    The term colours are those of the methods they stand for (gradient descent, momentum).
    Introduced in chapter 4, "Putting it all together".

    Parameters
    ----------
    trajectory : Trajectory
        A single run on a 2-D problem (weights of shape (steps + 1, 2)).
    steps : int, optional
        Draw only the first ``steps`` steps.
    labels : (str, str)
        The axis labels, ``("$w_1$", "$w_2$")`` by default.
    """
    ax = _axes(ax)
    count = trajectory.updates.shape[0] if steps is None else steps
    w = trajectory.weights[: count + 1]
    momentum_terms = trajectory.momentum_terms[:count]
    gradient_terms = trajectory.gradient_terms[:count]
    arrow = {"angles": "xy", "scale_units": "xy", "scale": 1, "width": 0.006}
    ax.quiver(*w[:-1].T, *momentum_terms.T, color=MOMENTUM_TERM_COLOUR, **arrow)
    ax.quiver(*(w[:-1] + momentum_terms).T, *gradient_terms.T, color=GRADIENT_TERM_COLOUR, **arrow)
    ax.quiver(*w[:-1].T, *(w[1:] - w[:-1]).T, color=UPDATE_COLOUR, alpha=0.35, **arrow)
    ax.plot(*w.T, "o", ms=4, color=UPDATE_COLOUR)
    for label, colour, alpha in (
        (r"momentum term $\alpha\,\Delta w$", MOMENTUM_TERM_COLOUR, 1.0),
        (r"gradient term $-\eta\,\nabla Q(w)$", GRADIENT_TERM_COLOUR, 1.0),
        (r"update $\Delta w$ (their sum)", UPDATE_COLOUR, 0.35),
    ):
        ax.plot([], [], color=colour, alpha=alpha, lw=3, label=label)
    ax.set_xlabel(labels[0])
    ax.set_ylabel(labels[1])
    ax.set_aspect("equal", adjustable="box")
    ax.legend(loc="best", fontsize=9)
    return ax


def plot_rate_map(
    step_curvature: ArrayLike,
    momenta: ArrayLike,
    rates: ArrayLike,
    *,
    ax: Axes | None = None,
) -> Axes:
    """A map of per-step convergence rates over (ηλ, α), with the theory's boundaries.

    Colour shows the rate (white where the run diverged); the black line is the
    stability limit ηλ = 2 + 2α, and the dashed curve α = (1 − √(ηλ))² is where the
    two eigenvalues meet: at ηλ ≤ 1 critical damping (a positive double root), at
    ηλ ≥ 1 a negative double root. Above the curve the eigenvalues are complex (the
    run oscillates, rate √α); below it they are real, positive left of ηλ = 1
    (monotone) and negative right of it (the sign alternates every step).
    Introduced in chapter 7, "Why momentum works".

    Parameters
    ----------
    step_curvature : array_like, shape (n,)
        The values of ηλ (the columns of ``rates``).
    momenta : array_like, shape (m,)
        The values of α (the rows of ``rates``).
    rates : array_like, shape (m, n)
        Measured rates; ``nan`` where the run diverged.
    """
    ax = _axes(ax)
    x = np.asarray(step_curvature, dtype=float)
    y = np.asarray(momenta, dtype=float)
    image = ax.pcolormesh(x, y, np.asarray(rates, dtype=float), cmap="viridis", vmin=0, vmax=1,
                          shading="nearest")  # fmt: skip
    ax.figure.colorbar(image, ax=ax, label="rate per step")
    alpha = np.linspace(0, y.max(), 200)
    ax.plot(
        2 + 2 * alpha,
        alpha,
        color="black",
        lw=2,
        label=r"stability limit $\eta\lambda = 2 + 2\alpha$",
    )
    curve = np.linspace(0, min(x.max(), 4.0), 400)
    ax.plot(curve, (1 - np.sqrt(curve)) ** 2, "--", color="white", lw=1.5,
            label=r"double roots $\alpha = (1 - \sqrt{\eta\lambda})^2$")  # fmt: skip
    ax.set_xlim(x.min(), x.max())
    ax.set_ylim(y.min(), y.max())
    ax.set_xlabel(r"step size times curvature $\eta\lambda$")
    ax.set_ylabel(r"momentum $\alpha$")
    ax.grid(False)
    ax.legend(loc="upper left", fontsize=9, frameon=True)
    return ax
