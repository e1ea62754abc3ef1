"""The batch on dask.distributed: bad --scheduler values, the same files as the local kernel pool,
a worker killed mid-run (its unit retried once, every unit reported), --resume on dask.

The checks of ``--scheduler`` values start no kernel and stay in the fast subset; the runs on dask carry the
``notebooks`` marker."""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from ctxh_plan.batch import run_batch
from ctxh_plan.batch.engines import LocalEngine, parse_scheduler
from ctxh_plan.batch.run import make_engine
from ctxh_plan.cli import main as cli_main
from ctxh_plan.errors import EXIT_USAGE, UsageError
from tests.helpers.paths import ROOT

UNITS = ["193", "194", "195"]
pytestmark = pytest.mark.xdist_group("notebooks")


# --------------------------------------------------------------------------- --scheduler values

@pytest.mark.parametrize("value", ["local:0", "local:", "local:two", "local", "local:-1", "foo", "tcp://host",
                                   "http://host:8786", "host:99999", "", "tcp://:8786", "a b:1"])
def test_bad_scheduler_values_are_usage_errors(value):
    with pytest.raises(UsageError, match="--scheduler") as info:
        parse_scheduler(value)
    assert "fix:" in str(info.value) and "\n" not in str(info.value)


def test_scheduler_values_parse():
    assert parse_scheduler("local:2").local_workers == 2 and parse_scheduler("LOCAL:1").is_local
    assert parse_scheduler("10.0.0.5:8786").address == "tcp://10.0.0.5:8786"
    assert parse_scheduler("tls://sched.example.org:8786").address == "tls://sched.example.org:8786"
    assert parse_scheduler("tcp://[::1]:8786").address == "tcp://[::1]:8786"
    assert not parse_scheduler("tcp://h:1").is_local
    assert isinstance(make_engine(None, jobs=3), LocalEngine) and make_engine(None, jobs=3).workers == 3


def test_choosing_an_engine_does_not_import_dask():
    code = ("import sys; from ctxh_plan.batch.run import make_engine; "
            "make_engine(None, jobs=2); print(','.join(m for m in ('dask', 'distributed') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert out == ""


@pytest.mark.parametrize("args", [["--scheduler", "local:0"], ["--scheduler", "nowhere"],
                                  ["--scheduler", "local:2", "--jobs", "2"]])
def test_cli_bad_scheduler_is_one_line_and_exit_2(args, capsys):
    code = cli_main(["batch", str(ROOT / "params" / "quang_ninh.yaml"), "--no-progress", *args])
    err = capsys.readouterr().err.strip()
    assert code == EXIT_USAGE
    assert len(err.splitlines()) == 1 and "fix:" in err and "Traceback" not in err


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.notebooks
def test_cli_unreachable_scheduler_is_exit_2(tmp_path):
    res = subprocess.run([sys.executable, "-m", "ctxh_plan", "batch", str(ROOT / "params" / "quang_ninh.yaml"),
                          "--no-progress", "--output", str(tmp_path), "--scheduler", f"127.0.0.1:{_free_port()}"],
                         capture_output=True, text=True, timeout=120, env=dict(os.environ, PYTHONUTF8="1"), check=False)
    assert res.returncode == EXIT_USAGE, res.stderr
    err = res.stderr.strip()
    assert len(err.splitlines()) == 1 and "dask scheduler" in err and "Traceback" not in err
    assert not list(tmp_path.iterdir()), "nothing is written when the scheduler cannot be reached"


# --------------------------------------------------------------------------- runs on a LocalCluster

def _batch_file(tmp: Path, name: str, units: list[str]) -> Path:
    data = tmp / "data"
    if not data.exists():
        shutil.copytree(ROOT / "data" / "quang_ninh", data)
    yml = tmp / f"{name}.yaml"
    yml.write_text(f'name: {name}\ndataset: {data}\nunits: {json.dumps(units)}\nsuppress_threshold: 5\n'
                   f'key_indicators: ["CT16", "DROWNING_DEATHS"]\noutput: {tmp / "out"}\njobs: 2\n', encoding="utf-8")
    return yml


def _hashes(run_dir: Path) -> dict[str, str]:
    return {p.relative_to(run_dir).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(run_dir.rglob("*")) if p.is_file() and p.name != "manifest.json"}


@pytest.fixture(scope="module")
def local_then_dask(tmp_path_factory):
    """The same batch on the local kernel pool, then on ``--scheduler local:2`` into the same folder."""
    tmp = tmp_path_factory.mktemp("dask_same")
    yml = _batch_file(tmp, "d", UNITS)
    local = run_batch(yml, progress=False)
    before = _hashes(local.run_dir)
    shutil.copytree(local.run_dir, tmp / "local_copy")  # to show what differs, if anything does
    dask = run_batch(yml, progress=False, scheduler="local:2")
    return yml, local, before, dask


def _difference(first: Path, second: Path, limit: int = 60) -> str:
    """The first lines of a unified diff of two text files (what a failed comparison shows)."""
    import difflib

    a = first.read_text(encoding="utf-8", errors="replace").splitlines()
    b = second.read_text(encoding="utf-8", errors="replace").splitlines()
    lines = list(difflib.unified_diff(a, b, "local pool", "dask", lineterm="", n=1))
    return "\n".join(line[:300] for line in lines[:limit])



@pytest.mark.notebooks
def test_dask_engine_writes_the_same_files_as_the_local_pool(local_then_dask):
    _yml, local, before, dask = local_then_dask
    assert local.exit_code == 0 and dask.exit_code == 0
    assert dask.run_id == local.run_id  # the engine is not an input: same run folder
    after = _hashes(dask.run_dir)
    assert sorted(after) == sorted(before)
    kinds = {p.split("/")[0] for p in after}
    assert {"notebooks", "html", "figures", "appendices"} <= kinds
    assert any(p.endswith(".docx") for p in after) and any(p.endswith(".xlsx") for p in after)
    changed = [p for p in after if after[p] != before[p]]
    copy = dask.run_dir.parents[1] / "local_copy"  # (the fixture's folder: out/<run> is inside it)
    shown = "\n\n".join(f"{p}:\n{_difference(copy / p, dask.run_dir / p)}" for p in changed[:2]
                         if p.endswith((".ipynb", ".html", ".svg", ".csv")))
    assert changed == [], f"files differ between the local pool and dask: {changed}\n{shown}"
    man = json.loads((dask.run_dir / "manifest.json").read_text(encoding="utf-8"))
    assert man["engine"]["name"] == "dask" and man["engine"]["scheduler"] == "local:2"
    assert len(man["engine"]["workers"]) == 2 and man["engine"]["lost_workers"] == []
    assert {r["worker"] for r in man["reports"].values()} <= set(man["engine"]["workers"])
    assert all(r["attempts"] == 1 and r["status"] == "ok" for r in man["reports"].values())


@pytest.mark.notebooks
def test_resume_on_dask_redoes_only_what_is_missing(local_then_dask):
    yml, _local, before, dask = local_then_dask
    run_dir = dask.run_dir
    (run_dir / "html" / "unit_194.html").unlink()
    (run_dir / "appendices" / "phu_luc_195.xlsx").unlink()
    res = run_batch(yml, progress=False, resume=True, scheduler="local:2")
    assert res.run_dir == run_dir and res.exit_code == 0
    assert sorted(res.skipped) == ["193", "province"]
    assert _hashes(run_dir) == before  # rebuilt byte for byte
    man = json.loads((run_dir / "manifest.json").read_text(encoding="utf-8"))
    assert man["resumed"] is True and man["engine"]["name"] == "dask"


@pytest.mark.notebooks
def test_a_worker_killed_mid_run_costs_one_retry_and_every_unit_is_reported(tmp_path):
    from ctxh_plan.batch.dask_engine import DaskEngine

    units = ["193", "194", "195"]
    yml = _batch_file(tmp_path, "k", units)
    engine = DaskEngine(parse_scheduler("local:2"))
    killed: dict[str, str] = {}

    def killer() -> None:
        """Wait until a unit notebook has run for 2 s on some worker, then SIGKILL that worker's process
        (its pid asked from the worker itself: ``client.run(os.getpid)``)."""
        deadline = time.time() + 240
        first_seen: dict[str, float] = {}
        while time.time() < deadline and not killed:
            client = engine.client
            try:
                processing = client.processing() if client is not None else {}
            except Exception:
                processing = {}
            for addr, keys in processing.items():
                for key in keys:
                    k = str(key)
                    if not k.startswith("ctxh_notebook-") or k.startswith("ctxh_notebook-province"):
                        continue
                    first_seen.setdefault(k, time.time())
                    if time.time() - first_seen[k] > 2.0:
                        pid = client.run(os.getpid, workers=[addr])[addr]
                        killed.update(unit=k.split("-")[1], worker=addr)
                        os.kill(pid, signal.SIGKILL)
                        return
            time.sleep(0.2)

    t = threading.Thread(target=killer, daemon=True)
    t.start()
    res = run_batch(yml, progress=False, engine=engine)
    t.join(5)
    assert killed, "no unit notebook was seen running"
    assert res.exit_code == 0, res.errors
    assert res.statuses == {"province": "ok", **dict.fromkeys(units, "ok")}
    man = json.loads((res.run_dir / "manifest.json").read_text(encoding="utf-8"))
    assert man["status"] == "ok"
    rep = man["reports"][killed["unit"]]
    assert rep["attempts"] == 2 and rep["worker"] != killed["worker"]
    assert killed["worker"] in man["engine"]["lost_workers"]
    assert all(r["attempts"] == 1 for k, r in man["reports"].items() if k != killed["unit"])
    for r in man["reports"].values():  # every report complete on disk, nothing half-written
        assert (res.run_dir / r["notebook"]).is_file() and (res.run_dir / r["html"]).is_file()
        assert all((res.run_dir / a).is_file() for a in r["appendices"]) and len(r["appendices"]) == 2
    assert not list(res.run_dir.rglob(".tmp-ctxh-*"))
    index = (res.run_dir / "index.html").read_text(encoding="utf-8")
    assert all(f"html/unit_{u}.html" in index for u in units)


@pytest.mark.notebooks
@pytest.mark.skipif(os.name == "nt", reason="POSIX signals")
def test_ctrl_c_on_dask_is_one_line_exit_130_and_leaves_no_process(tmp_path):
    """Ctrl-C in a terminal signals the whole process group: driver, worker processes, kernels."""
    yml = _batch_file(tmp_path, "c", ["193", "194", "195", "196"])
    cmd = [sys.executable, "-m", "ctxh_plan", "batch", str(yml), "--no-progress", "--scheduler", "local:2"]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True,
                            env=dict(os.environ, PYTHONUTF8="1"))
    deadline, done = time.time() + 240, False
    while time.time() < deadline and proc.poll() is None and not done:
        for p in (tmp_path / "out").glob("c-*/manifest.json"):
            man = json.loads(p.read_text(encoding="utf-8"))
            done = any(r["status"] == "ok" for r in man["reports"].values())
        time.sleep(0.2)
    assert done, "no report finished in time"
    os.killpg(proc.pid, signal.SIGINT)
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 130, err
    assert err.strip().splitlines() == ["Interrupted / Đã dừng theo yêu cầu"], err
    run_dir = next((tmp_path / "out").glob("c-*"))
    man = json.loads((run_dir / "manifest.json").read_text(encoding="utf-8"))
    assert man["status"] == "interrupted" and man["engine"]["name"] == "dask"
    assert any(r["status"] == "pending" for r in man["reports"].values())
    assert not list(run_dir.rglob(".tmp-ctxh-*"))
    time.sleep(2)  # kernels and worker processes of the run are gone
    left = subprocess.run(["ps", "-o", "pid=", "-s", str(proc.pid)], capture_output=True, text=True,
                          check=False).stdout.split()
    assert left == []
