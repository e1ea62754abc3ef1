"""Bad-input corpus for every entry point except data files (those are tests/fixtures/bad/, data-in's corpus).

Each line of tests/fixtures/reliability/CASES.csv names an entry point, the input file, the arguments,
the documented exit code and words the message must contain (what, where and how to fix). Every case
also asserts that no traceback is shown. Entry points:

* ``cli`` — ``ctxh_plan.cli.main([...])`` in-process (argparse errors end in ``SystemExit(2)``);
* ``cli-subprocess`` — ``python -m ctxh_plan …`` (the console entry point, real stderr);
* ``notebook`` — the notebook's parameters cell defaults plus the case's changes, checked with
  ``ctxh_plan.batch.nbparams.check_params`` as the notebooks do right after papermill's injected cell.

Placeholders in ``args``: {REL} this corpus, {BAD} data-in's corpus, {SMALL} the small illustrative
dataset, {ROOT} the project, {TMP} a fresh temporary folder, {FILE} a regular file in it (so that
``{FILE}/sub/out.csv`` is an output folder that cannot be created).
Add a case: put the input in tests/fixtures/reliability/ and a line in CASES.csv.
"""
from __future__ import annotations

import json
import os
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from ctxh_plan.batch.nbparams import check_params, declared_defaults
from ctxh_plan.cli import main
from ctxh_plan.errors import EXIT_BAD_INPUT, CtxhError, ParameterError
from tests.helpers.corpus import read_cases
from tests.helpers.paths import BAD, RELIABILITY, ROOT

REL = RELIABILITY
CASES = read_cases(REL / "CASES.csv")
ENTRY_POINTS = {"cli", "cli-subprocess", "notebook"}


def _argv(case: dict, tmp: Path) -> list[str]:
    (tmp / "a_file").write_text("not a folder", encoding="utf-8")
    text = case["args"].format(REL=REL, BAD=BAD, SMALL=REL / "ds_small", ROOT=ROOT, TMP=tmp, FILE=tmp / "a_file")
    return shlex.split(text)


def _check_words(case: dict, text: str) -> None:
    for word in case["expected_words"].split("|"):
        assert word in text, f"{case['id']}: {word!r} not in the message:\n{text}"
    assert "Traceback" not in text, f"{case['id']}: traceback shown:\n{text}"


def _verb(args: str) -> str | None:
    """The command of a CLI case (global options such as ``--lang en`` skipped)."""
    words = shlex.split(args)
    while words and words[0].startswith("--"):
        words = words[2:] if words[0] == "--lang" else words[1:]
    return words[0] if words else None


def _by(entry: str) -> list[dict]:
    return [c for c in CASES if c["entry_point"] == entry]


def test_corpus_is_described_and_counts_with_data_in_corpus():
    ids = [c["id"] for c in CASES]
    assert len(ids) == len(set(ids)), "duplicate case ids"
    assert {c["entry_point"] for c in CASES} == ENTRY_POINTS
    assert all(c["what"].strip() and c["expected_words"].strip() for c in CASES)
    # every file of the corpus is used by a case (folders count by name)
    used = {c["input"].rstrip("/") for c in CASES} | {Path(w).name for c in CASES for w in c["args"].split()
                                                       if w.startswith("{REL}/")}
    on_disk = {p.name for p in REL.iterdir() if p.name != "CASES.csv" and not p.name.startswith(".")}
    assert on_disk <= used | {"ds_small"}, f"corpus files without a case: {sorted(on_disk - used)}"
    # every verb appears, every documented exit code of a refusal appears
    verbs = {_verb(c["args"]) for c in CASES if c["entry_point"].startswith("cli")}
    assert {"validate", "evaluate", "forecast", "project", "rebase", "appendix", "batch"} <= verbs
    assert {c["expected_exit"] for c in CASES} == {"1", "2"}
    data_in = read_cases(BAD / "CASES.csv")
    assert len(data_in) >= 25 and len(CASES) >= 40


@pytest.mark.parametrize("case", _by("cli"), ids=[c["id"] for c in _by("cli")])
def test_cli_case(case, tmp_path, capsys):
    try:
        code = main(_argv(case, tmp_path))
    except SystemExit as exc:  # argparse usage errors
        code = exc.code
    out = capsys.readouterr()
    text = out.out + out.err
    assert code == int(case["expected_exit"]), f"{case['id']}: exit {code}\n{text}"
    _check_words(case, text)
    assert not list(tmp_path.rglob(".tmp-ctxh-*")), "temporary file left behind"


@pytest.mark.parametrize("case", _by("cli-subprocess"), ids=[c["id"] for c in _by("cli-subprocess")])
def test_cli_subprocess_case(case, tmp_path):
    env = dict(os.environ, PYTHONUTF8="1")
    proc = subprocess.run([sys.executable, "-m", "ctxh_plan", *_argv(case, tmp_path)], capture_output=True,
                          text=True, timeout=120, env=env, cwd=tmp_path, check=False)
    assert proc.returncode == int(case["expected_exit"]), proc.stderr
    _check_words(case, proc.stdout + proc.stderr)


@pytest.mark.parametrize("case", _by("notebook"), ids=[c["id"] for c in _by("notebook")])
def test_notebook_parameter_case(case):
    change = json.loads(case["args"])
    namespace = declared_defaults(ROOT / "notebooks" / f"{case['input']}.ipynb")
    namespace.update(change.get("set", {}))
    for name in change.get("drop", []):
        namespace.pop(name)
    with pytest.raises(ParameterError) as info:
        check_params(case["input"], namespace)
    assert info.value.exit_code == int(case["expected_exit"]) == EXIT_BAD_INPUT
    _check_words(case, str(info.value))


def test_debug_shows_the_traceback_and_normal_mode_does_not(tmp_path, capsys):
    """--debug re-raises (for developers); without it the same error is one line and exit 1."""
    argv = ["forecast", "-i", str(REL / "series_text_value.csv"), "-o", str(tmp_path / "f.csv")]
    assert main(argv) == 1
    assert "Traceback" not in capsys.readouterr().err
    with pytest.raises(CtxhError):
        main(["--debug", *argv])


def test_unexpected_error_is_one_line_with_exit_1(monkeypatch, capsys, tmp_path):
    """A bug inside a command is reported as an internal error, not a traceback (--debug shows it)."""
    import ctxh_plan.commands.forecast as fc

    def boom(path):
        raise ZeroDivisionError("simulated bug")

    monkeypatch.setattr(fc, "read_series_csv", boom)
    code = main(["forecast", "-i", str(REL / "series_ok.csv"), "-o", str(tmp_path / "f.csv")])
    err = capsys.readouterr().err
    assert code == 1 and "internal error" in err and "simulated bug" in err and "--debug" in err
    assert "Traceback" not in err and not (tmp_path / "f.csv").exists()


def test_unit_without_data_keeps_working_and_says_why(tmp_path, capsys):
    """A unit of the registry with no rows: evaluate still answers (insufficient data, with the reason)
    and the batch refuses it by name, listing the units that have data."""
    import shutil

    import pandas as pd

    data = tmp_path / "ds"
    shutil.copytree(REL / "ds_small", data)
    obs = pd.read_csv(data / "observations.csv", dtype=str, keep_default_na=False)
    obs[obs["unit_code"] != "195"].to_csv(data / "observations.csv", index=False)
    out = tmp_path / "e.csv"
    assert main(["evaluate", "--data", str(data), "--units", "195", "-o", str(out)]) == 0
    ev = pd.read_csv(out, dtype=str, keep_default_na=False)
    assert len(ev) and set(ev["unit_code"]) == {"195"} and set(ev["attainment"]) == {"insufficient_data"}
    assert ev["notes"].str.contains("no value in 2021–2025").all()
    yml = tmp_path / "b.yaml"
    yml.write_text(f'name: b\ndataset: {data}\nunits: ["195"]\noutput: {tmp_path / "out"}\n', encoding="utf-8")
    capsys.readouterr()
    assert main(["batch", str(yml)]) == 1
    err = capsys.readouterr().err
    assert "195" in err and "not in the dataset" in err and "193" in err and "Traceback" not in err
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("failure, code, words", [
    (KeyboardInterrupt(), 130, ("Interrupted", "Đã dừng")),
    (OSError(28, "No space left on device"), 1, ("No space left", "free some disk space")),
])
def test_failure_while_writing_keeps_the_previous_output(tmp_path, monkeypatch, capsys, failure, code, words):
    """Ctrl-C or a full disk in the middle of writing: the earlier output stays as it was, no partial
    file, no temporary file, the documented exit code and a one-line message."""
    import pandas as pd

    out = tmp_path / "f.csv"
    out.write_text("previous output\n", encoding="utf-8")
    real = pd.DataFrame.to_csv

    def half_then_fail(self, path, *args, **kwargs):
        real(self.head(1), path, *args, **kwargs)  # something is already on disk under the temporary name
        raise failure

    monkeypatch.setattr(pd.DataFrame, "to_csv", half_then_fail)
    assert main(["forecast", "-i", str(REL / "series_ok.csv"), "-o", str(out)]) == code
    err = capsys.readouterr().err
    assert all(w in err for w in words) and "Traceback" not in err
    assert out.read_text(encoding="utf-8") == "previous output\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["f.csv"]
