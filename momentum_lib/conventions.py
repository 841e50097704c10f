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

Adam (:func:`adam`, chapter 11) is the moving-average form with a bias correction, its
step divided, weight by weight, by the root of a second moving average, of the squared
gradients.

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
    "adam",
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


def adam(
    gradient: Gradient,
    w0: ArrayLike,
    *,
    learning_rate: ArrayLike,
    beta1: float = 0.9,
    beta2: float = 0.999,
    epsilon: float = 1e-8,
    weight_decay: float = 0.0,
    steps: int,
) -> NDArray[np.float64]:
    r"""Adam (Kingma and Ba, 2015), with decoupled weight decay ω as AdamW.

    From m = v = 0, at each step t = 1, 2, … with g = ∇Q(w):

    .. math::

        m &\leftarrow \beta_1\, m + (1 - \beta_1)\, g, \qquad
        v \leftarrow \beta_2\, v + (1 - \beta_2)\, g^2, \qquad
        \hat m = \frac{m}{1 - \beta_1^t}, \quad \hat v = \frac{v}{1 - \beta_2^t}, \\
        w &\leftarrow w - \eta_t \Bigl(\frac{\hat m}{\sqrt{\hat v} + \varepsilon}
        + \omega\, w\Bigr)

    (squares, roots and the division weight by weight). The first moment m is the
    moving-average form of :func:`moving_average_sgd` with β = β₁; the bias correction
    1/(1 − β₁^t) makes its weights (1 − β₁)β₁^k sum to 1 from the first step on. With
    ω > 0 this is AdamW (Loshchilov and Hutter, 2019; ``torch.optim.AdamW``): the decay
    ω·w never enters m or v. For Adam with L2 regularization (``torch.optim.Adam`` with
    ``weight_decay``), pass the gradient of
    :func:`~momentum_lib.models.l2_regularized` and ω = 0.

    Introduced in chapter 11, "Momentum in a network".

    Parameters
    ----------
    gradient : callable
        ∇Q: takes weights of the shape of ``w0`` and returns that shape.
    w0 : array_like, shape (..., d)
        The start; leading axes, if any, are independent runs (several seeds, say).
    learning_rate : float or array_like, shape (steps,)
        η > 0, or one η_t per step (a schedule).
    beta1, beta2 : float, default 0.9 and 0.999
        The decay factors of the two moving averages, in [0, 1).
    epsilon : float, default 1e-8
        ε > 0, added to √v̂ so that a weight whose gradients vanish takes no huge step.
    weight_decay : float, default 0.0
        ω >= 0, decoupled: each step also shrinks w by η_t·ω·w.
    steps : int
        The number of steps, >= 0.

    Returns
    -------
    numpy.ndarray
        The weights after each step, shape ``(steps + 1, *w0.shape)``.

    Examples
    --------
    Whatever the gradient's size, the first step moves each weight by about η:

    >>> w = adam(lambda w: 1000.0 * w, [1.0, -2.0], learning_rate=0.1, steps=1)
    >>> w[1].round(6)
    array([ 0.9, -1.9])
    """
    gradient, w, rates, weights = _start(gradient, w0, steps, learning_rate)
    beta1 = float(validate.fraction(beta1, "beta1"))
    beta2 = float(validate.fraction(beta2, "beta2"))
    epsilon = float(validate.positive(epsilon, "epsilon"))
    weight_decay = validate.non_negative(weight_decay, "weight_decay")
    m, v = np.zeros_like(w), np.zeros_like(w)
    for step, rate in enumerate(rates, start=1):
        g = gradient(w)
        m = beta1 * m + (1.0 - beta1) * g  # the moving-average form's u
        v = beta2 * v + (1.0 - beta2) * g**2
        m_hat, v_hat = m / (1.0 - beta1**step), v / (1.0 - beta2**step)
        w = w - rate * (m_hat / (np.sqrt(v_hat) + epsilon) + weight_decay * w)
        weights[step] = w
    return weights
