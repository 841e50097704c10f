"""Auto-checked exercises: the learner writes a function, :func:`check` gives specific feedback.

Each exercise is a list of cases (named inputs with the expected output, computed
by this library's own tested functions). :func:`check` runs the learner's
function on every case and says which case failed, with the inputs, the
expected value and what the function returned, so that a learner knows what
to fix, not only that something is wrong.

Introduced in chapter 2 (``gradient_descent_step``) and chapter 3 (``momentum_step``);
the instructor page lists them all.
"""

from __future__ import annotations

import pathlib
import traceback
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from momentum_lib import losses, optimizers, theory

__all__ = ["EXERCISES", "CheckResult", "check"]


@dataclass(frozen=True)
class Case:
    """One input of an exercise and its expected result."""

    description: str
    arguments: dict
    expected: object


@dataclass(frozen=True, repr=False)
class CheckResult:
    """What :func:`check` found: how many cases passed, and the first failure's feedback."""

    exercise: str
    passed: int
    total: int
    feedback: str

    @property
    def ok(self) -> bool:
        """True when every case passed."""
        return self.passed == self.total

    def __repr__(self) -> str:
        return f"CheckResult({self.exercise}: {self.passed} of {self.total} cases pass)"


def _step_cases() -> list[Case]:
    def case(description, w, gradient, learning_rate):
        arguments = {"w": np.array(w), "gradient": np.array(gradient)}
        arguments["learning_rate"] = learning_rate
        expected = optimizers.gradient_descent_step(**arguments)
        return Case(description, arguments, expected)

    return [
        case("one weight, positive gradient: w must decrease", [1.0], [2.0], 0.1),
        case("one weight, negative gradient: w must increase", [1.0], [-2.0], 0.1),
        case("two weights at once (use array arithmetic)", [1.0, -3.0], [0.5, 4.0], 0.25),
        case("zero gradient: w must not move", [0.7, 0.2], [0.0, 0.0], 0.3),
    ]


def _momentum_cases() -> list[Case]:
    def case(description, w, delta_w, gradient, learning_rate, momentum):
        arguments = {
            "w": np.array(w),
            "delta_w": np.array(delta_w),
            "gradient": np.array(gradient),
            "learning_rate": learning_rate,
            "momentum": momentum,
        }
        return Case(description, arguments, optimizers.momentum_step(**arguments))

    return [
        case("first step (Δw = 0) is a plain gradient step", [1.0], [0.0], [2.0], 0.1, 0.9),
        case("momentum 0 ignores the previous update", [1.0], [0.5], [2.0], 0.1, 0.0),
        case("the previous update is kept, times α", [1.0], [-0.2], [0.0], 0.1, 0.9),
        case("both terms together", [0.8], [-0.2], [1.6], 0.1, 0.9),
        case("two weights at once", [1.0, 2.0], [0.1, -0.3], [1.0, -1.0], 0.05, 0.5),
        case("returns the new update too, not the old one", [0.0], [1.0], [1.0], 0.5, 0.5),
    ]


def _mse_gradient_cases() -> list[Case]:
    def case(description, predictions, targets):
        arguments = {"predictions": np.array(predictions), "targets": np.array(targets)}
        return Case(description, arguments, losses.mean_squared_error_gradient(**arguments))

    return [
        case("one sample", [3.0], [1.0]),
        case("the mean divides by n", [1.0, 2.0, 3.0, 4.0], [0.0, 0.0, 0.0, 0.0]),
        case("predictions below the targets give negative entries", [0.0, 1.0], [2.0, 1.0]),
    ]


def _critical_momentum_cases() -> list[Case]:
    def case(description, learning_rate, curvature):
        arguments = {"learning_rate": learning_rate, "curvature": curvature}
        return Case(description, arguments, theory.critical_momentum(**arguments))

    # λ ≠ 1 in most cases: (1 − √η·λ)² or (1 − η·λ)² agree with (1 − √(ηλ))² at λ = 1 only.
    return [
        case("ηλ = 0.25", 0.25, 1.0),
        case("ηλ = 0.25 with λ = 4: the root of the product ηλ", 0.0625, 4.0),
        case("ηλ = 0.01: a small step needs a lot of momentum", 0.02, 0.5),
        case("ηλ = 1: the gradient step alone lands on the minimum", 0.1, 10.0),
    ]


EXERCISES: dict[str, Callable[[], list[Case]]] = {
    "gradient_descent_step": _step_cases,
    "momentum_step": _momentum_cases,
    "mean_squared_error_gradient": _mse_gradient_cases,
    "critical_momentum": _critical_momentum_cases,
}
"""The exercises :func:`check` knows, by name, each with its list of cases."""


def _same(expected: object, got: object) -> bool:
    if isinstance(expected, tuple):
        return (
            isinstance(got, tuple)
            and len(got) == len(expected)
            and all(_same(e, g) for e, g in zip(expected, got, strict=True))
        )
    try:
        got_array = np.asarray(got, dtype=float)
    except (TypeError, ValueError):
        return False
    expected_array = np.asarray(expected, dtype=float)
    return got_array.shape == expected_array.shape and np.allclose(
        got_array, expected_array, rtol=1e-9, atol=1e-12
    )


def _numbers(value: object) -> NDArray[np.float64] | None:
    """All the numbers in a value (a tuple's parts one after the other), or None."""
    parts = value if isinstance(value, tuple | list) else (value,)
    try:
        return np.concatenate([np.asarray(part, dtype=float).reshape(-1) for part in parts])
    except (TypeError, ValueError):
        return None


def _shape_hint(expected: object, got: object) -> str | None:
    """What to fix when the numbers are right but the container is not."""
    wanted, found = _numbers(expected), _numbers(got)
    if wanted is None or found is None or wanted.shape != found.shape:
        return None
    if not np.allclose(wanted, found, rtol=1e-9, atol=1e-12):
        return None
    if isinstance(expected, tuple) and not isinstance(got, tuple):
        return f"the numbers are right: return a tuple of {len(expected)} results"
    shapes = [np.shape(part) for part in (expected if isinstance(expected, tuple) else (expected,))]
    kind = "arrays" if any(shapes) else "numbers"
    return f"the numbers are right: return {kind} of shape {', '.join(map(str, shapes))}"


def _show(value: object) -> str:
    """A value as a learner wrote it: plain numbers, arrays without dtype noise."""
    if isinstance(value, tuple):
        return "(" + ", ".join(_show(v) for v in value) + ")"
    if isinstance(value, np.ndarray):
        return np.array2string(value, precision=6)
    if isinstance(value, np.generic):
        return repr(value.item())
    return repr(value)


def _learners_traceback(error: BaseException) -> list[str]:
    """The traceback lines of the learner's own code (this module's frames left out)."""
    frames = [
        frame
        for frame in traceback.extract_tb(error.__traceback__)
        if pathlib.Path(frame.filename).resolve() != pathlib.Path(__file__).resolve()
    ]
    lines = traceback.format_list(frames) + traceback.format_exception_only(error)
    return [line.rstrip() for text in lines for line in text.splitlines()]


def _case_report(
    number: int, total: int, case: Case, got: object, error, repeated: bool = False
) -> list[str]:
    lines = [f"case {number} of {total}: {case.description}"]
    for name, value in case.arguments.items():
        lines.append(f"  {name} = {_show(value)}")
    lines.append(f"  expected: {_show(case.expected)}")
    if error is not None:
        lines.append(f"  got an error: {type(error).__name__}: {error}")
        if repeated:
            lines[-1] += " (as above)"
        else:
            lines += ["    " + line for line in _learners_traceback(error)]
        return lines
    lines.append(f"  got:      {_show(got)}")
    hint = _shape_hint(case.expected, got)
    if hint is not None:
        lines.append(f"  hint: {hint}")
    return lines


def check(exercise: str, function: Callable, *, verbose: bool = True) -> CheckResult:
    """Run the learner's ``function`` on every case of ``exercise`` and explain each failure.

    Introduced in chapter 2, "The gradient descent update".

    Every case runs; each failing one is reported with its inputs, the expected
    result and the learner's (or the learner's error with the traceback of their own
    code), plus a hint when the numbers are right but the shape or type is not.

    Parameters
    ----------
    exercise : str
        One of :data:`EXERCISES`: ``"gradient_descent_step"``, ``"momentum_step"``,
        ``"mean_squared_error_gradient"``, ``"critical_momentum"``.
    function : callable
        The learner's function, called with the same keyword arguments as the
        library function of that name.
    verbose : bool, default True
        Print the feedback.

    Returns
    -------
    CheckResult

    A ``function`` that raises ``NotImplementedError`` (the exercise as handed out)
    is not an error: the feedback says that it is not written yet, and no case passes.

    Raises
    ------
    ValueError
        If ``exercise`` is unknown.

    Examples
    --------
    >>> def my_step(w, gradient, learning_rate):
    ...     return w + learning_rate * gradient  # the sign is wrong
    >>> result = check("gradient_descent_step", my_step, verbose=False)
    >>> result.passed, result.total
    (1, 4)
    >>> lines = result.feedback.splitlines()
    >>> lines[0]
    '✗ gradient_descent_step: 3 of 4 cases fail'
    >>> lines[1]
    'case 1 of 4: one weight, positive gradient: w must decrease'
    >>> lines[5:7]
    ['  expected: [0.8]', '  got:      [1.2]']
    """
    if exercise not in EXERCISES:
        raise ValueError(f"exercise must be one of {sorted(EXERCISES)}, got {exercise!r}")
    if not callable(function):
        raise TypeError(f"function must be callable, got {function!r}")
    cases = EXERCISES[exercise]()
    reports, seen_errors = [], set()
    for number, case in enumerate(cases, start=1):
        arguments = {
            k: (v.copy() if isinstance(v, np.ndarray) else v) for k, v in case.arguments.items()
        }
        got, error = None, None
        try:
            got = function(**arguments)
        except NotImplementedError:
            feedback = (
                f"… {exercise} is not written yet: replace\n"
                "  `raise NotImplementedError` with your code, then run the cell again"
            )
            if verbose:
                print(feedback)
            return CheckResult(exercise, 0, len(cases), feedback)
        except Exception as caught:  # the learner's bug, reported as feedback
            error = caught
        if error is not None or not _same(case.expected, got):
            repeated = error is not None and repr(error) in seen_errors
            reports.append(_case_report(number, len(cases), case, got, error, repeated))
            seen_errors.add(repr(error))
    passed = len(cases) - len(reports)
    if reports:
        lines = [f"✗ {exercise}: {len(reports)} of {len(cases)} cases fail"]
        for report in reports:
            lines += report
        feedback = "\n".join(lines)
    else:
        feedback = f"✓ {exercise}: all {len(cases)} cases pass"
    if verbose:
        print(feedback)
    return CheckResult(exercise, passed, len(cases), feedback)
