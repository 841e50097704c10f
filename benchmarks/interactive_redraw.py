"""How fast each interactive figure redraws after a change of a control, in Chromium.

    .venv/bin/python benchmarks/interactive_redraw.py                  # the site in _build/html
    .venv/bin/python benchmarks/interactive_redraw.py --site DIR --changes 100

Serves a built site (``bash .ci/build-site``, or any html directory built as
tests/site_build.py builds it) on 127.0.0.1 and opens every chapter page in headless
Chromium (Debian's /usr/bin/chromium) with the network closed. Each element of class
``interactive-figure`` gets ``--changes`` changes of its controls, one control after the
other: a slider jumps a tenth of its range (back at its ends), a choice takes the next
option, a switch flips. A change is timed from its input event to the end of the redraw,
the browser's style and layout included (forced by reading the page's size): the figure's
script redraws synchronously in the event handler, so that is what must fit in one frame,
16 ms at 60 frames a second. A frame passes between two changes. Prints a Markdown table
(median, 90th percentile and largest time per figure) for the README.
"""

from __future__ import annotations

import argparse
import pathlib
import statistics
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.browser import CHROMIUM, CHROMIUM_ARGS, block_other_hosts, serve  # noqa: E402
from tests.paths import notebook_files  # noqa: E402

FRAME_MS = 16.0

CHANGE_AND_TIME = """async ([index, changes]) => {
  const root = document.querySelectorAll(".interactive-figure")[index];
  const controls = Array.from(root.querySelectorAll("[data-control]"));
  const direction = controls.map(() => 1);
  const times = [];
  for (let i = 0; i < changes; i++) {
    const k = i % controls.length;
    const c = controls[k];
    if (c.type === "checkbox") c.checked = !c.checked;
    else if (c.tagName === "SELECT") c.selectedIndex = (c.selectedIndex + 1) % c.options.length;
    else {
      const low = Number(c.min), high = Number(c.max), step = Number(c.step) || 1;
      const jump = Math.max(step, Math.round((high - low) / 10 / step) * step);
      let next = Number(c.value) + direction[k] * jump;
      if (next > high || next < low) {
        direction[k] = -direction[k];
        next = Number(c.value) + direction[k] * jump;
      }
      c.value = String(next);
    }
    const start = performance.now();
    c.dispatchEvent(new Event(c.type === "range" ? "input" : "change", { bubbles: true }));
    void document.documentElement.getBoundingClientRect().height;  // style and layout, now
    times.push(performance.now() - start);
    await new Promise((resolve) => requestAnimationFrame(() => resolve()));
  }
  return { kind: root.dataset.figure, controls: controls.length, times: times };
}"""


def measure(site: pathlib.Path, changes: int) -> list[dict]:
    from playwright.sync_api import sync_playwright

    server, address = serve(site)
    rows = []
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            for document in notebook_files():
                page_path = f"{document}.html"
                if not (site / page_path).is_file():
                    continue
                page = browser.new_page()
                blocked: list[str] = []
                block_other_hosts(page, blocked)
                page.goto(f"{address}/{page_path}", wait_until="load")
                count = page.evaluate(
                    "() => document.querySelectorAll('.interactive-figure').length"
                )
                for index in range(count):
                    result = page.evaluate(CHANGE_AND_TIME, [index, changes])
                    times = sorted(result["times"])
                    rows.append({
                        "page": page_path,
                        "kind": result["kind"],
                        "controls": result["controls"],
                        "median": statistics.median(times),
                        "p90": times[int(0.9 * (len(times) - 1))],
                        "max": times[-1],
                    })  # fmt: skip
                page.close()
                if blocked:
                    raise SystemExit(f"{page_path} asked the network for: {blocked}")
            browser.close()
    finally:
        server.shutdown()
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--site", type=pathlib.Path, default=ROOT / "_build" / "html")
    parser.add_argument("--changes", type=int, default=100)
    arguments = parser.parse_args()
    if not (arguments.site / "index.html").is_file():
        raise SystemExit(f"no built site in {arguments.site}: build it first (bash .ci/build-site)")
    if not CHROMIUM.exists():
        raise SystemExit(f"{CHROMIUM} is missing: apt-get install chromium")
    rows = measure(arguments.site, arguments.changes)
    changes = arguments.changes
    print(f"| page | figure | controls | median of {changes} changes | 90th percentile | largest |")
    print("|---|---|---|---|---|---|")
    for row in rows:
        print(
            f"| `{row['page']}` | {row['kind']} | {row['controls']} | {row['median']:.2f} ms | "
            f"{row['p90']:.2f} ms | {row['max']:.2f} ms |"
        )
    slow = [row for row in rows if row["median"] > FRAME_MS]
    print(f"\n{len(rows)} figures, {len(rows) - len(slow)} with a median within {FRAME_MS:.0f} ms")
    if slow:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
