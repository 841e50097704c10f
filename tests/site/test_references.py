"""The built site's citations and references page (book/references.bib, book/references.md).

- The references page lists every entry of the bibliography, each under its key's anchor
  (``references.html#ref-polyak1964``), labelled and formatted in the book's style.
- Every citation on every page links to an entry that is on the references page, and
  reads as the learner notebooks write it (.ci/learner_notebooks.py), citation for
  citation: "Polyak (1964)", "(Polyak, 1964)".
- A reader's browser shows the references page with its entries and no error.
"""

from __future__ import annotations

import html
import pathlib
import re
import sys

import nbformat
import pytest

from tests.paths import ROOT, toc_files

sys.path.insert(0, str(ROOT / ".ci"))
import learner_notebooks as ln

PAGE = "book/references.html"
ENTRY = re.compile(
    # role="listitem": book/_ext/accessible_markup.py (docutils writes the withdrawn
    # "doc-biblioentry").
    r'<div class="citation" id="(?P<anchor>[^"]+)" role="listitem">(?P<body>.*?)</div>',
    re.S,
)
CITATION = re.compile(r'<span class="bibtex-citation" id="[^"]+">(?P<inner>.*?)</span>', re.S)
CITATION_HREF = re.compile(r'href="(?P<page>[^"#]*)#(?P<anchor>[^"]+)"')


def text_of(fragment: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", "", fragment)).split())


@pytest.fixture(scope="module")
def bibliography() -> dict:
    return ln.read_bibliography(ROOT)


@pytest.fixture(scope="module")
def entries(site_dir: pathlib.Path) -> dict[str, str]:
    """The references page's entries: anchor -> text."""
    page = (site_dir / PAGE).read_text(encoding="utf-8")
    return {match["anchor"]: text_of(match["body"]) for match in ENTRY.finditer(page)}


def test_the_references_page_lists_every_entry(entries, bibliography) -> None:
    expected = {ln.reference_anchor(key) for key in bibliography}
    assert set(entries) == expected
    for key, entry in bibliography.items():
        text = entries[ln.reference_anchor(key)]
        label = f"[{ln.citation('cite:p', key, bibliography, link=False)[1:-1]}]"
        assert text.startswith(label), text  # "[Polyak, 1964] Boris T. Polyak. Some …"
        title = re.sub(r"[{}]", "", entry.fields["title"]).split()[0]
        assert title.lower() in text.lower(), (key, text)
        if "doi" in entry.fields:
            assert f"doi:{entry.fields['doi']}" in text, key


def test_every_citation_links_to_its_entry_and_reads_as_in_the_notebooks(
    site_dir: pathlib.Path, entries, bibliography
) -> None:
    checked = 0
    for document in toc_files():
        page = site_dir / f"{document}.html"
        source = ROOT / f"{document}.ipynb"
        if not source.exists():
            source = ROOT / f"{document}.md"
        if source.suffix == ".ipynb":
            cells = nbformat.read(source, as_version=4).cells
            text = "\n".join(cell.source for cell in cells if cell.cell_type == "markdown")
        else:
            text = source.read_text(encoding="utf-8")
        expected = [
            ln.citation(m["role"], m["keys"], bibliography, link=False)
            for m in ln.CITE_ROLE.finditer(text)
        ]
        found = CITATION.findall(page.read_text(encoding="utf-8"))
        assert [text_of(inner) for inner in found] == expected, document
        for inner in found:
            for link in CITATION_HREF.finditer(inner):
                assert link["page"].endswith("references.html"), (document, inner)
                assert link["anchor"] in entries, (document, link["anchor"])
        checked += len(found)
    assert checked >= len(bibliography)


def test_a_reader_sees_the_references(visit, bibliography) -> None:
    seen = visit(PAGE)
    assert not seen.console_errors and not seen.failed, seen.console_errors + seen.failed
    text = " ".join(seen.dom["text"].split())
    for key in bibliography:
        label = ln.citation("cite:p", key, bibliography, link=False)[1:-1]
        assert f"[ {label} ]" in text, key  # the label's brackets are text nodes of their own
