"""Shared test fixtures and the rule of the ``notebooks`` marker. Area-specific fixtures live in their own
test files; paths in tests/helpers/paths.py.

Markers (registered in pyproject.toml, ``--strict-markers``): ``notebooks`` = a long end-to-end test: it starts
a Jupyter kernel (papermill, nbval, the batch, the warm-kernel pool, dask), or runs a whole province through the
commands without one (a handful, each saying so); ``-m "not notebooks"`` is the fast subset (under a minute).
The kernel rule is enforced: a test without the marker that launches a kernel in the test process fails, naming
the marker (see :func:`_kernels_only_under_the_notebooks_marker`).
"""
from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from tests.helpers.paths import EMBEDDED, QN26, ROOT

os.environ.setdefault("MPLBACKEND", "Agg")

class _Running:
    """The test running now in this process, whether it may start kernels, the kernel launches refused."""

    def __init__(self) -> None:
        self.nodeid: str | None = None
        self.kernels_allowed = True
        self.refused: list[str] = []


_RUNNING = _Running()

#: words of a command line that starts a Jupyter kernel (jupyter_client launches ``python -m ipykernel_launcher``)
_KERNEL_WORDS = ("ipykernel_launcher", "ipykernel")


def _refuse_kernels_outside_the_marker(event: str, args: tuple) -> None:
    """Audit hook: a kernel launched (``subprocess.Popen``) by a test without the ``notebooks`` marker."""
    if event != "subprocess.Popen" or _RUNNING.kernels_allowed:
        return
    argv = args[1] if len(args) > 1 else None
    words = [str(a) for a in argv] if isinstance(argv, (list, tuple)) else [str(argv)]
    if any(w in part for part in words for w in _KERNEL_WORDS):
        _RUNNING.refused.append(" ".join(words)[:200])
        raise RuntimeError(f"{_RUNNING.nodeid} starts a Jupyter kernel but has no `notebooks` marker — fix: "
                           "add pytest.mark.notebooks (and xdist_group('notebooks')) so `-m \"not notebooks\"` "
                           "stays the fast subset")


sys.addaudithook(_refuse_kernels_outside_the_marker)


#: tests that run after all others (in collection order among themselves)
_LAST = ("tests/batch/test_batch_dask.py::",)


def _groups(item) -> str:
    """The ``xdist_group`` names of a test, joined as pytest-xdist joins them ('' when none)."""
    names = {str(m.args[0] if m.args else m.kwargs.get("name", "default")) for m in item.iter_markers("xdist_group")}
    return "_".join(sorted(names))


@pytest.hookimpl(wrapper=True)
def pytest_collection_modifyitems(config, items):
    """Order and groups for ``--dist loadgroup`` (pyproject's addopts).

    Before the other hooks: the dask runs move to the end (see ``_LAST``); a test without an ``xdist_group``
    joins the group of its module, so a module's tests run on one worker and its module-scoped fixtures (a
    written appendix, a loaded dataset) are built once; explicit groups (``notebooks``, ``tracking``) keep
    their tests together across modules.

    After them, in an xdist worker: the group goes into the test id (``…::test_x@group``), which is what the
    loadgroup scheduler reads. pytest-xdist 3.8 writes it to ``item._nodeid``, which pytest 9 no longer reads
    (its ids live in ``item._id``), so without this every group would be split across the workers."""
    # the dask runs last: after a dask worker is SIGKILLed (test_batch_dask), a kernel started later in the same
    # process sometimes waits out its 600 s cell timeout (seen for test_notebooks_rerun, 2 runs in 3)
    items[:] = sorted(items, key=lambda item: item.nodeid.startswith(_LAST))
    for item in items:
        if item.get_closest_marker("xdist_group") is None:
            module = item.nodeid.split("::", 1)[0].removeprefix("tests/").removesuffix(".py")
            item.add_marker(pytest.mark.xdist_group(module))
    result = yield
    if getattr(config.option, "loadgroup", False):
        from _pytest.nodeid import NodeId

        for item in items:
            suffix = "@" + _groups(item)
            if suffix != "@" and not item.nodeid.endswith(suffix) and hasattr(item, "_id"):
                item._id = NodeId.parse(item.nodeid + suffix)
    return result


@pytest.fixture(autouse=True)
def _kernels_only_under_the_notebooks_marker(request):
    """Tests without the ``notebooks`` marker may not start a kernel: the launch raises, and the test fails at
    teardown even when the code under test caught that error (a batch records a failed unit and goes on)."""
    _RUNNING.nodeid = request.node.nodeid
    _RUNNING.kernels_allowed = request.node.get_closest_marker("notebooks") is not None
    _RUNNING.refused = []
    yield
    refused, _RUNNING.refused = _RUNNING.refused, []
    _RUNNING.nodeid, _RUNNING.kernels_allowed = None, True
    if refused:
        pytest.fail(f"{request.node.nodeid} started a Jupyter kernel without the `notebooks` marker: {refused[0]}",
                    pytrace=False)


@pytest.fixture(scope="session")
def project_root() -> Path:
    return ROOT


@pytest.fixture(scope="session")
def embedded_data_dir() -> Path:
    return EMBEDDED


# --------------------------------------------------------------------------- the 2026 tracking folder

@pytest.fixture(scope="session")
def qn26_history():
    """The history of the illustrative 2026 tracking folder (``data/quang_ninh_2026``), loaded and re-based
    once per test process (``load_history`` takes ~2 s); shared by the tracking tests and the tracking CLI."""
    from ctxh_plan.tracking.folder import load_history, read_tracking_folder

    return load_history(read_tracking_folder(QN26))


@pytest.fixture(scope="session")
def qn26_context(qn26_history):
    """The opened tracking folder (plan, causes, calendar) on the shared history; its forecasts are computed by
    the first run and kept on it. Tests must not change it (copy a table before editing it)."""
    from ctxh_plan.tracking.run import open_tracking

    return open_tracking(QN26, history=qn26_history)


@pytest.fixture(scope="session")
def qn26_h1(qn26_context):
    """The tracking run of 2026-H1 on the shared context (read only)."""
    from ctxh_plan.tracking.run import run_tracking

    return run_tracking(qn26_context, "2026-H1")


@pytest.fixture(scope="session")
def qn26_fy(qn26_context):
    """The tracking run of the year 2026 on the shared context (read only)."""
    from ctxh_plan.tracking.run import run_tracking

    return run_tracking(qn26_context, "2026")


# --------------------------------------------------------------------------- the embedded dataset

@pytest.fixture(scope="session")
def embedded_plan():
    """``(dataset, evaluation table, projection)`` of the embedded illustrative dataset: those of the reports'
    plan (``load_plan("")``: load_dataset → evaluate_dataset → project_dataset), so a process computes them
    once for these tests and for the report tests (their modules share the ``embedded_plan`` xdist group, so
    one worker computes it). Read only: ``Dataset`` hands out copies; copy a table before editing it."""
    from ctxh_plan.reports.plan import load_plan

    plan = load_plan("")
    return plan.dataset, plan.evaluation(), plan.projection("")
