"""Where things are: the repository, the book's chapters and its table of contents."""

from __future__ import annotations

import pathlib
import sys

import yaml

ROOT = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / ".ci"))
from learner_notebooks import toc_documents  # noqa: E402  (.ci/ is not a package)

BOOK = ROOT / "book"
CHAPTERS = sorted(BOOK.glob("[0-9][0-9]_*.ipynb"))
"""The chapters, as notebooks, in order."""


def toc_files() -> list[str]:
    """The documents of _toc.yml in reading order (root first), as paths without suffix.

    The learner-notebook generator reads the table of contents the same way: one reader.
    """
    return toc_documents(ROOT)


def notebook_files() -> list[str]:
    """The documents of _toc.yml that are (or, not yet written, will be) notebooks."""
    return [f for f in toc_files() if not (ROOT / f).with_suffix(".md").exists()]


def expected_pages() -> list[str]:
    """Every HTML page the build must produce, relative to the html directory."""
    generated = ["index.html", "genindex.html", "py-modindex.html", "search.html"]
    return [f"{f}.html" for f in toc_files()] + generated


def repository_url() -> str:
    config = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
    return config["repository"]["url"]
