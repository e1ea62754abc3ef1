"""Indicator names → catalogue codes: case, spacing, NFD/NFC, tone placement and synonyms; ambiguous and
unmatched names are refused with candidates, never guessed (ctxh_plan.tracking.names)."""
from __future__ import annotations

import unicodedata

import pytest

from ctxh_plan.data.catalog import load_catalog
from ctxh_plan.tracking.names import IndicatorMatcher, fold_key, name_key, post_reform


@pytest.fixture(scope="module")
def matcher():
    return IndicatorMatcher(load_catalog())


@pytest.mark.parametrize("name,code,how", [
    ("Số trẻ em tử vong do tai nạn thương tích", "TNTT_DEATHS", "name"),
    ("  SỐ TRẺ EM   TỬ VONG DO TAI NẠN THƯƠNG TÍCH  ", "TNTT_DEATHS", "name"),          # case, spacing
    (unicodedata.normalize("NFD", "Số trẻ em tử vong do đuối nước"), "DROWNING_DEATHS", "name"),  # NFD
    ("Tỷ lệ trẻ em khuyết tật có nhu cầu học tập được tiếp cận giáo dục chuyên biệt, hoà nhập, phục hồi chức năng",
     "CT20b", "name"),                                                                         # old tone placement
    ("Số vụ tảo hôn", "CHILD_MARRIAGES", "synonym"),
    ("Số trẻ em có HCĐB", "HCDB_CHILDREN", "synonym"),
    ("1. Tỷ lệ xã, phường, đặc khu đạt tiêu chuẩn phù hợp với trẻ em", "CT01", "synonym"),    # numbering, new wording
    ("Tỷ lệ huy động trẻ em 5 tuổi đi học mẫu giáo (%)", "CT16", "name"),                      # unit in brackets
    ("Tỷ suất tử vong trẻ sơ sinh", "CT03a", "name"),
    ("so tre em tu vong do tai nan thuong tich", "TNTT_DEATHS", "folded"),                   # no diacritics
])
def test_names_map_to_the_right_codes(matcher, name, code, how):
    m = matcher.match(name)
    assert (m.code, m.how) == (code, how)


def test_name_only_sheet_with_every_variant_maps_to_the_right_codes(tmp_path, matcher):
    """A sheet with names only (no code column), read like a received form."""
    from openpyxl import Workbook

    from ctxh_plan.data.units import load_units
    from ctxh_plan.tracking.forms import read_form
    from ctxh_plan.tracking.periods import parse_period

    rows = {"SỐ TRẺ EM TỬ VONG DO TNTT": ("TNTT_DEATHS", 3),
            unicodedata.normalize("NFD", "Số trẻ em bị đuối nước tử vong"): ("DROWNING_DEATHS", 1),
            "số  trẻ em  bị tai nạn  thương tích": ("TNTT_CASES", 12),
            "Tỷ lệ trẻ em được tiếp cận giáo dục chuyên biệt, hoà nhập": (None, 5),  # not a catalogue name
            "Số vụ tảo hôn": ("CHILD_MARRIAGES", 2),
            "Tỷ lệ trẻ em dưới 5 tuổi suy dinh dưỡng": (None, 7.5)}               # ambiguous: CT04a or CT04b
    wb = Workbook()
    ws = wb.active
    ws["A1"] = "UBND PHƯỜNG HÀ TU (mã đơn vị: 06652)"
    ws["A2"] = "Ngày báo cáo: 15/05/2026"
    ws.append([])
    ws.append(["TT", "Nội dung chỉ tiêu", "ĐVT", "Thực hiện 6 tháng đầu năm 2026"])
    ws.append([None, "I. PHÒNG, CHỐNG TAI NẠN THƯƠNG TÍCH", None, None])  # heading without a figure: ignored
    for k, (name, (_code, v)) in enumerate(rows.items(), start=1):
        ws.append([k, name, "", v])
    path = tmp_path / "bao cao.xlsx"
    wb.save(path)
    r = read_form(path, parse_period("2026-H1"), matcher=matcher, units=load_units("22", as_of="2025-07-01"))
    assert r.unit_code == "06652" and r.by_name and str(r.submitted_on) == "2026-05-15"
    got = {rec["indicator_code"]: rec["value"] for rec in r.records}
    assert got == {code: v for code, v in rows.values() if code}
    refused = {p["value"]: p for p in r.problems}
    assert set(refused) == {n for n, (c, _) in rows.items() if c is None}
    amb = refused["Tỷ lệ trẻ em dưới 5 tuổi suy dinh dưỡng"]
    assert amb["severity"] == "error" and "CT04a" in amb["fix"] and "CT04b" in amb["fix"]
    assert "khớp nhiều chỉ tiêu" in amb["problem"]


def test_ambiguous_name_is_refused_with_candidates(matcher):
    m = matcher.match("Số lớp dạy bơi miễn phí")
    assert m.code is None and m.how == "ambiguous"
    assert set(m.candidates) == {"SWIM_CLASSES", "SWIM_CLASSES_STATE", "SWIM_CLASSES_PRIVATE"}
    assert "SWIM_CLASSES (" in matcher.describe(m)


def test_unmatched_name_gets_the_closest_candidates(matcher):
    m = matcher.match("Số trẻ em bị bạo lực")
    assert m.code is None and m.how == "unmatched" and len(m.candidates) == 3


def test_a_key_shared_by_two_indicators_is_ambiguous():
    from ctxh_plan.data.catalog import Catalog, Indicator
    from ctxh_plan.vocab import Direction, Kind

    a = Indicator("A", "Số lớp học", "a", "lớp", Kind.COUNT, Direction.HIGHER, synonyms=("Số lớp",))
    b = Indicator("B", "Số lớp tập huấn", "b", "lớp", Kind.COUNT, Direction.HIGHER, synonyms=("số  LỚP",))
    m = IndicatorMatcher(Catalog({"A": a, "B": b}))
    assert m.clashes() == {name_key("Số lớp"): ["A", "B"]}
    res = m.match("Số lớp")
    assert res.code is None and res.how == "ambiguous" and res.candidates == ("A", "B")


def test_shipped_catalogue_has_no_clashing_names(matcher):
    assert matcher.clashes() == {}
    folded: dict[str, str] = {}
    for ind in load_catalog():
        for n in (ind.name_vi, *ind.synonyms):
            other = folded.setdefault(fold_key(n), ind.code)
            assert other == ind.code, (n, other)


def test_post_reform_wording_is_a_synonym(matcher):
    reworded = 0
    for ind in load_catalog():
        new = post_reform(ind.name_vi)
        if new != ind.name_vi:
            reworded += 1
            assert matcher.match(new).code == ind.code
    assert reworded >= 1  # some names do change with the reform (else this test checks nothing)


def test_keys():
    assert name_key("Hoà  NHẬP") == name_key("hòa nhập") and name_key("thuỷ") == name_key("thủy")
    assert name_key("1.000 trẻ") == name_key("1000 trẻ")
    assert fold_key("Đuối nước") == "duoi nuoc"
    assert name_key("hòa") != name_key("hỏa")  # a different tone is a different word
