"""A command refuses a wrong option or output path before it reads, checks and computes the dataset: the
message is the one it would give at the end, without the seconds of work in between."""
from __future__ import annotations

import errno
import os

import pytest

from ctxh_plan.cli import main
from tests.helpers.paths import SMALL


@pytest.fixture
def no_dataset_load(monkeypatch):
    """Loading a dataset fails the test: the refusal must come first."""
    import ctxh_plan.data.dataset as dataset

    def refuse(*args, **kwargs):
        raise AssertionError("the dataset was loaded before the refusal")

    monkeypatch.setattr(dataset, "load_dataset", refuse)


def _run(argv: list[str], capsys) -> tuple[int, str]:
    code = main(argv)
    out = capsys.readouterr()
    return code, out.out + out.err


@pytest.mark.parametrize("argv", [
    ["evaluate", "--data", "{D}", "-o", "{F}/sub/e.csv"],
    ["project", "--data", "{D}", "-o", "{F}/sub/p.csv"],
    ["appendix", "--data", "{D}", "--format", "xlsx", "-o", "{F}/ap"],
    ["rebase", "--data", "{D}", "-o", "{F}/rb"],
])
def test_an_output_folder_blocked_by_a_file_is_refused_first(argv, tmp_path, capsys, no_dataset_load):
    blocker = tmp_path / "report.csv"
    blocker.write_text("x\n", encoding="utf-8")
    code, text = _run([a.format(D=SMALL, F=blocker) for a in argv], capsys)
    assert code == 1 and "Not a directory" in text and str(blocker) in text and "fix:" in text, text


def test_appendix_models_file_is_read_before_the_dataset(tmp_path, capsys, no_dataset_load):
    code, text = _run(["appendix", "--data", str(SMALL), "--models", str(tmp_path / "khong_co.yaml"),
                       "-o", str(tmp_path / "ap")], capsys)
    assert code != 0 and "khong_co.yaml" in text and "not found" in text, text


def test_rebase_date_is_checked_before_the_dataset(tmp_path, capsys, monkeypatch):
    import ctxh_plan.commands.rebase as rebase

    def refuse(*args, **kwargs):
        raise AssertionError("the dataset was read before the refusal")

    monkeypatch.setattr(rebase, "_read_source", refuse)
    code, text = _run(["rebase", "--data", str(SMALL), "--to", "2025-13-45", "-o", str(tmp_path / "rb")], capsys)
    assert code != 0 and "2025-13-45" in text and "YYYY-MM-DD" in text, text
    code, text = _run(["rebase", "--data", str(SMALL), "--to", "2025-06-30", "-o", str(tmp_path / "rb")], capsys)
    assert code != 0 and "2025-07-01" in text, text


def test_check_output_folder(tmp_path, monkeypatch):
    from ctxh_plan.commands.guard import check_output_folder

    check_output_folder(tmp_path / "new" / "deeper")  # folders still to be made: fine
    assert not (tmp_path / "new").exists()  # … and not made by the check
    (tmp_path / "file").write_text("x", encoding="utf-8")
    with pytest.raises(NotADirectoryError) as err:
        check_output_folder(tmp_path / "file" / "sub")
    assert err.value.errno == errno.ENOTDIR and err.value.filename == str(tmp_path / "file" / "sub")
    monkeypatch.setattr(os, "access", lambda path, mode: False)  # (the tests run as root: every folder writable)
    with pytest.raises(PermissionError) as denied:
        check_output_folder(tmp_path / "out")
    assert denied.value.errno == errno.EACCES and denied.value.filename == str(tmp_path / "out")
