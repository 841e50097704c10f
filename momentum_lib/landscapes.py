"""Loss landscapes with known gradients, for experiments.

Each landscape has ``loss(w)`` and ``gradient(w)`` that accept weights of shape
``(..., d)`` (any leading batch axes) and return shapes ``(...)`` and
``(..., d)``, so that :func:`~momentum_lib.optimizers.minimize` can run a whole grid of
configurations on them at once.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from numpy.typing import ArrayLike, NDArray

from momentum_lib import _validation as validate

__all__ = ["BumpySlope", "Quadratic", "Rosenbrock"]


@dataclass(frozen=True)
class BumpySlope:
    r"""A 1-D slope with small local minima on the way down to a deeper one.

    .. math::

        Q(w) = s \,\log\cosh(w) + A\,\bigl(1 - \cos(k w)\bigr)

    The log-cosh term is a valley whose walls have slope at most s; the cosine
    adds ripples of height 2A. Where the ripples are steeper than the valley
    (A·k > s·abs(tanh w)) they make small local minima, about every 2π/k. The deep,
    global minimum is w = 0, where Q = 0. This is the thread's hill on which a
    ball with momentum rolls over the small dips that stop plain gradient descent.

    Introduced in chapter 0 (the teaser); studied in chapter 3, "Momentum".

    Parameters
    ----------
    slope : float, default 1.0
        s > 0, the steepness of the valley's walls far from the minimum.
    ripple_amplitude : float, default 0.12
        A > 0, half the height of a ripple.
    ripple_frequency : float, default 8.0
        k > 0; ripples repeat every 2π/k.
    """

    slope: float = 1.0
    ripple_amplitude: float = 0.12
    ripple_frequency: float = 8.0

    def __post_init__(self) -> None:
        for name in ("slope", "ripple_amplitude", "ripple_frequency"):
            validate.positive(getattr(self, name), name)

    @property
    def minimizer(self) -> NDArray[np.float64]:
        """w* = 0, the deep minimum, where Q = 0."""
        return np.zeros(1)

    def loss(self, w: ArrayLike) -> NDArray[np.float64]:
        """Q(w) = s·log cosh(w) + A·(1 − cos(k·w)); ``w`` has shape (..., 1), or is a number."""
        x = np.asarray(w, dtype=float)
        x = x if x.ndim == 0 else x[..., 0]
        log_cosh = np.logaddexp(x, -x) - np.log(2.0)
        return self.slope * log_cosh + self.ripple_amplitude * (
            1.0 - np.cos(self.ripple_frequency * x)
        )

    def gradient(self, w: ArrayLike) -> NDArray[np.float64]:
        """∇Q(w) = s·tanh(w) + A·k·sin(k·w), of w's shape ((..., 1), or a number)."""
        w = np.asarray(w, dtype=float)
        k = self.ripple_frequency
        return self.slope * np.tanh(w) + self.ripple_amplitude * k * np.sin(k * w)

    def local_minima(self, lower: float, upper: float) -> NDArray[np.float64]:
        """Every local minimum in [lower, upper], to about 1e-12, in increasing order."""
        grid = np.linspace(lower, upper, 20_001)[:, None]
        slope = self.gradient(grid)[:, 0]
        brackets = np.flatnonzero((slope[:-1] < 0) & (slope[1:] >= 0))
        minima = []
        for i in brackets:
            left, right = grid[i, 0], grid[i + 1, 0]
            for _ in range(60):  # bisection on the sign change of Q'
                middle = 0.5 * (left + right)
                if self.gradient(np.array([middle]))[0] < 0:
                    left = middle
                else:
                    right = middle
            minima.append(0.5 * (left + right))
        return np.array(minima)


@dataclass(frozen=True)
class Quadratic:
    r"""A quadratic bowl with chosen curvatures (the eigenvalues of its Hessian).

    .. math::

        Q(w) = \tfrac12 \sum_i \lambda_i \,(w_i - w^*_i)^2, \qquad
        \nabla Q(w)_i = \lambda_i\,(w_i - w^*_i)

    optionally rotated by an orthogonal matrix R, Q(w) = ½ (w − w*)ᵀ Rᵀ Λ R (w − w*).
    Its condition number is κ = L/μ, the largest curvature over the smallest.

    Introduced in chapter 3, "Momentum"; the ill-conditioned valley in chapter 3; the theory
    in chapter 7, "Why momentum works".

    Parameters
    ----------
    curvatures : array_like
        λ_i > 0, one per weight.
    minimizer : array_like, optional
        w*, zeros by default.
    rotation : array_like, optional
        An orthogonal d×d matrix R; identity by default.
    """

    curvatures: ArrayLike
    minimizer: ArrayLike | None = None
    rotation: ArrayLike | None = None
    hessian: NDArray[np.float64] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        curvatures = validate.positive(self.curvatures, "curvatures")
        if curvatures.ndim != 1:
            raise ValueError(
                f"curvatures must be a 1-D array (one per weight), got shape {curvatures.shape}"
            )
        d = curvatures.size
        minimizer = (
            np.zeros(d)
            if self.minimizer is None
            else validate.finite_array("minimizer", self.minimizer)
        )
        rotation = (
            np.eye(d) if self.rotation is None else validate.finite_array("rotation", self.rotation)
        )
        if minimizer.shape != (d,):
            raise ValueError(f"minimizer must have shape ({d},), got {minimizer.shape}")
        if rotation.shape != (d, d) or not np.allclose(rotation.T @ rotation, np.eye(d)):
            raise ValueError(f"rotation must be an orthogonal {d}×{d} matrix")
        object.__setattr__(self, "curvatures", curvatures)
        object.__setattr__(self, "minimizer", minimizer)
        object.__setattr__(self, "rotation", rotation)
        object.__setattr__(self, "hessian", rotation.T @ np.diag(curvatures) @ rotation)

    @property
    def condition_number(self) -> float:
        """κ = L/μ = max λ / min λ."""
        return float(self.curvatures.max() / self.curvatures.min())

    def loss(self, w: ArrayLike) -> NDArray[np.float64]:
        """Q(w) = ½ (w − w*)ᵀ H (w − w*), shape (...); with one weight, w may be a number."""
        offset = self._weights(w)[0] - self.minimizer  # a number becomes shape (1,)
        return 0.5 * np.einsum("...i,ij,...j->...", offset, self.hessian, offset)

    def gradient(self, w: ArrayLike) -> NDArray[np.float64]:
        """∇Q(w) = H (w − w*), shape (..., d); with one weight, w may be a number."""
        w, number = self._weights(w)
        offset = w - self.minimizer if self.minimizer.any() else w
        gradient = offset @ self.hessian
        return gradient[0] if number else gradient

    def _weights(self, w: ArrayLike) -> tuple[NDArray[np.float64], bool]:
        """w as an array of shape (..., d), and whether it came as one number (d = 1)."""
        w = np.asarray(w, dtype=float)
        if w.ndim == 0 and self.curvatures.size == 1:
            return w[None], True
        return w, False


@dataclass(frozen=True)
class Rosenbrock:
    r"""Rosenbrock's banana valley, a classic hard test for optimizers.

    .. math::

        Q(w) = (a - w_1)^2 + b\,(w_2 - w_1^2)^2, \qquad w^* = (a, a^2)

    Introduced in chapter 6, "One method, three conventions".

    Parameters
    ----------
    a : float, default 1.0
    b : float, default 100.0
        b > 0, the steepness of the valley's walls.
    """

    a: float = 1.0
    b: float = 100.0

    def __post_init__(self) -> None:
        validate.finite_array("a", self.a)
        validate.positive(self.b, "b")

    @property
    def minimizer(self) -> NDArray[np.float64]:
        """w* = (a, a²), where Q = 0."""
        return np.array([self.a, self.a**2])

    def loss(self, w: ArrayLike) -> NDArray[np.float64]:
        """Q(w) = (a − w₁)² + b (w₂ − w₁²)², shape (...)."""
        w = np.asarray(w, dtype=float)
        x, y = w[..., 0], w[..., 1]
        return (self.a - x) ** 2 + self.b * (y - x**2) ** 2

    def gradient(self, w: ArrayLike) -> NDArray[np.float64]:
        """∇Q = (−2(a − w₁) − 4b w₁ (w₂ − w₁²), 2b (w₂ − w₁²)), shape (..., 2)."""
        w = np.asarray(w, dtype=float)
        x, y = w[..., 0], w[..., 1]
        return np.stack(
            [-2 * (self.a - x) - 4 * self.b * x * (y - x**2), 2 * self.b * (y - x**2)], axis=-1
        )
