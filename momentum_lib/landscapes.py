"""Loss landscapes with known gradients, for experiments.

Each landscape has ``loss(w)`` and ``gradient(w)`` that accept weights of shape
``(..., d)`` (any leading batch axes) and return shapes ``(...)`` and
``(..., d)``, so that :func:`~momentum_lib.optimizers.minimize` can run a whole grid of
configurations on them at once.
"""

from __future__ import annotations

import numbers
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import ArrayLike, NDArray

from momentum_lib import _validation as validate

__all__ = [
    "BumpySlope",
    "LessardCounterexample",
    "NesterovWorstFunction",
    "Quadratic",
    "Rosenbrock",
]


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


@dataclass(frozen=True)
class NesterovWorstFunction:
    r"""Nesterov's "worst function" for methods that only combine past gradients.

    .. math::

        Q(w) = \frac{L - \mu}{8}\Bigl(w_1^2 + \sum_{i=1}^{d-1} (w_i - w_{i+1})^2 + w_d^2
            - 2 w_1\Bigr) + \frac{\mu}{2}\,\lVert w\rVert^2

    a quadratic whose Hessian, ¼(L − μ)·A + μ·I with A the tridiagonal matrix of 2s on
    the diagonal and −1s beside it, has its curvatures strictly between μ and L
    (``curvatures`` gives them in closed form). Its gradient links each weight only to its
    neighbours, so that a method started at w0 = 0 whose weights stay in the span of the
    gradients seen so far (gradient descent, momentum, Nesterov, with any η and α) has
    non-zero weights in the first k coordinates only after k steps. Every coordinate of
    the minimizer is non-zero,

    .. math::

        w^*_i = \frac{q^i - q^{2(d+1)-i}}{1 - q^{2(d+1)}}, \qquad
        q = \frac{\sqrt\kappa - 1}{\sqrt\kappa + 1}, \quad \kappa = L/\mu,

    about q^i, so the part of w* such a method has not reached yet bounds its distance
    from below (:meth:`lower_bound`): about q^k·‖w*‖ after k steps, whatever the method.
    Nesterov (2004), *Introductory Lectures on Convex Optimization*, chapter 2, uses
    the infinite-dimensional version, where the bound is exactly q^k·‖w* − w0‖.

    Introduced in chapter 10, "The ball, exactly, and the limits of momentum".

    Parameters
    ----------
    smallest_curvature : float, default 1.0
        μ > 0.
    largest_curvature : float, default 100.0
        L >= μ.
    dimension : int, default 1000
        d >= 1, the number of weights; the bound holds for k < d steps.

    Examples
    --------
    >>> worst = NesterovWorstFunction(1.0, 9.0, dimension=3)  # κ = 9, q = 1/2
    >>> worst.gradient([0.0, 0.0, 0.0]).tolist()  # only the first weight is reached
    [-2.0, 0.0, 0.0]
    >>> worst.minimizer.round(4).tolist()  # close to q, q², q³ = 0.5, 0.25, 0.125
    [0.4941, 0.2353, 0.0941]
    """

    smallest_curvature: float = 1.0
    largest_curvature: float = 100.0
    dimension: int = 1000

    def __post_init__(self) -> None:
        mu = float(validate.positive(self.smallest_curvature, "smallest_curvature"))
        big_l = float(validate.positive(self.largest_curvature, "largest_curvature"))
        if big_l < mu:
            raise ValueError(
                "largest_curvature must be >= smallest_curvature, got "
                f"smallest_curvature = {mu!r}, largest_curvature = {big_l!r}"
            )
        dimension = self.dimension
        if isinstance(dimension, bool) or not isinstance(dimension, numbers.Integral):
            raise TypeError(f"dimension must be an integer >= 1, got {dimension!r}")
        if dimension < 1:
            raise ValueError(f"dimension must be an integer >= 1, got {dimension!r}")
        object.__setattr__(self, "smallest_curvature", mu)
        object.__setattr__(self, "largest_curvature", big_l)
        object.__setattr__(self, "dimension", int(dimension))

    @property
    def condition_number(self) -> float:
        """κ = L/μ (the curvatures themselves lie strictly between μ and L)."""
        return self.largest_curvature / self.smallest_curvature

    @property
    def rate(self) -> float:
        """q = (√κ − 1)/(√κ + 1), the rate per step that no such method can beat."""
        root_kappa = np.sqrt(self.condition_number)
        return float((root_kappa - 1.0) / (root_kappa + 1.0))

    @property
    def minimizer(self) -> NDArray[np.float64]:
        """w*_i = (q^i − q^(2(d+1)−i)) / (1 − q^(2(d+1))), i = 1, …, d."""
        q, d = self.rate, self.dimension
        i = np.arange(1, d + 1)
        return (q**i - q ** (2 * (d + 1) - i)) / (1.0 - q ** (2 * (d + 1)))

    @property
    def curvatures(self) -> NDArray[np.float64]:
        """The Hessian's eigenvalues, μ + (L − μ)·sin²(jπ / (2(d + 1))), j = 1, …, d."""
        j = np.arange(1, self.dimension + 1)
        spread = self.largest_curvature - self.smallest_curvature
        return (
            self.smallest_curvature + spread * np.sin(j * np.pi / (2 * (self.dimension + 1))) ** 2
        )

    @property
    def hessian(self) -> NDArray[np.float64]:
        """¼(L − μ)·A + μ·I, with A tridiagonal (2 on the diagonal, −1 beside it)."""
        d = self.dimension
        tridiagonal = 2.0 * np.eye(d) - np.eye(d, k=1) - np.eye(d, k=-1)
        return 0.25 * (self.largest_curvature - self.smallest_curvature) * tridiagonal + (
            self.smallest_curvature * np.eye(d)
        )

    def loss(self, w: ArrayLike) -> NDArray[np.float64]:
        """Q(w) as above, shape (...); ``w`` has shape (..., d)."""
        w = self._weights(w)
        chain = w[..., 0] ** 2 + np.sum(np.diff(w, axis=-1) ** 2, axis=-1) + w[..., -1] ** 2
        spread = self.largest_curvature - self.smallest_curvature
        return spread / 8.0 * (chain - 2.0 * w[..., 0]) + self.smallest_curvature / 2.0 * np.sum(
            w**2, axis=-1
        )

    def gradient(self, w: ArrayLike) -> NDArray[np.float64]:
        """∇Q(w) = ¼(L − μ)·(A w − e₁) + μ·w, shape (..., d): weight i sees i − 1 and i + 1."""
        w = self._weights(w)
        chain = 2.0 * w
        chain[..., 1:] -= w[..., :-1]
        chain[..., :-1] -= w[..., 1:]
        chain[..., 0] -= 1.0
        spread = self.largest_curvature - self.smallest_curvature
        return 0.25 * spread * chain + self.smallest_curvature * w

    def lower_bound(self, steps: int) -> NDArray[np.float64]:
        r"""The smallest distance ‖w_k − w*‖ any such method can have, k = 0, …, ``steps``.

        From w0 = 0, after k steps only the first k weights can be non-zero, so

        .. math::

            \lVert w_k - w^* \rVert \ge \sqrt{\textstyle\sum_{i > k} (w^*_i)^2}
            \approx q^k\,\lVert w^* \rVert

        (0 from k = d on). This holds for every method whose w_k lies in
        w0 + span{∇Q(w0), …, ∇Q(w_(k−1))}: gradient descent, the thread's momentum and
        Nesterov's look-ahead, for any η, α or schedule.

        Returns
        -------
        numpy.ndarray
            The bound for k = 0, …, ``steps``, shape (steps + 1,).
        """
        steps = validate.steps(steps)
        squares = self.minimizer**2
        tails = np.sqrt(np.cumsum(squares[::-1])[::-1])  # tails[k] = ‖(w*_(k+1), …, w*_d)‖
        bound = np.zeros(steps + 1)
        reached = min(steps + 1, self.dimension)
        bound[:reached] = tails[:reached]
        return bound

    def _weights(self, w: ArrayLike) -> NDArray[np.float64]:
        w = np.asarray(w, dtype=float)
        if w.ndim == 0 or w.shape[-1] != self.dimension:
            raise ValueError(
                f"w must have {self.dimension} weights on its last axis (dimension), "
                f"got shape {w.shape}"
            )
        return w


@dataclass(frozen=True)
class LessardCounterexample:
    r"""A smooth, strongly convex 1-D function on which Polyak's heavy ball cycles.

    .. math::

        \nabla Q(w) = \begin{cases}
            L\,w & w < 1 \\
            \mu\,w + (L - \mu) & 1 \le w < 2 \\
            L\,w - (L - \mu) & w \ge 2
        \end{cases}

    so Q is made of three quadratic pieces, with curvature L outside [1, 2] and μ inside:
    μ-strongly convex and L-smooth, with its minimum Q(0) = 0. Lessard, Recht and
    Packard (2016), "Analysis and design of optimization algorithms via integral
    quadratic constraints", SIAM J. Optim. 26(1), take L = 25 and μ = 1 (the defaults):
    the heavy ball with Polyak's pair for [μ, L], η = 4/(√μ + √L)² = 1/9 and α = 4/9,
    started in [3.07, 3.46] (with Δw = 0), does not converge but ends in a cycle of three
    points, while Nesterov's method converges.

    Introduced in chapter 10, "The ball, exactly, and the limits of momentum".

    Parameters
    ----------
    smallest_curvature : float, default 1.0
        μ > 0, the curvature on [1, 2).
    largest_curvature : float, default 25.0
        L >= μ, the curvature elsewhere.

    Examples
    --------
    >>> bowl = LessardCounterexample()
    >>> bowl.gradient([0.5, 1.5, 3.0]).tolist()  # 25·w, w + 24, 25·w − 24
    [12.5, 25.5, 51.0]
    """

    smallest_curvature: float = 1.0
    largest_curvature: float = 25.0

    def __post_init__(self) -> None:
        mu = float(validate.positive(self.smallest_curvature, "smallest_curvature"))
        big_l = float(validate.positive(self.largest_curvature, "largest_curvature"))
        if big_l < mu:
            raise ValueError(
                "largest_curvature must be >= smallest_curvature, got "
                f"smallest_curvature = {mu!r}, largest_curvature = {big_l!r}"
            )
        object.__setattr__(self, "smallest_curvature", mu)
        object.__setattr__(self, "largest_curvature", big_l)

    @property
    def condition_number(self) -> float:
        """κ = L/μ."""
        return self.largest_curvature / self.smallest_curvature

    @property
    def minimizer(self) -> NDArray[np.float64]:
        """w* = 0, where Q = 0."""
        return np.zeros(1)

    def loss(self, w: ArrayLike) -> NDArray[np.float64]:
        """Q(w): L/2·w², then μ/2·w² + (L − μ)(w − ½), then L/2·w² − (L − μ)(w − 3/2).

        ``w`` has shape (..., 1), or is a number.
        """
        x = np.asarray(w, dtype=float)
        x = x if x.ndim == 0 else x[..., 0]
        mu, big_l = self.smallest_curvature, self.largest_curvature
        return np.where(
            x < 1.0,
            big_l / 2.0 * x**2,
            np.where(
                x < 2.0,
                mu / 2.0 * x**2 + (big_l - mu) * (x - 0.5),
                big_l / 2.0 * x**2 - (big_l - mu) * (x - 1.5),
            ),
        )

    def gradient(self, w: ArrayLike) -> NDArray[np.float64]:
        """∇Q(w): L·w, μ·w + (L − μ), L·w − (L − μ) on the three pieces; w's shape."""
        x = np.asarray(w, dtype=float)
        mu, big_l = self.smallest_curvature, self.largest_curvature
        return np.where(
            x < 1.0,
            big_l * x,
            np.where(x < 2.0, mu * x + (big_l - mu), big_l * x - (big_l - mu)),
        )
