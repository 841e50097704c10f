"""The models' Hessians against finite differences of their gradients and the closed form."""

from __future__ import annotations

import numpy as np

from momentum_lib import design_matrix, linear_regression, logistic_regression


def finite_difference_jacobian(gradient, w: np.ndarray, step: float = 1e-6) -> np.ndarray:
    columns = [
        (gradient(w + step * e) - gradient(w - step * e)) / (2 * step) for e in np.eye(w.size)
    ]
    return np.array(columns).T


def test_logistic_hessian_matches_finite_differences_and_is_positive_definite() -> None:
    rng = np.random.default_rng(3)
    features = design_matrix(rng.normal(size=(50, 3)))
    labels = (rng.random(50) < 0.4).astype(float)
    model = logistic_regression(features, labels)
    w = rng.normal(size=4)
    hessian = model.hessian(w)
    assert np.allclose(hessian, finite_difference_jacobian(model.gradient, w), atol=1e-7)
    assert np.allclose(hessian, hessian.T)
    assert np.linalg.eigvalsh(hessian).min() > 0


def test_linear_mse_hessian_is_two_over_n_xtx() -> None:
    rng = np.random.default_rng(4)
    features = design_matrix(rng.normal(size=(30, 2)))
    model = linear_regression(features, rng.normal(size=30))
    w = rng.normal(size=3)
    expected = 2 / 30 * features.T @ features
    assert np.allclose(model.hessian(w), expected)
    assert np.allclose(finite_difference_jacobian(model.gradient, w), expected, atol=1e-7)


def test_only_mse_and_logistic_offer_a_hessian() -> None:
    features, targets = design_matrix(np.arange(5.0)), np.arange(5.0)
    assert linear_regression(features, targets, loss="mae").hessian is None
    assert linear_regression(features, targets, loss="huber").hessian is None
