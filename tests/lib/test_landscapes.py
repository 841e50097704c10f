"""Landscapes: their formulas written out here, their gradients against finite differences."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from momentum_lib import BumpySlope, Quadratic, Rosenbrock, minimize
from momentum_lib.gradient_check import finite_difference_gradient

SETTINGS = settings(max_examples=50, deadline=None)


def rotation_matrix(angle):
    return np.array([[np.cos(angle), -np.sin(angle)], [np.sin(angle), np.cos(angle)]])


def hand_difference(function, w, h=1e-6):
    """A central difference written here, to check the library's checker on one case."""
    w = np.asarray(w, dtype=float)
    return np.array([(function(w + h * e) - function(w - h * e)) / (2 * h) for e in np.eye(w.size)])


# ---------------------------------------------------------------------------
# BumpySlope
# ---------------------------------------------------------------------------


@SETTINGS
@given(x=st.floats(-4.0, 4.0), s=st.floats(0.2, 3.0), a=st.floats(0.01, 0.5), k=st.floats(1, 12))
def test_bumpy_slope_loss_and_gradient(x, s, a, k):
    slope = BumpySlope(slope=s, ripple_amplitude=a, ripple_frequency=k)
    expected = s * np.log(np.cosh(x)) + a * (1 - np.cos(k * x))
    assert slope.loss(np.array([x])) == pytest.approx(expected, rel=1e-12, abs=1e-14)
    estimate = finite_difference_gradient(slope.loss, np.array([x]))
    np.testing.assert_allclose(slope.gradient(np.array([x])), estimate, rtol=1e-6, atol=1e-8)


def test_bumpy_slope_gradient_against_a_hand_written_difference():
    slope = BumpySlope()
    for x in (-1.1, 0.37, 2.5):
        np.testing.assert_allclose(
            slope.gradient(np.array([x])), hand_difference(slope.loss, [x]), rtol=1e-7
        )


def test_bumpy_slope_is_finite_far_out_and_keeps_batch_axes():
    slope = BumpySlope()
    w = np.array([[[800.0]], [[-800.0]]])  # cosh(800) overflows; log cosh must not
    assert slope.loss(w).shape == (2, 1) and slope.gradient(w).shape == (2, 1, 1)
    assert np.all(np.isfinite(slope.loss(w)))
    np.testing.assert_allclose(slope.loss(w)[:, 0], 800.0 - np.log(2.0), rtol=1e-3)


def test_bumpy_slope_local_minima():
    slope = BumpySlope()
    minima = slope.local_minima(-3.0, 3.0)
    # The deep minimum at 0 and two small dips on each side, near ±0.70 and ±1.42.
    np.testing.assert_allclose(minima, [-1.42, -0.70, 0.0, 0.70, 1.42], atol=0.01)
    np.testing.assert_allclose(minima, -minima[::-1], atol=1e-9)  # Q is even
    assert slope.loss(slope.minimizer) == 0.0
    h = 1e-4
    for m in minima:
        assert abs(slope.gradient(np.array([m]))[0]) < 1e-9
        second = (slope.loss([m + h]) - 2 * slope.loss([m]) + slope.loss([m - h])) / h**2
        assert second > 0  # a minimum, not a maximum
    dips = minima[minima != minima[2]]
    assert np.all(slope.loss(dips[:, None]) > 0)  # the dips are not as deep as 0


def test_gradient_descent_stops_in_the_first_dip():
    slope = BumpySlope()
    run = minimize(slope.gradient, [2.0], learning_rate=0.05, steps=500)
    dip = slope.local_minima(1.0, 2.0)
    assert dip.shape == (1,)
    assert abs(run.final_weights[0] - dip[0]) < 1e-8


# ---------------------------------------------------------------------------
# Quadratic
# ---------------------------------------------------------------------------


@SETTINGS
@given(
    curvatures=st.lists(st.floats(0.1, 50.0), min_size=2, max_size=2),
    minimizer=st.lists(st.floats(-3.0, 3.0), min_size=2, max_size=2),
    angle=st.floats(-3.0, 3.0),
    w=st.lists(st.floats(-5.0, 5.0), min_size=2, max_size=2),
)
def test_rotated_quadratic_loss_gradient_and_hessian(curvatures, minimizer, angle, w):
    rotation = rotation_matrix(angle)
    bowl = Quadratic(curvatures, minimizer=minimizer, rotation=rotation)
    w, minimizer = np.array(w), np.array(minimizer)
    # Q = ½ (w − w*)ᵀ Rᵀ Λ R (w − w*): in the rotated coordinates u = R (w − w*), ½ Σ λ u².
    u = rotation @ (w - minimizer)
    expected = 0.5 * np.sum(np.array(curvatures) * u**2)
    assert bowl.loss(w) == pytest.approx(expected, rel=1e-9, abs=1e-12)
    scale = max(curvatures) * max(1.0, np.abs(w - minimizer).max())
    estimate = finite_difference_gradient(bowl.loss, w)
    np.testing.assert_allclose(bowl.gradient(w), estimate, rtol=1e-6, atol=1e-7 * scale)
    # The Hessian: its eigenvalues are the curvatures, and it is the slope of ∇Q.
    np.testing.assert_allclose(np.linalg.eigvalsh(bowl.hessian), sorted(curvatures), rtol=1e-9)
    columns = [
        (bowl.gradient(w + 1e-5 * e) - bowl.gradient(w - 1e-5 * e)) / 2e-5 for e in np.eye(2)
    ]
    np.testing.assert_allclose(np.array(columns).T, bowl.hessian, rtol=1e-6, atol=1e-6 * scale)
    np.testing.assert_allclose(bowl.gradient(minimizer), [0.0, 0.0], atol=1e-12 * scale)
    assert bowl.condition_number == pytest.approx(max(curvatures) / min(curvatures))


def test_quadratic_gradient_against_a_hand_written_difference():
    bowl = Quadratic([2.0, 7.0], minimizer=[1.0, -1.0], rotation=rotation_matrix(0.6))
    w = np.array([0.3, 0.8])
    np.testing.assert_allclose(bowl.gradient(w), hand_difference(bowl.loss, w), rtol=1e-7)


def test_quadratic_keeps_batch_axes():
    bowl = Quadratic([1.0, 4.0, 9.0], minimizer=[1.0, 0.0, -1.0])
    ws = np.random.default_rng(0).normal(size=(4, 5, 3))
    assert bowl.loss(ws).shape == (4, 5) and bowl.gradient(ws).shape == (4, 5, 3)
    np.testing.assert_allclose(bowl.gradient(ws), (ws - [1.0, 0.0, -1.0]) * [1.0, 4.0, 9.0])
    np.testing.assert_allclose(
        bowl.loss(ws), 0.5 * np.sum((ws - [1.0, 0.0, -1.0]) ** 2 * [1.0, 4.0, 9.0], axis=-1)
    )
    assert bowl.condition_number == 9.0


# ---------------------------------------------------------------------------
# Rosenbrock
# ---------------------------------------------------------------------------


@SETTINGS
@given(
    a=st.floats(-2.0, 2.0),
    b=st.floats(1.0, 100.0),
    w=st.lists(st.floats(-2.0, 2.0), min_size=2, max_size=2),
)
def test_rosenbrock_loss_and_gradient(a, b, w):
    valley = Rosenbrock(a=a, b=b)
    x, y = w
    assert valley.loss(np.array(w)) == pytest.approx(
        (a - x) ** 2 + b * (y - x**2) ** 2, rel=1e-12, abs=1e-14
    )
    estimate = finite_difference_gradient(valley.loss, np.array(w))
    np.testing.assert_allclose(valley.gradient(np.array(w)), estimate, rtol=1e-6, atol=1e-5)
    np.testing.assert_allclose(valley.minimizer, [a, a * a])
    assert valley.loss(valley.minimizer) == 0.0
    np.testing.assert_array_equal(valley.gradient(valley.minimizer), [0.0, 0.0])


def test_rosenbrock_gradient_against_a_hand_written_difference_and_batch_axes():
    valley = Rosenbrock()
    w = np.array([-1.2, 1.0])
    np.testing.assert_allclose(valley.gradient(w), hand_difference(valley.loss, w), rtol=1e-7)
    assert valley.loss(np.zeros(2)) == 1.0  # a² at the origin
    ws = np.random.default_rng(1).normal(size=(3, 2))
    assert valley.gradient(ws).shape == (3, 2)
    for k in range(3):
        np.testing.assert_array_equal(valley.gradient(ws)[k], valley.gradient(ws[k]))


def test_one_weight_landscapes_take_plain_numbers():
    # A first-year's scalar code: hill.loss(0.5), bowl.gradient(2.0), no [w] or [..., 0].
    hill, bowl = BumpySlope(), Quadratic([3.0], minimizer=[1.0])
    for w in (-2.0, 0.0, 0.7):
        assert hill.loss(w) == hill.loss([w])
        assert hill.gradient(w) == hill.gradient([w])[0]
        assert bowl.loss(w) == pytest.approx(1.5 * (w - 1.0) ** 2, rel=1e-15)
        assert bowl.gradient(w) == pytest.approx(3.0 * (w - 1.0), rel=1e-15)
    run = minimize(bowl.gradient, 0.0, learning_rate=0.1, steps=5, loss=bowl.loss)
    np.testing.assert_allclose(run.path, 1.0 - 0.7 ** np.arange(6), rtol=1e-14)
