"""Warnings and log records collected into a report's notes instead of the notebook's stderr."""
from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator

__all__ = ["collect_messages", "silenced"]

log = logging.getLogger(__name__)


@contextlib.contextmanager
def collect_messages(notes: list[str], where: str) -> Iterator[None]:
    """Collect warnings and ctxh_plan log records (WARNING and up) into ``notes``.

    They are still logged (this handler is a logging handler) but not printed on the
    notebook's stderr, where they would show kernel paths and break run-to-run identity;
    the report shows them in its notes section. Each message is kept once, in order.

    Parameters
    ----------
    notes : list of str
        Appended to in place.
    where : str
        Context for the info-level log line of each caught warning (e.g. ``"unit 193"``).
    """
    import warnings

    class _Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            msg = record.getMessage()
            if msg not in notes:
                notes.append(msg)

    logger = logging.getLogger("ctxh_plan")
    handler = _Keep(level=logging.WARNING)
    old_propagate = logger.propagate
    logger.addHandler(handler)
    logger.propagate = False
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            yield
        for w in caught:
            msg = str(w.message)
            if msg not in notes:
                notes.append(msg)
                log.info("%s: %s", where, msg)
    finally:
        logger.removeHandler(handler)
        logger.propagate = old_propagate


@contextlib.contextmanager
def silenced() -> Iterator[None]:
    """Drop warnings and log records (WARNING and below) raised inside the block.

    For work whose result is cached and reused: a note logged only on the first call in a kernel
    would make a unit's report depend on which units ran before it in the same kernel.
    """
    import warnings

    previous = logging.root.manager.disable
    logging.disable(logging.WARNING)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            yield
    finally:
        logging.disable(previous)
