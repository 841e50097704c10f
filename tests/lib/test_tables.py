"""momentum_lib.tables: the printed tables of the chapters."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from momentum_lib.tables import format_table, print_table


def test_columns_are_right_aligned_under_their_header():
    text = format_table(["t", "loss"], [(1, 0.5), (10, 0.25)], ["d", ".3f"])
    assert text.splitlines() == [" t   loss", " 1  0.500", "10  0.250"]


def test_signs_nan_booleans_and_strings():
    text = format_table(["a", "b", "c", "d"], [(-0.0, np.nan, np.bool_(True), "diverged")], ".2f")
    assert text.splitlines()[1].split() == ["0.00", "—", "yes", "diverged"]
    assert format_table(["x"], [(-1e-9,)], ".1e").splitlines()[1].strip() == "-1.0e-09"
    assert format_table(["x"], [(-0.0004,)], ".3f").splitlines()[1].strip() == "0.000"


@given(st.lists(st.floats(-1e6, 1e6), min_size=1, max_size=8))
def test_every_value_reads_back_at_the_printed_precision(values):
    lines = format_table(["value"], [(v,) for v in values], ".4f").splitlines()[1:]
    for value, line in zip(values, lines, strict=True):
        assert abs(float(line) - value) <= 5e-5 + 1e-12 * abs(value)
    assert len({len(line) for line in lines}) == 1  # one width for the column


def test_print_table_prints_format_table(capsys):
    print_table(["n"], [(3,)], "d")
    assert capsys.readouterr().out == format_table(["n"], [(3,)], "d") + "\n"


def test_bad_shapes_are_refused_with_the_column_count():
    with pytest.raises(ValueError, match=r"formats must have one entry per column \(2\)"):
        format_table(["a", "b"], [(1, 2)], [".1f"])
    with pytest.raises(ValueError, match=r"row 1 must have one value per column \(2\)"):
        format_table(["a", "b"], [(1, 2), (3,)])


def test_text_columns_are_left_aligned_and_lines_have_no_trailing_spaces():
    text = format_table(["run", "loss"], [("gradient descent", 0.5), ("momentum", 0.25)], ".2f")
    assert text.splitlines() == [
        "run               loss",
        "gradient descent  0.50",
        "momentum          0.25",
    ]
    text = format_table(["step", "note"], [(0, "start"), (1, "")], ["d", "s"])
    assert all(line == line.rstrip() for line in text.splitlines())


def test_numbers_written_as_text_stay_right_aligned():
    text = format_table(["predicted"], [("49",), ("1",), ("never",)], "s")
    assert text.splitlines() == ["predicted", "       49", "        1", "    never"]
