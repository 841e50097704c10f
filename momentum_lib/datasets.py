"""Two small real data sets that ship with the library (see ``data/README.md``).

Nothing is downloaded: the CSV files live inside the package.
"""

from __future__ import annotations

from importlib import resources
from typing import NamedTuple

import numpy as np
from numpy.typing import ArrayLike, NDArray

from momentum_lib import _validation as validate

__all__ = ["Dataset", "load_breast_cancer", "load_diabetes", "standardize"]


class Dataset(NamedTuple):
    """Features X (one row per sample), targets y, and the names of their columns."""

    features: NDArray[np.float64]
    targets: NDArray[np.float64]
    feature_names: tuple[str, ...]
    target_name: str

    def column(self, name: str) -> NDArray[np.float64]:
        """One feature's values, one per sample, as a 1-D array.

        Introduced in chapter 1, "The basis": ``load_diabetes().column("bmi")``.

        Raises
        ------
        ValueError
            If the data set has no feature of that name (the message lists them).
        """
        if name not in self.feature_names:
            raise ValueError(
                f"name must be one of the features {list(self.feature_names)}, got {name!r}"
            )
        return self.features[:, self.feature_names.index(name)]


def _load(filename: str) -> Dataset:
    with resources.files("momentum_lib").joinpath("data", filename).open() as file:
        header = file.readline().strip().split(",")
        table = np.loadtxt(file, delimiter=",", ndmin=2)
    return Dataset(table[:, :-1], table[:, -1], tuple(header[:-1]), header[-1])


def load_diabetes() -> Dataset:
    """442 diabetes patients: ten baseline measurements and disease progression a year on.

    Introduced in chapter 1, "The basis" (a line through body mass index against
    progression).
    """
    return _load("diabetes.csv")


def load_breast_cancer() -> Dataset:
    """569 breast masses: 30 features of cell nuclei and ``malignant`` (1) or benign (0).

    Introduced in chapter 1, "The basis" (logistic regression on one feature, the worst
    radius, and on two in a fold); chapter 4 trains on all 30.
    """
    return _load("breast_cancer.csv")


def standardize(features: ArrayLike) -> NDArray[np.float64]:
    """Shift and scale each column to mean 0 and standard deviation 1: (x − x̄)/s.

    Gradient descent on raw features of very different scales (areas in the
    thousands beside smoothness around 0.1) is badly conditioned; standardized
    features make one learning rate fit every weight. Introduced in chapter 1.

    Raises
    ------
    ValueError
        If a column is constant (its standard deviation is 0).
    """
    x = validate.finite_array("features", features)
    spread = x.std(axis=0)
    if np.any(spread == 0):
        raise ValueError("features must not contain a constant column (standard deviation 0)")
    return (x - x.mean(axis=0)) / spread
