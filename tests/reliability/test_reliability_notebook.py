"""Notebook safety: injected parameters are literals and are validated before use; code-looking values
never run; a notebook writes only into its run folder and reads data only from the dataset and params.

The kernel test runs the real ``unit_report`` notebook on warm kernels (ctxh_plan.batch.kernels) with an
audit hook (``sys.addaudithook``) installed in the kernel at warm-up: every file opened for writing,
renamed, removed or created as a folder is logged, as is every data file (.csv/.xlsx/.yaml/.json)
opened for reading. HOME points at an empty folder so that nothing of the user's is touched.
"""
from __future__ import annotations

import ast
import hashlib
import json
import shutil
from pathlib import Path

import pytest

from ctxh_plan.batch.kernels import WARMUP_MODULES, NotebookJob, prepare_notebook, run_jobs
from tests.helpers.paths import ROOT, SMALL

pytestmark = pytest.mark.notebooks

UNIT_NB = ROOT / "notebooks" / "unit_report.ipynb"

NASTY = [
    '193"; import os; os.system("touch /tmp/ctxh_pwned"); "',
    "193'\nimport os\nos.system('touch /tmp/ctxh_pwned')\n'",
    "193\\\"\n__import__('os').system('id')",
    "{{ 1+1 }} ${HOME} $(id) `id` %(x)s",
    "Hạ Long — \u202e\x00 \r\n",
]


def _injected_source(nb) -> str:
    cells = [c for c in nb.cells if "injected-parameters" in c.metadata.get("tags", [])]
    assert len(cells) == 1
    return cells[0].source


@pytest.mark.parametrize("value", NASTY)
def test_injected_parameters_are_plain_literals(value):
    """papermill writes values with repr(): the injected cell is assignments of constants, nothing else,
    and every value reads back exactly as given."""
    params = {"unit_code": value, "dataset": value, "scenario": value, "lang": "vi", "rebase_to": "",
              "output_dir": value, "suppress_threshold": 5, "key_indicators": [value, "CT16"]}
    tree = ast.parse(_injected_source(prepare_notebook(UNIT_NB, params)))
    seen = {}
    for node in tree.body:
        assert isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name)
        assert not [n for n in ast.walk(node.value) if isinstance(n, (ast.Call, ast.Name, ast.Attribute,
                                                                        ast.Subscript, ast.BinOp))]
        seen[node.targets[0].id] = ast.literal_eval(node.value)
    assert seen == params


AUDIT_MODULE = '''\
"""Audit hook for tests/reliability/test_reliability_notebook.py: logs the kernel's writes and data reads."""
import json, os, sys

_log = open(os.environ["CTXH_AUDIT_LOG"], "a", encoding="utf-8", buffering=1)
_W = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_APPEND | os.O_TRUNC
_DATA = (".csv", ".xlsx", ".yaml", ".yml", ".json", ".ipynb")


def _hook(event, args):
    try:
        if event == "open" and isinstance(args[0], (str, bytes, os.PathLike)):
            path, mode, flags = os.fsdecode(args[0]), args[1] or "", args[2] or 0
            write = any(c in str(mode) for c in "wax+") or bool(flags & _W)
            if write or path.lower().endswith(_DATA):
                _log.write(json.dumps(["write" if write else "read", os.path.abspath(path)]) + "\\n")
        elif event in ("os.rename", "os.remove", "os.mkdir", "os.rmdir", "shutil.rmtree", "os.truncate"):
            p = args[1] if event == "os.rename" else args[0]
            if isinstance(p, (str, bytes, os.PathLike)):
                _log.write(json.dumps(["write", os.path.abspath(os.fsdecode(p))]) + "\\n")
    except Exception:  # an audit hook must never break the kernel
        pass


sys.addaudithook(_hook)
'''


@pytest.mark.xdist_group("notebooks")
def test_notebook_writes_only_into_its_run_folder_and_code_in_parameters_never_runs(tmp_path, monkeypatch):
    data = tmp_path / "dataset"
    shutil.copytree(SMALL, data)
    before = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in data.iterdir()}
    run = tmp_path / "run"
    home = tmp_path / "home"
    home.mkdir()
    mods = tmp_path / "mods"
    mods.mkdir()
    (mods / "ctxh_audit_probe.py").write_text(AUDIT_MODULE, encoding="utf-8")
    log = tmp_path / "audit.jsonl"
    marker = tmp_path / "pwned"
    monkeypatch.setenv("CTXH_AUDIT_LOG", str(log))
    monkeypatch.setenv("PYTHONPATH", f"{mods}:{ROOT}")
    monkeypatch.setenv("HOME", str(home))
    common = {"dataset": str(data), "scenario": "", "lang": "vi", "rebase_to": "", "suppress_threshold": 5,
              "key_indicators": ["CT16"]}
    ok = NotebookJob("193", UNIT_NB, {"unit_code": "193", **common, "output_dir": str(run / "figures")},
                     run / "notebooks" / "unit_193.ipynb")
    evil_code = f'193"\nopen({str(marker)!r}, "w").write("x")\n"'
    evil = NotebookJob("evil", UNIT_NB, {"unit_code": evil_code, **common, "output_dir": str(run / "figures")},
                       run / "notebooks" / "unit_evil.ipynb")
    bad_type = NotebookJob("bad", UNIT_NB, {"unit_code": 193, **common, "output_dir": str(run / "figures")},
                           run / "notebooks" / "unit_bad.ipynb")
    results = {r.key: r for r in run_jobs([ok, evil, bad_type], workers=1, cwd=tmp_path,
                                          warmup=(*WARMUP_MODULES, "ctxh_audit_probe"))}

    # the code-looking unit name is only a (wrong) unit code; the int is refused before any use
    assert results["193"].status == "ok", results["193"].error
    assert results["evil"].status == "failed" and "ParameterError" in results["evil"].error
    assert "not a unit of the dataset" in results["evil"].error
    assert results["bad"].status == "failed" and "unit_code" in results["bad"].error
    assert "must be str" in results["bad"].error
    assert not marker.exists(), "a parameter value was executed as code"
    assert (run / "figures" / "193.json").is_file()

    events = [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()]
    writes = sorted({p for kind, p in events if kind == "write"})
    reads = sorted({p for kind, p in events if kind == "read"})
    assert any(p.startswith(str(run / "figures") + "/") for p in writes), "the audit hook missed the figures"
    allowed_w = (str(run) + "/", str(home) + "/", "/dev/")
    outside = [p for p in writes if not (p + "/").startswith(allowed_w)]  # (the run folder itself is made too)
    assert not outside, f"the notebook wrote outside its run folder: {outside}"
    assert not [p for p in writes if p.startswith((str(ROOT) + "/", str(data) + "/"))]
    data_reads = [p for p in reads if not p.startswith(str(home) + "/")]
    allowed_r = (str(data) + "/", str(ROOT / "params") + "/", str(ROOT / "data" / "reference") + "/",
                 str(ROOT / "ctxh_plan") + "/", str(ROOT / "notebooks") + "/", str(run) + "/")
    import sys

    prefixes = tuple({sys.prefix, sys.base_prefix, str(Path(sys.executable).resolve().parent.parent)})
    foreign = [p for p in data_reads if not p.startswith(allowed_r) and not p.startswith(prefixes)]
    assert not foreign, f"the notebook read data files outside the dataset and params: {foreign}"
    assert any(p.startswith(str(data) + "/") for p in data_reads), "the dataset read was not seen"
    after = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in data.iterdir()}
    assert after == before, "the dataset folder changed"
