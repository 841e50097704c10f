"""Fixtures shared by the test modules (tests/ is on the path: see pyproject.toml)."""

from browser import browser, open_html  # noqa: F401  (fixtures, registered by import)
