"""Data-driven run of `ctxh-plan validate` over the malformed-input corpus (tests/fixtures/bad/CASES.csv).

Each case names a file, the exit code the CLI must return and words that must
appear in what it prints (the row number and the column name for row problems).
Add a case: put the file in tests/fixtures/bad/ (or in make_corpus.py) and a line in CASES.csv.
"""
from __future__ import annotations

import subprocess
import sys

import pytest

from ctxh_plan.cli import main
from tests.helpers.corpus import read_cases
from tests.helpers.paths import BAD

CATALOG = BAD / "catalog.yaml"
CASES = read_cases(BAD / "CASES.csv")


def test_corpus_is_large_enough_and_every_file_is_described():
    assert len(CASES) >= 25
    described = {c["file"] for c in CASES}
    on_disk = {p.name for p in BAD.iterdir() if p.name not in ("CASES.csv", "catalog.yaml", "make_corpus.py")
               and not p.name.startswith(".") and p.suffix != ".py"}
    assert on_disk <= described, f"files without a case: {sorted(on_disk - described)}"
    assert {c["expected_exit"] for c in CASES} == {"0", "1", "2"}


@pytest.mark.parametrize("case", CASES, ids=[c["file"] for c in CASES])
def test_validate_case(case, capsys):
    code = main(["--lang", "en", "validate", str(BAD / case["file"]), "--catalog", str(CATALOG)])
    out = capsys.readouterr()
    text = out.out + out.err
    assert code == int(case["expected_exit"]), text
    for word in case["expected_words"].split("|"):
        assert word in text, f"{word!r} not in output:\n{text}"
    assert "Traceback" not in text


def test_vietnamese_headers_by_default(capsys):
    code = main(["validate", str(BAD / "percent_150.csv"), "--catalog", str(CATALOG)])
    out = capsys.readouterr().out
    assert code == 1
    assert "Dòng: 2" in out and "Cột: value" in out and "Mức độ: lỗi" in out
    assert "1 lỗi" in out


def test_report_written_atomically(tmp_path, capsys):
    report = tmp_path / "problems.csv"
    code = main(["validate", str(BAD / "duplicates.csv"), str(BAD / "unknown_unit.csv"),
                 "--catalog", str(CATALOG), "--report", str(report)])
    assert code == 1
    import pandas as pd

    df = pd.read_csv(report, dtype=str, keep_default_na=False)
    assert list(df.columns) == ["file", "sheet", "row", "column", "value", "problem", "fix", "severity"]
    assert set(df["severity"]) == {"error"} and len(df) == 2
    assert sorted(df["row"]) == ["2", "3"]
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".tmp-ctxh-")]


def test_bad_report_suffix_is_a_usage_error(capsys):
    code = main(["validate", str(BAD / "bom.csv"), "--catalog", str(CATALOG), "--report", "x.txt"])
    assert code == 2


def test_subprocess_run_exit_code_and_message():
    proc = subprocess.run([sys.executable, "-m", "ctxh_plan", "--lang", "en", "validate",
                           str(BAD / "year_1899.csv"), "--catalog", str(CATALOG)],
                          capture_output=True, text=True, timeout=120, check=False)
    assert proc.returncode == 1, proc.stderr
    assert "Row: 2" in proc.stdout and "Column: year" in proc.stdout and "1899" in proc.stdout
    assert "Traceback" not in proc.stderr


def test_lang_accepted_after_the_verb(capsys):
    code = main(["validate", str(BAD / "percent_150.csv"), "--catalog", str(CATALOG), "--lang", "en"])
    out = capsys.readouterr().out
    assert code == 1 and "Row: 2" in out and "1 error(s)" in out
