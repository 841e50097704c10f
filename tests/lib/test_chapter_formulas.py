"""Every formula printed in chapters 6 and 7, checked against momentum_lib's numerics.

Each test names the formula as the chapter writes it. The references are written
out here (recurrences, matrices, closed forms) and compared with what
``momentum_lib`` computes.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from momentum_lib import Quadratic, Rosenbrock, minimize, theory
from momentum_lib.conventions import (
    moving_average_sgd,
    moving_average_to_thread,
    pytorch_sgd,
    pytorch_to_thread,
    thread_sgd,
    thread_to_moving_average,
)

momenta = st.floats(0.0, 0.95)
step_curvatures = st.floats(0.01, 3.0)


# Chapter 6 ------------------------------------------------------------------


def test_unrolled_update_is_minus_eta_times_the_geometric_sum_of_gradients() -> None:
    """Δw_t = −η (g_t + α g_(t−1) + α² g_(t−2) + …) = −η b_t with PyTorch's buffer b."""
    bowl = Quadratic([1.0, 7.0])
    eta, alpha = 0.05, 0.8
    run = minimize(bowl.gradient, [1.0, -2.0], learning_rate=eta, momentum=alpha, steps=25)
    gradients = bowl.gradient(run.weights[:-1])
    for t in range(25):
        powers = alpha ** np.arange(t, -1, -1)[:, None]
        assert np.allclose(run.updates[t], -eta * (powers * gradients[: t + 1]).sum(axis=0))


def test_mappings_between_the_three_forms() -> None:
    """PyTorch (lr, μ) = (η, α); moving average (η_e, β) = (η/(1 − α), α)."""
    assert pytorch_to_thread(0.001, 0.9) == (0.001, 0.9)
    eta_e, beta = thread_to_moving_average(0.001, 0.9)
    assert eta_e == pytest.approx(0.01) and beta == 0.9
    assert moving_average_to_thread(eta_e, beta) == pytest.approx((0.001, 0.9))


@settings(max_examples=30, deadline=None)
# η ≤ 1.2e-3: from (-1.5, 2) every α in [0, 0.95] converges (checked on a 23 × 40 grid);
# at η = 2e-3, α ≈ 0.55 overflows, and a diverging run compares nothing.
@given(eta=st.floats(1e-4, 1.2e-3), alpha=momenta)
def test_three_forms_agree_under_a_constant_learning_rate(eta: float, alpha: float) -> None:
    banana, w0 = Rosenbrock(), np.array([-1.5, 2.0])
    thread = thread_sgd(banana.gradient, w0, learning_rate=eta, momentum=alpha, steps=100)
    torch = pytorch_sgd(banana.gradient, w0, learning_rate=eta, momentum=alpha, steps=100)
    eta_e, beta = thread_to_moving_average(eta, alpha)
    ema = moving_average_sgd(banana.gradient, w0, learning_rate=eta_e, beta=beta, steps=100)
    assert np.allclose(torch, thread, rtol=0, atol=1e-12)
    assert np.allclose(ema, thread, rtol=0, atol=1e-12)


@pytest.mark.parametrize("ratio", [0.5, 0.1, 2.0])
def test_first_step_after_a_schedule_change_differs_by_alpha_one_minus_ratio(ratio) -> None:
    """Δw_thread − Δw_PyTorch = α (1 − η₁/η₀) Δw_prev at the first step after η₀ → η₁."""
    banana, w0 = Rosenbrock(), np.array([-1.5, 2.0])
    eta0, alpha, change = 0.001, 0.9, 60
    schedule = np.where(np.arange(100) < change, eta0, eta0 * ratio)
    thread = thread_sgd(banana.gradient, w0, learning_rate=schedule, momentum=alpha, steps=100)
    torch = pytorch_sgd(banana.gradient, w0, learning_rate=schedule, momentum=alpha, steps=100)
    assert np.allclose(thread[: change + 1], torch[: change + 1], atol=1e-12)
    previous = thread[change] - thread[change - 1]
    difference = (thread[change + 1] - thread[change]) - (torch[change + 1] - torch[change])
    assert np.allclose(difference, alpha * (1 - ratio) * previous, rtol=1e-9, atol=1e-15)
    assert np.abs(thread[-1] - torch[-1]).max() > 1e-6


def test_moving_average_equals_pytorch_under_any_schedule() -> None:
    """u_t = (1 − β) b_t, so η_e,t u_t = η_e,t (1 − β) b_t for every schedule."""
    banana, w0 = Rosenbrock(), np.array([-1.5, 2.0])
    schedule = np.geomspace(0.01, 0.001, 200)
    ema = moving_average_sgd(banana.gradient, w0, learning_rate=schedule, beta=0.9, steps=200)
    torch = pytorch_sgd(banana.gradient, w0, learning_rate=0.1 * schedule, momentum=0.9, steps=200)
    assert np.allclose(ema, torch, rtol=0, atol=1e-12)


@pytest.mark.parametrize("dampening", [0.3, 0.5, 0.8])
def test_dampening_first_step_is_one_over_one_minus_tau_larger(dampening: float) -> None:
    """η = lr (1 − τ); PyTorch's first step is 1/(1 − τ) times the thread's."""
    bowl, w0 = Quadratic([1.0, 10.0]), np.array([1.0, 1.0])
    lr, mu = 0.01, 0.9
    eta, alpha = pytorch_to_thread(lr, mu, dampening)
    assert eta == pytest.approx(lr * (1 - dampening)) and alpha == mu
    torch = pytorch_sgd(
        bowl.gradient, w0, learning_rate=lr, momentum=mu, dampening=dampening, steps=5
    )
    book = thread_sgd(bowl.gradient, w0, learning_rate=eta, momentum=alpha, steps=5)
    assert np.allclose((torch[1] - w0) / (book[1] - w0), 1 / (1 - dampening))


def nesterov_matrix(eta: float, alpha: float, lam: float) -> np.ndarray:
    """The chapter's Nesterov matrix [[1 − ηλ, α(1 − ηλ)], [−ηλ, α(1 − ηλ)]]."""
    h = eta * lam
    return np.array([[1 - h, alpha * (1 - h)], [-h, alpha * (1 - h)]])


@settings(max_examples=40, deadline=None)
@given(h=step_curvatures, alpha=momenta)
def test_nesterov_matrix_is_the_method(h: float, alpha: float) -> None:
    run = minimize(lambda w: w, [1.0], learning_rate=h, momentum=alpha, nesterov=True, steps=3)
    state = np.array([1.0, 0.0])
    for t in range(3):
        state = nesterov_matrix(h, alpha, 1.0) @ state
        if np.isfinite(run.weights[t + 1, 0]):
            assert state == pytest.approx([run.weights[t + 1, 0], run.updates[t, 0]])


@settings(max_examples=60, deadline=None)
@given(h=st.floats(0.01, 4.0), alpha=momenta)
def test_nesterov_stability_limit(h: float, alpha: float) -> None:
    """Nesterov converges on curvature λ exactly when 0 < ηλ < (2 + 2α)/(1 + 2α)."""
    limit = (2 + 2 * alpha) / (1 + 2 * alpha)
    radius = np.abs(np.linalg.eigvals(nesterov_matrix(h, alpha, 1.0))).max()
    if abs(h - limit) > 1e-6:
        assert (radius < 1) == (h < limit)


def test_nesterov_stability_limit_measured() -> None:
    """Just inside the limit a run converges; just outside it grows (α = 0.9, λ = 100)."""
    valley = Quadratic([1.0, 100.0])
    limit = (2 + 2 * 0.9) / (1 + 2 * 0.9) / 100
    runs = minimize(
        valley.gradient, [1.0, 1.0], learning_rate=[0.98 * limit, 1.02 * limit], momentum=0.9,
        nesterov=True, steps=3000,
    )  # fmt: skip
    assert np.abs(runs.weights[-1, 0]).max() < 1e-6
    assert runs.diverged[1]


def test_pytorch_nesterov_weights_are_the_look_ahead_points() -> None:
    """PyTorch's Nesterov (step g + μv) stores u = w + αΔw of the book's Nesterov."""
    valley = Quadratic([1.0, 100.0])
    book = minimize(
        valley.gradient, [1.0, 1.0], learning_rate=0.008, momentum=0.9, nesterov=True, steps=80
    )
    torch = pytorch_sgd(
        valley.gradient, [1.0, 1.0], learning_rate=0.008, momentum=0.9, nesterov=True, steps=80
    )
    assert np.allclose(torch[1:], book.weights[1:] + 0.9 * book.updates, rtol=0, atol=1e-13)


# Chapter 7 ------------------------------------------------------------------


def test_rotated_quadratic_splits_into_independent_directions() -> None:
    """x = R (w − w*) evolves as Δx_i ← αΔx_i − ηλ_i x_i in each direction."""
    angle = np.pi / 6
    rotation = np.array([[np.cos(angle), np.sin(angle)], [-np.sin(angle), np.cos(angle)]])
    bowl = Quadratic([1.0, 10.0], minimizer=[0.5, -0.5], rotation=rotation)
    w0 = np.array([-1.5, 1.0])
    together = minimize(bowl.gradient, w0, learning_rate=0.1, momentum=0.7, steps=60)
    x = (together.weights - bowl.minimizer) @ rotation.T
    x0 = rotation @ (w0 - bowl.minimizer)
    for i, lam in enumerate([1.0, 10.0]):
        reference, step = [x0[i]], 0.0
        for _ in range(60):
            step = 0.7 * step - 0.1 * lam * reference[-1]
            reference.append(reference[-1] + step)
        assert np.allclose(x[:, i], reference, atol=1e-12)


@settings(max_examples=40, deadline=None)
@given(h=step_curvatures, alpha=momenta)
def test_iteration_matrix_trace_determinant_and_roots(h: float, alpha: float) -> None:
    """M = [[1 − ηλ, α], [−ηλ, α]]; tr M = 1 + α − ηλ, det M = α; z² − (1 + α − ηλ) z + α = 0."""
    matrix = theory.iteration_matrix(h, alpha, 1.0)
    assert np.trace(matrix) == pytest.approx(1 + alpha - h)
    assert np.linalg.det(matrix) == pytest.approx(alpha, abs=1e-12)
    roots = np.sort_complex(np.roots([1.0, -(1 + alpha - h), alpha]))
    ours = np.sort_complex(theory.iteration_eigenvalues(h, alpha, 1.0))
    assert np.allclose(ours, roots, atol=1e-6)
    run = minimize(lambda w: w, [1.0], learning_rate=h, momentum=alpha, steps=4)
    state = np.linalg.matrix_power(matrix, 4) @ np.array([1.0, 0.0])
    if np.isfinite(run.weights[-1, 0]):
        assert state[0] == pytest.approx(run.weights[-1, 0], abs=1e-12)


@settings(max_examples=60, deadline=None)
@given(h=st.floats(0.01, 4.0), alpha=momenta)
def test_regimes(h: float, alpha: float) -> None:
    """Complex roots when (1 + α − ηλ)² < 4α, of modulus √α; unstable iff ηλ ≥ 2 + 2α."""
    eigenvalues = np.linalg.eigvals(theory.iteration_matrix(h, alpha, 1.0))
    discriminant = (1 + alpha - h) ** 2 - 4 * alpha
    if discriminant < -1e-9:
        assert np.allclose(np.abs(eigenvalues), np.sqrt(alpha))
    if abs(h - (2 + 2 * alpha)) > 1e-6:
        assert (np.abs(eigenvalues).max() < 1) == (h < 2 + 2 * alpha)


def test_oscillating_rate_is_root_alpha_not_two_root_alpha() -> None:
    for alpha in (0.3, 0.5, 0.8, 0.9):
        run = minimize(lambda w: w, [1.0], learning_rate=1.0, momentum=alpha, steps=300)
        peaks = np.abs(run.weights[:, 0])
        measured = (peaks[250:300].max() / peaks[50:100].max()) ** (1 / 200)
        assert measured == pytest.approx(np.sqrt(alpha), rel=5e-3)
        assert abs(measured - 2 * np.sqrt(alpha)) > 0.5


@settings(max_examples=40, deadline=None)
@given(h=st.floats(0.001, 0.99))
def test_critical_damping_is_the_double_root_and_the_best_alpha(h: float) -> None:
    """α* = (1 − √(ηλ))²: double root z = 1 − √(ηλ), and the smallest rate over α."""
    alpha_star = theory.critical_momentum(h, 1.0)
    assert alpha_star == pytest.approx((1 - np.sqrt(h)) ** 2)
    roots = theory.iteration_eigenvalues(h, alpha_star, 1.0)
    assert np.allclose(roots, 1 - np.sqrt(h), atol=1e-6)
    alphas = np.linspace(0, 0.99, 2000)
    rates = theory.spectral_radius(h, alphas, 1.0)
    assert rates.min() >= theory.spectral_radius(h, alpha_star, 1.0) - 1e-12
    assert abs(alphas[rates.argmin()] - alpha_star) < 0.01


def test_gradient_descent_optimal_step_and_rate() -> None:
    """η = 2/(μ + L) minimises max(|1 − ημ|, |1 − ηL|) = (κ − 1)/(κ + 1)."""
    mu, big_l = 1.0, 100.0
    steps = np.linspace(1e-4, 2 / big_l, 200_001)
    worst = np.maximum(np.abs(1 - steps * mu), np.abs(1 - steps * big_l))
    best = steps[worst.argmin()]
    assert best == pytest.approx(theory.gradient_descent_optimal_learning_rate(mu, big_l), rel=1e-4)
    assert worst.min() == pytest.approx(theory.gradient_descent_rate(big_l / mu), rel=1e-6)


@pytest.mark.parametrize("kappa", [10.0, 100.0, 1000.0])
def test_optimal_pair_gives_root_kappa_rate_on_every_curvature(kappa: float) -> None:
    """η = (2/(√μ + √L))², α = ((√κ − 1)/(√κ + 1))²: worst rate √α = (√κ − 1)/(√κ + 1)."""
    eta, alpha = theory.optimal_momentum_parameters(1.0, kappa)
    rate = theory.optimal_momentum_rate(kappa)
    assert np.sqrt(alpha) == pytest.approx(rate)
    curvatures = np.geomspace(1.0, kappa, 50)
    worst = np.abs(np.linalg.eigvals(
        np.array([theory.iteration_matrix(eta, alpha, lam) for lam in curvatures])
    )).max()  # fmt: skip
    assert worst == pytest.approx(rate, rel=1e-6)
    for d_eta, d_alpha in ((1.02, 1.0), (0.98, 1.0), (1.0, 1.02), (1.0, 0.98)):
        perturbed = theory.spectral_radius(eta * d_eta, alpha * d_alpha, curvatures).max()
        assert perturbed > worst


def test_steps_per_digit() -> None:
    """About κ ln(10)/2 steps per digit for gradient descent, √κ ln(10)/2 for momentum."""
    kappa = 1000.0
    gd = np.log(10) / -np.log(theory.gradient_descent_rate(kappa))
    heavy = np.log(10) / -np.log(theory.optimal_momentum_rate(kappa))
    assert gd == pytest.approx(kappa * np.log(10) / 2, rel=1e-3)
    assert heavy == pytest.approx(np.sqrt(kappa) * np.log(10) / 2, rel=1e-3)


@settings(max_examples=60, deadline=None)
@given(h=st.floats(0.01, 3.9), alpha=momenta)
def test_double_root_curve_separates_real_from_complex(h: float, alpha: float) -> None:
    """Complex above α = (1 − √(ηλ))²; below it real, positive for ηλ < 1, negative beyond."""
    curve = (1 - np.sqrt(h)) ** 2
    eigenvalues = np.linalg.eigvals(theory.iteration_matrix(h, alpha, 1.0))
    if alpha > curve + 1e-6:
        assert np.abs(eigenvalues.imag).max() > 0
    elif alpha < curve - 1e-6:
        assert np.allclose(eigenvalues.imag, 0)
        if h < 1 - 1e-6:
            assert (eigenvalues.real >= 0).all()  # one root is 0 when α = 0
        elif h > 1 + 1e-6:
            assert (eigenvalues.real <= 0).all()


def test_alternating_regime_flips_sign_every_step() -> None:
    """ηλ = 1.8, α = 0.1: eigenvalues −0.2 and −0.5; w alternates in sign, shrinking by 0.5."""
    run = minimize(lambda w: w, [1.0], learning_rate=1.8, momentum=0.1, steps=60)
    w = run.weights[:, 0]
    assert (np.sign(w[1:]) == -np.sign(w[:-1])).all()
    assert np.sort(theory.iteration_eigenvalues(1.8, 0.1, 1.0).real) == pytest.approx([-0.5, -0.2])
    assert abs(w[60] / w[59]) == pytest.approx(0.5, rel=1e-6)
