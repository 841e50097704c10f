"""The theory on quadratics, against numpy.linalg.eigvals and against measured runs.

On Q(w) = ½ λ w² the thread's update maps the state (w, Δw) linearly:
Δw' = α Δw − ηλ w and w' = w + Δw' = (1 − ηλ) w + α Δw, so

    M = [[1 − ηλ, α], [−ηλ, α]],

written here (``matrix``) and handed to numpy for its eigenvalues.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from momentum_lib import minimize, theory

SETTINGS = settings(max_examples=50, deadline=None)


def matrix(eta, alpha, lam):
    return np.array([[1.0 - eta * lam, alpha], [-eta * lam, alpha]])


def numpy_eigenvalues(eta, alpha, lam):
    return np.linalg.eigvals(matrix(eta, alpha, lam))


def by_value(z):
    z = np.asarray(z, dtype=complex)
    return z[np.lexsort((z.imag, z.real))]


def contraction(weights, start, end):
    """The measured per-step contraction (‖w_end‖ / ‖w_start‖)^(1/(end − start))."""
    norms = np.linalg.norm(weights, axis=-1)
    return (norms[end] / norms[start]) ** (1.0 / (end - start))


# ---------------------------------------------------------------------------
# The 2×2 matrix and its eigenvalues
# ---------------------------------------------------------------------------


@SETTINGS
@given(eta=st.floats(0.001, 2.0), alpha=st.floats(0.0, 0.99), lam=st.floats(0.01, 10.0))
def test_iteration_matrix_and_eigenvalues_against_numpy(eta, alpha, lam):
    np.testing.assert_allclose(theory.iteration_matrix(eta, alpha, lam), matrix(eta, alpha, lam))
    ours = theory.iteration_eigenvalues(eta, alpha, lam)
    reference = numpy_eigenvalues(eta, alpha, lam)
    discriminant = (1 + alpha - eta * lam) ** 2 - 4 * alpha
    # At a double root eigvals is only accurate to about √ε.
    tolerance = 1e-9 if abs(discriminant) > 1e-6 else 1e-6
    np.testing.assert_allclose(by_value(ours), by_value(reference), atol=tolerance * 10)
    radius = np.abs(reference).max()
    assert theory.spectral_radius(eta, alpha, lam) == pytest.approx(radius, abs=tolerance * 10)
    assume(abs(radius - 1.0) > 1e-6)
    assert theory.is_stable(eta, alpha, lam) == (radius < 1.0)


@pytest.mark.parametrize("alpha", [0.0, 0.5])
def test_the_stability_boundary_itself_is_not_stable(alpha):
    # At ηλ = 2 + 2α the roots are −1 and −α: modulus 1, the error never shrinks.
    eta, lam = (2.0 + 2.0 * alpha) / 4.0, 4.0
    np.testing.assert_allclose(by_value(numpy_eigenvalues(eta, alpha, lam)), [-1.0, -alpha])
    assert theory.spectral_radius(eta, alpha, lam) == pytest.approx(1.0, abs=1e-12)
    assert theory.is_stable(eta, alpha, lam) is False
    assert theory.is_stable(eta * (1 - 1e-9), alpha, lam) is True


def test_iteration_matrix_maps_the_state_of_a_run():
    eta, alpha, lam = 0.3, 0.6, 2.0
    run = minimize(lambda w: lam * w, [1.5], learning_rate=eta, momentum=alpha, steps=10)
    m = theory.iteration_matrix(eta, alpha, lam)
    for t in range(1, 10):
        state = np.array([run.weights[t, 0], run.updates[t - 1, 0]])
        next_state = np.array([run.weights[t + 1, 0], run.updates[t, 0]])
        np.testing.assert_allclose(m @ state, next_state, rtol=1e-12, atol=1e-15)


def test_eigenvalue_functions_broadcast():
    etas = np.array([[0.1], [0.5], [1.2]])
    alphas = np.array([0.0, 0.5, 0.9])
    z = theory.iteration_eigenvalues(etas, alphas, 2.0)
    assert z.shape == (3, 3, 2)
    radius = theory.spectral_radius(etas, alphas, 2.0)
    stable = theory.is_stable(etas, alphas, 2.0)
    for i in range(3):
        for j in range(3):
            reference = numpy_eigenvalues(etas[i, 0], alphas[j], 2.0)
            np.testing.assert_allclose(by_value(z[i, j]), by_value(reference), atol=1e-7)
            assert radius[i, j] == pytest.approx(np.abs(reference).max(), abs=1e-7)
            assert stable[i, j] == (etas[i, 0] * 2.0 < 2 + 2 * alphas[j])


# ---------------------------------------------------------------------------
# Critical damping and the oscillating regime
# ---------------------------------------------------------------------------


@SETTINGS
@given(eta_lambda=st.floats(0.01, 0.95), lam=st.floats(0.1, 10.0))
def test_critical_damping_gives_a_double_eigenvalue(eta_lambda, lam):
    eta = eta_lambda / lam
    alpha = theory.critical_momentum(eta, lam)
    assert alpha == pytest.approx((1 - np.sqrt(eta_lambda)) ** 2, rel=1e-12)
    z = numpy_eigenvalues(eta, alpha, lam)
    # A double root of z² − (1 + α − ηλ) z + α: eigvals is accurate to √ε there.
    assert abs(z[0] - z[1]) < 1e-6
    np.testing.assert_allclose(z, 1 - np.sqrt(eta_lambda), atol=1e-6)
    np.testing.assert_allclose(np.abs(z), np.sqrt(alpha), atol=1e-6)
    # Just below: two distinct real eigenvalues; just above: a complex pair.
    below, above = alpha * (1 - 1e-3), alpha + 1e-3 * (1 - alpha)
    z_below = numpy_eigenvalues(eta, below, lam)
    z_above = numpy_eigenvalues(eta, above, lam)
    assert np.all(np.abs(np.imag(z_below)) < 1e-12) and abs(z_below[0] - z_below[1]) > 1e-6
    assert np.all(np.abs(np.imag(z_above)) > 1e-6)


@SETTINGS
@given(eta_lambda=st.floats(0.05, 3.0), alpha=st.floats(0.3, 0.99))
def test_oscillating_regime_has_modulus_sqrt_alpha(eta_lambda, alpha):
    lam = 2.0
    eta = eta_lambda / lam
    assume((1 + alpha - eta_lambda) ** 2 < 4 * alpha * (1 - 1e-6))  # complex pair
    z = theory.iteration_eigenvalues(eta, alpha, lam)
    np.testing.assert_allclose(np.abs(z), np.sqrt(alpha), rtol=1e-9)
    np.testing.assert_allclose(np.abs(numpy_eigenvalues(eta, alpha, lam)), np.sqrt(alpha))
    assert theory.spectral_radius(eta, alpha, lam) == pytest.approx(np.sqrt(alpha), rel=1e-9)
    assert abs(theory.spectral_radius(eta, alpha, lam) - 2 * np.sqrt(alpha)) > 0.5


def test_measured_envelope_in_the_oscillating_regime_is_sqrt_alpha():
    eta, alpha, lam = 0.5, 0.81, 2.0  # ηλ = 1: (1 + α − ηλ)² = 0.66 < 4α: oscillates
    run = minimize(lambda w: lam * w, [1.0], learning_rate=eta, momentum=alpha, steps=460)
    size = np.abs(run.weights[:, 0])
    envelope_start, envelope_end = size[40:60].max(), size[440:460].max()
    measured = (envelope_end / envelope_start) ** (1 / 400)
    assert measured == pytest.approx(np.sqrt(alpha), rel=1e-3)  # 0.9, not 2√α = 1.8
    assert np.any(np.diff(np.sign(run.weights[:20, 0])) != 0)  # it does oscillate


# ---------------------------------------------------------------------------
# Optimal parameters and the rates they reach, measured
# ---------------------------------------------------------------------------

KAPPA = 100.0
CURVATURES = np.linspace(1.0, KAPPA, 10)  # μ = 1, L = 100, and eight in between


def diagonal_run(eta, alpha, steps):
    return minimize(
        lambda w: CURVATURES * w,
        np.ones(CURVATURES.size),
        learning_rate=eta,
        momentum=alpha,
        steps=steps,
    )


def test_optimal_momentum_parameters_formula():
    eta, alpha = theory.optimal_momentum_parameters(1.0, KAPPA)
    assert eta == pytest.approx((2 / (1 + 10)) ** 2)
    assert alpha == pytest.approx((9 / 11) ** 2)
    assert theory.optimal_momentum_rate(KAPPA) == pytest.approx(9 / 11)
    assert theory.optimal_momentum_rate(KAPPA) == pytest.approx(np.sqrt(alpha))
    # The extreme curvatures sit on a double root of modulus √α ...
    for lam in (1.0, KAPPA):
        z = numpy_eigenvalues(eta, alpha, lam)
        np.testing.assert_allclose(np.abs(z), 9 / 11, rtol=1e-6)
    # ... and every curvature in between oscillates with modulus √α too.
    for lam in np.linspace(1.0, KAPPA, 50)[1:-1]:
        np.testing.assert_allclose(np.abs(numpy_eigenvalues(eta, alpha, lam)), 9 / 11, rtol=1e-9)


def test_the_optimal_pair_is_a_min_max():
    eta, alpha = theory.optimal_momentum_parameters(1.0, KAPPA)
    lams = np.linspace(1.0, KAPPA, 400)

    def worst(e, a):
        return max(np.abs(numpy_eigenvalues(e, a, lam)).max() for lam in lams)

    best = worst(eta, alpha)
    assert best == pytest.approx(9 / 11, rel=1e-6)
    for factor_eta, factor_alpha in [(1.02, 1), (0.98, 1), (1, 1.02), (1, 0.98), (1.02, 0.98)]:
        assert worst(eta * factor_eta, alpha * factor_alpha) > best + 1e-4


def test_measured_contraction_at_the_optimal_pair_is_the_optimal_rate():
    eta, alpha = theory.optimal_momentum_parameters(1.0, KAPPA)
    expected = (np.sqrt(KAPPA) - 1) / (np.sqrt(KAPPA) + 1)  # 9/11
    assert theory.optimal_momentum_rate(KAPPA) == pytest.approx(expected, rel=1e-12)
    # The double roots at μ and L give w_t ~ (a + b t) r^t: over a late window
    # [200, 400] the polynomial factor adds about (400/200)^(1/200) − 1 ≈ 0.35 %.
    run = diagonal_run(eta, alpha, 1000)
    assert not run.diverged
    measured = contraction(run.weights, 200, 400)
    assert measured == pytest.approx(expected, rel=0.01)
    # Stricter, on the logarithm over [500, 1000]: the factor is then (2)^(1/500) ≈ 1.0014.
    assert np.log(contraction(run.weights, 500, 1000)) == pytest.approx(np.log(expected), rel=0.01)
    # The assertion can fail: 3 % off α in either direction is measurably slower.
    for other in (0.97 * alpha, 1.03 * alpha):
        slower = contraction(diagonal_run(eta, other, 400).weights, 200, 400)
        assert abs(slower / expected - 1) > 0.01


def test_measured_contraction_of_gradient_descent_at_its_optimal_step():
    eta = theory.gradient_descent_optimal_learning_rate(1.0, KAPPA)
    assert eta == pytest.approx(2 / 101)
    expected = (KAPPA - 1) / (KAPPA + 1)  # 99/101
    assert theory.gradient_descent_rate(KAPPA) == pytest.approx(expected, rel=1e-12)
    # It balances the two ends: |1 − ημ| = |1 − ηL| = (κ − 1)/(κ + 1).
    assert abs(1 - eta * 1.0) == pytest.approx(expected) == abs(1 - eta * KAPPA)
    run = diagonal_run(eta, 0.0, 1000)
    measured = contraction(run.weights, 100, 1000)
    assert measured == pytest.approx(expected, rel=0.01)
    # A rate near 1 is better compared by its logarithm (the steps per e-fold): within 1 %
    # too, and a 3 % smaller step already fails that.
    assert np.log(measured) == pytest.approx(np.log(expected), rel=0.01)
    off = contraction(diagonal_run(eta * 0.97, 0.0, 1000).weights, 100, 1000)
    assert abs(np.log(off) / np.log(expected) - 1) > 0.01


@SETTINGS
@given(mu=st.floats(0.01, 10.0), ratio=st.floats(1.0, 1e4))
def test_rate_functions_take_curvature_ranges(mu, ratio):
    big_l = mu * ratio
    eta = theory.gradient_descent_optimal_learning_rate(mu, big_l)
    assert eta == pytest.approx(2 / (mu + big_l))
    assert max(abs(1 - eta * mu), abs(1 - eta * big_l)) == pytest.approx(
        theory.gradient_descent_rate(ratio), abs=1e-9
    )
    eta_m, alpha_m = theory.optimal_momentum_parameters(mu, big_l)
    radius = max(np.abs(numpy_eigenvalues(eta_m, alpha_m, lam)).max() for lam in (mu, big_l))
    assert radius == pytest.approx(theory.optimal_momentum_rate(ratio), abs=1e-6)
    assert theory.optimal_momentum_rate(ratio) <= theory.gradient_descent_rate(ratio) + 1e-12


# ---------------------------------------------------------------------------
# The averaging horizon 1/(1 − α)
# ---------------------------------------------------------------------------


@SETTINGS
@given(alpha=st.floats(0.0, 0.99))
def test_averaging_horizon_is_the_sum_of_the_geometric_series(alpha):
    total, term = 0.0, 1.0
    while term > 1e-17:
        total += term
        term *= alpha
    assert theory.averaging_horizon(alpha) == pytest.approx(total, rel=1e-12)


@SETTINGS
@given(alpha=st.floats(0.0, 0.95), eta=st.floats(0.01, 1.0), c=st.floats(-5.0, 5.0))
def test_averaging_horizon_is_the_steady_state_step_on_a_constant_slope(alpha, eta, c):
    # Q(w) = c·w: ∇Q = c everywhere; the update tends to −ηc/(1 − α).
    run = minimize(
        lambda w: np.full_like(w, c), [0.0], learning_rate=eta, momentum=alpha, steps=800
    )
    steady = run.updates[-1, 0]
    assert steady == pytest.approx(-eta * c * theory.averaging_horizon(alpha), rel=1e-9, abs=1e-12)
    assert steady == pytest.approx(-eta * c / (1 - alpha), rel=1e-9, abs=1e-12)


# ---------------------------------------------------------------------------
# measured_rate: the rate read off a path, against the 2×2 theory
# ---------------------------------------------------------------------------


@given(rho=st.floats(0.2, 0.999), scale=st.floats(1e-3, 1e3))  # 0.2^300 ≈ 1e-210: no underflow
def test_measured_rate_of_a_geometric_sequence_is_its_ratio(rho, scale):
    d = scale * rho ** np.arange(301)
    assert abs(theory.measured_rate(d, 100, 300) - rho) <= 1e-10


@pytest.mark.parametrize(("eta", "alpha"), [(0.1, 0.0), (0.5, 0.5), (1.5, 0.8), (0.05, 0.9)])
def test_measured_rate_of_a_momentum_run_is_the_spectral_radius(eta, alpha):
    # Q(w) = ½ w² (λ = 1): the envelope of |w_t| shrinks by the spectral radius.
    run = minimize(lambda w: w, [1.0], learning_rate=eta, momentum=alpha, steps=600)
    measured = theory.measured_rate(run.weights[:, 0], 200, 600, window=60)
    assert measured == pytest.approx(theory.spectral_radius(eta, alpha, 1.0), rel=2e-3)


def test_measured_rate_in_a_batch_and_its_blanks():
    d = np.stack([0.5 ** np.arange(101), np.zeros(101), np.full(101, np.nan)], axis=1)
    rate = theory.measured_rate(d, 20, 100, window=10)
    assert rate[0] == pytest.approx(0.5, rel=1e-12)
    assert np.isnan(rate[1]) and np.isnan(rate[2])


def test_measured_rate_refuses_windows_outside_the_run():
    with pytest.raises(ValueError, match="window <= early < late"):
        theory.measured_rate(np.ones(50), 60, 40)
