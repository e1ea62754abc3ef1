"""Reporting periods of the 2026–2030 plan and the reporting calendar.

A period is written ``YYYY-H1`` (six months), ``YYYY-9M`` (nine months) or ``YYYY`` (the full
year); it maps onto the ``year`` and ``period`` columns of the observations frame (``H1``,
``9M``, ``FY``). The calendar (``params/calendar.yaml``) gives the due date of each report:
the six-month report before 20 May, the annual report before 15 November, next year's plan
before 15 February (Quảng Ninh guidance 2025, section 7.3); every key is checked.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ctxh_plan.errors import InputError, ParameterError
from ctxh_plan.io.yamlfile import read_yaml

__all__ = [
    "FIRST_YEAR",
    "PARTS",
    "Calendar",
    "Period",
    "default_calendar_path",
    "load_calendar",
    "parse_period",
    "parse_period_header",
]

#: first year of the plan tracked (periods before it are history, not tracking periods)
FIRST_YEAR = 2026
#: part of the year → (share of the calendar year elapsed, form column qualifier, vi label, en label)
PARTS: dict[str, tuple[float, str, str, str]] = {
    "H1": (0.5, "6 tháng", "6 tháng đầu năm", "first six months of"),
    "9M": (0.75, "9 tháng", "9 tháng năm", "first nine months of"),
    "FY": (1.0, "", "năm", "the year"),
}
_HEADER_YEAR_RE = re.compile(r"(?<!\d)(\d{4})(?!\d)")
_PERIOD_RE = re.compile(r"^\s*(\d{4})\s*(?:-\s*(H1|9M|FY)\s*)?$", re.IGNORECASE)


@dataclass(frozen=True, order=True)
class Period:
    """A reporting period: ``year`` and ``part`` (``H1``, ``9M`` or ``FY``)."""

    year: int
    part: str = "FY"

    def __str__(self) -> str:
        return str(self.year) if self.part == "FY" else f"{self.year}-{self.part}"

    @property
    def fraction(self) -> float:
        """Share of the calendar year the period covers (0.5, 0.75 or 1)."""
        return PARTS[self.part][0]

    @property
    def is_partial(self) -> bool:
        return self.part != "FY"

    def same_period_last_year(self) -> Period:
        """The period "cùng kỳ" of the year before (2026-H1 → 2025-H1)."""
        return Period(self.year - 1, self.part)

    def column_header(self, estimate: bool | None = None) -> str:
        """Header of the value column in forms and wide sheets (read back by ``io.readers.parse_year_header``):
        ``2026 (6 tháng)``, ``2026 (9 tháng)``, ``2026 (ước thực hiện cả năm)``.

        The annual report is due in November, before the year ends: its figures are estimates
        ("ước thực hiện"), flagged ``estimate`` when read back; ``estimate=False`` gives ``2026``.
        """
        qual = PARTS[self.part][1]
        if qual:
            return f"{self.year} ({qual})"
        return f"{self.year} (ước thực hiện cả năm)" if estimate in (None, True) else str(self.year)

    def label(self, lang: str = "vi") -> str:
        """``6 tháng đầu năm 2026`` / ``first six months of 2026``; ``năm 2026`` / ``the year 2026``."""
        _, _, vi, en = PARTS[self.part]
        return f"{vi} {self.year}" if lang == "vi" else f"{en} {self.year}"

    def slug(self) -> str:
        """File-name form: ``2026-H1``, ``2026``."""
        return str(self)


def parse_period_header(cell: Any) -> tuple[int, str, bool] | None:
    """(year, part, estimate) of a column header as analysts write it, or None.

    Accepts what :func:`ctxh_plan.io.readers.parse_year_header` reads (``2026 (6 tháng)``, ``2026 (ước)``)
    and wordings with the year last: ``Thực hiện 6 tháng đầu năm 2026``, ``6 tháng năm 2026``,
    ``Ước thực hiện năm 2026``, ``Năm 2026``. Headers naming the same period last year ("Cùng kỳ …")
    are not periods to read.
    """
    from ctxh_plan.data.privacy import fold_text
    from ctxh_plan.io.headers import parse_year_header

    if cell is None or isinstance(cell, bool):
        return None
    yh = parse_year_header(cell)
    if isinstance(yh, tuple):
        return yh
    if not isinstance(cell, str):
        return None
    f = fold_text(cell)
    years = _HEADER_YEAR_RE.findall(f)
    if len(years) != 1 or "cung ky" in f or "tham khao" in f or "ke hoach" in f or "chi tieu" in f:
        return None
    part = "H1" if re.search(r"\b(6 thang|sau thang)\b", f) else ("9M" if re.search(r"\b9 thang\b", f) else "FY")
    estimate = bool(re.search(r"\buoc\b", f))
    rest = re.sub(r"\b(thuc hien|uoc|6 thang|sau thang|9 thang|dau nam|ca nam|nam|ky bao cao|so lieu|ket qua)\b",
                  " ", f.replace(years[0], " "))
    if rest.strip():
        return None
    return int(years[0]), part, estimate


def parse_period(text: Any, *, key: str = "period", first_year: int = FIRST_YEAR) -> Period:
    """Read ``2026-H1``, ``2026-9M`` or ``2026`` (also ``2026-FY``).

    Raises
    ------
    ParameterError
        Not a period, or a year before ``first_year`` (tracking starts with the 2026–2030 plan).
    """
    if isinstance(text, Period):
        return text
    m = _PERIOD_RE.match(str(text))
    if not m:
        raise ParameterError(key, "is not a reporting period", value=text,
                             fix="write 2026-H1 (6 tháng), 2026-9M (9 tháng) or 2026 (cả năm)")
    year, part = int(m.group(1)), (m.group(2) or "FY").upper()
    if year < first_year or year > 2100:
        raise ParameterError(key, f"tracking covers {first_year} onwards", value=text,
                             fix=f"use a year from {first_year}, e.g. {first_year}-H1")
    return Period(year, part)


@dataclass(frozen=True)
class Calendar:
    """Due dates of the periodic reports (``MM-DD`` in the reporting year; ``""`` = no due date)."""

    due: dict[str, str]
    labels: dict[str, tuple[str, str]]
    plan_due: str = "02-15"
    path: Path | None = None

    def due_date(self, period: Period) -> dt.date | None:
        """Last day a report for ``period`` is on time (None when the calendar sets no due date)."""
        mmdd = self.due.get(period.part, "")
        if not mmdd:
            return None
        month, day = (int(x) for x in mmdd.split("-"))
        return dt.date(period.year, month, day)

    def report_label(self, period: Period, lang: str = "vi") -> str:
        vi, en = self.labels.get(period.part, (period.part, period.part))
        return vi if lang == "vi" else en

    def plan_due_date(self, plan_year: int) -> dt.date:
        """Due date of the plan for ``plan_year`` (15 February of that year by default)."""
        month, day = (int(x) for x in self.plan_due.split("-"))
        return dt.date(plan_year, month, day)


def default_calendar_path() -> Path:
    from ctxh_plan.paths import params_dir

    return params_dir() / "calendar.yaml"


def _mmdd(value: Any, file: str, column: str, *, empty_ok: bool) -> str:
    if value in ("", None) and empty_ok:
        return ""
    text = str(value).strip()
    m = re.fullmatch(r"(\d{2})-(\d{2})", text)
    ok = False
    if m:
        try:
            dt.date(2024, int(m.group(1)), int(m.group(2)))  # a leap year: 02-29 is a valid day
            ok = True
        except ValueError:
            ok = False
    if not ok:
        raise InputError("not a day of the year", file=file, column=column, value=value,
                         fix='write "MM-DD" in quotes, e.g. due: "05-20"' + (' or "" for none' if empty_ok else ""))
    return text


def load_calendar(path: str | Path | None = None) -> Calendar:
    """Read the reporting calendar (default ``params/calendar.yaml``).

    Raises
    ------
    InputError
        Missing file, unknown keys, a report missing, or a due date that is not ``"MM-DD"``.
    """
    p = Path(path) if path else default_calendar_path()
    if not p.is_file():
        raise InputError("calendar file not found", file=str(p), fix="give the path of params/calendar.yaml")
    doc = read_yaml(p)
    file = str(p)
    if not isinstance(doc, dict):
        raise InputError("the calendar must be a mapping", file=file, fix="see params/calendar.yaml for the layout")
    unknown = sorted(set(doc) - {"version", "reports", "plan"})
    if unknown:
        raise InputError("unknown key", file=file, column=unknown[0], fix="use only: version, reports, plan")
    reports = doc.get("reports")
    if not isinstance(reports, dict):
        raise InputError("`reports:` must map H1, 9M and FY to their due dates", file=file, column="reports",
                         fix="see params/calendar.yaml")
    due: dict[str, str] = {}
    labels: dict[str, tuple[str, str]] = {}
    for part in PARTS:
        entry = reports.get(part)
        if not isinstance(entry, dict):
            raise InputError(f"report {part} is missing", file=file, column=f"reports.{part}",
                             fix=f'add reports: {{{part}: {{due: "MM-DD"}}}}')
        bad = sorted(set(entry) - {"due", "label_vi", "label_en"})
        if bad:
            raise InputError("unknown key", file=file, column=f"reports.{part}.{bad[0]}",
                             fix="use only: due, label_vi, label_en")
        due[part] = _mmdd(entry.get("due", ""), file, f"reports.{part}.due", empty_ok=part != "FY" and part != "H1")
        labels[part] = (str(entry.get("label_vi", part)), str(entry.get("label_en", part)))
    extra = sorted(set(reports) - set(PARTS))
    if extra:
        raise InputError("unknown report", file=file, column=f"reports.{extra[0]}", fix="use H1, 9M and FY")
    plan = doc.get("plan") or {}
    if not isinstance(plan, dict) or sorted(set(plan) - {"due", "label_vi", "label_en"}):
        raise InputError("`plan:` must hold due (and labels)", file=file, column="plan", fix='plan: {due: "02-15"}')
    plan_due = _mmdd(plan.get("due", "02-15"), file, "plan.due", empty_ok=False)
    return Calendar(due=due, labels=labels, plan_due=plan_due, path=p)
