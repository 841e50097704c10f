"""Benchmark: a 100 × 100 (η, α) grid × 500 steps on a 2-D quadratic.

One vectorized ``minimize`` call against a Python loop over the 10,000
configurations, each its own ``minimize`` call. Run by hand:

    python benchmarks/grid_benchmark.py

Target on the project's 2-core machine: the vectorized call under 0.2 s and at
least 100× faster than the loop.
"""

from __future__ import annotations

import time

import numpy as np

from momentum_lib import Quadratic, minimize

STEPS = 500
GRID = 100


def main() -> None:
    bowl = Quadratic([1.0, 10.0])
    learning_rates = np.linspace(0.005, 0.4, GRID)[:, None]
    momenta = np.linspace(0.0, 0.99, GRID)[None, :]
    w0 = np.array([1.0, 1.0])

    timings = []
    for _ in range(5):
        start = time.perf_counter()
        grid = minimize(
            bowl.gradient, w0, learning_rate=learning_rates, momentum=momenta, steps=STEPS
        )
        timings.append(time.perf_counter() - start)
    vectorized = min(timings)

    start = time.perf_counter()
    for i in range(GRID):
        for j in range(GRID):
            single = minimize(
                bowl.gradient,
                w0,
                learning_rate=learning_rates[i, 0],
                momentum=momenta[0, j],
                steps=STEPS,
            )
    loop = time.perf_counter() - start

    assert np.array_equal(single.weights, grid.weights[:, -1, -1], equal_nan=True)
    print(
        f"vectorized: {vectorized:.3f} s (best of 5), {grid.diverged.sum()} of "
        f"{GRID * GRID} configurations diverged"
    )
    print(f"python loop: {loop:.1f} s")
    print(f"speed-up: {loop / vectorized:.0f}x")


if __name__ == "__main__":
    main()
