"""Every bad input at the public boundary is refused, with a message that names the parameter.

Also: the examples in every module's docstrings run (doctest).
"""

from __future__ import annotations

import doctest
import importlib
import pkgutil
import warnings

import numpy as np
import pytest

import momentum_lib
from momentum_lib import conventions, losses, theory
from momentum_lib.datasets import standardize
from momentum_lib.gradient_check import finite_difference_gradient, gradient_error
from momentum_lib.landscapes import BumpySlope, Quadratic, Rosenbrock
from momentum_lib.models import design_matrix, linear_regression, logistic_regression
from momentum_lib.optimizers import gradient_descent_step, minimize, momentum_step

NAN, INF = float("nan"), float("inf")


def identity(w):
    return np.asarray(w, dtype=float)


def run(**changes):
    """minimize with good arguments, except for ``changes``."""
    arguments = dict(gradient=identity, w0=[1.0, 2.0], learning_rate=0.1, momentum=0.5, steps=3)
    arguments.update(changes)
    return minimize(arguments.pop("gradient"), arguments.pop("w0"), **arguments)


BAD_LEARNING_RATES = [0.0, -0.1, NAN, INF, -INF, [0.1, 0.0], [0.1, NAN]]
BAD_MOMENTA = [-0.1, 1.0, 1.5, NAN, INF, [0.5, 1.0]]


def thread(**changes):
    arguments = dict(gradient=identity, w0=[1.0], learning_rate=0.1, momentum=0.5, steps=2)
    arguments.update(changes)
    return conventions.thread_sgd(arguments.pop("gradient"), arguments.pop("w0"), **arguments)


def torch(**changes):
    arguments = dict(gradient=identity, w0=[1.0], learning_rate=0.1, momentum=0.5, steps=2)
    arguments.update(changes)
    return conventions.pytorch_sgd(arguments.pop("gradient"), arguments.pop("w0"), **arguments)


def ema(**changes):
    arguments = dict(gradient=identity, w0=[1.0], learning_rate=0.1, beta=0.5, steps=2)
    arguments.update(changes)
    return conventions.moving_average_sgd(
        arguments.pop("gradient"), arguments.pop("w0"), **arguments
    )


RUNNERS = {"minimize": run, "thread_sgd": thread, "pytorch_sgd": torch, "ema_sgd": ema}


def wrong_shape(w):
    return np.asarray(w, dtype=float)[..., :1]


def not_finite(w):
    return np.full_like(np.asarray(w, dtype=float), NAN)


def square(w):
    return float(np.sum(np.asarray(w) ** 2))


def bad_inputs():
    """(call, exception, pattern the message must contain), with an id."""
    cases = []

    def add(name, call, error, match):
        cases.append(pytest.param(call, error, match, id=name))

    # -- learning rates, everywhere one is taken -----------------------------------
    lr_takers = {
        "minimize": lambda v: run(learning_rate=v),
        "gd_step": lambda v: gradient_descent_step([1.0], [1.0], v),
        "momentum_step": lambda v: momentum_step([1.0], [0.0], [1.0], v, 0.5),
        "thread_sgd": lambda v: thread(learning_rate=v),
        "pytorch_sgd": lambda v: torch(learning_rate=v),
        "ema_sgd": lambda v: ema(learning_rate=v),
        "pytorch_to_thread": lambda v: conventions.pytorch_to_thread(v, 0.5),
        "thread_to_pytorch": lambda v: conventions.thread_to_pytorch(v, 0.5),
        "ema_to_thread": lambda v: conventions.moving_average_to_thread(v, 0.5),
        "thread_to_ema": lambda v: conventions.thread_to_moving_average(v, 0.5),
        "iteration_matrix": lambda v: theory.iteration_matrix(v, 0.5, 1.0),
        "iteration_eigenvalues": lambda v: theory.iteration_eigenvalues(v, 0.5, 1.0),
        "spectral_radius": lambda v: theory.spectral_radius(v, 0.5, 1.0),
        "is_stable": lambda v: theory.is_stable(v, 0.5, 1.0),
        "critical_momentum": lambda v: theory.critical_momentum(v, 1.0),
    }
    for name, call in lr_takers.items():
        for value in [0.0, -1.0, NAN, INF]:
            add(f"{name}-lr={value}", lambda c=call, v=value: c(v), ValueError, "learning_rate")
    for value in BAD_LEARNING_RATES:
        add(
            f"minimize-lr={value}",
            lambda v=value: run(learning_rate=v),
            ValueError,
            "learning_rate",
        )
    for value in ["0.1", None, [0.1, "a"]]:
        add(
            f"minimize-lr={value!r}",
            lambda v=value: run(learning_rate=v),
            TypeError,
            "learning_rate",
        )
    add(
        "thread-schedule-length",
        lambda: thread(learning_rate=[0.1] * 3),
        ValueError,
        "learning_rate",
    )
    add("torch-schedule-zero", lambda: torch(learning_rate=[0.1, 0.0]), ValueError, "learning_rate")
    add("ema-schedule-nan", lambda: ema(learning_rate=[NAN, 0.1]), ValueError, "learning_rate")

    # -- momentum: in [0, 1), and the message says why 1 is out ---------------------
    momentum_takers = {
        "momentum_step": lambda v: momentum_step([1.0], [0.0], [1.0], 0.1, v),
        "minimize": lambda v: run(momentum=v),
        "thread_sgd": lambda v: thread(momentum=v),
        "thread_sgd-0-steps": lambda v: thread(momentum=v, steps=0),
        "pytorch_sgd": lambda v: torch(momentum=v),
        "pytorch_to_thread": lambda v: conventions.pytorch_to_thread(0.1, v),
        "thread_to_pytorch": lambda v: conventions.thread_to_pytorch(0.1, v),
        "thread_to_ema": lambda v: conventions.thread_to_moving_average(0.1, v),
        "iteration_matrix": lambda v: theory.iteration_matrix(0.1, v, 1.0),
        "iteration_eigenvalues": lambda v: theory.iteration_eigenvalues(0.1, v, 1.0),
        "spectral_radius": lambda v: theory.spectral_radius(0.1, v, 1.0),
        "is_stable": lambda v: theory.is_stable(0.1, v, 1.0),
        "averaging_horizon": lambda v: theory.averaging_horizon(v),
    }
    for name, call in momentum_takers.items():
        add(f"{name}-momentum=1", lambda c=call: c(1.0), ValueError, r"momentum.*never decays")
        add(f"{name}-momentum=-0.1", lambda c=call: c(-0.1), ValueError, "momentum")
    for value in BAD_MOMENTA:
        add(f"minimize-momentum={value}", lambda v=value: run(momentum=v), ValueError, "momentum")
    add("minimize-momentum-str", lambda: run(momentum="0.9"), TypeError, "momentum")
    beta_takers = {
        "ema_sgd": lambda v: ema(beta=v),
        "ema_to_thread": lambda v: conventions.moving_average_to_thread(0.1, v),
    }
    for name, call in beta_takers.items():
        add(f"{name}-beta=1", lambda c=call: c(1.0), ValueError, "beta")
        add(f"{name}-beta=-0.5", lambda c=call: c(-0.5), ValueError, "beta")
    for value in [1.0, -0.1, NAN]:
        add(f"torch-dampening={value}", lambda v=value: torch(dampening=v), ValueError, "dampening")
        add(
            f"pytorch_to_thread-dampening={value}",
            lambda v=value: conventions.pytorch_to_thread(0.1, 0.5, v),
            ValueError,
            "dampening",
        )

    # -- steps: an integer >= 0, not a bool ---------------------------------------------
    bad_steps = [
        (-1, ValueError),
        (2.5, TypeError),
        (3.0, TypeError),
        (True, TypeError),
        (False, TypeError),
        ("3", TypeError),
        (None, TypeError),
    ]
    for name, runner in RUNNERS.items():
        for value, error in bad_steps:
            add(f"{name}-steps={value!r}", lambda r=runner, v=value: r(steps=v), error, "steps")

    # -- w0 and the other arrays: finite ----------------------------------------------
    for name, runner in RUNNERS.items():
        for value in [[NAN], [1.0, INF], [NAN, NAN], [[1.0, 2.0], [NAN, 0.0]]]:
            add(f"{name}-w0={value}", lambda r=runner, v=value: r(w0=v), ValueError, "w0")
        add(f"{name}-w0-str", lambda r=runner: r(w0="one"), TypeError, "w0")
    add("minimize-w0-nan-number", lambda: run(w0=NAN), ValueError, "w0")
    add("gd_step-w-nan", lambda: gradient_descent_step([NAN], [1.0], 0.1), ValueError, "w")
    add(
        "gd_step-gradient-inf",
        lambda: gradient_descent_step([1.0], [INF], 0.1),
        ValueError,
        "gradient",
    )
    add(
        "gd_step-shapes",
        lambda: gradient_descent_step([1.0, 2.0], [1.0], 0.1),
        ValueError,
        "gradient",
    )
    step_cases = {
        "w-nan": ([NAN], [0.0], [1.0], "w"),
        "delta_w-inf": ([1.0], [INF], [1.0], "delta_w"),
        "delta_w-shape": ([1.0, 2.0], [0.0], [1.0, 1.0], "delta_w"),
        "gradient-shape": ([1.0, 2.0], [0.0, 0.0], [1.0], "gradient"),
        "gradient-nan": ([1.0], [0.0], [NAN], "gradient"),
    }
    for name, (w, delta_w, g, match) in step_cases.items():
        add(
            f"momentum_step-{name}",
            lambda w=w, d=delta_w, g=g: momentum_step(w, d, g, 0.1, 0.5),
            ValueError,
            match,
        )

    # -- the gradient callable -------------------------------------------------------
    for name, runner in RUNNERS.items():
        w0 = [1.0, 2.0]
        add(
            f"{name}-gradient-not-callable",
            lambda r=runner: r(gradient=[1.0]),
            TypeError,
            "gradient",
        )
        add(
            f"{name}-gradient-shape",
            lambda r=runner, w0=w0: r(gradient=wrong_shape, w0=w0),
            ValueError,
            "gradient",
        )
        add(
            f"{name}-gradient-nan",
            lambda r=runner, w0=w0: r(gradient=not_finite, w0=w0),
            ValueError,
            "gradient",
        )
    add(
        "minimize-gradient-shape-batch",
        lambda: run(gradient=wrong_shape, w0=[[1.0, 2.0]] * 3),
        ValueError,
        "gradient",
    )
    add(
        "minimize-gradient-inf",
        lambda: run(gradient=lambda w: np.full_like(w, INF)),
        ValueError,
        "gradient",
    )
    add("minimize-loss-not-callable", lambda: run(loss=3.0), TypeError, "loss")
    add("minimize-loss-shape", lambda: run(loss=lambda w: np.zeros(5)), ValueError, "loss")
    add("minimize-threshold", lambda: run(divergence_threshold=0.0), ValueError, "divergence")
    add(
        "minimize-broadcast",
        lambda: run(w0=np.ones((2, 2)), learning_rate=[0.1, 0.2, 0.3]),
        ValueError,
        "learning_rate and momentum must broadcast",
    )

    # -- trajectory ----------------------------------------------------------------
    add(
        "steps_to_reach-tolerance",
        lambda: run(loss=lambda w: w[..., 0] ** 2).steps_to_reach(0.0),
        ValueError,
        "tolerance",
    )
    add("steps_to_reach-no-loss", lambda: run().steps_to_reach(1e-3), ValueError, "loss")

    # -- losses ----------------------------------------------------------------------
    pairs = {
        "mse": losses.mean_squared_error,
        "mse_gradient": losses.mean_squared_error_gradient,
        "mae": losses.mean_absolute_error,
        "mae_gradient": losses.mean_absolute_error_gradient,
        "huber": losses.huber,
        "huber_gradient": losses.huber_gradient,
        "bce": losses.binary_cross_entropy,
        "bce_gradient": losses.binary_cross_entropy_gradient,
        "bce_logits": losses.binary_cross_entropy_with_logits,
        "bce_logits_gradient": losses.binary_cross_entropy_with_logits_gradient,
    }
    for name, f in pairs.items():
        shapes = "predictions and targets"
        add(f"{name}-shapes", lambda f=f: f([0.5, 0.5], [1.0, 0.0, 1.0]), ValueError, shapes)
        add(f"{name}-empty", lambda f=f: f([], []), ValueError, shapes)
        add(f"{name}-targets-nan", lambda f=f: f([0.5], [NAN]), ValueError, "targets")
        add(f"{name}-str", lambda f=f: f("0.5", [1.0]), TypeError, "predictions|probabilities")
        if not name.startswith("bce"):
            add(f"{name}-predictions-inf", lambda f=f: f([INF], [1.0]), ValueError, "predictions")
        else:
            add(f"{name}-target=2", lambda f=f: f([0.5], [2.0]), ValueError, "targets")
            add(f"{name}-target=-1", lambda f=f: f([0.5], [-1.0]), ValueError, "targets")
        if name.startswith("huber"):
            for value in [0.0, -1.0, NAN, INF]:
                add(
                    f"{name}-delta={value}",
                    lambda f=f, v=value: f([1.0], [2.0], delta=v),
                    ValueError,
                    "delta",
                )
        if name in ("bce", "bce_gradient"):
            for value in [1.5, -0.1, NAN]:
                add(
                    f"{name}-probability={value}",
                    lambda f=f, v=value: f([v], [1.0]),
                    ValueError,
                    "probabilities",
                )

    # -- models ----------------------------------------------------------------------
    X, y = design_matrix([0.0, 1.0, 2.0, 3.0]), np.array([0.0, 1.0, 0.0, 1.0])
    add("design_matrix-3d", lambda: design_matrix(np.zeros((2, 2, 2))), ValueError, "x")
    add("design_matrix-nan", lambda: design_matrix([1.0, NAN]), ValueError, "x")
    add("design_matrix-str", lambda: design_matrix("abc"), TypeError, "x")
    X_nan = np.where(X == 2.0, NAN, X)
    for name, m, targets in [
        ("linear", linear_regression, "targets"),
        ("logistic", logistic_regression, "labels"),
    ]:
        add(f"{name}-features-1d", lambda m=m: m([1.0, 2.0, 3.0, 4.0], y), ValueError, "features")
        add(f"{name}-targets-length", lambda m=m: m(X, y[:3]), ValueError, targets)
        add(f"{name}-features-nan", lambda m=m: m(X_nan, y), ValueError, "features")
        add(f"{name}-targets-inf", lambda m=m: m(X, [0.0, INF, 0.0, 1.0]), ValueError, targets)
        for value, error in [
            (0, ValueError),
            (5, ValueError),
            (-1, ValueError),
            (2.5, TypeError),
            (True, TypeError),
        ]:
            add(
                f"{name}-batch_size={value!r}",
                lambda m=m, v=value: m(X, y, batch_size=v),
                error,
                "batch_size",
            )
        add(f"{name}-w-shape", lambda m=m: m(X, y).gradient(np.zeros(3)), ValueError, "w")
        add(f"{name}-w-shape-loss", lambda m=m: m(X, y).loss(np.zeros(5)), ValueError, "w")
    add("linear-loss-name", lambda: linear_regression(X, y, loss="hinge"), ValueError, "loss")
    for value in [0.0, -1.0, NAN]:
        add(
            f"linear-huber-delta={value}",
            lambda v=value: linear_regression(X, y, loss="huber", delta=v),
            ValueError,
            "delta",
        )
    for value in [2.0, -1.0, NAN]:
        labels = [0.0, 1.0, value, 1.0]
        add(
            f"logistic-labels={value}",
            lambda labels=labels: logistic_regression(X, labels),
            ValueError,
            "labels",
        )

    # -- landscapes ------------------------------------------------------------------
    for field in ("slope", "ripple_amplitude", "ripple_frequency"):
        for value in [0.0, -1.0, NAN, INF]:
            add(
                f"BumpySlope-{field}={value}",
                lambda f=field, v=value: BumpySlope(**{f: v}),
                ValueError,
                field,
            )
    quadratic_cases = {
        "curvature-0": (dict(curvatures=[1.0, 0.0]), ValueError, "curvatures"),
        "curvature-negative": (dict(curvatures=[-1.0]), ValueError, "curvatures"),
        "curvature-nan": (dict(curvatures=[1.0, NAN]), ValueError, "curvatures"),
        "curvature-2d": (dict(curvatures=[[1.0, 2.0]]), ValueError, "curvatures"),
        "curvature-str": (dict(curvatures="1"), TypeError, "curvatures"),
        "minimizer-shape": (dict(curvatures=[1.0, 2.0], minimizer=[0.0]), ValueError, "minimizer"),
        "minimizer-nan": (dict(curvatures=[1.0, 2.0], minimizer=[0, NAN]), ValueError, "minimizer"),
        "rotation-skew": (
            dict(curvatures=[1, 2], rotation=[[1, 1], [0, 1]]),
            ValueError,
            "rotation",
        ),
        "rotation-shape": (dict(curvatures=[1, 2], rotation=np.eye(3)), ValueError, "rotation"),
        "rotation-nan": (
            dict(curvatures=[1, 2], rotation=[[NAN, 0], [0, 1]]),
            ValueError,
            "rotation",
        ),
    }
    for name, (kwargs, error, match) in quadratic_cases.items():
        add(f"Quadratic-{name}", lambda k=kwargs: Quadratic(**k), error, match)
    for value in [0.0, -100.0, NAN]:
        add(f"Rosenbrock-b={value}", lambda v=value: Rosenbrock(b=v), ValueError, "b")
    add("Rosenbrock-a=nan", lambda: Rosenbrock(a=NAN), ValueError, "a")

    # -- gradient check ---------------------------------------------------------------
    fd = finite_difference_gradient
    add("fd-loss-not-callable", lambda: fd(1.0, [1.0]), TypeError, "loss")
    add("fd-w-nan", lambda: fd(square, [NAN]), ValueError, "w")
    for value in [0.0, -1e-6, NAN]:
        add(f"fd-step={value}", lambda v=value: fd(square, [1.0], step=v), ValueError, "step")
    add("gradient_error-none", lambda: gradient_error(square, None, [1.0]), TypeError, "gradient")
    add(
        "gradient_error-nan",
        lambda: gradient_error(square, not_finite, [1.0, 2.0]),
        ValueError,
        "gradient",
    )
    add(
        "gradient_error-shape",
        lambda: gradient_error(square, lambda w: np.zeros(3), [1.0, 2.0]),
        ValueError,
        "gradient",
    )

    # -- theory ----------------------------------------------------------------------
    curvature_takers = {
        "iteration_matrix": lambda v: theory.iteration_matrix(0.1, 0.5, v),
        "iteration_eigenvalues": lambda v: theory.iteration_eigenvalues(0.1, 0.5, v),
        "spectral_radius": lambda v: theory.spectral_radius(0.1, 0.5, v),
        "is_stable": lambda v: theory.is_stable(0.1, 0.5, v),
        "critical_momentum": lambda v: theory.critical_momentum(0.1, v),
    }
    for name, call in curvature_takers.items():
        for value in [0.0, -1.0, NAN]:
            add(f"{name}-curvature={value}", lambda c=call, v=value: c(v), ValueError, "curvature")
    add(
        "critical_momentum-overshoot",
        lambda: theory.critical_momentum(0.5, 3.0),
        ValueError,
        r"learning_rate \* curvature",
    )
    for name, f in [
        ("gd_optimal_lr", theory.gradient_descent_optimal_learning_rate),
        ("optimal_momentum_parameters", theory.optimal_momentum_parameters),
    ]:
        add(f"{name}-mu=0", lambda f=f: f(0.0, 1.0), ValueError, "smallest_curvature")
        add(f"{name}-L=-1", lambda f=f: f(1.0, -1.0), ValueError, "largest_curvature")
        add(f"{name}-L<mu", lambda f=f: f(2.0, 1.0), ValueError, "largest_curvature must be >=")
        add(f"{name}-nan", lambda f=f: f(NAN, 1.0), ValueError, "smallest_curvature")
    for name, f in [
        ("gd_rate", theory.gradient_descent_rate),
        ("momentum_rate", theory.optimal_momentum_rate),
    ]:
        for value in [0.5, 0.0, -2.0, NAN]:
            add(f"{name}-kappa={value}", lambda f=f, v=value: f(v), ValueError, "condition_number")

    # -- datasets ----------------------------------------------------------------------
    add(
        "standardize-constant",
        lambda: standardize([[1.0, 2.0], [1.0, 3.0]]),
        ValueError,
        "constant",
    )
    add("standardize-nan", lambda: standardize([[1.0, NAN], [2.0, 3.0]]), ValueError, "features")
    return cases


@pytest.mark.parametrize(("call", "error", "match"), bad_inputs())
def test_bad_input_is_refused_with_a_message_naming_the_parameter(call, error, match):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with pytest.raises(error, match=match):
            call()
    assert [str(w.message) for w in caught] == []


def test_messages_give_the_value_and_the_allowed_range():
    with pytest.raises(ValueError, match=r"learning_rate must be finite and > 0.*got -0\.5"):
        run(learning_rate=-0.5)
    with pytest.raises(ValueError, match=r"momentum must lie in \[0, 1\), got 1\.0"):
        run(momentum=1.0)
    with pytest.raises(ValueError, match=r"steps must be an integer >= 0, got -3"):
        run(steps=-3)


def test_good_edge_values_are_accepted():
    assert run(momentum=0.0, steps=0).weights.shape == (1, 2)
    assert run(steps=np.int64(2)).weights.shape == (3, 2)
    assert run(learning_rate=np.array([[0.1], [0.2]]), momentum=[0.0, 0.5]).weights.shape == (
        4, 2, 2, 2,
    )  # fmt: skip
    assert theory.gradient_descent_rate(1.0) == 0.0
    assert theory.critical_momentum(1.0, 1.0) == 0.0
    assert losses.binary_cross_entropy_with_logits([3.0], [0.3]) > 0  # a soft label is fine


# ---------------------------------------------------------------------------
# Doctests of every module
# ---------------------------------------------------------------------------

MODULES = sorted(
    f"momentum_lib.{info.name}" for info in pkgutil.iter_modules(momentum_lib.__path__)
)


@pytest.mark.parametrize("name", ["momentum_lib", *MODULES])
def test_docstring_examples_run(name):
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.NORMALIZE_WHITESPACE, verbose=False)
    assert result.failed == 0, f"{result.failed} doctest(s) failed in {name}"


def test_the_docstring_examples_exist():
    attempted = sum(
        doctest.testmod(importlib.import_module(name), verbose=False, report=False).attempted
        for name in ["momentum_lib.optimizers", "momentum_lib.gradient_check"]
    )
    assert attempted >= 5
