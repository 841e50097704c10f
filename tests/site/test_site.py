"""The static site as a reader meets it: a real browser, served from localhost, network closed.

The session builds the book once like ``.ci/build-site`` (or uses ``MOMENTUM_SITE``, an
already built html directory), serves it on 127.0.0.1 and opens every page in headless
Chromium. Each check is its own test, parametrized by page, so a failure names both.
"""

from __future__ import annotations

import itertools
import pathlib
import re
import urllib.parse

import pytest

from tests.browser import block_other_hosts, is_local
from tests.paths import expected_pages, notebook_files, repository_url, toc_files
from tests.site.conftest import BRING_ON_SCREEN_JS, RAW_TEX
from tests.site_build import PAGE_BUDGET_BYTES

PAGES = expected_pages()
# Every page, and the search page as a reader uses it (its results are fetched pages).
BROWSED = [*PAGES, "search.html?q=momentum"]
CONTENT_PAGES = [f"{f}.html" for f in toc_files()]
NOTEBOOK_PAGES = {f"{f}.html" for f in notebook_files()}


def raw_tex_in(text: str) -> list[str]:
    """Each raw TeX token found in ``text``, with some context around it."""
    found = []
    for token in RAW_TEX:
        start = text.find(token)
        if start >= 0:
            snippet = text[max(0, start - 40) : start + 40].replace("\n", " ")
            found.append(f"{token!r} in …{snippet}…")
    return found


def test_the_build_has_exactly_the_pages_of_the_toc(site_dir: pathlib.Path) -> None:
    """Every built page is tested below, and every page of _toc.yml was built."""
    built = sorted(
        path.relative_to(site_dir).as_posix()
        for path in site_dir.rglob("*.html")
        if path.relative_to(site_dir).parts[0] not in ("_static", "_sources", "_images")
    )
    assert built == sorted(PAGES)


def test_every_notebook_is_offered_for_download(site_dir: pathlib.Path) -> None:
    missing = [f for f in notebook_files() if not (site_dir / "_sources" / f"{f}.ipynb").is_file()]
    assert not missing, f"no _sources/<chapter>.ipynb in the site for {missing}"


@pytest.mark.parametrize("page", BROWSED)
def test_no_request_leaves_localhost(visit, page: str) -> None:
    seen = visit(page)
    outside = sorted(set(seen.blocked) | {url for url in seen.requests if not is_local(url)})
    assert not outside, f"{page} asked the network for (blocked): " + ", ".join(outside)


@pytest.mark.parametrize("page", BROWSED)
def test_no_console_errors_or_missing_files(visit, page: str) -> None:
    seen = visit(page)
    problems = seen.console_errors + seen.failed
    assert not problems, f"{page}:\n" + "\n".join(problems)


CHAPTERS = [page for page in PAGES if re.match(r"book/\d\d_", page)]
SMALL_PHONE = {"width": 320, "height": 640}

# Every inline formula of the page that is wider than its line (its typeset math wider
# than its span.math), once every fold is open and every section laid out: how far it can
# scroll, whether it can, and whether the keyboard reaches it.
OPEN_EVERY_FOLD_JS = """
() => document.querySelectorAll("details").forEach((fold) => (fold.open = true))
"""
WIDE_FORMULAS_JS = """
() => [...document.querySelectorAll("span.math")]
  .filter((span) => span.checkVisibility() && span.querySelector("mjx-math"))
  .map((span) => ({
    tex: span.querySelector("mjx-assistive-mml").textContent.slice(0, 60),
    math: span.querySelector("mjx-math").getBoundingClientRect().width,
    shown: span.clientWidth,
    reach: span.scrollWidth,
    scrolls: getComputedStyle(span).overflowX === "auto",
    tabindex: span.getAttribute("tabindex"),
  }))
  .filter((formula) => formula.math > formula.shown + 1)
"""


@pytest.mark.parametrize("page", CHAPTERS)
def test_no_inline_formula_is_cut_off_on_a_small_phone(browser, site_url: str, page: str) -> None:
    """At 320 px, an inline formula wider than its line scrolls to its end (the theme's
    span.math hid the rest: chapter 0's worked steps lost their results) and has a tab stop."""
    tab = browser.new_page(viewport=SMALL_PHONE)
    errors: list[str] = []
    block_other_hosts(tab, errors)
    try:
        tab.goto(site_url + page, wait_until="load")
        tab.evaluate(OPEN_EVERY_FOLD_JS)
        tab.evaluate(BRING_ON_SCREEN_JS, "[data-page-speed-deferred]")
        wide = tab.evaluate(WIDE_FORMULAS_JS)
    finally:
        tab.close()
    cut_off = [
        f"{formula['tex']!r}: {formula['math']:.0f} px, {formula['reach']} reachable"
        for formula in wide
        if not formula["scrolls"]
        or formula["reach"] < formula["math"] - 1
        or formula["tabindex"] != "0"
    ]
    assert not cut_off, f"{page}: inline formulas cut off:\n" + "\n".join(cut_off)
    assert errors == []


@pytest.mark.parametrize("page", BROWSED)
def test_every_formula_is_rendered_by_mathjax(visit, page: str) -> None:
    seen = visit(page)
    dom = seen.dom
    problems = raw_tex_in(dom["text"])
    problems += [f"math element not typeset: {tex!r}" for tex in dom["unrendered_math"]]
    problems += [f"MathJax error: {error!r}" for error in dict.fromkeys(dom["math_errors"])]
    if dom["math_elements"] and dom["mjx_containers"] == 0:
        problems.append("math on the page but no mjx-container: MathJax rendered nothing")
    if dom["undrawn_characters"]:
        undrawn = dom["undrawn_characters"]
        codepoints = ", ".join(sorted(set(undrawn)))
        problems.append(f"{len(undrawn)} characters of formulas drawn as nothing: {codepoints}")
    assert not problems, f"{page}:\n" + "\n".join(problems)


@pytest.mark.parametrize("page", BROWSED)
def test_every_image_loads_and_has_alt_text(visit, page: str) -> None:
    problems = []
    for image in visit(page).dom["images"]:
        if not image["complete"] or image["natural_width"] == 0:
            problems.append(f"image did not load: {image['src']}")
        if not (image["alt"] or "").strip():
            problems.append(f"image without alt text: {image['src']}")
    assert not problems, f"{page}:\n" + "\n".join(problems)


@pytest.mark.parametrize("page", BROWSED)
def test_every_figure_has_a_caption(visit, page: str) -> None:
    dom = visit(page).dom
    problems = [f"figure without caption: #{f['id']}" for f in dom["figures"] if not f["caption"]]
    problems += [
        f"notebook output image outside a captioned figure: {src} "
        "(add mystnb.figure.caption to the cell's metadata)"
        for src in dom["output_images_outside_figures"]
    ]
    assert not problems, f"{page}:\n" + "\n".join(problems)


@pytest.mark.parametrize("page", CONTENT_PAGES)
def test_figures_a_reader_sees_are_numbered_without_gaps(visit, page: str) -> None:
    """With every fold closed, a page's figure numbers run on: no "Fig. 18" then "Fig. 20".

    A first-year reader went looking for a missing figure that sat in a fold; a folded
    figure without a name is left out of the numbering (book/_ext/accessible_markup.py).
    """
    numbers = [
        int(re.fullmatch(r"Fig\. (\d+)", f["number"]).group(1))
        for f in visit(page).dom["figures"]
        if f["number"] and not f["folded"]
    ]
    gaps = [(a, b) for a, b in itertools.pairwise(numbers) if b != a + 1]
    assert not gaps, f"{page}: figure numbers jump {gaps} (a numbered figure in a fold?)"


@pytest.mark.parametrize("page", CONTENT_PAGES)
def test_download_and_repository_buttons(visit, page: str) -> None:
    seen = visit(page)
    problems = []
    if repository_url() not in seen.dom["links"]:
        problems.append(f"no repository button (a link to {repository_url()})")
    sources = [
        urllib.parse.urlsplit(link).path
        for link in seen.dom["download_links"]
        if "/_sources/" in link
    ]
    if page in NOTEBOOK_PAGES:
        wanted = "/_sources/" + page.removesuffix(".html") + ".ipynb"
        download = seen.notebook_download
        if wanted not in sources:
            problems.append(f"no download button for {wanted}; download links: {sources}")
        elif download is None or download["status"] != 200 or not download.get("cells"):
            problems.append(f"the notebook download does not give a notebook: {download}")
    elif not sources:
        problems.append("no download button for the page's source")
    assert not problems, f"{page}:\n" + "\n".join(problems)


@pytest.mark.parametrize("page", PAGES)
def test_page_weight_within_budget(visit, page: str) -> None:
    """HTML plus the page's own images and data (not the theme's _static) ≤ 1.5 MB."""
    seen = visit(page)
    assert seen.page_bytes > 0, f"{page}: nothing measured"
    heaviest = sorted(seen.own_bytes.items(), key=lambda item: -item[1])[:5]
    assert seen.page_bytes <= PAGE_BUDGET_BYTES, (
        f"{page} weighs {seen.page_bytes / 1e6:.2f} MB > {PAGE_BUDGET_BYTES / 1e6:.1f} MB; "
        "heaviest: " + ", ".join(f"{path} {size / 1e3:.0f} kB" for path, size in heaviest)
    )


def test_playground_and_animation_work_on_the_built_site(browser, site_url: str) -> None:
    """The interactive figures, as the site serves them: inline scripts, no kernel, offline."""
    page = browser.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    block_other_hosts(page, errors, prefix="request left localhost: ")
    try:
        page.goto(site_url + "book/09_playground.html")
        # A figure is drawn when it comes near the screen (book/_ext/page_speed.py).
        page.locator(".momentum-playground").scroll_into_view_if_needed()
        page.wait_for_selector(".momentum-playground[data-ready]")
        before = page.get_attribute(".playground-path", "points")
        page.evaluate(
            """() => {
                const input = document.querySelector('input[data-control="momentum"]');
                input.value = "0.9";
                input.dispatchEvent(new Event("input"));
            }"""
        )
        assert before and page.get_attribute(".playground-path", "points") != before
        assert page.text_content('[data-show="momentum"]') == "0.90"

        page.goto(site_url + "book/03_momentum.html")
        page.locator(".rolling-ball-animation").scroll_into_view_if_needed()
        page.wait_for_selector(".rolling-ball-animation[data-ready]")
        page.click(".rolling-ball-animation [data-action=forward]")
        assert page.get_attribute(".rolling-ball-animation", "data-frame") == "1"
    finally:
        page.close()
    assert errors == []


def test_library_names_link_to_their_reference_entry(site_dir: pathlib.Path) -> None:
    """The first mention of a library name in a chapter links to an entry that exists."""
    links = {}
    for page in sorted((site_dir / "book").glob("0*.html")):
        html = page.read_text(encoding="utf-8")
        for href in re.findall(r'<a class="library-link[^"]*" href="([^"]+)"', html):
            links.setdefault(page.name, []).append(href)
    every = [href for hrefs in links.values() for href in hrefs]
    assert "api/optimizers.html#momentum_lib.optimizers.minimize" in every
    broken = []
    for page, hrefs in links.items():
        assert len(hrefs) == len(set(hrefs)), f"{page}: a name is linked twice"
        for href in hrefs:
            target, anchor = href.split("#")
            html = (site_dir / "book" / target).read_text(encoding="utf-8")
            if f'id="{anchor}"' not in html:
                broken.append(f"{page}: {href}")
    assert not broken, "links to reference entries that do not exist:\n" + "\n".join(broken)


def test_printing_leaves_out_closed_folds(browser, site_url: str) -> None:
    """On paper a closed "Going deeper" fold is neither its label nor its text; an open one
    prints whole (momentum.css, ``@media print``)."""
    page = browser.new_page()
    try:
        page.goto(site_url + "book/03_momentum.html", wait_until="load")
        page.emulate_media(media="print")
        folds = page.locator("details.sd-dropdown")
        assert folds.count() > 1, "chapter 3 has no sphinx-design fold"
        page.evaluate("document.querySelector('details.sd-dropdown').open = true")
        printed = [folds.nth(i).is_visible() for i in range(folds.count())]
    finally:
        page.close()
    assert printed == [True] + [False] * (len(printed) - 1)
