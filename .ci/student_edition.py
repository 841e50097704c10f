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
SOLUTION_START = re.compile(r"^(:{3,}|`{3,})\{solution-start\}", re.MULTILINE)
SOLUTION_END = re.compile(
    r"^(:{3,}|`{3,})\{solution-end\}.*?^\1[ \t]*$\n?", re.MULTILINE | re.DOTALL
)


def strip_solutions(notebook: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """Return the student edition of one notebook (the argument is modified in place)."""
    cells = []
    inside_solution = False
    for cell in notebook.cells:
        if cell.cell_type == "markdown":
            text = cell.source
            if inside_solution:
                end = SOLUTION_END.search(text)
                if end is None:
                    continue
                inside_solution = False
                text = text[end.end() :]
            start = SOLUTION_START.search(text)
            if start is not None:
                inside_solution = SOLUTION_END.search(text, start.end()) is None
                end = SOLUTION_END.search(text, start.end())
                text = text[: start.start()] + (text[end.end() :] if end else "")
            text = SOLUTION_DIRECTIVE.sub("", text).strip()
            if text:
                cell.source = text
                cells.append(cell)
            continue
        if inside_solution:
            continue
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
        cells.append(cell)
    notebook.cells = cells
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
