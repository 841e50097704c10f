"""Link the first mention of each library name in a chapter to its reference page.

A chapter names ``minimize`` or ``print_table`` as inline code; on the site, the first
such mention in each chapter links to the name's entry in the library's reference
(book/api/), so that a reader is one click from its formula, parameters and examples.
Code cells are left alone (their text is code, not a mention).
"""

from __future__ import annotations

import importlib
import pkgutil

from docutils import nodes

import momentum_lib

CHAPTER_PREFIX = "book/0"


def public_names() -> dict[str, tuple[str, str]]:
    """Each public name of the library: (its reference page, its anchor)."""
    names: dict[str, tuple[str, str]] = {}
    for module in pkgutil.iter_modules(momentum_lib.__path__):
        if module.name.startswith("_"):
            continue
        full = f"momentum_lib.{module.name}"
        for name in getattr(importlib.import_module(full), "__all__", []):
            names.setdefault(
                name, (f"book/api/{module.name}", f"{full}.{name}")
            )
    return names


def link_first_mentions(app, doctree: nodes.document, docname: str) -> None:
    if not docname.startswith(CHAPTER_PREFIX):
        return
    names, seen = public_names(), set()
    for literal in list(doctree.findall(nodes.literal)):
        text = literal.astext().removesuffix("()")
        if (
            text not in names
            or text in seen
            or isinstance(literal.parent, nodes.reference)
        ):
            continue
        seen.add(text)
        page, anchor = names[text]
        uri = app.builder.get_relative_uri(docname, page) + "#" + anchor
        reference = nodes.reference(
            "", "", internal=True, refuri=uri, classes=["library-link"]
        )
        literal.replace_self(reference)
        reference.append(literal)


def setup(app):
    app.connect("doctree-resolved", link_first_mentions)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
