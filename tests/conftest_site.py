"""The pytest plugin of the book's infrastructure tests (loaded by ``-p conftest_site``).

1. nbval runs every cell as Jupyter does (see :func:`pytest_configure`).
2. Fixtures for the site tests (tests/test_site.py): build, serve and open the book.

- ``site_dir``: the built HTML. By default the session runs the same build as
  ``.ci/build-site`` (``jupyter-book build . -W -n --keep-going``) into a temporary
  ``--path-output``; set ``MOMENTUM_SITE=_build/html`` to test an already built site
  instead (fast while developing).
- ``site_url``: that directory served by ``http.server`` on 127.0.0.1 at a free port.
- ``browser`` (tests/browser.py, shared with the playground's tests): headless Debian
  Chromium (/usr/bin/chromium) driven by Playwright. Where it is missing the browser tests
  are skipped, except on CI (``CI=true``), where they fail.
- ``visit``: opens a page once per session, with every non-localhost request aborted,
  and returns what a reader's browser saw (:class:`Visit`).

This is not a conftest.py (tests/conftest.py is shared with the other tests): pyproject.toml
puts tests/ on the path and loads this module with ``-p conftest_site`` in pytest's addopts.
"""

from __future__ import annotations

import dataclasses
import functools
import json
import os
import pathlib
import re
import shutil
import subprocess
import sys
import time
import urllib.parse
from collections.abc import Callable, Iterator

import pytest
import yaml
from browser import is_local, serve

ROOT = pathlib.Path(__file__).resolve().parent.parent
PAGE_BUDGET_BYTES = 1_500_000
"""Issue 5's page budget: a page's own content (HTML, images, data; not the theme's _static)."""
ANSI_ESCAPE = re.compile(r"\x1b\[[0-9;]*m")
BUILD_COMMAND = ["build", ".", "-W", "-n", "--keep-going"]
"""The build of .ci/build-site: warnings are errors, a failing cell fails the build."""

# Raw TeX that MathJax should have replaced. Text inside code, scripts and MathJax's own
# output is not looked at (MathJax skips the same elements), nor the search results.
RAW_TEX = ("$$", "\\(", "\\)", "\\[", "\\]", "\\begin{", "\\end{", "\\frac", "\\nabla", "\\eta")
RAW_TEX += ("\\alpha", "\\Delta", "\\leftarrow")

SETTLE_JS = """
async () => {
  const result = {mathjax: false};
  if (window.MathJax && MathJax.startup && MathJax.startup.promise) {
    await MathJax.startup.promise;
    result.mathjax = true;
  }
  const images = [...document.images];
  for (const img of images) img.loading = "eager";
  const loaded = (img) => img.complete ? null : new Promise((resolve) => {
    img.addEventListener("load", resolve);
    img.addEventListener("error", resolve);
  });
  const timeout = new Promise((resolve) => setTimeout(resolve, 15000));
  await Promise.race([Promise.all(images.map(loaded)), timeout]);
  return result;
}
"""

INSPECT_JS = """
() => {
  const skip = new Set(["SCRIPT", "STYLE", "NOSCRIPT", "TEXTAREA", "PRE", "CODE", "TEMPLATE",
                        "MJX-CONTAINER", "ANNOTATION", "ANNOTATION-XML"]);
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT, {
    acceptNode(node) {
      for (let el = node.parentElement; el; el = el.parentElement) {
        // Search results quote pages as plain text, TeX source included (Sphinx's search).
        if (skip.has(el.tagName) || el.id === "search-results") return NodeFilter.FILTER_REJECT;
      }
      return NodeFilter.FILTER_ACCEPT;
    },
  });
  const texts = [];
  while (walker.nextNode()) texts.push(walker.currentNode.nodeValue);
  const math = [...document.querySelectorAll(".math")];
  return {
    text: texts.join("\\n"),
    math_elements: math.length,
    unrendered_math: math.filter((el) => !el.querySelector("mjx-container"))
                         .map((el) => el.textContent.trim().slice(0, 80)),
    mjx_containers: document.querySelectorAll("mjx-container").length,
    // TeX errors (merror) and undefined macros (shown as red text by MathJax's noundefined).
    math_errors: [...document.querySelectorAll("mjx-merror, [data-mjx-error]")]
      .map((el) => el.getAttribute("data-mjx-error") || el.textContent)
      .concat(window.MathJax && MathJax.startup && MathJax.startup.document && MathJax.startup.toMML
        ? Array.from(MathJax.startup.document.math)
            .filter((item) => /<mtext mathcolor="red">\\\\/.test(MathJax.startup.toMML(item.root)))
            .map((item) => `undefined macro in ${item.math}`)
        : []),
    images: [...document.images].map((img) => ({
      src: img.currentSrc || img.src, complete: img.complete,
      natural_width: img.naturalWidth, alt: img.getAttribute("alt"),
    })),
    figures: [...document.querySelectorAll("figure")].map((fig) => ({
      id: fig.id,
      caption: (fig.querySelector("figcaption") || {textContent: ""}).textContent.trim(),
    })),
    output_images_outside_figures: [...document.querySelectorAll(".cell_output img")]
      .filter((img) => !img.closest("figure")).map((img) => img.getAttribute("src")),
    download_links: [...document.querySelectorAll(".dropdown-download-buttons a[href]")]
                      .map((a) => a.href),
    links: [...document.querySelectorAll("a[href]")].map((a) => a.getAttribute("href")),
  };
}
"""


def _execute_cell_input_like_jupyter(self, cell_input: str, allow_stdin: bool | None = None):
    """nbval's RunningKernel.execute_cell_input, with ``store_history=True`` as in Jupyter.

    nbval >= 0.10 executes cells with ``store_history=False``, and then IPython ignores a
    trailing ``;``: ``ax.set_title("…");`` prints ``Text(…)`` under nbval but nothing in
    Jupyter, in nbclient or in the book's build, so strict nbval fails on a notebook that
    is fine (nbval issue #194, IPython issue #14162). Run cells the way readers do.
    """
    return self.kc.execute(
        cell_input, store_history=True, allow_stdin=allow_stdin, stop_on_error=False
    )


def pytest_configure(config: pytest.Config) -> None:
    try:
        from nbval.kernel import RunningKernel
    except ImportError:  # nbval not installed: nothing to fix
        return
    RunningKernel.execute_cell_input = _execute_cell_input_like_jupyter


def toc_files() -> list[str]:
    """The documents of _toc.yml in reading order (root first), as paths without suffix."""
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf-8"))
    files = [toc["root"]]

    def walk(entries: list[dict]) -> None:
        for entry in entries:
            if "file" in entry:
                files.append(entry["file"])
            for key in ("parts", "chapters", "sections"):
                walk(entry.get(key, []))

    walk([toc])
    return [pathlib.PurePosixPath(f).with_suffix("").as_posix() for f in files]


def notebook_files() -> list[str]:
    """The documents of _toc.yml that are (or, not yet written, will be) notebooks."""
    return [f for f in toc_files() if not (ROOT / f).with_suffix(".md").exists()]


def expected_pages() -> list[str]:
    """Every HTML page the build must produce, relative to the html directory."""
    return [f"{f}.html" for f in toc_files()] + ["index.html", "genindex.html", "search.html"]


def repository_url() -> str:
    config = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
    return config["repository"]["url"]


def _jupyter_book() -> str:
    candidate = pathlib.Path(sys.executable).parent / "jupyter-book"
    found = str(candidate) if candidate.exists() else shutil.which("jupyter-book")
    if found is None:
        pytest.fail("jupyter-book is not installed: pip install -r requirements.txt")
    return found


class SiteReport:
    """Collects the site's numbers and prints them in pytest's terminal summary."""

    def __init__(self) -> None:
        self.build_seconds: float | None = None
        self.page_bytes: dict[str, int] = {}

    def pytest_terminal_summary(self, terminalreporter) -> None:
        lines = []
        if self.build_seconds is not None:
            lines.append(f"site build: {self.build_seconds:.1f} s")
        if self.page_bytes:
            heaviest = sorted(self.page_bytes.items(), key=lambda item: -item[1])
            lines.append(
                f"page weight (HTML + own images/data, not _static), budget "
                f"{PAGE_BUDGET_BYTES / 1e6:.1f} MB:"
            )
            lines += [f"  {size / 1e3:8.1f} kB  {page}" for page, size in heaviest]
        if lines:
            terminalreporter.write_sep("-", "the static site")
            for line in lines:
                terminalreporter.write_line(line)


@pytest.fixture(scope="session")
def site_report(pytestconfig: pytest.Config) -> SiteReport:
    report = SiteReport()
    pytestconfig.pluginmanager.register(report, "momentum-site-report")
    return report


@pytest.fixture(scope="session")
def site_dir(tmp_path_factory: pytest.TempPathFactory, site_report: SiteReport) -> pathlib.Path:
    """The built site's html directory (built now, or MOMENTUM_SITE if set)."""
    prebuilt = os.environ.get("MOMENTUM_SITE")
    if prebuilt:
        html = pathlib.Path(prebuilt).resolve()
        if not (html / "index.html").is_file():
            pytest.fail(f"MOMENTUM_SITE={prebuilt} has no index.html: build the site first")
        return html
    output = tmp_path_factory.mktemp("site")
    command = [_jupyter_book(), *BUILD_COMMAND, "--path-output", str(output)]
    start = time.perf_counter()
    result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False)
    site_report.build_seconds = time.perf_counter() - start
    log = output / "build.log"
    log.write_text(result.stdout + result.stderr, encoding="utf-8")
    if result.returncode != 0:
        problems = [
            ANSI_ESCAPE.sub("", line)
            for line in (result.stdout + result.stderr).splitlines()
            if re.search(r"WARNING:|ERROR|Error\b", line) and "[IPKernelApp]" not in line
        ]
        pytest.fail(
            f"the site build failed (exit {result.returncode}): {' '.join(command)}\n"
            f"full log: {log}\n" + "\n".join(problems[-40:]),
            pytrace=False,
        )
    return output / "_build" / "html"


@pytest.fixture(scope="session")
def site_url(site_dir: pathlib.Path) -> Iterator[str]:
    """The site served from 127.0.0.1 on a free port, for the whole session."""
    server, address = serve(site_dir)
    yield address + "/"
    server.shutdown()
    server.server_close()


@dataclasses.dataclass
class Visit:
    """What the browser saw on one page."""

    page: str
    final_url: str
    requests: list[str]
    blocked: list[str]
    console_errors: list[str]
    failed: list[str]
    own_bytes: dict[str, int]
    mathjax: bool
    dom: dict
    notebook_download: dict | None = None

    @property
    def page_bytes(self) -> int:
        return sum(self.own_bytes.values())


def _open(browser, site_url: str, page_path: str, redirect_to: str | None) -> Visit:
    context = browser.new_context(service_workers="block")
    blocked: list[str] = []
    requests: list[str] = []
    console_errors: list[str] = []
    failed: list[str] = []
    responses = []

    def local_only(route) -> None:
        if is_local(route.request.url):
            route.continue_()
        else:
            blocked.append(route.request.url)
            route.abort("blockedbyclient")

    context.route("**/*", local_only)
    page = context.new_page()
    page.on("request", lambda request: requests.append(request.url))
    page.on("websocket", lambda ws: requests.append(ws.url))
    page.on("response", lambda response: responses.append(response))

    def console(message) -> None:
        if message.type == "error":
            console_errors.append(f"console: {message.text} ({message.location})")

    def request_failed(request) -> None:
        if is_local(request.url):
            failed.append(f"{request.url}: {request.failure}")

    page.on("console", console)
    page.on("pageerror", lambda error: console_errors.append(f"page error: {error}"))
    page.on("requestfailed", request_failed)
    try:
        page.goto(site_url + page_path, wait_until="load")
        if redirect_to is not None:
            page.wait_for_url(site_url + redirect_to)
            page.wait_for_load_state("load")
        settled = page.evaluate(SETTLE_JS)
        page.wait_for_load_state("networkidle")
        dom = page.evaluate(INSPECT_JS)
        own_bytes = {}
        for response in responses:
            path = urllib.parse.urlsplit(response.url).path
            if not is_local(response.url):
                continue
            if response.status >= 400:
                failed.append(f"{response.url}: HTTP {response.status}")
            elif not path.startswith("/_static/"):
                sizes = response.request.sizes()
                own_bytes[path] = sizes["responseBodySize"] + sizes["responseHeadersSize"]
        notebook_download = None
        notebooks = [link for link in dom["download_links"] if link.endswith(".ipynb")]
        if notebooks:
            answer = context.request.get(notebooks[0])
            notebook_download = {"url": notebooks[0], "status": answer.status}
            if answer.ok:
                try:
                    notebook_download["cells"] = len(json.loads(answer.body())["cells"])
                except (ValueError, KeyError) as error:
                    notebook_download["error"] = repr(error)
        return Visit(
            page=page_path,
            final_url=page.url,
            requests=requests,
            blocked=blocked,
            console_errors=console_errors,
            failed=failed,
            own_bytes=own_bytes,
            mathjax=settled["mathjax"],
            dom=dom,
            notebook_download=notebook_download,
        )
    finally:
        context.close()


@pytest.fixture(scope="session")
def visit(browser, site_url: str, site_report: SiteReport) -> Callable[[str], Visit]:
    """``visit("book/03_momentum.html")``: open the page once per session; cached."""
    root_page = expected_pages()[0]

    @functools.cache
    def opened(page_path: str) -> Visit:
        redirect_to = root_page if page_path == "index.html" else None
        result = _open(browser, site_url, page_path, redirect_to)
        if "?" not in page_path:  # a page, not a query
            site_report.page_bytes[page_path] = result.page_bytes
        return result

    return opened
