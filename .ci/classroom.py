"""Make the classroom edition: what a teacher hands out, in one folder and one zip.

    python .ci/classroom.py                     # into _build/classroom/
    python .ci/classroom.py --output DIR

All but ``nbgrader/`` is the student edition: no solution (no ``{solution}`` text, no
code cell of a ``{solution-start}`` … ``{solution-end}`` block, none of their outputs),
and no instructor page (the lesson plans, and the quiz with its answer key). The folder
holds

- ``notebooks/``: the chapters for JupyterLab, made by ``.ci/learner_notebooks.py
  --student`` (MyST converted: numbered exercises, captions, working references). They
  keep the stored outputs of the main line, the figures and numbers the text discusses,
  exactly those of the student site; the cells of the exercises are left unrun
  (``student_edition.exercise_cells``): a "predict, then run" cell would otherwise show
  the answer, and an auto-checked stub says "not written yet" only once run;
- ``site/``: the student site, built by Jupyter Book (``-W -n``: no warning) from a
  temporary copy of the book: the notebooks as ``student_edition.strip_solutions``
  leaves them, with the same outputs, and a table of contents without the instructor
  page (a reference to it elsewhere becomes plain text);
- ``handouts/NN_name.pdf``: each chapter of the student site printed by Chromium
  (Playwright, Debian's ``/usr/bin/chromium``) with the site's print stylesheet, once
  every formula is typeset (at build time, or by MathJax) and every image has loaded;
- ``nbgrader/``: the nbgrader course of the auto-checked exercises
  (``.ci/nbgrader_course.py``), for the teacher only: its sources hold the solutions;
- ``README.md``, for the teacher, and ``momentum-classroom.zip`` of the student material:
  ``notebooks/``, ``site/`` and ``handouts/``.

Making the handouts needs Playwright (``requirements-test.txt``) and Chromium
(``apt-get install chromium``); nothing is downloaded.
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import http.server
import pathlib
import posixpath
import shutil
import subprocess
import sys
import tempfile
import threading
import zipfile
from collections.abc import Iterator

import nbformat
import yaml

ROOT = pathlib.Path(__file__).resolve().parent.parent
BOOK = ROOT / "book"
DEFAULT_OUTPUT = ROOT / "_build" / "classroom"
INSTRUCTOR = "book/instructor"
"""The document the student edition leaves out: lesson plans, the quiz and its key."""
ZIP_NAME = "momentum-classroom.zip"
FOR_STUDENTS = ("notebooks", "site", "handouts")
"""The folders of the zip: what students may see (never the solutions)."""
CHROMIUM = pathlib.Path("/usr/bin/chromium")

sys.path.insert(0, str(ROOT / ".ci"))
import learner_notebooks as ln  # noqa: E402  (.ci/ is not a package)
from nbgrader_course import write_course  # noqa: E402
from student_edition import exercise_cells, strip_solutions  # noqa: E402


class ClassroomError(RuntimeError):
    """A part of the classroom edition could not be made (the message says why)."""


# --- notebooks/ ---------------------------------------------------------------------------


def write_notebooks(folder: pathlib.Path) -> list[pathlib.Path]:
    """The student learner notebooks, with the exercises' cells unrun."""
    written = ln.write_learner_notebooks(folder, student=True)
    for path in written:
        source = strip_solutions(nbformat.read(BOOK / path.name, as_version=4))
        unrun = {cell.id for cell in exercise_cells(source)}
        notebook = nbformat.read(path, as_version=4)
        for cell in notebook.cells:
            if cell.get("id") in unrun:
                cell.outputs, cell.execution_count = [], None
        nbformat.write(notebook, path)
    return written


# --- site/ --------------------------------------------------------------------------------


def unlink(text: str, document: str, book: ln.Book, removed: str = INSTRUCTOR) -> str:
    """``text`` of ``document`` with its references to ``removed`` as plain text.

    ``{doc}`` roles to the removed document and ``{ref}``/``{numref}`` roles to a label in
    it show their text, or the document's title or the label's text, without a link.
    """

    def replace(match) -> str:
        role = match["role"]
        if role not in ("doc", "ref", "numref"):
            return match[0]
        explicit = ln.EXPLICIT_TARGET.match(match["content"])
        shown, target = (
            (explicit["text"], explicit["target"]) if explicit else (None, match["content"])
        )
        target = target.strip()
        if role == "doc":
            path = (
                target.lstrip("/")
                if target.startswith("/")
                else posixpath.join(posixpath.dirname(document), target)
            )
            if posixpath.splitext(posixpath.normpath(path))[0] != removed:
                return match[0]
            return shown or book.titles[removed]
        label = book.targets.get(target)
        if label is None or label.document != removed:
            return match[0]
        return (shown or label.text).replace("%s", label.text.rsplit(" ", 1)[-1])

    return ln.ROLE_OR_CODE.sub(replace, text)


def _without(entries: list[dict], removed: str) -> list[dict]:
    kept = []
    for entry in entries:
        if posixpath.splitext(entry.get("file", ""))[0] == removed:
            continue
        entry = dict(entry)
        for key in ("parts", "chapters", "sections"):
            if key in entry:
                entry[key] = _without(entry[key], removed)
        kept.append(entry)
    return kept


def write_project(project: pathlib.Path) -> None:
    """A copy of the book as the student site shows it: no solutions, no instructor page."""
    book = ln.read_book(ROOT)
    ignored = shutil.ignore_patterns("*.ipynb", ".ipynb_checkpoints", "__pycache__")
    shutil.copytree(BOOK, project / "book", ignore=ignored)
    (project / f"{INSTRUCTOR}.md").unlink()
    # book/licences.md includes momentum_lib/data/README.md (the data sets' licences).
    (project / "momentum_lib").symlink_to(ROOT / "momentum_lib", target_is_directory=True)
    for path in sorted((project / "book").rglob("*.md")):
        document = path.relative_to(project).with_suffix("").as_posix()
        path.write_text(unlink(path.read_text(encoding="utf-8"), document, book), "utf-8")
    for path in sorted(BOOK.glob("*.ipynb")):
        document = path.relative_to(ROOT).with_suffix("").as_posix()
        notebook = strip_solutions(nbformat.read(path, as_version=4), keep_outputs=True)
        for cell in notebook.cells:
            if cell.cell_type == "markdown":
                cell.source = unlink(cell.source, document, book)
        nbformat.write(notebook, project / "book" / path.name)

    config = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
    config["title"] = f"{config['title']} (student edition)"
    config["execute"]["execute_notebooks"] = "off"  # the stored outputs, as on the site
    (project / "_config.yml").write_text(yaml.safe_dump(config, allow_unicode=True), "utf-8")
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf-8"))
    toc["parts"] = _without(toc["parts"], INSTRUCTOR)
    (project / "_toc.yml").write_text(yaml.safe_dump(toc, allow_unicode=True), "utf-8")


def _jupyter_book() -> str:
    candidate = pathlib.Path(sys.executable).parent / "jupyter-book"
    found = str(candidate) if candidate.exists() else shutil.which("jupyter-book")
    if found is None:
        raise ClassroomError("jupyter-book is not installed: pip install -r requirements.txt")
    return found


def write_site(folder: pathlib.Path, work: pathlib.Path) -> None:
    """Build the student site into ``folder``; ``work`` holds the project and the build."""
    project = work / "project"
    write_project(project)
    command = [_jupyter_book(), "build", str(project), "-W", "-n", "--keep-going",
               "--path-output", str(work / "build")]  # fmt: skip
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise ClassroomError(
            f"the student site did not build without warnings: {' '.join(command)}\n"
            + "\n".join((result.stdout + result.stderr).splitlines()[-40:])
        )
    shutil.copytree(work / "build" / "_build" / "html", folder)


# --- handouts/ ----------------------------------------------------------------------------

SETTLE_JS = """
async () => {
  const problems = [];
  // The formulas are typeset at build time (book/_ext/page_speed.py); a site built
  // without Node.js typesets them in the browser, lazily: then all of them, now.
  if (window.MathJax && MathJax.startup && MathJax.startup.promise) {
    await MathJax.startup.promise;
    if (MathJax.startup.document.lazyTypesetAll) await MathJax.startup.document.lazyTypesetAll();
  }
  const images = [...document.images];
  for (const img of images) img.loading = "eager";
  const settled = images.map((img) => img.decode().catch(() => null));
  const timeout = new Promise((resolve) => setTimeout(resolve, 30000));
  await Promise.race([Promise.all(settled), timeout]);
  await document.fonts.ready;
  for (const img of images) {
    if (!img.complete || img.naturalWidth === 0) problems.push(`image not loaded: ${img.src}`);
  }
  const raw = [...document.querySelectorAll(".math")]
    .filter((math) => !math.querySelector("mjx-container"));
  if (raw.length) problems.push(`${raw.length} formulas not typeset by MathJax`);
  return problems;
}
"""
PRINT_SCALE = 0.75
"""The page printed at 75 %: the chapters' code lines (88 columns, up to 100 for the
f-strings that print tables) fit the A4 width whole, and the text is still 9 points."""
FOOTER = (
    '<div style="font-size: 8px; width: 100%; text-align: center; color: #555;">'
    '<span class="title"></span> · page <span class="pageNumber"></span> of '
    '<span class="totalPages"></span></div>'
)


@contextlib.contextmanager
def serve(directory: pathlib.Path) -> Iterator[str]:
    """``directory`` served on 127.0.0.1 at a free port: yields the address."""

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args) -> None:
            pass

    handler = functools.partial(Quiet, directory=str(directory))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def chapters() -> list[str]:
    """The chapters (the notebooks of _toc.yml) in reading order, e.g. ``book/03_momentum``."""
    return [d for d in ln.toc_documents(ROOT) if (ROOT / d).with_suffix(".ipynb").exists()]


def print_handouts(site: pathlib.Path, folder: pathlib.Path) -> list[pathlib.Path]:
    """Print each chapter's page of the student site to ``folder/NN_name.pdf``."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        raise ClassroomError(
            "the handouts need Playwright: pip install -r requirements-test.txt"
        ) from None
    if not CHROMIUM.exists():
        raise ClassroomError(f"the handouts need {CHROMIUM}: apt-get install chromium")
    folder.mkdir(parents=True)
    written = []
    with serve(site) as address, sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=["--no-sandbox", "--disable-gpu"]
        )
        page = browser.new_page(color_scheme="light")
        # The site needs no network: a request that would leave this machine is refused.
        page.route(
            "**/*",
            lambda route: (
                route.continue_()
                if route.request.url.startswith((address, "data:"))
                else route.abort("blockedbyclient")
            ),
        )
        for document in chapters():
            page.goto(f"{address}/{document}.html", wait_until="load")
            problems = page.evaluate(SETTLE_JS)
            if problems:
                raise ClassroomError(f"{document}.html: " + "; ".join(problems))
            path = folder / f"{pathlib.PurePosixPath(document).name}.pdf"
            page.pdf(
                path=str(path),
                format="A4",
                margin={"top": "15mm", "bottom": "18mm", "left": "15mm", "right": "15mm"},
                print_background=True,
                scale=PRINT_SCALE,
                display_header_footer=True,
                header_template="<span></span>",
                footer_template=FOOTER,
            )
            written.append(path)
        browser.close()
    return written


# --- README.md and the zip ----------------------------------------------------------------

README = """\
# Momentum, explained: the classroom edition

The student edition of *Momentum, explained*, ready to hand out: the chapters without
their solutions, and without the page for instructors (its lesson plans, and the quiz
with its answer key). Made by `python .ci/classroom.py` in the book's repository.

- `notebooks/`: the {count} chapters as notebooks for JupyterLab, with exercises numbered
  as on the site, figure captions and working references. They keep the figures and
  numbers of the main line (those of the student site, which a student's run reproduces);
  the exercises' cells are left for the students to run. Students install the book's
  environment (the instructor page, "How to install": `pip install -r requirements.txt`
  in a clone of the repository), then run `jupyter lab notebooks/` and each chapter top to
  bottom. An auto-checked exercise prints "not written yet" until it is completed.
- `site/`: the student site, the public site's chapters without their solutions and
  without the instructor page. Open `site/index.html` in a browser, or put the folder on
  any web server or in your learning platform; it needs no network.
- `handouts/`: one PDF per chapter (A4), printed from the student site, to print or to
  hand out as files.

For you only, not for students:

- `nbgrader/`: the auto-checked exercises as an nbgrader course, one assignment per chapter
  that has one, made by `.ci/nbgrader_course.py` (the repository's README, "Grading with
  nbgrader", gives the commands). Its source notebooks hold the worked solutions and the
  hidden tests: `nbgrader generate_assignment` makes the students' version.

The chapters:

{chapter_list}

`momentum-classroom.zip`, next to this file, holds `notebooks/`, `site/` and `handouts/`:
the student material in one file, to upload to your learning platform (not `nbgrader/`).

What students can still find: the public site of the book shows the solutions, folded
under each exercise, and its page *For instructors* has the quiz's answer key. The text is
licensed CC BY 4.0 and the code MIT (`site/book/licences.html`): you may adapt all of it.
"""


def write_readme(folder: pathlib.Path, book: ln.Book) -> pathlib.Path:
    lines = [
        f"- {book.titles[d]} — `notebooks/{pathlib.PurePosixPath(d).name}.ipynb`, "
        f"`handouts/{pathlib.PurePosixPath(d).name}.pdf`"
        for d in chapters()
    ]
    path = folder / "README.md"
    path.write_text(README.format(count=len(lines), chapter_list="\n".join(lines)), "utf-8")
    return path


def write_zip(folder: pathlib.Path) -> pathlib.Path:
    """The student material (:data:`FOR_STUDENTS`) in ``folder/momentum-classroom.zip``."""
    path = folder / ZIP_NAME
    top = pathlib.PurePosixPath(ZIP_NAME).stem
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for part in FOR_STUDENTS:
            for file in sorted((folder / part).rglob("*")):
                if file.is_file():
                    archive.write(file, f"{top}/{file.relative_to(folder).as_posix()}")
    return path


# --- The command --------------------------------------------------------------------------


def build(output: pathlib.Path) -> None:
    """Write the classroom edition into ``output``: a new folder, or an earlier edition.

    Everything is made in a temporary folder first: a failure leaves ``output`` as it was.
    """
    if output.exists() and any(output.iterdir()) and not (output / ZIP_NAME).is_file():
        raise ClassroomError(f"{output} is not empty and holds no classroom edition to replace")
    with tempfile.TemporaryDirectory(prefix="classroom-") as work:
        bundle = pathlib.Path(work) / pathlib.PurePosixPath(ZIP_NAME).stem
        write_notebooks(bundle / "notebooks")
        write_site(bundle / "site", pathlib.Path(work))
        print_handouts(bundle / "site", bundle / "handouts")
        write_course(bundle / "nbgrader")
        write_readme(bundle, ln.read_book(ROOT))
        write_zip(bundle)
        if output.exists():
            shutil.rmtree(output)
        output.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(bundle, output)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", type=pathlib.Path, default=DEFAULT_OUTPUT)
    output = parser.parse_args(argv).output
    try:
        build(output)
    except (ClassroomError, ln.ConversionError) as error:
        print(f"classroom.py: {error}", file=sys.stderr)
        return 1
    print(output)
    return 0


if __name__ == "__main__":
    sys.exit(main())
