"""The book's citations: author and year, in round brackets, in the text and in the list.

- In the text, sphinxcontrib-bibtex's ``author_year`` reference style with round brackets
  instead of square ones (``bibtex_reference_style: author_year_round``):
  ``{cite:t}`` "Polyak (1964)", ``{cite:p}`` "(Polyak, 1964; Qian, 1999)".
- On the references page, pybtex's "plain" format, each entry labelled by the same author
  and year, "Polyak, 1964", instead of a number (``bibtex_default_style: plain_author_year``).

.ci/learner_notebooks.py writes the learner notebooks' citations with :func:`cited_names`.
"""

from __future__ import annotations

import dataclasses

import pybtex.plugin
from pybtex.database import Entry
from pybtex.richtext import Text
from pybtex.style.formatting.plain import Style as PlainStyle
from pybtex.style.labels import BaseLabelStyle
from sphinxcontrib.bibtex.plugin import register_plugin
from sphinxcontrib.bibtex.style.referencing import BracketStyle
from sphinxcontrib.bibtex.style.referencing.author_year import (
    AuthorYearReferenceStyle,
)


def cited_names(entry: Entry, et_al: str = "et al.") -> str:
    """The authors as an author-year citation names them (sphinxcontrib-bibtex's rule).

    One or two last names ("Polyak"; "Smith and Jones"), or the first one and ``et_al``
    for three or more ("Rumelhart et al.").
    """
    names = [
        Text.from_latex(" ".join(p.prelast_names + p.last_names)).render_as(
            "text"
        )
        for p in entry.persons["author"]
    ]
    if len(names) > 2:
        return f"{names[0]} {et_al}"
    return " and ".join(names)


class AuthorYearLabelStyle(BaseLabelStyle):
    """Label each entry of the list "Polyak, 1964", as the text cites it."""

    def format_labels(self, sorted_entries):
        for entry in sorted_entries:
            yield f"{cited_names(entry)}, {entry.fields['year']}"


class PlainAuthorYearStyle(PlainStyle):
    """pybtex's "plain" format (sorted by author, year, title) with author-year labels."""

    default_label_style = "author_year"


def _round() -> BracketStyle:
    return BracketStyle(left="(", right=")")


def _round_list() -> BracketStyle:
    return BracketStyle(left="(", right=")", sep="; ")


@dataclasses.dataclass
class RoundAuthorYearReferenceStyle(AuthorYearReferenceStyle):
    """``author_year`` with "(" and ")" instead of "[" and "]", and "; " between works."""

    bracket_textual: BracketStyle = dataclasses.field(default_factory=_round)
    bracket_parenthetical: BracketStyle = dataclasses.field(
        default_factory=_round_list
    )
    bracket_author: BracketStyle = dataclasses.field(default_factory=_round)
    bracket_label: BracketStyle = dataclasses.field(default_factory=_round)
    bracket_year: BracketStyle = dataclasses.field(default_factory=_round)


def setup(app) -> dict:
    pybtex.plugin.register_plugin(
        "pybtex.style.labels", "author_year", AuthorYearLabelStyle
    )
    pybtex.plugin.register_plugin(
        "pybtex.style.formatting", "plain_author_year", PlainAuthorYearStyle
    )
    register_plugin(
        "sphinxcontrib.bibtex.style.referencing",
        "author_year_round",
        RoundAuthorYearReferenceStyle,
    )
    return {"parallel_read_safe": True, "parallel_write_safe": True}
