r"""Convergence theory of gradient descent and momentum on quadratics.

On a quadratic whose curvatures λ (the Hessian's eigenvalues) lie in [μ, L],
each eigen-direction is an independent 1-D problem Q(w) = ½ λ w². There the
thread's update is linear in the state (w, Δw):

.. math::

    \begin{pmatrix} w \\ \Delta w \end{pmatrix} \leftarrow
    \begin{pmatrix} 1 - \eta\lambda & \alpha \\ -\eta\lambda & \alpha \end{pmatrix}
    \begin{pmatrix} w \\ \Delta w \end{pmatrix}

and the error shrinks per step by the spectral radius of that 2×2 matrix.
Everything in this module follows from it, except :func:`ball_parameters`, the ball of
mass m and friction γ behind the update (chapter 10). Used from chapter 3 on (critical
damping, the best pair for a valley) and derived in chapter 7, "Why momentum works";
κ = L/μ is the condition number.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

from momentum_lib import _validation as validate

__all__ = [
    "averaging_horizon",
    "ball_parameters",
    "critical_momentum",
    "gradient_descent_optimal_learning_rate",
    "gradient_descent_rate",
    "is_stable",
    "iteration_eigenvalues",
    "iteration_matrix",
    "measured_rate",
    "optimal_momentum_parameters",
    "optimal_momentum_rate",
    "spectral_radius",
]


def _curvature_range(mu: ArrayLike, big_l: ArrayLike) -> tuple[NDArray, NDArray]:
    smallest = validate.positive(mu, "smallest_curvature")
    largest = validate.positive(big_l, "largest_curvature")
    if np.any(largest < smallest):
        raise ValueError(
            "largest_curvature must be >= smallest_curvature, got "
            f"smallest_curvature = {mu!r}, largest_curvature = {big_l!r}"
        )
    return smallest, largest


def _condition_number(value: ArrayLike) -> NDArray:
    kappa = validate.positive(value, "condition_number")
    if np.any(kappa < 1):
        raise ValueError(f"condition_number must be >= 1 (κ = L/μ), got {value!r}")
    return kappa


def gradient_descent_optimal_learning_rate(
    smallest_curvature: ArrayLike, largest_curvature: ArrayLike
) -> NDArray | float:
    """The best constant step of gradient descent on curvatures in [μ, L]: η = 2/(μ + L).

    Introduced in chapter 3, "Momentum".

    It balances the slowest direction (1 − ημ) against the fastest (ηL − 1).
    """
    mu, big_l = _curvature_range(smallest_curvature, largest_curvature)
    return 2.0 / (mu + big_l)


def gradient_descent_rate(condition_number: ArrayLike) -> NDArray | float:
    """Gradient descent's per-step contraction at its optimal step: (κ − 1)/(κ + 1).

    Introduced in chapter 3, "Momentum".
    """
    kappa = _condition_number(condition_number)
    return (kappa - 1.0) / (kappa + 1.0)


def iteration_matrix(learning_rate: float, momentum: float, curvature: float) -> NDArray:
    r"""The 2×2 matrix that maps (w, Δw) to the next (w, Δw) on Q(w) = ½ λ w².

    Introduced in chapter 7, "Why momentum works".

    .. math::

        M = \begin{pmatrix} 1 - \eta\lambda & \alpha \\
            -\eta\lambda & \alpha \end{pmatrix}

    Its trace is 1 + α − ηλ and its determinant is α.
    """
    eta = float(validate.learning_rate(learning_rate))
    alpha = float(validate.momentum(momentum))
    lam = float(validate.positive(curvature, "curvature"))
    return np.array([[1.0 - eta * lam, alpha], [-eta * lam, alpha]])


def iteration_eigenvalues(
    learning_rate: ArrayLike, momentum: ArrayLike, curvature: ArrayLike
) -> NDArray[np.complex128]:
    """The two eigenvalues of :func:`iteration_matrix`, the roots of z² − (1 + α − ηλ) z + α = 0.

    Introduced in chapter 7, "Why momentum works".

    Broadcasts over its arguments; the last axis of the result holds the pair.
    When (1 + α − ηλ)² < 4α they are complex conjugates of modulus √α (the
    oscillating regime).
    """
    eta = validate.learning_rate(learning_rate)
    alpha = validate.momentum(momentum)
    lam = validate.positive(curvature, "curvature")
    trace = 1.0 + alpha - eta * lam
    root = np.sqrt((trace**2 - 4.0 * alpha).astype(complex))
    return np.stack([(trace + root) / 2.0, (trace - root) / 2.0], axis=-1)


def spectral_radius(
    learning_rate: ArrayLike, momentum: ArrayLike, curvature: ArrayLike
) -> NDArray | float:
    """The per-step convergence rate on one curvature: max abs(z) over the eigenvalues.

    Introduced in chapter 7, "Why momentum works".

    Below 1 the error shrinks by about this factor per step; above 1 it grows.
    """
    radius = np.abs(iteration_eigenvalues(learning_rate, momentum, curvature)).max(axis=-1)
    return float(radius) if radius.ndim == 0 else radius


def is_stable(
    learning_rate: ArrayLike, momentum: ArrayLike, curvature: ArrayLike
) -> NDArray[np.bool_] | bool:
    """Whether momentum converges on curvature λ: 0 < ηλ < 2 + 2α (with 0 ≤ α < 1).

    Introduced in chapter 7, "Why momentum works".
    """
    eta = validate.learning_rate(learning_rate)
    alpha = validate.momentum(momentum)
    lam = validate.positive(curvature, "curvature")
    stable = eta * lam < 2.0 + 2.0 * alpha
    return bool(stable) if np.ndim(stable) == 0 else stable


def critical_momentum(learning_rate: ArrayLike, curvature: ArrayLike) -> NDArray | float:
    r"""Critical damping: the smallest α at which the iteration starts to oscillate.

    Introduced in chapter 3, "Momentum".

    .. math::

        \alpha = (1 - \sqrt{\eta\lambda})^2 \quad (\eta\lambda \le 1)

    There the two eigenvalues meet at z = √α = 1 − √(ηλ), the fastest
    non-oscillating convergence for this η.
    """
    eta = validate.learning_rate(learning_rate)
    lam = validate.positive(curvature, "curvature")
    if np.any(eta * lam > 1.0):
        raise ValueError(
            "critical_momentum needs learning_rate * curvature <= 1 (beyond it even α = 0 "
            f"overshoots), got learning_rate * curvature = {eta * lam}"
        )
    return (1.0 - np.sqrt(eta * lam)) ** 2


def optimal_momentum_parameters(
    smallest_curvature: ArrayLike, largest_curvature: ArrayLike
) -> tuple[NDArray | float, NDArray | float]:
    r"""The (η, α) that minimise the worst rate over curvatures in [μ, L] (Polyak's heavy ball).

    Introduced in chapter 3, "Momentum".

    .. math::

        \eta = \Bigl(\frac{2}{\sqrt{\mu} + \sqrt{L}}\Bigr)^2, \qquad
        \alpha = \Bigl(\frac{\sqrt{\kappa} - 1}{\sqrt{\kappa} + 1}\Bigr)^2

    Returns
    -------
    (learning_rate, momentum)
    """
    mu, big_l = _curvature_range(smallest_curvature, largest_curvature)
    root_kappa = np.sqrt(big_l / mu)
    learning_rate = (2.0 / (np.sqrt(mu) + np.sqrt(big_l))) ** 2
    momentum = ((root_kappa - 1.0) / (root_kappa + 1.0)) ** 2
    return learning_rate, momentum


def optimal_momentum_rate(condition_number: ArrayLike) -> NDArray | float:
    """Momentum's per-step contraction at the optimal pair: (√κ − 1)/(√κ + 1) = √α.

    Introduced in chapter 3, "Momentum".
    """
    root_kappa = np.sqrt(_condition_number(condition_number))
    return (root_kappa - 1.0) / (root_kappa + 1.0)


def averaging_horizon(momentum: ArrayLike) -> NDArray | float:
    """How many past gradients Δw effectively sums: 1/(1 − α) = 1 + α + α² + …

    Introduced in chapter 3, "Momentum".

    It is also the factor by which momentum multiplies the step on a constant
    slope, so that η/(1 − α) is the effective learning rate.
    """
    alpha = validate.momentum(momentum)
    return 1.0 / (1.0 - alpha)


def ball_parameters(
    mass: ArrayLike, friction: ArrayLike, time_step: ArrayLike
) -> tuple[NDArray | float, NDArray | float]:
    r"""The (η, α) of a ball of mass m with friction γ, looked at every h seconds.

    Introduced in chapter 10, "The ball, exactly, and the limits of momentum" (chapter 3
    derives it).

    The ball obeys Newton's law :math:`m\,\ddot w + \gamma\,\dot w = -\nabla Q(w)`. Stepped
    with the slope at the current position, the friction on the new velocity and the
    position moved by the new velocity,

    .. math::

        m\,\frac{v_{t+1} - v_t}{h} = -\gamma\,v_{t+1} - \nabla Q(w_t), \qquad
        w_{t+1} = w_t + h\,v_{t+1},

    it is the thread's update with Δw = h·v and

    .. math::

        \eta = \frac{h^2}{m + \gamma h}, \qquad \alpha = \frac{m}{m + \gamma h}.

    A heavier ball raises α and lowers η; more friction lowers both. The effective
    learning rate η/(1 − α) = h/γ does not depend on the mass.

    Parameters
    ----------
    mass : float or array_like
        m > 0.
    friction : float or array_like
        γ > 0 (without friction α = 1, and the ball never settles).
    time_step : float or array_like
        h > 0, the time between two looks at the ball (arrays broadcast).

    Returns
    -------
    (learning_rate, momentum)

    Examples
    --------
    >>> ball_parameters(mass=1.0, friction=1.0, time_step=0.25)
    (0.05, 0.8)
    """
    m = validate.positive(mass, "mass")
    gamma = validate.positive(friction, "friction")
    h = validate.positive(time_step, "time_step")
    denominator = m + gamma * h
    learning_rate, momentum = h**2 / denominator, m / denominator
    if np.ndim(learning_rate) == 0:
        return float(learning_rate), float(momentum)
    return learning_rate, momentum


def measured_rate(distances: ArrayLike, early: int, late: int, window: int = 50) -> NDArray | float:
    r"""The rate a run actually shrinks by per step, measured from its path.

    .. math::

        \rho_\text{measured} = \left(\frac{\max_{L - m \le t < L} d_t}
        {\max_{E - m \le t < E} d_t}\right)^{1/(L - E)}

    with d_t the distance from the minimum at step t (``abs(w_t)`` on Q(w) = ½λw²), E
    and L the ends of an early and a late window of m steps. Peaks over a window, not
    single values, so that a run that oscillates (complex eigenvalues, whose distance
    dips towards zero twice a period) is measured by its envelope, which shrinks by
    exactly the spectral radius. Introduced in chapter 7, "Why momentum works", where
    it is checked against :func:`spectral_radius` on a whole (η, α) map.

    Parameters
    ----------
    distances : array_like, shape (steps + 1, ...)
        d_t for each step (axis 0), for one run or a batch (further axes).
    early, late : int
        E and L, the ends of the two windows: window <= early < late <= steps + 1.
    window : int, default 50
        m, the number of steps in each window; longer than the oscillation's period.

    Returns
    -------
    float or numpy.ndarray
        The measured rate per configuration: nan where the early peak is 0 (the run
        reached the minimum exactly) or where a distance is not finite (a diverged run).

    Examples
    --------
    >>> d = 0.9 ** np.arange(201)  # a run that shrinks by 0.9 a step
    >>> round(float(measured_rate(d, 100, 200)), 12)
    0.9
    """
    distances = np.abs(np.asarray(distances, dtype=float))
    window = int(validate.steps(window))
    if not (0 < window <= early < late <= distances.shape[0]):
        raise ValueError(
            "measured_rate needs 0 < window <= early < late <= number of steps + 1, got "
            f"window = {window}, early = {early}, late = {late}, steps + 1 = {distances.shape[0]}"
        )
    peak_early = distances[early - window : early].max(axis=0)
    peak_late = distances[late - window : late].max(axis=0)
    with np.errstate(divide="ignore", invalid="ignore"):
        rate = (peak_late / peak_early) ** (1.0 / (late - early))
    rate = np.where((peak_early > 0) & np.isfinite(rate), rate, np.nan)
    return float(rate) if rate.ndim == 0 else rate
