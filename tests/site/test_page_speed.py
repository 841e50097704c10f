"""What keeps the site's pages light (issue 11), checked on the built site.

``book/_ext/page_speed.py`` typesets the formulas at build time (no MathJax in the
browser), leaves out the theme's 1.45 MB Font Awesome script (the icons are drawn with
font subsets), defers the scripts of each page's head and gives images their size. The
Lighthouse scores these buy are measured by ``benchmarks/lighthouse.py``: they depend on
the machine, so they are a benchmark, not a test.
"""

from __future__ import annotations

import json
import pathlib
import re
import shutil
import sys

import pytest
from fontTools.ttLib import TTFont

from tests.browser import block_other_hosts, running_on_ci
from tests.paths import ROOT, expected_pages

sys.path.insert(0, str(ROOT / "book" / "_ext"))  # the local extension, to test its parts
from page_speed import (
    BLOCK_ELEMENTS,
    BLOCK_PX,
    BLOCK_PX_PER_ROW,
    BUNDLE,
    CSS_URL,
    THEME_SCRIPTS,
    THEME_TAB_STOPS_LAID_OUT,
    defer_blocks,
    defer_sections,
    figure_data_files,
    section_box,
    shown_text,
    used_css,
)

PAGES = [page for page in expected_pages() if page != "index.html"]  # index.html: a redirect
CHAPTER = "book/03_momentum.html"
FIGURE_CHAPTER = "book/08_stochastic_gradients.html"  # its figure is far below the title
PHONE = {"width": 412, "height": 823}


def _open(browser, url: str, viewport: dict | None = None):
    page = browser.new_page(viewport=viewport) if viewport else browser.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    block_other_hosts(page, errors, prefix="request left localhost: ")
    page.goto(url, wait_until="load")
    return page, errors


@pytest.mark.parametrize("page", PAGES)
def test_icons_come_from_the_font_subsets(visit, page: str) -> None:
    """No Font Awesome script, and no glyph that needs the theme's full fonts."""
    requests = visit(page).requests
    assert not [url for url in requests if "fontawesome" in url], (
        f"{page} loads Font Awesome's script or full fonts (a glyph missing from the subset?)"
    )
    assert [url for url in requests if "/_static/icons/" in url], f"{page} drew no icon"


def test_every_icon_of_every_page_is_in_a_subset(site_dir: pathlib.Path) -> None:
    """Icons not on screen at first (menus, the other colour modes) have their glyph too."""
    static = site_dir / "_static"
    theme_css = (static / "styles" / "pydata-sphinx-theme.css").read_text(encoding="utf-8")
    codepoint = {}
    for selectors, code in re.findall(r'([^{}]+)\{content:"\\([0-9a-f]+)"\}', theme_css):
        for name in re.findall(r"\.(fa-[a-z0-9-]+):before", selectors):
            codepoint[name] = int(code, 16)
    in_subsets = set()
    for font in (static / "icons").glob("*.woff"):
        in_subsets |= set(TTFont(font).getBestCmap())
    missing = set()
    for path in site_dir.rglob("*.html"):
        for classes in re.findall(r'class="([^"]*)"', path.read_text(encoding="utf-8")):
            missing |= {
                name
                for name in classes.split()
                if name in codepoint and codepoint[name] not in in_subsets
            }
    assert codepoint, "no Font Awesome rule found in the theme's stylesheet"
    assert not missing, f"icons whose glyph is in no subset: {sorted(missing)}"


@pytest.mark.parametrize("page", PAGES)
def test_no_script_in_the_head_blocks_the_first_paint(site_dir: pathlib.Path, page: str) -> None:
    head = (site_dir / page).read_text(encoding="utf-8").split("</head>")[0]
    blocking = [
        tag
        for tag in re.findall(r"<script\b[^>]*\bsrc=[^>]*>", head)
        if not re.search(r"\s(?:defer|async)[\s=>]", tag)
    ]
    assert not blocking, f"{page}: scripts that hold the first paint: {blocking}"


@pytest.mark.parametrize("page", PAGES)
def test_formulas_come_typeset_from_the_build(site_dir: pathlib.Path, visit, page: str) -> None:
    """The page's HTML holds its formulas typeset; the browser loads no MathJax script.

    test_site's formula test checks, in the browser, that each of them shows.
    """
    if shutil.which("node") is None:
        message = "no node on the PATH: the site's formulas are typeset in the browser"
        if running_on_ci():
            pytest.fail(f"CI=true and {message}", pytrace=False)
        pytest.skip(message)
    html = (site_dir / page).read_text(encoding="utf-8")
    raw = re.findall(r'class="math notranslate nohighlight"[^>]*>\s*\\[(\[]', html)
    assert not raw, f"{page}: {len(raw)} formulas left for the browser to typeset"
    scripts = [url for url in visit(page).requests if "/mathjax/" in url and url.endswith(".js")]
    assert not scripts, f"{page} loads MathJax: {scripts}"


def test_images_keep_their_shape_at_a_phones_width(browser, site_url: str) -> None:
    """Each figure carries its size (its place is kept while it loads) and is not stretched."""
    page, errors = _open(browser, site_url + CHAPTER, viewport=PHONE)
    try:
        images = page.evaluate(
            """async () => {
                const images = [...document.querySelectorAll("img[src*='_images/']")];
                for (const img of images) img.loading = "eager";
                await Promise.all(images.map((img) => img.decode().catch(() => null)));
                return images.map((img) => ({
                    src: img.getAttribute("src"),
                    width: img.getAttribute("width"), height: img.getAttribute("height"),
                    natural: [img.naturalWidth, img.naturalHeight],
                    shown: [img.getBoundingClientRect().width, img.getBoundingClientRect().height],
                }));
            }"""
        )
    finally:
        page.close()
    assert images, f"no figure on {CHAPTER}"
    problems = []
    for image in images:
        natural_width, natural_height = image["natural"]
        shown_width, shown_height = image["shown"]
        if [image["width"], image["height"]] != [str(natural_width), str(natural_height)]:
            problems.append(f"{image['src']}: width/height {image['width']}×{image['height']}")
        if shown_width > PHONE["width"]:
            problems.append(f"{image['src']}: {shown_width:.0f} px wide on a phone")
        elif abs(shown_height / shown_width - natural_height / natural_width) > 0.01:
            problems.append(f"{image['src']}: shown {shown_width:.0f}×{shown_height:.0f}")
    assert not problems, "\n".join(problems)
    assert errors == []


def test_the_search_index_is_loaded_by_the_search_page_only(site_dir: pathlib.Path) -> None:
    """The theme's search field leads to search.html (no search-as-you-type): the other
    pages go without Sphinx's search scripts and the 140 kB index."""
    loading = [
        page
        for page in expected_pages()
        if re.search(r"searchindex\.js|_static/searchtools\.js", (site_dir / page).read_text())
    ]
    assert loading == ["search.html"]


def test_a_chapters_search_field_finds_pages(browser, site_url: str) -> None:
    """Without the search scripts, a chapter's search field still leads to the results."""
    page, errors = _open(browser, site_url + CHAPTER)
    try:
        page.click(".search-button__button")
        page.fill("#pst-search-dialog input[name=q]", "Nesterov")
        page.press("#pst-search-dialog input[name=q]", "Enter")
        page.wait_for_url("**/search.html?q=Nesterov*")
        page.wait_for_selector("#search-results li a")
        found = page.locator("#search-results li a").count()
    finally:
        page.close()
    assert found > 0
    assert errors == []


# A small phone, where text runs longest; a laptop, above 768 px, where a character
# gets less height (page_speed.RULES).
SCREENS = {"small phone": {"width": 320, "height": 640}, "laptop": {"width": 1280, "height": 800}}
SECTION_BOXES_JS = """
() => [...document.querySelectorAll("[data-page-speed-deferred]")].reverse().map((section) => {
  // The box the browser keeps while the section is not laid out: "auto 1234px". Innermost
  // first: a section is measured with its subsections laid out.
  const box = parseFloat(getComputedStyle(section).containIntrinsicHeight.split(" ").pop());
  section.style.contentVisibility = "visible";
  return {id: section.id, box, height: section.getBoundingClientRect().height};
})
"""


@pytest.mark.parametrize("screen", SCREENS)
@pytest.mark.parametrize("page", PAGES)
def test_no_section_outgrows_its_box(browser, site_url: str, page: str, screen: str) -> None:
    """Each section laid out only near the screen keeps a box at least as tall as itself.

    A section far from the screen is not laid out (``content-visibility: auto``); in its
    place the browser keeps a box of the height ``page_speed.py`` estimated. Were the
    section taller, its content, measured by a script before the reader gets there, would
    overlap what follows, and axe-core (the axe test, Lighthouse's accessibility audit)
    would check one's colours against the other's (axe-core issue 2768). Folds closed, as
    the page opens. The boxes are not far too tall either: all of a page's boxes add up to
    at most 5 times its sections' height (a scroll bar that far off misleads).
    """
    tab, errors = _open(browser, site_url + page, viewport=SCREENS[screen])
    try:
        sections = tab.evaluate(SECTION_BOXES_JS)
    finally:
        tab.close()
    if page.startswith("book/0") or page.startswith("book/1"):
        assert sections, f"{page}: no section is laid out lazily"
    taller = [s for s in sections if s["height"] > s["box"]]
    assert not taller, f"{page}: sections taller than their boxes: {taller}"
    if sections:
        real = sum(s["height"] for s in sections)
        assert sum(s["box"] for s in sections) <= 5 * real
    assert errors == []


def test_a_sections_box_counts_its_shown_text_images_and_drawings() -> None:
    """Shown characters; an image's height, 1,000 px a drawing and 400 px besides."""
    text = "<h2>Ab</h2>\n  <p>c &amp;   d</p>"  # shown: "Ab c & d", 8 characters
    assert section_box(text) == (8, 400)
    figure = (
        '<img width="600" height="400" src="a.png"><canvas></canvas>'
        '<div class="interactive-figure"><svg></svg><svg></svg></div><svg class="icon"></svg>'
    )
    assert section_box(figure) == (0, 400 + 2 * 1000 + 400)
    hidden = '<script type="application/json">{"runs": [1, 2, 3]}</script><style>p{}</style>'
    assert section_box(hidden) == (0, 400)


def test_a_closed_fold_shows_only_its_summary() -> None:
    fold = (
        "<p>Main line.</p><details><summary>Going deeper</summary><p>Depth "
        "<details><summary>inner</summary>deeper</details></p></details>"
    )
    assert shown_text(fold) == "Main line. Going deeper"
    opened = "<details open><summary>Shown</summary><p>all of it</p></details>"
    assert shown_text(opened) == "Shown all of it"


def test_every_section_below_the_title_is_deferred() -> None:
    """Subsections too, each with its own box; the title's section is laid out at once."""
    body = (
        '<section id="page"><h1>T</h1>'
        '<section id="a"><p>x</p><section id="a1"><p>y</p></section></section>'
        '<section id="b"><p>z</p></section></section>'
    )
    deferred = defer_sections(body)
    boxes = re.findall(r'<section id="(\w+)" data-page-speed-deferred style="([^"]*)">', deferred)
    inner = '<p>x</p><section id="a1"><p>y</p></section>'
    style = "--page-speed-characters:{};--page-speed-px:{}px"
    assert boxes == [
        ("a", style.format(*section_box(inner))),
        ("a1", style.format(*section_box("<p>y</p>"))),
        ("b", style.format(*section_box("<p>z</p>"))),
    ]
    assert re.sub(r" data-page-speed-deferred style=\"[^\"]*\"", "", deferred) == body


def test_the_heavy_blocks_of_a_deferred_section_are_deferred() -> None:
    """A block directly in a deferred section, with BLOCK_ELEMENTS elements or more, gets
    its own box; light blocks, blocks in the title's section and blocks in blocks do not;
    a block's own style is kept; a page marked already is left as it is."""
    heavy = "<span>x</span>" * BLOCK_ELEMENTS
    light = "<span>x</span>" * (BLOCK_ELEMENTS - 2)
    table = "<tbody>" + "<tr><td>a</td></tr>" * 3 + "</tbody>"
    body = (
        f'<section id="page"><div id="top">{heavy}</div>'
        f'<section id="a" data-page-speed-deferred style="s">\n<p id="heavy">{heavy}<br>'
        f'<img src="a.png"></p>\n<p id="light">{light}</p>'
        f'<div id="styled" style="color:red"><div id="inner">{heavy}</div></div>'
        f'<table id="rows">{table}{light}</table></section></section>'
    )
    marked = defer_blocks(body)
    found = re.findall(r'<(\w+) id="(\w+)" data-page-speed-deferred', marked)
    assert [(tag, name) for tag, name in found if tag != "section"] == [
        ("p", "heavy"),
        ("div", "styled"),
        ("table", "rows"),
    ]
    boxes = re.findall(
        r'<(?!section)\w+ id="(\w+)" data-page-speed-deferred style="([^"]*)"', marked
    )
    heavy_box = section_box(f'{heavy}<br><img src="a.png">', BLOCK_PX)
    rows_box = section_box(table + light, BLOCK_PX + 3 * BLOCK_PX_PER_ROW)
    assert boxes == [
        ("heavy", "--page-speed-characters:{};--page-speed-px:{}px".format(*heavy_box)),
        (
            "styled",
            "--page-speed-characters:{};--page-speed-px:{}px;color:red".format(
                *section_box(f'<div id="inner">{heavy}</div>', BLOCK_PX)
            ),
        ),
        ("rows", "--page-speed-characters:{};--page-speed-px:{}px".format(*rows_box)),
    ]
    assert defer_blocks(marked) == marked


def test_the_themes_tab_stops_skip_sections_not_laid_out(site_dir: pathlib.Path) -> None:
    """The theme measures only what is laid out (the axe test checks the tab stops)."""
    script = (site_dir / "_static" / THEME_SCRIPTS[0]).read_text(encoding="utf-8")
    assert script.count(THEME_TAB_STOPS_LAID_OUT) == 1


STYLESHEET_LINKS = re.compile(r'<link\b[^>]*\brel="stylesheet"[^>]*>')


def _stylesheet(site_dir: pathlib.Path, page: str) -> pathlib.Path:
    head = (site_dir / page).read_text(encoding="utf-8").split("</head>")[0]
    links = STYLESHEET_LINKS.findall(head)
    assert len(links) == 1, f"{page} loads {len(links)} stylesheets: {links}"
    href = re.search(r'href="([^"?#]+)', links[0])[1]
    return (site_dir / page).parent / href


@pytest.mark.parametrize("page", PAGES)
def test_each_page_loads_one_stylesheet(site_dir: pathlib.Path, page: str) -> None:
    """The page's stylesheets come as one file: a phone on a slow network waits for every
    stylesheet of the head before it paints anything, one round trip for each."""
    sheet = _stylesheet(site_dir, page)
    assert sheet.name.startswith(BUNDLE) and sheet.is_file(), sheet


def test_the_stylesheet_draws_with_files_that_exist(site_dir: pathlib.Path) -> None:
    """The bundle's fonts and images, once relative to their own stylesheets, are found."""
    sheet = _stylesheet(site_dir, CHAPTER)
    urls = [url for _, url in CSS_URL.findall(sheet.read_text(encoding="utf-8"))]
    local = [url for url in urls if not url.startswith("data:")]
    assert any("mathjax" in url for url in local) and any("icons/" in url for url in local)
    missing = [url for url in local if not (sheet.parent / url).is_file()]
    assert not missing, f"{sheet.name} names files that are not there: {missing}"


def test_the_stylesheet_leaves_out_the_rules_no_page_uses(site_dir: pathlib.Path) -> None:
    """Sphinx's basic sidebar and most of Bootstrap name classes no page or script has."""
    css = _stylesheet(site_dir, CHAPTER).read_text(encoding="utf-8")
    assert ".sphinxsidebar" not in css and ".offcanvas-start" not in css
    assert ".bd-sidebar-primary" in css and ".mjx-c" in css and ".interactive-figure" in css
    assert "Bootstrap Authors" in css  # its licence notice
    theme = (site_dir / "_static" / "styles" / "pydata-sphinx-theme.css").stat().st_size
    assert len(css) < theme


def test_unused_selectors_are_pruned() -> None:
    """A rule keeps its selectors whose classes the site has; empty rules and groups go."""
    css = (
        "/*! licence */ /* a */ .used{a:1} .unused,.used .also{b:2} .x:not(.absent){c:3}"
        " @media print{.unused{d:4}} @media (min-width:1px){.used{e:5}}"
        " .bs-tooltip-auto{f:6} @font-face{font-family:x} div{g:7} /*! licence */"
    )
    assert used_css(css, {"used", "also"}).split("\n") == [
        "/*! licence */",  # once
        ".used{a:1}",
        ".used .also{b:2}",
        "@media (min-width:1px){.used{e:5}}",
        ".bs-tooltip-auto{f:6}",  # built by Bootstrap's script from parts
        "@font-face{font-family:x}",
        "div{g:7}",
        "",
    ]
    assert used_css(".x:not(.absent){c:3}", {"x"}) == ".x:not(.absent){c:3}\n"


def test_a_figure_is_drawn_when_it_comes_near_the_screen(browser, site_url: str) -> None:
    """Not while the page loads: its drawing held a slow phone 0.2 to 0.9 s."""
    page, errors = _open(browser, site_url + FIGURE_CHAPTER, viewport=PHONE)
    try:
        root = page.locator(".interactive-figure").first
        assert root.get_attribute("data-ready") is None, "drawn far from the screen"
        assert root.get_attribute("data-figure") is None
        root.scroll_into_view_if_needed()
        page.wait_for_selector(".interactive-figure[data-ready]")
        assert root.get_attribute("data-figure") == "noisy-floor"
        assert root.evaluate("(root) => root.querySelector('svg path[d]') !== null")
    finally:
        page.close()
    assert errors == []


def test_a_figures_large_data_is_served_as_a_file(tmp_path: pathlib.Path) -> None:
    """Over 16,000 characters, a figure's configuration leaves the page for a file."""
    small = '<script type="application/json" class="figure-config">{"runs": [1]}</script>'
    data = json.dumps({"runs": list(range(5000))})
    large = f'<script type="application/json" class="figure-config">{data}</script>'
    body = figure_data_files(f"<div>{small}</div><div>{large}</div>", tmp_path, "..")
    assert small in body and data not in body
    url = re.search(r'data-page-speed-src="\.\./(figure_data/[0-9a-f]{12}\.json)"></script>', body)
    assert url and (tmp_path / url[1]).read_text(encoding="utf-8") == data


def test_a_figures_data_file_is_fetched_after_the_page_has_loaded(browser, site_url: str) -> None:
    """Chapter 8's figure data is not in its page; it comes once the page has loaded, and
    the figure draws from it when brought on screen."""
    page, errors = _open(browser, site_url + FIGURE_CHAPTER, viewport=PHONE)
    try:
        assert page.evaluate(
            "() => document.querySelector('script.figure-config').textContent === ''"
        ), "the figure's data is still in the page"
        fetched = (
            "() => performance.getEntriesByType('resource').map((entry) => entry.name)"
            ".filter((name) => name.includes('/_static/figure_data/'))"
        )
        # Fetched with the figure far below the screen: after the load, when idle (≤ 2 s).
        page.wait_for_function(f"({fetched})().length > 0", timeout=15_000)
        requested = page.evaluate(fetched)
        root = page.locator(".interactive-figure").first
        root.scroll_into_view_if_needed()
        page.wait_for_function("(root) => root.dataset.ready", arg=root.element_handle())
        points = page.evaluate(
            "() => JSON.parse(document.querySelector('script.figure-config').textContent)"
        )
    finally:
        page.close()
    assert len(requested) == 1, requested
    assert points and errors == []


def test_a_printed_page_draws_every_figure(browser, site_url: str) -> None:
    page, errors = _open(browser, site_url + FIGURE_CHAPTER, viewport=PHONE)
    try:
        page.evaluate("() => window.dispatchEvent(new Event('beforeprint'))")
        drawn = page.evaluate(
            "() => [...document.querySelectorAll('.interactive-figure')]"
            ".map((root) => root.dataset.ready)"
        )
    finally:
        page.close()
    assert drawn and all(drawn)
    assert errors == []
