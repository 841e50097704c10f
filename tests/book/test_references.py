"""The bibliography (book/references.bib) and the citations of the chapters.

- Every entry of the bibliography is cited somewhere in the book, and every citation
  (``{cite:t}``, ``{cite:p}``, ``{cite}``, ``{cite:year}``) names an entry.
- The learner notebooks (.ci/learner_notebooks.py) show citations as the site does
  ("Polyak (1964)", "(Polyak, 1964)"), with no role left, each linked to its entry in a
  "References" list at the end of the notebook, which lists exactly the works it cites.

The built site's references page is checked in tests/site/test_references.py.
"""

from __future__ import annotations

import pathlib
import re
import sys

import nbformat
import pytest
from pybtex.database import parse_file

from tests.paths import BOOK, ROOT

sys.path.insert(0, str(ROOT / ".ci"))
import learner_notebooks as ln

BIBLIOGRAPHY = ROOT / ln.BIBLIOGRAPHY
ANCHOR = re.compile(r'<a id="(?P<anchor>ref-[^"]+)"></a>')


def book_markdown() -> dict[str, str]:
    """The markdown of every page of the book: notebook cells and .md pages, by file."""
    texts = {}
    for path in sorted(BOOK.rglob("*.ipynb")):
        notebook = nbformat.read(path, as_version=4)
        cells = [cell.source for cell in notebook.cells if cell.cell_type == "markdown"]
        texts[path.relative_to(ROOT).as_posix()] = "\n".join(cells)
    for path in sorted(BOOK.rglob("*.md")):
        texts[path.relative_to(ROOT).as_posix()] = path.read_text(encoding="utf-8")
    return texts


def citations() -> list[tuple[str, str, str]]:
    """Each cited key: (file, role, key)."""
    return [
        (name, match["role"], key.strip())
        for name, text in book_markdown().items()
        for match in ln.CITE_ROLE.finditer(text)
        for key in match["keys"].split(",")
    ]


def test_the_bibliography_is_the_one_the_site_reads() -> None:
    config = (ROOT / "_config.yml").read_text(encoding="utf-8")
    assert re.search(rf"^bibtex_bibfiles: \[{re.escape(ln.BIBLIOGRAPHY)}\]$", config, re.M)
    assert len(parse_file(BIBLIOGRAPHY).entries) >= 10


def test_every_entry_is_cited() -> None:
    cited = {key for _, _, key in citations()}
    uncited = sorted(set(parse_file(BIBLIOGRAPHY).entries) - cited)
    assert not uncited, f"entries of {ln.BIBLIOGRAPHY} that no page cites: {uncited}"


def test_every_citation_has_its_entry() -> None:
    entries = set(parse_file(BIBLIOGRAPHY).entries)
    unknown = [(name, key) for name, _, key in citations() if key not in entries]
    assert not unknown, f"citations of keys that {ln.BIBLIOGRAPHY} does not have: {unknown}"


def test_every_citation_uses_a_role_the_learner_notebooks_know() -> None:
    unknown = sorted({role for _, role, _ in citations()} - set(ln.CITE_ROLES))
    assert not unknown, f"citation roles .ci/learner_notebooks.py cannot convert: {unknown}"


def test_the_primary_sources_are_cited_where_their_results_are_used() -> None:
    where = {(pathlib.PurePosixPath(name).stem, key) for name, _, key in citations()}
    for chapter, key in [
        ("00_is_this_formula_difficult", "haltakov2022"),
        ("03_momentum", "rumelhart1986"),
        ("03_momentum", "qian1999"),
        ("06_three_conventions", "nesterov1983"),
        ("06_three_conventions", "sutskever2013"),
        ("07_why_momentum_works", "polyak1964"),
        ("07_why_momentum_works", "goh2017"),
        ("07_why_momentum_works", "lessard2016"),
        ("08_stochastic_gradients", "yuan2016"),
    ]:
        assert (chapter, key) in where, f"{chapter} does not cite {key}"


@pytest.fixture(scope="module")
def learner(tmp_path_factory: pytest.TempPathFactory) -> dict[str, nbformat.NotebookNode]:
    """The learner notebooks, by chapter file name, as the script writes them."""
    output = tmp_path_factory.mktemp("learner")
    return {
        path.stem: nbformat.read(path, as_version=4) for path in ln.write_learner_notebooks(output)
    }


def test_learner_notebooks_have_no_citation_role_left(learner) -> None:
    left = [
        (name, cell.id)
        for name, notebook in learner.items()
        for cell in notebook.cells
        if cell.cell_type == "markdown" and "{cite" in cell.source
    ]
    assert not left, f"citation roles left in the learner notebooks: {left}"


def test_learner_notebooks_list_exactly_the_works_they_cite(learner) -> None:
    cited_by_chapter = {}
    for name, _, key in citations():
        if name.endswith(".ipynb"):
            cited_by_chapter.setdefault(pathlib.PurePosixPath(name).stem, set()).add(key)
    assert cited_by_chapter, "no chapter cites anything"
    for name, notebook in learner.items():
        cited = cited_by_chapter.get(name, set())
        links = {
            m["anchor"] for cell in notebook.cells for m in ln.CITATION_LINK.finditer(cell.source)
        }
        assert links == {ln.reference_anchor(key) for key in cited}, name
        last = notebook.cells[-1]
        if not cited:
            assert ln.REFERENCES_HEADING not in last.source, name
            continue
        assert last.id == "references" and last.source.startswith(ln.REFERENCES_HEADING)
        listed = [m["anchor"] for m in ANCHOR.finditer(last.source)]
        assert sorted(listed) == sorted(links), name  # each cited work once, nothing else


def test_learner_notebooks_write_citations_as_the_site_does(learner) -> None:
    text = "\n".join(cell.source for cell in learner["07_why_momentum_works"].cells)
    assert "Distill article *Why Momentum Really\nWorks* ([Goh, 2017](#ref-goh2017))" in text
    assert "heavy ball, [1964](#ref-polyak1964))" in text
    text = "\n".join(cell.source for cell in learner["06_three_conventions"].cells)
    assert "in the form of Sutskever *et al.* ([2013](#ref-sutskever2013))," in text
    assert "([Wikipedia contributors, 2026](#ref-wikipedia-sgd))" in text
    references = learner["06_three_conventions"].cells[-1].source
    assert "Ilya Sutskever, James Martens, George Dahl, and Geoffrey Hinton" in references
    assert "[doi:10\\.1093/comjnl/3\\.3\\.175](https://doi.org/10.1093/comjnl/3.3.175)" in (
        references
    )
