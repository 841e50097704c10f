"""Every interactive figure of the built book, as a reader meets it, in headless Chromium.

Each chapter page is opened (served from localhost, network closed); each element of class
``interactive-figure`` is found, and every control is moved with the keyboard and with the
pointer. After each move the picture must have changed, the control's readout must show
its new value, and every number the figure shows must be momentum_lib's: the figure's
configuration and its controls' values are read from the page, and
:func:`momentum_lib.interactive.figure_numbers` computes what it should show. A figure
whose numbers come from a script that mirrors the library is also compared with the
library to 1e-9, on the same configuration. Then the figure is checked at a phone's width,
with touch. No console error anywhere.
"""

from __future__ import annotations

import re

import numpy as np
import pytest

from momentum_lib.interactive import figure_numbers
from momentum_lib.plotting import EXTRA_COLOURS, PALETTE
from tests.browser import block_other_hosts
from tests.paths import notebook_files

CHAPTER_PAGES = [f"{f}.html" for f in notebook_files() if re.match(r"book/\d\d_", f)]
ISSUE_10_PAGES = [page for page in CHAPTER_PAGES if re.match(r"book/0\d_", page)]
"""Chapters 0 to 9: issue 10 asks for an interactive figure in each."""
MIRRORED = {  # figures whose page runs a mirror of the library: the arrays it draws
    "playground": ("weights:gd", "weights:momentum", "weights:nesterov", "losses:momentum"),
    "schedule-change": ("thread", "pytorch"),
    "iteration-map": ("path", "eigenvalues"),
    "one-sample-fit": ("path",),
    "condition-race": ("distances:gd", "distances:momentum"),
    "two-terms": ("weights:gd", "weights:momentum", "updates:momentum"),
    "formula-steps": ("path", "deltas", "momentumTerms", "gradientTerms"),
    "learning-rate-regimes": ("path",),
}
PHONE = {"viewport": {"width": 390, "height": 844}, "has_touch": True, "is_mobile": True}
NUMBER = re.compile(r"[-+]?\d+(?:\.\d+)?(?:e[-+]?\d+)?")

READ_FIGURE = """(root) => {
  const shown = {};
  root.querySelectorAll("[data-show]").forEach((n) => { shown[n.dataset.show] = n.textContent; });
  const controls = Array.from(root.querySelectorAll("[data-control]"))
    .map((c) => c.dataset.control);
  return {
    kind: root.dataset.figure,
    config: root.momentumFigure.config,
    values: root.momentumFigure.values(),
    shown: shown,
    controls: controls,
    picture: Array.from(root.querySelectorAll("svg")).map((svg) => svg.innerHTML).join(""),
  };
}"""


READABLE_PX = 11
"""The smallest text a figure may show, in CSS pixels, at a phone's width as on a desktop."""
TOUCH_PX = 44
"""A button's height on a touch screen: the platforms' advice (WCAG 2.2 AA asks for 24)."""
DARK = 0.1
"""The highest relative luminance of a figure's background on a dark page."""

MEASURE_FIGURE = """(root) => {
  const texts = [];
  root.querySelectorAll("svg text").forEach((t) => {
    if (!t.getClientRects().length || !t.textContent.trim()) return;
    const m = t.getScreenCTM();
    const svg = t.closest("svg:not(svg svg)").getBoundingClientRect();
    const r = t.getBoundingClientRect();
    texts.push({
      text: t.textContent,
      px: parseFloat(getComputedStyle(t).fontSize) * Math.hypot(m.a, m.b),
      inside: r.left >= svg.left - 1 && r.right <= svg.right + 1
        && r.top >= svg.top - 1 && r.bottom <= svg.bottom + 1,
    });
  });
  const frames = [];
  for (let n = root; n && !n.matches("article, body"); n = n.parentElement) {
    const background = getComputedStyle(n).backgroundColor;
    frames.push({ node: n.tagName + "." + n.className, background: background });
  }
  return {
    texts: texts,
    buttons: Array.from(root.querySelectorAll("button"))
      .map((b) => ({ text: b.textContent, height: b.getBoundingClientRect().height })),
    frames: frames,
    colour: getComputedStyle(root).color,
  };
}"""


def luminance(rgb: str) -> float:
    """WCAG's relative luminance of a CSS colour "rgb(r, g, b)" (alpha ignored)."""
    channels = np.array([int(v) for v in re.findall(r"[\d.]+", rgb)[:3]], dtype=float) / 255
    linear = np.where(channels <= 0.04045, channels / 12.92, ((channels + 0.055) / 1.055) ** 2.4)
    return float(linear @ [0.2126, 0.7152, 0.0722])


def transparent(rgb: str) -> bool:
    return rgb == "transparent" or (rgb.startswith("rgba") and float(rgb.split(",")[3][:-1]) == 0)


def phone_problems(kind: str, measured: dict) -> list[str]:
    """Text below READABLE_PX or outside its picture, buttons below TOUCH_PX."""
    problems = [f"{kind}: text {t['text']!r} at {t['px']:.1f} px (< {READABLE_PX})"
                for t in measured["texts"] if t["px"] < READABLE_PX]  # fmt: skip
    problems += [f"{kind}: text {t['text']!r} cut off at the picture's edge"
                 for t in measured["texts"] if not t["inside"]]  # fmt: skip
    problems += [f"{kind}: button {b['text']!r} {b['height']:.0f} px high (< {TOUCH_PX})"
                 for b in measured["buttons"] if b["height"] < TOUCH_PX - 0.5]  # fmt: skip
    return problems


def dark_problems(kind: str, measured: dict) -> list[str]:
    """A light background on the figure or around it (a frame), or text that is not light."""
    backgrounds = [f for f in measured["frames"] if not transparent(f["background"])]
    problems = [f"{kind}: {f['node']} has a light background {f['background']}"
                for f in backgrounds if luminance(f["background"]) > DARK]  # fmt: skip
    if not backgrounds:
        problems.append(f"{kind}: no background of its own")
    elif (luminance(measured["colour"]) + 0.05) / (
        luminance(backgrounds[0]["background"]) + 0.05
    ) < 4.5:
        problems.append(f"{kind}: text {measured['colour']} on {backgrounds[0]['background']}")
    return problems


def stepper_problems(root) -> list[str]:
    """Buttons that step a slider are disabled at its ends, and only there."""
    problems = []
    kind = root.get_attribute("data-figure")
    for button in root.query_selector_all("button[data-steps]"):
        action = button.get_attribute("data-action")
        slider = root.query_selector(f'[data-control="{button.get_attribute("data-steps")}"]')
        for key, end in (("Home", "back"), ("End", "forward")):
            slider.focus()
            slider.press(key)
            if button.is_disabled() != (action == end):
                problems.append(f"{kind}: {action} is {'' if button.is_disabled() else 'not '}"
                                f"disabled at the slider's {key}")  # fmt: skip
    reset = root.query_selector('[data-action="reset"]')
    if reset is not None:
        reset.click()
    return problems


def shown_as(shown: str, expected) -> bool:
    """Whether a readout's text shows ``expected`` to the digits it shows.

    A string must be equal; a number (or each of several numbers, as in "0.6500+0.2784i"
    or "(0.005900, -0.006675)") must be within half a unit of the last digit shown; a
    number that does not exist (nan: a diverged run) is shown as "—".
    """
    if isinstance(expected, str):
        return shown == expected
    values = np.atleast_1d(np.asarray(expected, dtype=float))
    if values.size == 1 and not np.isfinite(values[0]):
        return shown == "—"
    found = NUMBER.findall(shown)
    if len(found) != values.size:
        return False
    for text, value in zip(found, values, strict=True):
        mantissa, _, exponent = text.partition("e")
        decimals = len(mantissa.partition(".")[2])
        unit = 10.0 ** (int(exponent or 0) - decimals)
        if abs(float(text) - value) > 0.5 * unit * (1 + 1e-9):
            return False
    return True


def numbers_problems(state: dict) -> list[str]:
    """The readouts that do not show momentum_lib's numbers, and those left unchecked."""
    expected = figure_numbers(state["kind"], state["config"], state["values"])
    problems = []
    for name, text in state["shown"].items():
        if name in state["controls"]:
            continue  # a control's own readout, checked where the control moves
        if name not in expected:
            problems.append(f"{name}: shows {text!r}, but figure_numbers does not give it")
        elif not shown_as(text, expected[name]):
            problems.append(f"{name}: shows {text!r}, momentum_lib says {expected[name]!r}")
    return problems


def mirror_problems(page, root, state: dict) -> list[str]:
    """The arrays the page's mirror computes against the library's, to 1e-9."""
    if state["kind"] not in MIRRORED:
        return []
    computed = page.evaluate(
        "([root, kind]) => window.momentumFigures.compute[kind]"
        "(root.momentumFigure.config, root.momentumFigure.values())",
        [root, state["kind"]],
    )
    expected = figure_numbers(state["kind"], state["config"], state["values"])
    problems = []
    for name in MIRRORED[state["kind"]]:
        mine = np.asarray(_page_array(computed, name), dtype=float)
        theirs = np.asarray(expected[name])
        if np.iscomplexobj(theirs):
            theirs = np.stack([theirs.real, theirs.imag], axis=-1)
        if mine.shape != theirs.shape or not np.allclose(mine, theirs, rtol=1e-9, atol=1e-12):
            problems.append(f"{state['kind']}: the page's {name} differs from momentum_lib's")
    return problems


def _page_array(computed: dict, name: str):
    """The page's array for one of figure_numbers' names ("weights:gd": runs' gd weights)."""
    what, _, method = name.partition(":")
    return computed[method][what] if method else computed[name]


def open_chapter(browser, site_url: str, page_path: str, **context_options):
    context = browser.new_context(service_workers="block", **context_options)
    errors: list[str] = []
    block_other_hosts(context, errors, prefix="request left localhost: ")
    page = context.new_page()
    page.on("console", lambda m: m.type == "error" and errors.append(f"console: {m.text}"))
    page.on("pageerror", lambda error: errors.append(f"page error: {error}"))
    page.goto(site_url + page_path, wait_until="load")
    return context, page, errors


def figures_of(page) -> list:
    """The page's interactive figures, drawn: each is drawn when it comes near the screen
    (book/_ext/page_speed.py), so each is brought on screen, as a reader scrolling does."""
    roots = page.query_selector_all(".interactive-figure")
    for root in roots:
        root.scroll_into_view_if_needed()
        page.wait_for_function("(root) => root.dataset.ready", arg=root)
    return roots


def figure_count(site_dir, page_path: str) -> int:
    """How many interactive figures the built page holds (read from its HTML)."""
    return (site_dir / page_path).read_text(encoding="utf-8").count('class="interactive-figure')


@pytest.mark.parametrize("page_path", ISSUE_10_PAGES)
def test_every_chapter_has_an_interactive_figure(site_dir, page_path) -> None:
    assert figure_count(site_dir, page_path), f"{page_path} has no interactive figure"


def test_the_site_has_at_least_twelve_interactive_figures(site_dir) -> None:
    assert sum(figure_count(site_dir, page_path) for page_path in CHAPTER_PAGES) >= 12


@pytest.mark.parametrize("page_path", CHAPTER_PAGES)
def test_each_figure_is_numbered_captioned_and_described(
    browser, site_dir, site_url, page_path
) -> None:
    if not figure_count(site_dir, page_path):
        return  # test_every_chapter_has_an_interactive_figure says whether it should
    context, page, errors = open_chapter(browser, site_url, page_path)
    try:
        problems = []
        for root in figures_of(page):
            found = root.evaluate(
                """(root) => {
                  const figure = root.closest("figure");
                  const caption = figure && figure.querySelector("figcaption");
                  const described = root.getAttribute("aria-describedby");
                  const description = document.getElementById(described);
                  const unnamed = Array.from(root.querySelectorAll("input, select, button"))
                    .filter((c) => !(c.getAttribute("aria-label") || c.closest("label")
                                     || c.textContent.trim()))
                    .map((c) => c.outerHTML.slice(0, 80));
                  const pictures = Array.from(root.querySelectorAll(":scope svg[role=img]"));
                  return {
                    id: root.id,
                    number: caption
                      ? (caption.querySelector(".caption-number") || {}).textContent : null,
                    caption: caption ? caption.textContent.trim() : "",
                    description: description ? description.textContent.trim() : "",
                    unnamed: unnamed,
                    unlabelled_pictures: pictures
                      .filter((svg) => !svg.getAttribute("aria-label")).length,
                    pictures: pictures.length,
                  };
                }"""
            )
            if not (found["number"] or "").startswith("Fig."):
                problems.append(f"#{found['id']}: not in a numbered figure ({found['number']!r})")
            if len(found["caption"]) < 40:
                problems.append(f"#{found['id']}: caption too short: {found['caption']!r}")
            if len(found["description"]) < 40:
                problems.append(f"#{found['id']}: no accessible description")
            if found["unnamed"] or not found["pictures"] or found["unlabelled_pictures"]:
                problems.append(f"#{found['id']}: unnamed controls or pictures: {found}")
        assert not problems and not errors, "\n".join(problems + errors)
    finally:
        context.close()


def allowed_colour(rgb: str) -> bool:
    """The book's palette, its extra colours, or a grey (black and white included)."""
    values = [int(v) for v in re.findall(r"\d+", rgb)[:3]]
    if len(values) < 3 or values[0] == values[1] == values[2]:
        return True
    palette = {*PALETTE.values(), *EXTRA_COLOURS}
    return "#{:02x}{:02x}{:02x}".format(*values) in palette


def move_problems(page, root, state: dict, control: str, how: str) -> list[str]:
    """Move one control by keyboard or pointer and check what changed."""
    handle = root.query_selector(f'[data-control="{control}"]')
    kind = handle.evaluate("(c) => c.type === 'checkbox' ? 'switch' : c.tagName.toLowerCase()")
    if how == "keyboard":
        handle.focus()
        if kind == "switch":
            page.keyboard.press("Space")
        else:
            at_end = handle.evaluate(
                "(c) => c.tagName === 'SELECT' ? c.selectedIndex === c.options.length - 1"
                " : Number(c.value) >= Number(c.max)"
            )
            page.keyboard.press("ArrowLeft" if at_end and kind == "input" else
                                "ArrowUp" if at_end else
                                "ArrowRight" if kind == "input" else "ArrowDown")  # fmt: skip
    elif kind == "select":  # a native list cannot be clicked open in headless Chromium
        options = handle.evaluate("(c) => Array.from(c.options).map((o) => o.value)")
        handle.select_option(next(o for o in options if o != state["values"][control]))
    elif kind == "switch":
        handle.click()
    else:
        handle.scroll_into_view_if_needed()
        box = handle.bounding_box()
        fraction = handle.evaluate("(c) => (c.value - c.min) / (c.max - c.min)")
        target = 0.2 if fraction > 0.5 else 0.8
        page.mouse.click(box["x"] + target * box["width"], box["y"] + box["height"] / 2)
    after = root.evaluate(READ_FIGURE)
    where = f"{state['kind']}: {control} by {how}"
    problems = []
    if after["values"][control] == state["values"][control]:
        return [f"{where}: the control did not move"]
    readout = after["shown"].get(control)
    if kind == "input" and not shown_as(readout or "", after["values"][control]):
        problems.append(f"{where}: its readout shows {readout!r}, not {after['values'][control]}")
    if after["picture"] == state["picture"]:
        problems.append(f"{where}: the picture did not change")
    problems += [f"{where}: {problem}" for problem in numbers_problems(after)]
    problems += [f"{where}: {problem}" for problem in mirror_problems(page, root, after)]
    return problems


@pytest.mark.parametrize("page_path", CHAPTER_PAGES)
def test_every_control_moves_the_picture_and_the_numbers_as_the_library_says(
    browser, site_dir, site_url, page_path
) -> None:
    if not figure_count(site_dir, page_path):
        return  # test_every_chapter_has_an_interactive_figure says whether it should
    context, page, errors = open_chapter(browser, site_url, page_path)
    try:
        page.evaluate(
            "() => { window.leakedKeys = [];"
            " document.addEventListener('keydown', (e) => window.leakedKeys.push(e.key)); }"
        )
        problems = []
        for root in figures_of(page):
            state = root.evaluate(READ_FIGURE)
            problems += numbers_problems(state) + mirror_problems(page, root, state)
            colours = root.evaluate(
                "(root) => Array.from(root.querySelectorAll('svg *')).flatMap((n) => {"
                " const s = getComputedStyle(n); return [s.fill, s.stroke]; })"
                ".filter((c) => c && c !== 'none')"
            )
            problems += [f"{state['kind']}: colour {c} is not the palette's" for c in
                         sorted(set(colours)) if not allowed_colour(c)]  # fmt: skip
            for control in state["controls"]:
                for how in ("keyboard", "pointer"):
                    problems += move_problems(page, root, state, control, how)
                    state = root.evaluate(READ_FIGURE)
            problems += pointer_on_picture_problems(page, root)
            problems += button_problems(root)
            problems += stepper_problems(root)
        leaked = page.evaluate("() => window.leakedKeys")
        if leaked:
            problems.append(f"keys reached the document (JupyterLab would take them): {leaked}")
        assert not problems and not errors, f"{page_path}:\n" + "\n".join(problems + errors)
    finally:
        context.close()


def pointer_on_picture_problems(page, root) -> list[str]:
    """A picture that takes the pointer (data-pointer-controls) sets those controls."""
    problems = []
    for svg in root.query_selector_all("svg[data-pointer-controls]"):
        names = svg.get_attribute("data-pointer-controls").split()
        before = root.evaluate(READ_FIGURE)
        svg.scroll_into_view_if_needed()
        box = svg.bounding_box()
        for fx, fy in ((0.3, 0.35), (0.7, 0.6)):
            page.mouse.click(box["x"] + fx * box["width"], box["y"] + fy * box["height"])
        after = root.evaluate(READ_FIGURE)
        if all(after["values"][name] == before["values"][name] for name in names):
            problems.append(f"{before['kind']}: a press on the picture did not set {names}")
        problems += numbers_problems(after)
    return problems


def button_problems(root) -> list[str]:
    """Buttons that step through an animation (data-action) change what is shown.

    From the start (reset), where the balls still roll: late in the animation they may
    rest, and a step would rightly change nothing in the picture.
    """
    problems = []
    reset = root.query_selector('[data-action="reset"]')
    if reset is not None:
        reset.click()
    for action in ("forward", "back"):
        button = root.query_selector(f'[data-action="{action}"]')
        if button is None:
            continue
        before = root.evaluate(READ_FIGURE)
        if action == "back":  # one step forward first, so that there is a step to go back
            root.query_selector('[data-action="forward"]').click()
            before = root.evaluate(READ_FIGURE)
        button.click()
        after = root.evaluate(READ_FIGURE)
        if after["picture"] == before["picture"] or after["values"] == before["values"]:
            problems.append(f"{before['kind']}: the {action} button changed nothing")
        problems += numbers_problems(after)
    return problems


@pytest.mark.parametrize("page_path", CHAPTER_PAGES)
def test_figures_fit_a_phone_and_answer_touch(browser, site_dir, site_url, page_path) -> None:
    if not figure_count(site_dir, page_path):
        return  # test_every_chapter_has_an_interactive_figure says whether it should
    context, page, errors = open_chapter(browser, site_url, page_path, **PHONE)
    try:
        problems = []
        for root in figures_of(page):
            state = root.evaluate(READ_FIGURE)
            size = root.evaluate(
                "(r) => ({width: r.getBoundingClientRect().width, scroll: r.scrollWidth,"
                " client: r.clientWidth, page: document.documentElement.clientWidth})"
            )
            if size["scroll"] > size["client"] + 1 or size["width"] > size["page"]:
                problems.append(f"{state['kind']}: wider than the phone's screen: {size}")
            slider = root.query_selector('input[type="range"]')
            slider.scroll_into_view_if_needed()
            box = slider.bounding_box()
            if box["height"] < 24:
                problems.append(
                    f"{state['kind']}: a slider {box['height']:.0f} px high, hard to touch"
                )
            fraction = slider.evaluate("(c) => (c.value - c.min) / (c.max - c.min)")
            target = 0.15 if fraction > 0.5 else 0.85
            page.touchscreen.tap(box["x"] + target * box["width"], box["y"] + box["height"] / 2)
            after = root.evaluate(READ_FIGURE)
            if after["values"] == state["values"] or after["picture"] == state["picture"]:
                problems.append(f"{state['kind']}: a tap on its first slider changed nothing")
            problems += numbers_problems(after)
            problems += phone_problems(state["kind"], root.evaluate(MEASURE_FIGURE))
        assert not problems and not errors, f"{page_path}:\n" + "\n".join(problems + errors)
    finally:
        context.close()


@pytest.mark.parametrize("page_path", CHAPTER_PAGES)
def test_figures_are_dark_cards_in_dark_mode(browser, site_dir, site_url, page_path) -> None:
    """In the theme's dark mode, a figure and what holds it have no light background."""
    if not figure_count(site_dir, page_path):
        return  # test_every_chapter_has_an_interactive_figure says whether it should
    context, page, errors = open_chapter(browser, site_url, page_path, color_scheme="dark")
    try:
        assert page.evaluate("() => document.documentElement.dataset.theme") == "dark"
        problems = []
        for root in figures_of(page):
            problems += dark_problems(
                root.get_attribute("data-figure"), root.evaluate(MEASURE_FIGURE)
            )
        assert not problems and not errors, f"{page_path}:\n" + "\n".join(problems + errors)
    finally:
        context.close()
