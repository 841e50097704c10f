"""Markup that axe-core finds wrong in myst-nb's and the theme's pages, fixed where it is written.

- **Folded code cells** (myst-nb's ``hide-input`` and ``hide-cell``): myst-nb names each
  ``<summary>`` "Toggle hidden content" while it shows "Show code cell source", so that a
  reader who says what they see ("click show code cell source", speech input) does not
  reach it (WCAG 2.5.3, label in name). Here the summary is written without that
  ``aria-label``: its name is the text it shows.
- **The sidebar's chevrons**: pydata-sphinx-theme folds the pages under a part behind a
  ``<summary>`` that holds only an icon, a control without a name (WCAG 4.1.2). Each such
  summary is named after its part: "Pages of The library: momentum_lib".
- **The references** (docutils' citations): each entry of the list (``role="list"``) is a
  ``doc-biblioentry``, a role that DPUB-ARIA 1.1 withdrew in favour of ``listitem``; as it
  is, the list has no items for assistive technology (WCAG 1.3.1, 4.1.2). Each entry is
  written as a ``listitem``.
- **Wide formulas and code**: a display formula or a code block wider than its column
  scrolls sideways, a region that the keyboard cannot reach (WCAG 2.1.1, axe-core's
  scrollable-region-focusable; chapter 11's widest formulas at 1280 px).
  ``book/_static/scrollable.js`` gives each that overflows ``tabindex="0"`` in the page.
- **Figures in folded cells** (``hide-cell``, ``hide-output``): Sphinx numbers every
  figure with a caption, so a figure in a fold took a number between two figures of the
  main line, and a reader who opens no fold saw "Fig. 18" followed by "Fig. 20" and went
  looking for the missing one (a first-year review of chapter 3). A folded figure without
  a name of its own (``mystnb.figure.name``) is left out of the numbering: it keeps its
  caption, without a number. Give it a name to number it (and to ``{numref}`` it).

The theme's search and colour-mode buttons and Sphinx's module index are fixed by templates
(book/_templates/).
tests/site/test_accessibility.py runs axe-core on every page, in light and dark mode.
"""

from __future__ import annotations

from docutils import nodes
from docutils.writers._html_base import HTMLTranslator
from myst_nb.sphinx_ import (
    HideCodeCellNode,
    depart_HideCellInput,
    visit_HideCellInput,
)
from sphinx.writers.html5 import HTML5Translator


def rewriting(visit, old: str, new: str):
    """The visitor ``visit``, with ``old`` replaced by ``new`` in the HTML it writes."""

    def visit_rewritten(translator, node: nodes.Element) -> None:
        start = len(translator.body)
        visit(translator, node)
        translator.body[start:] = [
            part.replace(old, new) for part in translator.body[start:]
        ]

    return visit_rewritten


def name_sidebar_chevrons(
    app, pagename: str, templatename: str, context: dict, doctree
):
    """Wrap the theme's ``generate_toctree_html`` so that each icon-only summary has a name."""
    generate = context.get("generate_toctree_html")
    if generate is None:
        return

    def generate_named(*args, **kwargs):
        soup = generate(*args, **kwargs)
        for summary in soup.select("li.has-children > details > summary"):
            link = summary.parent.parent.find("a", recursive=False)
            if link is not None and not summary.get_text(strip=True):
                summary["aria-label"] = f"Pages of {link.get_text(strip=True)}"
        return soup

    context["generate_toctree_html"] = generate_named


FOLDED_CELL_TAGS = ("tag_hide-cell", "tag_hide-output")


class folded_figure(nodes.figure):  # noqa: N801 (docutils names node classes in lower case)
    """A figure in a folded cell: written as a figure, left out of Sphinx's numbering.

    Sphinx numbers the node classes its standard domain lists as enumerable, and
    ``nodes.figure`` is one; a subclass is not.
    """


def unnumber_folded_figures(app, doctree: nodes.document) -> None:
    """Make each unnamed figure of a folded cell a ``folded_figure``."""
    for figure in list(doctree.findall(nodes.figure)):
        if figure["names"]:
            continue
        parent = figure.parent
        while parent is not None and not any(
            tag in parent.get("classes", ()) for tag in FOLDED_CELL_TAGS
        ):
            parent = parent.parent
        if parent is not None:
            folded = folded_figure(
                figure.rawsource, *figure.children, **figure.attributes
            )
            figure.replace_self(folded)
            for figure_id in folded["ids"]:
                doctree.ids[figure_id] = folded


def setup(app):
    folded_cell = rewriting(
        visit_HideCellInput, ' aria-label="Toggle hidden content"', ""
    )
    app.add_node(
        HideCodeCellNode,
        override=True,
        html=(folded_cell, depart_HideCellInput),
    )
    citation = rewriting(
        HTMLTranslator.visit_citation,
        ' role="doc-biblioentry"',
        ' role="listitem"',
    )
    app.add_node(
        nodes.citation,
        override=True,
        html=(citation, HTMLTranslator.depart_citation),
    )
    # After the theme's own handler (priority 500), which puts the function in the context.
    app.connect("html-page-context", name_sidebar_chevrons, priority=600)
    app.add_node(
        folded_figure,
        html=(HTML5Translator.visit_figure, HTML5Translator.depart_figure),
    )
    app.connect("doctree-read", unnumber_folded_figures)
    # Wide formulas and code that scroll sideways, focusable (book/_static/).
    app.add_js_file("scrollable.js")
    return {"parallel_read_safe": True, "parallel_write_safe": True}
