"""Refresh the outputs stored in the committed notebooks for nbval.

Only cells marked ``# NBVAL_CHECK_OUTPUT`` keep outputs (deterministic text lines);
every other cell is cleared. Run after a change of the embedded data or methods::

    .venv/bin/python -m ctxh_plan.batch.nbstore            # all notebooks in notebooks/

then check with ``pytest --nbval-lax notebooks/``.
"""
from __future__ import annotations

import sys
from pathlib import Path

__all__ = ["CHECK_MARK", "store_checked_outputs"]

CHECK_MARK = "NBVAL_CHECK_OUTPUT"


def store_checked_outputs(paths: list[Path], *, workers: int = 2) -> list[Path]:
    """Execute each notebook with its default parameters and store the outputs of checked cells.

    Parameters
    ----------
    paths : list of Path
        Notebooks to refresh (rewritten in place, atomically).

    Raises
    ------
    RuntimeError
        A notebook failed to run; nothing is rewritten for it.
    """
    import tempfile

    import nbformat

    from ctxh_plan.batch.kernels import NotebookJob, run_jobs, write_notebook

    with tempfile.TemporaryDirectory(prefix="ctxh-nbstore-") as tmp:
        jobs = [NotebookJob(p.stem, p, {}, Path(tmp) / p.name) for p in paths]
        results = {r.key: r for r in run_jobs(jobs, workers=workers, cwd=paths[0].parent)}
        failed = {k: r.error for k, r in results.items() if r.status != "ok"}
        if failed:
            raise RuntimeError(f"notebooks failed, nothing stored for them: {failed}")
        for p in paths:
            ran = {c.id: c for c in nbformat.read(str(Path(tmp) / p.name), as_version=4).cells}
            tpl = nbformat.read(str(p), as_version=4)
            for cell in tpl.cells:
                if cell.cell_type != "code":
                    continue
                if CHECK_MARK in cell.source:
                    cell.outputs = ran[cell.id].outputs
                    cell.execution_count = ran[cell.id].execution_count
                else:
                    cell.outputs, cell.execution_count = [], None
            write_notebook(tpl, p)
    return paths


if __name__ == "__main__":  # pragma: no cover - maintenance command
    from ctxh_plan.paths import notebooks_dir

    targets = [Path(a) for a in sys.argv[1:]] or sorted(notebooks_dir().glob("*.ipynb"))
    for path in store_checked_outputs(targets):
        print(f"stored checked outputs: {path}")
