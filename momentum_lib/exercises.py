"""Auto-checked exercises: the learner writes a function, :func:`check` gives specific feedback.

Each exercise is a list of cases (named inputs with the expected output, computed
by this library's own tested functions). :func:`check` runs the learner's
function on every case and says which case failed, with the inputs, the
expected value and what the function returned, so that a learner knows what
to fix, not only that something is wrong.

:func:`grade` is the strict form for graded work (the autograder cells of the
nbgrader course that ``.ci/nbgrader_course.py`` writes): the same cases, or random
ones drawn from a seed the student does not see, run while every function of
``momentum_lib`` is switched off, and any failing case raises ``AssertionError``.

Introduced in chapter 2 (``gradient_descent_step``) and chapter 3 (``momentum_step``);
the instructor page lists them all.
"""

from __future__ import annotations

import contextlib
import functools
import importlib
import pathlib
import pkgutil
import traceback
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from types import FunctionType

import numpy as np
from numpy.typing import NDArray

import momentum_lib
from momentum_lib import _validation as validate
from momentum_lib import losses, optimizers, theory

__all__ = ["EXERCISES", "RANDOM_CASES", "CheckResult", "check", "grade"]

RANDOM_CASES = 5
"""How many random cases :func:`grade` draws from a seed."""


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


# --- Random cases, for the hidden tests of graded work -----------------------------------


def _random_numbers(rng: np.random.Generator, size: int) -> NDArray[np.float64]:
    """``size`` numbers of either sign, rounded to two decimals (easy to read in feedback)."""
    return np.round(rng.normal(scale=2.0, size=size), 2)


def _draw_step(rng: np.random.Generator) -> dict:
    size = int(rng.integers(1, 6))
    return {
        "w": _random_numbers(rng, size),
        "gradient": _random_numbers(rng, size),
        "learning_rate": round(float(rng.uniform(0.01, 1.0)), 3),
    }


def _draw_momentum_step(rng: np.random.Generator) -> dict:
    size = int(rng.integers(1, 6))
    return {
        "w": _random_numbers(rng, size),
        "delta_w": _random_numbers(rng, size),
        "gradient": _random_numbers(rng, size),
        "learning_rate": round(float(rng.uniform(0.01, 1.0)), 3),
        "momentum": round(float(rng.uniform(0.0, 0.99)), 2),
    }


def _draw_mse_gradient(rng: np.random.Generator) -> dict:
    size = int(rng.integers(1, 9))
    return {"predictions": _random_numbers(rng, size), "targets": _random_numbers(rng, size)}


def _draw_critical_momentum(rng: np.random.Generator) -> dict:
    # η from 0.001 to 1, and λ such that ηλ lies in [0.01, 0.99] (rounding keeps it ≤ 1).
    learning_rate = round(float(10.0 ** rng.uniform(-3.0, 0.0)), 4)
    curvature = round(float(rng.uniform(0.01, 0.99)) / learning_rate, 3)
    return {"learning_rate": learning_rate, "curvature": curvature}


_RANDOM: dict[str, tuple[Callable, Callable[[np.random.Generator], dict]]] = {
    "gradient_descent_step": (optimizers.gradient_descent_step, _draw_step),
    "momentum_step": (optimizers.momentum_step, _draw_momentum_step),
    "mean_squared_error_gradient": (losses.mean_squared_error_gradient, _draw_mse_gradient),
    "critical_momentum": (theory.critical_momentum, _draw_critical_momentum),
}
"""Each exercise's library function (for the expected results) and its random inputs."""


def _random_cases(exercise: str, seed: int) -> list[Case]:
    reference, draw = _RANDOM[exercise]
    rng = np.random.default_rng(seed)
    cases = []
    for number in range(1, RANDOM_CASES + 1):
        arguments = draw(rng)
        cases.append(Case(f"random case {number}", arguments, reference(**arguments)))
    return cases


# --- The tripwire: momentum_lib switched off while a graded function runs ----------------


def _tripwire(*args: object, tripwire_message: str, **kwargs: object) -> None:
    """What every function of momentum_lib runs while :func:`grade` runs a learner's function."""
    raise RuntimeError(tripwire_message)


@functools.cache
def _library_functions() -> tuple[FunctionType, ...]:
    """Every function of momentum_lib, public or private, except this module's."""
    found = []
    for info in pkgutil.iter_modules(momentum_lib.__path__):
        module = importlib.import_module(f"{momentum_lib.__name__}.{info.name}")
        if module.__name__ != __name__:
            found += [
                value
                for value in vars(module).values()
                if isinstance(value, FunctionType) and value.__module__ == module.__name__
            ]
    return tuple(found)


@contextlib.contextmanager
def _library_switched_off() -> Iterator[None]:
    """Make every function of momentum_lib raise a clear error, then restore it.

    The function objects themselves get the tripwire's code, so that every way to
    reach them fails: ``momentum_lib.momentum_step``, the module's name, or a name
    bound to the function before grading began.
    """
    functions = _library_functions()
    saved = [(f, f.__code__, f.__defaults__, f.__kwdefaults__) for f in functions]
    try:
        for function in functions:
            function.__code__, function.__defaults__ = _tripwire.__code__, None
            function.__kwdefaults__ = {
                "tripwire_message": (
                    f"{function.__module__}.{function.__qualname__} is switched off while "
                    "grading: compute the result without momentum_lib"
                )
            }
        yield
    finally:
        for function, code, defaults, kwdefaults in saved:
            function.__code__, function.__defaults__ = code, defaults
            function.__kwdefaults__ = kwdefaults


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
    _refuse_unknown(exercise, function)
    cases = EXERCISES[exercise]()
    reports = _failures(function, cases, contextlib.nullcontext)
    if reports is None:
        passed, feedback = 0, _not_written_yet(exercise)
    else:
        passed, feedback = len(cases) - len(reports), _feedback(exercise, reports, len(cases))
    if verbose:
        print(feedback)
    return CheckResult(exercise, passed, len(cases), feedback)


def grade(exercise: str, function: Callable, *, seed: int | None = None) -> CheckResult:
    """Grade the learner's ``function``: every case must pass, computed without momentum_lib.

    Introduced in chapter 2, "The gradient descent update", whose exercise is the first
    that the nbgrader course grades: its autograder cells call ``grade`` where the
    chapters call :func:`check` (see the instructor page).

    The cases are those of :func:`check` or, with a ``seed``, random ones that the
    student has not seen (the hidden tests). Expected results are computed by the
    library first; then, while ``function`` runs, every function of ``momentum_lib``
    is switched off: it raises ``RuntimeError`` naming itself, however it is reached
    (``momentum_lib.momentum_step``, its module, or a name bound to it earlier). So a
    function that only calls the library's own implementation fails every case.

    Parameters
    ----------
    exercise : str
        One of :data:`EXERCISES`.
    function : callable
        The learner's function, called with the same keyword arguments as the
        library function of that name.
    seed : int, optional
        Draw :data:`RANDOM_CASES` random cases from this seed, an integer >= 0,
        instead of running :func:`check`'s cases.

    Returns
    -------
    CheckResult
        Every case passed.

    Raises
    ------
    AssertionError
        If a case fails, with :func:`check`'s feedback on every failing case (a stub
        that raises ``NotImplementedError`` is "not written yet").
    ValueError
        If ``exercise`` is unknown, or ``seed`` is negative.

    Examples
    --------
    >>> def my_step(w, gradient, learning_rate):
    ...     return w - learning_rate * gradient
    >>> grade("gradient_descent_step", my_step)
    CheckResult(gradient_descent_step: 4 of 4 cases pass)
    >>> grade("gradient_descent_step", my_step, seed=7)
    CheckResult(gradient_descent_step: 5 of 5 cases pass)
    >>> import momentum_lib
    >>> def library_step(w, gradient, learning_rate):
    ...     return momentum_lib.gradient_descent_step(w, gradient, learning_rate)
    >>> grade("gradient_descent_step", library_step)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
      ...
    AssertionError: ✗ gradient_descent_step: 4 of 4 cases fail
    case 1 of 4: one weight, positive gradient: w must decrease
    ...
      got an error: RuntimeError: momentum_lib.optimizers.gradient_descent_step is switched off...
    ...
    """
    _refuse_unknown(exercise, function)
    if seed is None:
        cases = EXERCISES[exercise]()
    else:
        cases = _random_cases(exercise, validate.steps(seed, "seed"))
    reports = _failures(function, cases, _library_switched_off)
    if reports is None:
        raise AssertionError(_not_written_yet(exercise))
    if reports:
        raise AssertionError(_feedback(exercise, reports, len(cases)))
    return CheckResult(exercise, len(cases), len(cases), _feedback(exercise, [], len(cases)))


def _refuse_unknown(exercise: str, function: Callable) -> None:
    if exercise not in EXERCISES:
        raise ValueError(f"exercise must be one of {sorted(EXERCISES)}, got {exercise!r}")
    if not callable(function):
        raise TypeError(f"function must be callable, got {function!r}")


def _failures(
    function: Callable, cases: list[Case], guard: Callable[[], contextlib.AbstractContextManager]
) -> list[list[str]] | None:
    """The report of every failing case, or None if ``function`` is not written yet.

    ``function`` runs inside ``guard()`` (nothing, or momentum_lib switched off).
    """
    reports, seen_errors = [], set()
    for number, case in enumerate(cases, start=1):
        arguments = {
            k: (v.copy() if isinstance(v, np.ndarray) else v) for k, v in case.arguments.items()
        }
        got, error = None, None
        try:
            with guard():
                got = function(**arguments)
        except NotImplementedError:
            return None
        except Exception as caught:  # the learner's bug, reported as feedback
            error = caught
        if error is not None or not _same(case.expected, got):
            repeated = error is not None and repr(error) in seen_errors
            reports.append(_case_report(number, len(cases), case, got, error, repeated))
            seen_errors.add(repr(error))
    return reports


def _not_written_yet(exercise: str) -> str:
    return (
        f"… {exercise} is not written yet: replace\n"
        "  `raise NotImplementedError` with your code, then run the cell again"
    )


def _feedback(exercise: str, reports: list[list[str]], total: int) -> str:
    if not reports:
        return f"✓ {exercise}: all {total} cases pass"
    lines = [f"✗ {exercise}: {len(reports)} of {total} cases fail"]
    for report in reports:
        lines += report
    return "\n".join(lines)
