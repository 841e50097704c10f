"""Fixtures and markers shared by every test.

The tests are grouped by what they test: ``tests/lib`` the library, ``tests/book`` the
notebooks and their editions, ``tests/site`` the built site in a browser; nbval checks the
chapters in ``book/`` and doctests the library's examples in the same run. Each test is
marked by the fixtures it uses, so that a quick loop can leave the slow parts out:

    pytest -m "not browser and not slow"     # the library and the notebooks' structure

- ``browser``: needs headless Chromium (the ``browser`` fixture);
- ``site``: needs the built book (the ``site_dir`` fixture);
- ``slow``: runs notebooks (nbval, the student edition, JupyterLab).
"""

from __future__ import annotations

import sys

import pytest

from tests.browser import browser, open_html  # noqa: F401  (fixtures, registered by import)
from tests.site_build import site_dir, site_report, site_url  # noqa: F401  (fixtures)

SLOW_FIXTURES = {"executed", "lab"}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        fixtures = set(getattr(item, "fixturenames", ()))
        if "browser" in fixtures or "open_html" in fixtures:
            item.add_marker(pytest.mark.browser)
        if "site_dir" in fixtures or "site_url" in fixtures:
            item.add_marker(pytest.mark.site)
        if item.path.suffix == ".ipynb" or fixtures & SLOW_FIXTURES:
            item.add_marker(pytest.mark.slow)


@pytest.fixture(autouse=True)
def _close_figures():
    """Close the matplotlib figures a test leaves open (widget twins, pictures), as
    matplotlib's own tests do: otherwise the 21st open figure warns, and a warning fails."""
    yield
    pyplot = sys.modules.get("matplotlib.pyplot")
    if pyplot is not None:
        pyplot.close("all")
