"""Lighthouse (mobile preset) on every page of the built site, served with gzip from localhost.

    .venv/bin/python benchmarks/lighthouse.py                 # build, serve, measure, print
    .venv/bin/python benchmarks/lighthouse.py --runs 3 --readme
    .venv/bin/python benchmarks/lighthouse.py --site _build/html --pages book/intro.html

Builds the site from the stored outputs (execute off, as the site tests do) unless
``--site`` names a built html directory, serves it on 127.0.0.1 with gzip as a static host
would, and runs Lighthouse 12.8.2 (``benchmarks/lighthouse/``, installed there by ``npm ci``
on first use) with Debian's Chromium on each page. It prints a table of the four category
scores, total blocking time and largest contentful paint, and what lost points; ``--readme``
writes the table into the README's "Performance" section. With ``--runs N`` each page is
measured N times and the run of median performance is kept: the machine is shared, and
CPU contention lowers the performance score (Lighthouse multiplies the main-thread time it
observes by its mobile CPU slowdown). Exits non-zero if a page asked for anything outside
localhost.
"""

from __future__ import annotations

import argparse
import functools
import gzip
import http.server
import json
import os
import pathlib
import re
import subprocess
import sys
import tempfile
import threading

ROOT = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.browser import CHROMIUM, is_local  # noqa: E402
from tests.site_build import build_command  # noqa: E402

LIGHTHOUSE_DIR = ROOT / "benchmarks" / "lighthouse"
LIGHTHOUSE = LIGHTHOUSE_DIR / "node_modules" / ".bin" / "lighthouse"
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
# Chromium looks up and calls Google's hosts in the background (component and extension
# updates, sign-in, DNS-over-HTTPS probes: seen with strace) despite the usual flags; a
# dead proxy for everything but 127.0.0.1, and a resolver that resolves nothing, keep every
# connection on this machine.
CHROME_FLAGS = (
    "--headless=new --no-sandbox --disable-gpu --disable-background-networking "
    "--disable-component-update --disable-sync --no-first-run "
    "--proxy-server=http://127.0.0.1:9 --host-resolver-rules='MAP * ~NOTFOUND, EXCLUDE 127.0.0.1'"
)
COMPRESSIBLE = (".html", ".css", ".js", ".json", ".svg", ".txt", ".ipynb", ".map", ".ttf", ".inv")
README_START = "<!-- lighthouse table: written by benchmarks/lighthouse.py --readme -->"
README_END = "<!-- end of lighthouse table -->"


class GzipHandler(http.server.SimpleHTTPRequestHandler):
    """A static host: text files gzipped when the client accepts it, everything else as is."""

    def log_message(self, *args) -> None:
        pass

    def send_head(self):
        path = pathlib.Path(self.translate_path(self.path))
        accepts = "gzip" in self.headers.get("Accept-Encoding", "")
        if not (accepts and path.is_file() and path.suffix in COMPRESSIBLE):
            return super().send_head()
        body = _gzipped(path, path.stat().st_mtime_ns)
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(str(path)))
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Vary", "Accept-Encoding")
        self.end_headers()
        return _Body(body)


class _Body:
    """The file-like object ``send_head`` returns, for bytes already in memory."""

    def __init__(self, data: bytes) -> None:
        self.data = data

    def read(self, *args) -> bytes:
        return self.data

    def close(self) -> None:
        pass


@functools.cache
def _gzipped(path: pathlib.Path, mtime_ns: int) -> bytes:
    return gzip.compress(path.read_bytes(), compresslevel=6, mtime=0)


class QuietServer(http.server.ThreadingHTTPServer):
    """Chromium drops connections it no longer needs: not worth a traceback."""

    def handle_error(self, request, client_address) -> None:
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


def serve_gzip(directory: pathlib.Path) -> tuple[http.server.ThreadingHTTPServer, str]:
    """Serve ``directory`` with gzip on 127.0.0.1 at a free port, in a background thread.

    Every text file is compressed before the first request, as a static host serves files
    compressed ahead (nginx's ``gzip_static``): the first run of a page no longer waits for
    the server to compress its files (181 files, 1.6 s in all on this machine)."""
    for path in directory.rglob("*"):
        if path.suffix in COMPRESSIBLE and path.is_file():
            _gzipped(path, path.stat().st_mtime_ns)
    handler = functools.partial(GzipHandler, directory=str(directory))
    server = QuietServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}/"


def site_pages(html: pathlib.Path) -> list[str]:
    """Every page of the site, relative to ``html``; redirect-only pages (index.html) left out."""
    pages = []
    for path in sorted(html.rglob("*.html")):
        relative = path.relative_to(html)
        if relative.parts[0] in ("_static", "_sources", "_images"):
            continue
        if 'http-equiv="Refresh"' in path.read_text(encoding="utf-8")[:500]:
            continue
        pages.append(relative.as_posix())
    return pages


def install_lighthouse() -> None:
    """``npm ci`` in benchmarks/lighthouse/ (the pinned Lighthouse), once."""
    if not LIGHTHOUSE.exists():
        subprocess.run(["npm", "ci", "--no-audit", "--no-fund"], cwd=LIGHTHOUSE_DIR, check=True)


def lighthouse(url: str, report: pathlib.Path, cpu_slowdown: float | None = None) -> dict:
    """One Lighthouse run (mobile preset, the default) on ``url``; its JSON report."""
    command = [
        str(LIGHTHOUSE),
        url,
        "--quiet",
        "--no-enable-error-reporting",
        f"--only-categories={','.join(CATEGORIES)}",
        f"--chrome-flags={CHROME_FLAGS}",
        "--output=json",
        f"--output-path={report}",
    ]
    if cpu_slowdown is not None:
        command.append(f"--throttling.cpuSlowdownMultiplier={cpu_slowdown}")
    env = {**os.environ, "CHROME_PATH": str(CHROMIUM)}
    subprocess.run(command, check=True, env=env, capture_output=True)
    return json.loads(report.read_text(encoding="utf-8"))


def summary(page: str, result: dict) -> dict:
    """The figures of one report: scores (0–100), TBT (ms), LCP (s), what lost points."""
    audits = result["audits"]
    scores = {name: round(result["categories"][name]["score"] * 100) for name in CATEGORIES}
    lost = []
    for name in CATEGORIES:
        for ref in result["categories"][name]["auditRefs"]:
            audit = audits[ref["id"]]
            if ref["weight"] > 0 and audit["score"] is not None and audit["score"] < 1:
                lost.append(f"{name}: {ref['id']} ({audit['score']:.2f})")
    requests = audits["network-requests"]["details"]["items"]
    return {
        "page": page,
        **scores,
        "tbt_ms": audits["total-blocking-time"]["numericValue"],
        "lcp_s": audits["largest-contentful-paint"]["numericValue"] / 1000,
        "cpu_index": result["environment"]["benchmarkIndex"],
        "lost": lost,
        "outside": sorted({r["url"] for r in requests if not is_local(r["url"])}),
        "warnings": result.get("runWarnings", []),
    }


def measure(
    base: str, pages: list[str], runs: int, reports: pathlib.Path, cpu_slowdown: float | None
) -> list[dict]:
    """Each page ``runs`` times; per page, the run of median performance score."""
    rows = []
    for page in pages:
        results = []
        for run in range(runs):
            report = reports / f"{page.replace('/', '_')}.{run}.json"
            results.append(summary(page, lighthouse(base + page, report, cpu_slowdown)))
        results.sort(key=lambda row: row["performance"])
        row = results[len(results) // 2]
        row["performance_runs"] = [r["performance"] for r in results]
        rows.append(row)
        print(_line(row), flush=True)
    return rows


HEADER = "| page | performance | accessibility | best practices | SEO | TBT | LCP | CPU index |"


def _line(row: dict) -> str:
    performance = str(row["performance"])
    if len(row["performance_runs"]) > 1:
        performance += f" ({'/'.join(map(str, row['performance_runs']))})"
    return (
        f"| `{row['page']}` | {performance} | {row['accessibility']} | "
        f"{row['best-practices']} | {row['seo']} | {row['tbt_ms']:.0f} ms | {row['lcp_s']:.1f} s | "
        f"{row['cpu_index']:.0f} |"
    )


def table(rows: list[dict]) -> str:
    return "\n".join([HEADER, "|---|---|---|---|---|---|---|---|", *map(_line, rows)])


def write_readme(rows: list[dict]) -> None:
    readme = ROOT / "README.md"
    text = readme.read_text(encoding="utf-8")
    pattern = re.compile(re.escape(README_START) + ".*?" + re.escape(README_END), re.S)
    if not pattern.search(text):
        sys.exit(f"README.md has no {README_START!r} … {README_END!r} section to write into")
    block = f"{README_START}\n{table(rows)}\n{README_END}"
    readme.write_text(pattern.sub(lambda _: block, text), encoding="utf-8")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--site", type=pathlib.Path, help="a built html directory (default: build)")
    parser.add_argument("--pages", nargs="*", help="pages relative to the html directory")
    parser.add_argument("--runs", type=int, default=1, help="runs per page (median kept)")
    parser.add_argument("--readme", action="store_true", help="write the table into README.md")
    parser.add_argument("--reports", type=pathlib.Path, help="keep the JSON reports here")
    parser.add_argument(
        "--cpu-slowdown",
        type=float,
        help="Lighthouse's CPU slowdown (default 4, for a fast desktop; see the README)",
    )
    args = parser.parse_args()

    install_lighthouse()
    with tempfile.TemporaryDirectory(prefix="lighthouse-") as scratch:
        html = args.site
        if html is None:
            print("building the site (stored outputs, execute off)…", flush=True)
            output = pathlib.Path(scratch) / "site"
            output.mkdir()
            subprocess.run(build_command(output), cwd=ROOT, check=True, capture_output=True)
            html = output / "_build" / "html"
        reports = args.reports or pathlib.Path(scratch)
        reports.mkdir(parents=True, exist_ok=True)
        server, base = serve_gzip(html.resolve())
        try:
            print(HEADER, flush=True)
            pages = args.pages or site_pages(html)
            rows = measure(base, pages, args.runs, reports, args.cpu_slowdown)
        finally:
            server.shutdown()
            server.server_close()
    print("\nwhat lost points (weighted audits below 1):")
    for row in rows:
        for item in row["lost"]:
            print(f"  {row['page']}: {item}")
        for warning in row["warnings"]:
            print(f"  {row['page']}: Lighthouse warns: {warning}")
    if args.readme:
        write_readme(rows)
    outside = [f"{row['page']}: {url}" for row in rows for url in row["outside"]]
    if outside:
        print("requests that left localhost:\n  " + "\n  ".join(outside))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
