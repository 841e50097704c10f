"""Regenerate the stored outputs of the book's notebooks: the one command after a deliberate change.

    python .ci/execute_notebooks.py              # every notebook in book/, two at a time
    python .ci/execute_notebooks.py book/03_momentum.ipynb
    python .ci/execute_notebooks.py --output DIR NOTEBOOK...   # write the results to DIR

Run it after ``source .ci/environment.sh`` (the README's command), as the tests run: NumPy
and OpenBLAS then take the same code paths on every x86-64 CPU with AVX2.

Each notebook runs top to bottom in a fresh kernel (working directory: its own
folder), its outputs are stored, and the metadata that only adds noise to diffs
(execution timings, widget state) is removed. Review the diff of the printed numbers
before committing: the stored outputs are nbval's reference. A notebook that fails
is reported and the others go on; the exit status is then 1.
"""

from __future__ import annotations

import argparse
import multiprocessing
import pathlib
import sys
import time
import uuid
from concurrent.futures import ProcessPoolExecutor

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


def execute(path: pathlib.Path, target: pathlib.Path) -> str:
    """Run one notebook and write it to ``target``; a line for the log."""
    notebook = nbformat.read(path, as_version=4)
    start = time.perf_counter()
    try:
        # "immediate": stop the kernel without a shutdown request, which a kernel with
        # live widget comms (chapter 9) can leave hanging.
        NotebookClient(
            notebook,
            timeout=300,
            kernel_name="python3",
            shutdown_kernel="immediate",
            resources={"metadata": {"path": str(path.parent)}},
        ).execute()
    except Exception as error:  # reported with the notebook's name; the others go on
        return f"FAILED {path.name}: {type(error).__name__}: {error}"
    seconds = time.perf_counter() - start
    clean(notebook)
    nbformat.write(notebook, target)
    return f"{path.name}: {seconds:.1f} s"


def main(arguments: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="*", type=pathlib.Path)
    parser.add_argument("--output", type=pathlib.Path, help="write here instead of in place")
    parser.add_argument("--jobs", type=int, default=2, help="notebooks run at once (2)")
    options = parser.parse_args(arguments)
    paths = [p.resolve() for p in options.notebooks] or sorted(BOOK.glob("*.ipynb"))
    if options.output is not None:
        options.output.mkdir(parents=True, exist_ok=True)
    targets = [path if options.output is None else options.output / path.name for path in paths]
    # A fresh process per notebook ("spawn", one task each): no kernel client, zmq
    # context or event loop is shared or inherited between two notebooks.
    with ProcessPoolExecutor(
        max_workers=max(1, options.jobs),
        mp_context=multiprocessing.get_context("spawn"),
        max_tasks_per_child=1,
    ) as pool:
        lines = list(pool.map(execute, paths, targets))
    for line in lines:
        print(line, flush=True)
    return 1 if any(line.startswith("FAILED") for line in lines) else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
