"""Checks of user input at the public boundary of ``momentum_lib``.

Every message names the parameter, the value it got and the allowed range,
so that a reader who mistypes a learning rate in a notebook learns what to
change without reading the library's code.
"""

from __future__ import annotations

import numbers
from collections.abc import Callable

import numpy as np
from numpy.typing import ArrayLike, NDArray


def _describe(value: object) -> str:
    array = np.asarray(value)
    if array.ndim == 0 or np.isnan(array).all():
        return str(array.tolist())
    return f"an array with values in [{np.nanmin(array)}, {np.nanmax(array)}]"


def as_float_array(name: str, value: ArrayLike) -> NDArray[np.float64]:
    """Convert ``value`` to a float array, refusing what is not a number."""
    if isinstance(value, (str, bytes)) or value is None:
        raise TypeError(f"{name} must be a number or an array of numbers, got {value!r}")
    try:
        array = np.asarray(value, dtype=float)
    except (TypeError, ValueError) as error:
        raise TypeError(f"{name} must be a number or an array of numbers, got {value!r}") from error
    return array


def finite_array(name: str, value: ArrayLike) -> NDArray[np.float64]:
    """A float array whose every entry is finite."""
    array = as_float_array(name, value)
    if not np.all(np.isfinite(array)):
        raise ValueError(f"{name} must be finite (no nan or inf), got {_describe(array)}")
    return array


def learning_rate(value: ArrayLike, name: str = "learning_rate") -> NDArray[np.float64]:
    """A learning rate η: finite and > 0 (a scalar or an array of them)."""
    array = as_float_array(name, value)
    if not np.all(np.isfinite(array)) or np.any(array <= 0):
        raise ValueError(
            f"{name} must be finite and > 0 (allowed range: 0 < {name} < inf), "
            f"got {_describe(array)}"
        )
    return array


def momentum(value: ArrayLike, name: str = "momentum") -> NDArray[np.float64]:
    """A momentum (decay factor) α in [0, 1)."""
    array = as_float_array(name, value)
    if not np.all(np.isfinite(array)) or np.any(array < 0) or np.any(array >= 1):
        raise ValueError(
            f"{name} must lie in [0, 1), got {_describe(array)}: at {name} = 1 the previous "
            "update never decays, so the steps never die out and the weights never settle"
        )
    return array


def fraction(value: ArrayLike, name: str) -> NDArray[np.float64]:
    """A number in [0, 1)."""
    array = as_float_array(name, value)
    if not np.all(np.isfinite(array)) or np.any(array < 0) or np.any(array >= 1):
        raise ValueError(f"{name} must lie in [0, 1), got {_describe(array)}")
    return array


def positive(value: ArrayLike, name: str) -> NDArray[np.float64]:
    """A finite number > 0 (or an array of them)."""
    array = as_float_array(name, value)
    if not np.all(np.isfinite(array)) or np.any(array <= 0):
        raise ValueError(f"{name} must be finite and > 0, got {_describe(array)}")
    return array


def non_negative(value: ArrayLike, name: str) -> float:
    """One finite number >= 0 (a weight decay or an L2 strength; 0 switches it off)."""
    array = as_float_array(name, value)
    if array.ndim != 0 or not np.isfinite(array) or array < 0:
        raise ValueError(f"{name} must be one finite number >= 0, got {_describe(array)}")
    return float(array)


def steps(value: object, name: str = "steps") -> int:
    """A count of steps: an integer >= 0 (``True``/``False`` refused)."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be an integer >= 0, got {value!r}")
    if value < 0:
        raise ValueError(f"{name} must be an integer >= 0, got {value!r}")
    return int(value)


def callable_(value: object, name: str) -> Callable:
    if not callable(value):
        raise TypeError(f"{name} must be a callable of the weights w, got {value!r}")
    return value


def gradient_at_start(gradient: Callable, w: NDArray[np.float64]) -> NDArray[np.float64]:
    """Call ``gradient`` at the start w and check it returns finite values of w's shape."""
    value = np.asarray(gradient(w), dtype=float)
    if value.shape != w.shape:
        raise ValueError(
            f"gradient must return an array of the shape of w, {w.shape}, "
            f"got shape {value.shape} at w0"
        )
    if not np.all(np.isfinite(value)):
        raise ValueError("gradient must return finite values, got nan or inf at w0")
    return value


def same_shape(
    predictions: ArrayLike, targets: ArrayLike
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Predictions and targets as finite float arrays of one shape."""
    predictions = finite_array("predictions", predictions)
    targets = finite_array("targets", targets)
    if predictions.shape != targets.shape:
        raise ValueError(
            "predictions and targets must have the same shape, got "
            f"predictions.shape = {predictions.shape} and targets.shape = {targets.shape}"
        )
    if predictions.size == 0:
        raise ValueError("predictions and targets must hold at least one value, got empty arrays")
    return predictions, targets


def probabilities(value: ArrayLike, name: str) -> NDArray[np.float64]:
    """Probabilities: every entry in [0, 1]."""
    array = as_float_array(name, value)
    if not np.all(np.isfinite(array)) or np.any(array < 0) or np.any(array > 1):
        raise ValueError(f"{name} must be probabilities in [0, 1], got {_describe(array)}")
    return array
