"""The auto-checked exercises accept right answers and name the case a wrong one fails."""

from __future__ import annotations

import numpy as np
import pytest

import momentum_lib
from momentum_lib import losses, optimizers, theory
from momentum_lib.exercises import EXERCISES, RANDOM_CASES, _random_cases, check, grade


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


# --- grade: the strict form, for graded work (nbgrader's autograder cells) ----------------


@pytest.mark.parametrize("exercise", sorted(RIGHT))
@pytest.mark.parametrize("seed", [None, 0, 2024])
def test_grade_passes_a_right_answer(exercise: str, seed: int | None, capsys) -> None:
    result = grade(exercise, RIGHT[exercise], seed=seed)
    assert result.ok and result.passed == result.total
    assert result.total == (len(EXERCISES[exercise]()) if seed is None else RANDOM_CASES)
    assert capsys.readouterr().out == ""  # feedback only in the error, for the grader's log


def test_grade_raises_naming_every_failing_case() -> None:
    def wrong_sign(w, gradient, learning_rate):
        return w + learning_rate * gradient

    with pytest.raises(AssertionError) as failure:
        grade("gradient_descent_step", wrong_sign)
    # The same feedback as check's, word for word.
    assert str(failure.value) == check("gradient_descent_step", wrong_sign, verbose=False).feedback
    assert str(failure.value).startswith("✗ gradient_descent_step: 3 of 4 cases fail\ncase 1 of 4")


def test_grade_fails_a_stub_as_not_written_yet() -> None:
    def stub(w, delta_w, gradient, learning_rate, momentum):
        raise NotImplementedError

    with pytest.raises(AssertionError, match="momentum_step is not written yet"):
        grade("momentum_step", stub)


def test_the_random_cases_are_new_and_fixed_by_the_seed() -> None:
    # A function that knows the answers of check's cases only: it passes them, and the
    # random (hidden) cases catch it.
    answers = {
        (case.arguments["learning_rate"], case.arguments["curvature"]): case.expected
        for case in EXERCISES["critical_momentum"]()
    }

    def lookup(learning_rate, curvature):
        return answers.get((learning_rate, curvature), 0.0)

    assert grade("critical_momentum", lookup).ok
    with pytest.raises(AssertionError, match=f"{RANDOM_CASES} of {RANDOM_CASES} cases fail"):
        grade("critical_momentum", lookup, seed=1)

    # The same seed gives the same cases, another seed others; each is a valid input.
    def inputs(seed):
        return [str(case.arguments) for case in _random_cases("momentum_step", seed)]

    assert inputs(5) == inputs(5) and inputs(5) != inputs(6)
    for seed in range(50):
        for case in _random_cases("critical_momentum", seed):
            assert 0 < case.arguments["learning_rate"] * case.arguments["curvature"] <= 1


def _library_step(w, gradient, learning_rate):
    return momentum_lib.gradient_descent_step(w, gradient, learning_rate)


def _module_step(w, delta_w, gradient, learning_rate, momentum):
    return optimizers.momentum_step(w, delta_w, gradient, learning_rate, momentum)


def _bound_before(learning_rate, curvature, reference=theory.critical_momentum):
    return reference(learning_rate, curvature)  # a name bound before grading began


def _through_minimize(w, gradient, learning_rate):
    run = momentum_lib.minimize(lambda _: gradient, w, learning_rate=learning_rate, steps=1)
    return run.weights[-1]


def _private_helper(predictions, targets):
    return losses._mse_gradient(predictions, targets)


def _imported_inside(w, gradient, learning_rate):
    from momentum_lib.conventions import thread_sgd

    return thread_sgd(lambda _: gradient, w, learning_rate=learning_rate, momentum=0.0, steps=1)[-1]


@pytest.mark.parametrize(
    ("exercise", "function", "called"),
    [
        ("gradient_descent_step", _library_step, "momentum_lib.optimizers.gradient_descent_step"),
        ("momentum_step", _module_step, "momentum_lib.optimizers.momentum_step"),
        ("critical_momentum", _bound_before, "momentum_lib.theory.critical_momentum"),
        ("gradient_descent_step", _through_minimize, "momentum_lib.optimizers.minimize"),
        ("mean_squared_error_gradient", _private_helper, "momentum_lib.losses._mse_gradient"),
        ("gradient_descent_step", _imported_inside, "momentum_lib.conventions.thread_sgd"),
        ("momentum_step", momentum_lib.momentum_step, "momentum_lib.optimizers.momentum_step"),
    ],
    ids=lambda x: x.__name__ if callable(x) else None,
)
def test_grade_fails_a_function_that_calls_the_library(exercise, function, called) -> None:
    # check, the learner's helper, lets it pass: the numbers are the library's own.
    assert check(exercise, function, verbose=False).ok
    for seed in (None, 3):
        with pytest.raises(AssertionError) as failure:
            grade(exercise, function, seed=seed)
        message = str(failure.value)
        total = RANDOM_CASES if seed is not None else len(EXERCISES[exercise]())
        assert message.startswith(f"✗ {exercise}: {total} of {total} cases fail")
        assert f"RuntimeError: {called} is switched off while grading" in message
    # Every function of the library works again afterwards, with its defaults.
    assert np.allclose(momentum_lib.momentum_step([1.0], [0.0], [2.0], 0.1, 0.9), ([0.8], [-0.2]))
    assert losses.huber_gradient(np.array([3.0]), np.array([0.0])).tolist() == [1.0]
    assert theory.critical_momentum(0.25, 1.0) == 0.25


def test_the_library_is_restored_when_the_learners_function_is_interrupted() -> None:
    def interrupted(w, gradient, learning_rate):
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        grade("gradient_descent_step", interrupted)
    assert momentum_lib.gradient_descent_step([1.0], [2.0], 0.1).tolist() == [0.8]


def test_grade_refuses_a_bad_seed_or_exercise() -> None:
    with pytest.raises(ValueError, match="seed must be an integer >= 0, got -1"):
        grade("gradient_descent_step", right_gradient_descent_step, seed=-1)
    with pytest.raises(TypeError, match=r"seed must be an integer >= 0, got 1\.5"):
        grade("gradient_descent_step", right_gradient_descent_step, seed=1.5)
    with pytest.raises(ValueError, match="exercise must be one of"):
        grade("adam_step", right_gradient_descent_step)
