r"""Gradient descent and gradient descent with momentum, exactly as the thread writes them.

The update of the thread (and of Wikipedia's "Stochastic gradient descent",
section *Momentum*) is

.. math::

    \Delta w \leftarrow \alpha\,\Delta w - \eta\,\nabla Q(w), \qquad
    w \leftarrow w + \Delta w

with α the momentum (the decay factor) and η the learning rate. With α = 0 it is
plain gradient descent, w ← w − η∇Q(w).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property

import numpy as np
from numpy.typing import ArrayLike, NDArray

from momentum_lib import _validation as validate

__all__ = [
    "Trajectory",
    "gradient_descent_step",
    "minimize",
    "momentum_step",
]

Gradient = Callable[[NDArray[np.float64]], ArrayLike]
Loss = Callable[[NDArray[np.float64]], ArrayLike]


def gradient_descent_step(w: ArrayLike, gradient: ArrayLike, learning_rate: float) -> NDArray:
    """One step of gradient descent: w ← w − η·∇Q(w).

    Introduced in chapter 2, "The gradient descent update".

    Parameters
    ----------
    w : array_like
        The current weights.
    gradient : array_like
        The value of the gradient ∇Q(w) at ``w`` (same shape as ``w``).
    learning_rate : float
        η > 0, how far to move against the gradient.

    Returns
    -------
    numpy.ndarray
        The new weights.

    Raises
    ------
    ValueError
        If ``learning_rate`` is not finite and > 0, or the shapes differ.

    Examples
    --------
    >>> gradient_descent_step([1.0], gradient=[2.0], learning_rate=0.1)
    array([0.8])
    """
    w = validate.finite_array("w", w)
    gradient = validate.finite_array("gradient", gradient)
    learning_rate = validate.learning_rate(learning_rate)
    if gradient.shape != w.shape:
        raise ValueError(
            f"gradient must have the shape of w, got {gradient.shape} and w.shape = {w.shape}"
        )
    return w - learning_rate * gradient


def momentum_step(
    w: ArrayLike,
    delta_w: ArrayLike,
    gradient: ArrayLike,
    learning_rate: float,
    momentum: float,
) -> tuple[NDArray, NDArray]:
    r"""One step of gradient descent with momentum, the thread's formula.

    .. math::

        \Delta w \leftarrow \alpha\,\Delta w - \eta\,\nabla Q(w), \qquad
        w \leftarrow w + \Delta w

    Introduced in chapter 0, "Is this formula difficult?" (three steps by hand);
    studied in chapter 3, "Momentum".

    Parameters
    ----------
    w : array_like
        The current weights.
    delta_w : array_like
        Δw, the previous update (zeros before the first step).
    gradient : array_like
        The value of the gradient ∇Q(w) at ``w``.
    learning_rate : float
        η > 0.
    momentum : float
        α in [0, 1), the decay factor of the previous update.

    Returns
    -------
    (numpy.ndarray, numpy.ndarray)
        The new weights ``w`` and the update ``delta_w`` that produced them.

    Raises
    ------
    ValueError
        If η is not finite and > 0, α is outside [0, 1), or the shapes differ.

    Examples
    --------
    >>> w, delta_w = momentum_step([1.0], [0.0], [2.0], learning_rate=0.1, momentum=0.9)
    >>> w, delta_w
    (array([0.8]), array([-0.2]))
    >>> momentum_step(w, delta_w, [1.6], learning_rate=0.1, momentum=0.9)
    (array([0.46]), array([-0.34]))
    """
    w = validate.finite_array("w", w)
    delta_w = validate.finite_array("delta_w", delta_w)
    gradient = validate.finite_array("gradient", gradient)
    learning_rate = validate.learning_rate(learning_rate)
    momentum = validate.momentum(momentum)
    for name, value in (("delta_w", delta_w), ("gradient", gradient)):
        if value.shape != w.shape:
            raise ValueError(
                f"{name} must have the shape of w, got {value.shape} and w.shape = {w.shape}"
            )
    delta_w = momentum * delta_w - learning_rate * gradient
    return w + delta_w, delta_w


@dataclass(frozen=True)
class Trajectory:
    """What :func:`minimize` records, step by step.

    Introduced in chapter 0 with :func:`minimize`; the two terms are drawn in chapter 4.

    Shapes use ``B`` for the batch shape (empty for a single run) and ``d`` for
    the number of weights. A configuration that diverged stops: its rows from
    the step of divergence on are ``nan``.

    Indexing picks configurations out of a batch: ``run[i]`` (or ``run[i, j]`` for
    a grid) is the :class:`Trajectory` of that configuration, equal to the run
    :func:`minimize` makes with its η and α alone; slices keep a smaller batch.

    >>> from momentum_lib.landscapes import Quadratic
    >>> bowl = Quadratic([1.0])
    >>> runs = minimize(bowl.gradient, [1.0], learning_rate=[0.5, 2.5], steps=3)
    >>> runs[0].weights[:, 0].tolist()
    [1.0, 0.5, 0.25, 0.125]
    >>> runs[1].weights[:, 0].tolist()
    [1.0, -1.5, 2.25, -3.375]

    Attributes
    ----------
    weights : numpy.ndarray
        w after each step, shape ``(steps + 1, *B, d)``; ``weights[0]`` is w0.
    updates : numpy.ndarray
        Δw of each step, shape ``(steps, *B, d)``, so that
        ``weights[t + 1] = weights[t] + updates[t]`` (less η_t·ω·weights[t] with
        :func:`minimize`'s decoupled ``weight_decay`` ω).
    gradient_terms : numpy.ndarray
        −η·∇Q(w) of each step, shape ``(steps, *B, d)`` (with Nesterov, ∇Q at the
        look-ahead point).
    momentum_terms : numpy.ndarray
        α·Δw of the previous step, shape ``(steps, *B, d)``, so that
        ``updates = momentum_terms + gradient_terms``.
    losses : numpy.ndarray or None
        Q(w) at each row of ``weights``, shape ``(steps + 1, *B)``, when a loss was given.
    diverged : bool or numpy.ndarray
        Whether the configuration diverged (booleans of shape ``B`` for a batch).
    diverged_at : int or numpy.ndarray
        The step at which it diverged (the first step whose weights or loss were
        not finite or exceeded the threshold); -1 where it did not diverge, the
        same sentinel as :meth:`steps_to_reach` and :meth:`steps_to_settle`.
    learning_rate : numpy.ndarray
        η, broadcast to the batch shape (the base η when a schedule was used).
    momentum : numpy.ndarray
        α, broadcast to the batch shape.
    """

    weights: NDArray[np.float64]
    gradient_terms: NDArray[np.float64]
    losses: NDArray[np.float64] | None
    diverged: bool | NDArray[np.bool_]
    diverged_at: int | NDArray[np.int64]
    learning_rate: NDArray[np.float64]
    momentum: NDArray[np.float64]

    def __getitem__(self, index: int | slice | tuple[int | slice, ...]) -> Trajectory:
        """The configuration(s) ``index`` of a batch, as a :class:`Trajectory` of their own.

        Introduced in chapter 2, "The gradient descent update".
        """
        batch_axes = self.learning_rate.ndim
        index = index if isinstance(index, tuple) else (index,)
        if batch_axes == 0:
            raise IndexError("a single run has no configurations to pick; index a batch")
        if len(index) > batch_axes:
            raise IndexError(
                f"index has {len(index)} entries but the batch has {batch_axes} axes "
                f"(shape {self.learning_rate.shape})"
            )
        if not all(isinstance(i, int | np.integer | slice) for i in index):
            raise IndexError(f"index entries must be integers or slices, got {index!r}")
        steps_too = (slice(None), *index)  # keep every step, pick configurations
        diverged_at = self.diverged_at[index]
        diverged = self.diverged[index]
        if np.ndim(diverged_at) == 0:
            diverged_at, diverged = int(diverged_at), bool(diverged)
        return Trajectory(
            self.weights[steps_too],
            self.gradient_terms[steps_too],
            None if self.losses is None else self.losses[steps_too],
            diverged=diverged,
            diverged_at=diverged_at,
            learning_rate=np.asarray(self.learning_rate[index]),
            momentum=np.asarray(self.momentum[index]),
        )

    @cached_property
    def updates(self) -> NDArray[np.float64]:
        """Δw of each step, shape ``(steps, *B, d)``; Δw_t = α·Δw_(t−1) − η·∇Q from Δw = 0."""
        updates = np.empty_like(self.gradient_terms)
        previous = np.zeros(self.gradient_terms.shape[1:])
        alpha = self.momentum[..., None]
        for step, gradient_term in enumerate(self.gradient_terms):
            previous = updates[step] = alpha * previous + gradient_term
        return updates

    @cached_property
    def momentum_terms(self) -> NDArray[np.float64]:
        """α·Δw of the previous step, shape ``(steps, *B, d)``; zero at the first step."""
        previous = np.concatenate([np.zeros_like(self.updates[:1]), self.updates[:-1]])
        return self.momentum[..., None] * previous

    @property
    def path(self) -> NDArray[np.float64]:
        """The path w_t of a run with one weight, shape ``(steps + 1, *B)``.

        Introduced in chapter 0: ``run.path`` reads better than ``run.weights[:, 0]``.
        """
        if self.weights.shape[-1] != 1:
            raise ValueError(
                f"path is for runs with one weight; this run has {self.weights.shape[-1]}: "
                "use weights"
            )
        return self.weights[..., 0]

    @property
    def final_weights(self) -> NDArray[np.float64]:
        """The weights after the last step (``nan`` where the run diverged)."""
        return self.weights[-1]

    def mean_loss(self, first: int, last: int) -> float | NDArray[np.float64]:
        """The mean of Q(w_t) over the steps ``first`` to ``last`` (both included).

        Introduced in chapter 8, "Stochastic gradients": a noisy run hovers around its
        loss floor, and the mean over the end of the run measures it. ``inf`` for a
        configuration that diverged (it has no floor).
        """
        if self.losses is None:
            raise ValueError("mean_loss needs the losses: pass loss= to minimize")
        steps = self.losses.shape[0] - 1
        if not 0 <= first <= last <= steps:
            raise ValueError(
                f"mean_loss needs 0 <= first <= last <= {steps} (the steps), "
                f"got first = {first}, last = {last}"
            )
        mean = np.where(self.diverged, np.inf, self.losses[first : last + 1].mean(axis=0))
        return float(mean) if mean.ndim == 0 else mean

    def _inside(self, tolerance: float, minimizer: ArrayLike | None) -> NDArray[np.bool_]:
        """Whether each row is within tolerance: Q(w_t) ≤ tol, or ‖w_t − w*‖ ≤ tol."""
        if minimizer is None:
            if self.losses is None:
                raise ValueError(
                    "without a minimizer the criterion is the loss: pass loss= to minimize"
                )
            return self.losses <= tolerance
        distance = np.linalg.norm(self.weights - np.asarray(minimizer, dtype=float), axis=-1)
        return distance <= tolerance

    def steps_to_reach(
        self, tolerance: float, *, minimizer: ArrayLike | None = None
    ) -> int | NDArray[np.int64]:
        """The first step at which the run is within ``tolerance``; -1 if never.

        Introduced in chapter 0, "Is this formula difficult?".

        Without ``minimizer`` the criterion is the loss, Q(w_t) ≤ tolerance (so a
        loss whose minimum is 0 is needed, and ``loss`` must have been given to
        :func:`minimize`); with ``minimizer`` w*, it is the distance
        ‖w_t − w*‖ ≤ tolerance.
        """
        tolerance = float(validate.positive(tolerance, "tolerance"))
        reached = self._inside(tolerance, minimizer)
        first = np.where(reached.any(axis=0), reached.argmax(axis=0), -1)
        return int(first) if first.ndim == 0 else first

    def steps_to_settle(
        self, tolerance: float, *, minimizer: ArrayLike | None = None
    ) -> int | NDArray[np.int64]:
        """The first step from which the run *stays* within ``tolerance``; -1 if never.

        Introduced in chapter 3, "Momentum". Unlike :meth:`steps_to_reach`, a
        ball that swings through the target and out again has not settled: this
        counts from the last time it was outside. The criterion is the same as in
        :meth:`steps_to_reach` (the loss, or the distance to ``minimizer``).
        """
        tolerance = float(validate.positive(tolerance, "tolerance"))
        inside = self._inside(tolerance, minimizer)
        outside_after = np.flip(np.logical_or.accumulate(np.flip(~inside, axis=0), axis=0), axis=0)
        settled = ~outside_after  # True from the step after the last excursion on
        first = np.where(settled.any(axis=0), settled.argmax(axis=0), -1)
        return int(first) if first.ndim == 0 else first


def minimize(
    gradient: Gradient,
    w0: ArrayLike,
    *,
    learning_rate: ArrayLike,
    momentum: ArrayLike = 0.0,
    nesterov: bool = False,
    schedule: Callable[[int], float] | ArrayLike | None = None,
    weight_decay: float = 0.0,
    steps: int,
    loss: Loss | None = None,
    divergence_threshold: float = 1e12,
) -> Trajectory:
    r"""Run gradient descent with momentum for ``steps`` steps and record everything.

    Each step applies the thread's formula

    .. math::

        \Delta w \leftarrow \alpha\,\Delta w - \eta\,\nabla Q(w), \qquad
        w \leftarrow w + \Delta w

    starting from Δw = 0, so that the first step is a plain gradient step. With
    ``nesterov=True`` the gradient is taken at the look-ahead point, in the form
    of Sutskever et al. (2013):

    .. math::

        \Delta w \leftarrow \alpha\,\Delta w - \eta\,\nabla Q(w + \alpha\,\Delta w)

    With ``weight_decay`` ω > 0 each step also shrinks the weights, outside Δw
    (decoupled weight decay, Loshchilov and Hutter's SGDW in the form of Keras and of
    PyTorch's AdamW, scaled by the learning rate):

    .. math::

        w \leftarrow w + \Delta w - \eta\,\omega\, w

    Introduced in chapter 0 (a first look) and chapter 1, "The basis" (gradient
    descent); momentum in chapter 3, Nesterov in chapter 6, weight decay in chapter 11.

    Parameters
    ----------
    gradient : callable
        ∇Q: takes weights of shape ``(*B, d)`` and returns an array of the same shape.
    w0 : float or array_like, shape (..., d)
        The starting weights; the last axis holds the weights, any leading axes
        are batch axes. A number means one weight: ``gradient`` and ``loss`` then
        take the weight as a number and return a number (they are called once per
        configuration of a batch), so that ``minimize(lambda w: 2 * w, 3.0, ...)``
        runs Q(w) = w²; the result still has the weight axis (``run.path`` drops it).
    learning_rate : float or array_like
        η > 0. An array broadcasts against the batch axes of ``w0`` (and
        against ``momentum``), so that a whole (η, α) grid runs in one call.
    momentum : float or array_like, default 0.0
        α in [0, 1); 0 is plain gradient descent.
    nesterov : bool, default False
        Take the gradient at the look-ahead point w + αΔw.
    schedule : callable or array_like, optional
        A learning-rate schedule: step t (counted from 0) uses η·s(t) instead of η,
        with s a function of t or an array of ``steps`` factors (chapter 6 changes η
        in the middle of a run). ``Trajectory.learning_rate`` stays the base η.
    weight_decay : float, default 0.0
        ω >= 0, decoupled weight decay: step t also subtracts η_t·ω·w from w, without
        passing through Δw (``Trajectory.updates`` stays the Δw of the formula, so that
        ``weights[t + 1] = weights[t] + updates[t] − η_t·ω·weights[t]``). For L2
        regularization, whose ω·w does pass through Δw, give the gradient of
        :func:`~momentum_lib.models.l2_regularized` instead.
    steps : int
        The number of steps, >= 0.
    loss : callable, optional
        Q: takes weights of shape ``(*B, d)`` and returns shape ``B``. When
        given, the losses are recorded and a non-finite loss counts as divergence.
    divergence_threshold : float, default 1e12
        A configuration whose weights or loss exceed this in absolute value, or
        become nan or inf, is declared diverged and stops.

    Returns
    -------
    Trajectory
        Weights, updates, the two terms of each update, losses and divergence.

    Raises
    ------
    ValueError
        If η ≤ 0, α outside [0, 1), ω < 0, ``steps`` < 0, w0 not finite or shapes do not
        broadcast, a schedule factor is not positive and finite (or an array schedule
        does not have ``steps`` entries), or ``gradient`` returns the wrong shape or a
        non-finite value at w0.
    TypeError
        If ``gradient`` or ``loss`` is not callable, or ``steps`` is not an integer.

    Notes
    -----
    No NumPy ``RuntimeWarning`` (overflow, invalid value) escapes from a diverging
    run: the loop runs under ``numpy.errstate(all="ignore")`` and diverged
    configurations are detected and frozen instead.

    Examples
    --------
    >>> from momentum_lib.landscapes import Quadratic
    >>> bowl = Quadratic([1.0, 10.0])
    >>> run = minimize(bowl.gradient, [1.0, 1.0], learning_rate=0.1, momentum=0.5,
    ...                steps=100, loss=bowl.loss)
    >>> bool(run.losses[-1] < 1e-12), run.diverged
    (True, False)
    """
    if np.ndim(w0) == 0:  # one weight, as a number: ∇Q and Q take numbers (or 1-D batches)
        gradient, loss, w0 = _for_one_weight(gradient), _for_one_weight(loss, keep=False), [w0]
    run = _Run.prepare(
        gradient, w0, learning_rate, momentum, schedule, steps, loss, divergence_threshold
    )
    weight_decay = validate.non_negative(weight_decay, "weight_decay")
    _iterate(run, gradient, loss, nesterov, weight_decay)
    return run.trajectory()


def _for_one_weight(function, keep: bool = True):
    """∇Q (keep=True: the result gets the weight axis back) or Q, as functions of a number.

    The wrapped function receives weights of shape ``(*B, 1)`` from the loop and calls
    ``function`` with each configuration's weight as a plain float, once per
    configuration: a first-year's ``def gradient(w): ...`` of one number works as is.
    """
    if not callable(function):
        return function  # None (no loss), or left for the checks to refuse

    def of_numbers(w: NDArray[np.float64]) -> NDArray[np.float64]:
        numbers = w[..., 0]
        values = np.array([float(function(float(v))) for v in numbers.reshape(-1)])
        values = values.reshape(numbers.shape)
        return values[..., None] if keep else values

    return of_numbers


@dataclass
class _Run:
    """The checked inputs of :func:`minimize`, broadcast to one batch, and its records."""

    w0: NDArray[np.float64]  # shape (*B, d)
    eta: NDArray[np.float64]  # η, shape B
    alpha: NDArray[np.float64]  # α, shape B
    factors: NDArray[np.float64]  # the schedule's s(t), shape (steps,)
    threshold: float
    weights: NDArray[np.float64]  # shape (steps + 1, *B, d)
    gradient_terms: NDArray[np.float64]  # shape (steps, *B, d)
    losses: NDArray[np.float64] | None  # shape (steps + 1, *B)
    diverged_at: NDArray[np.int64]  # shape B, -1 until a configuration diverges

    @classmethod
    def prepare(cls, gradient, w0, learning_rate, momentum, schedule, steps, loss, threshold):
        validate.callable_(gradient, "gradient")
        if loss is not None:
            validate.callable_(loss, "loss")
        steps = validate.steps(steps)
        learning_rate = validate.learning_rate(learning_rate)
        momentum = validate.momentum(momentum)
        threshold = float(validate.positive(threshold, "divergence_threshold"))
        w0 = validate.finite_array("w0", w0)
        try:
            batch = np.broadcast_shapes(w0.shape[:-1], learning_rate.shape, momentum.shape)
        except ValueError as error:
            raise ValueError(
                "learning_rate and momentum must broadcast against the batch axes of w0, got "
                f"w0.shape = {w0.shape}, learning_rate.shape = {learning_rate.shape}, "
                f"momentum.shape = {momentum.shape}"
            ) from error
        shape = (*batch, w0.shape[-1])
        return cls(
            w0=np.array(np.broadcast_to(w0, shape)),
            eta=np.array(np.broadcast_to(learning_rate, batch)),
            alpha=np.array(np.broadcast_to(momentum, batch)),
            factors=_schedule_factors(schedule, steps),
            threshold=threshold,
            weights=np.empty((steps + 1, *shape)),
            gradient_terms=np.empty((steps, *shape)),
            losses=None if loss is None else np.empty((steps + 1, *batch)),
            diverged_at=np.full(batch, -1, dtype=np.int64),
        )

    def trajectory(self) -> Trajectory:
        """The records as a :class:`Trajectory`, diverged runs blanked from their step on."""
        _blank_diverged(self.weights, self.gradient_terms, self.losses, self.diverged_at)
        diverged = self.diverged_at >= 0
        diverged_at = self.diverged_at
        if diverged_at.ndim == 0:
            diverged, diverged_at = bool(diverged), int(diverged_at)
        return Trajectory(
            self.weights,
            self.gradient_terms,
            self.losses,
            diverged=diverged,
            diverged_at=diverged_at,
            learning_rate=self.eta,
            momentum=self.alpha,
        )


def _schedule_factors(schedule, steps: int) -> NDArray[np.float64]:
    """The factors s(0), …, s(steps − 1) on η: all 1 without a schedule."""
    if schedule is None:
        return np.ones(steps)
    if callable(schedule):
        factors = np.array([float(schedule(step)) for step in range(steps)])
    else:
        factors = validate.finite_array("schedule", schedule)
        if factors.shape != (steps,):
            raise ValueError(
                f"schedule must be a function of the step or hold one factor per step, "
                f"shape ({steps},), got shape {factors.shape}"
            )
    if not np.all(np.isfinite(factors) & (factors > 0)):
        raise ValueError("schedule must give positive, finite factors on η at every step")
    return factors


def _iterate(
    run: _Run, gradient: Gradient, loss: Loss | None, nesterov: bool, weight_decay: float
) -> None:
    """The thread's update, step after step, for every configuration of the batch at once.

    Each line of the loop is one term of the formula, computed into a buffer (``out=``)
    rather than a new array: the loop runs ``steps`` times over the whole batch. A
    configuration that diverges is flagged at its first bad step and frozen at w0 (its η
    and α set to 0), so that the batch stays finite and the loop needs no masking.
    """
    batch, shape = run.eta.shape, run.w0.shape
    # −η and α for every weight of every configuration, shape (*B, d): same-shape
    # arithmetic is faster than broadcasting (*B, 1) against (*B, d) at every step.
    minus_eta = -np.broadcast_to(run.eta[..., None], shape)
    alpha = np.array(np.broadcast_to(run.alpha[..., None], shape))
    w, delta_w = run.w0.copy(), np.zeros_like(run.w0)
    momentum_term = np.zeros_like(run.w0)
    # The first step's gradient (Δw = 0, so also at the look-ahead point), checked and
    # used: a stochastic gradient draws each minibatch for a step, none to waste.
    step_gradient = validate.gradient_at_start(gradient, w)
    run.weights[0] = w
    with np.errstate(all="ignore"):
        if loss is not None:
            run.losses[0] = _loss_values(loss, w, batch)
        for step, factor in enumerate(run.factors):
            np.multiply(alpha, delta_w, out=momentum_term)  # α·Δw
            if step > 0:
                step_gradient = gradient(w + momentum_term if nesterov else w)
            gradient_term = run.gradient_terms[step]
            np.multiply(minus_eta, step_gradient, out=gradient_term)  # −η·∇Q(w)
            if factor != 1.0:
                gradient_term *= factor  # a schedule: η_t = η·s(t)
            np.add(momentum_term, gradient_term, out=delta_w)  # Δw ← α·Δw − η·∇Q(w)
            previous_w, w = w, np.add(w, delta_w, out=run.weights[step + 1])  # w ← w + Δw
            if weight_decay:  # decoupled: w ← w − η·ω·w, outside Δw
                w += (factor * weight_decay) * minus_eta * previous_w
            if loss is not None:
                run.losses[step + 1] = _loss_values(loss, w, batch)
            bad = _diverging(w, None if loss is None else run.losses[step + 1], run.threshold)
            if bad is not None:
                run.diverged_at[bad & (run.diverged_at < 0)] = step + 1
                w[bad], delta_w[bad], minus_eta[bad], alpha[bad] = run.w0[bad], 0.0, 0.0, 0.0
                if (run.diverged_at >= 0).all():
                    break


def _diverging(w: NDArray, losses: NDArray | None, threshold: float) -> NDArray | None:
    """The configurations beyond the threshold (or nan) at this step; None if there are none.

    Two reductions find whether anything is wrong (nan fails every comparison); only then
    is the batch searched row by row.
    """
    if _within(w, threshold) and (losses is None or _within(losses, threshold)):
        return None
    rows = _rows_beyond(w, threshold)
    if losses is not None:
        rows |= ~(np.abs(losses) <= threshold)
    return rows


def _blank_diverged(weights, gradient_terms, losses, diverged_at) -> None:
    """Overwrite each diverged configuration's records with nan from its step on."""
    runs = diverged_at.size  # the batch, flattened: one column per configuration
    flat_weights = weights.reshape(weights.shape[0], runs, weights.shape[-1])
    flat_terms = gradient_terms.reshape(gradient_terms.shape[0], runs, weights.shape[-1])
    flat_losses = None if losses is None else losses.reshape(losses.shape[0], runs)
    for run in np.flatnonzero(diverged_at >= 0):
        step = diverged_at.flat[run]
        flat_weights[step:, run] = flat_terms[step - 1 :, run] = np.nan
        if flat_losses is not None:
            flat_losses[step:, run] = np.nan


def _rows_beyond(w: NDArray, threshold: float) -> NDArray[np.bool_]:
    """Which configurations have a weight that is nan, inf or beyond ±threshold."""
    inside = np.abs(w[..., 0]) <= threshold
    for i in range(1, w.shape[-1]):  # a loop over the few weights beats a reduction
        inside &= np.abs(w[..., i]) <= threshold
    return ~inside


def _within(values: NDArray, threshold: float) -> bool:
    """Whether every value is finite and within ±threshold (False for nan)."""
    return bool(values.max() <= threshold and values.min() >= -threshold)


def _loss_values(loss: Loss, w: NDArray, batch: tuple[int, ...]) -> NDArray:
    values = np.asarray(loss(w), dtype=float)
    if values.shape != batch:
        raise ValueError(
            f"loss must return one value per configuration, shape {batch}, got {values.shape}"
        )
    return values
