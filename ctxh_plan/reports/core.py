"""What the notebooks show: assembly of one unit's report and of the province summary.

The notebooks stay thin (parameters, :func:`ctxh_plan.batch.nbparams.check_params`,
calls to this module, displays). Everything here only calls the library
(``load_dataset``, ``evaluate_dataset``, ``project_dataset``, ``present``
charts) and turns results into deterministic displays: no timings, no memory
addresses, fixed Styler ids, PNG charts without timestamps. Every displayed
block carries "Dữ liệu minh họa" when the dataset is illustrative.
"""
from __future__ import annotations

import contextlib
import json
import logging
import math
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

__all__ = [
    "KEY_INDICATORS",
    "PROPOSAL_COLUMNS",
    "ProvinceSummary",
    "UnitReport",
    "appendix_line",
    "build_province_summary",
    "build_unit_report",
    "collect_messages",
    "deterministic_charts",
    "display_proposals",
    "evaluate_all",
    "figure_png",
    "format_value",
    "illustrative_banner",
    "load_report_dataset",
    "notes_html",
    "pick_lang",
    "project_all",
    "province_figures",
    "province_summary_line",
    "published_evaluation",
    "published_proposals",
    "record_figures",
    "report_units",
    "show_province_summary",
    "show_unit_report",
    "styled_table",
    "unit_chart",
    "unit_figures",
    "unit_name",
    "unit_problems",
    "unit_summary_line",
    "write_report_appendices",
]

log = logging.getLogger(__name__)

_CACHE: dict[tuple[Any, ...], Any] = {}

#: indicators charted in a unit report when the notebook parameter ``key_indicators`` is []:
#: one or two per group of the plan (mortality, nutrition, injuries, drowning, child marriage, pre-school)
KEY_INDICATORS = ("CT03c", "CT04b", "CT11b", "DROWNING_DEATHS", "CHILD_MARRIAGES", "CT16")


def _stat_key(path: Path) -> tuple[Any, ...]:
    files = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
    return tuple((str(p), p.stat().st_mtime_ns, p.stat().st_size) for p in files)


def load_report_dataset(path: str, *, rebase_to: str = "") -> Any:
    """Load (and optionally re-base) a dataset, cached per process by file names, sizes and mtimes.

    Parameters
    ----------
    path : str
        Dataset folder (absolute).
    rebase_to : str
        ``""`` for the data as collected, or a date such as ``"2025-07-01"`` to move
        history onto the units valid then (``rebase_dataset``).
    """
    from ctxh_plan.data.dataset import load_dataset
    from ctxh_plan.paths import default_dataset

    p = Path(path) if path else default_dataset()
    key = (str(p), rebase_to, _stat_key(p))
    hit = _CACHE.get(key)
    if hit is None:
        notes: list[str] = []
        with collect_messages(notes, "dataset"):
            ds = load_dataset(p)
            if rebase_to:
                from ctxh_plan.rebase.core import rebase_dataset

                ds = rebase_dataset(ds, to=rebase_to)
        _CACHE.clear()
        hit = _CACHE[key] = (ds, notes)
    for note in hit[1]:  # the same warnings on every call, cached or not (reused kernels = fresh kernels)
        log.warning("%s", note)
    return hit[0]


_DERIVED: dict[tuple[int, str, int], Any] = {}


def _derived(ds: Any, what: str, threshold: int, make: Any) -> Any:
    """Per-dataset cache of frames computed from the whole dataset (same result in every kernel)."""
    key = (id(ds), what, threshold)
    if key not in _DERIVED:
        if len(_DERIVED) > 8 or any(k[0] != id(ds) for k in _DERIVED):
            _DERIVED.clear()
        _DERIVED[key] = (ds, make())  # ds kept so that its id cannot be reused while cached
    return _DERIVED[key][1]


def evaluate_all(ds: Any) -> Any:
    """Evaluation of every unit of ``ds`` (and the province), computed once per dataset and process."""
    from ctxh_plan.evaluate import evaluate_dataset

    return _derived(ds, "evaluation", 0, lambda: evaluate_dataset(ds))


def published_evaluation(ds: Any, threshold: int) -> Any:
    """The evaluation of all units with small sensitive values hidden jointly across units and their
    parent (so a unit's hidden value cannot be recovered from the province total); ``threshold`` 0 =
    the evaluation as it is."""
    if not threshold:
        return evaluate_all(ds)

    def make() -> Any:
        from ctxh_plan.present import suppress_evaluation

        ev = evaluate_all(ds)
        parents = {}
        for code in set(ev["unit_code"].astype(str)):
            try:
                parents[code] = ds.units.parent(code)
            except Exception:
                parents[code] = None
        return suppress_evaluation(ev, ds.catalog, threshold, parents=parents, mark=f"<{threshold}")

    return _derived(ds, "published_evaluation", threshold, make)


def report_units(ds: Any) -> list[str]:
    """Codes of the units below the province that have observations, sorted (numeric codes by value)."""
    obs = ds.observations
    codes = {str(c) for c in obs["unit_code"].unique()}
    province = str(getattr(ds, "province_code", "") or "")
    codes.discard(province)
    return sorted(codes, key=lambda c: (len(c), c))


# --------------------------------------------------------------------------- small display helpers

def pick_lang(lang: str, vi: str, en: str) -> str:
    return vi if lang == "vi" else en


#: JupyterLab/nbconvert CSS lays tables out with fixed column widths; the reports ask for automatic
#: widths so the evaluation table's indicator column can wrap
TABLE_CSS = "<style>.jp-RenderedHTMLCommon table{table-layout:auto}</style>"


def illustrative_banner(lang: str = "vi") -> str:
    """HTML banner for illustrative data (Vietnamese always present)."""
    en = "" if lang == "vi" else " — illustrative data, not official statistics"
    return ('<div style="background:#fff3cd;border:1px solid #e0c36c;padding:4px 8px;margin:4px 0">'
            f"<b>Dữ liệu minh họa</b>{en}</div>")


def figure_png(fig: Any, dpi: int = 90) -> bytes:
    """PNG bytes of a matplotlib Figure, without timestamp metadata (deterministic)."""
    import io

    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi, metadata={"Software": None})
    return buf.getvalue()


def _html(text: str) -> None:
    from IPython.display import HTML, display

    display(HTML(text))


def _block(title: str, body_html: str, illustrative: bool, lang: str) -> None:
    import html

    banner = illustrative_banner(lang) if illustrative else ""
    _html(f"<h3>{html.escape(title)}</h3>{banner}{body_html}")


def format_value(v: Any, decimals: int = 1) -> str:
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return "–"
    if isinstance(v, (int, float)):
        from ctxh_plan.data.numbers import format_number

        try:
            return format_number(v, decimals=decimals)
        except TypeError:
            return f"{v:.{decimals}f}"
    return str(v)


def styled_table(frame: Any, uid: str, caption: str, lang: str) -> str:
    """Deterministic HTML of a frame with labelled columns (fixed Styler uuid)."""
    from ctxh_plan.present import label_columns

    st = label_columns(frame, lang).style.hide(axis="index").set_uuid(uid).set_caption(caption)
    st = st.format(precision=2, na_rep="–", thousands=".", decimal=",")
    return st.to_html()


# --------------------------------------------------------------------------- unit report

@dataclass
class UnitReport:
    """Everything one unit's report shows (frames are pandas DataFrames)."""

    unit_code: str
    unit_name: str
    lang: str
    illustrative: bool
    ds: Any = field(repr=False)
    evaluation: Any = field(repr=False)
    forecasts: Any = field(repr=False)
    proposals: Any = field(repr=False)
    problems: Any = field(repr=False)
    suppress_threshold: int = 0
    notes: list[str] = field(default_factory=list)
    key_indicators: tuple[str, ...] = KEY_INDICATORS
    other_problems: int = 0
    scenario: str = ""


def unit_problems(ds: Any, unit: str) -> tuple[Any, int]:
    """Problems of the dataset that concern ``unit`` (by a ``unit_code`` column, else by the code
    named in the problem text), and the number of other problems."""
    import re

    import pandas as pd

    pr = getattr(ds, "problems", None)
    if pr is None or not len(pr):
        return pd.DataFrame(columns=["file", "row", "column", "value", "problem", "fix", "severity"]), 0
    if "unit_code" in pr.columns:
        mine = pr["unit_code"].astype(str) == unit
    else:
        pat = re.compile(rf"(?<![0-9A-Za-z]){re.escape(unit)}(?![0-9A-Za-z])")
        mine = pr["problem"].astype(str).map(lambda t: bool(pat.search(t)))
    return pr[mine].reset_index(drop=True), int((~mine).sum())


@contextlib.contextmanager
def collect_messages(notes: list[str], where: str) -> Iterator[None]:
    """Collect warnings and ctxh_plan log records (WARNING and up) into ``notes``.

    They are still logged (this handler is a logging handler) but not printed on the
    notebook's stderr, where they would show kernel paths and break run-to-run identity;
    the report shows them in its notes section.
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


def _project(ds: Any, scenario: str, evaluation: Any) -> Any:
    from ctxh_plan.targets import project_dataset

    return project_dataset(ds, horizon=2030, scenario=scenario or None, evaluation=evaluation)


def build_unit_report(params: dict[str, Any]) -> UnitReport:
    """Compute one unit's report from validated notebook parameters.

    Parameters
    ----------
    params : dict
        Output of ``check_params("unit_report", globals())``: ``dataset, unit_code,
        scenario, lang, rebase_to, output_dir, suppress_threshold``.

    Raises
    ------
    ParameterError
        The unit code is not in the dataset.
    """
    from ctxh_plan.errors import ParameterError

    unit = params["unit_code"]
    notes: list[str] = []
    with collect_messages(notes, f"unit {unit}"):
        ds = load_report_dataset(params["dataset"], rebase_to=params["rebase_to"])
    units = report_units(ds)
    if unit not in units:
        raise ParameterError("unit_code", "is not a unit of the dataset", value=unit,
                             fix=f"use one of: {', '.join(units)}")
    with collect_messages(notes, f"unit {unit}"):
        evaluation = evaluate_all(ds)
        ev = evaluation[evaluation["unit_code"].astype(str) == unit].reset_index(drop=True)
        proj = _project(ds.for_units([unit]), params["scenario"], ev)
    fc = proj.forecasts[proj.forecasts["unit_code"].astype(str) == unit].reset_index(drop=True)
    pr = proj.proposals[proj.proposals["unit_code"].astype(str) == unit].reset_index(drop=True)
    keys = tuple(params.get("key_indicators") or KEY_INDICATORS)
    unknown = [k for k in keys if k not in ds.catalog]
    if unknown:
        raise ParameterError("key_indicators", f"indicator code(s) {unknown} not in the catalogue", value=unknown[0],
                             fix="use codes of params/indicators.yaml")
    problems, other = unit_problems(ds, unit)
    return UnitReport(unit, str(ds.units.name(unit)), params["lang"], bool(ds.illustrative), ds, ev, fc, pr,
                      problems, params["suppress_threshold"], notes, keys, other, params["scenario"])


def show_header(rep: UnitReport) -> None:
    """Title, unit, data source note."""
    import html

    title = pick_lang(rep.lang, "Báo cáo công tác trẻ em", "Child-affairs report") + f": {rep.unit_name} ({rep.unit_code})"
    banner = illustrative_banner(rep.lang) if rep.illustrative else ""
    _html(f"{TABLE_CSS}<h2>{html.escape(title)}</h2>{banner}")


def show_quality(rep: UnitReport) -> None:
    """Data-quality problems of this unit's data (or a line saying there are none)."""
    title = pick_lang(rep.lang, "1. Chất lượng số liệu", "1. Data quality")
    if not len(rep.problems):
        body = pick_lang(rep.lang, "<p>Không phát hiện vấn đề về số liệu.</p>", "<p>No data problems found.</p>")
    else:
        cols = [c for c in ("file", "row", "column", "value", "problem", "fix", "severity") if c in rep.problems]
        shown = rep.problems[cols].copy()
        if "severity" in shown and rep.lang == "vi":
            shown["severity"] = shown["severity"].replace({"error": "lỗi", "warning": "cảnh báo"})
        body = styled_table(shown, f"q{rep.unit_code}", "", rep.lang)
    if rep.other_problems:
        body += pick_lang(rep.lang, f"<p>{rep.other_problems} vấn đề khác của bộ dữ liệu liên quan đến đơn vị khác "
                             "(xem <code>ctxh-plan validate</code>).</p>",
                   f"<p>{rep.other_problems} other problems of the dataset concern other units "
                   "(see <code>ctxh-plan validate</code>).</p>")
    _block(title, body, rep.illustrative, rep.lang)


def show_evaluation(rep: UnitReport) -> None:
    """The 2021–2025 evaluation table, coloured by status (``style_evaluation``)."""
    from ctxh_plan.evaluate import style_evaluation

    title = pick_lang(rep.lang, "2. Đánh giá thực hiện chỉ tiêu 2021–2025", "2. Evaluation of the 2021–2025 targets")
    if not len(rep.evaluation):
        _block(title, pick_lang(rep.lang, "<p>Không có chỉ tiêu có mục tiêu.</p>", "<p>No indicator with a target.</p>"),
               rep.illustrative, rep.lang)
        return
    with collect_messages(rep.notes, f"unit {rep.unit_code}"):
        pub = published_evaluation(rep.ds, rep.suppress_threshold)
        ev = pub[pub["unit_code"].astype(str) == rep.unit_code].reset_index(drop=True)
        styler = style_evaluation(ev, lang=rep.lang).set_uuid(f"ev{rep.unit_code}")
    _block(title, styler.to_html(), rep.illustrative, rep.lang)


def _key_indicators(rep: UnitReport) -> list[str]:
    """Indicators charted: the key indicators that have data or a proposal for this unit; with
    suppression on, sensitive indicators are not charted (a chart shows every small number)."""
    have = set(rep.evaluation["indicator_code"].astype(str)) | set(rep.proposals["indicator_code"].astype(str))
    sensitive = {c for c in rep.key_indicators if c in rep.ds.catalog and rep.ds.catalog[c].sensitive}
    if rep.suppress_threshold and sensitive & have:
        msg = f"sensitive indicator(s) {sorted(sensitive & have)} not charted (small-number protection)"
        if msg not in rep.notes:
            rep.notes.append(msg)
        have -= sensitive
    return [c for c in rep.key_indicators if c in have]


def _target_2025(rep: UnitReport, code: str) -> float | None:
    rows = rep.evaluation[rep.evaluation["indicator_code"].astype(str) == code]
    if not len(rows) or "target_value" not in rows:
        return None
    v = rows["target_value"].iloc[0]
    return None if v is None or (isinstance(v, float) and math.isnan(v)) else float(v)


def unit_chart(rep: UnitReport, code: str) -> Any:
    """Chart of one indicator: history, 2025 target, forecast fan, proposed milestones."""
    from ctxh_plan.present import plot_indicator

    hist = rep.ds.series(rep.unit_code, code)
    fc = rep.forecasts[rep.forecasts["indicator_code"].astype(str) == code]
    prop = rep.proposals[rep.proposals["indicator_code"].astype(str) == code]
    return plot_indicator(hist, target_2025=_target_2025(rep, code), forecast=fc if len(fc) else None,
                          proposal=prop.iloc[0].to_dict() if len(prop) else None,
                          indicator=rep.ds.catalog[code], lang=rep.lang, illustrative=rep.illustrative)


def show_charts(rep: UnitReport) -> None:
    """One chart per key indicator (PNG)."""
    from IPython.display import Image, display

    title = pick_lang(rep.lang, "3. Diễn biến, dự báo và lộ trình 2026–2030",
               "3. History, forecast and 2026–2030 path")
    _block(title, pick_lang(rep.lang, "<p>Các chỉ tiêu chính; các chỉ tiêu khác xem bảng ở mục 2 và 4.</p>",
                     "<p>Key indicators; the others are in the tables of sections 2 and 4.</p>"),
           rep.illustrative, rep.lang)
    for code in _key_indicators(rep):
        display(Image(data=figure_png(unit_chart(rep, code))))


def show_proposals(rep: UnitReport) -> None:
    """Proposed 2030 targets with milestones and feasibility."""
    title = pick_lang(rep.lang, "4. Đề xuất chỉ tiêu 2030 và lộ trình", "4. Proposed 2030 targets and milestones")
    if not len(rep.proposals):
        _block(title, pick_lang(rep.lang, "<p>Không có đề xuất.</p>", "<p>No proposal.</p>"), rep.illustrative, rep.lang)
        return
    with collect_messages(rep.notes, f"unit {rep.unit_code}"):
        table = display_proposals(published_proposals(rep), rep.ds.catalog, rep.lang)
    _block(title, styled_table(table, f"pr{rep.unit_code}", "", rep.lang), rep.illustrative, rep.lang)


def display_proposals(table: Any, catalog: Any, lang: str) -> Any:
    """Proposals as text for display: each indicator's own decimals (counts whole), Vietnamese
    (or English) number style, method and deciding rule as labels. Suppression marks stay."""
    from ctxh_plan.data.numbers import format_number
    from ctxh_plan.targets.terms import Binding, TargetMethod

    style = "vi" if lang == "vi" else "en"
    out = table.astype(object).copy()
    nums = [c for c in ("value_2025", *(f"milestone_{y}" for y in range(2026, 2031)), "target_2030",
                        "national_floor") if c in out.columns]
    for i, code in enumerate(out["indicator_code"]):
        ind = catalog.get(code)
        dec = 0 if ind is None or ind.kind.value in ("count", "yes_no") else int(ind.decimals)
        for c in nums:
            v = out.at[i, c]
            if isinstance(v, (int, float)):
                out.at[i, c] = format_number(v, dec, style=style, missing="–")
    if "feasibility" in out.columns:
        out["feasibility"] = [format_number(v, 0, style=style, missing="–") if isinstance(v, (int, float))
                              else "–" for v in out["feasibility"]]
    for col, enum in (("target_method", TargetMethod), ("binding", Binding)):
        if col in out.columns:
            out[col] = [_enum_label(enum, v, lang) for v in out[col]]
    return out


def _enum_label(enum: Any, value: Any, lang: str) -> Any:
    try:
        return enum(value).label(lang)
    except ValueError:
        return value


#: proposal columns shown in the unit report (the forecast itself is in the charts)
PROPOSAL_COLUMNS = ("indicator_code", "value_2025", "milestone_2026", "milestone_2027", "milestone_2028",
                    "milestone_2029", "milestone_2030", "target_2030", "target_method", "binding",
                    "national_floor", "feasibility")


def _proposal_pattern(rep: UnitReport) -> set[tuple[str, str]]:
    """(indicator, column) cells of ``rep``'s unit that the appendices hide: the all-units pattern of
    ``present.tables.published_proposals`` (complementary cells included), computed once per dataset,
    scenario and threshold, silently (a warning printed only on the first call in a kernel would make
    re-runs differ)."""
    scenario = ""
    if "scenario" in rep.proposals.columns and len(rep.proposals):
        scenario = str(rep.proposals["scenario"].iloc[0])
    scenario = "" if scenario in ("", "baseline", "nan") else scenario

    def make() -> Any:
        import dataclasses
        import warnings

        from ctxh_plan.present import load_publish_settings
        from ctxh_plan.present.tables import published_proposals as all_units_pattern
        from ctxh_plan.targets import project_dataset

        settings = dataclasses.replace(load_publish_settings(), threshold=rep.suppress_threshold)
        previous = logging.root.manager.disable
        logging.disable(logging.WARNING)
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                proj = project_dataset(rep.ds, horizon=2030, scenario=scenario or None,
                                       evaluation=evaluate_all(rep.ds))
        finally:
            logging.disable(previous)
        pp = all_units_pattern(rep.ds, proj.proposals, settings)
        flags = [c for c in pp.columns if str(c).startswith("suppressed__")]
        return {(str(u), str(i), c[len("suppressed__"):]) for c in flags
                for u, i, f in zip(pp["unit_code"], pp["indicator_code"], pp[c]) if bool(f)}

    cells = _derived(rep.ds, f"proposal_pattern:{scenario}", rep.suppress_threshold, make)
    return {(i, c) for u, i, c in cells if u == rep.unit_code}


def published_proposals(rep: UnitReport) -> Any:
    """The unit's proposals as published: small counts of sensitive indicators, and every number of a
    sensitive rate resting on a small count, shown as ``<threshold``; a row whose 2025 level is hidden
    shows no number at all (its milestones would give the level away)."""
    import math

    cols = [c for c in PROPOSAL_COLUMNS if c in rep.proposals.columns]
    table = rep.proposals[cols].reset_index(drop=True)
    if "feasibility" in table.columns:  # a probability 0–1; its label says %
        table["feasibility"] = table["feasibility"].astype(float) * 100.0
    cat = rep.ds.catalog
    table.insert(1, "indicator_name", [cat[c].name(rep.lang) if c in cat else "" for c in table["indicator_code"]])
    if not rep.suppress_threshold or not len(table):
        return table
    from ctxh_plan.present import suppress_small_cells
    from ctxh_plan.present.suppress import suppressed_flag_column

    nums = [c for c in ("value_2025", *(f"milestone_{y}" for y in range(2026, 2031)), "target_2030")
            if c in table.columns]
    counts = {}
    if "latest_numerator" in rep.evaluation.columns:
        counts = dict(zip(rep.evaluation["indicator_code"].astype(str), rep.evaluation["latest_numerator"]))
    work = table.assign(unit_code=rep.unit_code,
                        _count=[counts.get(str(c), math.nan) for c in table["indicator_code"]])
    out = suppress_small_cells(work, rep.ds.catalog, rep.suppress_threshold, value_cols=nums, count_col="_count")
    mark = f"<{rep.suppress_threshold}"
    shown = table.astype(dict.fromkeys(nums, object))
    pattern = _proposal_pattern(rep)
    for i in range(len(out)):
        hidden = {c for c in nums if bool(out[suppressed_flag_column(c)].iloc[i])}
        hidden |= {c for c in nums if (str(table["indicator_code"].iloc[i]), c) in pattern}
        if "value_2025" in hidden:
            hidden = set(nums)
        for c in hidden:
            shown.loc[i, c] = mark
        if hidden and "feasibility" in shown.columns:
            shown.loc[i, "feasibility"] = None
    return shown


def show_notes(rep: UnitReport) -> None:
    """Notes: fallbacks and warnings recorded while computing, methods used."""

    title = pick_lang(rep.lang, "5. Ghi chú", "5. Notes")
    items = list(rep.notes)
    for frame in (rep.evaluation, rep.forecasts):
        if "note" in frame.columns:
            items += sorted({str(n) for n in frame["note"].dropna() if str(n).strip()})
    items.append(pick_lang(rep.lang, "Phương pháp: tỷ lệ đạt, tỷ số tiến độ Open SDG, biểu đồ tiến độ UNSD (2023); "
                              "dự báo kết hợp với khoảng tin cậy 80%/95%.",
                    "Methods: attainment, Open SDG progress ratio, UNSD progress chart (2023); "
                    "combined forecasts with 80%/95% intervals."))
    _block(title, notes_html(list(dict.fromkeys(items)), rep.lang), rep.illustrative, rep.lang)


def notes_html(items: list[str], lang: str, limit: int = 20) -> str:
    """A bullet list of at most ``limit`` notes, then how many more there are."""
    import html

    body = "".join(f"<li>{html.escape(i)}</li>" for i in items[:limit])
    if len(items) > limit:
        body += "<li>" + pick_lang(lang, f"… và {len(items) - limit} ghi chú khác (xem nhật ký chạy).",
                            f"… and {len(items) - limit} more notes (see the run log).") + "</li>"
    return f"<ul>{body}</ul>"


def show_unit_report(rep: UnitReport) -> None:
    """All sections of the unit report in order."""
    show_header(rep)
    show_quality(rep)
    show_evaluation(rep)
    show_charts(rep)
    show_proposals(rep)
    show_notes(rep)


def _count_line(values: Any, lang: str) -> str:
    from ctxh_plan.vocab import label

    counts: dict[str, int] = {}
    for a in values:
        counts[str(a)] = counts.get(str(a), 0) + 1
    return ", ".join(f"{label(k, lang)} {n}" for k, n in sorted(counts.items()))


def unit_summary_line(rep: UnitReport) -> str:
    """One deterministic text line: unit, number of evaluated targets, attainment counts."""
    mark = " [dữ liệu minh họa]" if rep.illustrative else ""
    n = len(rep.evaluation)
    return (f"{rep.unit_code} {rep.unit_name}: {n} " + pick_lang(rep.lang, "chỉ tiêu có mục tiêu", "indicators with a target")
            + f" ({_count_line(rep.evaluation.get('attainment', []), rep.lang)}); "
            + f"{len(rep.proposals)} " + pick_lang(rep.lang, "đề xuất 2030", "2030 proposals") + mark)


def _num(v: Any) -> Any:
    if v is None:
        return None
    if isinstance(v, bool):
        return v
    if isinstance(v, (int, float)):
        return None if math.isnan(float(v)) else round(float(v), 6)
    try:
        f = float(v)
        return None if math.isnan(f) else round(f, 6)
    except (TypeError, ValueError):
        return str(v)


def unit_figures(rep: UnitReport) -> dict[str, Any]:
    """Key figures of the report (what the golden test checks)."""
    out: dict[str, Any] = {"unit_code": rep.unit_code, "unit_name": rep.unit_name,
                           "illustrative": rep.illustrative, "indicators": {}}
    for _, r in rep.evaluation.iterrows():
        out["indicators"][str(r["indicator_code"])] = {
            k: _num(r.get(k)) if k not in ("attainment", "progress_category") else (None if r.get(k) is None else str(r.get(k)))
            for k in ("latest_year", "latest_value", "target_value", "attainment", "progress_category")}
    for _, r in rep.proposals.iterrows():
        d = out["indicators"].setdefault(str(r["indicator_code"]), {})
        d["target_2030"] = _num(r.get("target_2030"))
    counts: dict[str, int] = {}
    if "attainment" in rep.evaluation:
        for a in rep.evaluation["attainment"].astype(str):
            counts[a] = counts.get(a, 0) + 1
    out["attainment_counts"] = dict(sorted(counts.items()))
    return out


def record_figures(figures: dict[str, Any], output_dir: str, name: str) -> Path | None:
    """Write ``output_dir/<name>.json`` atomically (nothing when ``output_dir`` is ``""``)."""
    if not output_dir:
        return None
    from ctxh_plan.io.atomic import write_text

    path = Path(output_dir) / f"{name}.json"
    write_text(path, json.dumps(figures, ensure_ascii=False, indent=2, sort_keys=True) + "\n")
    return path


# --------------------------------------------------------------------------- province summary

@dataclass
class ProvinceSummary:
    """All units side by side."""

    province_code: str
    province_name: str
    lang: str
    illustrative: bool
    units: list[str]
    ds: Any = field(repr=False)
    evaluation: Any = field(repr=False)
    suppress_threshold: int = 0
    notes: list[str] = field(default_factory=list)
    scenario: str = ""


def build_province_summary(params: dict[str, Any]) -> ProvinceSummary:
    """Evaluate every selected unit (and the province) from validated notebook parameters."""
    from ctxh_plan.errors import ParameterError

    notes: list[str] = []
    with collect_messages(notes, "province summary"):
        ds = load_report_dataset(params["dataset"], rebase_to=params["rebase_to"])
    available = report_units(ds)
    units = params["units"] or available
    missing = [u for u in units if u not in available]
    if missing:
        raise ParameterError("units", f"unit code(s) {missing} not in the dataset", value=missing[0],
                             fix=f"use codes of: {', '.join(available)}")
    province = str(ds.province_code)
    with collect_messages(notes, "province summary"):
        evaluation = evaluate_all(ds)
    evaluation = evaluation[evaluation["unit_code"].astype(str).isin(set(units) | {province})].reset_index(drop=True)
    if "unit_name" not in evaluation.columns:
        evaluation = evaluation.assign(unit_name=[unit_name(ds, c) for c in evaluation["unit_code"].astype(str)])
    return ProvinceSummary(province, unit_name(ds, province), params["lang"], bool(ds.illustrative), list(units),
                           ds, evaluation, params["suppress_threshold"], notes, params["scenario"])


def unit_name(ds: Any, code: str) -> str:
    try:
        return str(ds.units.name(code))
    except Exception:
        return code


def show_province_summary(s: ProvinceSummary) -> None:
    """Header, ranking, status heatmap, province aggregates table."""
    import html

    from IPython.display import Image, display

    from ctxh_plan.present import plot_ranking, plot_status_heatmap

    lang = s.lang
    title = pick_lang(lang, "Tổng hợp toàn tỉnh", "Province summary") + f": {s.province_name} ({s.province_code})"
    _html(f"{TABLE_CSS}<h2>{html.escape(title)}</h2>" + (illustrative_banner(lang) if s.illustrative else ""))
    units_ev = s.evaluation[s.evaluation["unit_code"].astype(str) != s.province_code]
    _block(pick_lang(lang, "1. Xếp hạng đơn vị theo tỷ lệ chỉ tiêu đạt", "1. Units ranked by share of targets met"), "",
           s.illustrative, lang)
    display(Image(data=figure_png(plot_ranking(units_ev, lang, illustrative=s.illustrative))))
    _block(pick_lang(lang, "2. Mức tiến độ theo đơn vị và chỉ tiêu", "2. Progress by unit and indicator"), "",
           s.illustrative, lang)
    display(Image(data=figure_png(plot_status_heatmap(units_ev, lang, illustrative=s.illustrative))))
    with collect_messages(s.notes, "province summary"):
        pub = published_evaluation(s.ds, s.suppress_threshold)
    prov = pub[pub["unit_code"].astype(str) == s.province_code].reset_index(drop=True)
    if len(prov):
        from ctxh_plan.evaluate import style_evaluation

        body = style_evaluation(prov, lang=lang).set_uuid("evprov").to_html()
    else:
        body = pick_lang(lang, "<p>Không có số liệu cấp tỉnh.</p>", "<p>No province-level figures.</p>")
    _block(pick_lang(lang, "3. Kết quả toàn tỉnh (tỷ lệ = tổng tử số / tổng mẫu số)",
              "3. Province aggregates (rates = ratio of sums)"), body, s.illustrative, lang)
    if s.notes:
        _block(pick_lang(lang, "Ghi chú", "Notes"), notes_html(s.notes, lang), s.illustrative, lang)


def province_summary_line(s: ProvinceSummary) -> str:
    """One deterministic text line: province, number of units, attainment counts over all units."""
    mark = " [dữ liệu minh họa]" if s.illustrative else ""
    ev = s.evaluation[s.evaluation["unit_code"].astype(str) != s.province_code]
    return (f"{s.province_code} {s.province_name}: {len(s.units)} " + pick_lang(s.lang, "đơn vị", "units")
            + f" ({_count_line(ev['attainment'], s.lang)})" + mark)


def province_figures(s: ProvinceSummary) -> dict[str, Any]:
    """Key figures of the summary: attainment counts per unit."""
    per: dict[str, dict[str, int]] = {}
    for u, a in zip(s.evaluation["unit_code"].astype(str), s.evaluation["attainment"].astype(str)):
        per.setdefault(u, {})
        per[u][a] = per[u].get(a, 0) + 1
    return {"province_code": s.province_code, "illustrative": s.illustrative, "units": s.units,
            "attainment_counts": {u: dict(sorted(c.items())) for u, c in sorted(per.items())}}


# --------------------------------------------------------------------------- plan appendices

def project_all(ds: Any, scenario: str = "") -> Any:
    """Projection (forecasts, 2030 proposals) of every unit of ``ds`` and the province, computed once per
    dataset, scenario and process. The appendices need all units: small-cell suppression of the proposals
    is joint across units and their parent. The warnings raised while computing are logged again on
    every call, so a reused kernel reports the same notes as a fresh one."""

    def make() -> Any:
        notes: list[str] = []
        with collect_messages(notes, "projection"):
            proj = _project(ds, scenario, evaluate_all(ds))
        return proj, notes

    proj, notes = _derived(ds, f"projection:{scenario}", 0, make)
    for note in notes:
        log.warning("%s", note)
    return proj


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
    with charts (``present.write_appendices``), into ``appendix_dir``.

    Suppression uses the evaluation and the projection of **all** units, so a unit's file hides exactly
    what the province file hides. The files are byte-identical for the same inputs. Notes raised while
    computing are added to the report's notes (prefixed "Phụ lục" / "Appendix").

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
    from ctxh_plan.present import write_appendices

    province = isinstance(rep, ProvinceSummary)
    code = rep.province_code if province else rep.unit_code
    notes: list[str] = []
    with collect_messages(notes, f"appendix {code}"), deterministic_charts():
        evaluation = evaluate_all(rep.ds)
        paths = write_appendices(rep.ds, evaluation, project_all(rep.ds, rep.scenario), appendix_dir, units=[code],
                                 formats=formats, lang=rep.lang, charts=province)
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
