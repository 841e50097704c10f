"""Make the learner notebooks: the chapters as JupyterLab shows them, with no raw MyST.

    python .ci/learner_notebooks.py                     # into _build/learner/
    python .ci/learner_notebooks.py --output DIR
    python .ci/learner_notebooks.py --student           # the same, without the solutions
    jupyter lab _build/learner/

The chapters in book/ are written for Jupyter Book (MyST markdown), which JupyterLab
shows as raw text: ``:::{exercise}``, ``:label:``, ``{numref}`...```. As QuantEcon does
for its lectures, this script generates notebooks for learners from the book's notebooks,
which stay the single source. Each chapter keeps its cells, their ids and their stored
outputs (nbval checks them against a fresh run, so the printed numbers are the site's);
only the markdown, the cells' display metadata and the stored interactive figures change:

- an exercise becomes a bold line numbered as on the site, "Exercise 13 (title)", with
  an anchor ``<a id="label">`` for the links to it;
- a solution (``{solution}``, or a ``{solution-start}`` … ``{solution-end}`` block with
  its code cells) is folded: its text in ``<details>``, its code cells collapsed
  (``jupyter.source_hidden`` and ``outputs_hidden``) after a line saying so; with
  ``--student`` the solutions are removed, text and code, as in .ci/student_edition.py
  (the auto-checked exercise cells are stubs already), but the stored outputs stay;
- a ``{dropdown}`` becomes ``<details>``, an admonition (``{note}``, …) a blockquote;
- ``{numref}``, ``{ref}`` and ``{doc}`` become links with the site's text ("Fig. 12",
  "Exercise 13", the chapter's title); ``(label)=`` targets become anchors;
- a citation (``{cite:t}``, ``{cite:p}`` or ``{cite}``, ``{cite:year}``) becomes the site's
  author-year text, "Polyak (1964)", "(Polyak, 1964)" or "1964", linked to its entry in a
  "References" list at the end of the notebook, formatted from book/references.bib in the
  site's style (book/_ext/author_year.py: pybtex's "plain" format);
- each figure cell (``mystnb.figure`` metadata) is followed by its caption, numbered as on
  the site, and by its alt text in a fold (JupyterLab shows no ``alt`` on outputs);
- cells tagged ``hide-input``/``hide-output``/``hide-cell`` (and ``remove-*``) are
  collapsed in the same way; the outputs of ``remove-output`` cells are dropped (a
  widget's text, never shown on the site);
- a stored interactive figure (HTML with a ``<script>``) becomes a picture of it as it
  starts, drawn by the library (``momentum_lib.interactive.static_picture``: the kind's
  matplotlib drawing for the configuration the HTML embeds), after a line that says to
  run the cell to play. JupyterLab does not run the scripts of an output it did not see
  made (the notebook is untrusted): it shows the HTML, sanitized, as a dead figure, and
  it prefers HTML to an image in the same output (its renderers' order, both being safe),
  so the HTML is replaced, not joined by the picture. Running the cell replaces the
  picture and the line with the live figure, which JupyterLab trusts;
- the notebook's ``language_info`` is the one this Python's kernel reports, so that
  JupyterLab does not mark the notebook modified when the kernel starts.

Figures and exercises are numbered through the whole book, in the order of _toc.yml, as
Sphinx numbers them when the table of contents is not numbered ("Fig. 12" in chapter 3).

Any MyST syntax that survives the conversion (a directive, role, option or target this
script does not know) stops it with an error naming the chapter and the cell.
"""

from __future__ import annotations

import argparse
import base64
import copy
import dataclasses
import functools
import html
import pathlib
import re
import sys
from collections.abc import Iterator

import nbformat
import yaml
from docutils.nodes import make_id
from pybtex.database import BibliographyData, Entry, parse_file
from pybtex.plugin import find_plugin

from momentum_lib.interactive import static_picture

ROOT = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "book" / "_ext"))
from author_year import PlainAuthorYearStyle, cited_names  # noqa: E402  (the site's style)

BOOK = ROOT / "book"
DEFAULT_OUTPUT = ROOT / "_build" / "learner"
BIBLIOGRAPHY = "book/references.bib"
"""The book's bibliography, relative to the repository (``bibtex_bibfiles`` in _config.yml)."""

FIGURE_TEXT = "Fig. {number}"
"""How the site names a figure: Sphinx's default ``numfig_format`` (Jupyter Book 1 keeps it)."""
EXERCISE_TEXT = "Exercise {number}"
"""How sphinx-exercise names an exercise."""

ADMONITIONS = {
    "note": "Note",
    "tip": "Tip",
    "hint": "Hint",
    "important": "Important",
    "seealso": "See also",
    "attention": "Attention",
    "caution": "Caution",
    "warning": "Warning",
    "danger": "Danger",
    "error": "Error",
}
GATED = {"solution-start", "solution-end", "exercise-start", "exercise-end"}
CITE_ROLES = ("cite", "cite:p", "cite:t", "cite:year")
"""The citation roles the book uses (author-year, round brackets: book/_ext/round_citations.py)."""
REFERENCES_HEADING = "## References"
IMAGE_TYPES = ("image/png", "image/jpeg", "image/svg+xml", "image/gif")

RUN_TO_PLAY = (
    "*A still picture of this cell's interactive figure, drawn from its first settings. Run "
    "the cell (Shift+Enter, once the cells above have run) to play with the figure itself: "
    "it takes the picture's place.*"
)
"""The line before the picture of a stored interactive figure (a markdown output)."""

FENCE = re.compile(r"^(?P<indent>[ \t]{0,3})(?P<fence>`{3,}|~{3,}|:{3,})(?P<info>.*)$")
DIRECTIVE_INFO = re.compile(r"^\{(?P<name>[\w:-]+)\}(?P<argument>.*)$")
OPTION = re.compile(r"^[ \t]*:(?P<key>[\w-]+):(?:[ \t]+(?P<value>.*?))?[ \t]*$")
TARGET = re.compile(r"^[ \t]*\((?P<label>[^()\s]+)\)=[ \t]*$")
HEADING = re.compile(r"^(?P<hashes>#{1,6})[ \t]+(?P<text>.+?)[ \t#]*$")
# A role, or an inline code span (left as it is): whichever starts first.
ROLE_OR_CODE = re.compile(
    r"\{(?P<role>[a-z][\w:-]*)\}(?P<ticks>`+)(?P<content>.+?)(?P=ticks)"
    r"|(?P<code>`+).+?(?P=code)",
    re.DOTALL,
)
EXPLICIT_TARGET = re.compile(r"^(?P<text>.*?)\s*<(?P<target>[^<>]+)>$", re.DOTALL)
CITE_ROLE = re.compile(r"\{(?P<role>cite(?::\w+)?)\}`(?P<keys>[^`]+)`")
CITATION_LINK = re.compile(r"\]\(#(?P<anchor>ref-[^)\s]+)\)")
EMPTY_LINK = re.compile(r"\[\]\(#(?P<label>[^)\s]+)\)")
DISPLAY_MATH = re.compile(r"\$\$.*?\$\$", re.DOTALL)
INLINE_MATH = re.compile(r"(?<![\\$])\$(?!\$)(?:\\\$|[^$\n])+?\$")


class ConversionError(ValueError):
    """MyST that this script cannot convert (the message says where)."""


# --- Reading the MyST markdown ------------------------------------------------------------


@dataclasses.dataclass
class Directive:
    """One MyST directive: ``:::{name} argument``, its options and its body."""

    name: str
    argument: str
    options: dict[str, str]
    body: str


def _parse_directive(name: str, argument: str, lines: list[str]) -> Directive:
    options: dict[str, str] = {}
    index = 0
    if lines and lines[0].strip() == "---":  # options as a YAML block
        end = next((i for i in range(1, len(lines)) if lines[i].strip() == "---"), None)
        if end is None:
            raise ConversionError(f"{{{name}}}: the YAML options block is not closed")
        loaded = yaml.safe_load("\n".join(lines[1:end])) or {}
        options = {str(key): "" if value is None else str(value) for key, value in loaded.items()}
        index = end + 1
    else:
        while index < len(lines) and (match := OPTION.match(lines[index])):
            options[match["key"]] = match["value"] or ""
            index += 1
    body = "\n".join(lines[index:]).strip("\n")
    return Directive(name, argument.strip(), options, body)


def iter_blocks(text: str) -> Iterator[tuple[str, object]]:
    """Split markdown into ``("text", str)``, ``("code", str)`` and ``("directive", Directive)``.

    A fence (backticks, tildes or colons) closes at the first line made only of at least
    as many of its characters, as in MyST; a fenced block whose info is not ``{name}`` is
    code, passed on untouched.
    """
    lines = text.split("\n")
    plain: list[str] = []
    index = 0
    while index < len(lines):
        match = FENCE.match(lines[index])
        if match is None:
            plain.append(lines[index])
            index += 1
            continue
        fence = match["fence"]
        closing = re.compile(rf"^[ \t]*{re.escape(fence[0])}{{{len(fence)},}}[ \t]*$")
        end = next((i for i in range(index + 1, len(lines)) if closing.match(lines[i])), None)
        directive = DIRECTIVE_INFO.match(match["info"].strip())
        if end is None:
            if directive or fence[0] == ":":
                raise ConversionError(f"unclosed fence: {lines[index]!r}")
            end = len(lines) - 1  # an unclosed code fence runs to the end, as in CommonMark
        if plain:
            yield "text", "\n".join(plain)
            plain = []
        if directive is None:
            if fence[0] == ":":
                raise ConversionError(f"a colon fence without a directive: {lines[index]!r}")
            yield "code", "\n".join(lines[index : end + 1])
        else:
            body = lines[index + 1 : end]
            yield "directive", _parse_directive(directive["name"], directive["argument"], body)
        index = end + 1
    if plain:
        yield "text", "\n".join(plain)


def _first_heading(text: str) -> str | None:
    for kind, block in iter_blocks(text):
        if kind == "text":
            for line in block.split("\n"):
                if match := HEADING.match(line):
                    return match["text"]
    return None


# --- The book: every label, numbered as on the site ---------------------------------------


@dataclasses.dataclass(frozen=True)
class Target:
    """What a reference to a label shows, and where it leads."""

    kind: str  # "figure", "exercise", "section"
    document: str  # the document's path without suffix, e.g. "book/03_momentum"
    text: str  # "Fig. 12", "Exercise 13" or a section's title
    title: str = ""  # an exercise's title, if it has one


@dataclasses.dataclass
class Book:
    """The labels and document titles of the whole book, in the order of _toc.yml."""

    targets: dict[str, Target]
    titles: dict[str, str]  # document path without suffix -> its title
    exercises: dict[str, list[Target]]  # document -> its exercises in order, labelled or not
    notebooks: set[str]  # documents that are notebooks (they get a learner notebook)
    bibliography: dict[str, Entry] = dataclasses.field(default_factory=dict)  # key -> entry


def toc_documents(root: pathlib.Path = ROOT) -> list[str]:
    """The documents of _toc.yml in reading order, as paths without suffix."""
    toc = yaml.safe_load((root / "_toc.yml").read_text(encoding="utf-8"))
    documents = [toc["root"]]

    def walk(entries: list[dict]) -> None:
        for entry in entries:
            if "file" in entry:
                documents.append(entry["file"])
            for key in ("parts", "chapters", "sections"):
                walk(entry.get(key, []))

    walk([toc])
    return [pathlib.PurePosixPath(d).with_suffix("").as_posix() for d in documents]


def is_numbered_figure(cell: nbformat.NotebookNode) -> bool:
    """A figure cell that Sphinx numbers: named and captioned, and not removed."""
    figure = cell.metadata.get("mystnb", {}).get("figure", {})
    tags = set(cell.metadata.get("tags", []))
    return (
        cell.cell_type == "code"
        and bool(figure.get("name"))
        and bool(figure.get("caption"))
        and not tags & {"remove-output", "remove-cell"}
    )


class _Scanner:
    """Collects the labels of one document, numbering figures and exercises book-wide."""

    def __init__(self, book: Book, counters: dict[str, int], document: str) -> None:
        self.book, self.counters, self.document = book, counters, document
        book.exercises[document] = []

    def exercise(self, label: str | None, title: str, numbered: bool) -> None:
        text = "Exercise"
        if numbered:
            self.counters["exercise"] += 1
            text = EXERCISE_TEXT.format(number=self.counters["exercise"])
        target = Target("exercise", self.document, text, title)
        self.book.exercises[self.document].append(target)
        if label:
            self.book.targets[label] = target

    def figure(self, label: str) -> None:
        self.counters["figure"] += 1
        text = FIGURE_TEXT.format(number=self.counters["figure"])
        self.book.targets[label] = Target("figure", self.document, text)

    def markdown(self, text: str) -> None:
        pending_target: str | None = None
        for kind, block in iter_blocks(text):
            if kind == "text":
                for line in block.split("\n"):
                    if match := TARGET.match(line):
                        pending_target = match["label"]
                    elif pending_target and (match := HEADING.match(line)):
                        self.book.targets[pending_target] = Target(
                            "section", self.document, match["text"]
                        )
                        pending_target = None
                    elif line.strip():
                        pending_target = None
            elif kind == "directive":
                directive: Directive = block  # type: ignore[assignment]
                if directive.name in ("exercise", "exercise-start"):
                    self.exercise(
                        directive.options.get("label"),
                        directive.argument,
                        "nonumber" not in directive.options,
                    )
                elif directive.name == "figure" and directive.options.get("name"):
                    if directive.body.strip():  # Sphinx numbers captioned figures only
                        self.figure(directive.options["name"])
                if directive.name not in ("code-cell",):
                    self.markdown(directive.body)


def read_book(root: pathlib.Path = ROOT) -> Book:
    """Read every document of _toc.yml, numbering figures and exercises as the site does."""
    book = Book(targets={}, titles={}, exercises={}, notebooks=set())
    book.bibliography = read_bibliography(root)
    counters = {"figure": 0, "exercise": 0}
    for document in toc_documents(root):
        scanner = _Scanner(book, counters, document)
        notebook_path = (root / document).with_suffix(".ipynb")
        markdown_path = (root / document).with_suffix(".md")
        try:
            if notebook_path.exists():
                notebook = nbformat.read(notebook_path, as_version=4)
                book.notebooks.add(document)
                for cell in notebook.cells:
                    if cell.cell_type == "markdown":
                        if document not in book.titles and (title := _first_heading(cell.source)):
                            book.titles[document] = title
                        scanner.markdown(cell.source)
                    elif is_numbered_figure(cell):
                        scanner.figure(cell.metadata["mystnb"]["figure"]["name"])
            elif markdown_path.exists():
                text = markdown_path.read_text(encoding="utf-8")
                if title := _first_heading(text):
                    book.titles[document] = title
                scanner.markdown(text)
        except ConversionError as error:
            raise ConversionError(f"{document}: {error}") from None
        book.titles.setdefault(document, pathlib.PurePosixPath(document).name)
    return book


# --- Citations ----------------------------------------------------------------------------


def read_bibliography(root: pathlib.Path = ROOT) -> dict[str, Entry]:
    """The entries of book/references.bib by key (none if the book has no bibliography)."""
    path = root / BIBLIOGRAPHY
    return dict(parse_file(path).entries) if path.exists() else {}


def reference_anchor(key: str) -> str:
    """The anchor of an entry in a references list: the site's (``bibtex_cite_id``)."""
    return make_id(f"ref-{key}")


def citation(role: str, keys: str, bibliography: dict[str, Entry], *, link: bool = True) -> str:
    """The text of ``{role}`keys``` as the site shows it, linked to the entries as there.

    ``cite:t``: "Polyak (1964)" (the year is the link); ``cite:p`` and ``cite``:
    "(Polyak, 1964; Qian, 1999)" (each "Polyak, 1964" is one); ``cite:year``: "1964".
    With ``link=False``, plain text (the main-line measure of tests/book/test_main_line.py).
    """
    if role not in CITE_ROLES:
        raise ConversionError(f"unsupported role {{{role}}}`{keys}`")
    works = []
    for key in (key.strip() for key in keys.split(",")):
        entry = bibliography.get(key)
        if entry is None:
            raise ConversionError(f"{{{role}}}`{keys}`: no entry {key!r} in {BIBLIOGRAPHY}")
        authors = cited_names(entry, et_al="*et al.*" if link else "et al.")
        year = entry.fields["year"]
        if link:
            year = f"[{year}](#{reference_anchor(key)})"
        if role == "cite:t":
            works.append(f"{authors} ({year})")
        elif role == "cite:year":
            works.append(year)
        else:
            work = f"{authors}, {entry.fields['year']}"
            works.append(f"[{work}](#{reference_anchor(key)})" if link else work)
    if role in ("cite", "cite:p"):
        return "(" + "; ".join(works) + ")"
    return ", ".join(works)


def cited_keys(notebook: nbformat.NotebookNode, bibliography: dict[str, Entry]) -> list[str]:
    """The keys of the works a converted notebook links to, once each, in order."""
    keys = {reference_anchor(key): key for key in bibliography}
    return list(
        dict.fromkeys(
            keys[match["anchor"]]
            for cell in notebook.cells
            if cell.cell_type == "markdown"
            for match in CITATION_LINK.finditer(cell.source)
            if match["anchor"] in keys
        )
    )


def references_list(keys: list[str], bibliography: dict[str, Entry]) -> str:
    """A "References" section: the entries of ``keys``, formatted and sorted as on the site."""
    style = PlainAuthorYearStyle(label_style="number")  # the list needs no labels
    backend = find_plugin("pybtex.backends", "markdown")()
    cited = BibliographyData(entries={key: bibliography[key] for key in keys})
    items = [
        f'- <a id="{reference_anchor(entry.key)}"></a>{entry.text.render(backend)}'
        for entry in style.format_bibliography(cited)
    ]
    return "\n\n".join([REFERENCES_HEADING, "\n".join(items)])


# --- Converting markdown ------------------------------------------------------------------


def _protect_math(text: str) -> tuple[str, list[str]]:
    """Replace math by placeholders, so that markdown and HTML rules leave it alone."""
    saved: list[str] = []

    def keep(match: re.Match) -> str:
        saved.append(match.group(0))
        return f"\x00{len(saved) - 1}\x00"

    return INLINE_MATH.sub(keep, DISPLAY_MATH.sub(keep, text)), saved


def _restore_math(text: str, saved: list[str]) -> str:
    return re.sub(r"\x00(\d+)\x00", lambda m: saved[int(m.group(1))], text)


def inline_html(markdown: str) -> str:
    """A line of inline markdown as HTML, for ``<summary>`` (markdown is not read there)."""
    text, math = _protect_math(markdown)
    parts = re.split(r"(`+)(.+?)\1", text)
    out = []
    for index in range(0, len(parts), 3):
        piece = html.escape(parts[index], quote=False)
        piece = re.sub(r"\[([^\]]*)\]\(([^)\s]+)\)", r'<a href="\2">\1</a>', piece)
        piece = re.sub(r"\*\*(.+?)\*\*", r"<strong>\1</strong>", piece)
        piece = re.sub(r"(?<![\w*])\*(?!\s)(.+?)(?<!\s)\*(?![\w*])", r"<em>\1</em>", piece)
        out.append(piece)
        if index + 2 < len(parts):
            out.append(f"<code>{html.escape(parts[index + 2], quote=False)}</code>")
    return _restore_math("".join(out), math)


def fold(summary_markdown: str, body: str, *, open_: bool = False) -> str:
    """``<details>``: JupyterLab renders the markdown of ``body`` inside it."""
    opening = "<details open>" if open_ else "<details>"
    return f"{opening}\n<summary>{inline_html(summary_markdown)}</summary>\n\n{body}\n\n</details>"


def blockquote(title: str, body: str) -> str:
    """A blockquote with a bold title; display math on one line (a ``>`` would enter it)."""
    body = DISPLAY_MATH.sub(lambda m: " ".join(m.group(0).split()), body)
    lines = [f"**{title}**", "", *body.split("\n")]
    return "\n".join(f"> {line}".rstrip() for line in lines)


class Converter:
    """Converts the markdown of one chapter; knows the whole book for references."""

    def __init__(self, book: Book, document: str, *, student: bool = False) -> None:
        self.book, self.document, self.student = book, document, student
        self._exercises = iter(book.exercises.get(document, []))

    # references

    def href(self, label: str, target_document: str) -> str:
        if target_document == self.document:
            return f"#{label}"
        if target_document in self.book.notebooks:
            return f"{pathlib.PurePosixPath(target_document).name}.ipynb#{label}"
        return ""

    def reference(self, role: str, content: str) -> str:
        explicit = EXPLICIT_TARGET.match(content)
        text, label = (explicit["text"], explicit["target"]) if explicit else (None, content)
        label = label.strip()
        if role == "doc":
            return self.document_link(label, text)
        target = self.book.targets.get(label)
        if target is None:
            raise ConversionError(
                f"{{{role}}}`{content}`: no figure, exercise or section {label!r}"
            )
        number = target.text.rsplit(" ", 1)[-1]
        if text is None:
            shown = target.text
        else:  # {numref}`Figure %s <label>`, {ref}`text <label>`
            shown = text.replace("%s", number).replace("{number}", number)
            shown = shown.replace("{name}", target.title or target.text)
        href = self.href(label, target.document)
        return f"[{shown}]({href})" if href else shown

    def document_link(self, path: str, text: str | None) -> str:
        base = pathlib.PurePosixPath(self.document).parent
        path = path.strip()
        if path.startswith("/"):
            resolved = pathlib.PurePosixPath(path.lstrip("/"))
        else:
            resolved = base / path
        document = pathlib.PurePosixPath(_normalize(resolved.as_posix())).with_suffix("")
        key = document.as_posix()
        if key not in self.book.titles:
            raise ConversionError(f"{{doc}}`{path}`: no document {key!r} in _toc.yml")
        shown = text if text is not None else self.book.titles[key]
        if key in self.book.notebooks:
            return f"[{shown}]({document.name}.ipynb)"
        return shown

    def inline(self, text: str) -> str:
        """Roles to text and links; inline code is left as it is."""

        def replace(match: re.Match) -> str:
            if match["code"]:
                return match.group(0)
            role, content = match["role"], match["content"]
            if role in ("numref", "ref", "doc"):
                return self.reference(role, content)
            if role == "math":
                return f"${content}$"
            if role.startswith("cite"):
                return citation(role, content, self.book.bibliography)
            if role == "term":
                explicit = EXPLICIT_TARGET.match(content)
                return explicit["text"] if explicit else content
            raise ConversionError(f"unsupported role {{{role}}}`{content}`")

        text = ROLE_OR_CODE.sub(replace, text)

        def empty_link(match: re.Match) -> str:
            target = self.book.targets.get(match["label"])
            return f"[{target.text}]({match.group(0)[3:-1]})" if target else match.group(0)

        return EMPTY_LINK.sub(empty_link, text)

    # blocks

    def markdown(self, text: str) -> str:
        """One piece of MyST markdown (no gated directives) as JupyterLab's markdown."""
        out = []
        for kind, block in iter_blocks(text):
            if kind == "code":
                out.append(block)
            elif kind == "text":
                lines = []
                for line in block.split("\n"):  # type: ignore[union-attr]
                    target = TARGET.match(line)
                    lines.append(f'<a id="{target["label"]}"></a>' if target else line)
                out.append(self.inline("\n".join(lines)))
            else:
                out.append(self.directive(block))  # type: ignore[arg-type]
        # A blank line between blocks: a bold exercise line must not join a paragraph.
        return "\n\n".join(part.strip("\n") for part in out if part.strip())

    def next_exercise(self) -> Target:
        try:
            return next(self._exercises)
        except StopIteration:
            raise ConversionError("more exercises than the book's scan found") from None

    def exercise_heading(self, directive: Directive) -> str:
        target = self.next_exercise()
        heading = target.text
        if directive.argument:
            heading += f" ({self.inline(directive.argument)})"
        label = directive.options.get("label")
        anchor = f'<a id="{label}"></a>' if label else ""
        return f"{anchor}**{heading}**"

    def exercise_of(self, label: str) -> Target:
        target = self.book.targets.get(label)
        if target is None or target.kind != "exercise":
            raise ConversionError(f"a solution to {label!r}, which is no exercise")
        return target

    def solution_summary(self, label: str) -> str:
        target = self.exercise_of(label)
        title = f" ({self.inline(target.title)})" if target.title else ""
        return f"Solution to {target.text}{title}"

    def directive(self, directive: Directive) -> str:
        name, body = directive.name, directive.body
        if name == "exercise":
            return f"{self.exercise_heading(directive)}\n\n{self.markdown(body)}"
        if name == "solution":
            summary, text = self.solution_summary(directive.argument), self.markdown(body)
            return "" if self.student else fold(summary, text)
        if name == "dropdown":
            return fold(
                self.inline(directive.argument) or "Details",
                self.markdown(body),
                open_="open" in directive.options,
            )
        if name in ADMONITIONS or name == "admonition":
            title = self.inline(directive.argument) or ADMONITIONS.get(name, "Note")
            if "dropdown" in directive.options.get("class", "").split():
                return fold(title, self.markdown(body), open_="open" in directive.options)
            return blockquote(title, self.markdown(body))
        if name == "math":
            return f"$$\n{body}\n$$"
        if name in GATED:
            raise ConversionError(f"{{{name}}} inside another directive")
        raise ConversionError(f"unsupported directive {{{name}}}")


def _normalize(path: str) -> str:
    parts: list[str] = []
    for part in path.split("/"):
        if part == "..":
            if parts:
                parts.pop()
        elif part not in ("", "."):
            parts.append(part)
    return "/".join(parts)


# --- Converting a notebook ----------------------------------------------------------------


@dataclasses.dataclass
class _Gated:
    """An open ``{solution-start}`` or ``{exercise-start}`` block."""

    kind: str  # "solution" or "exercise"
    exercise: str = ""  # for a solution: "Exercise 13"
    summary: str = ""  # for a solution: "Solution to Exercise 13 (title)"
    folds: int = 0  # how many of its pieces were folded so far

    def next_summary(self) -> str:
        """The summary of the next fold: the first names the solution, the others continue."""
        self.folds += 1
        return self.summary if self.folds == 1 else f"{self.summary}, continued"


def _split_gated(text: str) -> list[tuple[str, object]]:
    """A markdown cell as pieces ``("text", str)`` and ``("start"|"end", Directive)``."""
    pieces: list[tuple[str, object]] = []
    buffer: list[str] = []
    for kind, block in iter_blocks(text):
        if kind == "directive" and block.name in GATED:  # type: ignore[union-attr]
            if buffer:
                pieces.append(("text", "\n".join(buffer)))
                buffer = []
            pieces.append((block.name.rsplit("-", 1)[1], block))  # type: ignore[union-attr]
        elif kind == "directive":
            buffer.append(_unparse(block))  # type: ignore[arg-type]
        else:
            buffer.append(block)  # type: ignore[arg-type]
    if buffer:
        pieces.append(("text", "\n".join(buffer)))
    return pieces


def _unparse(directive: Directive) -> str:
    """A directive back as text (a fence longer than any inside it)."""
    longest = max((len(m) for m in re.findall(r"^[ \t]*(:{3,})", directive.body, re.M)), default=2)
    fence = ":" * (longest + 1)
    options = "".join(
        f":{key}: {value}".rstrip() + "\n" for key, value in directive.options.items()
    )
    argument = f" {directive.argument}" if directive.argument else ""
    return f"{fence}{{{directive.name}}}{argument}\n{options}{directive.body}\n{fence}"


def _is_interactive(output: nbformat.NotebookNode) -> bool:
    return "<script" in str(output.get("data", {}).get("text/html", ""))


@functools.cache
def _picture(page: str) -> str:
    """The base64 PNG of a stored figure (cached: the same figure in both editions)."""
    return base64.b64encode(static_picture(page)).decode("ascii")


def still_outputs(cell: nbformat.NotebookNode) -> list[nbformat.NotebookNode]:
    """The cell's outputs, each stored interactive figure as the line and its picture.

    The picture keeps the output's type, execution count and ``text/plain``; its HTML goes.
    """
    outputs = []
    for output in cell.outputs:
        if not _is_interactive(output):
            outputs.append(output)
            continue
        try:
            picture = _picture(str(output.data["text/html"]))
        except ValueError as error:
            raise ConversionError(
                f"cell {cell.id}: a stored output with a script, but no interactive figure of "
                f"momentum_lib ({error})"
            ) from None
        line = {"text/markdown": RUN_TO_PLAY, "text/plain": RUN_TO_PLAY.strip("*")}
        still = copy.deepcopy(output)
        still.data = nbformat.from_dict(
            {"image/png": picture, "text/plain": output.data.get("text/plain", "")}
        )
        outputs += [nbformat.v4.new_output("display_data", line), still]
    return outputs


def _hide(cell: nbformat.NotebookNode, *, source: bool = False, outputs: bool = False) -> None:
    jupyter = cell.metadata.setdefault("jupyter", {})
    if source:
        jupyter["source_hidden"] = True
    if outputs and cell.cell_type == "code":
        jupyter["outputs_hidden"] = True
        cell.metadata["collapsed"] = True  # the same, for the classic notebook and nbclassic


def _apply_tags(cell: nbformat.NotebookNode) -> None:
    tags = set(cell.metadata.get("tags", []))
    if tags & {"hide-input", "remove-input"}:
        _hide(cell, source=True)
    if "hide-output" in tags:
        _hide(cell, outputs=True)
    if tags & {"hide-cell", "remove-cell"}:
        _hide(cell, source=True, outputs=True)
    if "remove-output" in tags:
        cell.outputs = []  # never shown on the site (a widget's text, not the widget)


def kernel_language_info() -> dict:
    """The ``language_info`` that this Python's kernel reports when it starts.

    JupyterLab writes the kernel's ``language_info`` into the notebook when the kernel is
    ready: a notebook that stores another one is marked modified as soon as it opens.
    """
    try:
        from ipykernel.ipkernel import IPythonKernel
    except ImportError:  # no kernel here: the same fields, as ipykernel 6 reports them
        return {
            "codemirror_mode": {"name": "ipython", "version": 3},
            "file_extension": ".py",
            "mimetype": "text/x-python",
            "name": "python",
            "nbconvert_exporter": "python",
            "pygments_lexer": "ipython3",
            "version": sys.version.split()[0],
        }
    return copy.deepcopy(dict(IPythonKernel.language_info))


def _new_markdown(cell_id: str, text: str) -> nbformat.NotebookNode:
    cell = nbformat.v4.new_markdown_cell(text)
    cell.id = cell_id
    return cell


class NotebookConverter:
    """The learner notebook of one chapter (the argument is not modified)."""

    def __init__(self, book: Book, document: str, *, student: bool = False) -> None:
        self.converter = Converter(book, document, student=student)
        self.book, self.document, self.student = book, document, student
        self.cells: list[nbformat.NotebookNode] = []
        self.gated: _Gated | None = None
        # The last cell written: a markdown cell that folds part of a solution, or a code
        # cell of a solution (then the next one is part of the same folded run).
        self.last: tuple[str, _Gated | None] = ("", None)

    def convert(self, notebook: nbformat.NotebookNode) -> nbformat.NotebookNode:
        notebook = copy.deepcopy(notebook)
        cells = notebook.cells
        for index, cell in enumerate(cells):
            if cell.cell_type == "markdown":
                self.markdown_cell(cell)
            elif cell.cell_type == "code":
                self.code_cell(cell, cells[index + 1 :])
            else:
                self.cells.append(cell)
                self.last = ("", None)
        if self.gated is not None:
            raise ConversionError(f"{{{self.gated.kind}-start}} without {{{self.gated.kind}-end}}")
        notebook.cells = [
            cell for cell in self.cells if cell.cell_type != "markdown" or cell.source.strip()
        ]
        cited = cited_keys(notebook, self.book.bibliography)
        if cited:  # the works cited in what is left (a student edition has no solutions)
            text = references_list(cited, self.book.bibliography)
            notebook.cells.append(_new_markdown("references", text))
        notebook.metadata["language_info"] = kernel_language_info()
        notebook.nbformat, notebook.nbformat_minor = 4, 5
        return notebook

    def markdown_cell(self, cell: nbformat.NotebookNode) -> None:
        parts: list[str] = []
        folded: _Gated | None = None
        for kind, piece in _split_gated(cell.source):
            if kind == "start":
                directive: Directive = piece  # type: ignore[assignment]
                if self.gated is not None:
                    raise ConversionError(f"{{{directive.name}}} inside another gated block")
                if directive.name == "exercise-start":
                    self.gated = _Gated("exercise")
                    parts.append(self.converter.exercise_heading(directive))
                else:
                    exercise = self.converter.exercise_of(directive.argument)
                    summary = self.converter.solution_summary(directive.argument)
                    self.gated = _Gated("solution", exercise.text, summary)
            elif kind == "end":
                if self.gated is None:
                    raise ConversionError(f"{{{piece.name}}} without its start")  # type: ignore[union-attr]
                self.gated = None
            elif self.gated is not None and self.gated.kind == "solution":
                text = self.converter.markdown(piece)  # type: ignore[arg-type]
                if text.strip() and not self.student:  # (converted anyway: same numbering)
                    parts.append(fold(self.gated.next_summary(), text))
                    folded = self.gated
            else:
                parts.append(self.converter.markdown(piece))  # type: ignore[arg-type]
        text = "\n\n".join(part.strip("\n") for part in parts if part.strip())
        if text or (self.gated is not None and self.gated.folds == 0):
            # A cell that only opens a solution stays, for the line about its code cells
            # (it is dropped in convert() if that line never comes).
            cell.source = text
            self.cells.append(cell)
            self.last = ("markdown", folded or self.gated)

    def code_cell(self, cell: nbformat.NotebookNode, after: list[nbformat.NotebookNode]) -> None:
        gated = self.gated if self.gated is not None and self.gated.kind == "solution" else None
        if gated is not None and self.student:
            return
        _apply_tags(cell)
        if gated is not None:
            if self.last != ("solution code", gated):
                self._solution_note(cell, gated, 1 + _code_cells_at_start(after))
            cell.source = f"# Solution to {gated.exercise} (folded: click to show)\n{cell.source}"
            _hide(cell, source=True, outputs=True)
        cell.outputs = still_outputs(cell)
        self.cells.append(cell)
        self.last = ("solution code", gated) if gated is not None else ("", None)
        if is_numbered_figure(cell):
            self._caption(cell, gated)

    def _solution_note(self, cell: nbformat.NotebookNode, gated: _Gated, count: int) -> None:
        which = "the folded cell below" if count == 1 else f"the {count} folded cells below"
        its = "its" if count == 1 else "a cell's"
        if gated.folds == 0:
            start = f"{gated.summary}, in {which}"
        else:
            start = f"Solution to {gated.exercise}, continued in {which}"
        gated.folds += 1
        note = f"*{start}: click {its} ••• bar for the code, then the bar under it for the output.*"
        if self.last == ("markdown", gated):
            self.cells[-1].source = f"{self.cells[-1].source}\n\n{note}".lstrip("\n")
        else:
            self.cells.append(_new_markdown(f"{cell.id}-solution"[:64], note))

    def _caption(self, cell: nbformat.NotebookNode, gated: _Gated | None) -> None:
        metadata = cell.metadata["mystnb"]
        name = metadata["figure"]["name"]
        target = self.book.targets[name]
        caption = self.converter.inline(metadata["figure"]["caption"])
        hidden = cell.metadata.get("jupyter", {})
        where = ""
        if hidden.get("outputs_hidden") and hidden.get("source_hidden"):
            where = " (folded above: click the ••• bar, then the one under the code)"
        elif hidden.get("outputs_hidden"):
            where = " (folded above: click the ••• bar to show it)"
        text = f'<a id="{name}"></a>**{target.text}{where}:** {caption}'
        alt = metadata.get("image", {}).get("alt")
        if alt:
            text += "\n\n" + fold("Text description of the figure", alt)
        if gated is not None:
            text = fold(gated.next_summary(), text)
        self.cells.append(_new_markdown(f"{cell.id}-caption"[:64], text))
        self.last = ("markdown", gated)


def _code_cells_at_start(cells: list[nbformat.NotebookNode]) -> int:
    """How many code cells come first (a solution's run of code ends at markdown)."""
    count = 0
    for cell in cells:
        if cell.cell_type != "code":
            break
        count += 1
    return count


def convert_notebook(
    notebook: nbformat.NotebookNode, document: str, book: Book, *, student: bool = False
) -> nbformat.NotebookNode:
    """The learner notebook of ``document`` (e.g. ``"book/03_momentum"``)."""
    converted = NotebookConverter(book, document, student=student).convert(notebook)
    problems = raw_myst(converted)
    if problems:
        raise ConversionError(
            f"{document}: MyST left after the conversion:\n" + "\n".join(problems)
        )
    return converted


# --- The check: no MyST left --------------------------------------------------------------

LABELLED_EQUATION = re.compile(r"\$\$[ \t]*\([\w:-]+\)[ \t]*$", re.M)
RAW_MYST = {
    "directive": re.compile(r"^[ \t>]*(?:`{3,}|~{3,}|:{3,})[ \t]*\{[\w:-]+\}", re.M),
    "colon fence": re.compile(r"^[ \t>]*:{3,}[ \t]*$", re.M),
    "directive option": re.compile(r"^[ \t>]*:[\w-]+:(?:[ \t]|$)", re.M),
    "role": re.compile(r"\{[\w:-]+\}`"),
    "target": re.compile(r"^[ \t>]*\([^()\s]+\)=[ \t]*$", re.M),
    "block break": re.compile(r"^\+\+\+", re.M),
    "substitution": re.compile(r"\{\{[^{}]*\}\}"),
}
CODE_FENCE_BLOCK = re.compile(r"^[ \t>]*(`{3,}|~{3,})(?![ \t]*\{).*?^[ \t>]*\1[ \t]*$", re.M | re.S)
CODE_SPAN = re.compile(r"(?<![`}])(`+)(?!`)(.+?)(?<!`)\1(?!`)", re.S)  # not a role's content


def raw_myst_in(text: str) -> list[str]:
    """Each piece of MyST syntax in a markdown text (code and math are not looked at)."""
    text = CODE_SPAN.sub("", CODE_FENCE_BLOCK.sub("", text))
    found = [f"labelled equation: {m.group(0).strip()!r}" for m in LABELLED_EQUATION.finditer(text)]
    text = INLINE_MATH.sub("", DISPLAY_MATH.sub("", text))
    for name, pattern in RAW_MYST.items():
        for match in pattern.finditer(text):
            found.append(f"{name}: {match.group(0).strip()!r}")
    return found


def raw_myst(notebook: nbformat.NotebookNode) -> list[str]:
    """Every piece of MyST left in a notebook's markdown, with its cell's id."""
    return [
        f"cell {cell.get('id', index)}: {problem}"
        for index, cell in enumerate(notebook.cells)
        if cell.cell_type == "markdown"
        for problem in raw_myst_in(cell.source)
    ]


# --- The command --------------------------------------------------------------------------


def write_learner_notebooks(
    output: pathlib.Path, *, student: bool = False, root: pathlib.Path = ROOT
) -> list[pathlib.Path]:
    """Convert every chapter of book/ into ``output``; return the paths written."""
    book = read_book(root)
    output.mkdir(parents=True, exist_ok=True)
    written = []
    for path in sorted((root / "book").glob("*.ipynb")):
        document = path.relative_to(root).with_suffix("").as_posix()
        notebook = nbformat.read(path, as_version=4)
        try:
            learner = convert_notebook(notebook, document, book, student=student)
        except ConversionError as error:
            raise ConversionError(f"{path.relative_to(root)}: {error}") from None
        nbformat.validate(learner)
        nbformat.write(learner, output / path.name)
        written.append(output / path.name)
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", type=pathlib.Path, default=DEFAULT_OUTPUT)
    parser.add_argument(
        "--student", action="store_true", help="leave the solutions out (text and code)"
    )
    arguments = parser.parse_args(argv)
    try:
        written = write_learner_notebooks(arguments.output, student=arguments.student)
    except ConversionError as error:
        print(f"learner_notebooks.py: {error}", file=sys.stderr)
        return 1
    for path in written:
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
