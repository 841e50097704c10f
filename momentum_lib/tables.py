r"""Printed tables: the numbers a chapter asks the reader to look at, in aligned columns.

A chapter writes what it computes and hands the rows to :func:`print_table`; the
column widths, the rounding, the minus sign of ``-0.0`` and the ``nan`` of a
diverged run are handled here, not in every notebook cell.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence

import numpy as np

__all__ = ["format_table", "print_table"]


def _cell(value: object, spec: str) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, bool | np.bool_):
        return "yes" if value else "no"
    if spec.endswith("d"):
        return format(int(value), spec)
    number = float(value)
    if math.isnan(number):
        return "—"
    text = format(number, spec)
    # A number that rounds to zero has no sign: "-0.000" prints as "0.000".
    if text.startswith("-") and not any(digit in text for digit in "123456789"):
        text = text[1:]
    return text


def _is_label(value: object) -> bool:
    """Text that is not a number written out ("gradient descent", not "49" or "1.5e-3")."""
    if not isinstance(value, str):
        return False
    try:
        float(value.strip().replace(",", "").replace("−", "-").rstrip("%×"))
    except ValueError:
        return True
    return False


def format_table(
    header: Sequence[str], rows: Iterable[Sequence[object]], formats: Sequence[str] | str = ".4f"
) -> str:
    """The rows as text: one line per row, numbers right-aligned and text left-aligned.

    Introduced in chapter 0, "Is this formula difficult?".

    Parameters
    ----------
    header : sequence of str
        The column titles.
    rows : iterable of sequences
        One sequence per row, one value per column: numbers, strings or booleans
        (printed as "yes" or "no").
    formats : str or sequence of str, default ".4f"
        A format specification (as in ``f"{x:.4f}"``) for every column, or one per
        column. A number that is ``nan`` (a run that diverged) prints as "—", and a
        number that rounds to zero prints without a minus sign. A column whose values
        are all labels (text that is not a number written out) is left-aligned; the
        others are right-aligned.

    Returns
    -------
    str

    Raises
    ------
    ValueError
        If a row or ``formats`` does not have one entry per column.

    Examples
    --------
    >>> print(format_table(["step", "w"], [(0, 3.0), (1, -0.00001)], ["d", ".3f"]))
    step      w
       0  3.000
       1  0.000
    """
    header = [str(title) for title in header]
    rows = [list(row) for row in rows]
    specs = [formats] * len(header) if isinstance(formats, str) else list(formats)
    if len(specs) != len(header):
        raise ValueError(
            f"formats must have one entry per column ({len(header)}), got {len(specs)}"
        )
    lines = []
    for number, row in enumerate(rows):
        if len(row) != len(header):
            raise ValueError(
                f"row {number} must have one value per column ({len(header)}), got {len(row)}"
            )
        lines.append([_cell(value, spec) for value, spec in zip(row, specs, strict=True)])
    columns = list(zip(header, *lines, strict=True))
    widths = [max(len(text) for text in column) for column in columns]
    texts = [bool(rows) and all(_is_label(row[i]) for row in rows) for i in range(len(header))]
    return "\n".join(
        "  ".join(
            text.ljust(width) if left else text.rjust(width)
            for text, width, left in zip(line, widths, texts, strict=True)
        ).rstrip()
        for line in [header, *lines]
    )


def print_table(
    header: Sequence[str], rows: Iterable[Sequence[object]], formats: Sequence[str] | str = ".4f"
) -> None:
    """Print :func:`format_table` of the same arguments. Introduced in chapter 0."""
    print(format_table(header, rows, formats))
