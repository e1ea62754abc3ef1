"""One batch at a time in a run folder.

Two batches on the same inputs compute the same run id, hence the same folder: the second would sweep
the first one's temporary files and replace its good reports by failed ones. :func:`acquire_run_lock`
takes an exclusive lock on ``<run folder>/.ctxh-run.lock`` (``flock``: the operating system releases it
when the process ends, however it ends — a killed run leaves no stale lock); a second batch is refused
at once with a :class:`~ctxh_plan.errors.UsageError` naming the running one (pid, start time). On a
system without ``flock`` the lock file is created exclusively and a lock whose process is gone is taken over.
"""
from __future__ import annotations

import contextlib
import os
import time
from pathlib import Path
from typing import Any

from ctxh_plan.errors import UsageError

__all__ = ["LOCK_NAME", "RunLock", "acquire_run_lock"]

LOCK_NAME = ".ctxh-run.lock"


class RunLock:
    """A held run-folder lock; :meth:`release` (idempotent) frees it and removes the file."""

    def __init__(self, path: Path, fd: int) -> None:
        self.path, self.fd = path, fd

    def release(self) -> None:
        if self.fd < 0:
            return
        with contextlib.suppress(OSError):
            self.path.unlink()
        with contextlib.suppress(OSError):
            os.close(self.fd)
        self.fd = -1

    def __enter__(self) -> RunLock:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.release()

    def __del__(self) -> None:  # a run that failed before its `finally` still frees the folder
        self.release()


def _holder(path: Path) -> str:
    try:
        text = path.read_text(encoding="utf-8").strip()
    except OSError:
        return ""
    return f" ({text})" if text else ""


def _refuse(run_dir: Path, path: Path) -> UsageError:
    return UsageError(f"một đợt chạy khác đang ghi vào thư mục này / another batch is writing into the run folder "
                      f"{run_dir}{_holder(path)} — fix: chờ đợt đó chạy xong, hoặc dùng --output khác / wait for it "
                      f"to finish, or give another --output")


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True
    return True


def acquire_run_lock(run_dir: Path) -> RunLock:
    """Lock ``run_dir`` for this process (the folder is created if needed).

    Raises
    ------
    UsageError
        Another batch holds the lock.
    """
    run_dir.mkdir(parents=True, exist_ok=True)
    path = run_dir / LOCK_NAME
    stamp = f"pid {os.getpid()}, {time.strftime('%Y-%m-%d %H:%M:%S')}"
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows
        return _acquire_exclusive(run_dir, path, stamp)
    for _ in range(20):
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(fd)
            raise _refuse(run_dir, path) from None
        try:  # the file may have been removed by the previous holder between open and flock: take a fresh one
            same = os.fstat(fd).st_ino == os.stat(path).st_ino
        except FileNotFoundError:
            same = False
        if same:
            os.ftruncate(fd, 0)
            os.write(fd, stamp.encode())
            return RunLock(path, fd)
        os.close(fd)
    raise _refuse(run_dir, path)


def _acquire_exclusive(run_dir: Path, path: Path, stamp: str) -> RunLock:  # pragma: no cover - Windows
    for _ in range(2):
        try:
            fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_EXCL, 0o644)
        except FileExistsError:
            text = _holder(path)
            pid = int(text.split()[1].rstrip(",")) if text.startswith(" (pid ") else 0
            if pid and not _alive(pid):
                with contextlib.suppress(OSError):
                    path.unlink()
                continue
            raise _refuse(run_dir, path) from None
        os.write(fd, stamp.encode())
        return RunLock(path, fd)
    raise _refuse(run_dir, path)
