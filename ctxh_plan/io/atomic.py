"""Atomic writes: nothing half-written is ever left under the final name.

Every output is written to a temporary file in the destination folder, flushed
and fsync'ed, then renamed over the final name (``os.replace`` is atomic on the
same file system). If anything fails or the process is interrupted, the
temporary file is removed and any previous output stays intact; the writer's
half-closed zip archive (a full disk while an Excel or Word file is saved) is not
allowed to print "Exception ignored … Traceback" when Python cleans it up later.

Text from data is written as text: :func:`write_frame` neutralises formula-like text in
CSV files and writes Excel sheets through :func:`ctxh_plan.io.cells.excel_writer`.
"""
from __future__ import annotations

import contextlib
import logging
import os
import sys
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO, Any

__all__ = ["TMP_PREFIX", "atomic_open", "atomic_path", "write_bytes", "write_excel", "write_frame", "write_text"]

TMP_PREFIX = ".tmp-ctxh-"

log = logging.getLogger(__name__)
_HOOKED = False


def _quiet_failed_write_cleanup() -> None:
    """After a failed write, let Python's later clean-up of the writer's archive (``ZipFile.__del__``
    retrying to write on a full disk) pass silently (logged at debug level) instead of printing a
    traceback after the one-line message. Other unraisable errors are reported as usual."""
    global _HOOKED
    if _HOOKED:
        return
    previous = sys.unraisablehook

    def hook(unraisable: Any) -> None:
        obj = getattr(unraisable, "object", None)
        where = f"{getattr(obj, '__module__', '')}.{getattr(obj, '__qualname__', '')}"
        if isinstance(unraisable.exc_value, OSError) and (where.startswith(("zipfile.", "_io.", "io."))
                                                         or "__del__" in where):
            log.debug("ignored while cleaning up after a failed write: %s in %s", unraisable.exc_value, where)
            return
        previous(unraisable)

    sys.unraisablehook = hook
    _HOOKED = True


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


@contextlib.contextmanager
def atomic_path(path: str | os.PathLike[str]) -> Iterator[Path]:
    """Yield a temporary path next to ``path``; on success rename it to ``path``.

    Use for writers that want a file name (openpyxl, python-docx, matplotlib)::

        with atomic_path(out) as tmp:
            doc.save(tmp)
    """
    final = Path(path)
    final.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=TMP_PREFIX, suffix=final.suffix, dir=final.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        yield tmp
        with open(tmp, "rb+") as fh:
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp creates 0600; outputs follow the umask
        os.replace(tmp, final)
    except BaseException:
        _quiet_failed_write_cleanup()
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
        raise


@contextlib.contextmanager
def atomic_open(path: str | os.PathLike[str], mode: str = "w", encoding: str | None = "utf-8",
                newline: str | None = None) -> Iterator[IO[Any]]:
    """``open()`` replacement writing atomically (text or binary ``mode``)."""
    if "b" in mode:
        encoding = None
    with atomic_path(path) as tmp:
        with open(tmp, mode, encoding=encoding, newline=newline) as fh:
            yield fh


def write_text(path: str | os.PathLike[str], text: str, encoding: str = "utf-8") -> Path:
    with atomic_open(path, "w", encoding=encoding, newline="") as fh:
        fh.write(text)
    return Path(path)


def write_bytes(path: str | os.PathLike[str], data: bytes) -> Path:
    with atomic_open(path, "wb") as fh:
        fh.write(data)
    return Path(path)


def write_excel(path: str | os.PathLike[str]) -> Any:
    """A ``pandas.ExcelWriter`` whose text cells stay text (:func:`ctxh_plan.io.cells.excel_writer`);
    pass it the temporary path of :func:`atomic_path`."""
    from ctxh_plan.io.cells import excel_writer

    return excel_writer(Path(path))


def write_frame(frame: Any, path: str | os.PathLike[str], *, sheet_name: str = "data",
                excel_writer: Callable[[Any, Path], None] | None = None) -> Path:
    """Write a DataFrame to ``.csv`` (UTF-8 with BOM so Excel shows Vietnamese) or ``.xlsx``.

    Text cells stay text: formula-like text gets a leading ``'`` in CSV and is stored as text in
    Excel (:mod:`ctxh_plan.io.cells`).

    Parameters
    ----------
    frame : pandas.DataFrame
    path : output path; the suffix decides the format.
    excel_writer : optional callable(frame, tmp_path) for styled or several-sheet Excel output; it
        should open the workbook with :func:`ctxh_plan.io.cells.excel_writer` (``write_excel`` here).
    """
    from ctxh_plan.io.cells import csv_safe_frame

    p = Path(path)
    suffix = p.suffix.lower()
    with atomic_path(p) as tmp:
        if suffix == ".csv":
            csv_safe_frame(frame).to_csv(tmp, index=False, encoding="utf-8-sig", lineterminator="\n")
        elif suffix == ".xlsx":
            if excel_writer is not None:
                excel_writer(frame, tmp)
            else:
                with write_excel(tmp) as xw:
                    frame.to_excel(xw, index=False, sheet_name=sheet_name[:31])
        else:
            from ctxh_plan.errors import UsageError

            raise UsageError(f"output {p}: unknown format {suffix!r} — fix: use a .csv or .xlsx file name")
    return p
