"""No command writes over one of its inputs, or into a dataset folder.

One check for every verb, run by :func:`ctxh_plan.cli.main` before the verb does any work
(:func:`check_command_outputs`), and by the batch for its run folder (:func:`refuse_overwriting_inputs`).
A refusal is a :class:`~ctxh_plan.errors.UsageError` (exit 2) naming the option, the path and the fix:

* an output that is one of the command's input files (``forecast -i s.csv -o s.csv``,
  ``validate x.csv --report x.csv``; symbolic and hard links count as the same file);
* an output inside an input folder (``evaluate -o DATA/observations.csv``, ``appendix -o DATA``),
  including the embedded data (``data/``), ``params/`` and the notebooks, whether named or used by default;
* an output that would replace a data file of any dataset folder, or add one (``observations*.csv|xlsx``,
  ``targets.csv``, ``dataset.yaml``, ``units.csv``, ``crosswalk.csv``), and ``rebase -o`` into an existing
  dataset folder that ``rebase`` did not write;
* an output folder holding an input file the command would write over (``rebase --weights OUT/units.csv -o OUT``).

The same check also refuses, before any work, an output whose folder cannot be made or written: a part of the
path is a file (``-o report.csv/sub/e.csv``), or the nearest existing folder is not writable. These raise the
``OSError`` that writing would raise at the end (``NotADirectoryError``, ``PermissionError``), so the message is
the one the CLI gives for any OS error (``Not a directory: …/sub — fix: …``), seconds of computing earlier.
"""
from __future__ import annotations

import argparse
import errno
import fnmatch
import os
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from ctxh_plan.errors import UsageError

__all__ = ["DATASET_FILE_PATTERNS", "check_command_outputs", "check_output_folder", "is_dataset_folder",
           "refuse_overwriting_inputs"]

#: files that make a folder a dataset folder (or belong to one)
DATASET_FILE_PATTERNS = ("observations*.csv", "observations*.xlsx", "targets.csv", "dataset.yaml", "units.csv",
                         "crosswalk.csv", "rebase_skipped.csv")
#: argparse destinations that name inputs, per verb (None: any verb)
_INPUTS = ("data", "input", "paths", "params", "weights", "catalog", "publish", "models")
#: argparse destinations that name outputs: (dest, "file" or "folder") per verb
_OUTPUTS: dict[str, tuple[tuple[str, str], ...]] = {
    "validate": (("report", "file"),),
    "evaluate": (("output", "file"),),
    "forecast": (("output", "file"),),
    "project": (("output", "file"),),
    "rebase": (("out", "folder"),),
    "appendix": (("output", "folder"),),
    "batch": (("output", "folder"),),
}
#: names a verb writes inside its output folder
_FOLDER_WRITES: dict[str, tuple[str, ...]] = {
    "rebase": DATASET_FILE_PATTERNS,
    "appendix": ("phu_luc_*", "appendix_*", "charts"),
    "batch": ("latest", "LATEST", "*-" + "?" * 12),
}


def is_dataset_folder(folder: Path) -> bool:
    """Whether ``folder`` holds a dataset (``observations.csv``, ``observations*.xlsx`` or ``dataset.yaml``)."""
    try:
        return folder.is_dir() and ((folder / "observations.csv").is_file() or (folder / "dataset.yaml").is_file()
                                    or any(folder.glob("observations*.xlsx")))
    except OSError:
        return False


def _same(a: Path, b: Path) -> bool:
    if a == b:
        return True
    try:
        return a.exists() and b.exists() and os.path.samefile(a, b)
    except OSError:
        return False


def _inside(path: Path, folder: Path) -> bool:
    try:
        path.relative_to(folder)
        return True
    except ValueError:
        return False


def _protected_folders() -> list[Path]:
    """Folders no command writes into: the embedded data, the parameters, the notebook templates."""
    from ctxh_plan.paths import data_dir, notebooks_dir, params_dir

    return [p.resolve() for p in (data_dir(), params_dir(), notebooks_dir())]


def refuse_overwriting_inputs(outputs: Iterable[tuple[str, Path, str]], inputs: Iterable[Path], *,
                              writes: tuple[str, ...] = ()) -> None:
    """Raise :class:`UsageError` when an output would write over an input or into a dataset folder.

    Parameters
    ----------
    outputs : (option shown in the message, path, ``"file"`` or ``"folder"``)
        What the command writes: files, or folders it writes ``writes`` into.
    inputs : paths of the files and folders the command reads (missing ones are ignored).
    writes : name patterns a folder output writes (``"*"``: anything).
    """
    ins = [Path(os.path.abspath(p)) for p in inputs]
    ins = [p.resolve() for p in ins if p.exists()]
    protected = _protected_folders()
    for option, raw, kind in outputs:
        out = Path(os.path.abspath(raw)).resolve()

        def fail(problem: str, fix: str, out: Path = out, option: str = option) -> UsageError:
            return UsageError(f"{option} {out}: {problem} — fix: {fix}")

        for inp in ins:
            if inp.is_dir():
                if _same(out, inp):
                    raise fail(f"phải khác thư mục đầu vào / must differ from the input folder {inp} (it would write "
                               f"into the data it reads)", "chọn thư mục kết quả khác / write to another folder")
                if _inside(out, inp):
                    raise fail(f"nằm trong thư mục đầu vào / is inside the input folder {inp} (would write into "
                               f"the data it reads)", "chọn thư mục kết quả khác / write to another folder")
            elif _same(out, inp):
                raise fail("là tệp đầu vào của lệnh / is one of the command's input files (it would be replaced)",
                           "ghi ra tệp khác / write to another file name")
            elif kind == "folder" and _same(inp.parent, out) and any(fnmatch.fnmatch(inp.name, w) for w in writes):
                raise fail(f"sẽ ghi đè tệp đầu vào / would write over the input file {inp}",
                           "chọn thư mục kết quả khác / write to another folder")
        for folder in protected:
            if _same(out, folder) or _inside(out, folder):
                raise fail(f"nằm trong thư mục của dự án {folder.name}/ (dữ liệu, thiết lập, notebook) / is inside the "
                           f"project's {folder.name}/ folder (data, settings, notebooks)",
                           "ghi ra thư mục khác, ví dụ outputs/ / write somewhere else, e.g. outputs/")
        if kind == "file":
            parent = out.parent
            if is_dataset_folder(parent) and any(fnmatch.fnmatch(out.name.lower(), pat)
                                                 for pat in DATASET_FILE_PATTERNS):
                raise fail(f"là tệp số liệu của thư mục bộ số liệu {parent} (sẽ ghi đè hoặc thêm vào số liệu) / is a "
                           f"data file of the dataset folder {parent} (it would replace or add data)",
                           "ghi ra thư mục khác hoặc đặt tên khác / write to another folder or file name")
        elif writes == DATASET_FILE_PATTERNS and is_dataset_folder(out) and not _rebased_folder(out):
            raise fail("là một thư mục bộ số liệu có sẵn; số liệu của nó sẽ bị ghi đè / is an existing dataset "
                       "folder: its data would be replaced", "ghi ra thư mục mới / write to a new folder")


def _rebased_folder(folder: Path) -> bool:
    """A folder written by ``rebase`` before (its ``dataset.yaml`` says so): ``rebase`` may write it again."""
    try:
        text = (folder / "dataset.yaml").read_text(encoding="utf-8")
    except OSError:
        return False
    return "\nrebased:" in f"\n{text}"


def _command_inputs(verb: str, args: argparse.Namespace) -> list[Path]:
    """Files and folders a verb reads, named or used by default."""
    from ctxh_plan.paths import default_dataset, resolve

    paths: list[Path] = []
    for dest in _INPUTS:
        value = getattr(args, dest, None)
        if not value:
            continue
        for v in value if isinstance(value, list) else [value]:
            if verb == "validate" and dest == "paths":
                paths.append(Path(v))
            elif verb == "batch" and dest == "params":
                paths.append(resolve(v))
            else:
                paths.append(resolve(v) if dest in ("data", "weights", "catalog") else Path(v))
    if hasattr(args, "data") and not getattr(args, "data", None):
        paths.append(default_dataset())
    for value in getattr(args, "scenario", None) or []:
        if isinstance(value, str) and value.lower().endswith((".yaml", ".yml")):
            paths.append(Path(value))
    return paths


def _expand(verb: str) -> Callable[[Path], list[Path]] | None:
    if verb == "project":
        from ctxh_plan.targets.output import output_paths

        return lambda p: output_paths(p, with_scenarios=True)
    return None


def check_command_outputs(args: argparse.Namespace) -> None:
    """The check for one parsed command line (called by the CLI before the verb runs).

    Raises
    ------
    UsageError
        An output is an input, is inside an input folder or a project folder, or would replace or add a
        file of a dataset folder.
    """
    verb = getattr(args, "verb", None)
    if verb not in _OUTPUTS:
        return
    outputs: list[tuple[str, Path, str]] = []
    for dest, kind in _OUTPUTS[verb]:
        value: Any = getattr(args, dest, None)
        if not value:
            continue
        option = "-o" if dest in ("output", "out") else f"--{dest}"
        path = Path(value)
        expand = _expand(verb)
        if expand is not None and kind == "file":
            try:
                outputs.extend((option, p, "file") for p in expand(path))
            except UsageError:
                outputs.append((option, path, kind))
        else:
            outputs.append((option, path, kind))
    if outputs:
        refuse_overwriting_inputs(outputs, _command_inputs(verb, args), writes=_FOLDER_WRITES.get(verb, ()))
        for _option, path, kind in outputs:
            check_output_folder(path if kind == "folder" else path.parent)


def check_output_folder(folder: str | os.PathLike[str]) -> None:
    """Raise the ``OSError`` that making ``folder`` and writing into it would raise, without making it.

    Raises
    ------
    NotADirectoryError
        A part of the path exists and is a file (``filename`` is ``folder``, as ``mkdir`` reports it).
    PermissionError
        The nearest existing folder of the path cannot be written.
    """
    target = Path(os.path.abspath(folder))
    existing = target
    while not existing.exists() and existing.parent != existing:
        existing = existing.parent
    if not existing.is_dir():
        raise NotADirectoryError(errno.ENOTDIR, os.strerror(errno.ENOTDIR), str(target))
    if not os.access(existing, os.W_OK | os.X_OK):
        raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(target))
