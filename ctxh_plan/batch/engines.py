"""Batch engines: where the notebooks of a batch run.

:func:`~ctxh_plan.batch.run.run_batch` prepares one :class:`~ctxh_plan.batch.kernels.NotebookJob` per
report and hands the list to an engine. Every engine ends each notebook with
:func:`~ctxh_plan.batch.kernels.record_result` (the executed notebook written atomically to its place
in the run folder, by the driver process) and then calls ``on_done`` in the driver, where the HTML
export, the manifest and the index happen. The run id, resume, the manifest and the files a run
writes are therefore the same whichever engine ran the notebooks.

* :class:`LocalEngine` (default) — the warm kernel pool of :mod:`ctxh_plan.batch.kernels` on this
  machine, ``jobs`` kernels at a time.
* :class:`~ctxh_plan.batch.dask_engine.DaskEngine` — the notebooks as tasks on a ``dask.distributed``
  cluster, one warm kernel per worker (``--scheduler ADDRESS`` for a running cluster,
  ``--scheduler local:N`` for a ``LocalCluster`` of N single-threaded worker processes).

:func:`ctxh_plan.batch.run.make_engine` turns the ``--scheduler`` value into an engine (a bad value is a
:class:`~ctxh_plan.errors.UsageError`, exit code 2). Nothing here imports dask: the dask engine's
module loads only when it is chosen.
"""
from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ctxh_plan.errors import UsageError

__all__ = ["Engine", "LocalEngine", "SchedulerSpec", "parse_scheduler"]

#: schemes of dask.distributed addresses accepted by ``--scheduler``
ADDRESS_SCHEMES = ("tcp", "tls", "ws", "wss", "ucx")
_ADDRESS = re.compile(r"^(?:(?P<scheme>[a-z]+)://)?(?P<host>\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9][A-Za-z0-9.\-_]*)"
                      r":(?P<port>\d{1,5})$")
_FIX = "use --scheduler local:2 (2 worker processes here) or the address of a running scheduler, e.g. " \
       "--scheduler tcp://10.0.0.5:8786"


@dataclass(frozen=True)
class SchedulerSpec:
    """A parsed ``--scheduler`` value.

    Attributes
    ----------
    text : str
        As given.
    local_workers : int
        N of ``local:N`` (worker processes of a LocalCluster started for the run); 0 for an address.
    address : str
        ``scheme://host:port`` of a running scheduler (``tcp://`` added when missing); ``""`` for ``local:N``.
    """

    text: str
    local_workers: int = 0
    address: str = ""

    @property
    def is_local(self) -> bool:
        return self.local_workers > 0


def parse_scheduler(text: str) -> SchedulerSpec:
    """Check a ``--scheduler`` value: ``local:N`` (N ≥ 1) or ``[scheme://]host:port``.

    Raises
    ------
    UsageError
        Anything else, in one line with the fix.
    """
    raw = str(text).strip()
    if raw.lower().startswith("local"):
        m = re.fullmatch(r"local:(\d+)", raw, flags=re.IGNORECASE)
        if not m or int(m.group(1)) < 1:
            raise UsageError(f"--scheduler {raw!r}: local:N needs a whole number N ≥ 1 of worker processes "
                             "— fix: e.g. --scheduler local:2")
        return SchedulerSpec(raw, local_workers=int(m.group(1)))
    m = _ADDRESS.fullmatch(raw)
    if not m:
        raise UsageError(f"--scheduler {raw!r} is neither local:N nor a scheduler address HOST:PORT — fix: {_FIX}")
    scheme = m.group("scheme") or "tcp"
    if scheme not in ADDRESS_SCHEMES:
        raise UsageError(f"--scheduler {raw!r}: unknown protocol {scheme!r} (known: {', '.join(ADDRESS_SCHEMES)}) "
                         f"— fix: {_FIX}")
    port = int(m.group("port"))
    if not 0 < port < 65536:
        raise UsageError(f"--scheduler {raw!r}: port {port} is not between 1 and 65535 — fix: {_FIX}")
    return SchedulerSpec(raw, address=f"{scheme}://{m.group('host')}:{port}")


class Engine:
    """Runs a list of notebook jobs; subclasses implement :meth:`run` and :meth:`describe`.

    ``run_batch`` calls :meth:`start` before it loads the dataset (so a cluster can start and warm
    its kernels meanwhile, and a bad scheduler fails before anything is written), :meth:`run` once,
    and :meth:`close` in any case.
    """

    name = "engine"

    def start(self, *, cwd: Path | None = None, reuse: bool = True) -> None:
        """Get ready (connect, start workers); nothing to do for the local pool."""

    def close(self) -> None:
        """Release what :meth:`start` took (idempotent)."""

    def describe(self) -> dict[str, Any]:
        """What the manifest records under ``engine`` (name, workers …)."""
        raise NotImplementedError

    def run(self, jobs: list[Any], *, on_done: Callable[[Any], None] | None, cwd: Path | None,
            reuse: bool) -> list[Any]:
        """Run ``jobs``; call ``on_done(JobResult)`` in the calling thread as each notebook is written.

        Raises
        ------
        KeyboardInterrupt
            On SIGINT/SIGTERM: nothing new starts, the running notebooks are interrupted and not
            written (they stay ``pending`` for ``--resume``).
        """
        raise NotImplementedError


class LocalEngine(Engine):
    """The warm kernel pool on this machine (:func:`ctxh_plan.batch.kernels.run_jobs`)."""

    name = "local"

    def __init__(self, workers: int = 2) -> None:
        self.workers = int(workers)

    def describe(self) -> dict[str, Any]:
        return {"name": self.name, "kernels": self.workers}

    def run(self, jobs: list[Any], *, on_done: Callable[[Any], None] | None, cwd: Path | None,
            reuse: bool) -> list[Any]:
        from ctxh_plan.batch.kernels import run_jobs

        return run_jobs(jobs, workers=self.workers, on_done=on_done, cwd=cwd, reuse=reuse)

