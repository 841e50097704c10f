"""The student edition: solutions gone, and every notebook still runs top to bottom."""

from __future__ import annotations

import pathlib
import subprocess
import sys

import nbformat
import pytest

from tests.paths import CHAPTERS, ROOT

sys.path.insert(0, str(ROOT / ".ci"))
from student_edition import strip_solutions


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
