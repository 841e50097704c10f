"""Fixtures shared by the test modules."""

from tests.browser import browser, open_html  # noqa: F401  (fixtures, registered by import)
