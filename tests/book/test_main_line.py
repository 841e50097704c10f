"""The main line of chapters 0–4 fits a first-year's half hour; depth is folded.

The main line is what a reader sees on the site without opening anything: markdown
outside dropdowns, exercises' solutions and admonitions folded with ``:class: dropdown``;
code cells whose input is not hidden (``hide-input``, ``hide-cell``, ``remove-input``,
``remove-cell``), without the indentation a reader skips; and the text outputs of cells
whose output is not hidden. The GUIDE puts about
15,000 such characters (code and output included) at about 30 minutes of careful reading
(``shared/GUIDE.md``); three fresh-eyes reviews by a first-year read 16,000 in 35–45
minutes, so the budget per chapter is :data:`MAIN_LINE_BUDGET`, 13,000. A citation
counts as the text the site shows for it, "(Polyak, 1964)", not as its role.

    python -m tests.book.test_main_line    # each chapter's main line and folded depth

Main-line code is a first-year's code: no broadcasting tricks (``[None, …]``,
``[..., None]``, ``np.broadcast_to``, ``keepdims``) in code cells a reader sees.
"""

from __future__ import annotations

import functools
import json
import pathlib
import re
import sys

import pytest

from tests.paths import ROOT

sys.path.insert(0, str(ROOT / ".ci"))
from learner_notebooks import CITE_ROLE, citation, read_bibliography

CORE_PATH = sorted((ROOT / "book").glob("0[0-4]_*.ipynb"))
MAIN_LINE_BUDGET = 13_000
HIDDEN_INPUT = {"hide-input", "hide-cell", "remove-input", "remove-cell"}
HIDDEN_OUTPUT = {"hide-output", "hide-cell", "remove-output", "remove-cell"}
# A fenced block whose content is folded (or, for solutions, kept apart) on the site.
FOLDED_BLOCK = re.compile(
    r"^(?P<fence>:{3,}|`{3,})\{(?P<name>dropdown|solution|admonition|note|tip|important)\}"
    r"(?P<body>.*?)^(?P=fence)[ \t]*$",
    re.MULTILINE | re.DOTALL,
)
SOLUTION_RANGE = re.compile(
    r"^(:{3,}|`{3,})\{solution-start\}.*?^(:{3,}|`{3,})\{solution-end\}[^\n]*\n(?:\2[ \t]*$)?",
    re.MULTILINE | re.DOTALL,
)
BROADCASTING = re.compile(
    r"\[\s*None\s*[,\]]|\[\s*(?:\.\.\.|:)\s*,\s*None\s*\]|broadcast_to|keepdims"
)


@functools.cache
def _bibliography() -> dict:
    return read_bibliography(ROOT)


def _as_shown(markdown: str) -> str:
    """Citations replaced by the text the site shows for them."""
    return CITE_ROLE.sub(
        lambda m: citation(m["role"], m["keys"], _bibliography(), link=False), markdown
    )


def _folded(match: re.Match) -> bool:
    if match["name"] in ("dropdown", "solution"):
        return True
    return re.search(r"^\s*:class:.*\bdropdown\b", match["body"], re.MULTILINE) is not None


def _output_text(output: dict) -> str:
    """The text a reader sees: a figure's or an HTML output's text/plain is not shown."""
    if output["output_type"] == "stream":
        return "".join(output["text"])
    data = output.get("data", {})
    if "image/png" in data or "text/html" in data:
        return ""
    return "".join(data.get("text/plain", ""))


def _as_read(code: str) -> str:
    """Code without the indentation a reader skips (the formatter's, at 79 columns)."""
    return "\n".join(line.lstrip() for line in code.splitlines())


def main_line(path: pathlib.Path) -> tuple[str, str]:
    """(what the reader sees unfolded, what is folded), as text, for one notebook."""
    seen, folded = [], []
    inside_solution = False
    for cell in json.loads(path.read_text(encoding="utf-8"))["cells"]:
        source = "".join(cell["source"])
        tags = set(cell["metadata"].get("tags", []))
        if cell["cell_type"] == "markdown":
            opens = "{solution-start}" in source
            closes = "{solution-end}" in source
            start = len(source)
            if inside_solution or opens:
                # An exercise's statement (folds of its own included) may share its cell
                # with the start of its solution.
                start = 0 if inside_solution else source.index("{solution-start}")
                start = source.rfind("\n", 0, start) + 1
                folded.append(source[start:])
                inside_solution = (inside_solution or opens) and not closes
            shown = source[:start]
            for match in FOLDED_BLOCK.finditer(shown):
                if _folded(match):
                    folded.append(match[0])
            if shown:
                unfolded = FOLDED_BLOCK.sub(lambda m: "" if _folded(m) else m[0], shown)
                seen.append(_as_shown(unfolded))
            continue
        if cell["cell_type"] != "code":
            continue
        outputs = "".join(_output_text(output) for output in cell.get("outputs", []))
        if inside_solution:
            folded.append(source + outputs)
            continue
        (folded if tags & HIDDEN_INPUT else seen).append(_as_read(source))
        (folded if tags & HIDDEN_OUTPUT else seen).append(outputs)
    return "\n".join(seen), "\n".join(folded)


def visible_code(path: pathlib.Path) -> list[str]:
    """The sources of the code cells a reader sees on the main line."""
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    code, inside_solution = [], False
    for cell in cells:
        source = "".join(cell["source"])
        if cell["cell_type"] == "markdown":
            opens, closes = "{solution-start}" in source, "{solution-end}" in source
            inside_solution = (inside_solution or opens) and not closes
        elif not inside_solution and not set(cell["metadata"].get("tags", [])) & HIDDEN_INPUT:
            code.append(source)
    return code


@pytest.mark.parametrize("path", CORE_PATH, ids=lambda path: path.name)
def test_the_main_line_fits_half_an_hour(path: pathlib.Path) -> None:
    seen, _ = main_line(path)
    assert len(seen) <= MAIN_LINE_BUDGET, (
        f"{path.name}: {len(seen):,} characters on the main line (budget "
        f"{MAIN_LINE_BUDGET:,}); fold depth into 'Going deeper' dropdowns"
    )


@pytest.mark.parametrize("path", CORE_PATH, ids=lambda path: path.name)
def test_no_broadcasting_tricks_in_main_line_code(path: pathlib.Path) -> None:
    found = [
        line.strip()
        for source in visible_code(path)
        for line in source.splitlines()
        if BROADCASTING.search(line)
    ]
    assert not found, f"{path.name}: broadcasting on the main line:\n" + "\n".join(found)


def test_the_measure_folds_what_the_site_folds() -> None:
    notebook = {
        "cells": [
            {
                "cell_type": "markdown",
                "metadata": {},
                "source": "seen {cite:p}`polyak1964`\n:::{dropdown} Going deeper\nfolded\n:::\n",
            },
            {
                "cell_type": "code",
                "metadata": {"tags": ["hide-input"]},
                "source": "hidden()",
                "outputs": [{"output_type": "stream", "name": "stdout", "text": "shown"}],
            },
            {
                "cell_type": "markdown",
                "metadata": {},
                "source": ":::{exercise}\nstatement\n:::\n:::{dropdown} Hint\nhint\n:::\n"
                ":::{solution-start} ex\n:::\n",
            },
            {"cell_type": "code", "metadata": {}, "source": "answer()", "outputs": []},
            {"cell_type": "markdown", "metadata": {}, "source": ":::{solution-end}\n:::\n"},
        ]
    }
    path = ROOT / "_build" / "main-line-probe.ipynb"
    path.parent.mkdir(exist_ok=True)
    path.write_text(json.dumps(notebook), encoding="utf-8")
    try:
        seen, folded = main_line(path)
    finally:
        path.unlink()
    assert "seen (Polyak, 1964)" in seen and "shown" in seen and "{cite" not in seen
    assert "folded" not in seen and "hidden()" not in seen and "answer()" not in seen
    assert "folded" in folded and "hidden()" in folded and "answer()" in folded
    # An exercise's statement shares its cell with the start of its solution.
    assert "statement" in seen and "hint" not in seen and "hint" in folded


if __name__ == "__main__":
    for chapter in CORE_PATH:
        seen, folded = main_line(chapter)
        print(f"{chapter.name:42s} main line {len(seen):6,}  folded {len(folded):6,}")
