"""Optional cross-check: the book's PyTorch form against ``torch.optim.SGD`` itself.

Chapter 6 shows what PyTorch does with ``momentum_lib.conventions.pytorch_sgd``, the book's
re-implementation of the update that ``torch.optim.SGD`` documents. This module runs the
real optimizer (float64, ``weight_decay=0``, gradients by torch's own autograd) on a small
quadratic and compares its weights with the book's forms, step by step, to 1e-12:

* the PyTorch form ``pytorch_sgd``, for plain momentum, dampening and Nesterov, with a
  constant learning rate and with one changed in the middle of the run;
* the thread's form (``thread_sgd`` and ``minimize``) through the documented mappings
  ``thread_to_pytorch`` / ``pytorch_to_thread``: the same weights under a constant learning
  rate; with dampening, a first step 1/(1 − τ) times the thread's and the thread's
  recurrence from the second step on; with a learning rate changed mid-run, the forms part
  ways by exactly α(1 − η₁/η₀)·Δw_prev at the first step after the change, while the
  moving-average form (``thread_to_moving_average``: lr/(1 − β), β) stays equal to PyTorch;
* Nesterov: torch's weights are the look-ahead points w + αΔw of
  ``minimize(..., nesterov=True)``.

Chapter 11's additions, against ``torch.optim.Adam``, ``AdamW`` and ``SGD`` with
``weight_decay``, and against torch's autograd:

* ``SGD(weight_decay=ω)`` is L2 through the buffer: ``minimize`` on the gradient of
  ``l2_regularized``, not ``minimize(..., weight_decay=ω)`` (unless α = 0);
* ``Adam`` is ``conventions.adam``, with a constant and a changed learning rate;
  ``Adam(weight_decay=ω)`` is ``adam`` on the L2 gradient, and ``AdamW(weight_decay=ω)``
  (as ``Adam(decoupled_weight_decay=True)``) is ``adam(..., weight_decay=ω)``;
* the ``MLP``'s backpropagated gradient is autograd's, for the documented layout of w.

optax and Keras are not run here: chapters 6 and 11 check them only against their
documented update rules. Without torch the module is skipped with a message.
"""

from __future__ import annotations

import numpy as np
import pytest

from momentum_lib import Quadratic, minimize
from momentum_lib.conventions import (
    adam,
    moving_average_sgd,
    pytorch_sgd,
    pytorch_to_thread,
    thread_sgd,
    thread_to_moving_average,
    thread_to_pytorch,
)
from momentum_lib.models import MLP, Objective, l2_regularized

torch = pytest.importorskip(
    "torch",
    reason="torch is not installed: install torch==2.13.0 to run the PyTorch cross-check",
)

TOLERANCE = 1e-12
STEPS = 60
CHANGE = 20  # the step at which the learning rate is halved in the schedule tests
CURVATURES = np.array([1.0, 10.0])
MINIMIZER = np.array([0.3, -0.2])
BOWL = Quadratic(CURVATURES, minimizer=MINIMIZER)  # Q(w) = ½ Σ λ_i (w_i − w*_i)²
W0 = np.array([-1.5, 1.0])


def halved_at(change: int, rate: float, steps: int = STEPS) -> np.ndarray:
    """A schedule: ``rate`` for the steps before ``change``, ``rate / 2`` from it on."""
    return np.where(np.arange(steps) < change, rate, rate / 2)


def torch_sgd(
    learning_rate,
    *,
    momentum: float,
    dampening: float = 0.0,
    nesterov: bool = False,
    weight_decay: float = 0.0,
) -> np.ndarray:
    """Run ``torch.optim.SGD`` on BOWL from W0; the weights after every step, (STEPS + 1, 2)."""
    return torch_run(
        lambda params, lr: torch.optim.SGD(
            params,
            lr=lr,
            momentum=momentum,
            dampening=dampening,
            nesterov=nesterov,
            weight_decay=weight_decay,
        ),
        learning_rate,
    )


def torch_run(optimizer_for, learning_rate) -> np.ndarray:
    """Run a torch optimizer on BOWL from W0; the weights after every step, (STEPS + 1, 2).

    ``optimizer_for(params, lr)`` builds the optimizer. ``learning_rate`` is one number or
    one per step; a change is written into the optimizer's parameter group before the step,
    as a scheduler does.
    """
    rates = np.broadcast_to(np.asarray(learning_rate, dtype=float), (STEPS,))
    w = torch.tensor(W0, dtype=torch.float64, requires_grad=True)
    curvatures = torch.tensor(CURVATURES, dtype=torch.float64)
    minimizer = torch.tensor(MINIMIZER, dtype=torch.float64)
    optimizer = optimizer_for([w], float(rates[0]))
    weights = [w.detach().numpy().copy()]
    for rate in rates:
        for group in optimizer.param_groups:
            group["lr"] = float(rate)
        optimizer.zero_grad()
        loss = 0.5 * (curvatures * (w - minimizer) ** 2).sum()
        loss.backward()
        optimizer.step()
        weights.append(w.detach().numpy().copy())
    return np.array(weights)


def assert_close(actual, expected, what: str) -> None:
    difference = np.abs(np.asarray(actual) - np.asarray(expected)).max()
    assert difference <= TOLERANCE, f"{what}: largest difference {difference:.2e}"


def test_the_torch_runs_are_in_float64():
    w = torch.tensor(W0, dtype=torch.float64, requires_grad=True)
    torch.optim.SGD([w], lr=0.05, momentum=0.9)  # the optimizer keeps the tensor's dtype
    assert w.dtype == torch.float64
    assert torch_sgd(0.05, momentum=0.9).dtype == np.float64


# ---------------------------------------------------------------------------
# torch.optim.SGD against the book's PyTorch form, step by step
# ---------------------------------------------------------------------------

SETTINGS = [
    pytest.param(0.9, 0.0, False, id="momentum 0.9"),
    pytest.param(0.0, 0.0, False, id="momentum 0 (plain gradient descent)"),
    pytest.param(0.8, 0.5, False, id="momentum 0.8, dampening 0.5"),
    pytest.param(0.9, 0.0, True, id="Nesterov, momentum 0.9"),
]


@pytest.mark.parametrize(("momentum", "dampening", "nesterov"), SETTINGS)
@pytest.mark.parametrize("schedule", ["constant", "halved mid-run"])
def test_torch_sgd_is_the_pytorch_form(momentum, dampening, nesterov, schedule):
    learning_rate = 0.05 if schedule == "constant" else halved_at(CHANGE, 0.05)
    real = torch_sgd(learning_rate, momentum=momentum, dampening=dampening, nesterov=nesterov)
    book = pytorch_sgd(
        BOWL.gradient,
        W0,
        learning_rate=learning_rate,
        momentum=momentum,
        dampening=dampening,
        nesterov=nesterov,
        steps=STEPS,
    )
    assert_close(real, book, "torch.optim.SGD against pytorch_sgd")
    # a real run, not a standstill: it got at least halfway to the minimum
    assert np.abs(real[-1] - MINIMIZER).max() < 0.5 * np.abs(W0 - MINIMIZER).max()


# ---------------------------------------------------------------------------
# torch.optim.SGD against the thread's form, through the documented mappings
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(("eta", "alpha"), [(0.05, 0.9), (0.1, 0.5), (0.15, 0.0)])
def test_torch_sgd_is_the_thread_form_under_a_constant_learning_rate(eta, alpha):
    lr, mu = thread_to_pytorch(eta, alpha)
    assert pytorch_to_thread(lr, mu) == (eta, alpha)
    real = torch_sgd(lr, momentum=mu)
    assert_close(
        real,
        thread_sgd(BOWL.gradient, W0, learning_rate=eta, momentum=alpha, steps=STEPS),
        "torch.optim.SGD against thread_sgd",
    )
    book = minimize(BOWL.gradient, W0, learning_rate=eta, momentum=alpha, steps=STEPS)
    assert_close(real, book.weights, "torch.optim.SGD against minimize")


def test_torch_sgd_with_dampening_is_the_thread_form_from_the_second_step_on():
    lr, mu, tau = 0.05, 0.8, 0.5
    eta, alpha = pytorch_to_thread(lr, mu, tau)  # (lr·(1 − τ), μ)
    real = torch_sgd(lr, momentum=mu, dampening=tau)
    thread = thread_sgd(BOWL.gradient, W0, learning_rate=eta, momentum=alpha, steps=STEPS)
    # the first step: PyTorch starts its velocity undamped, v = g, so it is 1/(1 − τ) larger
    assert_close(real[1] - W0, (thread[1] - W0) / (1 - tau), "first step, torch / thread")
    # from the second step on, torch's own updates follow Δw ← αΔw − η∇Q(w)
    updates = np.diff(real, axis=0)  # row t − 1 is Δw_t
    predicted = alpha * updates[:-1] - eta * BOWL.gradient(real[1:-1])
    assert_close(updates[1:], predicted, "torch's steps 2 onward against the thread's recurrence")
    # and the two runs differ in between (different first steps), as chapter 6 says
    assert np.abs(real[1:11] - thread[1:11]).max() > 1e-3


def test_a_learning_rate_change_parts_torch_from_the_thread_form_as_documented():
    eta, alpha = 0.05, 0.9
    schedule = halved_at(CHANGE, eta)
    real = torch_sgd(schedule, momentum=alpha)
    thread = thread_sgd(BOWL.gradient, W0, learning_rate=schedule, momentum=alpha, steps=STEPS)
    assert_close(real[: CHANGE + 1], thread[: CHANGE + 1], "before the change")
    # the first step after the change differs by α(1 − η₁/η₀)Δw_prev
    previous_step = thread[CHANGE] - thread[CHANGE - 1]
    predicted = alpha * (1 - 0.5) * previous_step
    measured = (thread[CHANGE + 1] - thread[CHANGE]) - (real[CHANGE + 1] - real[CHANGE])
    assert_close(measured, predicted, "first step after the change")
    assert np.abs(predicted).max() > 1e-3  # a real difference, not rounding
    # the moving-average form, with its documented learning rate lr/(1 − β), stays equal
    lr_ema, beta = thread_to_moving_average(eta, alpha)
    ema = moving_average_sgd(
        BOWL.gradient, W0, learning_rate=schedule * (lr_ema / eta), beta=beta, steps=STEPS
    )
    assert_close(real, ema, "torch.optim.SGD against moving_average_sgd, whole run")


def test_torch_nesterov_weights_are_the_books_look_ahead_points():
    eta, alpha = 0.05, 0.9
    real = torch_sgd(eta, momentum=alpha, nesterov=True)
    book = minimize(
        BOWL.gradient, W0, learning_rate=eta, momentum=alpha, nesterov=True, steps=STEPS
    )
    look_ahead = book.weights[1:] + alpha * book.updates
    assert_close(real[1:], look_ahead, "torch Nesterov against the book's w + αΔw")


# ---------------------------------------------------------------------------
# Weight decay and Adam (chapter 11)
# ---------------------------------------------------------------------------

BOWL_OBJECTIVE = Objective(BOWL.loss, BOWL.gradient)
OMEGA = 0.3  # the weight decay ω


@pytest.mark.parametrize(("alpha", "nesterov"), [(0.9, False), (0.5, True), (0.0, False)])
def test_torch_sgd_weight_decay_is_l2_through_the_buffer(alpha, nesterov):
    real = torch_sgd(0.05, momentum=alpha, nesterov=nesterov, weight_decay=OMEGA)
    ridge = l2_regularized(BOWL_OBJECTIVE, OMEGA)
    book = minimize(
        ridge.gradient, W0, learning_rate=0.05, momentum=alpha, nesterov=nesterov, steps=STEPS
    )
    # with Nesterov, torch's weights are the look-ahead points (chapter 6)
    expected = book.weights[1:] + alpha * book.updates if nesterov else book.weights[1:]
    assert_close(real[1:], expected, "torch SGD(weight_decay) against minimize on Q + ω/2·‖w‖²")
    decoupled = minimize(
        BOWL.gradient, W0, learning_rate=0.05, momentum=alpha, weight_decay=OMEGA, steps=STEPS
    )
    if alpha == 0.0:  # no buffer: L2 and decoupled decay are one update
        assert_close(real, decoupled.weights, "torch SGD(weight_decay) against weight_decay=ω")
    else:
        assert np.abs(real - decoupled.weights).max() > 1e-3


def torch_adam(learning_rate, *, betas=(0.9, 0.999), weight_decay=0.0, kind="Adam", **extra):
    """Run ``torch.optim.Adam`` (or ``AdamW``) on BOWL from W0, in float64."""
    optimizer = getattr(torch.optim, kind)
    return torch_run(
        lambda params, lr: optimizer(
            params, lr=lr, betas=betas, eps=1e-8, weight_decay=weight_decay, **extra
        ),
        learning_rate,
    )


@pytest.mark.parametrize("betas", [(0.9, 0.999), (0.5, 0.9), (0.0, 0.99)], ids=str)
@pytest.mark.parametrize("schedule", ["constant", "halved mid-run"])
def test_torch_adam_is_adam(betas, schedule):
    learning_rate = 0.05 if schedule == "constant" else halved_at(CHANGE, 0.05)
    real = torch_adam(learning_rate, betas=betas)
    book = adam(
        BOWL.gradient, W0, learning_rate=learning_rate, beta1=betas[0], beta2=betas[1],
        steps=STEPS,
    )  # fmt: skip
    assert_close(real, book, "torch.optim.Adam against adam")
    assert np.abs(real[-1] - MINIMIZER).max() < 0.5 * np.abs(W0 - MINIMIZER).max()


@pytest.mark.parametrize("schedule", ["constant", "halved mid-run"])
def test_torch_adamw_is_adam_with_decoupled_weight_decay(schedule):
    learning_rate = 0.05 if schedule == "constant" else halved_at(CHANGE, 0.05)
    book = adam(BOWL.gradient, W0, learning_rate=learning_rate, weight_decay=OMEGA, steps=STEPS)
    adamw = torch_adam(learning_rate, weight_decay=OMEGA, kind="AdamW")
    assert_close(adamw, book, "torch.optim.AdamW against adam(weight_decay=ω)")
    flag = torch_adam(learning_rate, weight_decay=OMEGA, decoupled_weight_decay=True)
    assert_close(flag, book, "torch Adam(decoupled_weight_decay=True) against adam(weight_decay=ω)")


def test_torch_adam_weight_decay_is_l2_through_both_averages():
    real = torch_adam(0.05, weight_decay=OMEGA)
    ridge = l2_regularized(BOWL_OBJECTIVE, OMEGA)
    assert_close(real, adam(ridge.gradient, W0, learning_rate=0.05, steps=STEPS), "Adam + L2")
    decoupled = adam(BOWL.gradient, W0, learning_rate=0.05, weight_decay=OMEGA, steps=STEPS)
    assert np.abs(real - decoupled).max() > 1e-3


def torch_network_loss(net: MLP, w, features, targets, loss: str):
    """The network written in torch from the documented layout: W_1 row by row, b_1, W_2, …"""
    start, a = 0, torch.tensor(features, dtype=torch.float64)
    for number, (fan_in, fan_out) in enumerate(zip(net.sizes[:-1], net.sizes[1:], strict=True)):
        matrix = w[start : start + fan_out * fan_in].reshape(fan_out, fan_in)
        start += fan_out * fan_in
        bias = w[start : start + fan_out]
        start += fan_out
        z = a @ matrix.T + bias
        a = z if number == len(net.sizes) - 2 else torch.tanh(z)
    output, y = a[:, 0], torch.tensor(targets, dtype=torch.float64)
    if loss == "bce":
        return torch.nn.functional.binary_cross_entropy_with_logits(output, y)
    return torch.mean((output - y) ** 2)


@pytest.mark.parametrize("loss", ["mse", "bce"])
@pytest.mark.parametrize("hidden", [(5,), (4, 3)], ids=str)
def test_the_mlp_gradient_is_autograds(hidden, loss):
    rng = np.random.default_rng(7)
    features = rng.normal(size=(12, 3))
    targets = (features[:, 0] > 0).astype(float) if loss == "bce" else np.sin(features[:, 1])
    net = MLP(3, hidden)
    objective = net.objective(features, targets, loss=loss)
    for seed in range(3):
        w = net.initial_weights(seed=seed, scale=1.5)
        w_torch = torch.tensor(w, dtype=torch.float64, requires_grad=True)
        value = torch_network_loss(net, w_torch, features, targets, loss)
        value.backward()
        assert float(value.detach()) == pytest.approx(float(objective.loss(w)), rel=1e-13)
        np.testing.assert_allclose(
            objective.gradient(w), w_torch.grad.numpy(), rtol=1e-11, atol=1e-14
        )
