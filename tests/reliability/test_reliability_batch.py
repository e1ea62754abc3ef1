"""Nothing lost, nothing half-written, nothing identifying published: the batch under interruption.

One real batch (``ctxh-plan batch params/quang_ninh.yaml --units 193,194,195``, one kernel) is driven
through four runs in subprocesses:

A. interrupted with SIGINT once the first report is written;
B. ``--resume`` interrupted with SIGTERM once it has written a new report;
C. ``--resume`` to the end: only the missing reports run;
D. one finished report deleted, ``--resume`` again: it is rebuilt byte for byte.

After each interruption: exit code 130, no traceback, no temporary file, every notebook / HTML / JSON
present is complete and parseable, reports finished earlier are untouched, no kernel process is left.
The HTML reports of the finished run are then parsed: no small count of a sensitive indicator shows.
"""
from __future__ import annotations

import contextlib
import hashlib
import json
import math
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.helpers.paths import ROOT

pytestmark = [pytest.mark.notebooks, pytest.mark.xdist_group("notebooks"),
              pytest.mark.skipif(os.name == "nt", reason="POSIX signals")]
UNITS = ("193", "194", "195")
TMP_PREFIX = ".tmp-ctxh-"


def _procs(*, session: int | None = None, parent: int | None = None) -> list[int]:
    """Live processes of a session, or children of a process (kernels run in their own session)."""
    pids = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()  # state, ppid, pgrp, session, …
        except OSError:
            continue
        if fields[0] == "Z":
            continue
        if (session is not None and int(fields[3]) == session) or (parent is not None and int(fields[1]) == parent):
            pids.append(int(stat.parent.name))
    return pids


def _start_time(pid: int) -> str | None:
    """Start time of a live process (with the pid, identifies it even if the pid is reused later)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return None if fields[0] == "Z" else fields[19]  # field 22 of /proc/PID/stat


def _cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")[:200]
    except OSError:
        return "?"


def _alive(pid: int, started: str) -> bool:
    return _start_time(pid) == started


class Batch:
    """Runs of the same batch in a subprocess (own session, so that cleanup only touches our processes)."""

    def __init__(self, out: Path) -> None:
        self.out = out
        self.cmd = [sys.executable, "-m", "ctxh_plan", "batch", str(ROOT / "params" / "quang_ninh.yaml"),
                    "--units", ",".join(UNITS), "--output", str(out), "--jobs", "1", "--no-progress"]
        self.env = dict(os.environ, PYTHONUTF8="1")
        self.started: list[subprocess.Popen] = []
        self.kernels: dict[int, str] = {}  # pid → start time of the kernels our batches started

    def start(self, *extra: str) -> subprocess.Popen:
        proc = subprocess.Popen(self.cmd + list(extra), env=self.env, cwd=self.out.parent, text=True,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)
        self.started.append(proc)
        return proc

    def run(self, *extra: str, timeout: float = 300) -> tuple[int, str, str]:
        proc = self.start(*extra)
        try:
            out, err = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.kill_all()
            pytest.fail(f"the batch {' '.join(extra)} did not finish in {timeout} s")
        return proc.returncode, out, err

    def kill_all(self) -> list[int]:
        """SIGKILL whatever is left of the sessions we started (the batch and its kernels); return the pids."""
        left = [pid for proc in self.started for pid in _procs(session=proc.pid)]
        left += [pid for pid, t in self.kernels.items() if _alive(pid, t) and pid not in left]
        for pid in left:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        return left

    def run_dir(self) -> Path | None:
        dirs = [p for p in self.out.glob("quang_ninh-*") if p.is_dir() and not p.is_symlink()]
        return dirs[0] if dirs else None

    def manifest(self) -> dict | None:
        rd = self.run_dir()
        if rd is None or not (rd / "manifest.json").exists():
            return None
        return json.loads((rd / "manifest.json").read_text(encoding="utf-8"))  # atomic: never half-written

    def ok_keys(self) -> set[str]:
        man = self.manifest() or {"reports": {}}
        return {k for k, r in man["reports"].items() if r["status"] == "ok"}

    def interrupt_after(self, proc: subprocess.Popen, sig: int, more_than: set[str], timeout: float = 150):
        """Send ``sig`` once a report beyond ``more_than`` is written; return (rc, stderr, ok before signal)."""
        deadline = time.time() + timeout
        done: set[str] = set()
        mine: set[int] = set()
        while time.time() < deadline and proc.poll() is None:
            for pid in _procs(parent=proc.pid):  # the kernels this batch started
                self.kernels.setdefault(pid, _start_time(pid) or "")
                mine.add(pid)
            done = self.ok_keys()
            if done - more_than:
                break
            time.sleep(0.1)
        assert mine, "no kernel process seen: the orphan check would be empty"
        assert proc.poll() is None, f"the batch ended before it could be interrupted: {proc.communicate()}"
        assert done - more_than, "no report finished in time"
        proc.send_signal(sig)
        try:
            _, err = proc.communicate(timeout=90)
        except subprocess.TimeoutExpired:
            # what was still running, then a second signal (the batch kills its kernels) and what it wrote
            alive = {pid: _cmdline(pid) for pid in {*_procs(session=proc.pid), *_procs(parent=proc.pid)}}
            proc.send_signal(sig)
            try:
                _, err = proc.communicate(timeout=20)
            except subprocess.TimeoutExpired:
                err = "(no exit after a second signal either)"
            self.kill_all()
            pytest.fail(f"the batch did not stop within 90 s of signal {sig}; still running then: {alive}; "
                        f"manifest reports: {(self.manifest() or {}).get('reports', {})!r:.1500}; "
                        f"stderr: {(err or '')[-3000:]}")
        deadline = time.time() + 15
        while (_procs(session=proc.pid) or any(_alive(k, t) for k, t in self.kernels.items())) \
                and time.time() < deadline:
            time.sleep(0.2)
        left = self.kill_all()
        assert not left, f"processes left running after the interruption: {left}"
        return proc.returncode, err, done


def _digest(run_dir: Path) -> dict[str, str]:
    """sha256 of every report file (the manifest holds times and is compared separately)."""
    return {p.relative_to(run_dir).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(run_dir.rglob("*")) if p.is_file() and p.name not in ("manifest.json", "index.html")}


def _assert_complete(run_dir: Path) -> None:
    """No temporary name left; every file present parses completely."""
    import nbformat

    assert not [p for p in run_dir.rglob("*") if p.name.startswith(TMP_PREFIX)], "partial files left"
    assert not [p for p in run_dir.parent.iterdir() if p.name.startswith(TMP_PREFIX)]
    for p in run_dir.rglob("*.ipynb"):
        nb = nbformat.reads(p.read_text(encoding="utf-8"), as_version=4)
        nbformat.validate(nb)
        assert nb.metadata["ctxh_plan"]["status"] in ("ok", "failed")
    for p in run_dir.rglob("*.html"):
        assert p.read_text(encoding="utf-8").rstrip().endswith("</html>"), f"incomplete {p}"
    for p in run_dir.rglob("*.json"):
        json.loads(p.read_text(encoding="utf-8"))


def _strip_times(man: dict) -> dict:
    out = {k: v for k, v in man.items() if k not in ("started_at", "finished_at", "seconds")}
    out["reports"] = {k: {f: v for f, v in r.items() if f not in ("seconds", "worker")}
                      for k, r in man["reports"].items()}
    return out


@pytest.fixture(scope="module")
def interrupted_batch(tmp_path_factory, worker_id):
    """Run the scenario once per test session, even when the tests land on different xdist workers
    (the first worker runs it under a file lock, the others read its result)."""
    import fcntl
    import traceback

    base = tmp_path_factory.getbasetemp()
    shared = (base.parent if worker_id != "master" else base) / "rel_batch_shared"
    shared.mkdir(exist_ok=True)
    with open(shared / "lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        result = shared / "result.json"
        if not result.exists():
            b = Batch(shared / "outputs")
            try:
                res = {"ok": True, **{k: str(v) for k, v in _drive(b).items()}}
            except BaseException as exc:  # recorded for the other workers, then raised here
                res = {"ok": False, "error": "".join(traceback.format_exception_only(type(exc), exc))}
                result.write_text(json.dumps(res), encoding="utf-8")
                raise
            finally:
                b.kill_all()
            result.write_text(json.dumps(res), encoding="utf-8")
        res = json.loads(result.read_text(encoding="utf-8"))
    if not res["ok"]:
        pytest.fail(f"the interrupted-batch scenario failed on another worker: {res['error']}")
    return {"run_dir": Path(res["run_dir"]), "seconds": float(res["seconds"])}


def _drive(b: Batch) -> dict:
    t0 = time.perf_counter()

    # A. SIGINT after the first report is written
    rc, err, done_a = b.interrupt_after(b.start(), signal.SIGINT, set())
    assert rc == 130, err
    assert "Traceback" not in err and ("Interrupted" in err or "Đã dừng" in err), err
    run_dir = b.run_dir()
    man = b.manifest()
    assert man["status"] == "interrupted" and man["finished_at"]
    _assert_complete(run_dir)
    ok_a = b.ok_keys()
    assert done_a <= ok_a and len(ok_a) < 1 + len(UNITS), "the batch finished before SIGINT"
    files_a = dict(_digest(run_dir).items())

    # B. --resume, SIGTERM after it wrote one more report
    rc, err, _ = b.interrupt_after(b.start("--resume"), signal.SIGTERM, ok_a)
    assert rc == 130 and "Traceback" not in err, err
    _assert_complete(run_dir)
    ok_b = b.ok_keys()
    assert ok_a < ok_b, "the resumed run wrote nothing new"
    files_b = _digest(run_dir)
    for key in ok_a:  # reports finished in A are untouched by B
        stem = "province_summary" if key == "province" else f"unit_{key}"
        for rel in (f"notebooks/{stem}.ipynb", f"html/{stem}.html"):
            assert files_b[rel] == files_a[rel], f"{rel} changed by the resumed run"

    # C. --resume to the end: only what is missing runs
    rc, stdout, stderr = b.run("--resume")
    assert rc == 0, stderr
    man_c = b.manifest()
    assert man_c["status"] == "ok" and man_c["resumed"] is True
    assert {k for k, r in man_c["reports"].items() if r["status"] == "ok"} == {"province", *UNITS}
    assert f": {len(ok_b)}" in stdout, stdout  # "Dùng lại từ lần chạy trước: n"
    _assert_complete(run_dir)
    files_c = _digest(run_dir)
    assert all(files_c[rel] == h for rel, h in files_b.items()), "a finished report was rewritten by --resume"
    index_c = (run_dir / "index.html").read_bytes()

    # D. delete one finished report and resume: it is rebuilt identically
    victim = UNITS[-1]
    for rel in (f"notebooks/unit_{victim}.ipynb", f"html/unit_{victim}.html", f"figures/{victim}.json"):
        (run_dir / rel).unlink()
    rc, _, stderr = b.run("--resume")
    assert rc == 0, stderr
    files_d = _digest(run_dir)
    assert files_d == files_c, "re-running gave different outputs"
    assert (run_dir / "index.html").read_bytes() == index_c
    assert _strip_times(b.manifest()) == _strip_times(man_c), "manifest differs beyond times"
    return {"run_dir": b.run_dir(), "seconds": time.perf_counter() - t0}


def test_interrupted_batch_loses_nothing_and_resume_finishes_identically(interrupted_batch):
    """SIGINT and SIGTERM: exit 130, no partial file, earlier outputs intact; resume; identical re-run."""
    assert interrupted_batch["run_dir"].is_dir()


# --------------------------------------------------------------------------- privacy of the HTML reports

def _html_tables(path: Path) -> list[list[list[str]]]:
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
    tables = []
    for t in soup.find_all("table"):
        rows = [[c.get_text(" ", strip=True) for c in tr.find_all(["td", "th"])] for tr in t.find_all("tr")]
        tables.append([r for r in rows if r])
    return tables


_NUM = re.compile(r"^-?\d{1,3}(\.\d{3})*(,\d+)?$|^-?\d+(,\d+)?$")


def _vi_number(text: str) -> float | None:
    """A number written the Vietnamese way ('1.234,5'), optionally followed by '(2025)' or 'ước'."""
    head = text.split(" (")[0].split(" ")[0].strip()
    if not _NUM.match(head):
        return None
    return float(head.replace(".", "").replace(",", "."))


def _sensitive(catalog) -> tuple[set[str], dict[str, str]]:
    """Sensitive count codes; sensitive ratio codes → the indicator holding their count."""
    from ctxh_plan.vocab import Kind

    counts = {i.code for i in catalog if i.sensitive and i.kind in (Kind.COUNT, Kind.MONEY)}
    ratios = {i.code: (i.numerator or "") for i in catalog if i.sensitive and i.code not in counts}
    return counts, ratios


def test_html_reports_show_no_small_sensitive_count(interrupted_batch):
    """Every table of every HTML report: no sensitive count in 1..threshold-1, no rate built on one,
    and a hidden 2025 level is not repeated by the milestones or the 2030 target of its row."""
    import pandas as pd

    from ctxh_plan.data.catalog import load_catalog
    from ctxh_plan.present import load_publish_settings

    threshold = load_publish_settings().threshold
    cat = load_catalog()
    counts, ratios = _sensitive(cat)
    names = {i.name_vi: i.code for i in cat} | {i.name_en: i.code for i in cat}
    obs = pd.read_csv(ROOT / "data" / "quang_ninh" / "observations.csv", dtype=str, keep_default_na=False,
                      encoding="utf-8-sig")
    obs = obs[obs["period"].isin(["FY", ""])]
    value = {(u, i, int(y)): float(v) for u, i, y, v in zip(obs.unit_code, obs.indicator_code, obs.year, obs.value)}
    num = {(u, i, int(y)): float(n) for u, i, y, n in zip(obs.unit_code, obs.indicator_code, obs.year, obs.numerator)
           if n != ""}
    run_dir = interrupted_batch["run_dir"]
    problems = []
    checked = 0
    for page in sorted(run_dir.glob("html/*.html")):
        unit = page.stem.removeprefix("unit_") if page.stem.startswith("unit_") else "22"
        for table in _html_tables(page):
            header = table[0]
            for row in table[1:]:
                code = next((c for c in row[:2] if c in cat), None)
                if code is None:
                    label = re.sub(r"\s*\([^)]*\)$", "", row[0]) if row else ""
                    code = names.get(label) or names.get(row[1] if len(row) > 1 else "")
                if code not in counts and code not in ratios:
                    continue
                checked += 1
                for col, cell in zip(header, row):
                    v = _vi_number(cell)
                    year = re.search(r"\((20\d\d)\)", cell)
                    yr = int(year.group(1)) if year else (int(col) if re.fullmatch(r"20\d\d", col) else None)
                    if v is None or (yr is None and "2030" not in col):
                        continue
                    if code in counts and 0 < v < threshold:
                        problems.append(f"{page.name}: {code} {col}={cell} is a small count")
                    if code in ratios and yr is not None:
                        n = num.get((unit, code, yr), value.get((unit, ratios[code], yr), math.nan))
                        if 0 < n < threshold:
                            problems.append(f"{page.name}: {code} {col}={cell} rests on a count of {n:g}")
                # a hidden 2025 level must not be readable from the milestones / 2030 target of the row
                true_2025 = value.get((unit, code, 2025))
                shown_2025 = [c for h, c in zip(header, row) if h in ("2025", "value_2025") and c]
                if true_2025 and shown_2025 and _vi_number(shown_2025[0]) is None:
                    for h, c in zip(header, row):
                        v = _vi_number(c)
                        if re.fullmatch(r"20(2[6-9]|30)|target_2030|Chỉ tiêu 2030", h) and v is not None \
                                and abs(v - true_2025) <= 0.01 * max(1.0, abs(true_2025)):
                            problems.append(f"{page.name}: {code} hidden 2025 level readable in {h}={c}")
    assert checked, "no sensitive indicator found in the HTML tables: the check looked at nothing"
    assert not problems, "\n".join(problems)


def test_html_reports_hide_what_the_appendices_hide(interrupted_batch):
    """Consistency across published outputs: every cell hidden in the appendices' all-units pattern
    (present.tables.published_values / published_proposals, complementary cells included) is hidden in
    the HTML reports too — otherwise a count hidden in one output is recovered by subtraction from another."""
    from ctxh_plan.data.dataset import load_dataset
    from ctxh_plan.evaluate import evaluate_dataset
    from ctxh_plan.present import load_publish_settings
    from ctxh_plan.present.tables import published_proposals, published_values
    from ctxh_plan.targets import project_dataset

    ds = load_dataset(ROOT / "data" / "quang_ninh")
    settings = load_publish_settings()
    ev = evaluate_dataset(ds).table
    vals = published_values(ds, ev, settings)
    props = published_proposals(ds, project_dataset(ds, evaluation=ev).proposals, settings)
    hidden_vals = {(u, i, int(y)) for u, i, y, f in zip(vals.unit_code, vals.indicator_code, vals.year,
                                                        vals["suppressed__value"]) if f and u in UNITS}
    cols = {"value_2025": "2025", **{f"milestone_{y}": str(y) for y in range(2026, 2031)}, "target_2030": "2030t"}
    hidden_props = {(u, i, cols[c]) for c in cols if f"suppressed__{c}" in props
                    for u, i, f in zip(props.unit_code, props.indicator_code, props[f"suppressed__{c}"])
                    if f and u in UNITS}
    assert hidden_vals | hidden_props, "the pattern hides nothing for these units: the check would be empty"
    names = {i.name_vi: i.code for i in ds.catalog}
    shown = set()
    for unit in UNITS:
        for table in _html_tables(interrupted_batch["run_dir"] / "html" / f"unit_{unit}.html"):
            header = table[0]
            for row in table[1:]:
                code = next((c for c in row[:2] if c in ds.catalog), None) or names.get(
                    re.sub(r"\s*\([^)]*\)$", "", row[0]) if row else "")
                if code is None:
                    continue
                for col, cell in zip(header, row):
                    if _vi_number(cell) is None:
                        continue
                    year = re.search(r"\((20\d\d)\)", cell)
                    if year:
                        shown.add(("v", unit, code, int(year.group(1))))
                    key = "2030t" if re.search(r"(Chỉ tiêu|target).*2030|2030.*(target|Chỉ tiêu)", col) else col
                    shown.add(("p", unit, code, key))
    leaks = sorted({f"{u} {i} {y}" for u, i, y in hidden_vals if ("v", u, i, y) in shown}
                   | {f"{u} {i} {c}" for u, i, c in hidden_props if ("p", u, i, c) in shown})
    assert not leaks, "hidden in the appendices but shown in the HTML reports:\n" + "\n".join(leaks)
