"""Warm-kernel runner: reused kernels give fresh-kernel outputs, errors are kept, parameters never run code."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from ctxh_plan.batch.kernels import ERROR_BANNER_TAG, NotebookJob, run_jobs
from tests.helpers.paths import ROOT

pytestmark = [pytest.mark.notebooks, pytest.mark.xdist_group("notebooks")]
LIGHT = ("matplotlib",)  # tiny notebooks need no pandas warm-up

LEAKY = [
    "x: int = 1  # a number\nname: str = 'a'  # a text",
    # state that would leak from one notebook into the next without a reset
    "import warnings, os, matplotlib\n"
    "print(sorted(k for k in globals() if not k.startswith('_')))\n"
    "print('leaked' if 'secret' in globals() else 'clean', matplotlib.rcParams['lines.linewidth'], "
    "os.path.basename(os.getcwd()))\n"
    "warnings.warn('shown once per kernel unless filters are reset', stacklevel=1)",
    "secret = x * 10\nmatplotlib.rcParams['lines.linewidth'] = 9\nos.chdir('/')\nsecret",
    "from matplotlib.figure import Figure\nfig = Figure(figsize=(2, 1)); fig.add_subplot().plot([1, 2], [x, x + 1])\n"
    "import io; b = io.BytesIO(); fig.savefig(b, format='png', metadata={'Software': None}); len(b.getvalue()) > 0",
]


def _notebook(path: Path, sources: list[str]) -> Path:
    import nbformat

    cells = [nbformat.v4.new_code_cell(s) for s in sources]
    cells[0].metadata["tags"] = ["parameters"]
    nb = nbformat.v4.new_notebook(cells=cells)
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, str(path))
    return path


def _outputs(path: Path) -> list:
    nb = json.loads(path.read_text(encoding="utf-8"))
    out = []
    for c in nb["cells"]:
        if c["cell_type"] != "code":
            continue
        outs = []
        for o in c.get("outputs", []):
            o = dict(o)
            if o.get("name") == "stderr":  # warning text carries the kernel's temp path; compare the message
                o["text"] = [t for t in "".join(o["text"]).splitlines() if "UserWarning" in t
                             for t in [t.split("UserWarning")[1]]]
            outs.append(o)
        out.append((c["execution_count"], outs))
    return out


def test_reused_kernel_outputs_equal_fresh_kernel_outputs(tmp_path):
    tpl = _notebook(tmp_path / "leaky.ipynb", LEAKY)
    jobs = lambda d: [NotebookJob(str(i), tpl, {"x": i, "name": f"n{i}"}, tmp_path / d / f"{i}.ipynb")  # noqa: E731
                      for i in range(3)]
    reused = run_jobs(jobs("reused"), workers=1, reuse=True, cwd=tmp_path, warmup=LIGHT)
    fresh = run_jobs(jobs("fresh"), workers=1, reuse=False, cwd=tmp_path, warmup=LIGHT)
    assert [r.status for r in reused + fresh] == ["ok"] * 6
    for i in range(3):
        a, b = _outputs(tmp_path / "reused" / f"{i}.ipynb"), _outputs(tmp_path / "fresh" / f"{i}.ipynb")
        assert a == b, f"notebook {i}: reused kernel differs from a fresh kernel"
        text = json.dumps(a)
        assert "clean" in text and "leaked" not in text
        assert "shown once per kernel" in text  # the warning shows again in every notebook
        assert a[0][0] == 1  # execution counts restart at 1


def test_failing_notebook_is_kept_with_error_and_others_go_on(tmp_path):
    import nbformat

    tpl = _notebook(tmp_path / "t.ipynb", ["x: int = 0  # n",
                                           "if x == 2:\n    raise ValueError('unit 2 is broken')\nx + 1", "'after'"])
    res = run_jobs([NotebookJob(str(i), tpl, {"x": i}, tmp_path / f"o{i}.ipynb") for i in range(4)], workers=2,
                   cwd=tmp_path, warmup=LIGHT)
    by = {r.key: r for r in res}
    assert {k: r.status for k, r in by.items()} == {"0": "ok", "1": "ok", "2": "failed", "3": "ok"}
    assert by["2"].error == "ValueError: unit 2 is broken"
    nb = nbformat.read(str(tmp_path / "o2.ipynb"), as_version=4)
    assert ERROR_BANNER_TAG in nb.cells[0].metadata["tags"]
    failed_cell = next(c for c in nb.cells if c.cell_type == "code" and "raise" in c.source)
    assert failed_cell.outputs[-1]["output_type"] == "error" and failed_cell.outputs[-1]["ename"] == "ValueError"
    assert nb.cells[-1].outputs == []  # cells after the error did not run
    assert nb.metadata["ctxh_plan"]["status"] == "failed"
    assert not list(tmp_path.glob(".tmp-ctxh-*"))


def _param_notebook(tmp_path: Path) -> Path:
    """The real unit_report parameters + validation cells, then a cell showing the value."""
    import nbformat

    real = nbformat.read(str(ROOT / "notebooks" / "unit_report.ipynb"), as_version=4)
    code = [c for c in real.cells if c.cell_type == "code"][:2]
    nb = nbformat.v4.new_notebook(cells=code + [nbformat.v4.new_code_cell("print(repr(P['unit_code']))")])
    nb.metadata = real.metadata
    path = tmp_path / "params_only.ipynb"
    nbformat.write(nb, str(path))
    return path


def test_parameter_values_never_execute_code_and_unknown_names_fail(tmp_path):
    import nbformat

    tpl = _param_notebook(tmp_path)
    marker = tmp_path / "pwned"
    evil = f"19'3\"\nimport os; os.system('touch {marker}')  # \\n {{}}"
    jobs = [NotebookJob("evil", tpl, {"unit_code": evil}, tmp_path / "evil.ipynb"),
            NotebookJob("typo", tpl, {"unit_code": "193", "unit_cod": "194"}, tmp_path / "typo.ipynb"),
            NotebookJob("int", tpl, {"unit_code": 7}, tmp_path / "int.ipynb")]
    by = {r.key: r for r in run_jobs(jobs, workers=1, cwd=tmp_path)}
    assert by["evil"].status == "ok"
    nb = nbformat.read(str(tmp_path / "evil.ipynb"), as_version=4)
    assert nb.cells[-1].outputs[0]["text"].strip() == repr(evil)
    assert not marker.exists()
    assert by["typo"].status == "failed" and "ParameterError" in by["typo"].error and "unit_cod" in by["typo"].error
    assert by["int"].status == "failed" and "quote" in by["int"].error


def test_kernel_start_is_retried_once_with_a_longer_timeout(monkeypatch):
    import asyncio

    from ctxh_plan.batch import kernels as runner

    calls: list[float] = []

    async def clash_once(self, timeout):
        calls.append(timeout)
        if len(calls) == 1:
            raise RuntimeError("address already in use")

    monkeypatch.setattr(runner.WarmKernel, "_start", clash_once)
    asyncio.run(runner.WarmKernel(start_timeout=5).start())
    assert calls == [5, 10]

    async def always_fails(self, timeout):
        calls.append(timeout)
        raise RuntimeError("kernel died on start")

    calls.clear()
    monkeypatch.setattr(runner.WarmKernel, "_start", always_fails)
    with pytest.raises(RuntimeError, match="kernel died"):
        asyncio.run(runner.WarmKernel(start_timeout=5).start())
    assert calls == [5, 10]


def test_a_kernel_that_cannot_start_fails_its_job_visibly(tmp_path, monkeypatch):
    import nbformat

    from ctxh_plan.batch import kernels as runner

    async def never(self, timeout):
        raise RuntimeError("no kernel today")

    monkeypatch.setattr(runner.WarmKernel, "_start", never)
    tpl = _notebook(tmp_path / "t.ipynb", ["x: int = 0  # n", "x"])
    res = run_jobs([NotebookJob("a", tpl, {"x": 1}, tmp_path / "a.ipynb")], workers=1, start_timeout=1)
    assert [r.status for r in res] == ["failed"] and "no kernel today" in res[0].error
    nb = nbformat.read(str(tmp_path / "a.ipynb"), as_version=4)
    assert ERROR_BANNER_TAG in nb.cells[0].metadata["tags"]
