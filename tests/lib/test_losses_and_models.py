"""Losses and models: hand-computed values, finite differences, and independent optima.

The finite-difference checker of the library is itself checked against a
central difference written here and against a gradient known in closed form.
"""

from __future__ import annotations

import itertools
import math
import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from momentum_lib import losses, minimize, theory
from momentum_lib.datasets import load_diabetes, standardize
from momentum_lib.gradient_check import finite_difference_gradient, gradient_error
from momentum_lib.models import (
    design_matrix,
    linear_regression,
    logistic_regression,
    minibatch_noise_trace,
)

SETTINGS = settings(max_examples=50, deadline=None)


def central_difference(function, w, h=1e-6):
    """∂Q/∂w_i ≈ (Q(w + h e_i) − Q(w − h e_i)) / 2h, written out independently."""
    w = np.asarray(w, dtype=float)
    out = np.zeros_like(w)
    for i in range(w.size):
        step = np.zeros_like(w)
        step.flat[i] = h
        out.flat[i] = (float(function(w + step)) - float(function(w - step))) / (2 * h)
    return out


# ---------------------------------------------------------------------------
# The finite-difference checker, checked
# ---------------------------------------------------------------------------


def test_finite_difference_gradient_matches_a_known_gradient_and_a_hand_written_difference():
    def q(w):
        return np.sin(w[0]) * w[1] + np.exp(0.5 * w[2]) + w[1] ** 3

    def dq(w):
        return np.array(
            [np.cos(w[0]) * w[1], np.sin(w[0]) + 3 * w[1] ** 2, 0.5 * np.exp(0.5 * w[2])]
        )

    w = np.array([0.3, -1.2, 0.7])
    estimate = finite_difference_gradient(q, w)
    np.testing.assert_allclose(estimate, dq(w), rtol=1e-8)
    np.testing.assert_allclose(estimate, central_difference(q, w), rtol=1e-12)
    assert gradient_error(q, dq, w) < 1e-8
    # A wrong gradient (a sign flipped) is caught, with an error of order one.
    assert gradient_error(q, lambda v: dq(v) * [1, -1, 1], w) > 0.5


# ---------------------------------------------------------------------------
# Losses: values by hand
# ---------------------------------------------------------------------------

PREDICTIONS = np.array([1.0, 2.0, 3.0])
TARGETS = np.array([1.0, 0.0, 5.0])  # residuals 0, 2, −2


def test_loss_values_by_hand():
    assert losses.mean_squared_error(PREDICTIONS, TARGETS) == pytest.approx(8 / 3)
    assert losses.mean_absolute_error(PREDICTIONS, TARGETS) == pytest.approx(4 / 3)
    # Huber, δ = 1: 0 inside; 1·(2 − ½) = 1.5 outside, twice: 3/3.
    assert losses.huber(PREDICTIONS, TARGETS, delta=1.0) == pytest.approx(1.0)
    # δ = 3: all inside, ½ r²: (0 + 2 + 2)/3.
    assert losses.huber(PREDICTIONS, TARGETS, delta=3.0) == pytest.approx(4 / 3)
    np.testing.assert_allclose(
        losses.mean_squared_error_gradient(PREDICTIONS, TARGETS), [0, 4 / 3, -4 / 3]
    )
    np.testing.assert_allclose(
        losses.mean_absolute_error_gradient(PREDICTIONS, TARGETS), [0, 1 / 3, -1 / 3]
    )
    np.testing.assert_allclose(
        losses.huber_gradient(PREDICTIONS, TARGETS, delta=1.0), [0, 1 / 3, -1 / 3]
    )
    # BCE: −(log 0.8 + log(1 − 0.4)) / 2.
    assert losses.binary_cross_entropy([0.8, 0.4], [1.0, 0.0]) == pytest.approx(
        -(math.log(0.8) + math.log(0.6)) / 2
    )
    # Logits z = 0: log 2 whatever the label.
    assert losses.binary_cross_entropy_with_logits([0.0, 0.0], [1.0, 0.0]) == pytest.approx(
        math.log(2)
    )


def test_losses_keep_leading_axes():
    rng = np.random.default_rng(0)
    predictions, targets = rng.normal(size=(3, 5)), rng.normal(size=(3, 5))
    values = losses.mean_squared_error(predictions, targets)
    assert values.shape == (3,)
    np.testing.assert_allclose(values, ((predictions - targets) ** 2).mean(axis=1))


@SETTINGS
@given(
    residuals=st.lists(st.floats(-1.0, 1.0), min_size=1, max_size=10),
    delta=st.floats(0.1, 5.0),
)
def test_huber_is_half_the_squared_error_inside_delta(residuals, delta):
    r = np.array(residuals) * delta  # |r| ≤ δ
    targets = np.linspace(-1, 1, r.size)
    value = losses.huber(targets + r, targets, delta=delta)
    assert value == pytest.approx(0.5 * np.mean(r**2), rel=1e-9, abs=1e-12)
    np.testing.assert_allclose(
        losses.huber_gradient(targets + r, targets, delta=delta), r / r.size, atol=1e-12
    )


@SETTINGS
@given(
    residuals=st.lists(st.floats(1.001, 100.0), min_size=1, max_size=10),
    signs=st.lists(st.sampled_from([-1.0, 1.0]), min_size=10, max_size=10),
    delta=st.floats(0.1, 5.0),
)
def test_huber_is_linear_outside_delta(residuals, signs, delta):
    r = np.array(residuals) * delta * np.array(signs[: len(residuals)])  # |r| > δ
    value = losses.huber(r, np.zeros_like(r), delta=delta)
    assert value == pytest.approx(np.mean(delta * (np.abs(r) - delta / 2)), rel=1e-12)
    np.testing.assert_allclose(
        losses.huber_gradient(r, np.zeros_like(r), delta=delta), np.sign(r) * delta / r.size
    )


@SETTINGS
@given(
    logits=st.lists(st.floats(-5.0, 5.0), min_size=1, max_size=10),
    labels=st.lists(st.floats(0.0, 1.0), min_size=10, max_size=10),
)
def test_bce_on_probabilities_equals_bce_with_logits_at_sigmoid(logits, labels):
    z = np.array(logits)
    y = np.array(labels[: z.size])
    p = 1.0 / (1.0 + np.exp(-z))  # σ written here
    np.testing.assert_allclose(losses.sigmoid(z), p, rtol=1e-14)
    np.testing.assert_allclose(
        losses.binary_cross_entropy(p, y), losses.binary_cross_entropy_with_logits(z, y), rtol=1e-10
    )
    # The chain rule: dBCE/dz = dBCE/dp · σ'(z), with σ' = p (1 − p).
    np.testing.assert_allclose(
        losses.binary_cross_entropy_gradient(p, y) * p * (1 - p),
        losses.binary_cross_entropy_with_logits_gradient(z, y),
        rtol=1e-9,
        atol=1e-15,
    )


def test_bce_with_logits_is_finite_and_accurate_for_huge_logits():
    z = np.array([1000.0, -1000.0, 1000.0, -1000.0])
    y = np.array([0.0, 1.0, 1.0, 0.0])
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        value = losses.binary_cross_entropy_with_logits(z, y)
        grad = losses.binary_cross_entropy_with_logits_gradient(z, y)
        sig = losses.sigmoid(z)
    assert caught == []
    # Per sample log(1 + e^z) − y z: 1000, 1000, 0, 0.
    assert value == 500.0
    np.testing.assert_array_equal(grad, [0.25, -0.25, 0.0, 0.0])
    np.testing.assert_array_equal(sig, [1.0, 0.0, 1.0, 0.0])
    # Accurate where the naive formula loses everything: ℓ(40, 1) = log(1 + e^−40).
    tiny = losses.binary_cross_entropy_with_logits([40.0], [1.0])
    assert tiny == pytest.approx(math.log1p(math.exp(-40.0)), rel=1e-12)


def test_bce_clips_probabilities_at_1e_minus_12():
    assert losses.PROBABILITY_EPSILON == 1e-12
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        certain_and_wrong = losses.binary_cross_entropy([0.0], [1.0])
        other_side = losses.binary_cross_entropy([1.0], [0.0])
        gradient = losses.binary_cross_entropy_gradient([0.0, 1.0], [1.0, 0.0])
    assert caught == []
    assert certain_and_wrong == pytest.approx(-math.log(1e-12), rel=1e-12)  # ≈ 27.63
    assert other_side == pytest.approx(27.631, rel=1e-4)
    eps = 1e-12
    np.testing.assert_allclose(
        gradient, [(eps - 1) / (eps * (1 - eps) * 2), (1 - eps) / ((1 - eps) * eps * 2)], rtol=1e-3
    )
    assert np.all(np.isfinite(gradient))


def test_sigmoid_symmetry_and_values():
    z = np.linspace(-30, 30, 61)
    np.testing.assert_allclose(losses.sigmoid(z) + losses.sigmoid(-z), 1.0, rtol=1e-15)
    assert losses.sigmoid(0.0) == 0.5
    assert losses.sigmoid(math.log(3.0)) == pytest.approx(0.75, rel=1e-15)


# ---------------------------------------------------------------------------
# Loss gradients against finite differences
# ---------------------------------------------------------------------------

RNG = np.random.default_rng(42)
P = RNG.normal(size=7)
Y = P + RNG.choice([-1.0, 1.0], size=7) * RNG.uniform(0.1, 3.0, size=7)  # |r| ≥ 0.1
PROBABILITIES = RNG.uniform(0.05, 0.95, size=7)
LABELS = RNG.integers(0, 2, size=7).astype(float)
LOSS_PAIRS = {
    "mse": (losses.mean_squared_error, losses.mean_squared_error_gradient, P, Y),
    "mae": (losses.mean_absolute_error, losses.mean_absolute_error_gradient, P, Y),
    "huber": (
        lambda p, y: losses.huber(p, y, delta=1.3),
        lambda p, y: losses.huber_gradient(p, y, delta=1.3),
        P,
        Y,
    ),
    "bce": (
        losses.binary_cross_entropy,
        losses.binary_cross_entropy_gradient,
        PROBABILITIES,
        LABELS,
    ),
    "bce-logits": (
        losses.binary_cross_entropy_with_logits,
        losses.binary_cross_entropy_with_logits_gradient,
        P,
        LABELS,
    ),
}


@pytest.mark.parametrize("name", list(LOSS_PAIRS))
def test_loss_gradients_against_finite_differences(name):
    loss, gradient, predictions, targets = LOSS_PAIRS[name]
    assert np.all(np.abs(np.abs(P - Y) - 1.3) > 1e-3)  # away from Huber's kink
    analytic = gradient(predictions, targets)
    estimate = finite_difference_gradient(lambda p: loss(p, targets), predictions)
    np.testing.assert_allclose(analytic, estimate, rtol=1e-6, atol=1e-9)
    np.testing.assert_allclose(
        analytic, central_difference(lambda p: loss(p, targets), predictions), rtol=1e-6, atol=1e-9
    )


# ---------------------------------------------------------------------------
# Models
# ---------------------------------------------------------------------------


def synthetic_regression(n=40, seed=1):
    rng = np.random.default_rng(seed)
    features = design_matrix(rng.normal(size=(n, 2)))
    targets = features @ np.array([0.5, 2.0, -1.0]) + rng.normal(scale=0.5, size=n)
    return features, targets


def synthetic_classification(n=200, seed=2):
    rng = np.random.default_rng(seed)
    features = design_matrix(rng.normal(size=(n, 2)))
    probability = 1.0 / (1.0 + np.exp(-(features @ np.array([0.3, 1.5, -1.0]))))
    return features, (rng.uniform(size=n) < probability).astype(float)


def test_design_matrix_prepends_ones():
    np.testing.assert_array_equal(
        design_matrix([[1.0, 2.0], [3.0, 4.0]]), [[1.0, 1.0, 2.0], [1.0, 3.0, 4.0]]
    )


def test_model_losses_are_the_losses_of_the_predictions():
    X, y = synthetic_regression()
    w = np.array([0.1, -0.2, 0.3])
    r = X @ w - y
    assert linear_regression(X, y).loss(w) == pytest.approx(np.mean(r**2), rel=1e-12)
    assert linear_regression(X, y, loss="mae").loss(w) == pytest.approx(np.mean(np.abs(r)))
    huber = np.where(np.abs(r) <= 0.7, 0.5 * r**2, 0.7 * (np.abs(r) - 0.35))
    assert linear_regression(X, y, loss="huber", delta=0.7).loss(w) == pytest.approx(huber.mean())
    Xc, labels = synthetic_classification()
    z = Xc @ w
    assert logistic_regression(Xc, labels).loss(w) == pytest.approx(
        np.mean(np.log1p(np.exp(z)) - labels * z), rel=1e-12
    )


MODEL_CASES = {
    "linear-mse": lambda: linear_regression(*synthetic_regression()),
    "linear-mae": lambda: linear_regression(*synthetic_regression(), loss="mae"),
    "linear-huber": lambda: linear_regression(*synthetic_regression(), loss="huber", delta=0.4),
    "logistic": lambda: logistic_regression(*synthetic_classification()),
}


@pytest.mark.parametrize("name", list(MODEL_CASES))
def test_model_gradients_against_finite_differences(name):
    objective = MODEL_CASES[name]()
    X, y = synthetic_regression()
    for w in np.random.default_rng(3).normal(size=(4, 3)):
        if name in ("linear-mae", "linear-huber"):
            r = np.abs(X @ w - y)  # stay away from the kinks (r = 0, |r| = δ)
            assert r.min() > 1e-4 and np.abs(r - 0.4).min() > 1e-4
        estimate = finite_difference_gradient(objective.loss, w)
        np.testing.assert_allclose(objective.gradient(w), estimate, rtol=1e-6, atol=1e-8)
        assert gradient_error(objective.loss, objective.gradient, w) < 1e-7
    if name == "linear-mse":  # and the checker agrees with the difference written here
        w = np.array([0.2, -0.1, 0.4])
        np.testing.assert_allclose(
            objective.gradient(w), central_difference(objective.loss, w), rtol=1e-6
        )


@pytest.mark.parametrize("name", list(MODEL_CASES))
def test_model_functions_accept_a_batch_of_weights(name):
    objective = MODEL_CASES[name]()
    ws = np.random.default_rng(4).normal(size=(2, 3, 3))
    assert objective.loss(ws).shape == (2, 3) and objective.gradient(ws).shape == (2, 3, 3)
    for index in np.ndindex(2, 3):
        np.testing.assert_allclose(objective.loss(ws)[index], objective.loss(ws[index]))
        np.testing.assert_allclose(objective.gradient(ws)[index], objective.gradient(ws[index]))


def test_linear_regression_converges_to_the_normal_equations_solution():
    data = load_diabetes()
    X = design_matrix(standardize(data.features))
    y = data.targets
    objective = linear_regression(X, y)
    curvatures = np.linalg.eigvalsh(2.0 * X.T @ X / len(y))  # the Hessian of the MSE
    eta, alpha = theory.optimal_momentum_parameters(curvatures.min(), curvatures.max())
    run = minimize(
        objective.gradient, np.zeros(X.shape[1]), learning_rate=eta, momentum=alpha, steps=800
    )
    reference = np.linalg.lstsq(X, y, rcond=None)[0]
    np.testing.assert_allclose(run.final_weights, reference, rtol=1e-8, atol=1e-8)


def test_logistic_regression_gradient_vanishes_at_the_optimum_of_a_long_run():
    X, labels = synthetic_classification()
    objective = logistic_regression(X, labels)
    # Curvature ≤ ¼ λ_max(XᵀX / n): η = 1 / that bound is safe.
    bound = 0.25 * np.linalg.eigvalsh(X.T @ X / len(labels)).max()
    run = minimize(
        objective.gradient, np.zeros(3), learning_rate=1.0 / bound, momentum=0.9, steps=3000
    )
    w = run.final_weights
    assert np.linalg.norm(objective.gradient(w)) < 1e-10
    # Independent reference: Newton's method, written here.
    newton = np.zeros(3)
    for _ in range(30):
        p = 1.0 / (1.0 + np.exp(-(X @ newton)))
        grad = X.T @ (p - labels) / len(labels)
        hess = (X * (p * (1 - p))[:, None]).T @ X / len(labels)
        newton = newton - np.linalg.solve(hess, grad)
    np.testing.assert_allclose(w, newton, rtol=1e-7, atol=1e-8)


MINIBATCH_CASES = {
    # per-sample gradient of the loss on one sample (x, y), written here
    "linear": (
        lambda: synthetic_regression(n=60),
        linear_regression,
        lambda X, y, w: 2.0 * (X @ w - y)[:, None] * X,
    ),
    "logistic": (
        lambda: synthetic_classification(n=60),
        logistic_regression,
        lambda X, y, w: (1.0 / (1.0 + np.exp(-(X @ w))) - y)[:, None] * X,
    ),
}


@pytest.mark.parametrize("name", list(MINIBATCH_CASES))
def test_the_minibatch_gradient_averages_to_the_full_gradient(name):
    data, model, per_sample = MINIBATCH_CASES[name]
    X, y = data()
    n, b, draws = len(y), 8, 4000
    w = np.array([0.2, 0.5, -0.3])
    full = model(X, y).gradient(w)
    samples = per_sample(X, y, w)
    np.testing.assert_allclose(full, samples.mean(axis=0), rtol=1e-12, atol=1e-15)
    stochastic = model(X, y, batch_size=b, seed=5).gradient
    mean = np.mean([stochastic(w) for _ in range(draws)], axis=0)
    # A batch of b drawn without replacement: Var = σ²/b · (n − b)/(n − 1); over the draws
    # the standard error of the mean is √(Var / draws). Allow 5 standard errors.
    variance = samples.var(axis=0) / b * (n - b) / (n - 1)
    standard_error = np.sqrt(variance / draws)
    assert np.all(np.abs(mean - full) < 5 * standard_error)
    # One minibatch alone is not the full gradient (the test above is not trivial).
    assert np.abs(stochastic(w) - full).max() > 10 * standard_error.max()


@pytest.mark.parametrize("name", list(MINIBATCH_CASES))
def test_a_batch_of_all_samples_is_the_full_gradient(name):
    data, model, _ = MINIBATCH_CASES[name]
    X, y = data()
    w = np.array([0.2, 0.5, -0.3])
    full = model(X, y).gradient(w)
    whole = model(X, y, batch_size=len(y), seed=0).gradient
    for _ in range(3):
        np.testing.assert_allclose(whole(w), full, rtol=1e-12, atol=1e-14)


def test_minibatches_are_reproducible_from_the_seed():
    X, y = synthetic_regression()
    w = np.array([0.2, 0.5, -0.3])
    first = [linear_regression(X, y, batch_size=5, seed=7).gradient(w) for _ in range(2)]
    np.testing.assert_array_equal(first[0], first[1])
    a = linear_regression(X, y, batch_size=5, seed=7).gradient
    b = linear_regression(X, y, batch_size=5, seed=8).gradient
    assert not np.array_equal([a(w) for _ in range(5)], [b(w) for _ in range(5)])


# ---------------------------------------------------------------------------
# minibatch_noise_trace against every minibatch, enumerated
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("batch_size", [1, 2, 3, 5, 6])
def test_noise_trace_is_the_mean_over_all_minibatches(batch_size):
    gradients = np.random.default_rng(4).normal(size=(6, 3))
    full = gradients.mean(axis=0)
    batches = itertools.combinations(range(6), batch_size)  # each equally likely
    expected = np.mean([np.sum((gradients[list(b)].mean(axis=0) - full) ** 2) for b in batches])
    assert minibatch_noise_trace(gradients, batch_size) == pytest.approx(expected, rel=1e-12)


def test_noise_trace_refuses_bad_input():
    with pytest.raises(ValueError, match=r"batch_size must lie in \[1, 3\]"):
        minibatch_noise_trace(np.ones((3, 2)), 4)
    with pytest.raises(ValueError, match="2-D"):
        minibatch_noise_trace(np.ones(3), 1)
