"""The two shipped data sets: shapes, values, and standardization."""

from __future__ import annotations

import numpy as np
import pytest

from momentum_lib.datasets import load_breast_cancer, load_diabetes, standardize


def test_diabetes():
    data = load_diabetes()
    assert data.features.shape == (442, 10)
    assert data.targets.shape == (442,)
    assert len(data.feature_names) == 10 and "bmi" in data.feature_names
    assert data.target_name == "progression"
    assert np.all(np.isfinite(data.features)) and np.all(np.isfinite(data.targets))
    # The published range of the target (Efron et al. 2004): 25 to 346.
    assert data.targets.min() == 25.0 and data.targets.max() == 346.0
    # Raw, unscaled units: ages in years, sex coded 1/2.
    age = data.features[:, data.feature_names.index("age")]
    assert 18 <= age.min() and age.max() <= 80
    assert set(np.unique(data.features[:, data.feature_names.index("sex")])) == {1.0, 2.0}


def test_breast_cancer():
    data = load_breast_cancer()
    assert data.features.shape == (569, 30)
    assert data.targets.shape == (569,)
    assert len(data.feature_names) == 30
    assert data.target_name == "malignant"
    assert np.all(np.isfinite(data.features))
    assert set(np.unique(data.targets)) == {0.0, 1.0}
    # Wisconsin Diagnostic: 212 malignant, 357 benign.
    assert data.targets.sum() == 212
    assert np.all(data.features >= 0)  # sizes, areas, counts: never negative


@pytest.mark.parametrize("loader", [load_diabetes, load_breast_cancer])
def test_standardize_gives_mean_zero_and_standard_deviation_one(loader):
    features = loader().features
    scaled = standardize(features)
    assert scaled.shape == features.shape
    np.testing.assert_allclose(scaled.mean(axis=0), 0.0, atol=1e-12)
    np.testing.assert_allclose(scaled.std(axis=0), 1.0, rtol=1e-12)
    # An affine map of each column: correlations are unchanged.
    np.testing.assert_allclose(np.corrcoef(scaled.T), np.corrcoef(features.T), atol=1e-12)


def test_standardize_by_hand():
    # Column (1, 3): mean 2, std 1 -> (−1, 1); column (10, 30): mean 20, std 10 -> (−1, 1).
    np.testing.assert_allclose(standardize([[1.0, 10.0], [3.0, 30.0]]), [[-1, -1], [1, 1]])


def test_loading_twice_gives_equal_independent_copies():
    first, second = load_diabetes(), load_diabetes()
    np.testing.assert_array_equal(first.features, second.features)
    first.features[0, 0] = -1.0
    assert second.features[0, 0] != -1.0


def test_column_is_the_named_feature_and_refuses_unknown_names():
    diabetes = load_diabetes()
    index = diabetes.feature_names.index("bmi")
    np.testing.assert_array_equal(diabetes.column("bmi"), diabetes.features[:, index])
    assert diabetes.column("bmi").shape == (442,)
    with pytest.raises(ValueError, match="name must be one of the features"):
        diabetes.column("weight")
