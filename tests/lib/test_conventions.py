"""The thread's form, PyTorch's form and the moving-average form: where they agree, where not.

Each form is written out here as a reference loop (no torch):

* thread:          Δw ← α·Δw − η_t·g;  w ← w + Δw  (Δw = 0 at the start)
* PyTorch SGD:     v ← g on the first step, then v ← μ·v + (1 − τ)·g;  w ← w − lr_t·v
* moving average:  v ← β·v + (1 − β)·g  (v = 0 at the start);  w ← w − η_t·v

With a constant learning rate and no dampening the three coincide under
(η, α) = (lr, μ) = (η_ema·(1 − β), β); with a learning rate changed mid-run, or
with dampening on PyTorch's first step, they differ, by an amount derived below.
"""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from momentum_lib.conventions import (
    moving_average_sgd,
    moving_average_to_thread,
    pytorch_sgd,
    pytorch_to_thread,
    thread_sgd,
    thread_to_moving_average,
    thread_to_pytorch,
)

SETTINGS = settings(max_examples=50, deadline=None)
W0 = np.array([1.5, -2.0])


def gradient(w):
    """∇Q of a smooth non-quadratic bowl, Q = Σ log cosh(w_i − 0.3) + 0.25 w_i²."""
    return np.tanh(w - 0.3) + 0.5 * w


def thread_reference(w0, rates, alpha):
    w, delta_w, out = np.array(w0, dtype=float), np.zeros(len(w0)), [np.array(w0, dtype=float)]
    for eta in rates:
        delta_w = alpha * delta_w - eta * gradient(w)
        w = w + delta_w
        out.append(w)
    return np.array(out)


def pytorch_reference(w0, rates, mu, tau=0.0):
    w, velocity, out = np.array(w0, dtype=float), None, [np.array(w0, dtype=float)]
    for lr in rates:
        g = gradient(w)
        velocity = g if velocity is None else mu * velocity + (1.0 - tau) * g
        w = w - lr * velocity
        out.append(w)
    return np.array(out)


def moving_average_reference(w0, rates, beta):
    w, velocity, out = np.array(w0, dtype=float), np.zeros(len(w0)), [np.array(w0, dtype=float)]
    for eta in rates:
        velocity = beta * velocity + (1.0 - beta) * gradient(w)
        w = w - eta * velocity
        out.append(w)
    return np.array(out)


# ---------------------------------------------------------------------------
# Each runner is its form
# ---------------------------------------------------------------------------


@SETTINGS
@given(
    rates=st.lists(st.floats(0.01, 0.5), min_size=0, max_size=25),
    alpha=st.floats(0.0, 0.95),
    tau=st.floats(0.0, 0.9),
)
def test_each_runner_follows_its_reference_recurrence(rates, alpha, tau):
    steps = len(rates)
    np.testing.assert_allclose(
        thread_sgd(gradient, W0, learning_rate=rates, momentum=alpha, steps=steps),
        thread_reference(W0, rates, alpha),
        rtol=1e-12,
        atol=1e-12,
    )
    np.testing.assert_allclose(
        pytorch_sgd(gradient, W0, learning_rate=rates, momentum=alpha, dampening=tau, steps=steps),
        pytorch_reference(W0, rates, alpha, tau),
        rtol=1e-12,
        atol=1e-12,
    )
    np.testing.assert_allclose(
        moving_average_sgd(gradient, W0, learning_rate=rates, beta=alpha, steps=steps),
        moving_average_reference(W0, rates, alpha),
        rtol=1e-12,
        atol=1e-12,
    )


# ---------------------------------------------------------------------------
# Where they coincide: a constant learning rate, no dampening
# ---------------------------------------------------------------------------


@SETTINGS
@given(eta=st.floats(0.01, 0.5), alpha=st.floats(0.0, 0.95), steps=st.integers(0, 40))
def test_the_three_forms_coincide_at_a_constant_learning_rate(eta, alpha, steps):
    thread = thread_sgd(gradient, W0, learning_rate=eta, momentum=alpha, steps=steps)
    lr, mu = thread_to_pytorch(eta, alpha)
    assert (lr, mu) == (eta, alpha)
    pytorch = pytorch_sgd(gradient, W0, learning_rate=lr, momentum=mu, steps=steps)
    eta_ema, beta = thread_to_moving_average(eta, alpha)
    np.testing.assert_allclose(eta_ema, eta / (1.0 - alpha), rtol=1e-15)
    assert beta == alpha
    ema = moving_average_sgd(gradient, W0, learning_rate=eta_ema, beta=beta, steps=steps)
    assert thread.shape == pytorch.shape == ema.shape == (steps + 1, 2)
    np.testing.assert_allclose(pytorch, thread, rtol=0, atol=1e-12)
    np.testing.assert_allclose(ema, thread, rtol=0, atol=1e-12)
    # And all three are the thread's recurrence written here.
    np.testing.assert_allclose(thread, thread_reference(W0, [eta] * steps, alpha), atol=1e-12)


@SETTINGS
@given(eta=st.floats(0.001, 10.0), alpha=st.floats(0.0, 0.99), tau=st.floats(0.0, 0.99))
def test_the_mappings_and_their_round_trips(eta, alpha, tau):
    assert pytorch_to_thread(eta, alpha, tau) == (eta * (1.0 - tau), alpha)
    assert pytorch_to_thread(*thread_to_pytorch(eta, alpha)) == (eta, alpha)
    eta_ema, beta = thread_to_moving_average(eta, alpha)
    back = moving_average_to_thread(eta_ema, beta)
    np.testing.assert_allclose(back, (eta, alpha), rtol=1e-12)
    np.testing.assert_allclose(moving_average_to_thread(eta, alpha), (eta * (1 - alpha), alpha))


# ---------------------------------------------------------------------------
# Where they differ: a learning rate changed mid-run
# ---------------------------------------------------------------------------


def test_a_learning_rate_changed_mid_run_separates_the_forms():
    eta_1, eta_2, alpha, k, steps = 0.1, 0.02, 0.9, 15, 30
    rates = np.array([eta_1] * k + [eta_2] * (steps - k))  # rates[t] makes weights[t + 1]
    thread = thread_sgd(gradient, W0, learning_rate=rates, momentum=alpha, steps=steps)
    pytorch = pytorch_sgd(gradient, W0, learning_rate=rates, momentum=alpha, steps=steps)
    ema = moving_average_sgd(
        gradient, W0, learning_rate=rates / (1.0 - alpha), beta=alpha, steps=steps
    )
    # Identical while the rate is η₁ (weights[0..k]).
    np.testing.assert_allclose(pytorch[: k + 1], thread[: k + 1], rtol=0, atol=1e-12)
    np.testing.assert_allclose(ema[: k + 1], thread[: k + 1], rtol=0, atol=1e-12)
    # First step with η₂, from the same w_k and D = w_k − w_(k−1) = −η₁ v (PyTorch's v):
    #   thread:  Δw = α D − η₂ g
    #   PyTorch: −η₂ (μ v + g) = α (η₂/η₁) D − η₂ g
    # so PyTorch − thread = α (η₂/η₁ − 1) D; the same for the moving average.
    previous_update = thread[k] - thread[k - 1]
    expected = alpha * (eta_2 / eta_1 - 1.0) * previous_update
    np.testing.assert_allclose(pytorch[k + 1] - thread[k + 1], expected, rtol=1e-9, atol=1e-13)
    np.testing.assert_allclose(ema[k + 1] - thread[k + 1], expected, rtol=1e-9, atol=1e-13)
    assert np.abs(expected).max() > 1e-3  # a real difference, not rounding
    # And they stay apart: the thread's Δw remembers the old η, the velocity v does not.
    assert np.abs(pytorch[-1] - thread[-1]).max() > 1e-4
    np.testing.assert_allclose(ema, pytorch, rtol=0, atol=1e-12)


# ---------------------------------------------------------------------------
# Where they differ: PyTorch's dampening on the first step
# ---------------------------------------------------------------------------


@SETTINGS
@given(lr=st.floats(0.01, 0.5), mu=st.floats(0.0, 0.95), tau=st.floats(0.05, 0.9))
def test_dampening_makes_pytorchs_first_step_larger_by_one_over_one_minus_tau(lr, mu, tau):
    steps = 20
    eta, alpha = pytorch_to_thread(lr, mu, tau)
    thread = thread_sgd(gradient, W0, learning_rate=eta, momentum=alpha, steps=steps)
    pytorch = pytorch_sgd(gradient, W0, learning_rate=lr, momentum=mu, dampening=tau, steps=steps)
    np.testing.assert_allclose(
        pytorch[1] - W0, (thread[1] - W0) / (1.0 - tau), rtol=1e-12, atol=1e-15
    )
    # From the second step on, PyTorch's weights obey the thread's recurrence with
    # η = lr (1 − τ), α = μ: Δw_t = α Δw_(t−1) − η ∇Q(w_t) ...
    updates = np.diff(pytorch, axis=0)
    predicted = alpha * updates[:-1] - eta * gradient(pytorch[1:-1])
    np.testing.assert_allclose(updates[1:], predicted, rtol=1e-10, atol=1e-13)
    # ... but not on the first step, where the thread's formula would give −η ∇Q(w0).
    assert np.abs(updates[0] - (-eta * gradient(W0))).max() > 1e-4


def test_without_dampening_pytorchs_first_step_is_the_threads():
    thread = thread_sgd(gradient, W0, learning_rate=0.1, momentum=0.9, steps=1)
    pytorch = pytorch_sgd(gradient, W0, learning_rate=0.1, momentum=0.9, dampening=0.0, steps=1)
    np.testing.assert_allclose(pytorch, thread, rtol=1e-15)
    np.testing.assert_allclose(thread[1], W0 - 0.1 * gradient(W0), rtol=1e-15)
