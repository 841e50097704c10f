"""Every chapter is stored executed, clean and complete: what nbval and the reader rely on.

nbval (strict, in the same pytest run) re-executes each notebook and compares its text
outputs with the stored ones; a notebook stored without outputs would pass it while
checking nothing. These tests make sure there is something to check: every code cell
ran, top to bottom in one fresh kernel, without errors, with PNG figures that carry a
caption and alt text, and the chapter has the parts a teacher expects (learning
objectives, a summary, exercises with solutions). Each test is parametrized by
notebook, so a failure names the chapter; messages name the cell (0-based index).
"""

from __future__ import annotations

import functools
import json
import pathlib
import re

import nbformat
import pytest

from tests.paths import BOOK, CHAPTERS, ROOT, toc_files

NOTEBOOKS = CHAPTERS
TOC_FILES = toc_files()

MEMORY_ADDRESS = re.compile(r"\b0x[0-9a-fA-F]{6,}\b")
FORBIDDEN_MIME_TYPES = {
    "image/svg+xml": "SVG (the book stores PNG figures only)",
    "image/jpeg": "JPEG (the book stores PNG figures only)",
    "image/gif": "GIF (the book stores PNG figures only)",
}
DIRECTIVE = re.compile(
    r"^\s*(?:`{3,}|:{3,})\{(?P<name>exercise|exercise-start|solution|solution-start|"
    r"solution-end)\}[ \t]*(?P<argument>\S*)"
)
LABEL_OPTION = re.compile(r"^\s*:label:\s*(?P<label>\S+)")
SUMMARY_HEADING = re.compile(
    r"^\s*(?:#{1,6}\s+|\*\*)(?:\d+(?:\.\d+)*\.?\s+)?summary\b", re.I | re.M
)


def by_name(paths: list[pathlib.Path]) -> list:
    return [pytest.param(path, id=path.name) for path in paths]


@functools.cache
def read(path: pathlib.Path) -> nbformat.NotebookNode:
    return nbformat.read(path, as_version=4)


def code_cells(path: pathlib.Path) -> list[tuple[int, nbformat.NotebookNode]]:
    return [(i, cell) for i, cell in enumerate(read(path).cells) if cell.cell_type == "code"]


def markdown(path: pathlib.Path) -> list[str]:
    return [cell.source for cell in read(path).cells if cell.cell_type == "markdown"]


def output_texts(output: nbformat.NotebookNode) -> list[str]:
    """The text a reader sees in one output (stream text or text/plain)."""
    if output.output_type == "stream":
        return [output.text]
    text = output.get("data", {}).get("text/plain")
    return [text] if text is not None else []


def exercises_and_solutions(path: pathlib.Path) -> tuple[list[str | None], list[str], list[str]]:
    """Labels of the exercises (None if unlabelled), of their solutions, and the problems.

    A solution is a ``{solution}`` directive or a ``{solution-start}`` block naming the
    exercise (an auto-checked exercise's worked code sits in such a block).
    """
    exercises: list[str | None] = []
    solutions: list[str] = []
    starts = ends = 0
    for cell in read(path).cells:
        if cell.cell_type == "code":
            continue
        if cell.cell_type != "markdown":
            continue
        lines = cell.source.splitlines()
        for number, line in enumerate(lines):
            match = DIRECTIVE.match(line)
            if match is None:
                continue
            name, argument = match["name"], match["argument"]
            if name.startswith("exercise"):
                label = None
                for option in lines[number + 1 :]:
                    if not option.strip().startswith(":"):
                        break
                    if found := LABEL_OPTION.match(option):
                        label = found["label"]
                exercises.append(label)
            elif name in ("solution", "solution-start"):
                solutions.append(argument)
                starts += name == "solution-start"
            else:
                ends += 1
    problems = []
    if starts != ends:
        problems.append(f"{starts} {{solution-start}} but {ends} {{solution-end}}")
    return exercises, solutions, problems


def test_the_book_has_chapters() -> None:
    assert NOTEBOOKS, f"no notebooks in {BOOK}"


@pytest.mark.parametrize("document", TOC_FILES)
def test_every_toc_entry_exists(document: str) -> None:
    candidates = [ROOT / f"{document}{suffix}" for suffix in (".ipynb", ".md")]
    assert any(path.is_file() for path in candidates), f"_toc.yml lists {document}: no such file"


@pytest.mark.parametrize("path", by_name(NOTEBOOKS))
def test_every_notebook_is_in_the_toc(path: pathlib.Path) -> None:
    document = path.relative_to(ROOT).with_suffix("").as_posix()
    assert document in TOC_FILES, f"{document} is not listed in _toc.yml: readers never see it"


@pytest.mark.parametrize("path", by_name(NOTEBOOKS))
def test_every_code_cell_ran_in_order(path: pathlib.Path) -> None:
    """Execution counts 1, 2, 3, … : one fresh kernel, top to bottom, nothing skipped."""
    cells = code_cells(path)
    assert cells, f"{path.name} has no code cells"
    problems = []
    for expected, (index, cell) in enumerate(cells, start=1):
        if not cell.source.strip():
            problems.append(f"cell {index}: empty code cell")
        elif cell.execution_count != expected:
            problems.append(f"cell {index}: execution count {cell.execution_count}, not {expected}")
    assert not problems, (
        f"{path.name} was not stored as executed top to bottom in a fresh kernel "
        f"(run .ci/execute_notebooks.py {path.relative_to(ROOT)}):\n" + "\n".join(problems)
    )


@pytest.mark.parametrize("path", by_name(NOTEBOOKS))
def test_current_nbformat_with_cell_ids(path: pathlib.Path) -> None:
    """nbformat 4.5, every cell with its own id: JupyterLab opens it without changing it.

    Read as stored (not through nbformat.read, which would add missing ids on the fly).
    """
    stored = json.loads(path.read_text(encoding="utf-8"))
    assert (stored["nbformat"], stored["nbformat_minor"]) == (4, 5), (
        f"{path.name} is nbformat {stored['nbformat']}.{stored['nbformat_minor']}, not 4.5: "
        f"run .ci/execute_notebooks.py {path.relative_to(ROOT)}"
    )
    ids = [cell.get("id") for cell in stored["cells"]]
    missing = [i for i, cell_id in enumerate(ids) if not cell_id]
    assert not missing, f"{path.name}: cells {missing} have no id"
    assert len(set(ids)) == len(ids), f"{path.name}: cell ids repeat"


@pytest.mark.parametrize("path", by_name(NOTEBOOKS))
def test_no_error_or_stderr_output(path: pathlib.Path) -> None:
    problems = []
    for index, cell in code_cells(path):
        for output in cell.outputs:
            if output.output_type == "error":
                problems.append(f"cell {index}: {output.ename}: {output.evalue}")
            elif output.output_type == "stream" and output.name == "stderr":
                problems.append(f"cell {index}: stderr: {output.text.strip()[:200]}")
    assert not problems, f"{path.name}:\n" + "\n".join(problems)


@pytest.mark.parametrize("path", by_name(NOTEBOOKS))
def test_figures_are_png_only(path: pathlib.Path) -> None:
    problems = [
        f"cell {index}: {mime_type} output: {why}"
        for index, cell in code_cells(path)
        for output in cell.outputs
        for mime_type, why in FORBIDDEN_MIME_TYPES.items()
        if mime_type in output.get("data", {})
    ]
    assert not problems, f"{path.name}:\n" + "\n".join(problems)


STORED_FIGURE = re.compile(r'class="interactive-figure[^"]*" data-figure="(?P<kind>[a-z-]+)"')


def library_static(name: str) -> str:
    return (ROOT / "momentum_lib" / "static" / name).read_text(encoding="utf-8")


@pytest.mark.parametrize("path", by_name(NOTEBOOKS))
def test_stored_interactive_figures_carry_the_librarys_current_scripts(
    path: pathlib.Path,
) -> None:
    """The site and JupyterLab show a figure's stored output, scripts inlined at execution.

    A change to ``momentum_lib/static`` reaches the reader only once the chapter is executed
    again (``.ci/execute_notebooks.py``); nbval does not compare HTML outputs.
    """
    problems = []
    for index, cell in code_cells(path):
        for output in cell.outputs:
            html = str(output.get("data", {}).get("text/html", ""))
            for match in STORED_FIGURE.finditer(html):
                kind = match["kind"]
                for name in ("figures.css", "figures.js", kind.replace("-", "_") + ".js"):
                    if library_static(name) not in html:
                        problems.append(f"cell {index}: {kind}: {name} is not the library's")
    assert not problems, f"{path.name}: execute it again\n" + "\n".join(problems)


@pytest.mark.parametrize("path", by_name(NOTEBOOKS))
def test_no_memory_addresses_in_outputs(path: pathlib.Path) -> None:
    """A repr like <matplotlib.lines.Line2D at 0x7f…> changes at every run: end the line with ;"""
    problems = [
        f"cell {index}: {match.group()} in {text.strip()[:120]!r}"
        for index, cell in code_cells(path)
        for output in cell.outputs
        for text in output_texts(output)
        for match in MEMORY_ADDRESS.finditer(text)
    ]
    assert not problems, f"{path.name}:\n" + "\n".join(problems)


@pytest.mark.parametrize("path", by_name(NOTEBOOKS))
def test_no_execution_timing_metadata(path: pathlib.Path) -> None:
    problems = []
    for index, cell in enumerate(read(path).cells):
        if "execution" in cell.get("metadata", {}):
            problems.append(f"cell {index}: metadata.execution")
        for output in cell.get("outputs", []):
            if "execution" in output.get("metadata", {}):
                problems.append(f"cell {index}: output metadata.execution")
    assert not problems, (
        f"{path.name} stores execution timings (noise in every diff; "
        ".ci/execute_notebooks.py removes them):\n" + "\n".join(problems)
    )


@pytest.mark.parametrize("path", by_name(NOTEBOOKS))
def test_every_figure_has_a_caption_and_alt_text(path: pathlib.Path) -> None:
    problems = []
    for index, cell in code_cells(path):
        pngs = sum("image/png" in output.get("data", {}) for output in cell.outputs)
        if not pngs:
            continue
        mystnb = cell.metadata.get("mystnb", {})
        if not str(mystnb.get("figure", {}).get("caption", "")).strip():
            problems.append(f"cell {index}: figure without mystnb.figure.caption")
        if not str(mystnb.get("image", {}).get("alt", "")).strip():
            problems.append(f"cell {index}: figure without mystnb.image.alt")
        if pngs > 1:
            problems.append(f"cell {index}: {pngs} figures in one cell (one figure per cell)")
    assert not problems, f"{path.name}:\n" + "\n".join(problems)


@pytest.mark.parametrize("path", by_name(NOTEBOOKS))
def test_chapter_has_title_objectives_and_summary(path: pathlib.Path) -> None:
    cells = read(path).cells
    problems = []
    if not cells or cells[0].cell_type != "markdown" or not cells[0].source.startswith("# "):
        problems.append("the first cell is not a markdown cell starting with '# N. Title'")
    before_code = []
    for cell in cells:
        if cell.cell_type == "code":
            break
        before_code.append(cell.source)
    if "learning objectives" not in "\n".join(before_code).lower():
        problems.append("no 'Learning objectives' before the first code cell")
    if not any(SUMMARY_HEADING.search(source) for source in markdown(path)):
        problems.append("no 'Summary' section")
    assert not problems, f"{path.name}:\n" + "\n".join(problems)


@pytest.mark.parametrize("path", by_name(NOTEBOOKS))
def test_at_least_two_exercises_each_with_a_solution(path: pathlib.Path) -> None:
    exercises, solutions, problems = exercises_and_solutions(path)
    if len(exercises) < 2:
        problems.append(f"{len(exercises)} {{exercise}} directives, at least 2 wanted")
    if None in exercises:
        problems.append("an {exercise} without :label: (its solution cannot refer to it)")
    labels = [label for label in exercises if label is not None]
    problems += [f"exercise {label} has no solution" for label in labels if label not in solutions]
    problems += [f"solution for unknown exercise {s!r}" for s in solutions if s not in labels]
    assert not problems, f"{path.name}:\n" + "\n".join(problems)


def test_exercise_labels_are_unique_across_the_book() -> None:
    seen: dict[str, str] = {}
    duplicates = []
    for path in NOTEBOOKS:
        for label in exercises_and_solutions(path)[0]:
            if label in seen:
                duplicates.append(f"{label} in {seen[label]} and {path.name}")
            elif label is not None:
                seen[label] = path.name
    assert not duplicates, "duplicate exercise labels: " + ", ".join(duplicates)
