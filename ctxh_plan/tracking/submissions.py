"""Completeness and timeliness of the reports received for a period (the DHIS2 notion).

Per unit: expected (1: every unit of the plan and the province), received (a readable file naming the
unit), received on time (its stated submission date on or before the calendar's due date; a file
without a date is received but not counted on time), the indicators its form asks and how many it
filled (share, percent). The :class:`Submissions` object holds the table and its totals: reporting rate
(received ÷ expected), reporting rate on time (on time ÷ expected) and the units still missing.
"""
from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, fields
from typing import Any

from ctxh_plan.data.frames import SUBMISSION_COLUMNS, frame_records

__all__ = ["SUBMISSION_COLUMNS", "Submissions", "format_submissions", "submission_table"]



@dataclass(frozen=True)
class Submissions:
    """Completeness and timeliness of one period's reports.

    Attributes
    ----------
    table : DataFrame
        One row per unit (:data:`SUBMISSION_COLUMNS`).
    period : str
    due : date or None
        Due date from the calendar (None: the calendar sets none, e.g. nine-month reports).
    n_expected, n_received, n_on_time : int
        Units expected to report, received, received on time.
    completeness, timeliness : float
        Percent of the expected units received / received on time (NaN when none is expected).
    missing, late : list of str
        Codes of the expected units not received / received after the due date.
    """

    table: Any
    period: str
    due: Any
    n_expected: int
    n_received: int
    n_on_time: int
    completeness: float
    timeliness: float
    missing: list[str] = field(default_factory=list)
    late: list[str] = field(default_factory=list)

    def summary(self) -> dict[str, Any]:
        """The figures (everything but the table) as a mapping, for text templates."""
        return {f.name: getattr(self, f.name) for f in fields(self) if f.name != "table"}


def submission_table(collection: Any, *, units: Sequence[str], unit_names: Mapping[str, str], calendar: Any,
                     expected: Mapping[str, Sequence[str]] | None = None) -> Any:
    """Completeness and timeliness of ``collection`` (:class:`~ctxh_plan.tracking.forms.Collection`).

    Parameters
    ----------
    units : codes expected to report (the units of the plan and the province).
    unit_names : code → name.
    calendar : :class:`~ctxh_plan.tracking.periods.Calendar` (due date of the period).
    expected : unit → indicator codes its form asks; default: the rows the unit's file holds.

    Returns
    -------
    Submissions
        ``table``: ``SUBMISSION_COLUMNS``, one row per expected unit (province first), then files naming a unit
        that is not expected; and the totals ``period``, ``due``, ``n_expected``, ``n_received``, ``n_on_time``,
        ``completeness`` and ``timeliness`` (percent), ``missing`` (codes), ``late`` (codes).
    """
    import pandas as pd

    period = collection.period
    due = calendar.due_date(period)
    files = collection.files[collection.files["used"]].set_index("unit_code") if len(collection.files) else None
    obs = collection.observations
    filled_codes: dict[str, set[str]] = {}
    if len(obs):
        have = obs[obs["value"].notna()]
        for u, c in zip(have["unit_code"], have["indicator_code"]):
            filled_codes.setdefault(str(u), set()).add(str(c))
    rows = []
    for unit in units:
        rec: dict[str, Any] = {"unit_code": unit, "unit_name": unit_names.get(unit, unit), "expected": 1}
        f = files.loc[unit] if files is not None and unit in files.index else None
        asked = list(expected.get(unit, [])) if expected else []
        if f is None:
            rec.update(received=False, submitted_on=None, due=due, on_time=False, days_late=math.nan,
                       indicators_expected=len(asked) if asked else math.nan, indicators_filled=0,
                       share_filled=0.0 if asked else math.nan, by_name=False, file="",
                       note="chưa nhận được báo cáo / not received")
        else:
            sub = f["submitted_on"]
            sub = None if sub is None or (isinstance(sub, float) and math.isnan(sub)) or pd.isna(sub) else sub
            on_time = bool(sub is not None and due is not None and sub <= due)
            late = (sub - due).days if (sub is not None and due is not None and sub > due) else 0
            mine = filled_codes.get(unit, set())
            n_asked = len(asked) if asked else int(f["rows"])
            n_filled = len(mine & set(asked)) if asked else int(f["filled"])
            notes = []
            if sub is None:
                notes.append("không ghi ngày gửi: không tính là đúng hạn / no submission date: not counted on time")
            elif late:
                notes.append(f"nộp muộn {late} ngày / {late} days late")
            if due is None:
                notes.append("lịch báo cáo không đặt hạn cho kỳ này / the calendar sets no due date")
            if bool(f["by_name"]):
                notes.append("bảng tự lập chỉ có tên chỉ tiêu (đã đối chiếu tên) / names only (matched to codes)")
            rec.update(received=True, submitted_on=sub, due=due, on_time=on_time if due is not None else pd.NA,
                       days_late=late if sub is not None else math.nan, indicators_expected=n_asked,
                       indicators_filled=n_filled,
                       share_filled=100.0 * n_filled / n_asked if n_asked else math.nan, by_name=bool(f["by_name"]),
                       file=str(f["file"]), note="; ".join(notes))
        rows.append(rec)
    extra = [] if files is None else [(u, files.loc[u]) for u in files.index if u and u not in set(units)]
    for unit, f in extra:
        rows.append({"unit_code": unit, "unit_name": unit_names.get(unit, unit), "expected": 0, "received": True,
                     "submitted_on": f["submitted_on"], "due": due, "on_time": pd.NA, "days_late": math.nan,
                     "indicators_expected": math.nan, "indicators_filled": int(f["filled"]), "share_filled": math.nan,
                     "by_name": bool(f["by_name"]), "file": str(f["file"]),
                     "note": "đơn vị không thuộc danh sách phải báo cáo / unit not expected"})
    table = pd.DataFrame(rows, columns=list(SUBMISSION_COLUMNS))
    exp = table[table["expected"] == 1]
    n_exp, n_rec = len(exp), int(exp["received"].sum())
    n_on = int(exp["on_time"].fillna(False).astype(bool).sum())
    return Submissions(table, str(period), due, n_exp, n_rec, n_on,
                       completeness=100.0 * n_rec / n_exp if n_exp else math.nan,
                       timeliness=100.0 * n_on / n_exp if n_exp else math.nan,
                       missing=list(exp.loc[~exp["received"], "unit_code"]),
                       late=list(exp.loc[exp["received"] & (exp["days_late"].fillna(0) > 0), "unit_code"]))


def format_submissions(subs: Submissions, lang: str = "vi", *, limit: int = 80) -> str:
    """The submission table as text for the terminal: totals, then one line per unit (missing first)."""
    a = subs.summary()
    table = subs.table
    due = a.get("due")
    due_txt = f"{due:%d/%m/%Y}" if due else "–"
    if lang == "vi":
        head = (f"Tình hình nhận báo cáo kỳ {a.get('period')} (hạn {due_txt}): đã nhận {a.get('n_received')}/"
                f"{a.get('n_expected')} đơn vị ({a.get('completeness', 0):.0f}%), đúng hạn {a.get('n_on_time')} "
                f"({a.get('timeliness', 0):.0f}%); chưa nộp: {', '.join(a.get('missing') or []) or 'không'}")
        cols = ("Mã", "Đơn vị", "Đã nhận", "Ngày gửi", "Đúng hạn", "Đã điền", "Ghi chú")
        yes, no = "có", "không"
    else:
        head = (f"Reports for {a.get('period')} (due {due_txt}): received {a.get('n_received')}/{a.get('n_expected')} "
                f"({a.get('completeness', 0):.0f}%), on time {a.get('n_on_time')} ({a.get('timeliness', 0):.0f}%); "
                f"missing: {', '.join(a.get('missing') or []) or 'none'}")
        cols = ("Code", "Unit", "Received", "Sent on", "On time", "Filled", "Note")
        yes, no = "yes", "no"
    t = table.sort_values(["received", "on_time", "unit_code"], key=lambda s: s.astype(str), kind="stable")
    lines = [head, " | ".join(cols)]
    for r in frame_records(t.head(limit)):
        sent = r["submitted_on"].strftime("%d/%m/%Y") if r["submitted_on"] is not None and not (
            isinstance(r["submitted_on"], float)) else "–"
        ot = "–" if r["on_time"] is None or r["on_time"] is _na() else (yes if bool(r["on_time"]) else no)
        share = r["share_filled"]
        fill = "–" if share is None or (isinstance(share, float) and math.isnan(share)) else (
            f"{int(r['indicators_filled'])}/{int(r['indicators_expected'])} ({share:.0f}%)")
        note = str(r["note"]).split(" / ")[0] if lang == "vi" else str(r["note"]).split(" / ")[-1]
        lines.append(" | ".join([r["unit_code"], str(r["unit_name"]), yes if r["received"] else no, sent, ot, fill,
                                 note]))
    if len(t) > limit:
        lines.append(f"… {len(t) - limit} more")
    return "\n".join(lines)


def _na() -> Any:
    import pandas as pd

    return pd.NA
