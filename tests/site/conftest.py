"""Fixtures of the site tests: open a page of the built book as a reader's browser does.

The site itself (``site_dir``, ``site_url``: tests/site_build.py) and the browser
(``browser``: tests/browser.py) are shared fixtures of tests/conftest.py.

- ``visit``: opens a page once per session, with every non-localhost request aborted,
  and returns what a reader's browser saw (:class:`Visit`).
"""

from __future__ import annotations

import dataclasses
import functools
import json
import urllib.parse
from collections.abc import Callable

import pytest

from tests.browser import block_other_hosts, is_local
from tests.paths import expected_pages
from tests.site_build import SiteReport

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
  // The formulas come typeset from the build (book/_ext/page_speed.py). A site built
  // without Node.js has MathJax typeset them lazily in the browser, as they come near the
  // screen: typeset the rest as printing the page does, to check every formula here.
  if (result.mathjax && MathJax.startup.document.lazyTypesetAll) {
    await MathJax.startup.document.lazyTypesetAll();
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

# Each element that matches a selector brought on screen in turn, as a reader scrolling
# through the page brings it, then the page back to its top. A section laid out only near
# the screen (content-visibility: auto, book/_ext/page_speed.py) is laid out, and its wide
# formulas and code get their tab stops then (_static/scrollable.js); an interactive
# figure, drawn only near the screen, is waited for until it is drawn (data-ready).
BRING_ON_SCREEN_JS = """
async (selector) => {
  const frames = () => new Promise((resolve) =>
    requestAnimationFrame(() => requestAnimationFrame(resolve)));
  for (const element of document.querySelectorAll(selector)) {
    element.scrollIntoView();
    await frames();
    while (element.matches(".interactive-figure") && !element.dataset.ready) await frames();
  }
  window.scrollTo(0, 0);
  await frames();
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
    // A formula still waiting for lazy typesetting holds an empty mjx-lazy marker.
    unrendered_math: math.filter((el) => !el.querySelector("mjx-container")
                                         || el.querySelector("mjx-lazy"))
                         .map((el) => el.textContent.trim().slice(0, 80)),
    mjx_containers: document.querySelectorAll("mjx-container").length,
    // MathJax draws each character with its stylesheet (mjx-c::before): without it, the
    // formula's markup is there but shows nothing. The invisible operators (Unicode format
    // characters such as U+2061 FUNCTION APPLICATION, which MathJax puts after \\sin or
    // \\log for screen readers) are drawn as nothing on purpose: an empty glyph of zero
    // width in MathJax's font data. Any other empty glyph, or one of them taking room, is
    // a character lost. Each is named by its codepoint (the class mjx-c2061).
    undrawn_characters: [...document.querySelectorAll("mjx-c")]
      .map((c) => [c, (/\\bmjx-c([0-9A-F]+)\\b/.exec(c.className) || [])[1]])
      .filter(([c, code]) => {
        const content = getComputedStyle(c, "::before").content;
        if (["none", "normal"].includes(content)) return true;
        if (content !== '""') return false;
        const invisible = code && /^\\p{Cf}$/u.test(String.fromCodePoint(parseInt(code, 16)));
        return !invisible || c.getBoundingClientRect().width > 0;
      })
      .map(([, code]) => `U+${(code || "?").padStart(4, "0")}`),
    // TeX errors (merror) and undefined macros (shown as red text by MathJax's noundefined).
    math_errors: [...document.querySelectorAll("mjx-merror, [data-mjx-error]")]
      .map((el) => el.getAttribute("data-mjx-error") || el.textContent)
      .concat([...document.querySelectorAll('mjx-assistive-mml mtext[mathcolor="red"]')]
        .map((el) => `undefined macro ${el.textContent}`))
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
      number: (fig.querySelector(".caption-number") || {textContent: ""}).textContent.trim(),
      folded: fig.closest("details") !== null,
    })),
    output_images_outside_figures: [...document.querySelectorAll(".cell_output img")]
      .filter((img) => !img.closest("figure")).map((img) => img.getAttribute("src")),
    download_links: [...document.querySelectorAll(".dropdown-download-buttons a[href]")]
                      .map((a) => a.href),
    links: [...document.querySelectorAll("a[href]")].map((a) => a.getAttribute("href")),
  };
}
"""


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

    block_other_hosts(context, blocked)
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
        page.evaluate(SETTLE_JS)
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
