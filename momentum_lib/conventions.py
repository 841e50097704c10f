"""One method written three ways, and the exact translation between them.

* The thread's form (Wikipedia, Sutskever et al. 2013, Keras' ``SGD``):
  Δw ← α·Δw − η·g;  w ← w + Δw.
* The PyTorch/optax form (``torch.optim.SGD``, ``optax.sgd``), with momentum μ
  and dampening τ: v ← g on the first step, then v ← μ·v + (1 − τ)·g;  w ← w − η·v.
* The exponential-moving-average form (the "β" of many write-ups):
  v ← β·v + (1 − β)·g (v starts at 0);  w ← w − η·v.

Here g = ∇Q(w). With a constant learning rate and no dampening the three give
the same weights step for step under the mappings below; they part ways when
the learning rate changes during the run (the thread's Δw remembers the old η,
the velocity v does not) and on PyTorch's first step with dampening.

Each runner takes ``learning_rate`` as one number or as a sequence of one
number per step (a schedule) and returns the weights, shape (steps + 1, d).

Introduced in chapter 6, "One method, three conventions".
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from numpy.typing import ArrayLike, NDArray

from momentum_lib import _validation as validate
from momentum_lib.optimizers import minimize

__all__ = [
    "moving_average_sgd",
    "moving_average_to_thread",
    "pytorch_sgd",
    "pytorch_to_thread",
    "thread_sgd",
    "thread_to_moving_average",
    "thread_to_pytorch",
]

Gradient = Callable[[NDArray[np.float64]], ArrayLike]


def pytorch_to_thread(
    learning_rate: float, momentum: float, dampening: float = 0.0
) -> tuple[float, float]:
    """The thread's (η, α) for PyTorch's (lr, momentum μ, dampening τ): (lr·(1 − τ), μ).

    Introduced in chapter 6, "One method, three conventions".

    Exact from the second step on; with τ > 0 PyTorch's first step is larger
    by 1/(1 − τ), because it starts the velocity at v = g, undamped.
    """
    learning_rate = float(validate.learning_rate(learning_rate))
    momentum = float(validate.momentum(momentum))
    dampening = float(validate.fraction(dampening, "dampening"))
    return learning_rate * (1.0 - dampening), momentum


def thread_to_pytorch(learning_rate: float, momentum: float) -> tuple[float, float]:
    """PyTorch's (lr, momentum), with dampening 0, for the thread's (η, α): (η, α).

    Introduced in chapter 6, "One method, three conventions".
    """
    return float(validate.learning_rate(learning_rate)), float(validate.momentum(momentum))


def moving_average_to_thread(learning_rate: float, beta: float) -> tuple[float, float]:
    """The thread's (η, α) for the moving-average form's (η_ema, β): (η_ema·(1 − β), β).

    Introduced in chapter 6, "One method, three conventions".
    """
    learning_rate = float(validate.learning_rate(learning_rate))
    beta = float(validate.momentum(beta, "beta"))
    return learning_rate * (1.0 - beta), beta


def thread_to_moving_average(learning_rate: float, momentum: float) -> tuple[float, float]:
    """The moving-average form's (η_ema, β) for the thread's (η, α): (η/(1 − α), α).

    Introduced in chapter 6, "One method, three conventions".
    """
    learning_rate = float(validate.learning_rate(learning_rate))
    momentum = float(validate.momentum(momentum))
    return learning_rate / (1.0 - momentum), momentum


def _schedule(learning_rate: ArrayLike, steps: int) -> NDArray[np.float64]:
    rates = validate.learning_rate(learning_rate)
    if rates.ndim == 0:
        return np.full(steps, float(rates))
    if rates.shape != (steps,):
        raise ValueError(
            f"learning_rate must be one number or one per step, shape ({steps},), "
            f"got shape {rates.shape}"
        )
    return rates


def _start(gradient: Gradient, w0: ArrayLike, steps: int, learning_rate: ArrayLike):
    validate.callable_(gradient, "gradient")
    steps = validate.steps(steps)
    w = validate.finite_array("w0", w0)
    pending = [validate.gradient_at_start(gradient, w)]

    def step_gradient(w: NDArray[np.float64]) -> NDArray[np.float64]:
        """The gradient at w: the one checked at w0 first, so no minibatch is wasted."""
        return pending.pop() if pending else np.asarray(gradient(w), dtype=float)

    rates = _schedule(learning_rate, steps)
    weights = np.empty((steps + 1, *w.shape))
    weights[0] = w
    return step_gradient, w, rates, weights


def thread_sgd(
    gradient: Gradient, w0: ArrayLike, *, learning_rate: ArrayLike, momentum: float, steps: int
) -> NDArray[np.float64]:
    """The thread's form: Δw ← α·Δw − η_t·∇Q(w);  w ← w + Δw, from Δw = 0.

    Introduced in chapter 6, "One method, three conventions".

    This is :func:`~momentum_lib.optimizers.minimize` with the rates η_t as its schedule; only an
    overflow counts as divergence (its weights are nan from that step on).
    """
    rates = _schedule(learning_rate, validate.steps(steps))
    run = minimize(
        gradient, w0, learning_rate=1.0, schedule=rates, momentum=float(momentum),
        steps=steps, divergence_threshold=np.finfo(float).max,
    )  # fmt: skip
    return run.weights


def pytorch_sgd(
    gradient: Gradient,
    w0: ArrayLike,
    *,
    learning_rate: ArrayLike,
    momentum: float,
    dampening: float = 0.0,
    nesterov: bool = False,
    steps: int,
) -> NDArray[np.float64]:
    r"""The PyTorch/optax form, as ``torch.optim.SGD`` documents it (no weight decay).

    Introduced in chapter 6, "One method, three conventions".

    .. math::

        v_1 = g_1, \quad v_t = \mu\,v_{t-1} + (1 - \tau)\,g_t \;(t > 1), \qquad
        w \leftarrow w - \eta_t\,v_t

    With ``nesterov=True`` the step uses g_t + μ·v_t instead of v_t. Its weights are
    then the look-ahead points w + αΔw of the thread's Nesterov form (chapter 6).
    """
    gradient, w, rates, weights = _start(gradient, w0, steps, learning_rate)
    momentum = float(validate.momentum(momentum))
    dampening = float(validate.fraction(dampening, "dampening"))
    velocity = None
    for step, rate in enumerate(rates):
        g = gradient(w)
        velocity = g if velocity is None else momentum * velocity + (1.0 - dampening) * g
        w = w - rate * (g + momentum * velocity if nesterov else velocity)
        weights[step + 1] = w
    return weights


def moving_average_sgd(
    gradient: Gradient, w0: ArrayLike, *, learning_rate: ArrayLike, beta: float, steps: int
) -> NDArray[np.float64]:
    """The moving-average form: v ← β·v + (1 − β)·∇Q(w);  w ← w − η_t·v, from v = 0.

    Introduced in chapter 6, "One method, three conventions".

    No bias correction (as in SGD with an EMA of gradients; Adam adds one).
    """
    gradient, w, rates, weights = _start(gradient, w0, steps, learning_rate)
    beta = float(validate.momentum(beta, "beta"))
    velocity = np.zeros_like(w)
    for step, rate in enumerate(rates):
        velocity = beta * velocity + (1.0 - beta) * gradient(w)
        w = w - rate * velocity
        weights[step + 1] = w
    return weights
