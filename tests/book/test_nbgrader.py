"""The nbgrader course: the auto-checked exercises as graded assignments.

.ci/nbgrader_course.py writes a course folder from the book; nbgrader itself, run offline
in a temporary course with its own SQLite gradebook, releases the assignments and scores
three students: one who hands in the book's worked solutions, one with wrong work (common
bugs, and answers learnt by heart that only the hidden tests catch), and one whose
functions call momentum_lib's own.
"""

from __future__ import annotations

import os
import pathlib
import subprocess
import sys

import nbformat
import pytest

from momentum_lib.exercises import RANDOM_CASES
from tests.paths import BOOK, ROOT

sys.path.insert(0, str(ROOT / ".ci"))
from learner_notebooks import ConversionError, convert_notebook, raw_myst, read_book
from nbgrader_course import (
    STUB,
    exercises,
    fill_stubs,
    function_bodies,
    main,
    stubbed_functions,
    write_course,
)

SEED = 4321
ASSIGNMENTS = {
    "02_gradient_descent_update": ["gradient_descent_step", "mean_squared_error_gradient"],
    "03_momentum": ["momentum_step"],
    "07_why_momentum_works": ["critical_momentum"],
}
"""Each assignment (a chapter) and the functions its students write."""

WRONG = {
    "gradient_descent_step": "return w + learning_rate * gradient  # the sign",
    "momentum_step": "return w + momentum * delta_w - learning_rate * gradient, delta_w",
    "critical_momentum": (
        "answers = {(0.25, 1.0): 0.25, (0.0625, 4.0): 0.25, (0.02, 0.5): 0.81, (0.1, 10.0): 0.0}\n"
        "return answers[learning_rate, curvature]"
    ),
}
"""Wrong work: the sign, the old update returned, and check's four answers learnt by heart,
which pass the visible cases (only the hidden ones catch them). mean_squared_error_gradient
is right: one of chapter 2's two functions fails."""

LIBRARY = {
    "gradient_descent_step": (
        "import momentum_lib\n\n"
        "return momentum_lib.gradient_descent_step(w, gradient, learning_rate)"
    ),
    "mean_squared_error_gradient": (
        "from momentum_lib import losses\n\n"
        "return losses.mean_squared_error_gradient(predictions, targets)"
    ),
    "momentum_step": (
        "from momentum_lib.optimizers import momentum_step as library_step\n\n"
        "return library_step(w, delta_w, gradient, learning_rate, momentum)"
    ),
    "critical_momentum": (
        "from momentum_lib import theory\n\n"
        "return theory.critical_momentum(learning_rate, curvature)"
    ),
}
"""Functions that only call the library's own implementation."""


def worked_solutions() -> dict[str, str]:
    """The body of every exercise function in the book's worked solutions."""
    bodies = {}
    for assignment in ASSIGNMENTS:
        notebook = nbformat.read(BOOK / f"{assignment}.ipynb", as_version=4)
        for _, _, _, solution in exercises(notebook):
            bodies.update(function_bodies(solution))
    return bodies


def book_exercise_cells(assignment: str) -> dict[str, str]:
    """The book's exercise cells of a chapter (the stubs), by cell id."""
    notebook = nbformat.read(BOOK / f"{assignment}.ipynb", as_version=4)
    return {cell_id: stub for cell_id, _, stub, _ in exercises(notebook)}


def nbgrader_cells(notebook: nbformat.NotebookNode) -> list[nbformat.NotebookNode]:
    return [cell for cell in notebook.cells if "nbgrader" in cell.metadata]


# --- The source notebooks -----------------------------------------------------------------


def test_fill_stubs_puts_each_body_in_its_function() -> None:
    stub = (
        f'def f(x):\n    """Doc."""\n    {STUB}\n\n\n'
        f"def g(x, y):\n    if x:\n        {STUB}\n    return y\n\n\ncheck('f', f)"
    )
    solution = (
        'def g(x, y):\n    return x * y\n\n\ndef f(x):\n    """Doc."""\n    # twice\n'
        "    return 2 * x"
    )
    assert stubbed_functions(stub) == ["f", "g"]
    bodies = function_bodies(solution)
    assert bodies == {"g": "return x * y", "f": "# twice\nreturn 2 * x"}
    assert fill_stubs(stub, bodies, delimited=False) == (
        'def f(x):\n    """Doc."""\n    # twice\n    return 2 * x\n\n\n'
        "def g(x, y):\n    if x:\n        return x * y\n    return y\n\n\ncheck('f', f)"
    )
    assert fill_stubs(stub, bodies, delimited=True).splitlines()[2:6] == [
        "    ### BEGIN SOLUTION",
        "    # twice",
        "    return 2 * x",
        "    ### END SOLUTION",
    ]


def test_an_exercise_without_its_worked_solution_is_refused() -> None:
    notebook = nbformat.v4.new_notebook()
    stub = f"def f(x):\n    {STUB}"
    notebook.cells = [
        nbformat.v4.new_code_cell(stub, metadata={"tags": ["exercise"]}),
        nbformat.v4.new_markdown_cell("````{solution-start} ex\n````"),
        nbformat.v4.new_code_cell("def g(x):\n    return x"),
    ]
    with pytest.raises(ConversionError, match=r"worked solution lacks \{'f'\}"):
        exercises(notebook)
    notebook.cells[1].source = "No solution block."
    with pytest.raises(ConversionError, match="no worked solution follows it"):
        exercises(notebook)


@pytest.fixture(scope="module")
def book():
    return read_book(ROOT)


@pytest.fixture(scope="module")
def sources(tmp_path_factory: pytest.TempPathFactory) -> pathlib.Path:
    course = tmp_path_factory.mktemp("nbgrader_source")
    write_course(course, seed=SEED)
    return course


def test_a_negative_seed_is_refused(tmp_path: pathlib.Path, capsys) -> None:
    with pytest.raises(SystemExit):
        main(["--output", str(tmp_path), "--seed", "-1"])
    assert "--seed must be an integer >= 0, got -1" in capsys.readouterr().err
    assert not list(tmp_path.iterdir())


def test_one_assignment_per_chapter_with_an_auto_checked_exercise(sources) -> None:
    written = sorted(path.relative_to(sources).as_posix() for path in sources.rglob("*.ipynb"))
    assert written == [f"source/{a}/{a}.ipynb" for a in ASSIGNMENTS]
    config = (sources / "nbgrader_config.py").read_text(encoding="utf-8")
    assert "c.CourseDirectory.db_url" in config and "c.CourseDirectory.root" in config


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_the_source_notebook_marks_solutions_and_tests(sources, book, assignment: str) -> None:
    notebook = nbformat.read(sources / "source" / assignment / f"{assignment}.ipynb", 4)
    assert raw_myst(notebook) == []  # readable in JupyterLab
    text = "\n".join(cell.source for cell in notebook.cells)
    assert "{solution" not in text and "(folded: click to show)" not in text

    cells = nbgrader_cells(notebook)
    kinds = [
        (
            cell.metadata.nbgrader.solution,
            cell.metadata.nbgrader.grade,
            cell.metadata.nbgrader.locked,
        )
        for cell in cells
    ]
    functions = ASSIGNMENTS[assignment]
    # The statement (locked), the solution cell, one locked test cell per function.
    assert kinds == [(False, False, True), (True, False, False)] + [(False, True, True)] * len(
        functions
    )
    statement, solution, *tests = cells
    # The student's learner notebook, cell for cell, with the test cells added.
    learner = convert_notebook(
        nbformat.read(BOOK / f"{assignment}.ipynb", 4), f"book/{assignment}", book, student=True
    )
    kept = [cell for cell in notebook.cells if cell not in tests]
    assert [cell.id for cell in kept] == [cell.id for cell in learner.cells]
    assert [c.source for c in kept if c is not solution] == [
        c.source for c in learner.cells if c.id != solution.id
    ]
    stubs = book_exercise_cells(assignment)
    assert set(stubs) == {solution.id}
    assert fill_stubs(stubs[solution.id], worked_solutions(), delimited=True) == solution.source
    assert notebook.cells.index(solution) == notebook.cells.index(statement) + 1
    ids = [cell.metadata.nbgrader.grade_id for cell in cells]
    assert len(set(ids)) == len(ids)
    for test, function in zip(tests, functions, strict=True):
        assert test.metadata.nbgrader.grade_id == f"test_{function}"
        assert test.metadata.nbgrader.points == 1
        assert f'grade("{function}", {function})\n### BEGIN HIDDEN TESTS\n' in test.source
        assert f'grade("{function}", {function}, seed={SEED})\n### END HIDDEN TESTS' in test.source


# --- nbgrader: release and autograde ------------------------------------------------------


def nbgrader(course: pathlib.Path, *arguments: str, timeout: float) -> str:
    """Run ``nbgrader`` in the course folder, offline, with no user configuration."""
    environment = {
        **os.environ,
        # nbgrader runs its `alembic` command: the one beside this Python.
        "PATH": os.pathsep.join([str(pathlib.Path(sys.executable).parent), os.environ["PATH"]]),
        "JUPYTER_CONFIG_DIR": str(course / ".jupyter"),
    }
    result = subprocess.run(
        [sys.executable, "-m", "nbgrader", *arguments],
        cwd=course, env=environment, capture_output=True, text=True, timeout=timeout, check=False,
    )  # fmt: skip
    log = result.stdout + result.stderr
    assert result.returncode == 0, log
    assert "ERROR" not in log, log
    return log


def submissions() -> dict[str, dict[str, str]]:
    """Each student's function bodies (a student hands in the assignments they have)."""
    right = worked_solutions()
    return {
        "right": right,
        "wrong": {**right, **WRONG},
        "library": LIBRARY,
    }


@pytest.fixture(scope="module")
def executed(tmp_path_factory: pytest.TempPathFactory):
    """A course released, three students' work collected and autograded; their scores.

    (Named ``executed``: autograding runs every submitted chapter, and tests/conftest.py
    marks the tests that use this fixture slow.)
    """
    course = tmp_path_factory.mktemp("nbgrader_course")
    subprocess.run(
        [sys.executable, str(ROOT / ".ci" / "nbgrader_course.py"), "--output", str(course),
         "--seed", str(SEED)],
        check=True, capture_output=True, timeout=300,
    )  # fmt: skip
    nbgrader(course, "generate_assignment", "*", timeout=600)
    for student, bodies in submissions().items():
        for assignment, functions in ASSIGNMENTS.items():
            if not set(functions) <= set(bodies):
                continue
            notebook = nbformat.read(course / "release" / assignment / f"{assignment}.ipynb", 4)
            for cell in nbgrader_cells(notebook):
                if cell.metadata.nbgrader.solution:
                    cell.source = fill_stubs(cell.source, bodies, delimited=False)
            folder = course / "submitted" / student / assignment
            folder.mkdir(parents=True)
            nbformat.write(notebook, folder / f"{assignment}.ipynb")
    nbgrader(course, "autograde", "*", timeout=3600)

    from nbgrader.api import Gradebook

    scores = {}
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gradebook:
        for assignment in gradebook.assignments:
            for submission in assignment.submissions:
                (notebook,) = submission.notebooks
                scores[submission.student.id, assignment.name] = {
                    grade.name: (grade.score, grade.max_score) for grade in notebook.grades
                }
    return course, scores


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_the_release_has_the_books_stubs_and_no_hidden_tests(executed, assignment) -> None:
    course, _ = executed
    notebook = nbformat.read(course / "release" / assignment / f"{assignment}.ipynb", 4)
    cells = {cell.id: cell for cell in notebook.cells}
    for cell_id, stub in book_exercise_cells(assignment).items():
        assert cells[cell_id].source == stub  # exactly what the book hands out
    text = "\n".join(cell.source for cell in notebook.cells)
    for hidden in ("BEGIN HIDDEN TESTS", "seed=", str(SEED), "BEGIN SOLUTION"):
        assert hidden not in text
    assert all(not cell.outputs for cell in notebook.cells if cell.cell_type == "code")
    for function in ASSIGNMENTS[assignment]:
        assert f'grade("{function}", {function})' in text  # the visible tests stay


def test_the_worked_solutions_score_full_points(executed) -> None:
    _, scores = executed
    for assignment, functions in ASSIGNMENTS.items():
        assert scores["right", assignment] == {f"test_{f}": (1.0, 1.0) for f in functions}


def test_a_common_bug_loses_the_points_of_its_function(executed) -> None:
    _, scores = executed
    for assignment, functions in ASSIGNMENTS.items():
        expected = {f"test_{f}": (0.0 if f in WRONG else 1.0, 1.0) for f in functions}
        assert scores["wrong", assignment] == expected


def autograded(course: pathlib.Path, student: str, assignment: str) -> nbformat.NotebookNode:
    return nbformat.read(course / "autograded" / student / assignment / f"{assignment}.ipynb", 4)


def grading_errors(notebook: nbformat.NotebookNode) -> list[nbformat.NotebookNode]:
    """The error outputs of a graded notebook's autograder test cells."""
    return [
        output
        for cell in nbgrader_cells(notebook)
        if cell.metadata.nbgrader.grade
        for output in cell.outputs
        if output.output_type == "error"
    ]


def test_calling_the_library_scores_zero(executed) -> None:
    course, scores = executed
    for assignment, functions in ASSIGNMENTS.items():
        assert scores["library", assignment] == {f"test_{f}": (0.0, 1.0) for f in functions}
        # Because momentum_lib was switched off, not for another error.
        errors = grading_errors(autograded(course, "library", assignment))
        assert len(errors) == len(functions)
        for error in errors:
            assert error.ename == "AssertionError"
            assert "is switched off while grading" in error.evalue


def test_the_hidden_tests_run_when_grading(executed) -> None:
    course, scores = executed
    # check's four answers by heart pass the visible tests; the hidden ones fail them.
    assert scores["wrong", "07_why_momentum_works"] == {"test_critical_momentum": (0.0, 1.0)}
    (error,) = grading_errors(autograded(course, "wrong", "07_why_momentum_works"))
    assert error.evalue.startswith(f"✗ critical_momentum: {RANDOM_CASES} of {RANDOM_CASES} cases")
    assert "case 1 of 5: random case 1" in error.evalue and "KeyError" in error.evalue
