"""The models the book trains, as a loss Q(w) and its gradient ∇Q(w) over a data set.

A model here is linear in its weights: the prediction for the samples X is
ŷ = X w (a column of ones in X gives an intercept, see :func:`design_matrix`).
``loss`` and ``gradient`` accept weights of shape ``(..., d)`` (any batch axes),
so that :func:`~momentum_lib.optimizers.minimize` can train a whole grid of settings at once.

With ``batch_size`` set, ``gradient`` is a *stochastic* gradient: each call
draws a fresh minibatch (without replacement, from a generator seeded by
``seed``) and returns the gradient of the loss on it. Introduced in chapter 8,
"Stochastic gradients".
"""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

import numpy as np
from numpy.typing import ArrayLike, NDArray

from momentum_lib import _validation as validate
from momentum_lib import losses

__all__ = [
    "Objective",
    "design_matrix",
    "linear_regression",
    "logistic_regression",
    "minibatch_noise_trace",
]

REGRESSION_LOSSES = ("mse", "mae", "huber")


class Objective(NamedTuple):
    """A loss Q(w), its gradient ∇Q(w) and, where the book needs it, its Hessian ∇²Q(w).

    All are callables of the weights w (the Hessian of one w, shape (d,), at a time).
    """

    loss: Callable[[ArrayLike], NDArray[np.float64]]
    gradient: Callable[[ArrayLike], NDArray[np.float64]]
    hessian: Callable[[ArrayLike], NDArray[np.float64]] | None = None


def design_matrix(x: ArrayLike) -> NDArray[np.float64]:
    """Prepend a column of ones to the inputs, so that the first weight is the intercept b.

    The book writes a line as b + w·x; with this matrix X, the prediction X·(b, w) is
    that line for every sample at once.

    Introduced in chapter 1, "The basis".

    Examples
    --------
    >>> design_matrix([2.0, 3.0])
    array([[1., 2.],
           [1., 3.]])
    """
    x = validate.finite_array("x", x)
    if x.ndim == 1:
        x = x[:, None]
    if x.ndim != 2:
        raise ValueError(f"x must be 1-D (one input) or 2-D (samples × inputs), got {x.shape}")
    return np.hstack([np.ones((x.shape[0], 1)), x])


def _data(features: ArrayLike, targets: ArrayLike, batch_size: int | None, name: str = "targets"):
    features = validate.finite_array("features", features)
    targets = validate.finite_array(name, targets)
    if features.ndim != 2 or targets.shape != (features.shape[0],):
        raise ValueError(
            f"features must be 2-D (samples × weights) and {name} 1-D with one value per "
            f"sample, got features.shape = {features.shape}, {name}.shape = {targets.shape}"
        )
    if batch_size is not None:
        batch_size = validate.steps(batch_size, "batch_size")
        if not 1 <= batch_size <= features.shape[0]:
            raise ValueError(
                f"batch_size must lie in [1, {features.shape[0]}] (the number of samples), "
                f"got {batch_size}"
            )
    return features, targets, batch_size


def _objective(
    features: NDArray,
    targets: NDArray,
    loss_of_predictions: Callable[[NDArray, NDArray], NDArray],
    gradient_of_predictions: Callable[[NDArray, NDArray], NDArray],
    batch_size: int | None,
    seed: int | np.random.Generator | None,
    curvature_of_predictions: Callable[[NDArray, NDArray], NDArray] | None = None,
) -> Objective:
    d = features.shape[1]

    def weights(w: ArrayLike) -> NDArray:
        w = np.asarray(w, dtype=float)
        if w.shape[-1:] != (d,):
            raise ValueError(f"w must have {d} weights on its last axis, got shape {w.shape}")
        return w

    def loss(w: ArrayLike) -> NDArray:
        """Q(w) on the whole data set."""
        return loss_of_predictions(weights(w) @ features.T, targets)

    def full_gradient(w: ArrayLike) -> NDArray:
        """∇Q(w) = Xᵀ ∂Q/∂ŷ on the whole data set (the chain rule through ŷ = X w)."""
        return gradient_of_predictions(weights(w) @ features.T, targets) @ features

    hessian = None
    if curvature_of_predictions is not None:

        def hessian(w: ArrayLike) -> NDArray:
            """∇²Q(w) = Xᵀ diag(∂²Q/∂ŷ²) X on the whole data set, for one w of shape (d,)."""
            curvature = curvature_of_predictions(features @ weights(w), targets)
            return features.T @ (curvature[:, None] * features)

    if batch_size is None:
        return Objective(loss, full_gradient, hessian)

    rng = np.random.default_rng(seed)

    def minibatch_gradient(w: ArrayLike) -> NDArray:
        """∇Q(w) on a fresh random minibatch of ``batch_size`` samples."""
        rows = rng.choice(features.shape[0], size=batch_size, replace=False)
        batch = features[rows]
        return gradient_of_predictions(weights(w) @ batch.T, targets[rows]) @ batch

    return Objective(loss, minibatch_gradient, hessian)


def _mse_curvature(predictions: NDArray, targets: NDArray) -> NDArray:
    """∂²MSE/∂ŷ_i² = 2/n, the same for every sample."""
    return np.full(predictions.shape, 2.0 / predictions.shape[-1])


def linear_regression(
    features: ArrayLike,
    targets: ArrayLike,
    *,
    loss: str = "mse",
    delta: float = 1.0,
    batch_size: int | None = None,
    seed: int | np.random.Generator | None = None,
) -> Objective:
    """Linear regression ŷ = X w under MSE, MAE or Huber loss.

    For MSE, Q(w) = (1/n) ‖X w − y‖², ∇Q(w) = (2/n) Xᵀ (X w − y) and the
    Hessian ∇²Q = (2/n) XᵀX (``hessian`` is given for MSE only).

    Introduced in chapter 1, "The basis" (MSE); MAE and Huber in chapter 5.

    Parameters
    ----------
    features : array_like, shape (n, d)
        X, one row per sample (see :func:`design_matrix` for an intercept).
    targets : array_like, shape (n,)
        y.
    loss : {"mse", "mae", "huber"}, default "mse"
    delta : float, default 1.0
        Huber's δ > 0 (used only with ``loss="huber"``).
    batch_size : int, optional
        Draw a minibatch of this many samples for each gradient (1 ≤ batch_size ≤ n).
    seed : int or numpy.random.Generator, optional
        The randomness of the minibatches.
    """
    features, targets, batch_size = _data(features, targets, batch_size)
    if loss not in REGRESSION_LOSSES:
        raise ValueError(f"loss must be one of {REGRESSION_LOSSES}, got {loss!r}")
    curvature = _mse_curvature if loss == "mse" else None
    if loss == "huber":
        delta = float(validate.positive(delta, "delta"))
        pair = (
            lambda p, y: losses._huber(p, y, delta),
            lambda p, y: losses._huber_gradient(p, y, delta),
        )
    else:
        pair = {
            "mse": (losses._mse, losses._mse_gradient),
            "mae": (losses._mae, losses._mae_gradient),
        }[loss]
    return _objective(features, targets, *pair, batch_size, seed, curvature)


def logistic_regression(
    features: ArrayLike,
    labels: ArrayLike,
    *,
    batch_size: int | None = None,
    seed: int | np.random.Generator | None = None,
) -> Objective:
    r"""Logistic regression: P(y = 1) = σ(X w), trained on binary cross-entropy.

    .. math::

        Q(w) = \frac1n \sum_i \bigl[\log(1 + e^{z_i}) - y_i z_i\bigr],\quad z = X w,
        \qquad \nabla Q(w) = \frac1n X^\top (\sigma(X w) - y)

    and the Hessian ∇²Q(w) = (1/n) Xᵀ D X with D = diag(σ(z_i)(1 − σ(z_i))), positive
    definite when X has independent columns: the loss is convex.

    There is no closed-form minimiser: only an iterative method finds it.

    Introduced in chapter 1, "The basis".

    Parameters
    ----------
    features : array_like, shape (n, d)
    labels : array_like, shape (n,)
        0 or 1 (any value in [0, 1] is accepted as a soft label).
    batch_size, seed
        As in :func:`linear_regression`.
    """
    features, labels, batch_size = _data(features, labels, batch_size, "labels")
    validate.probabilities(labels, "labels")

    def curvature(logits: NDArray, labels: NDArray) -> NDArray:
        probability = losses.sigmoid(logits)
        return probability * (1.0 - probability) / logits.shape[-1]

    return _objective(
        features, labels, losses._bce_logits, losses._bce_logits_gradient, batch_size, seed,
        curvature,
    )  # fmt: skip


def minibatch_noise_trace(per_example_gradients: ArrayLike, batch_size: int) -> float:
    r"""tr Σ_B: how far a minibatch gradient strays from the full gradient, on average.

    .. math::

        \operatorname{tr}\Sigma_B
        = \mathbb E\,\lVert \nabla Q_B(w) - \nabla Q(w) \rVert^2
        = \frac{s^2}{B}\,\frac{n - B}{n - 1},
        \qquad s^2 = \frac1n \sum_i \lVert \nabla Q_i(w) - \nabla Q(w) \rVert^2

    for a minibatch of B of the n examples drawn without replacement (as
    :func:`linear_regression` draws them), where ∇Q_i is example i's gradient and ∇Q
    their mean. The factor (n − B)/(n − 1) makes the noise vanish for the full batch.
    Introduced in chapter 8, "Stochastic gradients", where it predicts the loss floor.

    Parameters
    ----------
    per_example_gradients : array_like, shape (n, d)
        ∇Q_i(w) for each example i at one w.
    batch_size : int
        B, in [1, n].

    Returns
    -------
    float

    Examples
    --------
    >>> g = [[1.0], [-1.0]]  # two examples whose gradients cancel
    >>> minibatch_noise_trace(g, 1), minibatch_noise_trace(g, 2)
    (1.0, 0.0)
    """
    gradients = validate.finite_array("per_example_gradients", per_example_gradients)
    if gradients.ndim != 2 or gradients.shape[0] < 2:
        raise ValueError(
            "per_example_gradients must be 2-D (examples × weights) with at least 2 "
            f"examples, got shape {gradients.shape}"
        )
    n = gradients.shape[0]
    batch_size = validate.steps(batch_size, "batch_size")
    if not 1 <= batch_size <= n:
        raise ValueError(
            f"batch_size must lie in [1, {n}] (the number of examples), got {batch_size}"
        )
    spread = np.mean(np.sum((gradients - gradients.mean(axis=0)) ** 2, axis=1))
    return float(spread / batch_size * (n - batch_size) / (n - 1))
