"""The auto-checked exercises accept right answers and name the case a wrong one fails."""

from __future__ import annotations

import numpy as np
import pytest

from momentum_lib.exercises import EXERCISES, check


def right_gradient_descent_step(w, gradient, learning_rate):
    return w - learning_rate * gradient


def right_momentum_step(w, delta_w, gradient, learning_rate, momentum):
    delta_w = momentum * delta_w - learning_rate * gradient
    return w + delta_w, delta_w


def right_mse_gradient(predictions, targets):
    return 2 * (predictions - targets) / len(predictions)


def right_critical_momentum(learning_rate, curvature):
    return (1 - np.sqrt(learning_rate * curvature)) ** 2


RIGHT = {
    "gradient_descent_step": right_gradient_descent_step,
    "momentum_step": right_momentum_step,
    "mean_squared_error_gradient": right_mse_gradient,
    "critical_momentum": right_critical_momentum,
}


def test_every_exercise_has_a_right_answer_here() -> None:
    assert set(RIGHT) == set(EXERCISES)


@pytest.mark.parametrize("exercise", sorted(RIGHT))
def test_a_right_answer_passes_every_case(exercise: str, capsys) -> None:
    result = check(exercise, RIGHT[exercise])
    assert result.ok and result.passed == result.total >= 3
    assert capsys.readouterr().out == f"✓ {exercise}: all {result.total} cases pass\n"


@pytest.mark.parametrize(
    ("wrong", "failed_case"),
    [
        # The old update returned instead of the new one.
        (lambda w, delta_w, gradient, learning_rate, momentum: (
            w + momentum * delta_w - learning_rate * gradient, delta_w), 1),
        # The gradient added instead of subtracted.
        (lambda w, delta_w, gradient, learning_rate, momentum: (
            w + momentum * delta_w + learning_rate * gradient,
            momentum * delta_w + learning_rate * gradient), 1),
        # Momentum forgotten: plain gradient descent.
        (lambda w, delta_w, gradient, learning_rate, momentum: (
            w - learning_rate * gradient, -learning_rate * gradient), 3),
    ],
)  # fmt: skip
def test_a_wrong_momentum_step_is_caught_with_its_case(wrong, failed_case: int) -> None:
    result = check("momentum_step", wrong, verbose=False)
    assert not result.ok
    lines = result.feedback.splitlines()
    assert (
        lines[0] == f"✗ momentum_step: {result.total - result.passed} of {result.total} cases fail"
    )
    # Every failing case is reported, the first of them the one named here.
    assert lines[1].startswith(f"case {failed_case} of {result.total}: ")
    reported = sum(line.startswith("case ") for line in lines)
    assert reported == result.total - result.passed
    assert "expected:" in result.feedback and "got:" in result.feedback


def test_an_exception_in_the_learners_code_is_feedback_not_a_crash() -> None:
    def broken(w, gradient, learning_rate):
        return w - learning_rate * gradinet  # noqa: F821 (the learner's typo)

    result = check("gradient_descent_step", broken, verbose=False)
    assert result.passed == 0
    assert "got an error: NameError: name 'gradinet' is not defined" in result.feedback
    # The learner's own line, from their traceback; none of the checker's frames.
    assert "return w - learning_rate * gradinet" in result.feedback
    assert "momentum_lib" not in result.feedback


def test_mse_gradient_without_the_mean_fails_the_mean_case() -> None:
    result = check(
        "mean_squared_error_gradient", lambda predictions, targets: 2 * (predictions - targets),
        verbose=False,
    )  # fmt: skip
    assert "case 2 of 3: the mean divides by n" in result.feedback


def test_plain_numbers_and_a_hint_when_only_the_shape_is_wrong() -> None:
    # Right numbers, wrong container: floats instead of arrays of shape (1,).
    def as_floats(w, delta_w, gradient, learning_rate, momentum):
        delta_w = momentum * delta_w - learning_rate * gradient
        return float((w + delta_w)[0]), float(delta_w[0])

    result = check("momentum_step", as_floats, verbose=False)
    assert "hint: the numbers are right: return arrays of shape (1,), (1,)" in result.feedback
    # A NumPy number prints as a plain one, never np.float64(…).
    result = check("critical_momentum", lambda learning_rate, curvature: np.float64(0.5),
                   verbose=False)  # fmt: skip
    assert "np.float64" not in result.feedback and "got:      0.5" in result.feedback


@pytest.mark.parametrize(
    "slip",
    [
        lambda learning_rate, curvature: (1 - np.sqrt(learning_rate) * curvature) ** 2,
        lambda learning_rate, curvature: (1 - learning_rate * curvature) ** 2,
        lambda learning_rate, curvature: 1 - np.sqrt(learning_rate * curvature),
    ],
)
def test_each_common_slip_in_critical_momentum_fails_a_case(slip) -> None:
    assert not check("critical_momentum", slip, verbose=False).ok


def test_an_unfinished_exercise_is_reported_not_raised(capsys) -> None:
    def unfinished(w, gradient, learning_rate):
        raise NotImplementedError

    result = check("gradient_descent_step", unfinished)
    assert (result.passed, result.ok) == (0, False)
    assert "gradient_descent_step is not written yet" in capsys.readouterr().out


def test_unknown_exercise_is_refused() -> None:
    with pytest.raises(ValueError, match="exercise must be one of"):
        check("adam_step", right_gradient_descent_step)
