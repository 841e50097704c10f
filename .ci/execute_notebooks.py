"""Regenerate the stored outputs of the book's notebooks: the one command after a deliberate change.

    python .ci/execute_notebooks.py              # every notebook in book/
    python .ci/execute_notebooks.py book/03_momentum.ipynb

Each notebook runs top to bottom in a fresh kernel (working directory book/), its
outputs are stored, and the metadata that only adds noise to diffs (execution
timings, widget state) is removed. Review the diff of the printed numbers before
committing: the stored outputs are nbval's reference.
"""

from __future__ import annotations

import pathlib
import sys
import time
import uuid

import nbformat
from nbclient import NotebookClient

ROOT = pathlib.Path(__file__).resolve().parent.parent
BOOK = ROOT / "book"
KEEP_CELL_METADATA = ("tags", "mystnb", "editable", "slideshow")


def coalesce_streams(outputs: list) -> list:
    """One output per run of stdout (or stderr) text: how the kernel split it is timing."""
    merged: list = []
    for output in outputs:
        previous = merged[-1] if merged else None
        if (
            output.output_type == "stream"
            and previous is not None
            and previous.output_type == "stream"
            and previous.name == output.name
        ):
            previous.text += output.text
        else:
            merged.append(output)
    return merged


def clean(notebook: nbformat.NotebookNode) -> None:
    notebook.metadata.pop("widgets", None)
    notebook.metadata.kernelspec = {
        "display_name": "Python 3 (ipykernel)",
        "language": "python",
        "name": "python3",
    }
    notebook.metadata.language_info = {"name": "python"}
    for cell in notebook.cells:
        cell.metadata = {k: v for k, v in cell.metadata.items() if k in KEEP_CELL_METADATA}
        # nbformat 4.5: every cell has an id. Keep the ids a notebook has (JupyterLab
        # would mark a notebook without them modified on opening); give new cells one.
        cell.setdefault("id", uuid.uuid4().hex[:8])
        if cell.cell_type == "code":
            cell.outputs = coalesce_streams(cell.outputs)
            for output in cell.outputs:
                output.get("metadata", {}).pop("execution", None)
                # A widget's view points at a model whose state is not stored (and whose
                # id is random): keep only its text form, so reruns leave no diff.
                output.get("data", {}).pop("application/vnd.jupyter.widget-view+json", None)
    notebook.nbformat, notebook.nbformat_minor = 4, 5


def execute(path: pathlib.Path) -> float:
    notebook = nbformat.read(path, as_version=4)
    start = time.perf_counter()
    NotebookClient(
        notebook, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(BOOK)}}
    ).execute()
    seconds = time.perf_counter() - start
    clean(notebook)
    nbformat.write(notebook, path)
    return seconds


def main(arguments: list[str]) -> None:
    paths = [pathlib.Path(a).resolve() for a in arguments] or sorted(BOOK.glob("*.ipynb"))
    for path in paths:
        print(f"{path.relative_to(ROOT)}: {execute(path):.1f} s", flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
