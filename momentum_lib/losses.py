"""Loss functions from the companion thread, each with its gradient.

Every loss is the mean over the samples of a per-sample loss of the residual or
of the predicted probability, and every ``*_gradient`` is the gradient of that
mean with respect to the predictions (so it carries the factor 1/n). Predictions
and targets must have the same shape; the mean is taken over the last axis, so
leading axes, if any, are kept (a batch of models: give the targets that batch
shape too, e.g. with ``numpy.broadcast_to``).

Introduced in chapter 2 (mean squared error) and chapter 5, "Which loss?" (the rest).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

from momentum_lib import _validation as validate

__all__ = [
    "binary_cross_entropy",
    "binary_cross_entropy_gradient",
    "binary_cross_entropy_with_logits",
    "binary_cross_entropy_with_logits_gradient",
    "huber",
    "huber_gradient",
    "mean_absolute_error",
    "mean_absolute_error_gradient",
    "mean_squared_error",
    "mean_squared_error_gradient",
    "sigmoid",
]

PROBABILITY_EPSILON = 1e-12
"""How far :func:`binary_cross_entropy` keeps probabilities from 0 and 1."""


def sigmoid(logits: ArrayLike) -> NDArray[np.float64]:
    """σ(z) = 1/(1 + e^(−z)), computed without overflow for large abs(z).

    Introduced in chapter 1, "The basis".
    """
    z = np.asarray(logits, dtype=float)
    return np.exp(-np.logaddexp(0.0, -z))


def mean_squared_error(predictions: ArrayLike, targets: ArrayLike) -> NDArray | float:
    """MSE = (1/n) Σ (ŷ − y)².

    Introduced in chapter 5, "Which loss?".
    """
    predictions, targets = validate.same_shape(predictions, targets)
    return _mse(predictions, targets)


def mean_squared_error_gradient(predictions: ArrayLike, targets: ArrayLike) -> NDArray:
    """∂MSE/∂ŷ_i = 2 (ŷ_i − y_i) / n.

    Introduced in chapter 2, "The gradient descent update".
    """
    predictions, targets = validate.same_shape(predictions, targets)
    return _mse_gradient(predictions, targets)


def mean_absolute_error(predictions: ArrayLike, targets: ArrayLike) -> NDArray | float:
    """MAE = (1/n) Σ abs(ŷ − y).

    Introduced in chapter 5, "Which loss?".
    """
    predictions, targets = validate.same_shape(predictions, targets)
    return _mae(predictions, targets)


def mean_absolute_error_gradient(predictions: ArrayLike, targets: ArrayLike) -> NDArray:
    """∂MAE/∂ŷ_i = sign(ŷ_i − y_i) / n (0 where ŷ_i = y_i, a subgradient).

    Introduced in chapter 5, "Which loss?".

    Its size, 1/n, does not shrink near the minimum: a fixed step keeps jumping.
    """
    predictions, targets = validate.same_shape(predictions, targets)
    return _mae_gradient(predictions, targets)


def huber(predictions: ArrayLike, targets: ArrayLike, delta: float = 1.0) -> NDArray | float:
    r"""Huber loss: quadratic for small residuals, linear for large ones.

    Introduced in chapter 5, "Which loss?".

    .. math::

        L_\delta(r) = \begin{cases} \tfrac12 r^2 & |r| \le \delta \\
        \delta\,(|r| - \tfrac12 \delta) & |r| > \delta \end{cases},
        \qquad r = \hat y - y,

    averaged over the samples.

    Raises
    ------
    ValueError
        If ``delta`` is not finite and > 0, or the shapes differ.
    """
    predictions, targets = validate.same_shape(predictions, targets)
    delta = float(validate.positive(delta, "delta"))
    return _huber(predictions, targets, delta)


def huber_gradient(predictions: ArrayLike, targets: ArrayLike, delta: float = 1.0) -> NDArray:
    """∂L/∂ŷ_i = clip(ŷ_i − y_i, −δ, δ) / n.

    Introduced in chapter 5, "Which loss?".
    """
    predictions, targets = validate.same_shape(predictions, targets)
    delta = float(validate.positive(delta, "delta"))
    return _huber_gradient(predictions, targets, delta)


def binary_cross_entropy(probabilities: ArrayLike, targets: ArrayLike) -> NDArray | float:
    """BCE = −(1/n) Σ [y log ŷ + (1 − y) log(1 − ŷ)] on predicted probabilities ŷ.

    Introduced in chapter 5, "Which loss?".

    ŷ is clipped into [ε, 1 − ε] with ε = ``PROBABILITY_EPSILON`` = 1e-12, so that a
    confident wrong answer costs a large finite loss (about 27.6) instead of
    infinity. Prefer :func:`binary_cross_entropy_with_logits`, which needs no clipping.

    Raises
    ------
    ValueError
        If a probability or a target lies outside [0, 1], or the shapes differ.
    """
    probabilities, targets = _probabilities_and_targets(probabilities, targets)
    p = np.clip(probabilities, PROBABILITY_EPSILON, 1.0 - PROBABILITY_EPSILON)
    return np.mean(-(targets * np.log(p) + (1.0 - targets) * np.log1p(-p)), axis=-1)


def binary_cross_entropy_gradient(probabilities: ArrayLike, targets: ArrayLike) -> NDArray:
    """∂BCE/∂ŷ_i = (ŷ_i − y_i) / (ŷ_i (1 − ŷ_i) n), with ŷ clipped as in the loss.

    Introduced in chapter 5, "Which loss?".
    """
    probabilities, targets = _probabilities_and_targets(probabilities, targets)
    p = np.clip(probabilities, PROBABILITY_EPSILON, 1.0 - PROBABILITY_EPSILON)
    return (p - targets) / (p * (1.0 - p) * p.shape[-1])


def binary_cross_entropy_with_logits(logits: ArrayLike, targets: ArrayLike) -> NDArray | float:
    r"""BCE of ŷ = σ(z), computed stably from the logits z.

    Introduced in chapter 5, "Which loss?".

    .. math::

        \ell(z, y) = \log(1 + e^{z}) - y z
        = (1 - y)\log(1 + e^{z}) + y \log(1 + e^{-z})

    The second form is the one computed: each term is a softplus, evaluated without
    overflow, and nothing cancels, so a confident right answer keeps its small loss
    to full relative precision.

    Raises
    ------
    ValueError
        If a target lies outside [0, 1], or the shapes differ.
    """
    logits, targets = validate.same_shape(logits, targets)
    validate.probabilities(targets, "targets")
    return _bce_logits(logits, targets)


def binary_cross_entropy_with_logits_gradient(logits: ArrayLike, targets: ArrayLike) -> NDArray:
    """∂BCE/∂z_i = (σ(z_i) − y_i) / n.

    Introduced in chapter 5, "Which loss?".
    """
    logits, targets = validate.same_shape(logits, targets)
    validate.probabilities(targets, "targets")
    return _bce_logits_gradient(logits, targets)


def _probabilities_and_targets(probabilities: ArrayLike, targets: ArrayLike):
    probabilities = validate.probabilities(probabilities, "probabilities")
    targets = validate.probabilities(targets, "targets")
    return validate.same_shape(probabilities, targets)


# The unchecked forms below broadcast predictions of shape (..., n) against
# targets of shape (n,); the models of momentum_lib.models use them directly.


def _mse(predictions: NDArray, targets: NDArray) -> NDArray:
    return np.mean((predictions - targets) ** 2, axis=-1)


def _mse_gradient(predictions: NDArray, targets: NDArray) -> NDArray:
    return 2.0 * (predictions - targets) / predictions.shape[-1]


def _mae(predictions: NDArray, targets: NDArray) -> NDArray:
    return np.mean(np.abs(predictions - targets), axis=-1)


def _mae_gradient(predictions: NDArray, targets: NDArray) -> NDArray:
    return np.sign(predictions - targets) / predictions.shape[-1]


def _huber(predictions: NDArray, targets: NDArray, delta: float) -> NDArray:
    size = np.abs(predictions - targets)
    per_sample = np.where(size <= delta, 0.5 * size**2, delta * (size - 0.5 * delta))
    return np.mean(per_sample, axis=-1)


def _huber_gradient(predictions: NDArray, targets: NDArray, delta: float) -> NDArray:
    return np.clip(predictions - targets, -delta, delta) / predictions.shape[-1]


def _bce_logits(logits: NDArray, targets: NDArray) -> NDArray:
    per_sample = (1.0 - targets) * np.logaddexp(0.0, logits) + targets * np.logaddexp(0.0, -logits)
    return np.mean(per_sample, axis=-1)


def _bce_logits_gradient(logits: NDArray, targets: NDArray) -> NDArray:
    return (sigmoid(logits) - targets) / logits.shape[-1]
