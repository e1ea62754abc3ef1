"""The batch on ``dask.distributed``: each notebook is a task, each worker keeps one warm kernel.

Chosen with ``ctxh-plan batch PARAMS --scheduler ADDRESS`` (a running cluster: ``dask scheduler`` and
``dask worker ADDRESS`` on any number of machines) or ``--scheduler local:N`` (a ``LocalCluster``
started for the run: N worker processes of 1 thread each on this machine).

How a run goes
--------------
* The driver (the ``ctxh-plan batch`` process) registers a :class:`KernelPlugin` (a dask
  ``WorkerPlugin``) under a name unique to the run. On every worker — also on one that joins or is
  restarted later — its ``setup`` starts a :class:`KernelHost`: a
  :class:`~ctxh_plan.batch.kernels.WarmKernel` on its own thread and event loop, warmed up in the
  background (imports done once per worker).
* The driver prepares each notebook (papermill-style parameter injection, as the local pool does) and
  submits it with :func:`run_notebook_task`; the worker runs it on its warm kernel (namespace reset
  between notebooks, exactly as locally) and **returns the executed notebook** (JSON). The driver
  writes it into the run folder (atomically), exports the HTML, rewrites the manifest and the index —
  the same code as for the local pool, so the files are byte-identical whichever engine ran them.
* The notebooks themselves write their figures (``figures/``) and appendices (``appendices/``) into
  the run folder and read the dataset folder: with workers on other machines, **the dataset folder
  and the outputs folder must be on a shared file system mounted at the same path on every machine**,
  and every machine needs the same ctxh_plan version and venv (``python3 tasks.py setup``).
  Templates need not be shared: the driver sends the prepared notebook.
* At most as many notebooks are in flight as the cluster has worker threads (asked again as workers
  come and go), so a worker holds one notebook at a time and losing it costs only that notebook.

Failures and retries (our own bookkeeping, not dask's ``retries=``)
--------------------------------------------------------------------
* A notebook whose cell fails is a failed report (kept with its error, not retried), as locally.
* A **worker lost** while running a notebook (process killed, machine gone): the scheduler reports
  ``KilledWorker``; the driver submits the notebook once more (a new task, any worker) and records
  ``attempts: 2`` in the manifest. Lost a second time, the report is ``failed`` with the error
  "worker lost twice", its notebook written with the error banner; the other reports go on.
  A ``LocalCluster`` is started with ``distributed.scheduler.allowed-failures: 0`` so the first loss
  reaches the driver at once. A running scheduler uses its own setting (default 3: the scheduler
  itself re-runs the task up to 3 times before the driver sees ``KilledWorker``); start it with
  ``DASK_DISTRIBUTED__SCHEDULER__ALLOWED_FAILURES=0`` for exactly one retry.
* Ctrl-C / SIGTERM: nothing new is submitted, the running kernels are interrupted (their notebooks
  are not written and stay pending for ``--resume``), the futures are cancelled, the plugin is
  removed (its ``teardown`` stops the kernels) and a ``LocalCluster`` is closed; ``run_batch`` records
  ``"status": "interrupted"`` and the CLI exits 130.
"""
from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
import threading
import time
import uuid
from collections import deque
from collections.abc import Callable
from pathlib import Path
from typing import Any

from distributed.diagnostics.plugin import WorkerPlugin

from ctxh_plan.batch.engines import Engine, SchedulerSpec
from ctxh_plan.batch.kernels import (
    WARMUP_MODULES,
    JobResult,
    NotebookJob,
    WarmKernel,
    error_banner,
    prepare_notebook,
    record_result,
    short_error,
)
from ctxh_plan.errors import UsageError

__all__ = ["DaskEngine", "KernelHost", "KernelPlugin", "interrupt_worker_kernel", "run_notebook_task"]

log = logging.getLogger(__name__)

#: attempts per notebook when its worker is lost (the first run + one retry)
MAX_ATTEMPTS = 2
#: settings of a LocalCluster started for a run (``--scheduler local:N``)
LOCAL_CLUSTER_CONFIG = {"distributed.scheduler.allowed-failures": 0,  # a lost worker reaches the driver at once
                        "distributed.scheduler.worker-saturation": 1.0,
                        "distributed.worker.profile.enabled": False}   # tasks wait on a kernel: nothing to profile


# --------------------------------------------------------------------------- worker side

class KernelHost:
    """(On a worker) one :class:`WarmKernel` on a private thread running its event loop.

    The kernel starts in the background as soon as the host is created; :meth:`execute` waits for
    it. Tasks call :meth:`execute` from dask's executor thread; :meth:`interrupt` and :meth:`close`
    may be called from any thread.
    """

    def __init__(self, *, cwd: str | None = None, start_timeout: float = 60.0, cell_timeout: float = 600.0,
                 warmup: tuple[str, ...] = WARMUP_MODULES) -> None:
        self.loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._serve, name="ctxh-kernel-host", daemon=True)
        self._thread.start()
        self.kernel = WarmKernel(0, start_timeout=start_timeout, cell_timeout=cell_timeout,
                                 cwd=Path(cwd) if cwd and Path(cwd).is_dir() else None, warmup=warmup)
        self.ready = False
        self.start_error: str | None = None
        self._lock = threading.Lock()
        self._starting: asyncio.Task[None] | None = None
        self.loop.call_soon_threadsafe(self._begin_start)

    def _serve(self) -> None:
        asyncio.set_event_loop(self.loop)
        self.loop.run_forever()

    def _begin_start(self) -> None:
        self._starting = asyncio.ensure_future(self._start())

    async def _start(self) -> None:
        try:
            await self.kernel.start()
            self.ready, self.start_error = True, None
        except Exception as exc:
            self.ready, self.start_error = False, short_error(exc)
            await self.kernel.shutdown()

    async def _execute(self, nb: Any, reuse: bool) -> str | None:
        k = self.kernel
        if self._starting is not None:
            await self._starting
            self._starting = None
        if not reuse and k.used:
            await k.shutdown()
            k.used, self.ready = 0, False
        if not self.ready:
            await self._start()
        if not self.ready:
            error = f"kernel could not start: {self.start_error}"
            nb.cells.insert(0, error_banner(error))
            return error
        k.stopping = False
        return await k.execute(nb)

    def execute(self, nb: Any, *, reuse: bool = True) -> str | None:
        """Run ``nb`` in place on the warm kernel; None on success, else the error text (see
        :meth:`WarmKernel.execute`). One notebook at a time."""
        with self._lock:
            return asyncio.run_coroutine_threadsafe(self._execute(nb, reuse), self.loop).result()

    @property
    def stopping(self) -> bool:
        return self.kernel.stopping

    def interrupt(self) -> None:
        """Interrupt the running cell (if any); the notebook then ends as interrupted."""
        self.kernel.stopping = True
        km = self.kernel.km
        if km is not None:
            self.loop.call_soon_threadsafe(lambda: asyncio.ensure_future(km.interrupt_kernel()))

    def close(self, timeout: float = 30.0) -> None:
        """Stop the kernel (also one still starting) and the host's thread; nothing is left pending."""
        self.kernel.stopping = True

        async def shutdown() -> None:
            if self._starting is not None and not self._starting.done():
                self._starting.cancel()
                with contextlib.suppress(BaseException):
                    await self._starting
            await self.kernel.shutdown()
            others = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
            for task in others:
                task.cancel()
            await asyncio.gather(*others, return_exceptions=True)

        with contextlib.suppress(Exception):
            asyncio.run_coroutine_threadsafe(shutdown(), self.loop).result(timeout)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join(timeout)
        if not self._thread.is_alive():
            self.loop.close()


class KernelPlugin(WorkerPlugin):
    """Dask worker plugin: a warm kernel per worker for the notebooks of one batch run.

    Parameters
    ----------
    cwd : working directory of the kernel, used when it exists on the worker.
    start_timeout, cell_timeout : seconds (as :class:`WarmKernel`).
    warmup : modules each kernel imports once.
    ignore_sigint : the worker process ignores SIGINT (workers of a LocalCluster: Ctrl-C in the terminal
        reaches the whole process group, and the driver stops them itself, quietly).
    """

    idempotent = True

    def __init__(self, *, cwd: str | None = None, start_timeout: float = 60.0, cell_timeout: float = 600.0,
                 warmup: tuple[str, ...] = WARMUP_MODULES, ignore_sigint: bool = False) -> None:
        self.cwd = cwd
        self.start_timeout = start_timeout
        self.cell_timeout = cell_timeout
        self.warmup = tuple(warmup)
        self.ignore_sigint = ignore_sigint
        self.host: KernelHost | None = None

    def __getstate__(self) -> dict[str, Any]:  # the host (thread, kernel) never travels
        return {k: v for k, v in self.__dict__.items() if k != "host"} | {"host": None}

    def setup(self, worker: Any) -> None:
        if self.ignore_sigint and threading.current_thread() is threading.main_thread():
            signal.signal(signal.SIGINT, signal.SIG_IGN)
        self.host = KernelHost(cwd=self.cwd, start_timeout=self.start_timeout, cell_timeout=self.cell_timeout,
                               warmup=self.warmup)

    async def teardown(self, worker: Any) -> None:
        host, self.host = self.host, None
        if host is not None:
            await asyncio.get_running_loop().run_in_executor(None, host.close)


def run_notebook_task(plugin_name: str, key: str, nb_json: str, reuse: bool = True) -> dict[str, Any]:
    """(A dask task, on a worker) run a prepared notebook on the worker's warm kernel.

    Returns
    -------
    dict
        ``key``, ``error`` (None on success), ``seconds`` (wall time on the worker), ``worker``
        (its address), ``interrupted`` (bool) and ``nb`` (the executed notebook as JSON text).
    """
    import nbformat
    from distributed import get_worker

    worker = get_worker()
    plugin = worker.plugins.get(plugin_name)
    host = getattr(plugin, "host", None)
    if host is None:
        raise RuntimeError(f"worker {worker.address} has no kernel plugin {plugin_name!r}")
    t0 = time.perf_counter()
    nb = nbformat.reads(nb_json, as_version=4)
    error = host.execute(nb, reuse=reuse)
    return {"key": key, "error": error, "seconds": time.perf_counter() - t0, "worker": worker.address,
            "interrupted": host.stopping, "nb": nbformat.writes(nb)}


def interrupt_worker_kernel(plugin_name: str, dask_worker: Any = None) -> bool:
    """(Run on every worker by the driver on Ctrl-C) interrupt the worker's kernel of this run."""
    plugin = dask_worker.plugins.get(plugin_name) if dask_worker is not None else None
    host = getattr(plugin, "host", None)
    if host is None:
        return False
    host.interrupt()
    return True


# --------------------------------------------------------------------------- driver side

class DaskEngine(Engine):
    """Run the batch's notebooks on a dask.distributed cluster (see the module docstring).

    Parameters
    ----------
    spec : SchedulerSpec
        From :func:`~ctxh_plan.batch.engines.parse_scheduler`.
    connect_timeout : float
        Seconds to reach a running scheduler.
    worker_timeout : float
        Seconds to wait for at least one worker on a running scheduler.
    """

    name = "dask"

    def __init__(self, spec: SchedulerSpec, *, connect_timeout: float = 10.0, worker_timeout: float = 60.0,
                 start_timeout: float = 60.0, cell_timeout: float = 600.0,
                 warmup: tuple[str, ...] = WARMUP_MODULES) -> None:
        self.spec = spec
        self.connect_timeout = connect_timeout
        self.worker_timeout = worker_timeout
        self.start_timeout = start_timeout
        self.cell_timeout = cell_timeout
        self.warmup = warmup
        self.address = ""
        self.workers: list[str] = []
        self.lost: list[str] = []
        self.client: Any = None
        self._cluster: Any = None
        self._plugin = ""

    def describe(self) -> dict[str, Any]:
        out: dict[str, Any] = {"name": self.name, "scheduler": self.spec.text, "address": self.address,
                               "workers": sorted(self.workers), "lost_workers": list(self.lost)}
        if self.spec.is_local:
            out["local_workers"] = self.spec.local_workers
        return out

    # -- connection

    def _connect(self) -> tuple[Any, Any]:
        import dask
        from distributed import Client, LocalCluster

        if self.spec.is_local:
            with dask.config.set(LOCAL_CLUSTER_CONFIG), _sigint_ignored():
                cluster = LocalCluster(n_workers=self.spec.local_workers, threads_per_worker=1, processes=True,
                                       host="127.0.0.1", dashboard_address=":0",  # any free port: runs side by side
                                       silence_logs=logging.CRITICAL)
                try:
                    client = Client(cluster)
                except BaseException:
                    cluster.close()
                    raise
            self.address = cluster.scheduler_address
            return client, cluster
        try:
            client = Client(self.spec.address, timeout=self.connect_timeout)
        except (OSError, TimeoutError) as exc:
            raise UsageError(f"--scheduler {self.spec.text!r}: cannot reach a dask scheduler at {self.spec.address} "
                             f"({short_error(exc)}) — fix: start one with `dask scheduler` and workers with "
                             f"`dask worker {self.spec.address}`, or use --scheduler local:2") from None
        try:
            client.wait_for_workers(1, timeout=self.worker_timeout)
        except (OSError, TimeoutError):
            client.close()
            raise UsageError(f"--scheduler {self.spec.text!r}: no dask worker joined {self.spec.address} within "
                             f"{self.worker_timeout:.0f} s — fix: start workers with `dask worker {self.spec.address}` "
                             "on each machine") from None
        self.address = self.spec.address
        return client, None

    def _seen(self, worker: str) -> None:
        if worker and worker not in self.workers:
            self.workers.append(worker)

    # -- the run

    def start(self, *, cwd: Path | None = None, reuse: bool = True) -> None:
        """Connect (or start the LocalCluster) and register the kernel plugin: every worker starts
        warming its kernel now, while the driver loads the dataset.

        Raises
        ------
        UsageError
            No scheduler at the address, or no worker joined it in time.
        """
        if self.client is not None:
            return
        self.client, self._cluster = self._connect()
        try:
            self._plugin = f"ctxh-kernels-{uuid.uuid4().hex[:12]}"
            plugin = KernelPlugin(cwd=str(cwd) if cwd else None, start_timeout=self.start_timeout,
                                  cell_timeout=self.cell_timeout, warmup=self.warmup,
                                  ignore_sigint=self.spec.is_local)
            self.client.register_plugin(plugin, name=self._plugin)
            for w in self.client.nthreads():
                self._seen(w)
        except BaseException:
            self.close()
            raise

    def run(self, jobs: list[NotebookJob], *, on_done: Callable[[JobResult], None] | None, cwd: Path | None,
            reuse: bool) -> list[JobResult]:
        from distributed import wait

        self.start(cwd=cwd, reuse=reuse)
        client = self.client
        todo: deque[tuple[NotebookJob, int]] = deque((job, 1) for job in jobs)
        running: dict[Any, tuple[NotebookJob, int]] = {}
        results: list[JobResult] = []
        try:
            while todo or running:
                capacity = max(1, sum(client.nthreads().values()))
                while todo and len(running) < capacity:
                    job, attempt = todo.popleft()
                    fut = client.submit(run_notebook_task, self._plugin, job.key, _prepared_json(job), reuse,
                                        pure=False, key=f"ctxh_notebook-{job.key}-{attempt}-{uuid.uuid4().hex[:8]}")
                    running[fut] = (job, attempt)
                try:
                    done, _ = wait(list(running), timeout=2.0, return_when="FIRST_COMPLETED")
                except TimeoutError:
                    continue
                for fut in done:
                    job, attempt = running.pop(fut)
                    res = self._collect(fut, job, attempt)
                    if res is None:
                        todo.appendleft((job, attempt + 1))
                        continue
                    results.append(res)
                    if on_done is not None:
                        on_done(res)
        except BaseException:
            self._stop(list(running))
            raise
        return results

    def _collect(self, fut: Any, job: NotebookJob, attempt: int) -> JobResult | None:
        """The result of a finished future (notebook written), or None when it must run again."""
        import nbformat
        from distributed import KilledWorker

        if fut.status == "finished":
            out = fut.result()
            self._seen(out["worker"])
            nb = nbformat.reads(out["nb"], as_version=4)
            return record_result(job, nb, out["error"], out["seconds"], out["worker"], attempt)
        exc = fut.exception() if fut.status == "error" else None
        worker = ""
        if isinstance(exc, KilledWorker) or fut.status == "cancelled":
            last = getattr(exc, "last_worker", None)
            worker = str(getattr(last, "address", "") or "")
            if worker and worker not in self.lost:
                self.lost.append(worker)
            if attempt < MAX_ATTEMPTS:
                log.warning("%s: worker %s was lost while running it; running it once more", job.key,
                            worker or "?")
                return None
            error = f"worker lost twice (last: {worker or '?'}) — the report was not made"
        else:
            error = short_error(exc) if exc is not None else f"task ended as {fut.status}"
        nb = prepare_notebook(job.notebook, job.parameters)
        nb.cells.insert(0, error_banner(error))
        return record_result(job, nb, error, 0.0, worker, attempt)

    def _stop(self, futures: list[Any]) -> None:
        """Ctrl-C: interrupt the kernels of this run on every worker, cancel what is queued."""
        if self.client is None:
            return
        with contextlib.suppress(Exception):
            self.client.run(interrupt_worker_kernel, self._plugin, on_error="ignore")
        with contextlib.suppress(Exception):
            self.client.cancel(futures, force=True)

    def close(self) -> None:
        """Remove the plugin (its teardown stops the kernels), close the client and a LocalCluster."""
        client, cluster, self.client, self._cluster = self.client, self._cluster, None, None
        if client is not None and cluster is None and self._plugin:  # a LocalCluster's workers stop with it
            with contextlib.suppress(Exception):
                client.unregister_worker_plugin(self._plugin)
        if client is not None:
            with contextlib.suppress(Exception):
                client.close()
        if cluster is not None:
            with contextlib.suppress(Exception):
                cluster.close()


@contextlib.contextmanager
def _sigint_ignored() -> Any:
    """Ignore SIGINT while a LocalCluster spawns its worker processes: they inherit "ignore" (Python
    keeps an inherited SIG_IGN), so Ctrl-C in the terminal reaches only the driver, which stops them."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    old = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, old)


def _prepared_json(job: NotebookJob) -> str:
    """The template of ``job`` with its parameters injected, as notebook JSON (sent to a worker)."""
    import nbformat

    return nbformat.writes(prepare_notebook(job.notebook, job.parameters))
