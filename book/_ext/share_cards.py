"""Each page's card when it is shared (OpenGraph): its title, its opening words, a figure.

sphinxext-opengraph writes the ``og:`` tags (its ``ogp_*`` settings are in _config.yml);
this extension gives it what it does not find by itself:

- **the page's first figure** as ``og:image``, with the figure's alt text as
  ``og:image:alt``. sphinxext-opengraph's own ``ogp_use_first_image`` takes the image's
  source path, which for a notebook's output is not where the built site serves it
  (``_images/``). A page without a figure keeps the book's card (``ogp_image``).
- **the opening words with readable formulas** as ``og:description`` and the page's
  ``<meta name="description">``: sphinxext-opengraph copies formulas as TeX
  (``\\Delta w \\leftarrow \\alpha\\,\\Delta w``) and loses the spaces around them; here a
  formula in the book's notation is written in Unicode (``Δw ← αΔw − η∇Q(w)``), and the
  description ends before one that is not.
- **the generated pages** (the index, the module index, search): sphinxext-opengraph
  writes nothing for a page without a document; they get the book's card and a
  description of their own. The site's root (``index.html``, a redirect to the first
  page) gets the first page's card.

tests/site/test_opengraph.py checks every page's tags and that each image is in the site.
"""

from __future__ import annotations

import html
import pathlib
import posixpath
import re

from docutils import nodes
from sphinx.util.docutils import new_document
from sphinxext.opengraph import get_tags

GENERATED_PAGES = {
    # page: (its title, as Sphinx's template writes it; a description)
    "genindex": ("Index", "Every name of momentum_lib, the book's library."),
    "py-modindex": ("Python Module Index", "The modules of momentum_lib."),
    "search": ("Search", "Search the chapters and the library's reference."),
}
DESCRIPTION_LENGTH = 200
"""Characters of a description at most (sphinxext-opengraph's default)."""
TEX_SYMBOLS = {
    "alpha": "α", "beta": "β", "gamma": "γ", "eta": "η", "kappa": "κ", "lambda": "λ",
    "mu": "μ", "Delta": "Δ", "nabla": "∇", "leftarrow": "←", "rightarrow": "→", "to": "→",
    "sqrt": "√", "cdot": "·", "times": "×", "approx": "≈", "le": "≤", "ge": "≥",
    "infty": "∞", "quad": " ", "qquad": " ", ",": "", ";": "", "!": "", " ": " ",
}  # fmt: skip
TEX_COMMAND = re.compile(r"(\\[A-Za-z]+|\\.)")
TEX_SCRIPT = re.compile(r"([_^])(?:\{(\w+)\}|(\w))")
SUBSCRIPTS = dict(zip("0123456789ijknt", "₀₁₂₃₄₅₆₇₈₉ᵢⱼₖₙₜ", strict=True))
SUPERSCRIPTS = dict(zip("0123456789nt", "⁰¹²³⁴⁵⁶⁷⁸⁹ⁿᵗ", strict=True))
OPERATOR = re.compile(r"\s*([=+−←→≈≤≥<>])\s*")
CARD_TAG = re.compile(
    r'<meta (?:property="og:[^"]*"|name="description") content="[^"]*" />'
)
ROOT_PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8" />
<title>{title}</title>
<meta http-equiv="Refresh" content="0; url={target}" />
{card}
</head>
<body><p><a href="{target}">{title}</a></p></body>
</html>
"""
SKIPPED = (
    nodes.Admonition,
    nodes.Invisible,
    nodes.title,
    nodes.caption,
    nodes.table,
)


def tex_as_text(tex: str) -> str | None:
    """A formula in the book's notation as plain Unicode text, or None if it is not one."""
    parts = []
    for part in TEX_COMMAND.split(tex):
        if TEX_COMMAND.fullmatch(part):
            symbol = TEX_SYMBOLS.get(part[1:])
            if symbol is None:
                return None
            parts.append(symbol)
        else:
            parts.append("".join(part.split()).replace("-", "−"))
    text = "".join(parts)

    def script(match: re.Match) -> str:
        table = SUBSCRIPTS if match[1] == "_" else SUPERSCRIPTS
        characters = match[2] or match[3]
        if all(character in table for character in characters):
            return "".join(table[character] for character in characters)
        return match[0]

    text = TEX_SCRIPT.sub(script, text).replace("{", "").replace("}", "")
    if re.search(r"[\\_^]", text):
        return None
    text = re.sub(r",\s*", ", ", OPERATOR.sub(r" \1 ", text))
    return " ".join(text.split())


def readable_text(block: nodes.Element) -> tuple[str, bool]:
    """The block's text with its formulas as text, up to one that is not; and if it is whole."""
    if isinstance(block, nodes.math_block):
        formula = tex_as_text(block.astext())
        return formula or "", formula is not None
    text = ""
    for child in block.children:
        words = child.astext()
        if isinstance(child, nodes.math):
            words = tex_as_text(words)
            if words is None:
                return " ".join(text.split()), False
        text += words
    return " ".join(text.split()), True


def page_description(doctree: nodes.document) -> str:
    """The page's opening words (paragraphs and formulas outside admonitions, captions and
    tables, as sphinxext-opengraph takes them), with readable formulas."""
    text = ""
    for block in doctree.findall(_is_text_block):
        part, whole = readable_text(block)
        text = f"{text} {part}".strip()
        if len(text) > DESCRIPTION_LENGTH:
            return text[:DESCRIPTION_LENGTH].rsplit(" ", 1)[0] + " …"
        if not whole:
            return f"{text} …" if text else ""
    return text


def _is_text_block(node: nodes.Node) -> bool:
    """A paragraph or a displayed formula outside admonitions, captions and tables."""
    if not isinstance(node, (nodes.paragraph, nodes.math_block)):
        return False
    while node.parent is not None:
        node = node.parent
        if isinstance(node, SKIPPED):
            return False
    return True


def first_figure(
    app, pagename: str, doctree: nodes.document
) -> tuple[str, str] | None:
    """The image of the page's first figure as the built site has it (``_images/…``), and
    its alt text.

    By now the HTML writer has pointed each image at its copy: ``../_images/….png``,
    relative to the page.
    """
    page_folder = posixpath.dirname(app.builder.get_target_uri(pagename))
    for figure in doctree.findall(nodes.figure):
        image = figure.next_node(nodes.image)
        if image is None:
            continue
        path = posixpath.normpath(posixpath.join(page_folder, image["uri"]))
        if path.startswith(f"{app.builder.imagedir}/"):
            return path, image.get("alt", "")
    return None


def add_card(
    app, pagename: str, templatename: str, context: dict, doctree
) -> None:
    if doctree is not None:
        # A copy: the page's metadata in the environment stays as it was read.
        fields = dict(context.get("meta") or {})
        description = page_description(doctree)
        if description:
            # sphinxext-opengraph writes a field as it is, and adds its own
            # <meta name="description"> only if the page has none.
            escaped = html.escape(description)
            fields.setdefault("og:description", escaped)
            context["metatags"] += (
                f'<meta name="description" content="{escaped}" />\n'
            )
        figure = first_figure(app, pagename, doctree)
        if figure is not None:
            fields.setdefault("og:image", figure[0])
            if figure[1]:
                fields.setdefault("og:image:alt", figure[1])
        context["meta"] = fields
    elif pagename in GENERATED_PAGES:
        title, description = GENERATED_PAGES[pagename]
        page = {"pagename": pagename, "title": title, "metatags": ""}
        page["meta"] = {"og:description": description}
        # Search engines show <meta name="description">, not og:description.
        context["metatags"] = (
            context.get("metatags", "")
            + f'<meta name="description" content="{html.escape(description)}" />\n'
            + get_tags(
                page,
                new_document(pagename),
                srcdir=app.srcdir,
                outdir=app.outdir,
                config=app.config,
                builder=app.builder,
                env=app.env,
            )
        )


def write_root_redirect(app, exception) -> None:
    """The site's root, ``index.html``: a redirect to the first page, with that page's card.

    sphinx-external-toc writes a bare ``<meta http-equiv="Refresh">`` there when the file
    is missing (after this, at build-finished); a shared link to the site's address then
    shows no title, text or image.
    """
    if exception is not None or app.builder.format != "html":
        return
    outdir = pathlib.Path(app.outdir)
    target = app.builder.get_target_uri(app.config.root_doc)
    page = (outdir / target).read_text(encoding="utf-8")
    title = re.search(r'<meta property="og:title" content="([^"]*)"', page)[1]
    card = "\n".join(CARD_TAG.findall(page))
    (outdir / "index.html").write_text(
        ROOT_PAGE.format(title=title, target=target, card=card),
        encoding="utf-8",
    )


def setup(app):
    app.setup_extension("sphinxext.opengraph")
    # Before sphinxext-opengraph's own handler (priority 500), which reads the fields.
    app.connect("html-page-context", add_card, priority=400)
    # Before sphinx-external-toc's (priority 500), which writes a bare one.
    app.connect("build-finished", write_root_redirect, priority=400)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
