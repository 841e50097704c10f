"""The built book, for the tests that read it: built once per session and served locally.

- ``site_dir``: the built HTML. The session builds it like ``.ci/build-site``
  (``jupyter-book build . -W -n --keep-going``: warnings are errors) into a temporary
  ``--path-output``, but from the stored outputs (``execute_notebooks: off``): nbval, in
  the same run, proves them current, so executing every chapter again would prove
  nothing new. Set ``MOMENTUM_SITE=_build/html`` to test an already built site instead.
- ``site_url``: that directory served by ``http.server`` on 127.0.0.1 at a free port.
"""

from __future__ import annotations

import os
import pathlib
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator

import pytest
import yaml

from tests.browser import serve
from tests.paths import ROOT

PAGE_BUDGET_BYTES = 1_500_000
"""Issue 5's page budget: a page's own content (HTML, images, data; not the theme's _static)."""
ANSI_ESCAPE = re.compile(r"\x1b\[[0-9;]*m")


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


def build_command(output: pathlib.Path) -> list[str]:
    """The build of ``.ci/build-site`` from the stored outputs into ``output`` (run in ROOT).

    Writes its configuration, ``_config.yml`` with ``execute_notebooks: off``, into
    ``output``; the site is built into ``output/_build/html``.
    """
    config = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
    config["execute"]["execute_notebooks"] = "off"
    # The generated config lives elsewhere: its local extensions' folders, made absolute.
    extensions = config["sphinx"].get("local_extensions", {})
    for name, folder in extensions.items():
        extensions[name] = str(ROOT / folder)
    config_file = output / "_config.yml"
    config_file.write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    return [_jupyter_book(), "build", ".", "-W", "-n", "--keep-going", "--config",
            str(config_file), "--path-output", str(output)]  # fmt: skip


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
    command = build_command(output)
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
