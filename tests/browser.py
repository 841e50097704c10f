"""Headless Chromium for the tests: Debian's /usr/bin/chromium driven by Playwright.

Pages are served from 127.0.0.1 and every request to another host is aborted and
recorded, so that a test sees what a reader with no network would see.
"""

from __future__ import annotations

import functools
import http.server
import os
import pathlib
import threading
from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest

CHROMIUM = pathlib.Path("/usr/bin/chromium")
"""Debian's Chromium (apt-get install chromium); Playwright never downloads a browser here."""
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def running_on_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def require_chromium() -> None:
    """Skip without Chromium on a developer's machine; fail on CI, which installs it."""
    if not CHROMIUM.exists():
        message = f"{CHROMIUM} is missing: apt-get install chromium (CI installs it in .ci/run)"
        if running_on_ci():
            pytest.fail(f"CI=true and {message}", pytrace=False)
        pytest.skip(message)


@functools.cache
def _quiet_handler(directory: str) -> type[http.server.SimpleHTTPRequestHandler]:
    class Handler(http.server.SimpleHTTPRequestHandler):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, directory=directory, **kwargs)

        def log_message(self, *args) -> None:
            pass

    return Handler


def serve(directory: pathlib.Path) -> tuple[http.server.ThreadingHTTPServer, str]:
    """Serve ``directory`` on 127.0.0.1 at a free port, in a background thread."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _quiet_handler(str(directory)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}"


def is_local(url: str) -> bool:
    """Whether a request stays on this machine (or needs no network at all)."""
    parts = urlsplit(url)
    return parts.scheme in ("data", "blob", "about") or parts.hostname in {"127.0.0.1", "localhost"}


@pytest.fixture(scope="session")
def browser():
    require_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


def block_other_hosts(target, blocked: list[str], prefix: str = "") -> None:
    """Abort every request of ``target`` (a page or a context) that would leave localhost.

    The one place the tests close the network: each aborted URL is appended to
    ``blocked`` (after ``prefix``), so that a test can fail on it.
    """

    def route(request_route) -> None:
        if is_local(request_route.request.url):
            request_route.continue_()
        else:
            blocked.append(prefix + request_route.request.url)
            request_route.abort("blockedbyclient")

    target.route("**/*", route)


def new_page(browser, errors: list[str]):
    """A page that aborts and records requests that leave localhost, and records errors."""
    page = browser.new_page()
    block_other_hosts(page, errors, prefix="request left localhost: ")
    page.on("console", lambda m: m.type == "error" and errors.append(f"console: {m.text}"))
    page.on("pageerror", lambda error: errors.append(f"page error: {error}"))
    return page


@pytest.fixture(scope="module")
def open_html(browser, tmp_path_factory: pytest.TempPathFactory) -> Iterator:
    """Open an HTML fragment as a page served from localhost: returns (page, errors)."""
    tmp_path = tmp_path_factory.mktemp("pages")
    server, address = serve(tmp_path)
    pages = []

    def open_fragment(fragment: str):
        name = f"page{len(pages)}.html"
        (tmp_path / name).write_text(
            f'<!doctype html><html><head><meta charset="utf-8"><link rel="icon" href="data:,">'
            f"</head><body>{fragment}</body></html>",
            encoding="utf-8",
        )
        errors: list[str] = []
        page = new_page(browser, errors)
        page.goto(f"{address}/{name}")
        pages.append(page)
        return page, errors

    yield open_fragment
    for page in pages:
        page.close()
    server.shutdown()
