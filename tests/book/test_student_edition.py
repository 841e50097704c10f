"""The student edition: solutions gone, and every notebook still runs top to bottom."""

from __future__ import annotations

import pathlib
import subprocess
import sys

import nbformat
import pytest

from tests.paths import CHAPTERS, ROOT

sys.path.insert(0, str(ROOT / ".ci"))
from student_edition import exercise_cells, split_solutions, strip_solutions


def markdown(text: str) -> nbformat.NotebookNode:
    return nbformat.v4.new_markdown_cell(text)


def test_strip_solutions_on_a_small_notebook() -> None:
    exercise_code = (
        "def gradient_descent_step(w, gradient, learning_rate):\n"
        "    raise NotImplementedError  # your code here\n"
        "check('gradient_descent_step', gradient_descent_step)"
    )
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [
        markdown(
            ":::{exercise}\n:label: a\nDo it.\n:::\n\n:::{solution} a\n:class: dropdown\nDone.\n:::"
        ),
        markdown("Before.\n\n````{solution-start} b\n:class: dropdown\n````"),
        nbformat.v4.new_code_cell("secret = 42"),
        markdown("````{solution-end}\n````\n\nAfter."),
        nbformat.v4.new_code_cell(exercise_code, metadata={"tags": ["exercise"]}),
    ]
    student = strip_solutions(notebook)
    sources = [cell.source for cell in student.cells]
    assert sources[0] == ":::{exercise}\n:label: a\nDo it.\n:::"
    assert sources[1] == "Before."
    assert sources[2] == "After."
    assert "secret" not in "".join(sources)
    assert sources[3] == exercise_code  # the stub stays, for the student to complete


def ran(source: str, text: str, tags: tuple[str, ...] = ()) -> nbformat.NotebookNode:
    """A code cell with a stored stream output."""
    output = nbformat.v4.new_output("stream", name="stdout", text=text)
    return nbformat.v4.new_code_cell(source, outputs=[output], metadata={"tags": list(tags)})


def small_chapter() -> nbformat.NotebookNode:
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [
        markdown("The main line."),
        ran("print(1)", "1\n"),
        markdown(":::{exercise} Predict, then run\n:label: a\nWhat does it print?\n:::"),
        ran("print(2)", "2\n"),
        ran("print(3)", "3\n"),
        markdown(":::{exercise}\n:label: b\nWrite it.\n:::\n\nMore main line."),
        ran("print(4)", "4\n"),
        ran("check('f', f)", "f is not written yet\n", tags=("exercise",)),
        markdown("````{solution-start} b\n:class: dropdown\n````\nThe idea."),
        ran("f = print", "the answer\n"),
        markdown("Why it works.\n\n````{solution-end}\n````"),
        markdown(":::{solution} a\n:class: dropdown\nIt prints 2, then 3.\n:::"),
        markdown("````{exercise-start}\n:label: c\n````"),
        ran("print(5)", "5\n"),
        markdown("````{exercise-end}\n````\n\nThe end."),
        ran("print(6)", "6\n"),
    ]
    return notebook


def test_exercise_cells_are_the_cells_students_run_for_an_exercise() -> None:
    cells = exercise_cells(small_chapter())
    # After an exercise, up to the next markdown; tagged; inside exercise-start … end.
    assert [cell.source for cell in cells] == [
        "print(2)", "print(3)", "check('f', f)", "print(5)",
    ]  # fmt: skip


def test_split_solutions_returns_each_solution_text() -> None:
    cells, solutions = split_solutions(small_chapter())
    assert solutions == [
        "The idea.\nf = print\nthe answer\n\nWhy it works.\n\n",
        "It prints 2, then 3.",
    ]
    assert "f = print" not in [cell.source for cell in cells]


def test_strip_solutions_can_keep_the_main_line_outputs() -> None:
    student = strip_solutions(small_chapter(), keep_outputs=True)
    shown = {
        cell.source: "".join(output.text for output in cell.outputs)
        for cell in student.cells
        if cell.cell_type == "code"
    }
    assert shown == {
        "print(1)": "1\n",
        "print(2)": "",
        "print(3)": "",
        "print(4)": "4\n",
        "check('f', f)": "",
        "print(5)": "",
        "print(6)": "6\n",
    }
    cleared = strip_solutions(small_chapter())
    assert all(not cell.get("outputs") for cell in cleared.cells)


@pytest.fixture(scope="module")
def edition(tmp_path_factory: pytest.TempPathFactory) -> pathlib.Path:
    output = tmp_path_factory.mktemp("student_edition")
    subprocess.run(
        [sys.executable, str(ROOT / ".ci" / "student_edition.py"), "--output", str(output)],
        check=True,
        capture_output=True,
    )
    return output


@pytest.fixture(scope="module")
def executed(edition: pathlib.Path, tmp_path_factory: pytest.TempPathFactory):
    """Every student notebook run top to bottom, two at a time, each in its own process."""
    output = tmp_path_factory.mktemp("student_edition_executed")
    result = subprocess.run(
        [sys.executable, str(ROOT / ".ci" / "execute_notebooks.py"), "--output", str(output),
         *map(str, sorted(edition.glob("*.ipynb")))],
        capture_output=True, text=True, timeout=900, check=False,
    )  # fmt: skip
    return output, result.stdout + result.stderr


@pytest.mark.parametrize("chapter", CHAPTERS, ids=lambda path: path.stem)
def test_student_edition_runs(edition: pathlib.Path, executed, chapter: pathlib.Path) -> None:
    notebook = nbformat.read(edition / chapter.name, as_version=4)
    text = "\n".join(cell.source for cell in notebook.cells)
    for marker in ("{solution}", "{solution-start}", "{solution-end}"):
        assert marker not in text, f"{chapter.name}: the student edition still has {marker}"
    assert all(not cell.get("outputs") for cell in notebook.cells if cell.cell_type == "code")

    # The run stops at the first error: the unfinished exercises must not raise one.
    directory, log = executed
    ran = directory / chapter.name
    assert ran.is_file(), f"{chapter.name} did not run to the end:\n{log}"
    notebook = nbformat.read(ran, as_version=4)
    for cell in notebook.cells:
        if "exercise" in cell.metadata.get("tags", []):
            shown = "".join(o.get("text", "") for o in cell.outputs)
            assert "is not written yet" in shown, cell.source
