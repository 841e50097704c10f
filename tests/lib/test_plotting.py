"""momentum_lib.plotting: one palette in every figure, and helpers that draw what they say."""

from __future__ import annotations

import matplotlib.colors as mcolors
import matplotlib.pyplot as plt
import numpy as np
import pytest

from momentum_lib import minimize, plotting
from momentum_lib.landscapes import Quadratic


def same(colour_a, colour_b) -> bool:
    return mcolors.to_hex(colour_a) == mcolors.to_hex(colour_b)


def test_methods_take_their_palette_colour_and_others_the_extras():
    chosen = plotting.label_colours(
        ["gradient descent (α = 0)", "momentum, α = 0.9", "Nesterov", "momentum, α = 0.5", "x"]
    )
    assert chosen["gradient descent (α = 0)"] == plotting.GRADIENT_DESCENT_COLOUR
    assert chosen["momentum, α = 0.9"] == plotting.MOMENTUM_COLOUR
    assert chosen["Nesterov"] == plotting.NESTEROV_COLOUR
    # A second momentum run must not repeat the first's colour.
    assert chosen["momentum, α = 0.5"] == plotting.EXTRA_COLOURS[0]
    assert chosen["x"] == plotting.EXTRA_COLOURS[1]
    assert plotting.label_colours(["a"], {"a": "#123456"}) == {"a": "#123456"}


def test_colour_of_a_run_by_its_momentum():
    assert plotting.colour_of(0.0) == plotting.GRADIENT_DESCENT_COLOUR
    assert plotting.colour_of(0.9) == plotting.MOMENTUM_COLOUR
    assert plotting.colour_of(0.5, 1) == plotting.EXTRA_COLOURS[0]


def test_loss_curves_and_contours_use_the_palette():
    bowl = Quadratic([1.0, 10.0])
    runs = {
        "gradient descent": minimize(bowl.gradient, [1.0, 1.0], learning_rate=0.1, steps=20,
                                     loss=bowl.loss),
        "momentum": minimize(bowl.gradient, [1.0, 1.0], learning_rate=0.1, momentum=0.5,
                             steps=20, loss=bowl.loss),
    }  # fmt: skip
    ax = plotting.plot_loss_curves({name: run.losses for name, run in runs.items()})
    colours = {line.get_label(): line.get_color() for line in ax.get_lines()}
    assert same(colours["gradient descent"], plotting.GRADIENT_DESCENT_COLOUR)
    assert same(colours["momentum"], plotting.MOMENTUM_COLOUR)
    ax = plotting.plot_contours(
        bowl.loss, (-1.5, 1.5), (-1.5, 1.5),
        paths={name: run.weights for name, run in runs.items()}, minimizer=[0.0, 0.0],
    )  # fmt: skip
    lines = {line.get_label(): line for line in ax.get_lines()}
    assert same(lines["momentum"].get_color(), plotting.MOMENTUM_COLOUR)
    star = [line for line in ax.get_lines() if line.get_marker() == "*"]
    assert len(star) == 1 and same(star[0].get_color(), plotting.MINIMUM_COLOUR)
    plt.close("all")


def test_landscape_marks_the_minimum_and_draws_the_path():
    bowl = Quadratic([2.0], minimizer=[0.5])
    run = minimize(bowl.gradient, [2.0], learning_rate=0.2, steps=10)
    ax = plotting.plot_landscape_1d(bowl.loss, (-1.0, 3.0), path=run.path, minimizer=0.5)
    vertical = [line for line in ax.get_lines() if np.allclose(line.get_xdata(), 0.5)]
    assert vertical and same(vertical[0].get_color(), plotting.MINIMUM_COLOUR)
    plt.close("all")


def test_path_is_the_one_weight_and_refuses_more():
    runs = minimize(lambda w: w, [1.0], learning_rate=[0.5, 1.0], steps=2)
    np.testing.assert_array_equal(runs.path, runs.weights[..., 0])
    np.testing.assert_array_equal(runs[0].path, [1.0, 0.5, 0.25])
    with pytest.raises(ValueError, match="one weight; this run has 2"):
        _ = minimize(lambda w: w, [1.0, 1.0], learning_rate=0.5, steps=2).path
