"""The markers work: a test that starts a Jupyter kernel without the ``notebooks`` marker fails (so
``-m "not notebooks"`` stays the fast subset), and the markers are registered."""
from __future__ import annotations

import subprocess
import sys
import tomllib

import pytest

from tests.helpers.paths import ROOT


def test_a_kernel_launch_without_the_notebooks_marker_is_refused():
    """jupyter_client starts a kernel as ``python -m ipykernel_launcher -f …``: that command line is refused here
    (this test has no ``notebooks`` marker); the refusal names the marker and how to fix it."""
    with pytest.raises(RuntimeError, match=r"has no `notebooks` marker — fix: add pytest\.mark\.notebooks"):
        subprocess.run([sys.executable, "-m", "ipykernel_launcher", "--version"], capture_output=True, check=False)
    from tests import conftest

    refused, conftest._RUNNING.refused = conftest._RUNNING.refused, []  # do not fail this test at teardown
    assert refused and "ipykernel_launcher" in refused[0]


def test_other_commands_still_run_without_the_marker():
    out = subprocess.run([sys.executable, "-c", "print('ok')"], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "ok"


@pytest.mark.notebooks
def test_a_test_with_the_marker_may_launch_a_kernel_command():
    """The guard lets a ``notebooks`` test through (``ipykernel_launcher --version`` only prints a version)."""
    out = subprocess.run([sys.executable, "-m", "ipykernel_launcher", "--version"], capture_output=True, text=True,
                         check=False, timeout=60)
    assert out.returncode == 0 and out.stdout.strip()[0].isdigit(), out.stderr[-500:]


def test_markers_are_registered_and_strict():
    ini = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["pytest"]["ini_options"]
    names = {m.split(":", 1)[0] for m in ini["markers"]}
    assert "notebooks" in names and "slow" not in names  # one marker for the long tests: the fast subset
    assert "--strict-markers" in ini["addopts"]


@pytest.mark.notebooks  # end-to-end: a pytest run with two workers inside the test (~5 s of CPU)
def test_loadgroup_keeps_a_group_on_one_worker():
    """Under ``-n 2 --dist loadgroup`` the tests of a module (its implicit group) run on one worker and an
    explicit group (``tracking``) is named in the test id: what the scheduler reads (tests/conftest.py)."""
    import re

    nodes = ["tests/data/test_numbers_parse.py::test_49980_is_never_49_98",
             "tests/data/test_numbers_parse.py::test_percent_and_approximate",
             "tests/data/test_numbers_parse.py::test_format",
             "tests/commands/test_tracking_cli.py::test_usage_errors"]
    out = subprocess.run([sys.executable, "-m", "pytest", "-n", "2", "--dist", "loadgroup", "-v",
                          "-p", "no:cacheprovider", *nodes],
                         cwd=ROOT, capture_output=True, text=True, check=False, timeout=300).stdout
    ran = {node: worker for worker, node in re.findall(r"^\[(gw\d)\] .*?PASSED (\S+)", out, flags=re.M)}
    assert len(ran) == 4, out[-3000:]
    assert any(n.endswith("::test_usage_errors@tracking") for n in ran), sorted(ran)
    workers = {w for n, w in ran.items() if n.endswith("@data/test_numbers_parse")}
    assert len(workers) == 1 and len([n for n in ran if "test_numbers_parse" in n]) == 3, ran


def test_no_test_module_imports_the_notebook_libraries_at_collection():
    """Each xdist worker imports every test module: nbformat (jsonschema's IRI grammar, ~1 s), nbconvert, nbclient
    and papermill are imported inside the tests that use them, so the fast subset does not pay for them."""
    import ast

    heavy = {"nbformat", "nbconvert", "nbclient", "papermill", "nbval"}
    modules = sorted((ROOT / "tests").rglob("*.py"))
    assert len(modules) > 60
    offenders = []
    for path in modules:
        for node in ast.parse(path.read_text(encoding="utf-8")).body:  # top level only
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else \
                [node.module or ""] if isinstance(node, ast.ImportFrom) else []
            offenders += [f"{path.relative_to(ROOT)}: {n}" for n in names if n.split(".")[0] in heavy]
    assert not offenders, offenders
