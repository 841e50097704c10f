"""The library's reference on the site: every module has a page, every name its chapter.

Each public name's docstring says which chapter introduces it ("Introduced in chapter
N"); that must be the first chapter whose code uses the name, so the line cannot drift
as chapters change. Names no chapter uses by name (a result type, say) are exempt.
"""

from __future__ import annotations

import importlib
import inspect
import json
import pkgutil
import re

import pytest

import momentum_lib
from tests.paths import CHAPTERS, ROOT

INTRODUCED = re.compile(r"Introduced in chapters? (\d+)")
MODULES = sorted(
    module.name
    for module in pkgutil.iter_modules(momentum_lib.__path__)
    if not module.name.startswith("_")
)


def chapter_code() -> dict[int, str]:
    code = {}
    for path in CHAPTERS:
        cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
        code[int(path.name[:2])] = "\n".join(
            "".join(cell["source"]) for cell in cells if cell["cell_type"] == "code"
        )
    return code


def public_callables() -> list[tuple[str, str, object]]:
    found = []
    for module_name in MODULES:
        module = importlib.import_module(f"momentum_lib.{module_name}")
        for name in module.__all__:
            value = getattr(module, name)
            if inspect.isfunction(value) or inspect.isclass(value):
                found.append((module_name, name, value))
    return found


@pytest.mark.parametrize("module", MODULES)
def test_every_module_has_a_reference_page_in_the_toc(module: str) -> None:
    page = ROOT / "book" / "api" / f"{module}.md"
    assert page.is_file(), f"no reference page for momentum_lib.{module}: add {page}"
    assert f".. automodule:: momentum_lib.{module}" in page.read_text(encoding="utf-8")
    assert f"book/api/{module}" in (ROOT / "_toc.yml").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("module", "name", "value"), public_callables(), ids=lambda x: x if isinstance(x, str) else ""
)
def test_introduced_in_names_the_first_chapter_that_uses_it(module, name, value) -> None:
    users = [n for n, code in chapter_code().items() if re.search(rf"\b{re.escape(name)}\b", code)]
    said = INTRODUCED.search(inspect.getdoc(value) or "")
    if not users:
        return  # no chapter names it: nothing to drift from
    assert said is not None, (
        f"momentum_lib.{module}.{name} has no 'Introduced in chapter N' line; chapter "
        f"{users[0]} is the first to use it"
    )
    assert int(said[1]) == users[0], (
        f"momentum_lib.{module}.{name} says 'Introduced in chapter {said[1]}', but chapter "
        f"{users[0]} is the first to use it"
    )
