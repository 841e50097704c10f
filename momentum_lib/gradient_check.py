"""Check an analytic gradient against finite differences.

Introduced in chapter 2, "The gradient descent update": a gradient we derived
by hand is only trusted once it agrees with the slope we can measure.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from numpy.typing import ArrayLike, NDArray

from momentum_lib import _validation as validate

__all__ = ["finite_difference_gradient", "gradient_error"]


def finite_difference_gradient(
    loss: Callable[[NDArray[np.float64]], ArrayLike], w: ArrayLike, step: float = 1e-6
) -> NDArray[np.float64]:
    r"""The central-difference estimate of ∇Q(w), one weight at a time.

    Introduced in chapter 2, "The gradient descent update".

    .. math::

        \frac{\partial Q}{\partial w_i} \approx
        \frac{Q(w + h e_i) - Q(w - h e_i)}{2h}

    Its error is O(h²) for a smooth Q (plus rounding, about ε·abs(Q)/h).

    Parameters
    ----------
    loss : callable
        Q, taking weights of the shape of ``w`` and returning a scalar.
    w : array_like
        Where to estimate the gradient.
    step : float, default 1e-6
        h > 0.

    Examples
    --------
    >>> finite_difference_gradient(lambda w: (w**2).sum(), [1.0, -2.0]).round(6)
    array([ 2., -4.])
    """
    validate.callable_(loss, "loss")
    w = validate.finite_array("w", w)
    h = float(validate.positive(step, "step"))
    estimate = np.empty_like(w)
    for index in np.ndindex(w.shape):
        forward, backward = w.copy(), w.copy()
        forward[index] += h
        backward[index] -= h
        estimate[index] = (float(loss(forward)) - float(loss(backward))) / (2.0 * h)
    return estimate


def gradient_error(
    loss: Callable[[NDArray[np.float64]], ArrayLike],
    gradient: Callable[[NDArray[np.float64]], ArrayLike],
    w: ArrayLike,
    step: float = 1e-6,
) -> float:
    r"""The relative error between ``gradient(w)`` and the finite-difference estimate.

    Introduced in chapter 2, "The gradient descent update".

    .. math::

        \frac{\lVert g - \hat g \rVert}
        {\max(\lVert g \rVert, \lVert \hat g \rVert, 10^{-12})}

    Around 1e-8 or less for a correct gradient of a smooth loss; of order 1
    for a wrong one.
    """
    validate.callable_(gradient, "gradient")
    estimate = finite_difference_gradient(loss, w, step)
    analytic = np.asarray(gradient(np.asarray(w, dtype=float)), dtype=float)
    if analytic.shape != estimate.shape:
        raise ValueError(
            f"gradient must return the shape of w, {estimate.shape}, got {analytic.shape}"
        )
    if not np.all(np.isfinite(analytic)):
        raise ValueError("gradient must return finite values, got nan or inf")
    scale = max(np.linalg.norm(analytic), np.linalg.norm(estimate), 1e-12)
    return float(np.linalg.norm(analytic - estimate) / scale)
