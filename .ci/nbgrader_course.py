"""Make an nbgrader course from the book: its auto-checked exercises as graded assignments.

    python .ci/nbgrader_course.py                       # into _build/nbgrader/
    python .ci/nbgrader_course.py --output DIR --seed 31
    cd DIR
    nbgrader generate_assignment 03_momentum            # the release, without solutions
    nbgrader autograde 03_momentum                      # scores submitted/*/03_momentum/

For teachers who run a JupyterHub course with nbgrader. The book's notebooks stay the
single source: each chapter with an auto-checked exercise (a code cell tagged
``exercise``: chapters 2, 3 and 7) becomes one assignment, named after its notebook,
whose source notebook is the chapter as .ci/learner_notebooks.py writes it for students
(``--student``: MyST converted, so JupyterLab shows no raw syntax; solutions removed).
In it,

- the exercise cell becomes an nbgrader solution cell: in each function, the stub line
  ``raise NotImplementedError  # your code here`` is replaced by the body of the same
  function in the worked solution (the code cell of the ``{solution-start}`` block that
  follows the exercise), between ``### BEGIN SOLUTION`` and ``### END SOLUTION``. The
  course's ``nbgrader_config.py`` makes that line nbgrader's stub, so the release shows
  the book's cell exactly, ``check`` call included;
- after it comes one read-only autograder test cell per function, worth ``POINTS``
  points: ``momentum_lib.exercises.grade`` on the cases ``check`` runs, then, between
  ``### BEGIN HIDDEN TESTS`` and ``### END HIDDEN TESTS`` (not in the release), on random
  cases drawn from ``--seed``. While the student's function runs, ``grade`` switches every
  function of momentum_lib off, so a function that calls the library's own scores 0;
- the exercise's statement (the markdown cell before it) is locked.

One assignment per chapter rather than one for the book: the chapters are taught in
different weeks (chapter 7 is an extension that many courses skip), and nbgrader
releases, collects, dates and penalises by assignment. ``generate_assignment`` clears the
stored outputs, as the student edition does: a "predict, then run" exercise shows no
answer. The course folder holds ``nbgrader_config.py`` (the course's root is its own
folder, with the gradebook ``gradebook.db`` in it) and ``source/<assignment>/<assignment>
.ipynb``.
"""

from __future__ import annotations

import argparse
import ast
import pathlib
import re
import sys
import textwrap

import nbformat

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
from learner_notebooks import Book, ConversionError, convert_notebook, read_book

ROOT = pathlib.Path(__file__).resolve().parent.parent
DEFAULT_OUTPUT = ROOT / "_build" / "nbgrader"
STUB = "raise NotImplementedError  # your code here"
"""The line each function of an exercise cell holds until the student writes it."""
POINTS = 1
"""Points of each function's autograder test cell."""
DEFAULT_SEED = 20250901
"""The seed of the hidden tests' random cases (a teacher changes it with ``--seed``)."""
SCHEMA_VERSION = 3  # nbgrader's cell metadata, as nbgrader 0.9 writes it
SOLUTION_START = re.compile(r"\{solution-start\}[ \t]+(?P<label>\S+)")

CONFIG = f'''\
"""nbgrader's configuration of the course "Momentum, explained" (.ci/nbgrader_course.py)."""

import pathlib

c = get_config()  # noqa: F821  (nbgrader gives it)

# The course is this folder, wherever it is; its gradebook is a SQLite file in it.
HERE = pathlib.Path(__file__).resolve().parent
c.CourseDirectory.root = str(HERE)
c.CourseDirectory.db_url = f"sqlite:///{{HERE / 'gradebook.db'}}"

# The stub of the book's exercises: the release shows the book's exercise cells exactly.
c.ClearSolutions.code_stub = {{"python": {STUB!r}}}

# Autograding runs the whole chapter: allow a figure cell time on a busy hub.
c.Execute.timeout = 300
'''

TEST = """\
# Autograder tests of {function} (read-only; points: {points}): the cases that check
# runs and cases you do not see, with momentum_lib switched off while your function runs.
from momentum_lib.exercises import grade

grade("{function}", {function})
### BEGIN HIDDEN TESTS
grade("{function}", {function}, seed={seed})
### END HIDDEN TESTS"""


def stubbed_functions(source: str) -> list[str]:
    """The functions of an exercise cell whose body holds the stub, in order."""
    lines = source.splitlines()
    return [
        node.name
        for node in ast.parse(source).body
        if isinstance(node, ast.FunctionDef)
        and any(lines[i].strip() == STUB for i in range(node.lineno, node.end_lineno))
    ]


def function_bodies(source: str) -> dict[str, str]:
    """The body of each function defined in a cell, without its docstring, dedented."""
    lines = source.splitlines()
    bodies = {}
    for node in ast.parse(source).body:
        if isinstance(node, ast.FunctionDef):
            first = node.body[0]
            has_docstring = (
                isinstance(first, ast.Expr)
                and isinstance(first.value, ast.Constant)
                and isinstance(first.value.value, str)
            )
            start = first.end_lineno if has_docstring else node.body[0].lineno - 1
            bodies[node.name] = textwrap.dedent("\n".join(lines[start : node.end_lineno]))
    return bodies


def fill_stubs(source: str, bodies: dict[str, str], *, delimited: bool) -> str:
    """Replace each function's stub line by its body from ``bodies``.

    With ``delimited``, the body stands between nbgrader's ``### BEGIN SOLUTION`` and
    ``### END SOLUTION`` (the source notebook); without, it is what a student writes.
    """
    lines = source.splitlines()
    owner = {
        index: node.name
        for node in ast.parse(source).body
        if isinstance(node, ast.FunctionDef)
        for index in range(node.lineno, node.end_lineno)
    }
    filled = []
    for index, line in enumerate(lines):
        if line.strip() != STUB:
            filled.append(line)
            continue
        indent = line[: len(line) - len(line.lstrip())]
        body = textwrap.indent(bodies[owner[index]], indent).splitlines()
        if delimited:
            body = [f"{indent}### BEGIN SOLUTION", *body, f"{indent}### END SOLUTION"]
        filled += body
    return "\n".join(filled)


def _nbgrader(grade_id: str, *, solution=False, grade=False, locked=False) -> dict:
    metadata = {
        "grade": grade,
        "grade_id": grade_id,
        "locked": locked,
        "schema_version": SCHEMA_VERSION,
        "solution": solution,
        "task": False,
    }
    if grade:
        metadata["points"] = POINTS
    return metadata


def exercises(notebook: nbformat.NotebookNode) -> list[tuple[str, str, str, str]]:
    """Each auto-checked exercise of a book notebook: (cell id, label, stub, worked solution).

    The worked solution is the first code cell after the exercise cell, inside the
    ``{solution-start}`` block that follows it, and defines every stubbed function.
    """
    found = []
    cells = notebook.cells
    for index, cell in enumerate(cells):
        if "exercise" not in cell.metadata.get("tags", []):
            continue
        after = cells[index + 1 :]
        solution = next((c for c in after if c.cell_type == "code"), None)
        between = after[: after.index(solution)] if solution is not None else after
        label = next((m["label"] for c in between if (m := SOLUTION_START.search(c.source))), None)
        if solution is None or label is None:
            raise ConversionError(f"exercise cell {cell.id}: no worked solution follows it")
        wanted = stubbed_functions(cell.source)
        missing = set(wanted) - set(function_bodies(solution.source))
        if not wanted or missing:
            raise ConversionError(
                f"exercise cell {cell.id}: stubs of {wanted}, worked solution lacks {missing}"
            )
        found.append((cell.id, label, cell.source, solution.source))
    return found


def _test_cell(cell_id: str, function: str, seed: int) -> nbformat.NotebookNode:
    source = TEST.format(function=function, points=POINTS, seed=seed)
    cell = nbformat.v4.new_code_cell(source)
    cell.id = f"{cell_id}-test-{function}"[:64]
    cell.metadata["nbgrader"] = _nbgrader(f"test_{function}", grade=True, locked=True)
    return cell


def source_notebook(
    notebook: nbformat.NotebookNode, document: str, book: Book, *, seed: int = DEFAULT_SEED
) -> nbformat.NotebookNode:
    """The nbgrader source notebook of one chapter (e.g. ``"book/03_momentum"``)."""
    found = {cell_id: rest for cell_id, *rest in exercises(notebook)}
    learner = convert_notebook(notebook, document, book, student=True)
    cells = []
    for cell in learner.cells:
        if cell.get("id") not in found:
            cells.append(cell)
            continue
        label, stub, solution = found[cell.id]
        if cells and cells[-1].cell_type == "markdown":  # the exercise's statement
            cells[-1].metadata["nbgrader"] = _nbgrader(f"{label}-statement", locked=True)
        cell.source = fill_stubs(stub, function_bodies(solution), delimited=True)
        cell.metadata["nbgrader"] = _nbgrader(label, solution=True)
        cells.append(cell)
        cells += [_test_cell(cell.id, function, seed) for function in stubbed_functions(stub)]
    learner.cells = cells
    return learner


def write_course(
    output: pathlib.Path, *, seed: int = DEFAULT_SEED, root: pathlib.Path = ROOT
) -> list[pathlib.Path]:
    """Write the course folder; return the source notebooks written."""
    book = read_book(root)
    output.mkdir(parents=True, exist_ok=True)
    (output / "nbgrader_config.py").write_text(CONFIG, encoding="utf-8")
    written = []
    for path in sorted((root / "book").glob("*.ipynb")):
        notebook = nbformat.read(path, as_version=4)
        if not any("exercise" in c.metadata.get("tags", []) for c in notebook.cells):
            continue
        document = path.relative_to(root).with_suffix("").as_posix()
        try:
            course = source_notebook(notebook, document, book, seed=seed)
        except ConversionError as error:
            raise ConversionError(f"{path.relative_to(root)}: {error}") from None
        nbformat.validate(course)
        target = output / "source" / path.stem / path.name
        target.parent.mkdir(parents=True, exist_ok=True)
        nbformat.write(course, target)
        written.append(target)
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", type=pathlib.Path, default=DEFAULT_OUTPUT)
    parser.add_argument(
        "--seed", type=int, default=DEFAULT_SEED, help="seed of the hidden tests' random cases"
    )
    arguments = parser.parse_args(argv)
    if arguments.seed < 0:
        parser.error(f"--seed must be an integer >= 0, got {arguments.seed}")
    try:
        written = write_course(arguments.output, seed=arguments.seed)
    except ConversionError as error:
        print(f"nbgrader_course.py: {error}", file=sys.stderr)
        return 1
    for path in written:
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
