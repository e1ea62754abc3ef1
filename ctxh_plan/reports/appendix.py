"""A report's plan appendix: a unit's Biểu 1–2, or the province's Biểu 1–3 with charts, written
from the same :class:`~ctxh_plan.reports.plan.Plan` frames the report shows."""
from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ctxh_plan.reports.html import pick_lang
from ctxh_plan.reports.messages import collect_messages
from ctxh_plan.reports.province import ProvinceSummary
from ctxh_plan.reports.unit import UnitReport

__all__ = ["appendix_line", "deterministic_charts", "write_report_appendices"]


@contextlib.contextmanager
def deterministic_charts() -> Iterator[None]:
    """Make matplotlib's SVG output depend only on the figure: fixed ``svg.hashsalt`` (element ids) and
    ``SOURCE_DATE_EPOCH`` = 2000-01-01 (the date in the SVG metadata); both restored afterwards.
    PNG files carry no date already."""
    import matplotlib

    old = os.environ.get("SOURCE_DATE_EPOCH")
    os.environ["SOURCE_DATE_EPOCH"] = "946684800"
    try:
        with matplotlib.rc_context({"svg.hashsalt": "ctxh_plan"}):
            yield
    finally:
        if old is None:
            os.environ.pop("SOURCE_DATE_EPOCH", None)
        else:
            os.environ["SOURCE_DATE_EPOCH"] = old


def write_report_appendices(rep: UnitReport | ProvinceSummary, appendix_dir: str,
                            formats: Any = ("docx", "xlsx")) -> list[Path]:
    """Write the plan appendix of a report: a unit's Biểu 1–2 without charts, or the province's Biểu 1–3
    with charts, the report's key indicators first (``present.write_appendices``), into ``appendix_dir``.
    The documents' names (relative to the run folder) are kept on ``rep.appendices`` for the footer.

    Suppression uses the evaluation and the projection of **all** units, so a unit's file hides exactly
    what the province file hides; those published frames, the report's tables and its charts come from the
    report's :class:`~ctxh_plan.reports.plan.Plan`, computed once and shared with the HTML report (nothing is
    recomputed per unit). The files are byte-identical for the same inputs. Notes raised while computing are
    added to the report's notes (prefixed "Phụ lục" / "Appendix").

    Parameters
    ----------
    rep : UnitReport or ProvinceSummary
    appendix_dir : str
        Absolute folder; ``""`` writes nothing.
    formats : list of str
        ``"docx"`` and/or ``"xlsx"``; empty writes nothing.

    Returns
    -------
    list of Path
        The documents and charts written (empty when nothing was asked).

    Raises
    ------
    ParameterError
        An unknown format.
    """
    from ctxh_plan.batch.nbparams import APPENDIX_FORMATS
    from ctxh_plan.errors import ParameterError

    formats = list(formats)
    bad = [f for f in formats if f not in APPENDIX_FORMATS]
    if bad:
        raise ParameterError("appendix_formats", f"unknown appendix format {bad[0]!r}", value=bad[0],
                             fix=f"use {list(APPENDIX_FORMATS)}")
    if not appendix_dir or not formats:
        return []
    import dataclasses

    from ctxh_plan.present import write_appendices

    province = isinstance(rep, ProvinceSummary)
    code = rep.province_code if isinstance(rep, ProvinceSummary) else rep.unit_code
    plan = rep.plan
    settings = plan.publish_settings()  # publications are always protected (params/publish.yaml)
    if rep.key_indicators:  # the report's key indicators are the ones its appendix charts first
        settings = dataclasses.replace(settings, key_indicators=tuple(rep.key_indicators))
    notes: list[str] = []
    with collect_messages(notes, f"appendix {code}"), deterministic_charts():
        values, proposals = plan.published_frames(rep.scenario, settings)
        tables = {code: plan.unit_tables(code, rep.scenario, settings, rep.lang)}
        paths = write_appendices(plan.dataset, plan.evaluation(), plan.projection(rep.scenario), appendix_dir,
                                 units=[code], formats=formats, lang=rep.lang, settings=settings, charts=province,
                                 values=values, proposals=proposals, tables=tables, chart_cache=plan.charts)
    base = Path(appendix_dir).parent
    rep.appendices = [p.relative_to(base).as_posix() if p.is_relative_to(base) else p.name
                      for p in paths if p.suffix in (".docx", ".xlsx")]
    prefix = pick_lang(rep.lang, "Phụ lục", "Appendix")
    for note in notes:
        if f"{prefix}: {note}" not in rep.notes:
            rep.notes.append(f"{prefix}: {note}")
    return paths


def appendix_line(rep: UnitReport | ProvinceSummary, paths: list[Path], appendix_dir: str) -> str:
    """One text line naming the appendix documents written, relative to the run folder
    (``appendices/phu_luc_193.docx``), or saying that none was asked for."""
    mark = " [dữ liệu minh họa]" if rep.illustrative else ""
    docs = [p for p in paths if p.suffix in (".docx", ".xlsx")]
    if not docs:
        return pick_lang(rep.lang, "Phụ lục kế hoạch: không ghi (appendix_dir rỗng)",
                         "Plan appendix: not written (appendix_dir is empty)") + mark
    base = Path(appendix_dir).parent
    names = ", ".join(p.relative_to(base).as_posix() if p.is_relative_to(base) else p.name for p in docs)
    charts = len(paths) - len(docs)
    extra = (pick_lang(rep.lang, f" (+ {charts} tệp biểu đồ)", f" (+ {charts} chart files)") if charts else "")
    return pick_lang(rep.lang, "Phụ lục kế hoạch: ", "Plan appendix: ") + names + extra + mark
