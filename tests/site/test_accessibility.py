"""Accessibility: axe-core finds no violation of WCAG 2.0/2.1 A and AA on any page.

Every page of the built site (and the search page with results) is opened in headless
Chromium, network closed, in light and in dark mode (the reader's system setting:
``prefers-color-scheme``, which the theme follows by default), once its formulas are
typeset and its images loaded; then axe-core (bundled with axe-playwright-python) checks
it with every rule tagged WCAG 2.0 or 2.1 A or AA. axe-core leaves its experimental rules
out unless they are asked for by name; they are asked for here, since one of them, "label
in name" (WCAG 2.5.3), is what found the theme's search button naming itself "Search"
while it shows "Search Ctrl+K". The theme's and myst-nb's markup is fixed in
book/_templates/ and book/_ext/accessible_markup.py, the colours in book/_static/momentum.css.

The page is checked as a reader first sees it: axe-core checks only what is on screen, so
the content of closed folds (dropdowns, folded code, solutions) is not checked. Code is
sampled (see ``SAMPLE_CODE_JS``): it takes axe-core most of its time, for the same few
colours.
"""

from __future__ import annotations

import pytest
from axe_playwright_python.base import AXE_SCRIPT

from tests.browser import block_other_hosts
from tests.paths import expected_pages
from tests.site.conftest import BRING_ON_SCREEN_JS, SETTLE_JS

# index.html is a redirect to the first page, which is checked under its own name.
PAGES = [page for page in expected_pages() if page != "index.html"]
PAGES.append("search.html?q=momentum")  # the search page with its results
MODES = ("light", "dark")
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]

# The sections below a page's title are laid out only when they come near the screen
# (content-visibility: auto, book/_ext/page_speed.py). axe-core checks the page as it is
# laid out, and does not know such sections (axe-core issue 2768: it reads the colours and
# boxes of content the browser has not laid out), and what the page does once a section
# is laid out (scrollable.js makes its wide formulas and code reachable by the keyboard)
# would not have happened. So each section is brought on screen once, as a reader
# scrolling through the page brings it, before axe-core runs (BRING_ON_SCREEN_JS); the
# browser then keeps each section's real height. An interactive figure, too, is drawn only
# when it comes near the screen (page_speed.py): each is brought on screen and drawn before
# axe-core checks it.

# The rules of those levels, experimental ones included and deprecated ones left out.
RULES_JS = """
(tags) => axe.getRules(tags)
  .filter((rule) => !rule.tags.includes("deprecated"))
  .map((rule) => rule.ruleId)
"""

# Code is most of a chapter's text: thousands of highlighted tokens, whose contrast takes
# axe-core most of its time, and whose colours are the few of one Pygments style. The
# first visible token of each look (colour, weight, its background and its block's) is
# checked, the others are not; they would give the same numbers.
SAMPLE_CODE_JS = """
() => {
  const seen = new Set();
  for (const token of document.querySelectorAll("div.highlight pre > span")) {
    if (!token.checkVisibility()) continue;
    const style = getComputedStyle(token);
    const block = getComputedStyle(token.closest("div.highlight"));
    const look = [style.color, style.fontWeight, style.backgroundColor, block.backgroundColor];
    if (seen.has(look.join())) continue;
    seen.add(look.join());
    token.dataset.contrastSample = "";
  }
  axe.configure({rules: [{
    id: "color-contrast",
    selector: "*:not(div.highlight pre > span), div.highlight pre > span[data-contrast-sample]",
  }]});
}
"""


def describe(violations: list[dict]) -> str:
    """Each violation: the rule, its help, and for each element its place and the reason."""
    lines = []
    for violation in violations:
        lines.append(f"{violation['id']} ({violation['impact']}): {violation['help']}")
        for node in violation["nodes"]:
            lines.append(f"  {node['html'][:160]}")
            lines.append(f"    at {' '.join(map(str, node['target']))}")
            lines += [f"    {line.strip()}" for line in node["failureSummary"].splitlines()[1:]]
    return "\n".join(lines)


@pytest.fixture(scope="module")
def axe_violations(browser, site_url: str):
    """``axe_violations(page, mode)``: axe-core's violations on that page, in that mode."""
    blocked: list[str] = []  # test_site.py fails on them; here they are only refused
    tabs = {}
    for mode in MODES:
        context = browser.new_context(color_scheme=mode, service_workers="block")
        block_other_hosts(context, blocked)
        tabs[mode] = context.new_page()

    def violations(page_path: str, mode: str) -> list[dict]:
        tab = tabs[mode]
        tab.goto(site_url + page_path, wait_until="load")
        tab.evaluate(SETTLE_JS)
        tab.evaluate(BRING_ON_SCREEN_JS, "[data-page-speed-deferred]")
        tab.evaluate(BRING_ON_SCREEN_JS, ".interactive-figure")
        tab.wait_for_load_state("networkidle")
        theme = tab.evaluate("document.documentElement.dataset.theme")
        assert theme == mode, f"{page_path}: the theme shows {theme!r} to a {mode} system"
        tab.evaluate(AXE_SCRIPT)
        tab.evaluate(SAMPLE_CODE_JS)
        rules = tab.evaluate(RULES_JS, WCAG_TAGS)
        options = {"runOnly": {"type": "rule", "values": rules}, "resultTypes": ["violations"]}
        return tab.evaluate("(options) => axe.run(document, options)", options)["violations"]

    yield violations
    for tab in tabs.values():
        tab.context.close()


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("page", PAGES)
def test_no_wcag_violation(axe_violations, page: str, mode: str) -> None:
    violations = axe_violations(page, mode)
    count = sum(len(violation["nodes"]) for violation in violations)
    assert not violations, (
        f"{page}, {mode} mode: axe-core finds {count} elements that fail WCAG 2.1 A/AA\n"
        + describe(violations)
    )
