"""The interactive figures against momentum_lib, their controls, and their widget twins.

- The pages' mirrors (the playground, the learning-rate change, the (ηλ, α) map) run in
  headless Chromium on the figure's own embedded configuration and are compared with
  the library's functions, called here directly, to 1e-9.
- The embedded data (the outlier fits, the loss floors, the rolling ball) are compared
  with the library computing each setting on its own (not in the batch the figure used).
- The page's behaviour that the site test does not reach: the settings link, the
  animation's play and pause, arrow keys kept from the document (JupyterLab).
- Every bad input is refused with a message naming it; each figure's ipywidgets twin
  shows the library's numbers.
"""

from __future__ import annotations

import json

import numpy as np
import pytest

from momentum_lib import BumpySlope, Quadratic, minimize, theory
from momentum_lib.conventions import pytorch_sgd, thread_sgd
from momentum_lib.interactive import (
    FLOOR_BATCH_SIZES,
    HUBER_DELTAS,
    OUTLIER_SHIFTS,
    PLAYGROUND_LANDSCAPES,
    PLAYGROUND_STEPS,
    Control,
    InteractiveFigure,
    condition_race,
    figure_numbers,
    formula_steps,
    iteration_map,
    learning_rate_regimes,
    noisy_floor,
    one_sample_fit,
    outlier_fits,
    playground,
    playground_widget,
    rolling_ball,
    schedule_change,
    towards_the_answer,
    two_terms,
)
from momentum_lib.landscapes import Rosenbrock
from tests.browser import serve
from tests.site.test_interactive_figures import (
    MEASURE_FIGURE,
    PHONE,
    READ_FIGURE,
    dark_problems,
    numbers_problems,
    phone_problems,
    shown_as,
    stepper_problems,
)


def chapter_2_data() -> tuple[np.ndarray, np.ndarray]:
    """Chapter 2's x and y: body mass index and progression, both standardized."""
    from momentum_lib import load_diabetes, standardize

    diabetes = load_diabetes()
    return standardize(diabetes.column("bmi")), standardize(diabetes.targets)


def compute_in_page(page, kind: str, values: dict):
    return page.evaluate(
        "([kind, values]) => { const root = document.querySelector('.interactive-figure');"
        " return window.momentumFigures.compute[kind](root.momentumFigure.config, values); }",
        [kind, values],
    )


def close(mine, theirs) -> None:
    np.testing.assert_allclose(np.asarray(mine, dtype=float), theirs, rtol=1e-9, atol=1e-12)


# --- The playground's mirror -----------------------------------------------------------------

PLAYGROUND_RUNS = [
    ("valley", 0.15, 0.6, (-1.8, 1.0)),
    ("valley", 0.05, 0.0, (1.5, -1.0)),
    ("valley", 0.2, 0.95, (0.3, 2.5)),
    ("valley", 0.3, 0.0, (-1.0, 1.0)),  # ηλ = 3 > 2: gradient descent diverges
    ("rotated valley", 0.04, 0.9, (-1.5, 2.0)),
    ("rotated valley", 0.1, 0.5, (1.0, -1.0)),  # ηλ = 2 > 2(1 + 2α)/(1 + 2α)·… : Nesterov?
    ("rosenbrock", 0.001, 0.9, (-1.5, 2.0)),
    ("rosenbrock", 0.002, 0.0, (0.0, 0.0)),
    ("rosenbrock", 0.01, 0.9, (-1.5, 2.5)),  # diverges
]


@pytest.fixture(scope="module")
def playground_page(open_html):
    return open_html(playground().html)


@pytest.mark.parametrize(("landscape", "learning_rate", "momentum", "w0"), PLAYGROUND_RUNS)
def test_the_playground_runs_minimize_in_the_page(
    playground_page, landscape, learning_rate, momentum, w0
) -> None:
    page, errors = playground_page
    values = {"landscape": landscape, "learning_rate": learning_rate, "momentum": momentum,
              "w1": w0[0], "w2": w0[1]}  # fmt: skip
    runs = compute_in_page(page, "playground", values)
    surface = PLAYGROUND_LANDSCAPES[landscape]
    for key, alpha, nesterov in (("gd", 0.0, False), ("momentum", momentum, False),
                                 ("nesterov", momentum, True)):  # fmt: skip
        reference = minimize(
            surface.gradient, w0, learning_rate=learning_rate, momentum=alpha,
            nesterov=nesterov, steps=PLAYGROUND_STEPS, loss=surface.loss,
        )  # fmt: skip
        kept = len(runs[key]["weights"])
        if reference.diverged:
            assert runs[key]["divergedAt"] == reference.diverged_at == kept
        else:
            assert runs[key]["divergedAt"] == -1 and kept == PLAYGROUND_STEPS + 1
        close(runs[key]["weights"], reference.weights[:kept])
        close(runs[key]["losses"], reference.losses[:kept])
    assert errors == []


def test_the_playground_settings_travel_in_the_address(open_html) -> None:
    page, errors = open_html(playground().html)
    link = page.get_attribute("a[data-settings-link]", "href")
    assert link.startswith("?landscape=valley&learning_rate=0.15&momentum=0.6&w1=-1.8&w2=1&")
    assert link.endswith("#momentum-playground")
    page.goto(page.url + "?landscape=rosenbrock&learning_rate=0.002&momentum=0.9&w1=0.5")
    figure = page.query_selector(".interactive-figure")
    state = figure.evaluate(READ_FIGURE)
    assert state["values"] | {"w2": 1.0} == state["values"]  # w2 as it was
    assert (state["values"]["landscape"], state["values"]["learning_rate"]) == ("rosenbrock", 0.002)
    assert state["values"]["momentum"] == 0.9 and state["values"]["w1"] == 0.5
    assert numbers_problems(state) == []
    assert errors == []


def test_the_settings_link_is_a_link_before_the_script_runs() -> None:
    """A crawler, or a reader before the figure is drawn, meets a link with a target.

    The site draws a figure only when it nears the screen (book/_ext/page_speed.py):
    without an ``href`` in the markup, Lighthouse's "crawlable anchors" audit failed.
    """
    markup = playground().html
    assert '<a href="#momentum-playground" data-settings-link="momentum-playground">' in markup


def test_arrow_keys_stay_with_the_slider(open_html) -> None:
    """JupyterLab's shortcuts listen on the document: a slider's keys must not get there."""
    page, errors = open_html(playground().html)
    page.evaluate(
        "() => { window.leaked = [];"
        " document.addEventListener('keydown', (e) => window.leaked.push(e.key)); }"
    )
    page.focus('[data-control="momentum"]')
    for key in ("ArrowRight", "ArrowRight", "ArrowLeft", "ArrowUp"):
        page.keyboard.press(key)
    assert page.text_content('[data-show="momentum"]') == "0.62"
    assert page.evaluate("() => window.leaked") == []
    assert errors == []


@pytest.mark.slow
def test_arrow_keys_move_the_slider_inside_jupyterlab(browser, tmp_path) -> None:
    """In a real JupyterLab, in command mode: the keys move the slider, not the active cell.

    (Without the figure's stopPropagation, ArrowUp and ArrowDown select other cells and
    the slider does not move.)
    """
    import nbformat

    from tests.book.test_learner_notebooks import READY_JS, TOKEN, running_jupyterlab
    from tests.browser import new_page

    notebook = nbformat.v4.new_notebook()
    notebook.cells = [
        nbformat.v4.new_markdown_cell("# Keys"),
        nbformat.v4.new_code_cell(
            "from momentum_lib.interactive import iteration_map\niteration_map()"
        ),
        nbformat.v4.new_markdown_cell("After the figure"),
    ]
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3"}
    (tmp_path / "root").mkdir()
    nbformat.write(notebook, tmp_path / "root" / "keys.ipynb")
    with running_jupyterlab(tmp_path / "root", tmp_path / "state") as lab:
        errors: list[str] = []
        page = new_page(browser, errors)
        page.set_default_timeout(120_000)
        try:
            page.goto(f"{lab.url}/lab/tree/keys.ipynb?reset&token={TOKEN}")
            page.wait_for_function(READY_JS, arg="keys.ipynb")
            page.evaluate("() => window.jupyterapp.commands.execute('notebook:run-all-cells')")
            page.wait_for_selector(".jp-OutputArea-output .interactive-figure[data-ready=yes]")
            notebook_js = "window.jupyterapp.shell.currentWidget.content"
            page.evaluate(
                f"() => {{ {notebook_js}.mode = 'command'; {notebook_js}.activeCellIndex = 1; }}"
            )
            slider = page.locator('.interactive-figure [data-control="momentum"]')
            slider.click()
            start = float(slider.input_value())
            for key in ("ArrowUp", "ArrowUp", "ArrowRight", "ArrowDown"):
                page.keyboard.press(key)
            assert float(slider.input_value()) == pytest.approx(start + 0.02)
            assert page.evaluate(f"() => {notebook_js}.activeCellIndex") == 1
            assert (
                page.text_content('.interactive-figure [data-show="momentum"]')
                == f"{start + 0.02:.2f}"
            )
        finally:
            page.close()
    assert errors == []


# --- The (ηλ, α) map's mirror ----------------------------------------------------------------

MAP_POINTS = [(0.05, 0.5), (1.0, 0.8), (1.8, 0.1), (3.7, 0.8), (0.25, 0.25), (1.0, 0.0),
              (4.0, 0.99), (2.0, 0.0), (0.5, 0.0), (1.5, 0.0), (0.01, 0.99)]  # fmt: skip


@pytest.fixture(scope="module")
def map_page(open_html):
    return open_html(iteration_map().html)


@pytest.mark.parametrize(("step_curvature", "momentum"), MAP_POINTS)
def test_the_map_computes_the_eigenvalues_and_the_path_of_the_library(
    map_page, step_curvature, momentum
) -> None:
    page, errors = map_page
    values = {"step_curvature": step_curvature, "momentum": momentum}
    result = compute_in_page(page, "iteration-map", values)
    z = theory.iteration_eigenvalues(step_curvature, momentum, 1.0)
    close(result["eigenvalues"], np.stack([z.real, z.imag], axis=-1))
    close(result["radius"], theory.spectral_radius(step_curvature, momentum, 1.0))
    run = minimize(lambda w: w, [1.0], learning_rate=step_curvature, momentum=momentum, steps=40)
    kept = run.diverged_at if run.diverged else 41
    close(result["path"], run.path[:kept])
    assert result["regime"] == figure_numbers("iteration-map", {"w0": 1.0, "steps": 40,
                                              "threshold": 1e12}, values)["regime"]  # fmt: skip
    assert errors == []


@pytest.mark.parametrize(
    ("step_curvature", "momentum", "regime"),
    [(0.05, 0.5, "monotone"), (1.0, 0.8, "oscillating"), (1.8, 0.1, "alternating"),
     (3.7, 0.8, "divergent"), (2.0, 0.0, "divergent"), (1.0, 0.0, "monotone")],
)  # fmt: skip
def test_the_map_names_chapter_7s_regimes(step_curvature, momentum, regime) -> None:
    """Chapter 7's table of regimes (the eigenvalues' signs and whether they are complex)."""
    assert (
        iteration_map(step_curvature=step_curvature, momentum=momentum).numbers()["regime"]
        == regime
    )


# --- The √κ race's mirror --------------------------------------------------------------------


@pytest.mark.parametrize("kappa", [2.0, 10.0, 1000.0])
def test_the_race_runs_the_theorys_settings_through_minimize(open_html, kappa) -> None:
    from momentum_lib import Quadratic

    page, errors = open_html(condition_race(condition_number=kappa).html)
    result = compute_in_page(page, "condition-race", {"kappa": kappa})
    eta, alpha = theory.optimal_momentum_parameters(1.0, kappa)
    settings = {
        "gd": (theory.gradient_descent_optimal_learning_rate(1.0, kappa), 0.0,
               theory.gradient_descent_rate(kappa)),
        "momentum": (eta, alpha, theory.optimal_momentum_rate(kappa)),
    }  # fmt: skip
    for key, (learning_rate, momentum, rate) in settings.items():
        close([result[key]["learningRate"], result[key]["momentum"], result[key]["rate"]],
              [learning_rate, momentum, rate])  # fmt: skip
        run = minimize(Quadratic([1.0, kappa]).gradient, [1.0, 1.0], learning_rate=learning_rate,
                       momentum=momentum, steps=20_000)  # fmt: skip
        close(result[key]["distances"], np.linalg.norm(run.weights, axis=-1))
        assert result[key]["settled"] == run.steps_to_settle(np.sqrt(2) * 1e-6, minimizer=[0, 0])
    assert errors == []


def test_the_race_shows_the_square_root_speed_up() -> None:
    """Chapter 7's claim: the speed-up grows like √κ (below it: the double roots' factor t)."""
    figure = condition_race()
    speed_ups = [figure.numbers(kappa=k)["speed_up"] for k in (10.0, 100.0, 1000.0)]
    assert speed_ups == sorted(speed_ups)
    for kappa, speed_up in zip((10.0, 100.0, 1000.0), speed_ups, strict=True):
        assert 0.6 * np.sqrt(kappa) < speed_up < np.sqrt(kappa)


# --- The learning-rate change's mirror ----------------------------------------------------


@pytest.fixture(scope="module")
def schedule_page(open_html):
    return open_html(schedule_change().html)


@pytest.mark.parametrize(("change_at", "factor"), [(100, 0.5), (1, 0.1), (299, 2.0), (50, 1.0)])
def test_the_schedule_change_runs_both_conventions_of_the_library(
    schedule_page, change_at, factor
) -> None:
    page, errors = schedule_page
    result = compute_in_page(page, "schedule-change", {"change_at": change_at, "factor": factor})
    rates = np.where(np.arange(300) < change_at, 0.001, 0.001 * factor)
    banana = Rosenbrock()
    close(result["thread"], thread_sgd(banana.gradient, [-1.5, 2.0], learning_rate=rates,
                                       momentum=0.9, steps=300))  # fmt: skip
    close(result["pytorch"], pytorch_sgd(banana.gradient, [-1.5, 2.0], learning_rate=rates,
                                         momentum=0.9, steps=300))  # fmt: skip
    assert errors == []


def test_the_predicted_difference_is_the_measured_one() -> None:
    """Chapter 6's claim, for every change the figure offers at one step."""
    figure = schedule_change()
    for factor in (0.1, 0.5, 2.0):
        numbers = figure.numbers(change_at=150, factor=factor)
        close(numbers["measured"], numbers["predicted"])


# --- One weight under the three losses: the mirror -----------------------------------------


@pytest.fixture(scope="module")
def one_sample_page(open_html):
    return open_html(one_sample_fit().html)


@pytest.mark.parametrize("loss", ["MAE", "Huber", "MSE"])
@pytest.mark.parametrize(("learning_rate", "momentum"), [(0.01, 0.9), (0.3, 0.0), (0.003, 0.99)])
def test_one_weight_runs_minimize_on_the_regression_losses(
    one_sample_page, loss, learning_rate, momentum
) -> None:
    from momentum_lib import linear_regression

    page, errors = one_sample_page
    values = {"loss": loss, "learning_rate": learning_rate, "momentum": momentum}
    path = compute_in_page(page, "one-sample-fit", values)["path"]
    objective = linear_regression([[1.0]], [0.0], loss=loss.lower(), delta=1.0)
    run = minimize(objective.gradient, [1.037], learning_rate=learning_rate, momentum=momentum,
                   steps=3000)  # fmt: skip
    close(path, run.path)
    assert errors == []


def test_one_weight_tells_chapter_5s_story() -> None:
    """MAE swings by η (more with momentum) and never settles; Huber settles."""
    figure = one_sample_fit()
    mae = [figure.numbers(momentum=a)["amplitude"] for a in (0.0, 0.9)]
    assert mae[0] == pytest.approx(0.01) and mae[1] > 3 * mae[0]
    assert figure.numbers(loss="Huber")["amplitude"] < 1e-40
    assert figure.numbers(loss="MAE", momentum=0.0)["settled"] == "94"  # chapter 5's table


# --- Embedded data: each setting computed on its own ---------------------------------------


@pytest.fixture(scope="module")
def outliers():
    rng = np.random.default_rng(5)
    x = rng.uniform(0, 5, 40)
    y = 2 * x + 1 + rng.normal(0, 1, 40)
    return outlier_fits(x, y, np.argsort(x)[-4:], truth=(1.0, 2.0))


@pytest.mark.parametrize(("shift", "delta"), [(0.0, 1.0), (20.0, 1.0), (30.0, 0.1), (8.0, 30.0)])
def test_the_embedded_fits_are_the_librarys(outliers, shift, delta) -> None:
    s, d = OUTLIER_SHIFTS.index(shift), HUBER_DELTAS.index(delta)
    alone = outliers.numbers(shift=shift, delta=delta)
    fits = outliers.config["fits"]
    close(fits["mse"][s], [alone["intercept:mse"], alone["slope:mse"]])
    close(fits["mae"][s], [alone["intercept:mae"], alone["slope:mae"]])
    close(fits["huber"][s][d], [alone["intercept:huber"], alone["slope:huber"]])


def test_the_mae_line_is_a_minimum(outliers) -> None:
    """No nearby line has a smaller mean absolute error (an independent check)."""
    config = outliers.config
    x = np.array(config["x"])
    for s, shift in enumerate(OUTLIER_SHIFTS[::5]):
        y = np.array(config["y"])
        y[config["outliers"]] -= shift
        best = np.array(config["fits"]["mae"][OUTLIER_SHIFTS.index(shift)])
        mae = np.abs(best[0] + best[1] * x - y).mean()
        for step in np.array([[1, 0], [0, 1], [1, 1], [1, -1]]) * 1e-3:
            for sign in (1, -1):
                b, w = best + sign * step
                assert mae <= np.abs(b + w * x - y).mean() + 1e-12, (s, step)


def test_the_outlier_figure_tells_chapter_5s_story(outliers) -> None:
    """The numbers chapter 5 prints for its data: MSE collapses, MAE and Huber hold."""
    numbers = outliers.numbers()
    assert round(numbers["slope:mse"], 3) == 0.129
    assert round(numbers["slope:mae"], 3) == 1.823
    assert round(numbers["slope:huber"], 3) == 1.877
    assert "slopes MSE 0.129, MAE 1.823, Huber 1.877" in repr(outliers)


@pytest.fixture(scope="module")
def floors():
    return noisy_floor()


@pytest.mark.parametrize("batch_size", FLOOR_BATCH_SIZES)
def test_each_floor_is_the_one_of_its_own_run(floors, batch_size) -> None:
    """A run alone, with the same seed, draws the same minibatches as in the figure's grid."""
    from momentum_lib.interactive import _diabetes_problem
    from momentum_lib.models import linear_regression

    config, problem = floors.config, _diabetes_problem()
    b = config["batchSizes"].index(batch_size)
    for a, e in ((0, 0), (4, 3), (2, 1)):
        alpha, effective = config["momenta"][a], config["effectiveRates"][e]
        minibatch = linear_regression(problem["features"], problem["targets"],
                                      batch_size=batch_size, seed=config["seed"])  # fmt: skip
        run = minimize(
            minibatch.gradient, problem["w_star"], learning_rate=effective * (1 - alpha),
            momentum=alpha, steps=config["steps"], loss=problem["full"].loss,
        )  # fmt: skip
        excess = run.losses - problem["full"].loss(problem["w_star"])
        close(config["floor"][b][a][e], excess[config["steps"] // 4 + 1 :].mean())


def test_the_floor_follows_the_effective_rate(floors) -> None:
    """Chapter 8's claim on the figure's data: at one small η/(1 − α), whatever α, the
    floor is the same within 15 % (2000 steps are noisier than the chapter's 6000)."""
    floor = np.array(floors.config["floor"])  # (B, α, η_eff)
    spread = floor.max(axis=1) / floor.min(axis=1)
    assert spread[:, :2].max() < 1.15
    assert np.all(np.diff(floor, axis=2) > 0)  # and grows with the effective rate


def test_the_rolling_balls_are_minimizes() -> None:
    figure = rolling_ball({"gradient descent": 0.0, "momentum (α = 0.8)": 0.8}, steps=150)
    hill = BumpySlope()
    for i, momentum in enumerate((0.0, 0.8)):
        run = minimize(hill.gradient, [-3.0], learning_rate=0.05, momentum=momentum, steps=150)
        close(figure.config["w"][i], run.weights[:, 0])
        close(figure.config["q"][i], hill.loss(run.weights))
    # The story the animation tells: plain descent stops in a dip, momentum reaches 0.
    assert "gradient descent: ends at w = -1.58" in repr(figure)


def test_the_rolling_ball_plays_pauses_and_steps(open_html) -> None:
    page, errors = open_html(
        rolling_ball({"gradient descent": 0.0, "momentum": 0.8}, steps=60).html
    )
    root = page.query_selector(".interactive-figure")

    def frame() -> int:
        return int(root.get_attribute("data-frame"))

    start = root.evaluate(READ_FIGURE)
    page.click("[data-action=forward]")
    assert frame() == 1 and page.text_content('[data-show="frame"]') == "1"
    assert root.evaluate(READ_FIGURE)["picture"] != start["picture"]
    assert numbers_problems(root.evaluate(READ_FIGURE)) == []
    page.click("[data-action=back]")
    assert frame() == 0 and root.evaluate(READ_FIGURE)["picture"] == start["picture"]

    page.click("[data-action=play]")
    page.wait_for_function(
        "() => Number(document.querySelector('.interactive-figure').dataset.frame) >= 5"
    )
    page.click("[data-action=play]")  # pause
    paused_at = frame()
    page.wait_for_timeout(300)
    assert frame() == paused_at and root.get_attribute("data-playing") == "no"
    page.click("[data-action=reset]")
    assert frame() == 0
    assert errors == []


# --- The comparison the site test relies on -------------------------------------------------


@pytest.mark.parametrize(
    ("shown", "expected", "equal"),
    [("0.1500", 0.15, True), ("0.1500", 0.15006, False), ("4.25e-71", 4.2512e-71, True),
     ("4.25e-71", 4.26e-71, False), ("0.6500+0.2784i", [0.65, 0.27839], True),
     ("0.6500-0.2784i", [0.65, 0.2784], False),
     ("(0.005900, -0.006675)", [0.0059, -0.006675], True),
     ("—", float("nan"), True), ("0.0000", float("nan"), False), ("44", "44", True),
     ("diverged at step 3", "diverged at step 4", False), ("1.5", [1.5, 2.0], False)],
)  # fmt: skip
def test_a_readout_shows_a_number_to_its_digits(shown, expected, equal) -> None:
    assert shown_as(shown, expected) is equal


# --- Bad inputs --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda: playground(landscape="bowl"), "landscape must be one of"),
        (lambda: playground(momentum=1.0), "momentum"),
        (lambda: playground(learning_rate=0.13), "learning_rate must be one of"),
        (lambda: playground(w0=(5.0, 0.0)), r"w1 must be within \[-2.0, 2.0\]"),
        (lambda: schedule_change(change_at=300), r"change_at must be in \[1, 299\]"),
        (lambda: schedule_change(factor=3.0), "factor must be one of"),
        (lambda: iteration_map(momentum=0.995), r"momentum must be within \[0.0, 0.99\]"),
        (lambda: outlier_fits([1.0, 2.0], [1.0, 2.0], [2]), "outliers must be indices"),
        (lambda: outlier_fits([1.0, 2.0], [1.0], [0]), "shape"),
        (lambda: noisy_floor(batch_size=5), "batch_size must be one of"),
        (lambda: one_sample_fit(loss="L1"), "loss must be one of"),
        (lambda: figure_numbers("pie", {}, {}), "kind must be one of"),
        (lambda: formula_steps(w0=2.0), r"w0 must be within \[-1.2, 1.2\]"),
        (lambda: formula_steps(learning_rate=0.6), r"learning_rate must be within"),
        (lambda: formula_steps(momentum=0.99), r"momentum must be within \[0.0, 0.95\]"),
        (lambda: formula_steps(curvature=0.0), "curvature"),
        (lambda: formula_steps(step=31), r"step must be within \[0, 30\]"),
        (lambda: learning_rate_regimes([1.0, 2.0], [1.0]), "1-D of one length"),
        (lambda: learning_rate_regimes([1.0], [1.0], learning_rate=2.0), "learning_rate must"),
        (lambda: iteration_map().numbers(speed=1.0), "no such control"),
        (lambda: Control("x", "x", 0.5, kind="knob"), "kind must be"),
        (lambda: Control("x", "x", 0.5), "needs low, high and step"),
        (lambda: Control("x", "x", 1000.0, 1.0, 2.0, 0.1, log=True), "on a log10 scale"),
    ],
)
def test_bad_settings_are_refused(make, message) -> None:
    with pytest.raises(ValueError, match=message):
        make()


def test_a_landscape_the_page_cannot_draw_is_refused(monkeypatch) -> None:
    from momentum_lib import interactive

    monkeypatch.setitem(interactive.PLAYGROUND_LANDSCAPES, "hill", BumpySlope())
    with pytest.raises(TypeError, match="Quadratic and Rosenbrock"):
        interactive._landscape_config("hill")


# --- The widget twins ------------------------------------------------------------------------

TWINS = {
    "playground": lambda: playground(),
    "iteration-map": lambda: iteration_map(),
    "schedule-change": lambda: schedule_change(),
    "rolling-ball": lambda: rolling_ball({"gradient descent": 0.0, "momentum": 0.8}, steps=30),
    "one-sample-fit": lambda: one_sample_fit(),
    "condition-race": lambda: condition_race(),
    "towards-the-answer": lambda: towards_the_answer(*diabetes_line()),
    "two-terms": lambda: two_terms(),
    "formula-steps": lambda: formula_steps(),
    "learning-rate-regimes": lambda: learning_rate_regimes(*chapter_2_data()),
}


@pytest.mark.parametrize("kind", [*TWINS, "outlier-fits", "noisy-floor"])
def test_each_twin_shows_the_librarys_numbers(kind, outliers, floors, capsys) -> None:
    import matplotlib

    matplotlib.use("Agg")
    figure: InteractiveFigure = {"outlier-fits": outliers, "noisy-floor": floors}.get(
        kind
    ) or TWINS[kind]()
    widget = figure.widget()
    controls = widget.children[:-1]
    assert [c.description for c in controls] == [c.label for c in figure.controls]
    slider = next(
        c for c, spec in zip(controls, figure.controls, strict=True) if spec.kind == "slider"
    )
    name = next(spec.name for spec in figure.controls if spec.kind == "slider")
    capsys.readouterr()
    options = getattr(slider, "options", None)
    slider.value = options[-1] if options else slider.max
    printed = capsys.readouterr().out
    numbers = figure.numbers(**{name: slider.value})
    for readout, value in numbers.items():
        if isinstance(value, str | int | float) and not isinstance(value, bool):
            shown = value if isinstance(value, str) else "—" if np.isnan(value) else f"{value:.6g}"
            assert shown in printed, (readout, shown, printed)


def test_the_playground_widget_is_the_playgrounds_twin() -> None:
    widget = playground_widget()
    names = [child.description for child in widget.children[:-1]]
    assert names == [control.label for control in playground().controls]


def test_the_page_embeds_what_the_figure_was_made_of() -> None:
    figure = iteration_map(step_curvature=1.0, momentum=0.8)
    start = figure.html.index('class="figure-config">') + len('class="figure-config">')
    embedded = json.loads(figure.html[start : figure.html.index("</script>", start)])
    assert (
        embedded["steps"] == figure.config["steps"] and 'class="interactive-figure' in figure.html
    )
    assert figure.numbers()["regime"] == "oscillating"


# --- The still picture of a stored figure (the learner notebooks) ------------------------------

STILLS = {**TWINS, "rolling-ball": lambda: rolling_ball({"GD": 0.0, "momentum": 0.8}, steps=30)}


def pixels(png: bytes) -> np.ndarray:
    import io

    from PIL import Image

    return np.asarray(Image.open(io.BytesIO(png)).convert("RGB"))


@pytest.mark.parametrize("kind", STILLS)
def test_the_picture_reads_the_figure_from_its_stored_html(kind) -> None:
    """The kind, configuration and first values read from the HTML are the figure's own."""
    import html

    from momentum_lib.interactive import _StoredFigure, static_picture

    figure = STILLS[kind]()
    stored = _StoredFigure()
    stored.feed(figure.html)
    assert stored.kind == kind
    embedded = {key: stored.config[key] for key in figure.config}  # (pages may add colours)
    assert embedded == json.loads(json.dumps(figure.config))
    assert stored.values == pytest.approx(figure.values())
    assert stored.title and f'aria-label="{html.escape(stored.title)}"' in figure.html
    assert static_picture(figure.html) == static_picture(figure)


def test_the_picture_is_the_librarys_drawing_of_the_start() -> None:
    import matplotlib.pyplot as plt

    from momentum_lib.interactive import static_picture

    open_before = plt.get_fignums()
    picture = static_picture(iteration_map(step_curvature=0.2, momentum=0.5))
    assert picture.startswith(b"\x89PNG\r\n\x1a\n") and len(picture) < 40_000
    image = pixels(picture)
    assert 250 <= image.shape[0] <= 400 and 500 <= image.shape[1] <= 800  # 80 dpi
    red = np.all(image == [0xD6, 0x27, 0x28], axis=-1)  # the palette's momentum colour
    assert red.sum() > 100
    assert plt.get_fignums() == open_before  # nothing left open in the caller's pyplot
    other = pixels(static_picture(iteration_map(step_curvature=1.8, momentum=0.5)))
    assert other.shape != image.shape or np.any(other != image)
    # The embedded configuration is what is drawn: the same figure with a shorter path.
    html = iteration_map(step_curvature=0.2, momentum=0.5).html
    shorter = html.replace('"steps":40', '"steps":10', 1)
    assert shorter != html and np.any(pixels(static_picture(shorter)) != image)
    assert pixels(static_picture(html, dpi=160)).shape[1] > 1.8 * image.shape[1]


@pytest.mark.parametrize(
    ("page", "dpi", "message"),
    [
        ("<div>no figure</div>", 80, "InteractiveFigure or its HTML"),
        ('<div class="interactive-figure" data-figure="nothing"></div>', 80, "'nothing'"),
        (None, 10, "dpi must be within"),
    ],
)
def test_a_picture_of_no_figure_is_refused(page, dpi, message) -> None:
    from momentum_lib.interactive import static_picture

    with pytest.raises(ValueError, match=message):
        static_picture(page if page is not None else iteration_map(), dpi=dpi)


# --- Chapter 1: iterating towards the direct solution ------------------------------------------


def diabetes_line() -> tuple[np.ndarray, np.ndarray]:
    """Chapter 1's data: BMI standardized, and disease progression."""
    from momentum_lib import load_diabetes, standardize

    diabetes = load_diabetes()
    return standardize(diabetes.column("bmi")), diabetes.targets


def test_the_iterations_are_chapter_1s_closed_form() -> None:
    """w_t − w* = (1 − 2η)^t (w_0 − w*) and Q(w_t) = Q(w*) + (w_t − w*)², x standardized."""
    x, y = diabetes_line()
    figure = towards_the_answer(x, y, learning_rate=0.1, w0=0.0, steps=60)
    w_star = np.mean(x * y)
    loss_star = np.mean((y.mean() + w_star * x - y) ** 2)
    t = np.arange(61)
    expected = w_star + 0.8**t * (0.0 - w_star)
    close(figure.config["w"], expected)
    close(figure.config["q"], loss_star + (expected - w_star) ** 2)
    assert figure.config["w_star"] == pytest.approx(45.16, abs=5e-3)
    numbers = figure.numbers(iterations=10)  # chapter 1's table: 40.3110, 4.84902 away
    assert f"{numbers['w']:.4f}" == "40.3110" and f"{numbers['distance']:.5f}" == "4.84902"


def test_the_slider_moves_the_line_and_the_readouts(open_html) -> None:
    page, errors = open_html(towards_the_answer(*diabetes_line()).html)
    root = page.query_selector(".interactive-figure")
    start = root.evaluate(READ_FIGURE)
    assert start["shown"]["w"] == "0.0000" and numbers_problems(start) == []
    page.focus('[data-control="iterations"]')
    for _ in range(10):
        page.keyboard.press("ArrowRight")
    after = root.evaluate(READ_FIGURE)
    assert after["values"]["iterations"] == 10 and after["shown"]["w"] == "40.3110"
    assert after["picture"] != start["picture"] and numbers_problems(after) == []
    assert errors == []


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda x, y: towards_the_answer(x * 2, y), "features must be one standardized input"),
        (lambda x, y: towards_the_answer(x, y[:-1]), "features and targets must have the same"),
        (lambda x, y: towards_the_answer(x, y, learning_rate=1.0),
         r"learning_rate must be in \(0, 1\)"),
        (lambda x, y: towards_the_answer(x, y, steps=0), "steps must be at least 1"),
    ],
)  # fmt: skip
def test_bad_lines_are_refused(make, message) -> None:
    with pytest.raises(ValueError, match=message):
        make(*diabetes_line())


# --- Chapter 4: the two terms, step by step: the mirror ----------------------------------------


@pytest.fixture(scope="module")
def two_terms_page(open_html):
    return open_html(two_terms().html)


@pytest.mark.parametrize(("learning_rate", "momentum"), [(0.14, 0.5), (0.19, 0.95), (0.01, 0.0)])
def test_the_two_terms_run_minimize_in_the_page(two_terms_page, learning_rate, momentum) -> None:
    page, errors = two_terms_page
    values = {"step": 1, "learning_rate": learning_rate, "momentum": momentum}
    result = compute_in_page(page, "two-terms", values)
    valley = Quadratic([1.0, 10.0])
    for key, alpha in (("gd", 0.0), ("momentum", momentum)):
        run = minimize(valley.gradient, [-4.0, 1.0], learning_rate=learning_rate,
                       momentum=alpha, steps=40)  # fmt: skip
        close(result[key]["weights"], run.weights)
        close(result[key]["updates"], run.updates)
        close(result[key]["gradient_terms"], run.gradient_terms)
        close(result[key]["momentum_terms"], run.momentum_terms)
    assert errors == []


def test_the_two_terms_stay_in_the_picture_at_every_setting() -> None:
    """Every (η, α) the sliders offer: momentum's and gradient descent's points lie in view."""
    figure = two_terms()
    sliders = {control.name: control for control in figure.controls}
    view = figure.config["view"]
    valley = Quadratic(figure.config["curvatures"])
    for name in ("learning_rate", "momentum"):
        assert sliders[name].low is not None and sliders[name].high is not None
    etas = np.arange(sliders["learning_rate"].low, sliders["learning_rate"].high + 1e-9, 0.01)
    alphas = np.arange(0.0, sliders["momentum"].high + 1e-9, sliders["momentum"].step)
    for eta in etas:
        runs = minimize(
            valley.gradient,
            figure.config["w0"],
            learning_rate=eta,
            momentum=list(alphas),
            steps=figure.config["steps"],
        )
        for i in range(alphas.size):
            weights = runs[i].weights
            assert view["x"][0] <= weights[:, 0].min() and weights[:, 0].max() <= view["x"][1]
            assert view["y"][0] <= weights[:, 1].min() and weights[:, 1].max() <= view["y"][1]


def test_the_two_terms_are_chapter_4s_tables() -> None:
    """Step 2 by hand (the chapter's exercise): terms (0.4816, 0.56) and (0.28, −0.7)."""
    numbers = two_terms().numbers(step=2)
    close([numbers["gradient_term:0"], numbers["gradient_term:1"]], [0.4816, 0.56])
    close([numbers["momentum_term:0"], numbers["momentum_term:1"]], [0.28, -0.7])
    close([numbers["update:0"], numbers["update:1"]], [0.7616, -0.14])
    close([numbers["start:0"], numbers["start:1"]], [-3.44, -0.4])
    assert numbers["loss:gd"] == numbers["loss:momentum"]  # one step in, the same point


def test_the_two_terms_step_forward_back_and_to_step_1(open_html) -> None:
    page, errors = open_html(two_terms().html)
    root = page.query_selector(".interactive-figure")
    first = root.evaluate(READ_FIGURE)
    for _ in range(3):
        page.click("[data-action=forward]")
    assert root.get_attribute("data-step") == "4"
    state = root.evaluate(READ_FIGURE)
    assert state["shown"]["start:0"] == "-1.9226" and numbers_problems(state) == []  # row 4
    page.click("[data-action=back]")
    assert root.get_attribute("data-step") == "3"
    page.click("[data-action=reset]")
    assert page.is_disabled("[data-action=back]")  # at step 1 already
    assert root.evaluate(READ_FIGURE)["shown"] == first["shown"]
    assert root.get_attribute("data-step") == "1"
    assert errors == []


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda: two_terms(learning_rate=0.195), r"learning_rate must be within \[0.01, 0.19\]"),
        (lambda: two_terms(curvatures=(1.0, 20.0)), r"below 2/λ_max = 0.1"),
        (lambda: two_terms(curvatures=(1.0, -1.0)), "curvatures"),
        (lambda: two_terms(w0=(5.0, 0.0)), r"w0 must lie in the view, w\[0\] in \[-4.6, 3.8\]"),
        (lambda: two_terms(w0=(1.0, 2.0, 3.0)), "w0 must be two numbers"),
        (lambda: two_terms(momentum=0.99), r"momentum must be within \[0.0, 0.95\]"),
        (lambda: two_terms(steps=1), "steps must be at least 2"),
    ],
)
def test_bad_valleys_are_refused(make, message) -> None:
    with pytest.raises(ValueError, match=message):
        make()


# --- The formula, step by step (chapter 0): the mirror, the by-hand table, the buttons -------


@pytest.fixture(scope="module")
def formula_page(open_html):
    return open_html(formula_steps().html)


@pytest.mark.parametrize(("learning_rate", "momentum"), [(0.1, 0.9), (0.5, 0.0), (0.01, 0.95)])
def test_the_formula_figure_runs_momentum_step_in_the_page(
    formula_page, learning_rate, momentum
) -> None:
    """Against the two lines written out here, term by term (Q(w) = w², ∇Q(w) = 2w)."""
    page, errors = formula_page
    run = compute_in_page(page, "formula-steps",
                          {"learning_rate": learning_rate, "momentum": momentum})  # fmt: skip
    w, delta_w = 1.0, 0.0
    path, momentum_terms, gradient_terms = [w], [], []
    for _ in range(30):
        momentum_terms.append(momentum * delta_w)
        gradient_terms.append(-learning_rate * 2 * w)
        delta_w = momentum_terms[-1] + gradient_terms[-1]
        w += delta_w
        path.append(w)
    close(run["path"], path)
    close(run["momentumTerms"], momentum_terms)
    close(run["gradientTerms"], gradient_terms)
    close(run["deltas"], np.diff(path))
    assert errors == []


def test_the_formula_figure_shows_chapter_0s_table_by_hand() -> None:
    """Chapter 0's three steps by hand at η = 0.1, α = 0.9: 0.8, 0.46, 0.062."""
    numbers = formula_steps().numbers(step=3)
    rows = [
        [numbers[f"{name}:{k}"] for name in
         ("w", "gradient", "momentum_term", "gradient_term", "delta_w", "new_w")]
        for k in range(3)
    ]  # fmt: skip
    close(rows, [[1.0, 2.0, 0.0, -0.2, -0.2, 0.8],
                 [0.8, 1.6, -0.18, -0.16, -0.34, 0.46],
                 [0.46, 0.92, -0.306, -0.092, -0.398, 0.062]])  # fmt: skip
    assert [numbers[f"t:{k}"] for k in range(4)] == ["1", "2", "3", ""]
    assert numbers["w:3"] == "" and formula_steps().numbers(step=0)["t:0"] == ""
    late = formula_steps().numbers(step=10)  # the table keeps the last four steps
    assert [late[f"t:{k}"] for k in range(4)] == ["7", "8", "9", "10"]


def test_the_formula_figures_description_names_the_bowl_without_a_coefficient_of_1() -> None:
    """The screen reader's description reads "Q(w) = w²" for the chapter's bowl, not "1w²"."""
    assert "The bowl Q(w) = w² and a point" in formula_steps().html
    assert "The bowl Q(w) = 1.5w² and a point" in formula_steps(curvature=3.0).html


def test_the_formula_figure_steps_back_and_resets(open_html) -> None:
    page, errors = open_html(formula_steps().html)
    root = page.query_selector(".interactive-figure")
    assert root.get_attribute("data-step") == "3"  # the chapter's three steps, at first
    page.click("[data-action=reset]")
    for _ in range(3):
        page.click("[data-action=forward]")
    cells = page.eval_on_selector_all(
        "tbody tr", "(rows) => rows.map((r) => Array.from(r.children).map((c) => c.textContent))"
    )
    assert cells[:3] == [
        ["1", "1.0000", "2.0000", "0.0000", "-0.2000", "-0.2000", "0.8000"],
        ["2", "0.8000", "1.6000", "-0.1800", "-0.1600", "-0.3400", "0.4600"],
        ["3", "0.4600", "0.9200", "-0.3060", "-0.0920", "-0.3980", "0.0620"],
    ]
    assert numbers_problems(root.evaluate(READ_FIGURE)) == []
    arrows = root.evaluate(READ_FIGURE)["picture"]
    page.click("[data-action=back]")
    assert root.get_attribute("data-step") == "2"
    assert root.evaluate(READ_FIGURE)["picture"] != arrows
    page.click("[data-action=reset]")
    assert root.get_attribute("data-step") == "0" and page.text_content("tbody") == ""
    assert page.is_disabled("[data-action=back]")  # nothing before the start
    assert root.get_attribute("data-step") == "0"
    assert errors == []


# --- The learning-rate slider (chapter 2): the mirror, the regimes, the chapter's table ---


@pytest.fixture(scope="module")
def regimes_page(open_html):
    return open_html(learning_rate_regimes(*chapter_2_data()).html)


@pytest.mark.parametrize("learning_rate", [0.05, 0.2, 0.5, 0.95, 1.0, 1.05, 1.5])
def test_the_rate_slider_runs_gradient_descent_on_the_chapters_loss(
    regimes_page, learning_rate
) -> None:
    """Against minimize on the regression's own gradient (not the figure's parabola)."""
    from momentum_lib import linear_regression

    page, errors = regimes_page
    x, y = chapter_2_data()
    path = compute_in_page(page, "learning-rate-regimes", {"learning_rate": learning_rate})["path"]
    run = minimize(linear_regression(x[:, None], y).gradient, [-1.0],
                   learning_rate=learning_rate, steps=200, divergence_threshold=1e6)  # fmt: skip
    kept = run.diverged_at if run.diverged else 201
    assert len(path) == kept
    close(path, run.path[:kept])
    assert errors == []


def test_the_rate_figures_parabola_is_the_chapters_loss() -> None:
    from momentum_lib import linear_regression

    x, y = chapter_2_data()
    config = learning_rate_regimes(x, y).config
    w = np.linspace(-1.5, 2.7, 7)
    objective = linear_regression(x[:, None], y)
    parabola = config["lowest"] + 0.5 * config["curvature"] * (w - config["wStar"]) ** 2
    close(parabola, [objective.loss(np.array([v])) for v in w])
    assert round(config["wStar"], 4) == 0.5865 and round(config["curvature"], 4) == 2.0


@pytest.mark.parametrize(
    ("product", "regime", "result"),
    [(0.1, "too small", "within 1e-6 at step 136"), (0.4, "too small", "within 1e-6 at step 28"),
     (1.0, "just right (fastest)", "within 1e-6 at step 1"),
     (1.5, "too large: oscillating but converging", "within 1e-6 at step 21"),
     (1.9, "too large: oscillating but converging", "within 1e-6 at step 136"),
     (2.0, "on the edge: bouncing forever", "1.5865 away at step 200"),
     (2.1, "diverging", "diverged at step 141"), (3.0, "diverging", "diverged at step 20")],
)  # fmt: skip
def test_the_rate_figure_names_chapter_2s_regimes_and_prints_its_table(
    product, regime, result
) -> None:
    """Chapter 2's table of ηλ = 0.1 … 3 (η = ηλ/2 on the slider's grid of 0.01)."""
    numbers = learning_rate_regimes(*chapter_2_data()).numbers(learning_rate=product / 2)
    assert (numbers["regime"], numbers["result"]) == (regime, result)
    assert numbers["factor"] == pytest.approx(1 - product)


def test_the_rate_figures_legend_draws_the_minimum_dotted_as_its_line(regimes_page) -> None:
    """The swatch of w* is a dotted line, like the line it names; the others are solid."""
    page, errors = regimes_page
    swatches = page.evaluate(
        """() => [...document.querySelectorAll('.mf-legend > span')].map(item => [
            item.textContent, getComputedStyle(item.firstElementChild).borderTopStyle])"""
    )
    assert dict(swatches) == {
        "gradient descent": "none",
        "tangent, slope Q'(w)": "none",
        "the minimum w*": "dotted",
    }
    assert page.get_attribute(".regimes-minimum", "stroke-dasharray") and errors == []


def test_the_rate_figure_plots_the_distance_its_readout_counts(regimes_page) -> None:
    """At η = 0.2 the curve |w_t − w*| first reaches the dotted 1e-6 line at step 28."""
    page, errors = regimes_page
    readout = page.text_content('[data-show="result"]')
    line = page.get_attribute(".regimes-tolerance", "d")  # M60,yH400
    tolerance_y = float(line.split(",")[1].split("H")[0])
    curve = page.get_attribute(".regimes-distance", "d")
    heights = [float(point.split(",")[1]) for point in curve[1:].split("L")]
    figure = learning_rate_regimes(*chapter_2_data())
    numbers = figure.numbers(learning_rate=0.2)
    reached = next(t for t, y in enumerate(heights) if y >= tolerance_y - 0.05)
    assert readout == "within 1e-6 at step 28" == numbers["result"] and reached == 28
    close(numbers["distance"], np.abs(numbers["path"] - figure.config["wStar"]))
    assert errors == []


# --- Every figure on a phone and in dark mode (issue 11) --------------------------------------

EVERY_FIGURE = [*TWINS, "outlier-fits", "noisy-floor"]
STEPPING = ["rolling-ball", "two-terms", "formula-steps"]


def made(kind: str, request: pytest.FixtureRequest) -> InteractiveFigure:
    """The figure of this kind, as the tests above make it."""
    fixtures = {"outlier-fits": "outliers", "noisy-floor": "floors"}
    return request.getfixturevalue(fixtures[kind]) if kind in fixtures else TWINS[kind]()


@pytest.fixture(scope="module")
def open_in(browser, tmp_path_factory: pytest.TempPathFactory):
    """``open_in(figure, theme, **context)``: the figure alone on a page of that theme.

    The page is the site's in miniature: ``data-theme`` on <html> and the theme's page
    colour on <body> (pydata's #121212 in dark mode).
    """
    folder = tmp_path_factory.mktemp("themed")
    server, address = serve(folder)
    contexts = []

    def open_figure(figure: InteractiveFigure, theme: str, **options):
        name = f"{figure.kind}-{theme}-{len(contexts)}.html"
        page_colour = "#121212" if theme == "dark" else "#fff"
        (folder / name).write_text(
            f'<!doctype html><html data-theme="{theme}"><head><meta charset="utf-8">'
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            f'<link rel="icon" href="data:,"></head><body style="background:{page_colour}">'
            f"{figure.html}</body></html>",
            encoding="utf-8",
        )
        context = browser.new_context(**options)
        contexts.append(context)
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(f"page error: {error}"))
        page.goto(f"{address}/{name}")
        return page.query_selector(".interactive-figure"), errors

    yield open_figure
    for context in contexts:
        context.close()
    server.shutdown()


@pytest.mark.parametrize("kind", EVERY_FIGURE)
def test_the_figure_reads_on_a_phone(open_in, request, kind) -> None:
    """At 390 px its pictures' text is at least 11 px and inside them; buttons 44 px high."""
    root, errors = open_in(made(kind, request), "light", **PHONE)
    assert phone_problems(kind, root.evaluate(MEASURE_FIGURE)) == [] and errors == []


@pytest.mark.parametrize("kind", EVERY_FIGURE)
def test_the_figures_text_is_readable_in_the_sites_column(open_in, request, kind) -> None:
    """Two pictures side by side shrink too: their text stays at 11 px or more.

    700 px: about the width of a chapter's column on the site in a 1280 px window.
    """
    root, errors = open_in(made(kind, request), "light", viewport={"width": 700, "height": 900})
    texts = root.evaluate(MEASURE_FIGURE)["texts"]
    assert [t for t in texts if t["px"] < 11 or not t["inside"]] == [] and errors == []


@pytest.mark.parametrize("kind", EVERY_FIGURE)
def test_the_figure_is_a_dark_card_on_a_dark_page(open_in, request, kind) -> None:
    root, errors = open_in(made(kind, request), "dark")
    assert dark_problems(kind, root.evaluate(MEASURE_FIGURE)) == [] and errors == []


@pytest.mark.parametrize("kind", STEPPING)
def test_the_step_buttons_are_disabled_at_the_ends(open_in, request, kind) -> None:
    root, errors = open_in(made(kind, request), "light")
    assert len(root.query_selector_all("button[data-steps]")) == 2
    assert stepper_problems(root) == [] and errors == []
    root.query_selector("[data-action=reset]").click()
    assert root.query_selector("[data-action=back]").is_disabled()
    root.query_selector("[data-action=forward]").click()
    assert not root.query_selector("[data-action=back]").is_disabled()


@pytest.mark.parametrize("kind", STEPPING)
def test_a_step_button_disabled_under_the_keyboard_hands_the_focus_to_its_slider(
    open_in, request, kind
) -> None:
    """Enter on "back" at the second position disables it: the focus goes to the slider."""
    root, errors = open_in(made(kind, request), "light")
    root.query_selector("[data-action=reset]").click()
    root.query_selector("[data-action=forward]").click()
    back = root.query_selector("[data-action=back]")
    back.focus()
    back.press("Enter")
    assert back.is_disabled()
    slider = root.query_selector(f"input[data-control='{back.get_attribute('data-steps')}']")
    assert slider.evaluate("node => document.activeElement === node") and errors == []
