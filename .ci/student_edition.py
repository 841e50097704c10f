"""Make the student edition of the notebooks: solutions removed, outputs cleared.

    python .ci/student_edition.py                       # into _build/student_edition/
    python .ci/student_edition.py --output DIR

What changes, notebook by notebook (book/*.ipynb):

- every ``{solution}`` directive is removed from the markdown, and every
  ``{solution-start}`` … ``{solution-end}`` block with the code cells inside it;
- the auto-checked exercise cells (tagged ``exercise``) stay as they are: they hold
  the stub the student completes (``raise NotImplementedError``), which
  ``momentum_lib.exercises.check`` reports as "not written yet", so the whole
  notebook runs on past it; their worked solutions are solution-start blocks;
- all outputs and execution counts are cleared, for the student to run.

The exercises themselves stay, with their labels, so that a teacher's numbering
matches the site's.

.ci/classroom.py builds the classroom edition (notebooks, site, handouts) on the same
functions: ``strip_solutions(..., keep_outputs=True)`` keeps the main line's outputs and
clears only those of the exercises' cells (``exercise_cells``); ``split_solutions`` also
returns the text of each solution removed, against which the tests check every edition.
"""

from __future__ import annotations

import argparse
import pathlib
import re

import nbformat

ROOT = pathlib.Path(__file__).resolve().parent.parent
BOOK = ROOT / "book"

# A {solution} directive fenced with colons or backticks, up to its closing fence.
SOLUTION_DIRECTIVE = re.compile(
    r"^(?P<fence>:{3,}|`{3,})\{solution\}.*?^(?P=fence)[ \t]*$\n?", re.MULTILINE | re.DOTALL
)
SOLUTION_START = re.compile(
    r"^(:{3,}|`{3,})\{solution-start\}.*?^\1[ \t]*$\n?", re.MULTILINE | re.DOTALL
)
SOLUTION_END = re.compile(
    r"^(:{3,}|`{3,})\{solution-end\}.*?^\1[ \t]*$\n?", re.MULTILINE | re.DOTALL
)

# An {exercise} directive, and the two ends of an {exercise-start} … {exercise-end} block.
EXERCISE_DIRECTIVE = re.compile(
    r"^(:{3,}|`{3,})\{exercise\}.*?^\1[ \t]*$", re.MULTILINE | re.DOTALL
)
EXERCISE_START = re.compile(
    r"^(:{3,}|`{3,})\{exercise-start\}.*?^\1[ \t]*$", re.MULTILINE | re.DOTALL
)
EXERCISE_END = re.compile(r"^(:{3,}|`{3,})\{exercise-end\}.*?^\1[ \t]*$", re.MULTILINE | re.DOTALL)


def directive_body(directive: str) -> str:
    """The body of a fenced directive: its fences and ``:key: value`` options gone."""
    lines = directive.strip("\n").split("\n")[1:-1]
    while lines and re.match(r"^:[\w-]+:", lines[0]):
        lines = lines[1:]
    return "\n".join(lines)


def split_solutions(
    notebook: nbformat.NotebookNode,
) -> tuple[list[nbformat.NotebookNode], list[str]]:
    """The cells of the student edition, and the text of each solution taken out.

    The cells are the notebook's own (not copies), their markdown without solutions. Each
    solution's text is a ``{solution}`` directive's body, or what a ``{solution-start}`` …
    ``{solution-end}`` block holds: its markdown, its code cells and their text outputs.
    """
    cells, solutions = [], []
    block: list[str] | None = None  # the open solution-start block's pieces
    for cell in notebook.cells:
        if cell.cell_type == "markdown":
            text = cell.source
            if block is not None:
                end = SOLUTION_END.search(text)
                if end is None:
                    block.append(text)
                    continue
                solutions.append("\n".join([*block, text[: end.start()]]))
                block = None
                text = text[end.end() :]
            start = SOLUTION_START.search(text)
            if start is not None:
                end = SOLUTION_END.search(text, start.end())
                if end is None:
                    block = [text[start.end() :]]
                else:
                    solutions.append(text[start.end() : end.start()])
                text = text[: start.start()] + (text[end.end() :] if end else "")
            solutions += [directive_body(match[0]) for match in SOLUTION_DIRECTIVE.finditer(text)]
            text = SOLUTION_DIRECTIVE.sub("", text).strip()
            if text:
                cell.source = text
                cells.append(cell)
        elif block is not None:
            block += [cell.source, *(text_of(output) for output in cell.get("outputs", []))]
        else:
            cells.append(cell)
    return cells, solutions


def text_of(output: nbformat.NotebookNode) -> str:
    """The text an output shows: a stream's text, or a result's ``text/plain``."""
    text = output.get("text", "") or output.get("data", {}).get("text/plain", "")
    return "".join(text) if isinstance(text, list) else text


def exercise_cells(notebook: nbformat.NotebookNode) -> list[nbformat.NotebookNode]:
    """The code cells that belong to an exercise: the student runs them.

    A cell tagged ``exercise`` (an auto-checked stub), a code cell inside an
    ``{exercise-start}`` … ``{exercise-end}`` block, and the code cells that directly
    follow a markdown cell ending with an ``{exercise}`` ("predict, then run this cell").
    """
    cells = []
    inside_exercise = after_exercise = False
    for cell in notebook.cells:
        if cell.cell_type == "markdown":
            starts = [m.end() for m in EXERCISE_START.finditer(cell.source)]
            ends = [m.end() for m in EXERCISE_END.finditer(cell.source)]
            if starts or ends:
                inside_exercise = max(starts, default=-1) > max(ends, default=-1)
            directives = list(EXERCISE_DIRECTIVE.finditer(cell.source))
            after_exercise = bool(directives) and not cell.source[directives[-1].end() :].strip()
        elif cell.cell_type == "code" and (
            inside_exercise or after_exercise or "exercise" in cell.metadata.get("tags", [])
        ):
            cells.append(cell)
    return cells


def strip_solutions(
    notebook: nbformat.NotebookNode, *, keep_outputs: bool = False
) -> nbformat.NotebookNode:
    """Return the student edition of one notebook (the argument is modified in place).

    Every output is cleared, or with ``keep_outputs`` only those of the exercises' cells
    (:func:`exercise_cells`): the other cells keep their stored outputs, so that the
    student site shows their figures and numbers. A solution's outputs go with its cells.
    """
    notebook.cells, _ = split_solutions(notebook)
    cleared = exercise_cells(notebook) if keep_outputs else notebook.cells
    for cell in cleared:
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
    return notebook


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", type=pathlib.Path, default=ROOT / "_build" / "student_edition")
    output = parser.parse_args().output
    output.mkdir(parents=True, exist_ok=True)
    for path in sorted(BOOK.glob("*.ipynb")):
        notebook = strip_solutions(nbformat.read(path, as_version=4))
        nbformat.write(notebook, output / path.name)
        print(f"{output / path.name}")


if __name__ == "__main__":
    main()
