"""The learner notebooks (.ci/learner_notebooks.py): the chapters as JupyterLab shows them.

1. The conversion, construct by construct, on small hand-made books (a _toc.yml and two
   notebooks in a temporary folder).
2. Every chapter of the book converts with no MyST left, its cells, ids and stored outputs
   kept, and its figures and exercises numbered as on the built site (the session's
   ``site_dir``, tests/site_build.py).
3. A real JupyterLab (the environment's ``jupyter lab``, on 127.0.0.1, with a token)
   serving the generated folder, opened in headless Chromium with every request that
   leaves localhost aborted (tests/browser.py): chapters 2 and 3 as a learner sees them,
   and chapter 2 run top to bottom. Without /usr/bin/chromium these tests are skipped,
   except on CI, where they fail.
"""

from __future__ import annotations

import base64
import contextlib
import dataclasses
import functools
import io
import json
import os
import pathlib
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator

import nbformat
import pytest

from momentum_lib.interactive import iteration_map, static_picture
from tests.browser import new_page
from tests.paths import ROOT

sys.path.insert(0, str(ROOT / ".ci"))
import learner_notebooks as ln

CHAPTERS = sorted((ROOT / "book").glob("*.ipynb"))
PNG = (  # one white pixel
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="
)

# --- Small hand-made books ----------------------------------------------------------------


def markdown(text: str, cell_id: str | None = None) -> nbformat.NotebookNode:
    cell = nbformat.v4.new_markdown_cell(text)
    if cell_id:
        cell.id = cell_id
    return cell


def code(
    text: str,
    cell_id: str | None = None,
    *,
    tags: list[str] | None = None,
    outputs: list | None = None,
    figure: dict | None = None,
) -> nbformat.NotebookNode:
    cell = nbformat.v4.new_code_cell(text, execution_count=1, outputs=outputs or [])
    if cell_id:
        cell.id = cell_id
    if tags:
        cell.metadata["tags"] = tags
    if figure:
        cell.metadata["mystnb"] = figure
    return cell


def png_output() -> nbformat.NotebookNode:
    return nbformat.v4.new_output("display_data", {"image/png": PNG, "text/plain": "<Figure>"})


def make_book(tmp_path: pathlib.Path, chapters: dict[str, list], markdown_pages=()) -> ln.Book:
    """Write a book (``book/<name>.ipynb`` for each chapter) and read it as the script does."""
    (tmp_path / "book").mkdir()
    files = [{"file": f"book/{name}"} for name in [*markdown_pages, *chapters]]
    toc = {"format": "jb-book", "root": "book/intro", "chapters": files}
    (tmp_path / "_toc.yml").write_text(json.dumps(toc), encoding="utf-8")
    (tmp_path / "book" / "intro.md").write_text("# Intro\n", encoding="utf-8")
    for name in markdown_pages:
        text = f"# Page {name}\n\n:::{{exercise}} On a page\n:label: page-ex\nDo.\n:::\n"
        (tmp_path / "book" / f"{name}.md").write_text(text, encoding="utf-8")
    for name, cells in chapters.items():
        notebook = nbformat.v4.new_notebook(cells=cells)
        notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3"}
        nbformat.write(notebook, tmp_path / "book" / f"{name}.ipynb")
    return ln.read_book(tmp_path)


def convert(tmp_path: pathlib.Path, chapters: dict[str, list], name: str = "a", **options):
    book = make_book(tmp_path, chapters)
    notebook = nbformat.read(tmp_path / "book" / f"{name}.ipynb", as_version=4)
    return ln.convert_notebook(notebook, f"book/{name}", book, **options)


def sources(notebook: nbformat.NotebookNode) -> list[str]:
    return [cell.source for cell in notebook.cells]


EXERCISE = ":::{exercise} Predict, then run\n:label: a-ex\nDo **it**.\n:::"
GATED_SOLUTION = [
    markdown(EXERCISE, "ex"),
    markdown("Before.\n\n````{solution-start} a-ex\n:class: dropdown\n````\nFirst $x$.", "s1"),
    code("answer = 42\nprint(answer)", "s2"),
    code("print(answer + 1)", "s3"),
    markdown("Then **this**.", "s4"),
    markdown("````{solution-end}\n````", "s5"),
    markdown("After.", "s6"),
]


def test_exercises_are_bold_headings_numbered_through_the_book(tmp_path) -> None:
    chapters = {
        "a": [markdown(":::{exercise}\n:label: a-one\nFirst.\n:::\n\n" + EXERCISE)],
        "b": [markdown(":::{exercise} Another\n:label: b-one\n\nThird.\n:::")],
    }
    assert sources(convert(tmp_path, chapters, "a")) == [
        '<a id="a-one"></a>**Exercise 1**\n\nFirst.\n\n'
        '<a id="a-ex"></a>**Exercise 2 (Predict, then run)**\n\nDo **it**.'
    ]
    book = ln.read_book(tmp_path)
    notebook = nbformat.read(tmp_path / "book" / "b.ipynb", as_version=4)
    converted = ln.convert_notebook(notebook, "book/b", book)
    assert sources(converted) == ['<a id="b-one"></a>**Exercise 3 (Another)**\n\nThird.']


def test_exercises_of_markdown_pages_count_as_on_the_site(tmp_path) -> None:
    book = make_book(tmp_path, {"a": [markdown(EXERCISE)]}, markdown_pages=["page"])
    assert book.targets["page-ex"].text == "Exercise 1"
    assert book.targets["a-ex"].text == "Exercise 2"


def test_a_solution_directive_is_folded(tmp_path) -> None:
    solution = ":::{solution} a-ex\n:class: dropdown\nIt is $x = 1$.\n:::"
    converted = convert(tmp_path, {"a": [markdown(EXERCISE), markdown(solution, "sol")]})
    assert converted.cells[1].id == "sol"
    assert converted.cells[1].source == (
        "<details>\n<summary>Solution to Exercise 1 (Predict, then run)</summary>\n\n"
        "It is $x = 1$.\n\n</details>"
    )


def test_a_solution_block_folds_its_text_and_collapses_its_code(tmp_path) -> None:
    converted = convert(tmp_path, {"a": GATED_SOLUTION})
    cells = {cell.id: cell for cell in converted.cells}
    assert [cell.id for cell in converted.cells] == ["ex", "s1", "s2", "s3", "s4", "s6"]
    summary = "Solution to Exercise 1 (Predict, then run)"
    assert cells["s1"].source == (
        f"Before.\n\n<details>\n<summary>{summary}</summary>\n\nFirst $x$.\n\n</details>\n\n"
        "*Solution to Exercise 1, continued in the 2 folded cells below: click a cell's ••• "
        "bar for the code, then the bar under it for the output.*"
    )
    for cell_id in ("s2", "s3"):
        cell = cells[cell_id]
        assert cell.metadata["jupyter"] == {"source_hidden": True, "outputs_hidden": True}
        assert cell.metadata["collapsed"] is True
        assert cell.source.startswith("# Solution to Exercise 1 (folded: click to show)\n")
    assert cells["s2"].source.endswith("answer = 42\nprint(answer)")
    assert cells["s4"].source == (
        f"<details>\n<summary>{summary}, continued</summary>\n\nThen **this**.\n\n</details>"
    )
    assert cells["s6"].source == "After."


def test_a_solution_block_that_starts_with_code_gets_its_own_line(tmp_path) -> None:
    cells = [
        markdown(EXERCISE),
        markdown("````{solution-start} a-ex\n````", "st"),
        code("x = 1", "c1"),
        markdown("````{solution-end}\n````"),
    ]
    converted = convert(tmp_path, {"a": cells})
    assert [cell.id for cell in converted.cells][1:] == ["st", "c1"]
    assert converted.cells[1].source.startswith(
        "*Solution to Exercise 1 (Predict, then run), in the folded cell below: click its •••"
    )


def test_the_student_version_has_no_solutions(tmp_path) -> None:
    stored = nbformat.v4.new_output("stream", name="stdout", text="f is not written yet")
    cells = [
        *GATED_SOLUTION,
        markdown(":::{solution} a-ex\n:class: dropdown\nSecret text.\n:::", "sd"),
        code(
            "def f():\n    raise NotImplementedError", "stub", tags=["exercise"], outputs=[stored]
        ),
    ]
    converted = convert(tmp_path, {"a": cells}, student=True)
    text = "\n".join(sources(converted))
    assert [cell.id for cell in converted.cells] == ["ex", "s1", "s6", "stub"]
    assert converted.cells[1].source == "Before."
    for secret in ("First", "answer", "Then **this**", "Secret", "Solution"):
        assert secret not in text
    assert converted.cells[-1] == cells[-1]  # the exercise's stub, with its stored output


def test_dropdowns_and_admonitions(tmp_path) -> None:
    text = (
        ":::{dropdown} Going deeper: the rule when $\\eta\\lambda > 1$ and `code`\n"
        "Body with $$a$$.\n:::\n\n"
        ":::{note}\nA note:\n\n$$\nQ(w) =\n  w^2\n$$\n:::\n\n"
        "::::{admonition} Careful\n:class: dropdown\nFolded.\n\n:::{tip}\nInner.\n:::\n::::"
    )
    converted = convert(tmp_path, {"a": [markdown(text)]})
    assert converted.cells[0].source == (
        "<details>\n<summary>Going deeper: the rule when $\\eta\\lambda > 1$ and "
        "<code>code</code></summary>\n\nBody with $$a$$.\n\n</details>\n\n"
        "> **Note**\n>\n> A note:\n>\n> $$ Q(w) = w^2 $$\n\n"
        "<details>\n<summary>Careful</summary>\n\nFolded.\n\n> **Tip**\n>\n> Inner.\n\n</details>"
    )


def test_references_become_links_with_the_sites_text(tmp_path) -> None:
    figure = {"figure": {"name": "fig-b", "caption": "B."}}
    chapters = {
        "a": [
            markdown("# 1. Chapter A\n\n(sec-a)=\n## A section\n\n" + EXERCISE),
            code(
                "plot()",
                "fa",
                outputs=[png_output()],
                figure={"figure": {"name": "fig-a", "caption": "A."}},
            ),
            markdown(
                "See {numref}`fig-a`, {numref}`fig-b`, {numref}`Figure %s <fig-b>`, "
                "{ref}`a-ex`, {ref}`b-ex`, {ref}`the exercise <a-ex>`, {ref}`sec-a`, "
                "{doc}`b`, {doc}`chapter B <b>`, {doc}`intro`, [](#fig-a), {term}`loss <Q>`, "
                "{math}`\\eta` and `{numref}` in code.",
                "refs",
            ),
        ],
        "b": [
            markdown("# 2. Chapter B\n\n:::{exercise}\n:label: b-ex\nB.\n:::"),
            code("plot()", outputs=[png_output()], figure=figure),
        ],
    }
    converted = convert(tmp_path, chapters)
    cells = {cell.id: cell for cell in converted.cells}
    assert cells["refs"].source == (
        "See [Fig. 1](#fig-a), [Fig. 2](b.ipynb#fig-b), [Figure 2](b.ipynb#fig-b), "
        "[Exercise 1](#a-ex), [Exercise 2](b.ipynb#b-ex), [the exercise](#a-ex), "
        "[A section](#sec-a), [2. Chapter B](b.ipynb), [chapter B](b.ipynb), Intro, "
        "[Fig. 1](#fig-a), loss, $\\eta$ and `{numref}` in code."
    )
    assert '<a id="sec-a"></a>\n## A section' in converted.cells[0].source


def test_each_figure_is_followed_by_its_caption(tmp_path) -> None:
    figure = {
        "figure": {"name": "fig-a", "caption": "The path of $w$ (dotted line: the minimum w*)."},
        "image": {"alt": "A curve going down."},
    }
    hidden = {"figure": {"name": "fig-h", "caption": "Folded."}}
    cells = [
        code("plot()", "f1", tags=["hide-input"], outputs=[png_output()], figure=figure),
        code("plot()", "f2", tags=["hide-cell"], outputs=[png_output()], figure=hidden),
    ]
    converted = convert(tmp_path, {"a": cells})
    assert [cell.id for cell in converted.cells] == ["f1", "f1-caption", "f2", "f2-caption"]
    assert converted.cells[1].source == (
        '<a id="fig-a"></a>**Fig. 1:** The path of $w$ (dotted line: the minimum w*).\n\n'
        "<details>\n<summary>Text description of the figure</summary>\n\n"
        "A curve going down.\n\n</details>"
    )
    assert converted.cells[3].source.startswith('<a id="fig-h"></a>**Fig. 2 (folded above')
    assert converted.cells[0].outputs == cells[0].outputs


def test_tags_hide_cells_as_on_the_site(tmp_path) -> None:
    widget = nbformat.v4.new_output("execute_result", {"text/plain": "interactive(...)"})
    cells = [
        code("a = 1", "in", tags=["hide-input"]),
        code("b = 1", "out", tags=["hide-output"]),
        code("c = 1", "both", tags=["hide-cell"]),
        code("d = 1", "rin", tags=["remove-input"]),
        code("widget()", "rout", tags=["remove-output"], outputs=[widget]),
        code("e = 1", "plain"),
    ]
    converted = {cell.id: cell for cell in convert(tmp_path, {"a": cells}).cells}
    assert converted["in"].metadata["jupyter"] == {"source_hidden": True}
    assert converted["out"].metadata["jupyter"] == {"outputs_hidden": True}
    assert converted["both"].metadata["jupyter"] == {"source_hidden": True, "outputs_hidden": True}
    assert converted["rin"].metadata["jupyter"] == {"source_hidden": True}
    assert converted["rout"].outputs == []
    assert "jupyter" not in converted["plain"].metadata


def stored_figure(figure) -> nbformat.NotebookNode:
    """The output a notebook stores for an interactive figure."""
    data = {"text/html": figure.html, "text/plain": repr(figure)}
    return nbformat.v4.new_output("execute_result", data, execution_count=1)


def picture_of(output: nbformat.NotebookNode) -> bytes:
    return base64.b64decode(output.data["image/png"])


def test_a_stored_interactive_figure_becomes_its_picture(tmp_path) -> None:
    """JupyterLab shows an untrusted figure's HTML without its scripts: a picture stands there."""
    first = iteration_map(step_curvature=0.2, momentum=0.5)
    second = iteration_map(step_curvature=1.8, momentum=0.5)
    text = nbformat.v4.new_output("stream", name="stdout", text="before\n")
    cells = [
        code("iteration_map()", "map", tags=["hide-input"], outputs=[text, stored_figure(first)]),
        code("iteration_map(step_curvature=1.8)", "other", outputs=[stored_figure(second)]),
    ]
    converted = convert(tmp_path, {"a": cells})
    assert [cell.id for cell in converted.cells] == ["map", "other"]
    stream, line, still = converted.cells[0].outputs
    assert stream == text
    assert line.output_type == "display_data"
    assert line.data == {"text/markdown": ln.RUN_TO_PLAY, "text/plain": ln.RUN_TO_PLAY.strip("*")}
    assert "Run the cell (Shift+Enter" in ln.RUN_TO_PLAY
    # The image alone (JupyterLab would prefer HTML), the output's type, count and text kept.
    assert (still.output_type, still.execution_count) == ("execute_result", 1)
    assert set(still.data) == {"image/png", "text/plain"}
    assert still.data["text/plain"] == repr(first)
    assert picture_of(still) == static_picture(first)  # the library's drawing of the start
    other = picture_of(converted.cells[1].outputs[1])
    assert other == static_picture(second) and other != picture_of(still)
    nbformat.validate(converted)
    assert "<script" not in json.dumps([cell.get("outputs", []) for cell in converted.cells])


def test_a_stored_script_that_is_no_figure_stops_the_script(tmp_path) -> None:
    page = nbformat.v4.new_output(
        "execute_result", {"text/html": "<div>…</div><script>play()</script>", "text/plain": "x"}
    )
    with pytest.raises(ln.ConversionError, match="cell ball: a stored output with a script"):
        convert(tmp_path, {"a": [code("animation()", "ball", outputs=[page])]})


def test_language_info_is_the_kernels(tmp_path) -> None:
    """JupyterLab marks a notebook modified when the kernel's language_info differs."""
    from ipykernel.ipkernel import IPythonKernel

    converted = convert(tmp_path, {"a": [markdown("# A")]})
    assert converted.metadata["language_info"] == IPythonKernel.language_info
    assert (converted.nbformat, converted.nbformat_minor) == (4, 5)


BIB = """
@article{polyak1964, author = {Polyak, Boris T.}, title = {Some methods},
  journal = {USSR Comput. Math.}, volume = {4}, number = {5}, pages = {1--17}, year = {1964}}
@misc{team2026, author = {Keras team,}, title = {{SGD}}, year = {2026}}
@article{three1999, author = {One, A. and Two, B. and Three, C.}, title = {T},
  journal = {J}, year = {1999}}
"""


def test_citations_read_as_on_the_site_and_list_their_works(tmp_path) -> None:
    cells = [
        markdown(
            "As {cite:p}`polyak1964, team2026` say ({cite:year}`polyak1964`), "
            "not `{cite}` in code.",
            "text",
        ),
        markdown(EXERCISE),
        markdown(":::{solution} a-ex\n:class: dropdown\nSee {cite:t}`three1999`.\n:::", "sol"),
    ]
    make_book(tmp_path, {"a": cells})
    (tmp_path / "book" / "references.bib").write_text(BIB, encoding="utf-8")
    book = ln.read_book(tmp_path)
    notebook = nbformat.read(tmp_path / "book" / "a.ipynb", as_version=4)
    converted = ln.convert_notebook(notebook, "book/a", book)
    assert converted.cells[0].source == (
        "As ([Polyak, 1964](#ref-polyak1964); [Keras team, 2026](#ref-team2026)) say "
        "([1964](#ref-polyak1964)), not `{cite}` in code."
    )
    assert "See One *et al.* ([1999](#ref-three1999))." in converted.cells[2].source
    references = converted.cells[-1]
    assert references.id == "references"
    assert references.source.startswith('## References\n\n- <a id="ref-team2026"></a>Keras team')
    assert '<a id="ref-three1999"></a>A\\. One, B\\. Two, and C\\. Three' in references.source
    assert "*USSR Comput\\. Math\\.*, 4\\(5\\):1–17, 1964" in references.source
    student = ln.convert_notebook(notebook, "book/a", book, student=True)
    assert ln.cited_keys(student, book.bibliography) == ["polyak1964", "team2026"]
    assert "three1999" not in student.cells[-1].source  # cited in a solution only
    with pytest.raises(ln.ConversionError, match="no entry 'nobody2020'"):
        ln.convert_notebook(
            nbformat.v4.new_notebook(cells=[markdown("{cite:p}`nobody2020`")]), "book/a", book
        )


@pytest.mark.parametrize(
    "text",
    [
        ":::{margin}\nA margin.\n:::",
        "{cite}`someone2020`",
        "{cite:author}`someone2020`",
        ":::\nstray\n:::",
        "{numref}`no-such-label`",
        "````{solution-start} a-ex\n````\nnever ended",
    ],
)
def test_myst_it_cannot_convert_stops_the_script(tmp_path, text: str) -> None:
    with pytest.raises(ln.ConversionError):
        convert(tmp_path, {"a": [markdown(EXERCISE), markdown(text)]})


@pytest.mark.parametrize(
    ("text", "found"),
    [
        (":::{exercise}\n", "directive"),
        ("```{code-cell}\n", "directive"),
        ("text\n:::\n", "colon fence"),
        (":label: ex-1\n", "directive option"),
        ("see {numref}`fig-a`", "role"),
        ("(sec-a)=\n", "target"),
        ("+++\n", "block break"),
        ("$$\nx\n$$ (eq-1)\n", "labelled equation"),
        ("{{ version }}", "substitution"),
    ],
)
def test_the_check_finds_raw_myst(text: str, found: str) -> None:
    assert [problem.split(":")[0] for problem in ln.raw_myst_in(text)] == [found]


def test_the_check_ignores_code_and_math() -> None:
    text = "`{numref}` and\n\n```text\n:::{exercise}\n:label: x\n```\n\n$\\frac{{a}}{b}$ and $$x$$"
    assert ln.raw_myst_in(text) == []


# --- The book's chapters ------------------------------------------------------------------


@pytest.fixture(scope="module")
def learner_dir(tmp_path_factory: pytest.TempPathFactory) -> pathlib.Path:
    """The learner notebooks of the book, made by the command itself (in this process, so
    that the student version reuses its pictures)."""
    output = tmp_path_factory.mktemp("learner")
    assert ln.main(["--output", str(output)]) == 0
    return output


# Raw MyST as a reader would spot it; written out here, independently of the script's check.
RAW = [":::", "```{", "{exercise", "{solution", "{dropdown}", ":label:", ":class:", "}`", ")="]


def without_code(text: str) -> str:
    text = re.sub(r"^```(?!\{).*?^```", "", text, flags=re.M | re.S)
    return re.sub(r"`[^`\n]+`", "", text)


@pytest.mark.parametrize("chapter", CHAPTERS, ids=lambda path: path.stem)
def test_no_myst_survives_in_a_chapter(learner_dir: pathlib.Path, chapter: pathlib.Path) -> None:
    notebook = nbformat.read(learner_dir / chapter.name, as_version=4)
    nbformat.validate(notebook)
    assert (notebook.nbformat, notebook.nbformat_minor) == (4, 5)
    problems = [
        f"cell {cell.id}: {token!r}"
        for cell in notebook.cells
        if cell.cell_type == "markdown"
        for token in RAW
        if token in without_code(cell.source)
    ]
    assert not problems, "\n".join(problems)


GATED_ONLY = re.compile(
    r"(?:\s*(`{3,}|:{3,})\{solution-(?:start|end)\}[^\n]*\n(?:[ \t]*:[\w-]+:[^\n]*\n)*\1[ \t]*)+\s*"
)


@pytest.mark.parametrize("chapter", CHAPTERS, ids=lambda path: path.stem)
def test_cells_ids_and_outputs_are_the_books(
    learner_dir: pathlib.Path, chapter: pathlib.Path
) -> None:
    book = nbformat.read(chapter, as_version=4)
    learner = {
        cell.id: cell for cell in nbformat.read(learner_dir / chapter.name, as_version=4).cells
    }
    problems = []
    for cell in book.cells:
        if cell.id not in learner:
            # Only a cell that was nothing but the start or end of a solution block may go.
            if not re.fullmatch(GATED_ONLY, cell.source):
                problems.append(f"cell {cell.id} is missing")
            continue
        if cell.cell_type != "code":
            continue
        kept = learner[cell.id]
        if "remove-output" in cell.metadata.get("tags", []):
            continue
        if (
            unpictured(kept.outputs) != [PICTURE if is_figure(o) else o for o in cell.outputs]
            or kept.execution_count != cell.execution_count
        ):
            problems.append(f"cell {cell.id}: outputs or execution count changed")
        if not kept.source.endswith(cell.source):
            problems.append(f"cell {cell.id}: source changed")
    assert not problems, "\n".join(problems)


PICTURE = "a stored figure's picture"


def is_figure(output: nbformat.NotebookNode) -> bool:
    return "<script" in str(output.get("data", {}).get("text/html", ""))


def is_line(output: nbformat.NotebookNode) -> bool:
    return output.get("data", {}).get("text/markdown") == ln.RUN_TO_PLAY


def unpictured(outputs: list) -> list:
    """The outputs, each line-and-picture pair as ``PICTURE`` (the next test checks them)."""
    return [
        PICTURE if is_line(output) else output
        for index, output in enumerate(outputs)
        if not (index and is_line(outputs[index - 1]))
    ]


FIGURE_CHAPTERS = [
    chapter
    for chapter in CHAPTERS
    if any(
        is_figure(output)
        for cell in nbformat.read(chapter, as_version=4).cells
        for output in cell.get("outputs", [])
    )
]


@pytest.mark.parametrize("chapter", FIGURE_CHAPTERS, ids=lambda path: path.stem)
def test_each_stored_figure_is_the_line_and_its_picture(
    learner_dir: pathlib.Path, chapter: pathlib.Path
) -> None:
    """Each stored interactive figure: the line, then the library's picture of it as it starts."""
    from PIL import Image

    book = nbformat.read(chapter, as_version=4)
    learner = {cell.id: cell for cell in learner_notebook(learner_dir, chapter.name).cells}
    figures = 0
    for cell in book.cells:
        for output in cell.get("outputs", []):
            if not is_figure(output):
                continue
            figures += 1
            outputs = learner[cell.id].outputs
            assert not any(is_figure(o) or "text/html" in o.get("data", {}) for o in outputs)
            line = next(i for i, o in enumerate(outputs) if is_line(o))
            still = outputs[line + 1]
            assert set(still.data) == {"image/png", "text/plain"}, cell.id
            picture = picture_of(still)
            assert picture == static_picture(output.data["text/html"]), cell.id
            image = Image.open(io.BytesIO(picture))
            assert image.format == "PNG" and image.mode == "P", cell.id
            assert 400 <= image.width <= 800 and 250 <= image.height <= 400, image.size
            assert len(picture) < 40_000, (cell.id, len(picture))
    assert figures > 0


def test_the_student_version_of_the_book_has_no_solutions(tmp_path: pathlib.Path) -> None:
    written = ln.write_learner_notebooks(tmp_path, student=True)
    assert [path.name for path in written] == [path.name for path in CHAPTERS]
    for path in written:
        notebook = nbformat.read(path, as_version=4)
        for cell in notebook.cells:
            assert "Solution to" not in cell.source, f"{path.name}, cell {cell.id}"
            assert not cell.metadata.get("jupyter", {}).get("outputs_hidden") or any(
                tag in cell.metadata.get("tags", []) for tag in ("hide-output", "hide-cell")
            ), f"{path.name}, cell {cell.id}: a folded cell that is no hidden cell of the book"


def _site_numbers(html: str) -> dict[str, str]:
    numbers = {}
    for match in re.finditer(r'<figure[^>]*\bid="(?P<id>[^"]+)"(?P<rest>.*?)</figure>', html, re.S):
        number = re.search(r'caption-number">(Fig\. \d+)', match["rest"])
        if number:
            numbers[match["id"]] = number.group(1)
    exercise = (
        r'<div class="exercise[^"]*" id="(?P<id>[^"]+)"[^>]*>\s*'
        r'<p class="admonition-title"><span class="caption-number">(?P<number>Exercise \d+)'
    )
    for match in re.finditer(exercise, html):
        numbers[match["id"]] = match["number"]
    return numbers


def test_figures_and_exercises_are_numbered_as_on_the_site(site_dir: pathlib.Path) -> None:
    """The site's numbers (read from the built HTML) are the learner notebooks'."""
    book = ln.read_book()
    site = {}
    for chapter in CHAPTERS:
        html = (site_dir / "book" / f"{chapter.stem}.html").read_text(encoding="utf-8")
        site.update(_site_numbers(html))
    chapters = {f"book/{chapter.stem}" for chapter in CHAPTERS}
    ours = {
        label: target.text
        for label, target in book.targets.items()
        if target.kind in ("figure", "exercise") and target.document in chapters
    }
    assert site, "no numbered figure or exercise found in the built site"
    assert ours == site


# --- In JupyterLab ------------------------------------------------------------------------

TOKEN = "learner-notebooks-test"
JUPYTERLAB_START_SECONDS = 60
OPEN_SECONDS = 60
RUN_ALL_SECONDS = 120
# Render every cell (JupyterLab 4 otherwise renders only those near the viewport), so that
# the whole chapter can be read at once; a setting of this test's own settings folder.
NOTEBOOK_SETTINGS = {"windowingMode": "none"}


@dataclasses.dataclass
class JupyterLab:
    url: str
    process: subprocess.Popen
    log: pathlib.Path

    def request(self, path: str, method: str = "GET") -> int:
        request = urllib.request.Request(
            f"{self.url}{path}", method=method, headers={"Authorization": f"token {TOKEN}"}
        )
        with urllib.request.urlopen(request, timeout=5) as response:
            return response.status

    def log_tail(self) -> str:
        return "\n".join(self.log.read_text(encoding="utf-8", errors="replace").splitlines()[-30:])


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextlib.contextmanager
def running_jupyterlab(root_dir: pathlib.Path, state: pathlib.Path) -> Iterator[JupyterLab]:
    """``jupyter lab`` serving ``root_dir`` on 127.0.0.1 with a token; stopped at the end.

    Its configuration, runtime, settings and workspaces live in ``state``, so that neither
    the user's JupyterLab settings nor a saved workspace change what the test sees.
    """
    settings = state / "settings" / "@jupyterlab" / "notebook-extension"
    settings.mkdir(parents=True)
    (settings / "tracker.jupyterlab-settings").write_text(json.dumps(NOTEBOOK_SETTINGS))
    port = _free_port()
    env = dict(
        os.environ,
        JUPYTER_CONFIG_DIR=str(state / "config"),
        JUPYTER_DATA_DIR=str(state / "data"),
        JUPYTER_RUNTIME_DIR=str(state / "runtime"),
        IPYTHONDIR=str(state / "ipython"),
    )
    command = [
        sys.executable,
        "-m",
        "jupyterlab",
        "--no-browser",
        "--ip=127.0.0.1",
        f"--port={port}",
        "--ServerApp.port_retries=0",
        f"--IdentityProvider.token={TOKEN}",
        f"--ServerApp.root_dir={root_dir}",
        f"--LabApp.user_settings_dir={state / 'settings'}",
        f"--LabApp.workspaces_dir={state / 'workspaces'}",
        "--LabApp.news_url=None",
        "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
        "--expose-app-in-browser",  # window.jupyterapp: its commands and documents
    ]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        command.append("--allow-root")  # CI runs as root
    log = state / "jupyterlab.log"
    with log.open("w") as log_file:
        process = subprocess.Popen(command, env=env, stdout=log_file, stderr=subprocess.STDOUT)
    lab = JupyterLab(f"http://127.0.0.1:{port}", process, log)
    try:
        deadline = time.monotonic() + JUPYTERLAB_START_SECONDS
        while True:
            if process.poll() is not None:
                pytest.fail(f"jupyter lab exited ({process.returncode}):\n{lab.log_tail()}")
            with contextlib.suppress(OSError):
                if lab.request("/api/status") == 200:
                    break
            if time.monotonic() > deadline:
                pytest.fail(f"jupyter lab did not answer within {JUPYTERLAB_START_SECONDS} s")
            time.sleep(0.2)
        yield lab
    finally:
        with contextlib.suppress(OSError):
            lab.request("/api/shutdown", method="POST")  # stops the kernels too
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=10)


# The rendered text of the open notebook, as a reader sees it: markdown and outputs only
# (not code), and nothing inside a closed <details> or a collapsed cell.
VISIBLE_TEXT_JS = """
() => {
  const panel = window.jupyterapp.shell.currentWidget.node;
  const shown = (el) => el.checkVisibility() && !el.closest("details:not([open]) > :not(summary)");
  const parts = [...panel.querySelectorAll(".jp-MarkdownOutput, .jp-OutputArea-output")]
    .filter(shown).map((el) => el.innerText);
  return parts.join("\\n");
}
"""
STATE_JS = """
() => {
  const widget = window.jupyterapp.shell.currentWidget;
  const tab = [...document.querySelectorAll(".lm-TabBar-tab.jp-mod-current")]
    .find((t) => t.innerText.trim() === widget.title.label);
  return {
    path: widget.context.path,
    dirty: widget.context.model.dirty,
    dirty_tab: tab ? tab.classList.contains("jp-mod-dirty") : null,
    kernel: widget.sessionContext.session && widget.sessionContext.session.kernel
      ? widget.sessionContext.session.kernel.status : null,
  };
}
"""
# The first words of a fold's body: a text node of its own (not math or code).
FIRST_SENTENCE_JS = """
(details) => {
  const walker = document.createTreeWalker(details, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const node = walker.currentNode;
    const text = node.nodeValue.trim();
    if (text.length >= 12 && !node.parentElement.closest("summary, code, mjx-container")) {
      return text.split("\\n")[0].slice(0, 40);
    }
  }
  return "";
}
"""
OPEN_JS = """
async (path) => {
  await window.jupyterapp.commands.execute("docmanager:open", {path});
  return true;
}
"""
READY_JS = """
(path) => {
  const app = window.jupyterapp;
  const widget = app && app.shell.currentWidget;
  if (!widget || !widget.context || widget.context.path !== path || !widget.context.isReady) {
    return false;
  }
  const cells = widget.content.widgets;
  const markdown = cells.filter((cell) => cell.model.type === "markdown");
  const kernel = widget.sessionContext.session && widget.sessionContext.session.kernel;
  return cells.length > 0 && markdown.every((cell) => cell.rendered)
    && markdown.every((cell) => cell.node.querySelector(".jp-MarkdownOutput"))
    && !!kernel && kernel.status === "idle";
}
"""
SOLUTIONS_JS = """
() => {
  const panel = window.jupyterapp.shell.currentWidget;
  const folds = [...panel.node.querySelectorAll(".jp-MarkdownOutput details")]
    .filter((d) => d.querySelector("summary").innerText.startsWith("Solution"));
  const code = panel.content.widgets.filter((cell) => cell.model.type === "code"
    && cell.model.sharedModel.getSource().startsWith("# Solution"));
  return {
    folds: folds.length,
    open_folds: folds.filter((d) => d.open).length,
    code_cells: code.length,
    code_shown: code.filter((cell) => cell.inputArea.node.checkVisibility()).length,
    outputs_shown: code.filter((cell) => cell.outputArea.node.checkVisibility()).length,
  };
}
"""
RUN_DONE_JS = """
() => {
  const panel = window.jupyterapp.shell.currentWidget;
  const code = panel.content.widgets.filter((cell) => cell.model.type === "code");
  return panel.sessionContext.session.kernel.status === "idle"
    && code.every((cell) => cell.model.executionCount !== null
                            && !cell.promptNode.innerText.includes("*"));
}
"""
RUN_RESULT_JS = """
() => {
  const panel = window.jupyterapp.shell.currentWidget;
  const code = panel.content.widgets.filter((cell) => cell.model.type === "code");
  return {
    executed: code.filter((cell) => cell.model.executionCount !== null).length,
    code: code.length,
    busy: panel.sessionContext.session.kernel.status !== "idle",
    errors: code.flatMap((cell) => cell.model.outputs.toJSON()
      .filter((o) => o.output_type === "error").map((o) => `${o.ename}: ${o.evalue}`)),
    outputs: Object.fromEntries(code.map((cell) => [cell.model.id, cell.model.outputs.toJSON()])),
    images: [...panel.node.querySelectorAll(".jp-OutputArea-output img")]
      .filter((img) => img.complete && img.naturalWidth > 0).length,
    interactive: panel.node.querySelectorAll(".jp-OutputArea-output .interactive-figure").length,
  };
}
"""


@dataclasses.dataclass
class Lab:
    page: object
    lab: JupyterLab
    errors: list[str]
    opened: dict[str, float] = dataclasses.field(default_factory=dict)

    def open(self, name: str) -> float:
        """Show a chapter, and wait until it is rendered and its kernel idle.

        Returns the seconds the first opening took (JupyterLab's page load for the first).
        """
        started = time.monotonic()
        if not self.opened:
            self.page.goto(f"{self.lab.url}/lab/tree/{name}?reset&token={TOKEN}")
        else:
            self.page.evaluate(OPEN_JS, name)
        self.page.wait_for_function(READY_JS, arg=name, timeout=OPEN_SECONDS * 1000)
        return self.opened.setdefault(name, time.monotonic() - started)

    def panel(self):
        """The open notebook's panel (the other chapters' panels stay in the page, hidden)."""
        panel_id = self.page.evaluate("() => window.jupyterapp.shell.currentWidget.id")
        return self.page.locator(f'[id="{panel_id}"]')


@pytest.fixture(scope="module")
def lab(browser, learner_dir: pathlib.Path, tmp_path_factory) -> Iterator[Lab]:
    """JupyterLab on the learner notebooks, one Chromium page (network closed)."""
    with running_jupyterlab(learner_dir, tmp_path_factory.mktemp("jupyterlab")) as server:
        errors: list[str] = []
        page = new_page(browser, errors)
        page.set_default_timeout(OPEN_SECONDS * 1000)
        try:
            yield Lab(page, server, errors)
        finally:
            page.close()


LAB_CHAPTERS = ["02_gradient_descent_update.ipynb", "03_momentum.ipynb"]


@functools.cache
def learner_notebook(learner_dir: pathlib.Path, name: str) -> nbformat.NotebookNode:
    return nbformat.read(learner_dir / name, as_version=4)


@pytest.mark.parametrize("name", LAB_CHAPTERS)
def test_jupyterlab_opens_the_chapter_unmodified(lab: Lab, name: str) -> None:
    lab.open(name)
    states = []
    for _ in range(6):  # over a second: the kernel's start-up must not modify it either
        states.append(lab.page.evaluate(STATE_JS))
        lab.page.wait_for_timeout(200)
    assert all(state["path"] == name for state in states)
    assert not any(state["dirty"] or state["dirty_tab"] for state in states), states
    assert not lab.errors, "\n".join(lab.errors)


@pytest.mark.parametrize("name", LAB_CHAPTERS)
def test_jupyterlab_shows_no_raw_myst(lab: Lab, name: str) -> None:
    lab.open(name)
    text = lab.page.evaluate(VISIBLE_TEXT_JS)
    assert len(text) > 2000, "the chapter's text is not shown"
    raw = [
        token
        for token in (":::", "{exercise", "{solution", ":label:", ":class:", "}`")
        if token in text
    ]
    for token in raw:
        at = text.index(token)
        pytest.fail(f"{name} shows raw MyST {token!r}: …{text[max(0, at - 60) : at + 60]}…")


@pytest.mark.parametrize("name", LAB_CHAPTERS)
def test_jupyterlab_shows_exercises_and_folds_solutions(
    lab: Lab, learner_dir: pathlib.Path, name: str
) -> None:
    lab.open(name)
    text = lab.page.evaluate(VISIBLE_TEXT_JS)
    headings = re.findall(r"^Exercise \d+(?: \(.+\))?$", text, re.M)
    exercises = [
        cell for cell in learner_notebook(learner_dir, name).cells if "**Exercise " in cell.source
    ]
    assert headings and len(headings) == len(exercises), headings
    solutions = lab.page.evaluate(SOLUTIONS_JS)
    assert solutions["folds"] > 0 and solutions["open_folds"] == 0, solutions
    assert solutions["code_shown"] == 0 and solutions["outputs_shown"] == 0, solutions
    # A sentence of the first folded solution is not shown, until its summary is clicked.
    summary = lab.panel().locator(".jp-MarkdownOutput details > summary", has_text="Solution to")
    fold = summary.first.locator("xpath=..")
    sentence = fold.evaluate(FIRST_SENTENCE_JS)
    assert len(sentence) >= 12 and sentence not in text, sentence
    summary.first.click()
    assert fold.evaluate("(details) => details.open")
    assert sentence in lab.page.evaluate(VISIBLE_TEXT_JS)
    summary.first.click()  # fold it again (a <details> is no cell: the notebook is unchanged)


@pytest.mark.parametrize("name", LAB_CHAPTERS)
def test_jupyterlab_shows_every_caption(lab: Lab, learner_dir: pathlib.Path, name: str) -> None:
    lab.open(name)
    text = lab.page.evaluate(VISIBLE_TEXT_JS)
    notebook = learner_notebook(learner_dir, name)
    captions = [cell for cell in notebook.cells if cell.id.endswith("-caption")]
    figures = [cell for cell in notebook.cells if ln.is_numbered_figure(cell)]
    assert captions and len(captions) == len(figures)
    for cell in captions:
        number = re.search(r"\*\*(Fig\. \d+)", cell.source).group(1)
        assert re.search(rf"^{re.escape(number)}\b.*:", text, re.M), f"{number} has no caption"


def test_jupyterlab_cross_references_lead_to_their_target(lab: Lab) -> None:
    lab.open("02_gradient_descent_update.ipynb")
    link = lab.panel().locator('.jp-MarkdownOutput a[href="#fig-ch2-lines-and-loss"]').first
    assert re.fullmatch(r"Fig\. \d+", link.inner_text())
    target = lab.panel().locator('[data-jupyter-id="fig-ch2-lines-and-loss"]')
    assert target.count() == 1
    lab.page.evaluate("() => window.jupyterapp.shell.currentWidget.content.node.scrollTo(0, 1e6)")
    link.click()
    lab.page.wait_for_function(
        "() => { const el = document.querySelector('[data-jupyter-id=\"fig-ch2-lines-and-loss\"]');"
        " const box = el.getBoundingClientRect(); return box.top >= 0 && box.top < innerHeight; }",
        timeout=10_000,
    )


# Per cell with a stored figure's picture: what its output area shows.
PICTURES_JS = """
(ids) => {
  const panel = window.jupyterapp.shell.currentWidget;
  return panel.content.widgets.filter((cell) => ids.includes(cell.model.id)).map((cell) => {
    const area = cell.outputArea.node;
    const images = [...area.querySelectorAll(".jp-OutputArea-output img")];
    return {
      id: cell.model.id,
      shown: area.checkVisibility(),
      mime: [...area.querySelectorAll(".jp-OutputArea-output")].map((o) => o.dataset.mimeType),
      line: area.innerText.includes("Run the cell (Shift+Enter"),
      images: images.map((img) => [img.complete, img.naturalWidth, img.naturalHeight]),
    };
  });
}
"""
DEAD_FIGURES_JS = """
() => window.jupyterapp.shell.currentWidget.node.querySelectorAll(
  ".interactive-figure, .jp-OutputArea-output script").length
"""
FIGURE_LAB_CHAPTERS = ["03_momentum.ipynb", "07_why_momentum_works.ipynb"]


@pytest.mark.parametrize("name", FIGURE_LAB_CHAPTERS)
def test_jupyterlab_shows_a_picture_where_each_figure_is(
    lab: Lab, learner_dir: pathlib.Path, name: str
) -> None:
    """Not run: each stored figure is the line and a picture, no dead HTML anywhere."""
    from PIL import Image

    lab.open(name)
    cells = [
        cell
        for cell in learner_notebook(learner_dir, name).cells
        if any(is_line(output) for output in cell.get("outputs", []))
    ]
    assert cells
    shown = lab.page.evaluate(PICTURES_JS, [cell.id for cell in cells])
    assert [cell["id"] for cell in shown] == [cell.id for cell in cells]
    for cell, seen in zip(cells, shown, strict=True):
        size = Image.open(io.BytesIO(picture_of(cell.outputs[-1]))).size
        assert seen["shown"] and seen["line"], seen
        assert "text/html" not in seen["mime"] and seen["mime"][-1] == "image/png", seen
        assert seen["images"] == [[True, *size]], seen  # loaded, at its own size
    assert lab.page.evaluate(DEAD_FIGURES_JS) == 0
    assert not lab.errors, "\n".join(lab.errors)


CELL_INDEX_JS = """
(id) => window.jupyterapp.shell.currentWidget.content.widgets.findIndex(
  (cell) => cell.model.id === id)
"""
RUN_CELL_JS = """
async (index) => {
  const notebook = window.jupyterapp.shell.currentWidget.content;
  notebook.activeCellIndex = index;
  notebook.deselectAll();
  await window.jupyterapp.commands.execute("notebook:run-cell");
}
"""
LIVE_FIGURE_JS = """
(index) => {
  const cell = window.jupyterapp.shell.currentWidget.content.widgets[index];
  return !!cell.outputArea.node.querySelector(".interactive-figure[data-ready=yes]")
    && !cell.outputArea.node.querySelector("img")
    && !cell.outputArea.node.innerText.includes("Run the cell (Shift+Enter");
}
"""
ACTIVE_JS = """
() => {
  const notebook = window.jupyterapp.shell.currentWidget.content;
  return {index: notebook.activeCellIndex, mode: notebook.mode,
          focused: document.activeElement.dataset.control || null};
}
"""


def test_jupyterlab_runs_a_figure_whose_slider_keeps_its_arrow_keys(
    lab: Lab, learner_dir: pathlib.Path
) -> None:
    """Run the (ηλ, α) map's cell of chapter 7: the live figure replaces the picture, and
    ArrowRight (and ArrowUp, which JupyterLab binds to "select the cell above") on its
    slider move the slider, not JupyterLab's active cell (issue 9)."""
    name = "07_why_momentum_works.ipynb"
    lab.open(name)
    index = lab.page.evaluate(CELL_INDEX_JS, "interactive-ch7-map")
    assert index >= 0
    lab.page.evaluate(RUN_CELL_JS, index)
    lab.page.wait_for_function(LIVE_FIGURE_JS, arg=index, timeout=RUN_ALL_SECONDS * 1000)
    figure = lab.panel().locator('.interactive-figure[data-figure="iteration-map"]')
    slider = figure.locator('[data-control="momentum"]')
    readout = figure.locator('[data-show="momentum"]')
    slider.click()  # as a learner does: the slider takes the focus, its cell becomes active
    before = lab.page.evaluate(ACTIVE_JS)
    assert before == {"index": index, "mode": "command", "focused": "momentum"}, before
    value = float(slider.input_value())
    assert readout.inner_text() == f"{value:.2f}"
    for key, moved in (("ArrowRight", 0.01), ("ArrowUp", 0.02)):  # ArrowUp: a notebook key too
        lab.page.keyboard.press(key)
        assert float(slider.input_value()) == pytest.approx(value + moved), key
        assert readout.inner_text() == f"{value + moved:.2f}", key
        assert lab.page.evaluate(ACTIVE_JS) == before, key  # the active cell did not move
    assert not lab.errors, "\n".join(lab.errors)


def test_jupyterlab_runs_chapter_2_to_the_sites_numbers(
    lab: Lab, learner_dir: pathlib.Path
) -> None:
    name = "02_gradient_descent_update.ipynb"
    lab.open(name)
    lab.page.evaluate("() => window.jupyterapp.commands.execute('notebook:run-all-cells')")
    lab.page.wait_for_function(RUN_DONE_JS, timeout=RUN_ALL_SECONDS * 1000)
    result = lab.page.evaluate(RUN_RESULT_JS)
    assert not result["errors"], result["errors"]
    assert result["executed"] == result["code"]
    stored = learner_notebook(learner_dir, name)
    figures = [cell for cell in stored.cells if ln.is_numbered_figure(cell)]
    # A stored interactive figure is a picture until its cell runs, then the live figure.
    interactive = [
        cell
        for cell in figures
        if any(o.get("data", {}).get("text/markdown") == ln.RUN_TO_PLAY for o in cell.outputs)
    ]
    assert interactive, "chapter 2 has an interactive figure"
    assert result["interactive"] >= len(interactive)
    assert result["images"] >= len(figures) - len(interactive) > 0
    # The printed numbers are the stored ones (the site's: nbval checks them on every run).
    changed = []
    for cell in stored.cells:
        if cell.cell_type != "code":
            continue
        printed = [
            o.get("text") for o in result["outputs"][cell.id] if o["output_type"] == "stream"
        ]
        expected = [o.get("text") for o in cell.outputs if o["output_type"] == "stream"]
        if ["".join(t) if isinstance(t, list) else t for t in printed] != expected:
            changed.append(cell.id)
    assert not changed, f"cells whose printed output differs from the stored one: {changed}"
    assert not lab.errors, "\n".join(lab.errors)
