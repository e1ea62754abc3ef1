"""Reporting periods (2026-H1, 2026-9M, 2026) and the calendar of params/calendar.yaml."""
from __future__ import annotations

import datetime as dt

import pytest

from ctxh_plan.errors import InputError, ParameterError
from ctxh_plan.tracking.periods import Period, load_calendar, parse_period, parse_period_header


@pytest.mark.parametrize("text,year,part", [("2026-H1", 2026, "H1"), ("2027-9m", 2027, "9M"), ("2026", 2026, "FY"),
                                           (" 2030-FY ", 2030, "FY")])
def test_periods_are_read(text, year, part):
    p = parse_period(text)
    assert (p.year, p.part) == (year, part)
    assert parse_period(str(p)) == p


@pytest.mark.parametrize("text", ["2026-H2", "H1-2026", "2025-H1", "26", "2026/H1", ""])
def test_bad_periods_are_refused_with_a_fix(text):
    with pytest.raises(ParameterError) as ei:
        parse_period(text)
    assert "fix:" in str(ei.value)


def test_period_labels_fraction_and_same_period():
    p = parse_period("2026-H1")
    assert p.label("vi") == "6 tháng đầu năm 2026" and p.fraction == 0.5 and p.is_partial
    assert p.same_period_last_year() == Period(2025, "H1")
    assert parse_period("2026").label("vi") == "năm 2026" and not parse_period("2026").is_partial


@pytest.mark.parametrize("period", ["2026-H1", "2026-9M", "2026"])
def test_form_column_headers_read_back(period):
    p = parse_period(period)
    year, part, estimate = parse_period_header(p.column_header())
    assert (year, part) == (p.year, p.part)
    assert estimate == (p.part == "FY")  # the annual report, due in November, is an estimate


@pytest.mark.parametrize("header,expected", [("Thực hiện 6 tháng đầu năm 2026", (2026, "H1", False)),
                                             ("Ước thực hiện năm 2026", (2026, "FY", True)),
                                             ("Cùng kỳ năm 2025 (tham khảo)", None),
                                             ("Kế hoạch năm 2026", None), ("Mã chỉ tiêu", None)])
def test_analysts_headers(header, expected):
    assert parse_period_header(header) == expected


def test_calendar_of_the_guidance():
    cal = load_calendar()
    assert cal.due_date(parse_period("2026-H1")) == dt.date(2026, 5, 20)
    assert cal.due_date(parse_period("2026")) == dt.date(2026, 11, 15)
    assert cal.due_date(parse_period("2026-9M")) is None
    assert cal.plan_due_date(2027) == dt.date(2027, 2, 15)


@pytest.mark.parametrize("body,column", [
    ('version: 1\nreports: {H1: {due: "05-20"}, 9M: {due: ""}, FY: {due: "11-15"}}\nfoo: 1\n', "foo"),
    ('reports: {H1: {due: "05-32"}, 9M: {due: ""}, FY: {due: "11-15"}}\n', "reports.H1.due"),
    ('reports: {H1: {due: "05-20"}, 9M: {due: ""}}\n', "reports.FY"),
    ('reports: {H1: {due: "05-20", when: 1}, 9M: {due: ""}, FY: {due: "11-15"}}\n', "reports.H1.when"),
    ('reports: {H1: {due: "05-20"}, 9M: {due: ""}, FY: {due: ""}}\n', "reports.FY.due"),
])
def test_calendar_keys_are_checked(tmp_path, body, column):
    p = tmp_path / "calendar.yaml"
    p.write_text(body, encoding="utf-8")
    with pytest.raises(InputError) as ei:
        load_calendar(p)
    assert ei.value.where.column == column and str(p) in str(ei.value) and "fix:" in str(ei.value)


def test_tracking_settings_are_checked(tmp_path):
    from ctxh_plan.tracking.settings import load_tracking_settings

    s = load_tracking_settings()
    assert s.on_track == 0.8 and s.off_track == 0.2 and s.min_count == 20
    p = tmp_path / "t.yaml"
    p.write_text("status: {on_track: 0.2, off_track: 0.8}\n", encoding="utf-8")
    with pytest.raises(InputError, match="off_track < on_track"):
        load_tracking_settings(p)
    p.write_text("status: {on_track: yes}\n", encoding="utf-8")
    with pytest.raises(InputError, match="must be a float"):
        load_tracking_settings(p)
