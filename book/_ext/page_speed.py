"""Lighter pages: formulas typeset at build time, the theme's icons without its 1.45 MB
script, deferred scripts, and images with their size.

- **Formulas.** MathJax in the browser costs every page with a formula 1.16 MB of
  script, then typesets each formula while the reader waits, moving the text around it.
  Here MathJax typesets them once, when the site is built (``page_speed_math.js``, run by
  Node.js with the MathJax copy that sphinx-mathjax-offline ships): each page is served
  with its formulas already in MathJax's CommonHTML, the hidden MathML that screen readers
  read included, and one stylesheet (``page_speed_math.css``) for all of them; no MathJax
  script is loaded. A TeX error or an undefined macro is a build warning (an error under
  ``-W``). Without ``node`` on the PATH the pages keep MathJax in the browser, typesetting
  lazily (``mathjax3_config`` in ``_config.yml``).
- **Icons.** pydata-sphinx-theme loads Font Awesome's ``all.min.js``
  (``_static/scripts/fontawesome.js``, 1.45 MB) on every page: it swaps each
  ``<i class="fa-…">`` for an SVG and watches every change of the page for new ones.
  The theme's stylesheet already draws the same icons with
  Font Awesome's font, so the script is left out (``page_speed_templates/``: the theme's
  ``head_js_preload`` macro without it), and ``page_speed.css`` points that font at subsets
  (``_static/icons/``, a few kB) holding only the icons the built pages and the theme's
  scripts name, instead of the whole fonts (274 kB).
- **Scripts.** The scripts in each page's head are deferred: they run, in their order,
  once the page is parsed, instead of holding its first paint. A file gets ``defer``; an
  inline script that sets something a deferred file defines (``DOCUMENTATION_OPTIONS``,
  ``window.MathJax``) becomes a module script, which runs in the same ordered list; one
  that declares variables for the files after it (``let toggleHintShow``) stays where it
  is and runs at once. Every page is rendered through ``page_speed_page.html``, a leaf
  template over the page's own that rewrites its ``scripts`` and ``extrahead`` blocks.
  pydata-sphinx-theme also loads Sphinx's search scripts and the search index (140 kB)
  on every page, for its search-as-you-type; with that option off (the theme's default,
  this book's) its search field only leads to ``search.html``, which loads them itself:
  the other pages go without them.
- **Images.** Each ``<img>`` of a local PNG or JPEG gets its ``width`` and ``height``
  attributes (as attributes, not the ``style`` docutils writes: the theme's
  ``max-width: 100%`` still scales it, with ``height: auto`` from ``page_speed.css``), so
  that the browser keeps its place before it arrives and the text below does not jump,
  and, after the page's first image, ``loading="lazy"``: an image is fetched when it comes
  near the screen, not while the page's stylesheets and first screen wait for the network.
- **Sections.** A long chapter is 8,000 to 16,000 elements, and the browser styles and
  lays out all of them before its first paint. Each section below the title (``<section>``
  in ``<section>``, at any depth) gets ``content-visibility: auto``: the browser lays it
  out only when it comes near the screen, and keeps in its place a box of the height
  ``contain-intrinsic-size`` gives it (``auto``: its real height, once it has been laid
  out). That height is set per section, from the text a reader sees with the folds closed,
  its images and its drawings, and per screen width (``--page-speed-px-per-character``),
  on the high side on purpose: a box smaller than its content lets the content, when a
  script measures it before the section is shown, overlap what follows, and axe-core
  (Lighthouse's accessibility audit, the site's axe test) then reads the colours of one
  against the other (axe-core issue 2768). A box too tall makes the page end lower, and
  its scroll bar shorter, until the reader has scrolled through: on the site's pages the
  boxes add up to 2.5 to 3.7 times the sections' real height (measured at 320 to 1,600 px
  wide; counting every character, hidden ones included, at 3 px each, made it 5 to 9
  times, 13 on chapter 1). tests/site/test_page_speed.py checks that no section outgrows
  its box, on a small phone and on a laptop. The theme's script measured every block of
  code when the page was ready, laying out every section at once: it is patched to measure
  only what is laid out (``THEME_TAB_STOPS``), and ``_static/scrollable.js`` measures a
  section's blocks when the browser lays it out. A section that begins within the first
  screens is laid out whole, so its heavy blocks (60 elements or more: a displayed
  formula, a paragraph thick with formulas, a cell and its output; ``lazy_blocks``, once
  the formulas are typeset) get boxes of their own: as chapter 5 opens on a phone, 464
  elements are laid out instead of 1,973.
- **Stylesheets.** A page linked 13 stylesheets (the theme's 397 kB among them, ~580 kB in
  all, 95 kB gzipped), each holding its first paint, one round trip of a slow network
  each. Once the site is built, each page's stylesheets are joined, in their order, into
  one ``_static/page_speed_bundle.<hash>.css`` (imports inlined, URLs made relative to it),
  without the selectors that name a class that no built page and no script of the site
  holds as a word (Sphinx's basic sidebar, most of Bootstrap), and without comments but
  the licence notices: 193 kB, 34 kB gzipped. A class that a script builds from parts is
  kept by its prefix (``BUILT_CLASSES``).
- **Interactive figures.** Each figure's script, inline in the page, drew it while the page
  was parsed: a figure with thousands of points, its text measured to fit the screen, held
  a slow phone 0.2 to 0.9 s. Its ``data-figure`` is renamed here, so that figures.js does
  not find it, and ``page_speed_static/page_speed_figures.js`` gives it back, and draws the
  figure, when it comes near the screen, or before the page is printed. A figure's data
  above 16,000 characters (chapter 8's runs: 204 kB, half of its page) is served as a file
  of its own (``_static/figure_data/``), which the script fetches once the page has loaded
  and the browser is idle, or when the figure comes near the screen if that is sooner.
"""

from __future__ import annotations

import functools
import hashlib
import itertools
import json
import os
import pathlib
import posixpath
import re
import shutil
import subprocess
from dataclasses import dataclass
from html import unescape
from html.parser import HTMLParser

import tinycss2
from fontTools import subset
from fontTools.ttLib import TTFont
from PIL import Image
from sphinx.errors import ExtensionError
from sphinx.util import logging

logger = logging.getLogger(__name__)

TEMPLATES = pathlib.Path(__file__).parent / "page_speed_templates"
STATIC = pathlib.Path(__file__).parent / "page_speed_static"
STYLESHEET = "page_speed.css"
MATH_SCRIPT = pathlib.Path(__file__).parent / "page_speed_math.js"
MATH_STYLESHEET = "page_speed_math.css"
# MathJax's fonts, relative to _static (where the stylesheet is).
MATH_FONTS = "mathjax/output/chtml/fonts/woff-v2"
# The two forms Sphinx writes math in: inline \(…\) in a span, display \[…\] in a div.
MATH = re.compile(
    r'(<span class="math notranslate nohighlight"[^>]*>)\\\((.*?)\\\)(</span>)'
    r'|(<div class="math notranslate nohighlight"[^>]*>)\s*\\\[(.*?)\\\]\s*(</div>)',
    re.S,
)
ICON_FONTS = {
    # file in the theme's vendor/fontawesome/webfonts: (font-family, font-weight)
    "fa-solid-900.ttf": ("Font Awesome 6 Free", 900),
    "fa-regular-400.ttf": ("Font Awesome 6 Free", 400),
    "fa-brands-400.ttf": ("Font Awesome 6 Brands", 400),
}
THEME_CSS = "styles/pydata-sphinx-theme.css"
THEME_SCRIPTS = (
    "scripts/pydata-sphinx-theme.js",
    "scripts/sphinx-book-theme.js",
)
# The theme's ".fa-sun:before,.fa-…:before{content:"\f185"}" rules.
ICON_RULE = re.compile(
    r'((?:\.fa-[a-z0-9-]+:before,?)+)\{content:"\\([0-9a-f]+)"\}'
)
# Codepoints the theme's stylesheets draw by themselves (admonition and link icons):
# "\f107" escapes, and the literal private-use characters of --pst-icon-… properties.
STYLESHEET_ICON = re.compile(r"\\([ef][0-9a-f]{3})\b|([\ue000-\uf8ff])")
CLASS_ATTRIBUTE = re.compile(r'class="([^"]*\bfa-[^"]*)"')
IMG_TAG = re.compile(r"<img\b[^>]*>")
IMG_SRC = re.compile(r'\ssrc="([^"]+)"')
SCRIPT = re.compile(r"<script\b([^>]*)>(.*?)</script>", re.S)
# Sphinx's search, which the theme loads on every page for its search-as-you-type.
SEARCH_SCRIPT = re.compile(
    r'\ssrc="[^"]*(?:_static/searchtools|_static/language_data|searchindex)\.js'
)
DECLARATION = re.compile(r"\s*(?:let|var|const|function)\s")
SECTION_TAG = re.compile(r"<section\b([^>]*)>|</section>")
# Tags, and what is not shown: scripts (an interactive figure's data) and stylesheets.
TAG = re.compile(r"<(script|style)\b.*?</\1>|<[^>]*>", re.S)
IMG_HEIGHT = re.compile(r'<img\b[^>]*\sheight="(\d+)"')
# What a reader sees of a section before opening anything: a closed fold (``<details>``
# without ``open``: "Going deeper", hidden code) shows only its summary.
CLOSED_FOLD = re.compile(
    r"<details\b(?![^>]*\sopen)[^>]*>((?:(?!<details\b).)*?)</details>", re.S
)
SUMMARY = re.compile(r"<summary\b[^>]*>(.*?)</summary>", re.S)
# A drawing: an interactive figure (its pictures are drawn by its script) or an animation.
DRAWN = re.compile(
    r'<(?:canvas|iframe|video)\b|\sclass="interactive-figure[" ]'
)
# A section's box: its shown characters times a height per character, the natural height
# of its images (max-width only narrows them), 1,000 px for each drawing and 400 px for
# its own margins and heading. Measured on every page of the site (folds closed), a shown
# character takes at most 1.5 px at 320 px wide and 0.9 px from 768 px on (the instructor
# page's tables; text alone, 0.4 to 1.0): 2 px and 1.2 px keep every box above its
# section, and are the ``--page-speed-px-per-character`` of RULES.
SECTION_PX_PER_DRAWING = 1000
SECTION_PX = 400
DEFERRED_SECTION = "page-speed-deferred"
# A block directly in a deferred section with this many elements in it (a displayed
# formula, a paragraph thick with formulas, a cell and its output) is deferred too, in a
# box like a section's with 150 px instead of 400 for its margins: a section that begins
# on the first screens is laid out whole, but its heavy blocks further down are not.
BLOCK_ELEMENTS = 60
BLOCK_PX = 150
# A table's rows have padding and wrap short cells: 40 px more a row (the instructor
# page's question table at 320 px: 11 rows of 509 characters, 1,181 px high).
BLOCK_PX_PER_ROW = 40
BLOCK_TAGS = frozenset(
    {"blockquote", "details", "div", "dl", "figure", "ol", "p", "table", "ul"}
)
VOID_TAGS = frozenset(
    "area base br col embed hr img input link meta source track wbr".split()
)
# pydata-sphinx-theme's addTabStopsToScrollableElements, as its minified script has it: it
# measures every block of code and output of the page when the page is ready and whenever
# the page changes, which lays out every section at once. Patched to skip the sections not
# laid out yet; _static/scrollable.js does the same for each when it is laid out.
THEME_TAB_STOPS = "e.tabIndex=e.scrollWidth>e.clientWidth||e.scrollHeight>e.clientHeight?0:-1"
THEME_TAB_STOPS_LAID_OUT = (
    f"e.checkVisibility({{contentVisibilityAuto:!0}})&&({THEME_TAB_STOPS})"
)


def icon_codepoints(theme_css: str) -> dict[str, int]:
    """Each Font Awesome class the theme's stylesheet draws (``fa-sun``), with its codepoint."""
    codepoints = {}
    for selectors, code in ICON_RULE.findall(theme_css):
        for selector in selectors.split(","):
            if selector:
                codepoints[
                    selector.removeprefix(".").removesuffix(":before")
                ] = int(code, 16)
    return codepoints


def stylesheet_codepoints(static: pathlib.Path) -> set[int]:
    """Icon codepoints the theme's stylesheets use outside the ``.fa-…`` class rules."""
    found = set()
    for sheet in static.rglob("*.css"):
        if sheet.relative_to(static).parts[0] in ("mathjax", "vendor"):
            continue
        text = ICON_RULE.sub("", sheet.read_text(encoding="utf-8"))
        for escaped, literal in STYLESHEET_ICON.findall(text):
            found.add(int(escaped, 16) if escaped else ord(literal))
    return found


def used_icon_classes(html_dir: pathlib.Path) -> set[str]:
    """The ``fa-…`` classes of the built pages' elements and of the theme's scripts."""
    found = set()
    for page in html_dir.rglob("*.html"):
        for classes in CLASS_ATTRIBUTE.findall(
            page.read_text(encoding="utf-8")
        ):
            found.update(classes.split())
    for script in THEME_SCRIPTS:
        path = html_dir / "_static" / script
        if path.is_file():
            found.update(
                re.findall(
                    r"\bfa-[a-z0-9-]+", path.read_text(encoding="utf-8")
                )
            )
    return found


def write_icon_subsets(static: pathlib.Path, codepoints: set[int]) -> str:
    """Subset each icon font to ``codepoints`` as WOFF in ``static/icons``; their CSS."""
    fonts = static / "vendor" / "fontawesome" / "webfonts"
    (static / "icons").mkdir(exist_ok=True)
    rules = []
    for name, (family, weight) in ICON_FONTS.items():
        font = TTFont(fonts / name)
        options = subset.Options()
        options.flavor = "woff"
        options.layout_features = []
        subsetter = subset.Subsetter(options)
        subsetter.populate(
            unicodes=sorted(codepoints & set(font.getBestCmap()))
        )
        subsetter.subset(font)
        target = f"icons/{name.removesuffix('.ttf')}.woff"
        font.flavor = "woff"
        font.save(static / target)
        rules.append(
            f'@font-face{{font-family:"{family}";font-style:normal;font-weight:{weight};'
            f'font-display:block;src:url({target}) format("woff")}}'
        )
    header = (
        "/* Font Awesome's fonts, subset to the icons this site uses (book/_ext/page_speed.py);"
        " these rules come after the theme's and replace them. */"
    )
    return "\n".join([header, *rules]) + "\n"


RULES = (
    "/* Images carry their width and height (book/_ext/page_speed.py): keep their shape when"
    " max-width narrows them. */\nimg[width][height]{height:auto}\n"
    "/* The theme sizes its colour-mode icons for the SVGs of its Font Awesome script. */\n"
    ".theme-switch-button .fa-lg{font-size:1em;vertical-align:-.125em}\n"
    f"/* Sections laid out only near the screen (book/_ext/page_speed.py), in a box of their"
    f" estimated height until then; all of them in print. */\n[data-{DEFERRED_SECTION}]"
    "{content-visibility:auto;--page-speed-px-per-character:2px;contain-intrinsic-size:"
    "auto calc(var(--page-speed-characters)*var(--page-speed-px-per-character)"
    " + var(--page-speed-px))}\n"
    f"@media (min-width:768px){{[data-{DEFERRED_SECTION}]"
    "{--page-speed-px-per-character:1.2px}}\n"
    f"@media print{{[data-{DEFERRED_SECTION}]{{content-visibility:visible}}}}\n"
)


def theme_tab_stops(app, exception) -> None:
    """Make the theme's tab stops skip the sections not laid out yet (``THEME_TAB_STOPS``)."""
    if exception is not None or app.builder.format != "html":
        return
    script = pathlib.Path(app.outdir) / "_static" / THEME_SCRIPTS[0]
    text = script.read_text(encoding="utf-8")
    if THEME_TAB_STOPS_LAID_OUT in text:
        return  # an incremental build: patched already
    if text.count(THEME_TAB_STOPS) != 1:
        raise ExtensionError(
            f"page_speed: {script.name} no longer has {THEME_TAB_STOPS!r} once: "
            "check addTabStopsToScrollableElements in the theme's new version"
        )
    script.write_text(
        text.replace(THEME_TAB_STOPS, THEME_TAB_STOPS_LAID_OUT),
        encoding="utf-8",
    )


def build_icons(app, exception) -> None:
    if exception is not None or app.builder.format != "html":
        return
    html_dir = pathlib.Path(app.outdir)
    static = html_dir / "_static"
    codepoints = icon_codepoints(
        (static / THEME_CSS).read_text(encoding="utf-8")
    )
    used = {
        codepoints[name]
        for name in used_icon_classes(html_dir)
        if name in codepoints
    }
    used |= stylesheet_codepoints(static)
    (static / STYLESHEET).write_text(
        write_icon_subsets(static, used) + RULES, encoding="utf-8"
    )


def image_sizes(
    app, pagename: str, templatename: str, context: dict, doctree
) -> None:
    """Give each local raster ``<img>`` of the page's body its width and height."""
    if "body" not in context:
        return
    sources = {
        pathlib.PurePosixPath(dest).name: src
        for src, dest in app.builder.images.items()
    }

    def sized(match: re.Match) -> str:
        tag = match.group(0)
        src = IMG_SRC.search(tag)
        if src is None or " width=" in tag or " height=" in tag:
            return tag
        name = pathlib.PurePosixPath(unescape(src.group(1))).name
        if name not in sources or not name.lower().endswith(
            (".png", ".jpg", ".jpeg")
        ):
            return tag
        with Image.open(pathlib.Path(app.srcdir) / sources[name]) as image:
            width, height = image.size
        # The page's first image may be on its first screen: fetched at once.
        lazy = ' loading="lazy"' if seen else ""
        seen.append(name)
        return tag.replace(
            "<img ", f'<img width="{width}" height="{height}"{lazy} ', 1
        )

    seen: list[str] = []
    context["body"] = IMG_TAG.sub(sized, context["body"])


def shown_text(html: str) -> str:
    """The text of ``html`` a reader sees with its folds closed, whitespace collapsed."""
    folded = None
    while folded != html:  # innermost folds first
        folded, html = (
            html,
            CLOSED_FOLD.sub(
                lambda fold: " ".join(SUMMARY.findall(fold[1])), html
            ),
        )
    return " ".join(unescape(TAG.sub(" ", html)).split())


def section_box(html: str, margins: int = SECTION_PX) -> tuple[int, int]:
    """A section's box from its HTML: its shown characters, and its height besides, in px.

    The box is ``characters × px per character + Σ image heights + 1000 × drawings +
    margins`` (see ``SECTION_PX…``; the px per character is the stylesheet's, by screen
    width; a block's margins are ``BLOCK_PX``).
    """
    images = sum(int(height) for height in IMG_HEIGHT.findall(html))
    drawings = len(DRAWN.findall(html))
    return len(
        shown_text(html)
    ), images + SECTION_PX_PER_DRAWING * drawings + margins


def deferred(opening: str, box: tuple[int, int]) -> str:
    """A start tag marked to be laid out only near the screen, in a box of that size."""
    characters, height = box
    style = f"--page-speed-characters:{characters};--page-speed-px:{height}px"
    if ' style="' in opening:
        return opening.replace(
            ' style="', f' data-{DEFERRED_SECTION} style="{style};', 1
        )
    return opening[:-1] + f' data-{DEFERRED_SECTION} style="{style}">'


@dataclass
class OpenElement:
    tag: str
    start: int  # where its start tag begins
    content: int  # where its start tag ends
    elements_before: int  # the page's elements before it, itself included
    block: bool  # a block directly in a deferred section
    deferred_section: bool


class HeavyBlocks(HTMLParser):
    """The heavy blocks of a body (``BLOCK_ELEMENTS``), each as (where its start tag
    begins, where it ends, where its end tag begins)."""

    def __init__(self, body: str) -> None:
        super().__init__(convert_charrefs=False)
        # where each line begins: HTMLParser counts lines by "\n" alone
        self.line_starts = list(
            itertools.accumulate(
                (len(line) + 1 for line in body.split("\n")), initial=0
            )
        )
        self.open: list[OpenElement] = []
        self.elements = 0
        self.found: list[tuple[int, int, int]] = []
        self.feed(body)
        self.close()

    def position(self) -> int:
        line, column = self.getpos()
        return self.line_starts[line - 1] + column

    def handle_starttag(self, tag: str, attrs: list) -> None:
        self.elements += 1
        if tag in VOID_TAGS:
            return
        start = self.position()
        parent = self.open[-1] if self.open else None
        marked = any(name == f"data-{DEFERRED_SECTION}" for name, _ in attrs)
        self.open.append(
            OpenElement(
                tag,
                start,
                start + len(self.get_starttag_text()),
                self.elements,
                tag in BLOCK_TAGS
                and parent is not None
                and parent.deferred_section
                and not marked,
                tag == "section" and marked,
            )
        )

    def handle_startendtag(self, tag: str, attrs: list) -> None:
        self.elements += 1

    def handle_endtag(self, tag: str) -> None:
        if all(element.tag != tag for element in self.open):
            return  # a stray end tag
        element = self.open.pop()
        while element.tag != tag:  # closed implicitly
            element = self.open.pop()
        if (
            element.block
            and self.elements - element.elements_before >= BLOCK_ELEMENTS
        ):
            self.found.append(
                (element.start, element.content, self.position())
            )


def defer_blocks(body: str) -> str:
    """``body`` with each heavy block of a deferred section laid out only near the screen."""
    parts, last = [], 0
    for start, content, end in sorted(HeavyBlocks(body).found):
        block = body[content:end]
        box = section_box(
            block, BLOCK_PX + BLOCK_PX_PER_ROW * block.count("<tr")
        )
        parts += [body[last:start], deferred(body[start:content], box)]
        last = content
    parts.append(body[last:])
    return "".join(parts)


def defer_sections(body: str) -> str:
    """``body`` with each section in a section laid out only near the screen.

    Subsections too: a chapter's first section often begins within the first screens,
    where the browser lays it out whole; its subsections further down are then skipped
    (and its heavy blocks: ``lazy_blocks``).
    """
    opened = []  # the position of each open section's tag end
    boxes = {}  # a section's tag end, below the title's: its box
    for tag in SECTION_TAG.finditer(body):
        if tag.group(0) != "</section>":
            opened.append(tag.end())
        elif opened:
            start = opened.pop()
            if opened:
                boxes[start] = section_box(body[start : tag.start()])
    parts, last = [], 0
    for end, box in sorted(boxes.items()):
        start = body.rindex("<section", last, end)
        parts += [body[last:start], deferred(body[start:end], box)]
        last = end
    parts.append(body[last:])
    return "".join(parts)


def lazy_blocks(app, exception) -> None:
    """Mark the heavy blocks of every built page's deferred sections (``BLOCK_ELEMENTS``).

    Once the formulas are typeset: a formula's elements count (CommonHTML writes one per
    character and one per node). Elements laid out as chapter 5 opens on a phone, its
    first section beginning within the first screens: 1,973 → 464.
    """
    if exception is not None or app.builder.format != "html":
        return
    for page in built_pages(pathlib.Path(app.outdir)):
        text = page.read_text(encoding="utf-8")
        marked = defer_blocks(text)
        if marked != text:
            page.write_text(marked, encoding="utf-8")


def lazy_sections(
    app, pagename: str, templatename: str, context: dict, doctree
) -> None:
    """Mark the page's sections for ``content-visibility: auto`` (see the docstring)."""
    if "body" in context:
        context["body"] = defer_sections(context["body"])


def defer_scripts(html: str, search: bool = True) -> str:
    """``html`` with its blocking scripts deferred (see the module's docstring).

    Without ``search``, Sphinx's search scripts and the search index are left out.
    """

    def deferred(match: re.Match) -> str:
        attributes, body = match.groups()
        if not search and SEARCH_SCRIPT.search(attributes):
            return ""
        if re.search(r"(?:^|\s)(?:async|defer|type)(?:[=\s]|$)", attributes):
            return match.group(0)
        if "src=" in attributes:
            return f"<script defer{attributes}></script>"
        if DECLARATION.match(body):
            return match.group(0)
        return f'<script type="module"{attributes}>{body}</script>'

    return SCRIPT.sub(deferred, html)


def is_mathjax(script) -> bool:
    """Whether a page's script is MathJax or its configuration."""
    body = script.attributes.get("body", "")
    return "mathjax/" in str(script.filename) or body.startswith(
        "window.MathJax"
    )


def built_pages(html_dir: pathlib.Path) -> list[pathlib.Path]:
    return [
        p for p in sorted(html_dir.rglob("*.html")) if "_static" not in p.parts
    ]


def formula(match: re.Match) -> tuple[str, bool]:
    """The TeX of a math element of the page, and whether it is displayed."""
    display = match.group(4) is not None
    return unescape(
        match.group(5) if display else match.group(2)
    ).strip(), display


def typeset_math(app, exception) -> None:
    """Typeset every formula of the built pages with MathJax, once (see the docstring).

    An incremental build rewrites only the pages that changed, while the stylesheet must
    draw the characters of every page: the formulas typeset by earlier builds are kept in
    the doctree cache and typeset again with the new ones, for the stylesheet.
    """
    node = shutil.which("node")
    if exception is not None or app.builder.format != "html" or node is None:
        return
    html_dir = pathlib.Path(app.outdir)
    cache = pathlib.Path(app.doctreedir) / "page_speed_formulas.json"
    earlier = (
        [tuple(f) for f in json.loads(cache.read_text())]
        if cache.is_file()
        else []
    )
    pages = {
        page: page.read_text(encoding="utf-8")
        for page in built_pages(html_dir)
    }
    found = [
        f for text in pages.values() for f in map(formula, MATH.finditer(text))
    ]
    formulas = list(dict.fromkeys(earlier + found))
    request = {
        "mathjax": str(html_dir / "_static" / "mathjax"),
        "fontURL": MATH_FONTS,
        "formulas": formulas,
    }
    result = subprocess.run(
        [node, str(MATH_SCRIPT)],
        input=json.dumps(request),
        capture_output=True,
        text=True,
    )
    if result.returncode != 0:
        raise ExtensionError(
            f"MathJax could not typeset the formulas:\n{result.stderr}"
        )
    typeset = json.loads(result.stdout)
    markup = dict(zip(formulas, typeset["html"], strict=True))
    for (tex, _), error in zip(formulas, typeset["errors"], strict=True):
        if error:
            logger.warning("TeX error in %r: %s", tex, error)

    def replaced(match: re.Match) -> str:
        opening, closing = (
            match.group(4, 6) if match.group(4) else match.group(1, 3)
        )
        return opening + markup[formula(match)] + closing

    for page, text in pages.items():
        if MATH.search(text):
            page.write_text(MATH.sub(replaced, text), encoding="utf-8")
    (html_dir / "_static" / MATH_STYLESHEET).write_text(
        typeset["stylesheet"], encoding="utf-8"
    )
    cache.write_text(json.dumps(formulas), encoding="utf-8")
    logger.info(
        "page_speed: %d formulas typeset at build time", len(set(found))
    )


# An interactive figure's root, as momentum_lib.interactive writes it; its data-figure is
# renamed so that figures.js does not draw it while the page loads.
FIGURE_ROOT = re.compile(
    r'(<div class="interactive-figure\b[^"]*" )data-figure='
)
LAZY_FIGURE = "page-speed-figure"
FIGURES_SCRIPT = "page_speed_figures.js"


# A figure's configuration (its data: the runs it draws), as momentum_lib.interactive
# writes it. One above FIGURE_DATA_INLINE characters is served as a file of its own.
FIGURE_CONFIG = re.compile(
    r'(<script type="application/json" class="figure-config")>(.*?)</script>',
    re.S,
)
FIGURE_DATA_INLINE = 16_000
FIGURE_DATA = "figure_data"


def figure_data_files(body: str, static: pathlib.Path, to_static: str) -> str:
    """``body`` with each large figure configuration moved to ``static/figure_data``.

    The script keeps its place, empty, with the file's URL (``to_static`` leads from the
    page to ``_static``) in ``data-page-speed-src``, for page_speed_figures.js to fetch.
    """

    def moved(match: re.Match) -> str:
        opening, data = match.groups()
        if len(data) <= FIGURE_DATA_INLINE:
            return match.group(0)
        name = f"{hashlib.sha256(data.encode()).hexdigest()[:12]}.json"
        (static / FIGURE_DATA).mkdir(parents=True, exist_ok=True)
        (static / FIGURE_DATA / name).write_text(data, encoding="utf-8")
        return f'{opening} data-page-speed-src="{to_static}/{FIGURE_DATA}/{name}"></script>'

    return FIGURE_CONFIG.sub(moved, body)


def lazy_figures(
    app, pagename: str, templatename: str, context: dict, doctree
) -> None:
    """Leave the page's interactive figures to ``page_speed_figures.js`` (see the docstring).

    The script is added to the pages that have a figure only.
    """
    if "body" not in context:
        return
    body, count = FIGURE_ROOT.subn(rf"\1data-{LAZY_FIGURE}=", context["body"])
    if count:
        to_static = posixpath.relpath(
            "_static", posixpath.dirname(pagename) or "."
        )
        context["body"] = figure_data_files(
            body, pathlib.Path(app.outdir) / "_static", to_static
        )
        # Added in html-page-context: for this page only.
        app.add_js_file(FIGURES_SCRIPT)


BUNDLE = "page_speed_bundle"
STYLESHEET_LINK = re.compile(
    r'[ \t]*<link\b(?=[^>]*\srel="stylesheet")[^>]*>\n?'
)
HREF = re.compile(r'\shref="([^"?#]+)')
CSS_IMPORT = re.compile(
    r"""@import\s+(?:url\()?\s*["']([^"']+)["']\s*\)?\s*;"""
)
CSS_URL = re.compile(r"""url\(\s*(["']?)([^)"']+)\1\s*\)""")


# A word of a page or a script: what can be a class name.
WORD = re.compile(r"-?[_a-zA-Z][\w-]*")
# Classes that Bootstrap's script builds from parts (`bs-${name}-auto`: a tooltip's or a
# popover's placement), so that no page or script holds them whole.
BUILT_CLASSES = ("bs-",)
# At-rules holding rules (their rules are pruned one by one); the others (@font-face,
# @keyframes, @page…) are kept as they are.
GROUPING_RULES = {"media", "supports", "layer", "container"}


def site_words(html_dir: pathlib.Path) -> set[str]:
    """Every word of the built pages (inline scripts included) and of their scripts."""
    texts = [
        page.read_text(encoding="utf-8") for page in built_pages(html_dir)
    ]
    static = html_dir / "_static"
    texts += [
        script.read_text(encoding="utf-8")
        for script in static.rglob("*.js")
        if "mathjax" not in script.relative_to(static).parts
    ]
    return {word for text in texts for word in WORD.findall(text)}


def _selector_used(tokens: list, words: set[str]) -> bool:
    """Whether each class a selector requires (``.name``) is a word of the site.

    Only the selector's own classes count: one inside ``:not()``, ``:is()``, ``:where()``
    or ``:has()`` is a function's argument, and the selector is kept.
    """
    for dot, name in itertools.pairwise(tokens):
        if (
            dot.type == "literal"
            and dot.value == "."
            and name.type == "ident"
            and name.value not in words
            and not name.value.startswith(BUILT_CLASSES)
        ):
            return False
    return True


def used_css(css: str, words: set[str]) -> str:
    """``css`` without the selectors that name a class no page or script has.

    A rule keeps the selectors of its list that may match; a rule left with none is
    dropped, and so is a ``@media`` (``@supports``…) left empty. Comments go too, but for
    the licence notices (``/*! … */``), each kept once.
    """

    def pruned(rules: list) -> list[str]:
        kept = []
        for rule in rules:
            if rule.type == "comment":
                notice = f"/*{rule.value}*/"
                if rule.value.startswith("!") and notice not in kept:
                    kept.append(notice)
            elif rule.type == "qualified-rule":
                selectors = [[]]
                for token in rule.prelude:
                    if token.type == "literal" and token.value == ",":
                        selectors.append([])
                    else:
                        selectors[-1].append(token)
                used = [
                    tinycss2.serialize(selector).strip()
                    for selector in selectors
                    if _selector_used(selector, words)
                ]
                if used:
                    content = tinycss2.serialize(rule.content)
                    kept.append(f"{','.join(used)}{{{content}}}")
            elif (
                rule.type == "at-rule"
                and rule.lower_at_keyword in GROUPING_RULES
                and rule.content is not None
            ):
                inner = pruned(
                    tinycss2.parse_rule_list(
                        rule.content, skip_comments=True, skip_whitespace=True
                    )
                )
                if inner:
                    prelude = tinycss2.serialize(rule.prelude)
                    kept.append(
                        f"@{rule.at_keyword}{prelude}{{{''.join(inner)}}}"
                    )
            elif rule.type != "whitespace":
                kept.append(rule.serialize())
        return kept

    rules = tinycss2.parse_stylesheet(css, skip_whitespace=True)
    return "\n".join(pruned(rules)) + "\n"


def inlined_css(path: pathlib.Path, static: pathlib.Path) -> str:
    """``path``'s stylesheet with its imports inlined, its URLs relative to ``static``."""

    def moved(match: re.Match) -> str:
        quote, url = match.groups()
        if re.match(r"[a-z][a-z0-9+.-]*:|/|#", url, re.I):
            # data:, absolute, a fragment: the same from anywhere.
            return match[0]
        target = (path.parent / url).resolve()
        return f"url({quote}{target.relative_to(static).as_posix()}{quote})"

    text = path.read_text(encoding="utf-8").removeprefix("\ufeff")
    text = re.sub(r'@charset\s+"[^"]*"\s*;', "", text)
    # Between imports, this file's own rules: URLs relative to it.
    parts = CSS_IMPORT.split(text)
    for i in range(0, len(parts), 2):
        parts[i] = CSS_URL.sub(moved, parts[i])
    for i in range(1, len(parts), 2):
        parts[i] = inlined_css((path.parent / parts[i]).resolve(), static)
    return "".join(parts)


def bundle_stylesheets(app, exception) -> None:
    """One stylesheet per page: its stylesheets concatenated, in their order, into
    ``_static/page_speed_bundle.<hash>.css`` (see the module's docstring)."""
    if exception is not None or app.builder.format != "html":
        return
    html_dir = pathlib.Path(app.outdir)
    static = (html_dir / "_static").resolve()
    bundles: dict[tuple[pathlib.Path, ...], str] = {}
    words = site_words(html_dir)
    for page in built_pages(html_dir):
        text = page.read_text(encoding="utf-8")
        head_end = text.find("</head>")
        links = list(STYLESHEET_LINK.finditer(text, 0, head_end))
        if not links or any(" media=" in link[0] for link in links):
            continue
        sheets = tuple(
            (page.parent / HREF.search(link[0])[1]).resolve() for link in links
        )
        if len(sheets) == 1 and sheets[0].name.startswith(BUNDLE):
            continue  # an incremental build: bundled already
        between = text[links[0].end() : links[-1].start()]
        if "<style" in between:
            raise ExtensionError(
                f"page_speed: {page.name} has a <style> among its stylesheets: "
                "bundling them would change their order"
            )
        if sheets not in bundles:
            css = used_css(
                "\n".join(inlined_css(sheet, static) for sheet in sheets),
                words,
            )
            digest = hashlib.sha256(css.encode()).hexdigest()[:12]
            name = f"{BUNDLE}.{digest}.css"
            (static / name).write_text(css, encoding="utf-8")
            bundles[sheets] = name
        href = os.path.relpath(static / bundles[sheets], page.parent)
        link = (
            f'<link rel="stylesheet" type="text/css" '
            f'href="{pathlib.PurePath(href).as_posix()}" />\n'
        )
        rest = STYLESHEET_LINK.sub("", text[links[0].end() : head_end])
        page.write_text(
            text[: links[0].start()] + link + rest + text[head_end:],
            encoding="utf-8",
        )


def render_deferred(
    app, pagename: str, templatename: str, context: dict, doctree
):
    """Render the page through ``page_speed_page.html``, over its own template."""
    # The formulas come typeset: no MathJax in the browser.
    if shutil.which("node"):
        context["script_files"] = [
            s for s in context["script_files"] if not is_mathjax(s)
        ]
    context["page_speed_base"] = templatename
    search = str(context.get("theme_search_as_you_type")).lower() == "true"
    context["page_speed_defer"] = functools.partial(
        defer_scripts, search=search or pagename == "search"
    )
    return "page_speed_page.html"


def add_templates(app, config) -> None:
    config.templates_path = [*config.templates_path, str(TEMPLATES)]
    config.html_static_path = [*config.html_static_path, str(STATIC)]


def setup(app):
    app.connect("config-inited", add_templates)
    app.connect("html-page-context", image_sizes)
    # After image_sizes: a section's box counts its images' heights.
    app.connect("html-page-context", lazy_sections, priority=600)
    app.connect("html-page-context", lazy_figures)
    # After the extensions that add scripts to the page (MathJax, the theme: priority 500).
    app.connect("html-page-context", render_deferred, priority=900)
    app.connect("build-finished", build_icons)
    app.connect("build-finished", theme_tab_stops)
    # After sphinx-mathjax-offline has copied MathJax into _static (priority 500).
    app.connect("build-finished", typeset_math, priority=900)
    # After the formulas are typeset: their elements make a block heavy.
    app.connect("build-finished", lazy_blocks, priority=920)
    # After every stylesheet is written (page_speed.css, page_speed_math.css).
    app.connect("build-finished", bundle_stylesheets, priority=950)
    app.add_css_file(STYLESHEET)
    if shutil.which("node"):
        app.add_css_file(MATH_STYLESHEET)
    else:
        logger.info(
            "page_speed: no node on the PATH: MathJax typesets in the browser"
        )
    return {"parallel_read_safe": True, "parallel_write_safe": True}
