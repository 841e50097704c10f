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

optax and Keras are not run here: chapter 6 checks them only against their documented
update rules. Without torch the module is skipped with a message.
"""

from __future__ import annotations

import numpy as np
import pytest

from momentum_lib import Quadratic, minimize
from momentum_lib.conventions import (
    moving_average_sgd,
    pytorch_sgd,
    pytorch_to_thread,
    thread_sgd,
    thread_to_moving_average,
    thread_to_pytorch,
)

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
    learning_rate, *, momentum: float, dampening: float = 0.0, nesterov: bool = False
) -> np.ndarray:
    """Run ``torch.optim.SGD`` on BOWL from W0; the weights after every step, (STEPS + 1, 2).

    ``learning_rate`` is one number or one per step; a change is written into the
    optimizer's parameter group before the step, as a scheduler does.
    """
    rates = np.broadcast_to(np.asarray(learning_rate, dtype=float), (STEPS,))
    w = torch.tensor(W0, dtype=torch.float64, requires_grad=True)
    curvatures = torch.tensor(CURVATURES, dtype=torch.float64)
    minimizer = torch.tensor(MINIMIZER, dtype=torch.float64)
    optimizer = torch.optim.SGD(
        [w],
        lr=float(rates[0]),
        momentum=momentum,
        dampening=dampening,
        nesterov=nesterov,
        weight_decay=0.0,
    )
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
