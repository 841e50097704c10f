"""Each page's card when its address is shared: OpenGraph tags read from the built HTML.

sphinxext-opengraph writes the tags, book/_ext/share_cards.py gives it each page's first
figure, readable formulas in the description and the generated pages' cards. A shared
chapter shows its title, its opening words and its first figure; a page without a figure
shows the book's card (``ogp_image``); every image named is a file of the built site.
"""

from __future__ import annotations

import html
import pathlib
import re
import sys
import urllib.parse

import pytest
from docutils import nodes
from sphinx.util.docutils import new_document

from tests.paths import ROOT, expected_pages, repository_url

sys.path.insert(0, str(ROOT / "book" / "_ext"))  # the local extension, to test its parts
from share_cards import page_description, tex_as_text

PAGES = expected_pages()
CARD_TAG = re.compile(r'<meta (?:property|name)="(og:[^"]+|description)" content="([^"]*)" />')
FIRST_FIGURE_IMAGE = re.compile(r'<figure\b.*?<img\b[^>]*?\bsrc="([^"]+)"', re.S)


def published_site() -> str:
    """The site's address as GitHub Pages publishes the repository of _config.yml."""
    owner, name = urllib.parse.urlsplit(repository_url()).path.strip("/").split("/")
    return f"https://{owner}.github.io/{name}/"


def card(site_dir: pathlib.Path, page: str) -> dict[str, str]:
    """The page's ``og:`` tags and its ``description``, unescaped."""
    text = (site_dir / page).read_text(encoding="utf-8")
    return {key: html.unescape(value) for key, value in CARD_TAG.findall(text)}


def site_file(site_dir: pathlib.Path, url: str) -> pathlib.Path | None:
    """The file of the built site that an absolute URL of the published site names."""
    if not url.startswith(published_site()):
        return None
    return site_dir / urllib.parse.unquote(url.removeprefix(published_site()))


@pytest.mark.parametrize("page", PAGES)
def test_every_page_has_a_card(site_dir: pathlib.Path, page: str) -> None:
    tags = card(site_dir, page)
    wanted = ("og:title", "og:description", "og:image", "og:image:alt", "og:url", "description")
    problems = [f"no {key}" for key in wanted if not tags.get(key)]
    image = site_file(site_dir, tags.get("og:image", ""))
    if tags.get("og:image") and (image is None or not image.is_file()):
        problems.append(f"og:image {tags['og:image']} is not a file of the built site")
    if not tags.get("og:url", "").startswith(published_site()):
        problems.append(f"og:url {tags.get('og:url')} is not on {published_site()}")
    if "\\" in tags.get("og:description", ""):
        problems.append(f"TeX in og:description: {tags['og:description']!r}")
    assert not problems, f"{page}: " + "; ".join(problems) + f"\nits tags: {tags}"


@pytest.mark.parametrize("page", [page for page in PAGES if page != "index.html"])
def test_the_card_shows_the_pages_title_and_first_figure(site_dir: pathlib.Path, page: str) -> None:
    """og:title is the page's heading; og:image its first figure, else the book's card."""
    text = (site_dir / page).read_text(encoding="utf-8")
    tags = card(site_dir, page)
    title = html.unescape(re.search(r"<title>(.*?)</title>", text, re.S)[1])
    assert title.startswith(tags["og:title"]), f"{page}: og:title {tags['og:title']!r}"
    assert tags["og:url"] == published_site() + page
    figure = FIRST_FIGURE_IMAGE.search(text)
    if figure is None:
        assert tags["og:image"] == published_site() + "_static/momentum-card.png"
    else:
        image = urllib.parse.urljoin(published_site() + page, figure[1])
        assert tags["og:image"] == image, f"{page}: og:image is not its first figure {image}"


def test_the_root_shares_the_first_pages_card(site_dir: pathlib.Path) -> None:
    root, first = card(site_dir, "index.html"), card(site_dir, PAGES[0])
    assert root == first
    redirect = '<meta http-equiv="Refresh" content="0; url=' + PAGES[0] + '" />'
    assert redirect in (site_dir / "index.html").read_text(encoding="utf-8")


def test_formulas_are_written_in_unicode() -> None:
    """A formula in the book's notation reads as text; another ends the description."""
    formula = r"\Delta w \leftarrow \alpha\,\Delta w - \eta\,\nabla Q_i(w), \qquad "
    formula += r"w \leftarrow w + \Delta w"
    assert tex_as_text(formula) == "Δw ← αΔw − η∇Qᵢ(w), w ← w + Δw"
    assert tex_as_text(r"\sqrt\kappa") == "√κ"
    assert tex_as_text(r"\frac{1}{2}") is None
    assert tex_as_text(r"w_{t+1}") is None
    document = new_document("page")
    paragraph = nodes.paragraph()
    paragraph += [
        nodes.Text("Reading about "),
        nodes.math(text=r"\eta"),
        nodes.Text(" is one thing"),
    ]
    document += paragraph
    assert page_description(document) == "Reading about η is one thing"
    paragraph += [nodes.Text(", and "), nodes.math(text=r"\frac{1}{2}"), nodes.Text(" another.")]
    assert page_description(document) == "Reading about η is one thing, and …"
