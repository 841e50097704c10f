"""The in-page playground and the rolling-ball animation, in headless Chromium.

The playground's numbers must be momentum_lib's: its script's ``run`` is compared
with :func:`momentum_lib.minimize` to 1e-9 on the same settings, and each control
is moved to check that the picture and the shown numbers change as they should.
"""

from __future__ import annotations

import numpy as np
import pytest

from momentum_lib import minimize
from momentum_lib.interactive import (
    PLAYGROUND_LANDSCAPES,
    PLAYGROUND_STEPS,
    PLAYGROUND_TOLERANCE,
    playground,
    playground_widget,
    rolling_ball,
)

SETTINGS = [
    ("valley", 0.15, 0.6, (-1.8, 1.0)),
    ("valley", 0.05, 0.0, (1.5, -1.0)),
    ("valley", 0.19, 0.95, (0.3, 2.5)),
    ("valley", 0.3, 0.0, (-1.0, 1.0)),  # ηλ = 3 > 2: diverges
    ("rosenbrock", 0.001, 0.9, (-1.5, 2.0)),
    ("rosenbrock", 0.002, 0.0, (0.0, 0.0)),
    ("rosenbrock", 0.01, 0.9, (-1.5, 2.5)),  # diverges
]


@pytest.fixture(scope="module")
def playground_page(open_html):
    return open_html(playground().html)


@pytest.mark.parametrize(("landscape", "learning_rate", "momentum", "w0"), SETTINGS)
def test_in_page_run_equals_momentum_lib(playground_page, landscape, learning_rate, momentum, w0):
    page, errors = playground_page
    config = {"kind": "quadratic", "curvatures": [1.0, 10.0]}
    if landscape == "rosenbrock":
        config = {"kind": "rosenbrock", "a": 1.0, "b": 100.0}
    result = page.evaluate(
        "([c, eta, alpha, w0, steps]) =>"
        " window.momentumPlayground.run(c, eta, alpha, w0, steps, 1e12)",
        [config, learning_rate, momentum, list(w0), PLAYGROUND_STEPS],
    )
    surface = PLAYGROUND_LANDSCAPES[landscape]
    reference = minimize(
        surface.gradient, w0, learning_rate=learning_rate, momentum=momentum,
        steps=PLAYGROUND_STEPS, loss=surface.loss,
    )  # fmt: skip
    kept = len(result["weights"])
    if reference.diverged:
        assert result["divergedAt"] == reference.diverged_at
        assert kept == reference.diverged_at
    else:
        assert result["divergedAt"] == -1 and kept == PLAYGROUND_STEPS + 1
    np.testing.assert_allclose(result["weights"], reference.weights[:kept], rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(result["losses"], reference.losses[:kept], rtol=1e-9, atol=1e-12)
    assert errors == []


def set_control(page, name: str, value: float) -> None:
    page.evaluate(
        """([name, value]) => {
            const input = document.querySelector(`input[data-control="${name}"]`);
            input.value = String(value);
            input.dispatchEvent(new Event("input"));
        }""",
        [name, value],
    )


def state(page) -> dict:
    return page.evaluate(
        """() => {
            const root = document.querySelector(".momentum-playground");
            const shown = {};
            root.querySelectorAll("[data-show]")
                .forEach((n) => (shown[n.dataset.show] = n.textContent));
            const start = root.querySelector(".playground-start");
            return {
                path: root.querySelector(".playground-path").getAttribute("points"),
                curve: root.querySelector(".playground-loss-curve").getAttribute("points"),
                start: [start.getAttribute("cx"), start.getAttribute("cy")],
                shown: shown,
                divergedAt: Number(root.dataset.divergedAt),
            };
        }"""
    )


def expected_steps(landscape: str, learning_rate: float, momentum: float, w0) -> str:
    surface = PLAYGROUND_LANDSCAPES[landscape]
    run = minimize(
        surface.gradient, w0, learning_rate=learning_rate, momentum=momentum,
        steps=PLAYGROUND_STEPS, loss=surface.loss,
    )  # fmt: skip
    if run.diverged:
        return f"diverged at step {run.diverged_at}"
    steps = run.steps_to_settle(PLAYGROUND_TOLERANCE)
    return str(steps) if steps >= 0 else f"not within {PLAYGROUND_STEPS} steps"


def test_each_control_changes_the_picture_and_the_numbers(open_html) -> None:
    page, errors = open_html(playground(learning_rate=0.1, momentum=0.0, w0=(-1.8, 1.0)).html)
    before = state(page)
    assert before["path"] and before["curve"]
    assert before["shown"]["steps"] == expected_steps("valley", 10**-1.0, 0.0, (-1.8, 1.0))

    # Momentum: a different path; the shown steps are momentum_lib's.
    set_control(page, "momentum", 0.5)
    after_momentum = state(page)
    assert after_momentum["path"] != before["path"]
    assert after_momentum["shown"]["momentum"] == "0.50"
    assert after_momentum["shown"]["steps"] == expected_steps("valley", 0.1, 0.5, (-1.8, 1.0))
    assert after_momentum["shown"]["effective"] == "0.2000"

    # Learning rate beyond the stability limit (ηλ = 10^-0.5·10 ≈ 3.2 > 2 + 2α = 3): diverges.
    set_control(page, "log10_learning_rate", -0.5)
    diverging = state(page)
    assert diverging["divergedAt"] > 0
    assert diverging["shown"]["steps"] == expected_steps("valley", 10**-0.5, 0.5, (-1.8, 1.0))
    assert diverging["shown"]["final_loss"] == "—"
    set_control(page, "log10_learning_rate", -1.0)

    # The starting point: the start marker and the path move.
    set_control(page, "w1", 1.0)
    moved = state(page)
    assert float(moved["start"][0]) > float(after_momentum["start"][0])
    assert moved["path"] != after_momentum["path"]
    set_control(page, "w2", -1.0)
    lowered = state(page)
    assert float(lowered["start"][1]) > float(moved["start"][1])  # the SVG's y points down
    assert lowered["shown"]["steps"] == expected_steps("valley", 0.1, 0.5, (1.0, -1.0))

    # The landscape: Rosenbrock's contours replace the valley's.
    page.select_option("select", "rosenbrock")
    visible = page.evaluate(
        "() => Array.from(document.querySelectorAll('[data-contours]'))"
        ".filter((g) => g.style.display !== 'none').map((g) => g.dataset.contours)"
    )
    assert visible == ["rosenbrock"]
    assert state(page)["path"] != lowered["path"]
    assert errors == []


def test_rolling_ball_plays_pauses_and_steps(open_html) -> None:
    figure = rolling_ball({"gradient descent": 0.0, "momentum (α = 0.8)": 0.8}, steps=60)
    page, errors = open_html(figure.html)
    root = ".rolling-ball-animation"

    def frame() -> int:
        return int(page.get_attribute(root, "data-frame"))

    def balls() -> list[str]:
        return page.eval_on_selector_all(
            ".rolling-ball", "(bs) => bs.map((b) => b.getAttribute('cx'))"
        )

    assert frame() == 0
    start = balls()
    page.click("[data-action=forward]")
    assert frame() == 1 and page.text_content(".rolling-ball-step") == "step 1"
    assert balls() != start
    page.click("[data-action=back]")
    assert frame() == 0 and balls() == start

    page.click("[data-action=play]")
    page.wait_for_function(
        "() => Number(document.querySelector('.rolling-ball-animation').dataset.frame) >= 5"
    )
    page.click("[data-action=play]")  # pause
    paused_at = frame()
    page.wait_for_timeout(300)
    assert frame() == paused_at and page.get_attribute(root, "data-playing") == "no"

    page.click("[data-action=reset]")
    assert frame() == 0
    assert errors == []


def test_rolling_ball_positions_are_momentum_libs() -> None:
    from momentum_lib import BumpySlope

    figure = rolling_ball({"gradient descent": 0.0, "momentum (α = 0.8)": 0.8}, steps=150)
    hill = BumpySlope()
    for label, momentum in (("gradient descent", 0.0), ("momentum (α = 0.8)", 0.8)):
        run = minimize(hill.gradient, [-3.0], learning_rate=0.05, momentum=momentum, steps=150)
        assert f"{label}: ends at w = {run.final_weights[0]:.2f}" in repr(figure)
    # The story the animation tells: plain descent stops in a dip, momentum reaches 0.
    assert "gradient descent: ends at w = -1.58" in repr(figure)


def test_playground_widget_builds_with_the_same_controls() -> None:
    widget = playground_widget()
    names = [child.description for child in widget.children[:-1]]
    assert names == ["landscape", "log10 η", "α", "start w₁", "start w₂"]


def test_bad_playground_settings_are_refused() -> None:
    with pytest.raises(ValueError, match="landscape must be one of"):
        playground(landscape="bowl")
    with pytest.raises(ValueError, match="momentum"):
        playground(momentum=1.0)


def test_the_widget_and_the_page_share_one_slider_table() -> None:
    widget = playground_widget()
    page = playground().html
    for slider in widget.children[1:-1]:
        # The page's slider with the same range and step exists (one table, read twice).
        assert f'min="{slider.min}" max="{slider.max}" step="{slider.step}"' in page, slider


def test_a_landscape_the_page_cannot_draw_is_refused(monkeypatch) -> None:
    from momentum_lib import interactive
    from momentum_lib.landscapes import BumpySlope

    monkeypatch.setitem(interactive.PLAYGROUND_LANDSCAPES, "hill", BumpySlope())
    with pytest.raises(TypeError, match="Quadratic and Rosenbrock"):
        interactive._landscape_config("hill")
