"""The indicator catalogue (params/indicators.yaml): complete, consistent with QĐ 23, well formed."""
from __future__ import annotations

import csv
import re
import unicodedata

import pytest

from ctxh_plan.data.catalog import load_catalog
from ctxh_plan.vocab import Aggregation, Direction, Kind
from tests.helpers.paths import ROOT

QD23 = ROOT / "data" / "reference" / "national_targets_qd23.csv"


@pytest.fixture(scope="module")
def cat():
    return load_catalog()


@pytest.fixture(scope="module")
def qd23() -> list[dict]:
    with open(QD23, encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


def test_catalogue_loads_from_default_path(cat):
    assert cat.path == ROOT / "params" / "indicators.yaml"
    assert len(cat) >= 60
    frame = cat.to_frame()
    assert frame["code"].is_unique
    assert list(frame["code"]) == cat.codes()


def test_every_national_code_present_with_its_direction(cat, qd23):
    codes = [r["code"] for r in qd23]
    assert len({re.match(r"CT\d\d", c).group(0) for c in codes}) == 24  # the 24 chỉ tiêu of QĐ 23
    for r in qd23:
        ind = cat[r["code"]]
        assert ind.direction is Direction(r["direction"]), r["code"]
        assert ind.source == "QĐ 23/QĐ-TTg"
        assert ind.name_vi == unicodedata.normalize("NFC", r["vi_name"]), r["code"]


@pytest.mark.parametrize("code, kind", [
    ("CT01", Kind.SHARE_OF_UNITS), ("CT21", Kind.SHARE_OF_UNITS),
    ("CT03a", Kind.RATE_1000), ("CT03b", Kind.RATE_1000), ("CT03c", Kind.RATE_1000),
    ("CT11a", Kind.RATE_100000), ("CT11b", Kind.RATE_100000),
    ("CT09", Kind.PERCENT), ("CT08b", Kind.PERCENT),
    ("TNTT_DEATHS", Kind.COUNT), ("CHILD_MARRIAGES", Kind.COUNT), ("SWIM_BUDGET", Kind.MONEY),
    ("SWIM_MODEL", Kind.YES_NO),
])
def test_kinds(cat, code, kind):
    assert cat[code].kind is kind


@pytest.mark.parametrize("code, num, den", [
    ("CT01", "CF_COMMUNES", "COMMUNES_TOTAL"),
    ("CT21", "PLAY_COMMUNES", "COMMUNES_TOTAL"),
    ("CT03a", "NEONATAL_DEATHS", "LIVE_BIRTHS"),
    ("CT08a", "HCDB_CHILDREN", "POP_U16"),
    ("CT08b", "HCDB_SUPPORTED", "HCDB_CHILDREN"),
    ("CT09", "ABUSED_CHILDREN", "POP_U16"),
    ("CT11a", "TNTT_CASES", "POP_U16"),
    ("CT11b", "TNTT_DEATHS", "POP_U16"),
])
def test_ratio_components(cat, code, num, den):
    ind = cat[code]
    assert (ind.numerator, ind.denominator) == (num, den)
    assert ind.aggregation is Aggregation.RATIO


def test_components_are_counts_and_ratios_are_ratio_kinds(cat):
    n = 0
    for ind in cat:
        for ref in (ind.numerator, ind.denominator):
            if ref is not None:
                n += 1
                assert cat[ref].kind is Kind.COUNT, f"{ind.code} → {ref}"
                assert ind.kind.is_ratio, ind.code
        if ind.aggregation is Aggregation.RATIO:
            assert ind.kind.is_ratio, ind.code
    assert n >= 20


def test_sensitive_flags(cat):
    sensitive = {ind.code for ind in cat if ind.sensitive}
    assert {"ABUSE_CASES", "ABUSED_CHILDREN", "CT09"} <= sensitive
    assert "TNTT_DEATHS" not in sensitive and "POP_U16" not in sensitive


def test_bounds_and_decimals(cat):
    for ind in cat:
        lo, hi = ind.bounds
        if ind.kind.is_bounded_100 and ind.code != "CT13":
            assert (lo, hi) == (0.0, 100.0), ind.code
        if ind.kind in (Kind.COUNT, Kind.MONEY):
            assert lo == 0.0 and hi is None and ind.aggregation is Aggregation.SUM, ind.code
        assert 0 <= ind.decimals <= 4, ind.code
    assert cat["CT13"].bounds == (-100.0, 100.0)  # a % change a year may be negative
    assert cat["SWIM_MODEL"].bounds == (0.0, 1.0)


def test_every_entry_is_complete_and_vietnamese(cat):
    vi_letters = re.compile(r"[ăâđêôơưáàảãạấầẩẫậắằẳẵặéèẻẽẹếềểễệíìỉĩịóòỏõọốồổỗộớờởỡợúùủũụứừửữựýỳỷỹỵ]", re.I)
    assert len(cat) >= 60  # the loop below checks every entry of the whole catalogue
    for ind in cat:
        assert re.fullmatch(r"CT\d\d[a-c]?|[A-Z][A-Z0-9_]{2,23}", ind.code), ind.code
        for text in (ind.name_vi, ind.name_en, ind.unit_vi, ind.unit_en, ind.source, ind.group):
            assert text and text == unicodedata.normalize("NFC", text), (ind.code, text)
        assert vi_letters.search(ind.name_vi), ind.code
        assert vi_letters.search(ind.group), ind.code
        assert ind.levels and set(ind.levels) <= {"province", "district", "commune"}, ind.code
        assert "province" in ind.levels, ind.code


def test_yaml_lists_every_field_explicitly():
    """Every entry states all the fields (no silent loader defaults) — what docs/CATALOGUE.md promises."""
    import yaml

    doc = yaml.safe_load((ROOT / "params" / "indicators.yaml").read_text(encoding="utf-8"))
    required = {"code", "name_vi", "name_en", "unit_vi", "unit_en", "kind", "direction", "aggregation",
                "bounds", "decimals", "source", "sensitive", "levels", "group"}
    assert len(doc["indicators"]) >= 60
    for entry in doc["indicators"]:
        assert required <= set(entry), (entry["code"], sorted(required - set(entry)))
