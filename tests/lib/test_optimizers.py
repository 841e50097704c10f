"""The thread's update, Δw ← α·Δw − η·∇Q(w); w ← w + Δw, against independent references.

The references are written here, not taken from the library: closed forms on a
1-D quadratic (powers of 1 − ηλ, the characteristic roots of the momentum
recurrence, the power of its 2×2 matrix), hand-written loops of the thread's
formula and of Sutskever's Nesterov form, and the stability region
0 < ηλ < 2 + 2α derived from the characteristic polynomial.
"""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from momentum_lib import (
    Quadratic,
    Rosenbrock,
    gradient_descent_step,
    minimize,
    momentum_step,
)

SETTINGS = settings(max_examples=50, deadline=None)

learning_rates = st.floats(0.001, 1.0)
momenta = st.floats(0.0, 0.99)
weights_2d = st.lists(st.floats(-10.0, 10.0), min_size=2, max_size=2)


def nonlinear_gradient(w):
    """∇Q for Q(w) = Σ log cosh(w_i) + 0.1 w_i² + 0.3 w_i (a smooth, non-quadratic bowl)."""
    return np.tanh(w) + 0.2 * w + 0.3


# ---------------------------------------------------------------------------
# One step, by hand
# ---------------------------------------------------------------------------


def test_gradient_descent_step_by_hand():
    # w − η g = (1, −2) − 0.25·(0.5, 4) = (0.875, −3).
    new = gradient_descent_step([1.0, -2.0], [0.5, 4.0], learning_rate=0.25)
    np.testing.assert_array_equal(new, [0.875, -3.0])


def test_momentum_step_by_hand():
    # Δw = 0.5·(0.25, −1) − 0.25·(0.5, 4) = (0.125 − 0.125, −0.5 − 1) = (0, −1.5)
    w, delta_w = momentum_step(
        [1.0, -2.0], [0.25, -1.0], [0.5, 4.0], learning_rate=0.25, momentum=0.5
    )
    np.testing.assert_array_equal(delta_w, [0.0, -1.5])
    np.testing.assert_array_equal(w, [1.0, -3.5])


@SETTINGS
@given(w=weights_2d, g=weights_2d, eta=learning_rates)
def test_momentum_step_with_zero_momentum_is_a_gradient_step(w, g, eta):
    new_w, delta_w = momentum_step(w, [7.0, -3.0], g, learning_rate=eta, momentum=0.0)
    np.testing.assert_array_equal(new_w, gradient_descent_step(w, g, learning_rate=eta))
    np.testing.assert_array_equal(new_w, np.asarray(w) - eta * np.asarray(g))
    np.testing.assert_array_equal(delta_w, -eta * np.asarray(g))


# ---------------------------------------------------------------------------
# minimize: momentum 0 is gradient descent; the first momentum step is a gradient step
# ---------------------------------------------------------------------------


@SETTINGS
@given(w0=weights_2d, eta=st.floats(0.001, 1.5), steps=st.integers(0, 40))
def test_momentum_zero_reproduces_gradient_descent_exactly(w0, eta, steps):
    run = minimize(nonlinear_gradient, w0, learning_rate=eta, momentum=0.0, steps=steps)
    w = np.array(w0)
    expected = [w]
    for _ in range(steps):
        w = w - eta * nonlinear_gradient(w)
        expected.append(w)
    np.testing.assert_array_equal(run.weights, np.array(expected))
    assert run.diverged is False


@SETTINGS
@given(w0=weights_2d, eta=learning_rates, alpha=momenta)
def test_first_momentum_step_is_a_gradient_step(w0, eta, alpha):
    run = minimize(nonlinear_gradient, w0, learning_rate=eta, momentum=alpha, steps=3)
    w0 = np.array(w0)
    np.testing.assert_array_equal(run.weights[1], w0 - eta * nonlinear_gradient(w0))
    np.testing.assert_array_equal(run.momentum_terms[0], [0.0, 0.0])
    np.testing.assert_array_equal(run.updates[0], run.gradient_terms[0])


def test_minimize_follows_a_hand_written_loop_on_rosenbrock():
    valley = Rosenbrock()
    eta, alpha, steps = 1e-3, 0.9, 300
    run = minimize(valley.gradient, [-1.2, 1.0], learning_rate=eta, momentum=alpha, steps=steps)
    w, delta_w = np.array([-1.2, 1.0]), np.zeros(2)
    for t in range(steps):
        delta_w = alpha * delta_w - eta * valley.gradient(w)
        w = w + delta_w
        np.testing.assert_allclose(run.updates[t], delta_w, rtol=1e-12, atol=1e-15)
        np.testing.assert_allclose(run.weights[t + 1], w, rtol=1e-12, atol=1e-15)


# ---------------------------------------------------------------------------
# Closed forms on Q(w) = ½ λ w²
# ---------------------------------------------------------------------------


@SETTINGS
@given(
    lam=st.floats(0.1, 10.0),
    fraction=st.floats(0.01, 1.99),
    w0=st.floats(-5.0, 5.0).filter(lambda x: abs(x) > 1e-3),
    steps=st.integers(1, 60),
)
def test_gradient_descent_closed_form(lam, fraction, w0, steps):
    eta = fraction / lam  # 0 < ηλ < 2: stable
    run = minimize(lambda w: lam * w, [w0], learning_rate=eta, steps=steps)
    t = np.arange(steps + 1)
    np.testing.assert_allclose(
        run.weights[:, 0], (1.0 - eta * lam) ** t * w0, rtol=1e-10, atol=1e-12 * abs(w0)
    )


@SETTINGS
@given(
    lam=st.floats(0.1, 10.0),
    alpha=st.floats(0.0, 0.95),
    fraction=st.floats(0.01, 0.99),
    w0=st.floats(-5.0, 5.0).filter(lambda x: abs(x) > 1e-3),
    steps=st.integers(1, 60),
)
def test_momentum_closed_form_from_characteristic_roots(lam, alpha, fraction, w0, steps):
    # Inside the stability region: ηλ = fraction·(2 + 2α).
    eta = fraction * (2.0 + 2.0 * alpha) / lam
    # w_{t+1} = (1 + α − ηλ) w_t − α w_{t−1}: roots of z² − (1 + α − ηλ) z + α = 0.
    trace = 1.0 + alpha - eta * lam
    discriminant = trace**2 - 4.0 * alpha
    assume(abs(discriminant) > 1e-3)  # distinct roots (no polynomial factor)
    root = np.sqrt(complex(discriminant))
    r1, r2 = (trace + root) / 2.0, (trace - root) / 2.0
    w1 = (1.0 - eta * lam) * w0  # the first step is a gradient step (Δw starts at 0)
    a = (w1 - r2 * w0) / (r1 - r2)
    b = w0 - a
    t = np.arange(steps + 1)
    closed_form = (a * r1**t + b * r2**t).real

    run = minimize(lambda w: lam * w, [w0], learning_rate=eta, momentum=alpha, steps=steps)
    scale = abs(a) + abs(b)
    np.testing.assert_allclose(run.weights[:, 0], closed_form, rtol=1e-9, atol=1e-9 * scale)


@SETTINGS
@given(
    curvatures=st.lists(st.floats(0.1, 10.0), min_size=2, max_size=2),
    eta=st.floats(0.01, 0.5),
    alpha=momenta,
    w0=weights_2d,
    steps=st.integers(1, 40),
)
def test_momentum_matches_the_power_of_its_two_by_two_matrix(curvatures, eta, alpha, w0, steps):
    """Each eigen-direction evolves as (w, Δw) ← M (w, Δw), M = [[1 − ηλ, α], [−ηλ, α]]."""
    curvatures = np.array(curvatures)
    run = minimize(
        lambda w: curvatures * w,
        w0,
        learning_rate=eta,
        momentum=alpha,
        steps=steps,
        divergence_threshold=1e300,
    )
    for i, lam in enumerate(curvatures):
        # Δw' = αΔw − ηλw and w' = w + Δw' = (1 − ηλ) w + αΔw.
        matrix = np.array([[1.0 - eta * lam, alpha], [-eta * lam, alpha]])
        state = np.linalg.matrix_power(matrix, steps) @ np.array([w0[i], 0.0])
        scale = max(1.0, np.abs(run.weights[:, i]).max())
        np.testing.assert_allclose(run.weights[-1, i], state[0], rtol=1e-9, atol=1e-10 * scale)
        np.testing.assert_allclose(run.updates[-1, i], state[1], rtol=1e-9, atol=1e-10 * scale)


# ---------------------------------------------------------------------------
# Nesterov
# ---------------------------------------------------------------------------


def test_nesterov_matches_sutskevers_look_ahead_recurrence():
    angle = 0.4
    rotation = np.array([[np.cos(angle), -np.sin(angle)], [np.sin(angle), np.cos(angle)]])
    bowl = Quadratic([1.0, 20.0], minimizer=[0.5, -1.0], rotation=rotation)
    hessian = rotation.T @ np.diag([1.0, 20.0]) @ rotation

    def gradient(w):
        return (w - np.array([0.5, -1.0])) @ hessian

    eta, alpha, steps = 0.04, 0.8, 80
    run = minimize(
        bowl.gradient, [2.0, 2.0], learning_rate=eta, momentum=alpha, nesterov=True, steps=steps
    )
    # Sutskever et al. (2013): v ← μ v − ε ∇f(θ + μ v);  θ ← θ + v.
    theta, v = np.array([2.0, 2.0]), np.zeros(2)
    for t in range(steps):
        v = alpha * v - eta * gradient(theta + alpha * v)
        theta = theta + v
        np.testing.assert_allclose(run.weights[t + 1], theta, rtol=1e-12, atol=1e-12)
    # Nesterov is not heavy ball: the second step already differs.
    heavy = minimize(bowl.gradient, [2.0, 2.0], learning_rate=eta, momentum=alpha, steps=2)
    assert np.abs(heavy.weights[2] - run.weights[2]).max() > 1e-3


def test_nesterov_converges_faster_than_heavy_ball_on_an_ill_conditioned_quadratic():
    bowl = Quadratic([1.0, 100.0])  # κ = 100
    eta, alpha = 0.01, 0.9  # η = 1/L
    reached = {}
    for nesterov in (False, True):
        run = minimize(
            bowl.gradient,
            [1.0, 1.0],
            learning_rate=eta,
            momentum=alpha,
            nesterov=nesterov,
            steps=1000,
            loss=bowl.loss,
        )
        reached[nesterov] = run.steps_to_reach(1e-10)
    assert 0 < reached[True] < 0.9 * reached[False]


# ---------------------------------------------------------------------------
# Trajectory bookkeeping
# ---------------------------------------------------------------------------


def test_trajectory_bookkeeping():
    bowl = Quadratic([1.0, 10.0], minimizer=[1.0, -1.0])
    eta, alpha, steps = 0.05, 0.7, 60
    run = minimize(
        bowl.gradient, [3.0, 2.0], learning_rate=eta, momentum=alpha, steps=steps, loss=bowl.loss
    )
    assert run.weights.shape == (steps + 1, 2)
    assert run.updates.shape == run.gradient_terms.shape == run.momentum_terms.shape == (steps, 2)
    assert run.losses.shape == (steps + 1,)
    np.testing.assert_allclose(run.weights[1:], run.weights[:-1] + run.updates, rtol=1e-14)
    np.testing.assert_allclose(run.updates, run.momentum_terms + run.gradient_terms, rtol=1e-14)
    # The gradient term is −η∇Q at the weights the step starts from (∇Q written here).
    gradients = (run.weights[:-1] - [1.0, -1.0]) * [1.0, 10.0]
    np.testing.assert_allclose(run.gradient_terms, -eta * gradients, rtol=1e-12)
    # The momentum term is α times the previous update, zero at the first step.
    np.testing.assert_allclose(run.momentum_terms[1:], alpha * run.updates[:-1], rtol=1e-14)
    np.testing.assert_array_equal(run.momentum_terms[0], [0.0, 0.0])
    # Losses are Q at each row of weights (Q written here).
    offsets = run.weights - [1.0, -1.0]
    np.testing.assert_allclose(
        run.losses, 0.5 * (offsets[:, 0] ** 2 + 10.0 * offsets[:, 1] ** 2), rtol=1e-12
    )
    np.testing.assert_array_equal(run.final_weights, run.weights[-1])
    assert run.diverged is False and run.diverged_at == -1


def test_steps_to_reach_against_the_closed_form():
    lam, eta, w0, steps = 2.0, 0.1, 3.0, 100
    run = minimize(
        lambda w: lam * w,
        [w0],
        learning_rate=eta,
        steps=steps,
        loss=lambda w: 0.5 * lam * w[..., 0] ** 2,
    )
    # w_t = 0.8^t · 3 and Q_t = ½·2·w_t²: the first t with Q_t ≤ 1e-4 / |w_t| ≤ 1e-3.
    first_loss = math.ceil(math.log(math.sqrt(1e-4 / (0.5 * lam)) / w0) / math.log(0.8))
    first_distance = math.ceil(math.log(1e-3 / w0) / math.log(0.8))
    assert run.steps_to_reach(1e-4) == first_loss == 26
    assert run.steps_to_reach(1e-3, minimizer=[0.0]) == first_distance == 36
    assert run.steps_to_reach(1e-3, minimizer=[2.0]) == -1  # w_t passes 2 without landing
    assert run.steps_to_reach(1e-30) == -1
    assert run.steps_to_reach(10.0) == 0  # Q(w0) = 9 already


def test_steps_to_reach_in_a_batch():
    lam = 1.0
    etas = np.array([0.5, 0.1, 1e-4])
    run = minimize(
        lambda w: lam * w,
        [1.0],
        learning_rate=etas,
        steps=50,
        loss=lambda w: 0.5 * w[..., 0] ** 2,
    )
    # |w_t| = (1 − η)^t ≤ 0.01 first at t = ceil(log 0.01 / log(1 − η)).
    expected = [math.ceil(math.log(0.01) / math.log(1.0 - eta)) for eta in etas[:2]]
    assert expected == [7, 44]
    np.testing.assert_array_equal(run.steps_to_reach(0.01, minimizer=[0.0]), [*expected, -1])


# ---------------------------------------------------------------------------
# Stability: 0 < ηλ < 2 + 2α converges, beyond it the run is flagged as diverged
# ---------------------------------------------------------------------------

LAMBDA = 4.0


def quadratic_loss(w):
    return 0.5 * LAMBDA * w[..., 0] ** 2


def quadratic_gradient(w):
    return LAMBDA * w


def run_on_the_bowl(**settings):
    """minimize on Q = ½λw² from w0 = 1 for 3000 steps; returns the run and any warnings."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        run = minimize(quadratic_gradient, [1.0], steps=3000, **settings)
    return run, caught


@pytest.mark.parametrize("alpha", [0.0, 0.3, 0.6, 0.9])
def test_just_inside_the_stability_region_converges(alpha):
    eta = 0.99 * (2.0 + 2.0 * alpha) / LAMBDA
    run, caught = run_on_the_bowl(learning_rate=eta, momentum=alpha, loss=quadratic_loss)
    assert caught == []
    assert run.diverged is False and run.diverged_at == -1
    assert np.all(np.isfinite(run.weights))
    assert abs(run.final_weights[0]) < 1e-8


@pytest.mark.parametrize("with_loss", [False, True])
@pytest.mark.parametrize("alpha", [0.0, 0.3, 0.6, 0.9])
def test_just_outside_the_stability_region_is_flagged_as_diverged(alpha, with_loss):
    eta = 1.01 * (2.0 + 2.0 * alpha) / LAMBDA
    threshold = 1e12
    run, caught = run_on_the_bowl(
        learning_rate=eta, momentum=alpha, loss=quadratic_loss if with_loss else None
    )
    assert caught == []
    assert run.diverged is True
    assert type(run.diverged_at) is int
    # The step of divergence, from the recurrence written here.
    w, delta_w, step = 1.0, 0.0, 0
    while True:
        step += 1
        delta_w = alpha * delta_w - eta * LAMBDA * w
        w += delta_w
        if abs(w) > threshold or (with_loss and 0.5 * LAMBDA * w * w > threshold):
            break
    assert run.diverged_at == step
    assert np.all(np.isfinite(run.weights[:step]))
    assert np.all(np.isnan(run.weights[step:]))
    assert np.all(np.isnan(run.gradient_terms[step - 1 :]))
    assert np.all(np.isfinite(run.gradient_terms[: step - 1]))
    if with_loss:
        assert np.all(np.isnan(run.losses[step:]))
        assert np.all(np.isfinite(run.losses[:step]))
    assert np.all(np.isnan(run.final_weights))


def test_a_grid_straddling_the_stability_boundary():
    alphas = np.linspace(0.0, 0.95, 8)
    factors = np.array([0.98, 1.02])  # ηλ as a fraction of 2 + 2α
    eta = factors[:, None] * (2.0 + 2.0 * alphas[None, :]) / LAMBDA
    run, caught = run_on_the_bowl(learning_rate=eta, momentum=alphas, loss=quadratic_loss)
    assert caught == []
    assert run.diverged.shape == (2, 8) and run.diverged_at.dtype.kind == "i"
    np.testing.assert_array_equal(run.diverged[0], False)
    np.testing.assert_array_equal(run.diverged[1], True)
    np.testing.assert_array_equal(run.diverged_at[0], -1)
    assert np.all(run.diverged_at[1] > 0)
    assert np.all(np.abs(run.final_weights[0]) < 1e-8)


def test_a_non_finite_loss_counts_as_divergence():
    # GD with ηλ = 1.5 jumps from 1 to −0.5, where log(w) is nan.
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        run = minimize(
            lambda w: w, [1.0], learning_rate=1.5, steps=5, loss=lambda w: np.log(w[..., 0])
        )
    assert caught == []
    assert run.diverged is True and run.diverged_at == 1


# ---------------------------------------------------------------------------
# A vectorized grid equals the per-configuration runs, exactly
# ---------------------------------------------------------------------------


@SETTINGS
@given(
    etas=st.lists(st.floats(0.01, 1.2), min_size=1, max_size=3),
    alphas=st.lists(st.floats(0.0, 0.95), min_size=1, max_size=3),
    curvature=st.floats(1.0, 3.0),
    nesterov=st.booleans(),
)
def test_a_vectorized_grid_equals_the_single_runs(etas, alphas, curvature, nesterov):
    bowl = Quadratic([1.0, curvature], minimizer=[0.5, -0.5])
    w0 = [2.0, 1.0]
    options = dict(nesterov=nesterov, steps=40, loss=bowl.loss, divergence_threshold=1e6)
    grid = minimize(
        bowl.gradient,
        w0,
        learning_rate=np.array(etas)[:, None],
        momentum=np.array(alphas),
        **options,
    )
    assert grid.weights.shape == (41, len(etas), len(alphas), 2)
    for i, eta in enumerate(etas):
        for j, alpha in enumerate(alphas):
            single = minimize(bowl.gradient, w0, learning_rate=eta, momentum=alpha, **options)
            np.testing.assert_array_equal(grid.weights[:, i, j], single.weights)
            np.testing.assert_array_equal(grid.losses[:, i, j], single.losses)
            np.testing.assert_array_equal(grid.updates[:, i, j], single.updates)
            np.testing.assert_array_equal(grid.gradient_terms[:, i, j], single.gradient_terms)
            assert grid.diverged[i, j] == single.diverged
            assert grid.diverged_at[i, j] == single.diverged_at
            assert grid.learning_rate[i, j] == eta and grid.momentum[i, j] == alpha
            assert_same_trajectory(grid[i, j], single)
            assert_same_trajectory(grid[i][j], single)
        assert_same_trajectory(
            grid[i],
            minimize(bowl.gradient, w0, learning_rate=eta, momentum=np.array(alphas), **options),
        )


def assert_same_trajectory(picked, single):
    """Everything a Trajectory holds or derives, equal (nan positions included)."""
    for name in (
        "weights",
        "updates",
        "gradient_terms",
        "momentum_terms",
        "losses",
        "learning_rate",
        "momentum",
    ):
        np.testing.assert_array_equal(getattr(picked, name), getattr(single, name), err_msg=name)
    np.testing.assert_array_equal(picked.diverged, single.diverged)
    np.testing.assert_array_equal(picked.diverged_at, single.diverged_at)
    assert type(picked.diverged) is type(single.diverged)
    assert type(picked.diverged_at) is type(single.diverged_at)
    for tolerance in (1e-3, 1e-1):
        np.testing.assert_array_equal(
            picked.steps_to_settle(tolerance), single.steps_to_settle(tolerance)
        )
        np.testing.assert_array_equal(
            picked.steps_to_reach(tolerance), single.steps_to_reach(tolerance)
        )


def test_a_list_of_learning_rates_runs_a_batch_of_1d_runs():
    # The friendliest form for chapter 2: a plain list of η, one weight, run[i] for each.
    runs = minimize(
        lambda w: 2.0 * w, [3.0], learning_rate=[0.1, 0.5, 1.5], steps=50, divergence_threshold=1e6
    )
    for i, eta in enumerate([0.1, 0.5, 1.5]):
        # On Q(w) = w², each step multiplies w by (1 − 2η): written out here.
        expected = 3.0 * (1.0 - 2.0 * eta) ** np.arange(51)
        expected[np.abs(expected) > 1e6] = np.nan
        first_bad = np.flatnonzero(np.isnan(expected))
        if first_bad.size:
            expected[first_bad[0] :] = np.nan
        np.testing.assert_allclose(runs[i].weights[:, 0], expected, rtol=1e-12)
    assert runs[2].diverged and runs[2].diverged_at == 19  # the first t with 3·2^t > 1e6
    assert runs[0].diverged_at == -1


def test_indexing_refuses_what_it_cannot_pick():
    single = minimize(lambda w: w, [1.0], learning_rate=0.1, steps=3)
    with pytest.raises(IndexError, match="single run"):
        single[0]
    grid = minimize(lambda w: w, [1.0], learning_rate=[[0.1], [0.2]], momentum=[0.0, 0.5], steps=3)
    with pytest.raises(IndexError, match="2 axes"):
        grid[0, 0, 0]
    with pytest.raises(IndexError, match="integers or slices"):
        grid[..., 0]
    np.testing.assert_array_equal(grid[:, 1].momentum, [0.5, 0.5])


def test_a_vectorized_grid_can_hold_diverged_and_converged_runs():
    # The hypothesis test above must see both kinds; here one grid holds both for sure.
    bowl = Quadratic([1.0, 3.0])
    grid = minimize(
        bowl.gradient,
        [1.0, 1.0],
        learning_rate=[[0.1], [1.2]],
        momentum=[0.0, 0.5],
        steps=40,
        loss=bowl.loss,
        divergence_threshold=1e6,
    )
    # ηλ_max = 3.6 > 2 + 2α for α = 0 and 0.5: both diverge; η = 0.1 converges.
    np.testing.assert_array_equal(grid.diverged, [[False, False], [True, True]])


def test_batch_axes_of_w0_are_independent_runs():
    starts = np.array([[1.0, -1.0], [0.0, 2.0], [3.0, 0.5]])
    run = minimize(nonlinear_gradient, starts, learning_rate=0.1, momentum=0.6, steps=25)
    assert run.weights.shape == (26, 3, 2)
    for k, start in enumerate(starts):
        single = minimize(nonlinear_gradient, start, learning_rate=0.1, momentum=0.6, steps=25)
        np.testing.assert_array_equal(run.weights[:, k], single.weights)


def test_zero_steps_records_only_the_start():
    run = minimize(nonlinear_gradient, [1.0, 2.0], learning_rate=0.1, momentum=0.5, steps=0)
    np.testing.assert_array_equal(run.weights, [[1.0, 2.0]])
    assert run.updates.shape == (0, 2)


# ---------------------------------------------------------------------------
# Learning-rate schedules
# ---------------------------------------------------------------------------


@SETTINGS
@given(
    eta=st.floats(0.01, 0.5),
    alpha=st.floats(0.0, 0.95),
    factors=st.lists(st.floats(0.1, 3.0), min_size=1, max_size=30),
)
def test_a_schedule_scales_eta_step_by_step(eta, alpha, factors):
    bowl = Quadratic([1.0, 4.0])
    w0 = np.array([1.5, -0.5])
    steps = len(factors)
    # The recurrence written out, with η_t = η·s(t).
    w, delta_w, expected = w0.copy(), np.zeros(2), [w0.copy()]
    for factor in factors:
        delta_w = alpha * delta_w - eta * factor * bowl.gradient(w)
        w = w + delta_w
        expected.append(w)
    by_array = minimize(bowl.gradient, w0, learning_rate=eta, momentum=alpha,
                        schedule=factors, steps=steps)  # fmt: skip
    by_function = minimize(bowl.gradient, w0, learning_rate=eta, momentum=alpha,
                           schedule=lambda t: factors[t], steps=steps)  # fmt: skip
    np.testing.assert_allclose(by_array.weights, expected, rtol=1e-12, atol=1e-14)
    np.testing.assert_array_equal(by_function.weights, by_array.weights)
    constant = minimize(bowl.gradient, w0, learning_rate=eta, momentum=alpha,
                        schedule=np.ones(steps), steps=steps)  # fmt: skip
    plain = minimize(bowl.gradient, w0, learning_rate=eta, momentum=alpha, steps=steps)
    np.testing.assert_array_equal(constant.weights, plain.weights)


@pytest.mark.parametrize(
    ("schedule", "message"),
    [
        ([1.0, 1.0], r"one factor per step, shape \(3,\), got shape \(2,\)"),
        ([1.0, 0.0, 1.0], "positive, finite factors"),
        (lambda t: -1.0, "positive, finite factors"),
        ([1.0, np.nan, 1.0], "schedule must be finite"),
    ],
)
def test_bad_schedules_are_refused(schedule, message):
    with pytest.raises(ValueError, match=message):
        minimize(lambda w: w, [1.0], learning_rate=0.1, schedule=schedule, steps=3)


def test_mean_loss_averages_the_recorded_losses_and_marks_divergence():
    bowl = Quadratic([1.0, 3.0])
    grid = minimize(bowl.gradient, [1.0, 1.0], learning_rate=[0.1, 1.2], steps=40,
                    loss=bowl.loss, divergence_threshold=1e6)  # fmt: skip
    by_hand = np.mean([bowl.loss(w) for w in grid[0].weights[10:21]])
    assert grid[0].mean_loss(10, 20) == pytest.approx(by_hand, rel=1e-12)
    np.testing.assert_array_equal(grid.mean_loss(10, 20), [grid[0].mean_loss(10, 20), np.inf])
    with pytest.raises(ValueError, match="0 <= first <= last <= 40"):
        grid.mean_loss(30, 50)
    with pytest.raises(ValueError, match="pass loss="):
        minimize(bowl.gradient, [1.0, 1.0], learning_rate=0.1, steps=3).mean_loss(0, 1)


@SETTINGS
@given(w0=st.floats(-5.0, 5.0), eta=st.floats(0.01, 0.9), alpha=st.floats(0.0, 0.9))
def test_one_weight_as_a_number_equals_the_one_element_list(w0, eta, alpha):
    # A first-year's gradient of Q(w) = w² works on numbers; minimize accepts it as is.
    as_number = minimize(lambda w: 2 * w, w0, learning_rate=eta, momentum=alpha, steps=30,
                         loss=lambda w: w * w)  # fmt: skip
    as_list = minimize(lambda w: 2 * w, [w0], learning_rate=eta, momentum=alpha, steps=30,
                       loss=lambda w: (w * w).sum(axis=-1))  # fmt: skip
    np.testing.assert_array_equal(as_number.weights, as_list.weights)
    np.testing.assert_array_equal(as_number.losses, as_list.losses)
    assert as_number.diverged == as_list.diverged


def test_one_weight_as_a_number_in_a_batch_of_learning_rates():
    runs = minimize(lambda w: 2 * w, 3.0, learning_rate=[0.1, 0.25], steps=3)
    np.testing.assert_allclose(runs.path[:, 0], [3.0, 2.4, 1.92, 1.536], rtol=1e-15)
    np.testing.assert_allclose(runs[1].path, [3.0, 1.5, 0.75, 0.375], rtol=1e-15)


def test_a_gradient_of_one_number_over_data_runs_a_batch_of_learning_rates():
    # Chapter 2's gradient: a function of one number that averages over the data.
    x = np.array([-1.0, 0.0, 2.0])
    y = np.array([-1.5, 0.5, 3.0])

    def gradient(w):
        return 2 * np.mean((w * x - y) * x)

    runs = minimize(gradient, -1.0, learning_rate=[0.05, 0.2], steps=30)
    for i, eta in enumerate([0.05, 0.2]):
        w, expected = -1.0, [-1.0]
        for _ in range(30):  # the loop written out
            w = w - eta * gradient(w)
            expected.append(w)
        np.testing.assert_allclose(runs[i].path, expected, rtol=1e-13)
