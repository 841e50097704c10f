"""The classroom edition (.ci/classroom.py): what a teacher hands out, with no answer in it.

The edition is built once per module by the script itself into a temporary folder (a few
minutes: the student site and ten PDFs printed by Chromium); its tests are marked
``slow`` and ``browser``, so the quick loop leaves them out.

"No solution survives" is checked against the solutions' own text in the book's
notebooks (``student_edition.split_solutions``: each ``{solution}`` directive's body, each
``{solution-start}`` block's markdown, code and outputs): a solution is found in a text
when one of its *distinctive* word sequences is there, six words long, mostly real words
(not numbers), and absent from everything the student edition keeps (the chapters without
solutions, and the other pages but the instructor's). Each solution has at least 16 such
sequences. The same sequences of the exercises' statements must be found in the
handouts: the check reads the PDFs' text as well as it reads the site's.

The quiz key, on the instructor page only, is checked on the public site as well: no
other page repeats ten words in a row of any answer.
"""

from __future__ import annotations

import dataclasses
import functools
import html.parser
import pathlib
import re
import subprocess
import sys
import zipfile

import nbformat
import pypdf
import pytest

from tests.browser import require_chromium
from tests.paths import CHAPTERS, ROOT

sys.path.insert(0, str(ROOT / ".ci"))
import classroom
import learner_notebooks as ln
from student_edition import (
    EXERCISE_DIRECTIVE,
    directive_body,
    exercise_cells,
    split_solutions,
    strip_solutions,
    text_of,
)

TOKEN = re.compile(r"\w+")
WORD = re.compile(r"[^\W\d]{3,}")  # a word of three letters or more, no digit
HIDDEN_INPUT = {"hide-input", "remove-input", "hide-cell", "remove-cell"}
"""The tags of code the site does not show, or shows only in a fold (closed on paper)."""


# Chromium prints "fi", "fl", … as one ligature glyph, and pypdf reads it as that character.
LIGATURES = str.maketrans(
    {"\ufb00": "ff", "\ufb01": "fi", "\ufb02": "fl", "\ufb03": "ffi", "\ufb04": "ffl"}
)


def sequences(text: str, length: int = 6) -> set[tuple[str, ...]]:
    """The text's runs of ``length`` tokens, lowercased, with at least two thirds words.

    Runs of numbers and one-letter symbols ("0 1 0 5 η 0") are left out: they recur by
    chance between unrelated texts.
    """
    tokens = TOKEN.findall(text.lower())
    runs = (tuple(tokens[i : i + length]) for i in range(len(tokens) - length + 1))
    return {run for run in runs if 3 * sum(bool(WORD.fullmatch(t)) for t in run) >= 2 * length}


def notebook_text(notebook: nbformat.NotebookNode) -> str:
    """Every cell's source, its fold's labels and every output's text (HTML as its text).

    A folded cell's labels (``mystnb.code_prompt_show``, "Show the check: the mean and
    standard deviation of x") are text the site shows.
    """
    parts = []
    for cell in notebook.cells:
        parts.append(cell.source)
        prompts = cell.metadata.get("mystnb", {})
        parts += [prompts.get("code_prompt_show", ""), prompts.get("code_prompt_hide", "")]
        for output in cell.get("outputs", []):
            parts.append(text_of(output))
            parts.append(html_text(output.get("data", {}).get("text/html", "")))
    return "\n".join(parts)


class _TextOfHTML(html.parser.HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self.hidden = 0

    def handle_starttag(self, tag: str, attrs) -> None:
        self.hidden += tag in ("script", "style")

    def handle_endtag(self, tag: str) -> None:
        self.hidden -= tag in ("script", "style")

    def handle_data(self, data: str) -> None:
        if not self.hidden:
            self.parts.append(data)


def html_text(page: str) -> str:
    """The text of an HTML page (scripts and styles left out; math as its TeX)."""
    parser = _TextOfHTML()
    parser.feed(page)
    return "\n".join(parser.parts)


def pdf_text(path: pathlib.Path) -> str:
    """The PDF's text, its typographic ligatures ("ﬁ" in "ﬁnd") read as their letters."""
    text = "\n".join(page.extract_text() for page in pypdf.PdfReader(path).pages)
    return text.translate(LIGATURES)


@dataclasses.dataclass(frozen=True)
class Solution:
    chapter: str
    first_line: str
    distinctive: frozenset[tuple[str, ...]]


@functools.cache
def solutions() -> tuple[Solution, ...]:
    """Every solution of the book, with its distinctive word sequences."""
    kept, found = [], []
    for path in CHAPTERS:
        notebook = nbformat.read(path, as_version=4)
        notebook.cells, texts = split_solutions(notebook)
        kept.append(notebook_text(notebook))
        found += [(path.stem, text) for text in texts]
    kept += [
        page.read_text(encoding="utf-8")
        for page in (ROOT / "book").rglob("*.md")
        if page.relative_to(ROOT).with_suffix("").as_posix() != classroom.INSTRUCTOR
    ]
    common = sequences("\n".join(kept))
    return tuple(
        Solution(chapter, text.strip().splitlines()[0][:70], frozenset(sequences(text) - common))
        for chapter, text in found
    )


def solutions_in(text: str) -> list[str]:
    """The solutions found in ``text``, each with the words that gave it away."""
    runs = sequences(text)
    return [
        f"{s.chapter}, solution starting {s.first_line!r}: "
        + "; ".join(" ".join(run) for run in sorted(s.distinctive & runs)[:3])
        for s in solutions()
        if s.distinctive & runs
    ]


def exercises(chapter: pathlib.Path) -> list[str]:
    """The statements of a chapter's exercises (the ``{exercise}`` directives' bodies)."""
    notebook = nbformat.read(chapter, as_version=4)
    return [
        directive_body(match[0])
        for cell in notebook.cells
        if cell.cell_type == "markdown"
        for match in EXERCISE_DIRECTIVE.finditer(cell.source)
    ]


def quiz_key() -> list[str]:
    """The answers of the instructor page's quiz key, code spans left out."""
    page = (ROOT / f"{classroom.INSTRUCTOR}.md").read_text(encoding="utf-8")
    start = page.index(":::{admonition} Answer key")
    key = page[start : page.index("\n:::", start)]
    return re.split(r"\n(?=\*\*Q\d+\.\*\*)", re.sub(r"`[^`\n]*`", " ", key))[1:]


def pages_with_the_quiz_key(html_dir: pathlib.Path) -> list[str]:
    """Every HTML page but the instructor's that repeats ten words of a quiz answer."""
    answers = [(number, sequences(answer, 10)) for number, answer in enumerate(quiz_key(), 1)]
    found = []
    for page in sorted(html_dir.rglob("*.html")):
        if page.relative_to(html_dir).with_suffix("").as_posix() == classroom.INSTRUCTOR:
            continue
        runs = sequences(html_text(page.read_text(encoding="utf-8")), 10)
        found += [
            f"{page.relative_to(html_dir)}: Q{number} ({' '.join(sorted(common)[0])})"
            for number, answer in answers
            if (common := answer & runs)
        ]
    return found


# --- Quick tests: the pieces ---------------------------------------------------------------


def test_every_solution_has_distinctive_words() -> None:
    """The check can see each solution: it has word sequences nothing else in the book has."""
    found = solutions()
    assert len(found) >= len(CHAPTERS)
    assert {s.chapter for s in found} == {chapter.stem for chapter in CHAPTERS}
    assert min(len(s.distinctive) for s in found) >= 10


def test_the_check_finds_a_solution_and_not_the_rest_of_the_book() -> None:
    chapter = nbformat.read(CHAPTERS[3], as_version=4)
    assert len(solutions_in(notebook_text(chapter))) == len(split_solutions(chapter)[1])
    student = strip_solutions(nbformat.read(CHAPTERS[3], as_version=4), keep_outputs=True)
    assert solutions_in(notebook_text(student)) == []


def test_unlink_turns_references_to_the_left_out_page_into_text() -> None:
    book = ln.read_book(ROOT)
    label = next(name for name, t in book.targets.items() if t.document == classroom.INSTRUCTOR)
    title = book.targets[label].text
    text = (
        "See {doc}`instructor`, {doc}`the plans </book/instructor>`, {ref}`" + label + "`, "
        "{ref}`here <" + label + ">` and {doc}`03_momentum`; `{doc}` is code."
    )
    assert classroom.unlink(text, "book/intro", book) == (
        f"See For instructors, the plans, {title}, here and {{doc}}`03_momentum`; "
        "`{doc}` is code."
    )


def test_the_table_of_contents_without_the_instructor_page() -> None:
    toc = [
        {"caption": "A", "chapters": [{"file": "book/a"}, {"file": "book/instructor.md"}]},
        {"caption": "B", "chapters": [{"file": "book/b", "sections": [{"file": "book/c"}]}]},
    ]
    assert classroom._without(toc, classroom.INSTRUCTOR) == [
        {"caption": "A", "chapters": [{"file": "book/a"}]},
        {"caption": "B", "chapters": [{"file": "book/b", "sections": [{"file": "book/c"}]}]},
    ]


def test_the_public_site_gives_the_quiz_key_only_on_the_instructor_page(
    site_dir: pathlib.Path,
) -> None:
    assert (site_dir / f"{classroom.INSTRUCTOR}.html").is_file()
    answers = quiz_key()
    assert len(answers) == 10
    instructor_page = html_text((site_dir / f"{classroom.INSTRUCTOR}.html").read_text())
    assert all(sequences(answer, 10) & sequences(instructor_page, 10) for answer in answers)
    assert pages_with_the_quiz_key(site_dir) == []


# --- The edition, built by the script --------------------------------------------------------


@pytest.fixture(scope="module")
def edition(tmp_path_factory: pytest.TempPathFactory) -> pathlib.Path:
    require_chromium()
    output = tmp_path_factory.mktemp("classroom") / "classroom"
    result = subprocess.run(
        [sys.executable, str(ROOT / ".ci" / "classroom.py"), "--output", str(output)],
        capture_output=True, text=True, timeout=1500, check=False,
    )  # fmt: skip
    if result.returncode != 0:
        pytest.fail(f"classroom.py failed:\n{result.stdout}\n{result.stderr}", pytrace=False)
    return output


@pytest.mark.slow
@pytest.mark.browser
class TestTheEdition:
    def test_what_it_holds(self, edition: pathlib.Path) -> None:
        names = [chapter.stem for chapter in CHAPTERS]
        assert sorted(p.stem for p in (edition / "notebooks").glob("*.ipynb")) == names
        assert sorted(p.stem for p in (edition / "handouts").glob("*.pdf")) == names
        assert all((edition / "site" / "book" / f"{name}.html").is_file() for name in names)
        assert (edition / "site" / "index.html").is_file()
        readme = (edition / "README.md").read_text(encoding="utf-8")
        for part in ("notebooks/", "site/", "handouts/", "nbgrader/", classroom.ZIP_NAME, *names):
            assert part in readme
        # The nbgrader course, for the teacher: one assignment per auto-checked chapter.
        graded = [
            chapter.stem
            for chapter in CHAPTERS
            for tags in [c.metadata.get("tags", []) for c in nbformat.read(chapter, 4).cells]
            if "exercise" in tags
        ]
        assert (edition / "nbgrader" / "nbgrader_config.py").is_file()
        assert sorted(p.stem for p in (edition / "nbgrader" / "source").glob("*/*.ipynb")) == graded

    def test_the_zip_holds_the_student_material(self, edition: pathlib.Path) -> None:
        files = {
            p.relative_to(edition).as_posix(): p.read_bytes()
            for part in classroom.FOR_STUDENTS
            for p in (edition / part).rglob("*")
            if p.is_file()
        }
        with zipfile.ZipFile(edition / classroom.ZIP_NAME) as archive:
            zipped = {name: archive.read(name) for name in archive.namelist()}
        assert zipped == {f"momentum-classroom/{name}": data for name, data in files.items()}
        assert not any(name.startswith("nbgrader/") for name in files)  # it has the solutions

    @pytest.mark.parametrize("chapter", CHAPTERS, ids=lambda path: path.stem)
    def test_the_notebooks(self, edition: pathlib.Path, chapter: pathlib.Path) -> None:
        notebook = nbformat.read(edition / "notebooks" / chapter.name, as_version=4)
        assert solutions_in(notebook_text(notebook)) == []
        assert ln.raw_myst(notebook) == []  # JupyterLab shows no raw MyST
        # The code is the student edition's, which tests/book/test_student_edition.py runs
        # top to bottom: the same cells run here.
        book = nbformat.read(chapter, as_version=4)
        student = strip_solutions(nbformat.read(chapter, as_version=4), keep_outputs=True)
        code = [cell for cell in notebook.cells if cell.cell_type == "code"]
        assert [c.source for c in code] == [
            c.source for c in student.cells if c.cell_type == "code"
        ]
        # The main line keeps its stored outputs; an exercise's cells are the student's to run.
        unrun = {cell.id for cell in exercise_cells(student)}
        stored = {cell.id: cell for cell in book.cells}
        for cell in code:
            if cell.id in unrun:
                assert cell.outputs == [], cell.source
            elif "remove-output" not in cell.metadata.get("tags", []):
                # (a stored interactive figure as its picture: learner_notebooks.still_outputs)
                assert cell.outputs == ln.still_outputs(stored[cell.id]), cell.source

    def test_the_site(self, edition: pathlib.Path) -> None:
        site = edition / "site"
        assert not (site / f"{classroom.INSTRUCTOR}.html").exists()
        assert not list(site.rglob("instructor.*"))
        # Every page, and every source a page offers for download (_static is the theme's
        # and MathJax's; _images the figures).
        leaks = []
        for path in sorted([*site.rglob("*.html"), *(site / "_sources").rglob("*.*")]):
            text = path.read_text(encoding="utf-8")
            if path.suffix == ".html":
                assert "instructor.html" not in text, f"{path}: a link to the instructor page"
                text = html_text(text)
            elif path.suffix == ".ipynb":
                text = notebook_text(nbformat.reads(text, as_version=4))
            leaks += [f"{path.relative_to(site)}: {leak}" for leak in solutions_in(text)]
        assert leaks == []
        assert pages_with_the_quiz_key(site) == []
        assert "(student edition)" in (site / "book" / "intro.html").read_text(encoding="utf-8")

    @pytest.mark.parametrize("chapter", CHAPTERS, ids=lambda path: path.stem)
    def test_the_handouts(self, edition: pathlib.Path, chapter: pathlib.Path) -> None:
        path = edition / "handouts" / f"{chapter.stem}.pdf"
        reader = pypdf.PdfReader(path)
        assert len(reader.pages) > 0
        text = pdf_text(path)
        assert solutions_in(text) == []
        # The text is read well enough to see a solution: every exercise is found in it.
        runs = sequences(text)
        for statement in exercises(chapter):
            assert sequences(statement) & runs, f"exercise not found: {statement[:80]!r}"
        # MathJax typeset every formula before printing: no TeX is left.
        for tex in ("\\alpha", "\\eta", "\\Delta", "\\frac", "\\(", "$$"):
            assert tex not in text
        # Every line of the code the page shows is printed whole (none cut at the margin).
        printed = {line.strip() for line in text.splitlines()}
        student = strip_solutions(nbformat.read(chapter, as_version=4))
        shown = [
            line.strip()
            for cell in student.cells
            if cell.cell_type == "code" and not HIDDEN_INPUT & set(cell.metadata.get("tags", []))
            for line in cell.source.splitlines()
            if line.strip()
        ]
        assert [line for line in shown if line not in printed] == []
        # Every image the page shows outside a fold is printed.
        html = (edition / "site" / "book" / f"{chapter.stem}.html").read_text(encoding="utf-8")
        assert sum(len(page.images) for page in reader.pages) == _images_outside_folds(html)


class _Images(html.parser.HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.folds = self.outside = 0

    def handle_starttag(self, tag: str, attrs) -> None:
        self.folds += tag == "details"
        self.outside += tag == "img" and not self.folds

    def handle_endtag(self, tag: str) -> None:
        self.folds -= tag == "details"


def _images_outside_folds(page: str) -> int:
    """How many ``<img>`` an HTML page has outside ``<details>`` (closed on paper)."""
    parser = _Images()
    parser.feed(page)
    return parser.outside
