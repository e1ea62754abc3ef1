"""SIGTERM during a batch: exit 130, finished reports kept, no partial files, --resume finishes the rest."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.helpers.paths import ROOT

pytestmark = [pytest.mark.notebooks, pytest.mark.xdist_group("notebooks")]


def _manifest(out: Path) -> dict | None:
    for p in out.glob("s-*/manifest.json"):
        try:
            return json.loads(p.read_text(encoding="utf-8"))
        except json.JSONDecodeError:  # pragma: no cover - atomic writes make this impossible
            pytest.fail(f"half-written manifest {p}")
    return None


@pytest.mark.skipif(os.name == "nt", reason="POSIX signals")
def test_sigterm_keeps_finished_reports_and_resume_completes(tmp_path):
    out = tmp_path / "out"
    yml = tmp_path / "s.yaml"
    yml.write_text(f'name: s\ndataset: {ROOT / "data" / "quang_ninh"}\nunits: ["193", "194", "195", "196"]\n'
                   f'key_indicators: ["CT16"]\noutput: {out}\njobs: 1\n', encoding="utf-8")
    env = dict(os.environ, PYTHONUTF8="1")
    cmd = [sys.executable, "-m", "ctxh_plan", "batch", str(yml), "--no-progress"]
    proc = subprocess.Popen(cmd, cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.time() + 240
    done_before: list[str] = []
    while time.time() < deadline and proc.poll() is None:
        man = _manifest(out)
        if man:
            done_before = [k for k, r in man["reports"].items() if r["status"] == "ok"]
            if done_before:
                break
        time.sleep(0.2)
    assert done_before, "no report finished in time"
    proc.send_signal(signal.SIGTERM)
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 130, err
    assert "Traceback" not in err
    run_dir = next(out.glob("s-*"))
    man = json.loads((run_dir / "manifest.json").read_text(encoding="utf-8"))
    assert man["status"] == "interrupted" and man["finished_at"]
    assert not list(run_dir.rglob(".tmp-ctxh-*")), "partial files left"
    for key in done_before:  # what finished before the signal is intact and readable
        rep = man["reports"][key]
        assert rep["status"] == "ok"
        json.loads((run_dir / rep["notebook"]).read_text(encoding="utf-8"))
        assert (run_dir / rep["html"]).read_text(encoding="utf-8").rstrip().endswith("</html>")
    pending = [k for k, r in man["reports"].items() if r["status"] != "ok"]
    assert pending, "the batch finished before the signal; nothing to resume"
    res = subprocess.run(cmd + ["--resume"], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300,
                         check=False)
    assert res.returncode == 0, res.stderr
    man2 = json.loads((run_dir / "manifest.json").read_text(encoding="utf-8"))
    assert all(r["status"] == "ok" for r in man2["reports"].values())
    assert man2["resumed"] is True
    assert f"{len(man['reports']) - len(pending)}" in res.stdout  # "Reused … : n"
