"""Trajectory.steps_to_reach and steps_to_settle against a brute-force reading of the path."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from momentum_lib import Quadratic, minimize


def brute_force(distances: np.ndarray, tolerance: float) -> tuple[int, int]:
    inside = [bool(d <= tolerance) for d in distances]  # nan compares False
    reach = inside.index(True) if True in inside else -1
    settle = -1
    for t in range(len(inside)):
        if all(inside[t:]):
            settle = t
            break
    return reach, settle


@settings(max_examples=40, deadline=None)
@given(
    learning_rate=st.floats(0.01, 0.5),
    momentum=st.floats(0.0, 0.95),
    tolerance=st.sampled_from([1e-1, 1e-3, 1e-6]),
)
def test_reach_and_settle_match_a_brute_force_reading(learning_rate, momentum, tolerance):
    bowl = Quadratic([1.0, 10.0])
    run = minimize(
        bowl.gradient, [1.0, -1.0], learning_rate=learning_rate, momentum=momentum,
        steps=150, loss=bowl.loss,
    )  # fmt: skip
    distances = np.linalg.norm(run.weights, axis=-1)
    reach, settle = brute_force(distances, tolerance)
    assert run.steps_to_reach(tolerance, minimizer=[0.0, 0.0]) == reach
    assert run.steps_to_settle(tolerance, minimizer=[0.0, 0.0]) == settle
    reach_loss, settle_loss = brute_force(run.losses, tolerance)
    assert run.steps_to_reach(tolerance) == reach_loss
    assert run.steps_to_settle(tolerance) == settle_loss


def test_a_swinging_ball_reaches_before_it_settles() -> None:
    run = minimize(lambda w: w, [1.0], learning_rate=1.0, momentum=0.9, steps=300)
    assert run.steps_to_reach(1e-3, minimizer=[0.0]) == 1  # w₁ = 1 − 1·1 = 0 exactly
    assert run.steps_to_settle(1e-3, minimizer=[0.0]) > 100


def test_batched_queries_match_single_runs() -> None:
    rates = np.array([0.1, 1.0, 3.9])
    batch = minimize(lambda w: w, [1.0], learning_rate=rates, momentum=0.9, steps=300)
    for i, rate in enumerate(rates):
        single = minimize(lambda w: w, [1.0], learning_rate=rate, momentum=0.9, steps=300)
        assert batch.steps_to_settle(1e-3, minimizer=[0.0])[i] == single.steps_to_settle(
            1e-3, minimizer=[0.0]
        )
    assert batch.steps_to_settle(1e-3, minimizer=[0.0])[2] == -1  # ηλ = 3.9 > 2 + 2α: diverges


def test_every_gradient_call_is_a_step() -> None:
    """A stochastic gradient draws one minibatch per step: minimize wastes none."""
    calls = []

    def counting_gradient(w):
        calls.append(w.copy())
        return w

    minimize(counting_gradient, [1.0], learning_rate=0.1, steps=5)
    assert len(calls) == 5
    assert np.array_equal(calls[0], [1.0])
