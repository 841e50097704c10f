"""The models the book trains, as a loss Q(w) and its gradient ∇Q(w) over a data set.

The regressions are linear in their weights: the prediction for the samples X is
ŷ = X w (a column of ones in X gives an intercept, see :func:`design_matrix`).
:class:`MLP`, a small neural network, is not (chapter 11), and
:func:`l2_regularized` adds an L2 penalty to any of them.
``loss`` and ``gradient`` accept weights of shape ``(..., d)`` (any batch axes),
so that :func:`~momentum_lib.optimizers.minimize` can train a whole grid of settings at once.

With ``batch_size`` set, ``gradient`` is a *stochastic* gradient: each call
draws a fresh minibatch (without replacement, from a generator seeded by
``seed``) and returns the gradient of the loss on it. Introduced in chapter 8,
"Stochastic gradients".
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
from numpy.typing import ArrayLike, NDArray

from momentum_lib import _validation as validate
from momentum_lib import losses

__all__ = [
    "MLP",
    "Objective",
    "design_matrix",
    "l2_regularized",
    "linear_regression",
    "logistic_regression",
    "minibatch_noise_trace",
]

REGRESSION_LOSSES = ("mse", "mae", "huber")


class Objective(NamedTuple):
    """A loss Q(w), its gradient ∇Q(w) and, where the book needs it, its Hessian ∇²Q(w).

    All are callables of the weights w (the Hessian of one w, shape (d,), at a time).
    Every model of this module returns one.

    Introduced in chapter 11, "Momentum in a network", the first to build one itself (from
    a landscape's loss and gradient).
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


def l2_regularized(objective: Objective, strength: float) -> Objective:
    r"""The objective with an L2 penalty: Q(w) + ω/2·‖w‖², whose gradient is ∇Q(w) + ω·w.

    .. math::

        Q_\omega(w) = Q(w) + \frac{\omega}{2}\lVert w\rVert^2, \qquad
        \nabla Q_\omega(w) = \nabla Q(w) + \omega\, w, \qquad
        \nabla^2 Q_\omega(w) = \nabla^2 Q(w) + \omega I

    L2 regularization changes the *loss*: whichever optimizer then runs sees ω·w inside
    every gradient, so that it passes through the momentum buffer Δw (and through Adam's
    moving averages) like the rest of the gradient. Decoupled weight decay changes the
    *optimizer* instead (``weight_decay=`` of :func:`~momentum_lib.optimizers.minimize`
    and :func:`~momentum_lib.conventions.adam`). Every weight is penalized, biases
    included (as PyTorch's ``weight_decay`` does unless told otherwise).

    Introduced in chapter 11, "Momentum in a network".

    Parameters
    ----------
    objective : Objective
        Q and ∇Q (and ∇²Q, if it has one); a stochastic gradient stays stochastic, and
        the penalty's gradient ω·w is added to each draw exactly.
    strength : float
        ω >= 0.

    Returns
    -------
    Objective

    Examples
    --------
    >>> bowl = linear_regression([[1.0]], [2.0])  # Q(w) = (w − 2)²
    >>> ridge = l2_regularized(bowl, 2.0)  # (w − 2)² + w²: minimum at w = 1
    >>> float(ridge.loss([1.0])), ridge.gradient([1.0])
    (2.0, array([0.]))
    """
    strength = validate.non_negative(strength, "strength")
    if not isinstance(objective, Objective):
        raise TypeError(
            f"objective must be an Objective (a loss, its gradient and optionally its "
            f"Hessian), got {objective!r}"
        )

    def loss(w: ArrayLike) -> NDArray:
        w = np.asarray(w, dtype=float)
        return objective.loss(w) + 0.5 * strength * np.sum(w**2, axis=-1)

    def gradient(w: ArrayLike) -> NDArray:
        w = np.asarray(w, dtype=float)
        return objective.gradient(w) + strength * w

    hessian = None
    if objective.hessian is not None:

        def hessian(w: ArrayLike) -> NDArray:
            curvature = objective.hessian(w)
            return curvature + strength * np.eye(curvature.shape[-1])

    return Objective(loss, gradient, hessian)


MLP_LOSSES = ("mse", "bce")


@dataclass(frozen=True)
class MLP:
    r"""A multilayer perceptron: tanh hidden layers and one linear output, on one flat w.

    For a sample x (a row of the features X), with weight matrices W_ℓ and biases b_ℓ,

    .. math::

        a_0 = x, \qquad a_\ell = \tanh(W_\ell\, a_{\ell-1} + b_\ell)
        \quad (\ell = 1, \dots, L - 1), \qquad \hat y = W_L\, a_{L-1} + b_L .

    Every weight lives in one flat vector w, layer after layer, each W_ℓ row by row and
    then b_ℓ, so that the network is one more Q(w) with a gradient ∇Q(w) for
    :func:`~momentum_lib.optimizers.minimize`. :meth:`objective` gives that pair; the
    gradient is computed by backpropagation, the chain rule applied from the output
    back (``tests/lib/test_network_and_adam.py`` checks it against finite differences
    and against PyTorch's autograd). With ``hidden=()`` the network is the linear model
    ŷ = Xw + b of chapter 1.

    Introduced in chapter 11, "Momentum in a network".

    Parameters
    ----------
    inputs : int
        The number of features, >= 1.
    hidden : int or sequence of int
        The width of each hidden layer (one number: one hidden layer), each >= 1.

    Attributes
    ----------
    sizes : tuple of int
        The widths of all layers, inputs first, output (1) last.
    size : int
        d, the number of weights.

    Examples
    --------
    >>> net = MLP(inputs=2, hidden=3)
    >>> net.sizes, net.size  # 2·3 + 3 weights into the hidden layer, 3 + 1 out of it
    ((2, 3, 1), 13)
    >>> net.predict(np.zeros(13), [[1.0, 2.0]])
    array([0.])
    """

    inputs: int
    hidden: int | tuple[int, ...]

    def __post_init__(self) -> None:
        hidden = (self.hidden,) if isinstance(self.hidden, int | np.integer) else self.hidden
        try:
            hidden = tuple(hidden)
        except TypeError:
            raise TypeError(
                f"hidden must be a width or a sequence of widths, got {self.hidden!r}"
            ) from None
        for name, value in (("inputs", self.inputs), *(("hidden", h) for h in hidden)):
            if validate.steps(value, name) < 1:
                raise ValueError(f"{name} must be an integer >= 1 (a layer's width), got {value}")
        object.__setattr__(self, "hidden", tuple(int(h) for h in hidden))

    @property
    def sizes(self) -> tuple[int, ...]:
        """The widths of all layers, inputs first and the output (1) last."""
        return (self.inputs, *self.hidden, 1)

    @property
    def size(self) -> int:
        """The number of weights d, the sum over the layers of (width in + 1) · (width out)."""
        return sum((fan_in + 1) * fan_out for fan_in, fan_out in self._fans())

    def _fans(self) -> list[tuple[int, int]]:
        return list(zip(self.sizes[:-1], self.sizes[1:], strict=True))

    def layers(self, w: ArrayLike) -> list[tuple[NDArray[np.float64], NDArray[np.float64]]]:
        """The pairs (W_ℓ, b_ℓ) of each layer, as views into w (when w is a float array).

        W_ℓ has shape ``(..., width out, width in)`` and b_ℓ ``(..., width out)``, with
        the batch axes of ``w`` in front.

        Introduced in chapter 11, "Momentum in a network".
        """
        w = self._weights(w)
        pairs, start = [], 0
        for fan_in, fan_out in self._fans():
            matrix = w[..., start : start + fan_out * fan_in]
            start += fan_out * fan_in
            pairs.append(
                (matrix.reshape(*w.shape[:-1], fan_out, fan_in), w[..., start : start + fan_out])
            )
            start += fan_out
        return pairs

    def predict(self, w: ArrayLike, features: ArrayLike) -> NDArray[np.float64]:
        """ŷ for every sample, shape ``(..., n)``: the network's output for each row of X.

        Introduced in chapter 11, "Momentum in a network".
        """
        features = self._features(features)
        return self._activations(self._weights(w), features)[-1][..., 0]

    def initial_weights(
        self, seed: int | np.random.Generator | None = None, scale: float = 1.0
    ) -> NDArray[np.float64]:
        """A random start: each W_ℓ drawn from N(0, scale²/width in), every b_ℓ = 0.

        The spread 1/√(width in) keeps each unit's input W_ℓ a_(ℓ−1) of size about
        ``scale`` (LeCun's initialization); ``scale=0`` gives the all-zero start, where
        every hidden unit is the same and stays so.

        Introduced in chapter 11, "Momentum in a network".
        """
        scale = validate.non_negative(scale, "scale")
        rng = np.random.default_rng(seed)
        pieces = []
        for fan_in, fan_out in self._fans():
            pieces += [
                scale * rng.normal(size=fan_out * fan_in) / np.sqrt(fan_in),
                np.zeros(fan_out),
            ]
        return np.concatenate(pieces)

    def objective(
        self,
        features: ArrayLike,
        targets: ArrayLike,
        *,
        loss: str = "mse",
        batch_size: int | None = None,
        seed: int | np.random.Generator | None = None,
    ) -> Objective:
        r"""Q(w) and its backpropagated gradient ∇Q(w) on a data set.

        ``loss="mse"``: Q = (1/n) Σ (ŷ_i − y_i)² (regression); ``loss="bce"``: binary
        cross-entropy with the output as the logit, P(y = 1) = σ(ŷ) (classification, as
        :func:`logistic_regression`). With ``batch_size``, ``gradient`` draws a fresh
        minibatch at every call, as in :func:`linear_regression`; ``loss`` is always on
        the whole data set.

        Backpropagation: with δ_L = ∂Q/∂ŷ for each sample, going down the layers,

        .. math::

            \frac{\partial Q}{\partial W_\ell} = \sum_i \delta_{\ell,i}\, a_{\ell-1,i}^\top,
            \qquad \frac{\partial Q}{\partial b_\ell} = \sum_i \delta_{\ell,i}, \qquad
            \delta_{\ell-1} = (W_\ell^\top \delta_\ell) \odot (1 - a_{\ell-1}^2)

        (tanh' = 1 − tanh²). ``loss`` and ``gradient`` accept weights of shape ``(..., d)``.

        Introduced in chapter 11, "Momentum in a network".
        """
        features, targets, batch_size = _data(features, targets, batch_size)
        features = self._features(features)
        if loss not in MLP_LOSSES:
            raise ValueError(f"loss must be one of {MLP_LOSSES}, got {loss!r}")
        if loss == "bce":
            validate.probabilities(targets, "targets")
        loss_of, gradient_of = {
            "mse": (losses._mse, losses._mse_gradient),
            "bce": (losses._bce_logits, losses._bce_logits_gradient),
        }[loss]

        def loss_value(w: ArrayLike) -> NDArray:
            """Q(w) on the whole data set."""
            return loss_of(self._activations(self._weights(w), features)[-1][..., 0], targets)

        def full_gradient(w: ArrayLike) -> NDArray:
            """∇Q(w) on the whole data set, by backpropagation."""
            return self._backpropagate(self._weights(w), features, targets, gradient_of)

        if batch_size is None:
            return Objective(loss_value, full_gradient)

        rng = np.random.default_rng(seed)

        def minibatch_gradient(w: ArrayLike) -> NDArray:
            """∇Q(w) on a fresh random minibatch of ``batch_size`` samples."""
            rows = rng.choice(features.shape[0], size=batch_size, replace=False)
            return self._backpropagate(self._weights(w), features[rows], targets[rows], gradient_of)

        return Objective(loss_value, minibatch_gradient)

    def _weights(self, w: ArrayLike) -> NDArray[np.float64]:
        w = np.asarray(w, dtype=float)
        if w.shape[-1:] != (self.size,):
            raise ValueError(
                f"w must have the network's {self.size} weights on its last axis, "
                f"got shape {w.shape}"
            )
        return w

    def _features(self, features: ArrayLike) -> NDArray[np.float64]:
        features = validate.finite_array("features", features)
        if features.ndim != 2 or features.shape[1] != self.inputs:
            raise ValueError(
                f"features must be 2-D, samples × {self.inputs} inputs, got shape {features.shape}"
            )
        return features

    def _activations(self, w: NDArray, features: NDArray) -> list[NDArray[np.float64]]:
        """a_0 = X, a_1, …, a_L (the last one ŷ, before any loss), each (..., n, width)."""
        activations = [features]
        layers = self.layers(w)
        for number, (matrix, bias) in enumerate(layers, start=1):
            z = activations[-1] @ np.swapaxes(matrix, -1, -2) + bias[..., None, :]
            activations.append(z if number == len(layers) else np.tanh(z))
        return activations

    def _backpropagate(self, w, features, targets, gradient_of) -> NDArray[np.float64]:
        """∂Q/∂w by the chain rule, from the output layer down, as one flat vector."""
        activations = self._activations(w, features)
        layers = self.layers(w)
        delta = gradient_of(activations[-1][..., 0], targets)[..., None]  # ∂Q/∂ŷ, (..., n, 1)
        pieces = []
        for number in range(len(layers), 0, -1):
            below = activations[number - 1]  # a_(ℓ−1), (..., n, width in)
            pieces.append(delta.sum(axis=-2))  # ∂Q/∂b_ℓ
            matrix_gradient = np.swapaxes(delta, -1, -2) @ below  # ∂Q/∂W_ℓ
            pieces.append(matrix_gradient.reshape(*matrix_gradient.shape[:-2], -1))
            if number > 1:
                delta = (delta @ layers[number - 1][0]) * (1.0 - below**2)  # tanh' = 1 − tanh²
        return np.concatenate(pieces[::-1], axis=-1)
