"""Fast notebook execution: a few warm Jupyter kernels reused across notebooks.

A plain papermill loop pays ~1 s of kernel start and ~1 s of imports per
notebook. Here each of ``workers`` kernels is started once (in parallel, retried
once on a start clash), warmed up with the library imports, and then runs
notebook after notebook. Between notebooks the kernel's namespace is reset
(:func:`kernel_reset`, executed inside the kernel): IPython ``reset`` with a
new session (execution counts restart at 1), matplotlib figures closed and
rcParams restored, warning filters and working directory restored. Outputs of
a reused kernel are therefore the same as those of a fresh kernel
(``tests/test_batch_runner.py`` checks it).

Parameters are injected with papermill's own ``parameterize_notebook`` (values
written with ``repr()``, so they can never execute code); cells run with
nbclient. A failing cell stops that notebook (like papermill): the notebook is
kept with the error output and a banner cell at the top; the other notebooks go on.

Kernel-side helpers (:func:`kernel_snapshot`, :func:`kernel_reset`) live in
this module too; they are imported inside the kernel, never at package import.
"""
from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import signal
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

__all__ = [
    "ERROR_BANNER_TAG",
    "KERNEL_ENV",
    "STOP_GRACE",
    "JobResult",
    "KernelStopped",
    "NotebookJob",
    "WarmKernel",
    "coalesce_streams",
    "error_banner",
    "kernel_reset",
    "kernel_snapshot",
    "prepare_notebook",
    "record_result",
    "run_fresh",
    "run_jobs",
    "short_error",
    "write_notebook",
]

log = logging.getLogger(__name__)

ERROR_BANNER_TAG = "ctxh-error-banner"

#: jupyter_client's own logger for our kernel managers: its tracebacks (a start cut short by Ctrl-C)
#: are kept out of the terminal (``--debug`` on the CLI shows ours)
_JUPYTER_LOG = logging.getLogger("ctxh_plan.batch.jupyter_client")
_JUPYTER_LOG.propagate = False
_JUPYTER_LOG.addHandler(logging.NullHandler())


class KernelStopped(Exception):
    """A kernel start was abandoned because the batch is stopping (Ctrl-C / SIGTERM)."""

#: executed once in each new kernel: the imports every notebook needs, then a snapshot of global state
WARMUP_MODULES = ("matplotlib", "matplotlib.figure", "pandas", "ctxh_plan.reports.unit", "ctxh_plan.reports.province",
                  "ctxh_plan.reports.appendix")
#: set in every kernel's environment: fixed hash seed, no GUI backend, and single-threaded numeric
#: libraries, so a notebook computes the same bits on any engine and any machine (a dask worker's
#: nanny sets the thread counts to 1; a local kernel gets the same) and kernels do not oversubscribe cores
KERNEL_ENV = {"PYTHONHASHSEED": "0", "MPLBACKEND": "Agg", "OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1",
              "MKL_NUM_THREADS": "1"}
#: seconds a running notebook gets to end after Ctrl-C / SIGTERM before it is abandoned (an interrupted cell
#: ends at once; a kernel that missed the interrupt would otherwise run the notebook to its end, or hang)
STOP_GRACE = 10.0
RESET_CODE = """\
import ctxh_plan.batch.kernels as _ctxh_runner
_ctxh_runner.kernel_reset()
"""

_SNAPSHOT: dict[str, Any] = {}


# --------------------------------------------------------------------------- kernel side

def kernel_warmup(modules: tuple[str, ...] = WARMUP_MODULES) -> None:
    """(In the kernel) import the heavy modules once, then snapshot global state."""
    import importlib

    for name in modules:
        try:
            importlib.import_module(name)
        except ImportError as exc:  # the notebook will raise a clear error itself
            log.warning("warm-up could not import %s: %s", name, exc)
    kernel_snapshot()


def kernel_snapshot() -> None:
    """(In the kernel) remember the global state a fresh kernel starts with."""
    import sys
    import warnings

    _SNAPSHOT["warnings"] = list(warnings.filters)
    _SNAPSHOT["cwd"] = os.getcwd()
    _SNAPSHOT["sys_path"] = list(sys.path)
    if "matplotlib" in sys.modules:
        import matplotlib

        _SNAPSHOT["rc"] = matplotlib.rcParams.copy()


def kernel_reset() -> None:
    """(In the kernel) make the kernel look fresh before the next notebook.

    Clears the user namespace (IPython ``reset`` with a new session, so
    execution counts restart at 1), closes figures, restores matplotlib
    rcParams, warning filters (so "shown once" warnings show again), the working
    directory and ``sys.path``.
    """
    import sys
    import warnings

    from IPython import get_ipython

    ip = get_ipython()
    if ip is not None:
        ip.reset(new_session=True)
    if "matplotlib.pyplot" in sys.modules:
        sys.modules["matplotlib.pyplot"].close("all")
    if "rc" in _SNAPSHOT:
        import matplotlib

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            matplotlib.rcParams.clear()
            matplotlib.rcParams.update(_SNAPSHOT["rc"])
    if "warnings" in _SNAPSHOT:
        filters = cast("list[Any]", warnings.filters)  # a list at run time (typeshed: Sequence)
        filters[:] = _SNAPSHOT["warnings"]
        mutated = getattr(warnings, "_filters_mutated", None) or getattr(warnings, "_filters_mutated_lock_held", None)
        if mutated is not None:
            mutated()
    if "cwd" in _SNAPSHOT:
        os.chdir(_SNAPSHOT["cwd"])
        sys.path[:] = _SNAPSHOT["sys_path"]


# --------------------------------------------------------------------------- driver side

@dataclass
class NotebookJob:
    """One notebook to run.

    Attributes
    ----------
    key : str
        Identifier in the manifest (unit code, or ``"province"``).
    notebook : Path
        Template notebook (with a cell tagged ``parameters``).
    parameters : dict
        Values to inject (JSON-like: str, int, float, bool, list, dict).
    output : Path
        Where the executed notebook goes (written atomically).
    """

    key: str
    notebook: Path
    parameters: dict[str, Any]
    output: Path


@dataclass
class JobResult:
    """Outcome of one notebook: ``status`` is ``"ok"`` or ``"failed"``; ``seconds`` is wall time.

    ``worker`` is the kernel's number (local pool) or the dask worker's address; ``attempts`` is 2
    when the notebook was run again because its worker was lost (dask engine).
    """

    key: str
    status: str
    seconds: float
    output: Path
    error: str | None = None
    worker: int | str = 0
    nb: Any = field(default=None, repr=False)
    attempts: int = 1


def prepare_notebook(path: Path, parameters: dict[str, Any]) -> Any:
    """Read a template and inject ``parameters`` after its ``parameters`` cell (papermill's way: repr())."""
    import nbformat
    from papermill.parameterize import parameterize_notebook

    nb = nbformat.read(str(path), as_version=4)
    nb.metadata.setdefault("papermill", {})
    for cell in nb.cells:
        cell.metadata.setdefault("tags", [])
    nb = parameterize_notebook(nb, parameters, kernel_name="python3", language="python")
    nb.metadata.papermill["input_path"] = path.name
    for cell in nb.cells:
        if "injected-parameters" in cell.metadata.get("tags", []):
            cell.id = "injected-parameters"  # papermill gives it a random id: keep outputs identical run to run
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
        cell.metadata.pop("execution", None)
    return nb


def error_banner(error: str) -> Any:
    """A red markdown cell (tagged ``ctxh-error-banner``) saying the report failed and why."""
    import nbformat

    cell = nbformat.v4.new_markdown_cell(
        "<span style=\"color:red;font-size:1.2em\">**Lỗi khi chạy báo cáo / The report failed:**</span> "
        f"`{error.replace('`', chr(39))}`  \nXem ô có lỗi bên dưới / see the failing cell below.")
    cell.metadata["tags"] = [ERROR_BANNER_TAG]
    cell.id = ERROR_BANNER_TAG
    return cell


def short_error(exc: BaseException) -> str:
    """``"Name: message"`` of an exception (of a failed cell: the kernel's exception name and value)."""
    ename = getattr(exc, "ename", None)
    evalue = getattr(exc, "evalue", None)
    if ename:
        return f"{ename}: {evalue}".strip()
    return f"{type(exc).__name__}: {exc}".strip()


def _kernel_error(exc: BaseException, kernel: WarmKernel | None = None) -> str:
    """Short text of a kernel failure, with the last line the kernel wrote on its stderr."""
    text = short_error(exc)
    ipc = kernel._ipc_dir if kernel is not None else None
    path = os.path.join(ipc, "kernel-stderr.log") if ipc else None
    if path:
        try:
            with open(path, "rb") as fh:
                lines = [ln for ln in fh.read()[-4000:].decode("utf-8", "replace").splitlines() if ln.strip()]
        except OSError:
            lines = []
        if lines:
            text += f" (kernel: {lines[-1].strip()[:200]})"
    return text


class WarmKernel:
    """One Python kernel kept alive across notebooks.

    Parameters
    ----------
    index : int
        Worker number (for logs and the manifest).
    start_timeout : float
        Seconds to wait for the kernel to be ready (doubled on the single retry).
    cell_timeout : float
        Seconds a single cell may run.
    cwd : Path, optional
        Working directory of the kernel (notebooks use absolute paths anyway).
    warmup : tuple of str
        Modules imported in the kernel right after start (then global state is snapshot).
    """

    def __init__(self, index: int = 0, *, start_timeout: float = 60.0, cell_timeout: float = 600.0,
                 cwd: Path | None = None, warmup: tuple[str, ...] = WARMUP_MODULES) -> None:
        self.index = index
        self.start_timeout = start_timeout
        self.cell_timeout = cell_timeout
        self.cwd = cwd
        self.warmup = warmup
        self.km: Any = None
        self.kc: Any = None
        self.language_info: dict[str, Any] = {}
        self.used = 0
        self.stopping = False
        self.ready = False
        self._stderr: Any = None
        self._ipc_dir: str | None = None  # private folder of the IPC sockets, while started

    async def start(self) -> None:
        """Start (retry once with a doubled timeout: parallel starts occasionally clash on ports).

        Raises :class:`KernelStopped` when the batch is stopping (no retry, no message)."""
        try:
            await self._start(self.start_timeout)
        except Exception as exc:
            if self.stopping:
                await self.shutdown()
                raise KernelStopped() from None
            log.warning("kernel %d failed to start (%s); retrying once", self.index, _kernel_error(exc, self))
            await self.shutdown()
            await self._start(self.start_timeout * 2)

    async def _start(self, timeout: float) -> None:
        from jupyter_client.manager import AsyncKernelManager

        env = dict(os.environ, **KERNEL_ENV)
        import tempfile

        # IPC sockets in a private folder: no TCP ports, so parallel starts cannot clash on them
        self._ipc_dir = tempfile.mkdtemp(prefix="ctxh-kernel-")
        self.km = AsyncKernelManager(kernel_name="python3", transport="ipc",
                                     ip=os.path.join(self._ipc_dir, "k"), log=_JUPYTER_LOG)
        # the kernel's own stderr (start-up noise, a traceback when it is stopped while importing) goes to a
        # file; cell outputs and errors come back through the kernel's messages as before
        # (SIM115: the file stays open while the kernel runs; shutdown() closes it)
        self._stderr = open(os.path.join(self._ipc_dir, "kernel-stderr.log"), "wb")  # noqa: SIM115
        kwargs: dict[str, Any] = {"env": env, "stderr": self._stderr}
        if self.cwd is not None:
            kwargs["cwd"] = str(self.cwd)
        await self.km.start_kernel(extra_arguments=["--HistoryManager.hist_file=:memory:"], **kwargs)
        self.kc = self.km.client()
        self.kc.start_channels()
        # while the kernel process boots: the driver's own heavy imports (nbformat's jsonschema alone takes
        # about a second), paid once per process
        import nbclient  # noqa: F401
        import nbformat  # noqa: F401

        await self.kc.wait_for_ready(timeout=timeout)
        self.kc.allow_stdin = False
        reply = await self.kc.kernel_info(reply=True, timeout=timeout)
        self.language_info = reply["content"].get("language_info", {})
        self.ready = True  # from now on an interrupt reaches a running Python, not a start-up
        await self._run_silent("import ctxh_plan.batch.kernels as _ctxh_runner\n"
                               f"_ctxh_runner.kernel_warmup({tuple(self.warmup)!r})")

    async def _run_silent(self, code: str) -> None:
        import nbformat

        cell = nbformat.v4.new_code_cell(code)
        client = self._client(nbformat.v4.new_notebook(cells=[cell]))
        await client.async_execute_cell(cell, 0, store_history=False)

    def _client(self, nb: Any) -> Any:
        from nbclient import NotebookClient

        client = NotebookClient(nb, km=self.km, timeout=self.cell_timeout, record_timing=False,
                                allow_errors=False, kernel_name="python3")
        client.kc = self.kc
        client.reset_execution_trackers()
        return client

    async def execute(self, nb: Any) -> str | None:
        """Run every code cell of ``nb`` in place; return None on success or the error text.

        The first failing cell stops the notebook; its error output stays in the
        cell and a banner cell is inserted at the top.
        """
        from nbclient.exceptions import CellExecutionError

        if self.used:
            try:
                await self._run_silent(RESET_CODE)
            except CellExecutionError:
                if self.stopping:  # interrupted between two notebooks: nothing of this one ran
                    return "interrupted before the notebook started"
                raise
        self.used += 1
        nb.metadata["language_info"] = self.language_info
        client = self._client(nb)
        error: str | None = None
        for index, cell in enumerate(list(nb.cells)):
            try:
                await client.async_execute_cell(cell, index, execution_count=client.code_cells_executed + 1)
            except CellExecutionError as exc:
                error = short_error(exc)
                break
            except Exception as exc:
                error = short_error(exc)
                if self.stopping:
                    break
                log.warning("kernel %d: %s; restarting the kernel", self.index, error)
                await self.shutdown()
                await self.start()
                self.used = 0
                break
        client.set_widgets_metadata()  # widget state (e.g. the scenario explorer) shows in static HTML
        if error is not None:
            nb.cells.insert(0, error_banner(error))
        for cell in nb.cells:
            cell.metadata.pop("execution", None)
        return error

    async def shutdown(self) -> None:
        """Stop the kernel and its channels (ignores a kernel that is already gone)."""
        self.ready = False
        if self.kc is not None:
            with contextlib.suppress(Exception):
                self.kc.stop_channels()
            self.kc = None
        if self.km is not None:
            try:
                await self.km.shutdown_kernel(now=True)
            except Exception as exc:
                log.debug("kernel %d shutdown: %s", self.index, exc)
            self.km = None
        if self._stderr is not None:
            with contextlib.suppress(OSError):
                self._stderr.close()
            self._stderr = None
        if self._ipc_dir:
            import shutil

            shutil.rmtree(self._ipc_dir, ignore_errors=True)
            self._ipc_dir = None


def write_notebook(nb: Any, path: Path) -> None:
    """Write an executed notebook atomically (UTF-8, ``\\n`` line ends)."""
    import nbformat

    from ctxh_plan.io.atomic import atomic_open

    with atomic_open(path, "w", encoding="utf-8", newline="\n") as fh:
        nbformat.write(nb, fh)


def coalesce_streams(nb: Any) -> None:
    """Join, in every code cell, consecutive outputs of the same stream (stdout, stderr) into one.

    How a kernel cuts printed text into messages depends on when it flushes: ``print("… [dữ liệu minh họa]")``
    arrived once as one stdout output and once as the text and then ``"\n"`` (seen when a dask worker's kernel
    ran unit 195), so the same notebook was written with different bytes. Joined, the text is the same
    whatever the timing. Changes ``nb`` in place.
    """
    for cell in nb.cells:
        if cell.get("cell_type") != "code" or len(cell.get("outputs", ())) < 2:
            continue
        joined: list[Any] = []
        for out in cell.outputs:
            last = joined[-1] if joined else None
            if (out.get("output_type") == "stream" and last is not None and last.get("output_type") == "stream"
                    and last.get("name") == out.get("name")):
                last["text"] = _stream_text(last.get("text")) + _stream_text(out.get("text"))
            else:
                joined.append(out)
        cell.outputs = joined


def _stream_text(text: Any) -> str:
    """A stream output's text as one string (nbformat allows a list of lines)."""
    return "".join(text) if isinstance(text, list) else str(text or "")


def record_result(job: NotebookJob, nb: Any, error: str | None, seconds: float, worker: int | str,
                  attempts: int = 1) -> JobResult:
    """Mark ``nb`` ok/failed in its metadata, write it to ``job.output`` (atomically) and return the result.

    Every engine ends a notebook here, so the files are the same whichever engine ran it (the streams of a
    cell joined: :func:`coalesce_streams`).
    """
    coalesce_streams(nb)
    nb.metadata.setdefault("ctxh_plan", {})["status"] = "failed" if error else "ok"
    write_notebook(nb, job.output)
    return JobResult(job.key, "failed" if error else "ok", seconds, job.output, error, worker, nb, attempts)


async def _run_pool(jobs: list[NotebookJob], workers: int, on_done: Callable[[JobResult], None] | None,
                    start_timeout: float, cell_timeout: float, cwd: Path | None,
                    reuse: bool, warmup: tuple[str, ...]) -> list[JobResult]:
    queue: asyncio.Queue[NotebookJob] = asyncio.Queue()
    for job in jobs:
        queue.put_nowait(job)
    results: list[JobResult] = []
    kernels = [WarmKernel(i, start_timeout=start_timeout, cell_timeout=cell_timeout, cwd=cwd,
                          warmup=warmup) for i in range(max(1, min(workers, len(jobs))))]

    stop = asyncio.Event()
    tasks: list[asyncio.Future[Any]] = []
    executing: set[int] = set()  # kernels running a notebook now
    side: set[asyncio.Future[Any]] = set()

    def in_background(coro: Any) -> None:
        """Run ``coro`` without waiting; its result or error is collected (never "Task exception was
        never retrieved" on the terminal)."""
        fut = asyncio.ensure_future(coro)
        side.add(fut)

        def collect(f: asyncio.Future[Any]) -> None:
            side.discard(f)
            exc = None if f.cancelled() else f.exception()
            if exc is not None:
                log.debug("while stopping: %s", short_error(exc))

        fut.add_done_callback(collect)

    def abandon() -> None:
        """Notebooks still running :data:`STOP_GRACE` seconds after the interrupt are abandoned (their tasks
        cancelled, their kernels shut down by their workers): a kernel that received the interrupt between two
        cells goes on with the notebook, and one hit inside its own message handling may never answer. The
        notebook is not written either way; it stays pending for ``--resume``."""
        for k, task in zip(kernels, tasks):
            if k.index in executing and not task.done():  # a worker shutting its kernel down is left to it
                log.debug("a notebook still running %s s after the interrupt: abandoned", STOP_GRACE)
                task.cancel()

    def on_signal(signum: int) -> None:
        """First SIGINT/SIGTERM: interrupt the running cells, abandon kernels still starting, start nothing
        new, and abandon what still runs :data:`STOP_GRACE` seconds later. Second: kill the kernels."""
        if not stop.is_set():
            log.debug("signal %d: stopping; finished reports are kept", signum)
            stop.set()
            for k, task in zip(kernels, tasks):
                k.stopping = True
                if k.km is not None and k.ready:
                    in_background(k.km.interrupt_kernel())
                elif not task.done():
                    task.cancel()  # a kernel start cut short: its worker shuts it down quietly
            asyncio.get_running_loop().call_later(STOP_GRACE, abandon)
        else:
            for k in kernels:
                if k.km is not None:
                    in_background(k.km.shutdown_kernel(now=True))

    def _finish(job: NotebookJob, nb: Any, error: str | None, t0: float, worker: int) -> None:
        res = record_result(job, nb, error, time.perf_counter() - t0, worker)
        results.append(res)
        if on_done is not None:
            on_done(res)

    async def work(kernel: WarmKernel) -> None:
        started = False
        try:
            while not stop.is_set():
                try:
                    job = queue.get_nowait()
                except asyncio.QueueEmpty:
                    return
                t0 = time.perf_counter()
                if not reuse and started:
                    await kernel.shutdown()
                    kernel.used = 0
                    started = False
                if not started:  # started before the notebook is read: the kernels boot while the driver reads
                    try:
                        await kernel.start()
                    except Exception as exc:
                        if stop.is_set() or isinstance(exc, KernelStopped):
                            return  # stopping: the notebook stays pending for --resume
                        failure = f"kernel could not start: {_kernel_error(exc, kernel)}"
                        log.error("kernel %d: %s", kernel.index, failure)
                        nb = prepare_notebook(job.notebook, job.parameters)
                        nb.cells.insert(0, error_banner(failure))
                        _finish(job, nb, failure, t0, kernel.index)
                        return
                    started = True
                if stop.is_set():
                    return
                nb = prepare_notebook(job.notebook, job.parameters)
                executing.add(kernel.index)
                try:
                    error = await kernel.execute(nb)
                finally:
                    executing.discard(kernel.index)
                if stop.is_set():  # interrupted notebook: not written, stays pending for --resume
                    return
                _finish(job, nb, error, t0, kernel.index)
        except asyncio.CancelledError:
            if not stop.is_set():
                raise
        finally:
            await kernel.shutdown()

    loop = asyncio.get_running_loop()
    handled = []
    for sig in (signal.SIGINT, signal.SIGTERM):
        try:
            loop.add_signal_handler(sig, on_signal, int(sig))
            handled.append(sig)
        except (NotImplementedError, RuntimeError, ValueError):  # Windows, or not the main thread
            pass
    tasks.extend(asyncio.ensure_future(work(k)) for k in kernels)
    try:
        await asyncio.gather(*tasks)
    except BaseException:
        for t in tasks:
            t.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        if not stop.is_set():
            raise
    finally:
        for sig in handled:
            loop.remove_signal_handler(sig)
        if side:
            await asyncio.wait(list(side), timeout=5)
    if stop.is_set():
        raise KeyboardInterrupt("stopped by a signal")
    return results


def run_jobs(jobs: list[NotebookJob], *, workers: int = 2, on_done: Callable[[JobResult], None] | None = None,
             start_timeout: float = 60.0, cell_timeout: float = 600.0, cwd: Path | None = None,
             reuse: bool = True, warmup: tuple[str, ...] = WARMUP_MODULES) -> list[JobResult]:
    """Run notebooks on ``workers`` warm kernels; return one result per job (in completion order).

    Parameters
    ----------
    jobs : list of NotebookJob
    workers : int
        Number of kernels running at the same time (capped at the number of jobs).
    on_done : callable, optional
        Called in the driver with each :class:`JobResult` as soon as its notebook is written.
    start_timeout, cell_timeout : float
        Seconds.
    warmup : tuple of str
        Modules each kernel imports once before its first notebook.
    reuse : bool
        ``False`` starts a fresh kernel for every notebook (slow; used to check that
        reused kernels give the same outputs).
    """
    return asyncio.run(_run_pool(jobs, workers, on_done, start_timeout, cell_timeout, cwd, reuse, warmup))


def run_fresh(job: NotebookJob, **kwargs: Any) -> JobResult:
    """Run one notebook in its own fresh kernel (reference behaviour for tests)."""
    return run_jobs([job], workers=1, reuse=False, **kwargs)[0]
