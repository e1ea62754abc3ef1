"""Small-cell suppression: primary rule, complementary suppression, hierarchy, no recovery by subtraction."""
from __future__ import annotations

import logging

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ctxh_plan.data.catalog import Catalog, Indicator
from ctxh_plan.errors import ParameterError, UsageError
from ctxh_plan.present import suppress_small_cells
from ctxh_plan.vocab import Direction, Kind

FLAG = "suppressed__value"


def catalog() -> Catalog:
    inds = [
        Indicator("ABUSE", "Số vụ xâm hại trẻ em", "Child abuse cases", "vụ", Kind.COUNT, Direction.LOWER,
                  sensitive=True, decimals=0),
        Indicator("ABUSE_RATE", "Tỷ suất trẻ em bị xâm hại", "Child abuse rate", "/100.000 trẻ em",
                  Kind.RATE_100000, Direction.LOWER, sensitive=True),
        Indicator("DEATHS", "Số trẻ em tử vong do TNTT", "Injury deaths", "trẻ em", Kind.COUNT, Direction.LOWER),
    ]
    return Catalog({i.code: i for i in inds}, _order=tuple(i.code for i in inds))


def long_frame(values: dict[str, float], code: str = "ABUSE", year: int = 2024) -> pd.DataFrame:
    return pd.DataFrame({"unit_code": list(values), "indicator_code": code, "year": year,
                         "value": [float(v) for v in values.values()]})


def test_primary_rule_zero_and_threshold():
    df = long_frame({"193": 0, "194": 1, "195": 4, "196": 5, "197": 12})
    res = suppress_small_cells(df, catalog(), 5)
    out = res.frame
    assert out[FLAG].tolist() == [False, True, True, False, False]
    assert out["value"].isna().tolist() == [False, True, True, False, False]
    assert out.loc[0, "value"] == 0 and out.loc[3, "value"] == 5
    assert res.primary == 2 and res.mark == "<5"
    # the input frame is untouched
    assert df["value"].tolist() == [0, 1, 4, 5, 12]


def test_non_sensitive_indicator_is_published():
    df = long_frame({"193": 1, "194": 2}, code="DEATHS")
    res = suppress_small_cells(df, catalog(), 5, group_keys=["year"])
    out = res.frame
    assert not out[FLAG].any() and out["value"].tolist() == [1.0, 2.0]


def test_complementary_cell_when_one_is_hidden_in_a_group_with_total():
    df = long_frame({"22": 30, "193": 12, "194": 3, "195": 7, "196": 8})
    total = df["unit_code"].eq("22")
    res = suppress_small_cells(df, catalog(), 5, group_keys=["year"], total_rows=total)
    out = res.frame
    hidden = set(out.loc[out[FLAG], "unit_code"])
    assert hidden == {"194", "195"}  # 3 primary, 7 = next smallest non-zero component (not the total)
    assert res.complementary == 1


def test_complement_skips_zero_when_a_nonzero_exists():
    df = long_frame({"22": 13, "193": 0, "194": 3, "195": 10})
    res = suppress_small_cells(df, catalog(), 5, group_keys=["year"], total_rows=df["unit_code"].eq("22"))
    out = res.frame
    assert set(out.loc[out[FLAG], "unit_code"]) == {"194", "195"}


def test_groups_are_per_indicator_and_year():
    df = pd.concat([long_frame({"193": 3, "194": 9, "195": 20}, year=2023),
                    long_frame({"193": 8, "194": 9, "195": 20}, year=2024)], ignore_index=True)
    res = suppress_small_cells(df, catalog(), 5, group_keys=["year"])
    out = res.frame
    assert out.loc[out[FLAG], ["unit_code", "year"]].values.tolist() == [["193", 2023], ["194", 2023]]


def test_hierarchy_province_districts_communes():
    # district 193 = communes 1,2,3 ; district 194 = communes 4,5 ; province 22 = 193 + 194
    parents = {"22": None, "193": "22", "194": "22", "1": "193", "2": "193", "3": "193", "4": "194", "5": "194"}
    vals = {"22": 40, "193": 25, "194": 15, "1": 2, "2": 11, "3": 12, "4": 6, "5": 9}
    df = long_frame(vals)
    res = suppress_small_cells(df, catalog(), 5, group_keys=["year"], parents=parents)
    out = res.frame
    hidden = set(out.loc[out[FLAG], "unit_code"])
    assert {"1", "2"} <= hidden  # 2 primary, 11 complementary within district 193
    assert "4" not in hidden and "5" not in hidden and "22" not in hidden
    _assert_no_equation_with_one_hidden(out, parents)


def test_row_totals_across_columns():
    df = pd.DataFrame({"indicator_code": ["ABUSE"], "girls": [3.0], "boys": [9.0], "total": [12.0]})
    res = suppress_small_cells(df, catalog(), 5, value_cols=["girls", "boys", "total"],
                               row_totals={"total": ["girls", "boys"]})
    out = res.frame
    assert out[["suppressed__girls", "suppressed__boys", "suppressed__total"]].iloc[0].tolist() == [True, True, False]
    assert out[["girls", "boys"]].isna().all(axis=None) and out.loc[0, "total"] == 12


def test_rate_with_count_column_and_without():
    df = pd.DataFrame({"unit_code": ["193", "194"], "indicator_code": "ABUSE_RATE", "value": [10.8, 40.0],
                       "numerator": [1.0, 20.0]})
    res = suppress_small_cells(df, catalog(), 5, count_col="numerator")
    out = res.frame
    assert out[FLAG].tolist() == [True, False]


def test_rate_without_count_is_logged_and_recorded(caplog):
    df = pd.DataFrame({"unit_code": ["193"], "indicator_code": "ABUSE_RATE", "value": [10.8]})
    with caplog.at_level(logging.WARNING):
        res = suppress_small_cells(df, catalog(), 5)
    assert res.warnings and "ABUSE_RATE" in caplog.text


def test_lone_hidden_cell_warns():
    df = long_frame({"193": 2})
    res = suppress_small_cells(df, catalog(), 5, group_keys=["year"])
    out = res.frame
    assert out[FLAG].tolist() == [True]
    assert any("alone" in w for w in res.warnings)


def test_render_suppressed_and_mark_option():
    res = suppress_small_cells(long_frame({"193": 2, "194": 40, "195": 9}), catalog(), 5, mark="*",
                               group_keys=["year"])
    shown = res.rendered()
    assert FLAG not in shown.columns
    assert shown["value"].tolist() == ["*", 40.0, "*"]


def test_default_threshold_from_publish_yaml():
    res = suppress_small_cells(long_frame({"193": 4, "194": 5}), catalog())
    out = res.frame
    assert res.threshold == 5 and out[FLAG].tolist() == [True, False]


def test_bad_arguments():
    with pytest.raises(ParameterError):
        suppress_small_cells(long_frame({"193": 1}), catalog(), 0)
    with pytest.raises(UsageError, match="not in the frame"):
        suppress_small_cells(long_frame({"193": 1}), catalog(), 5, value_cols=["nope"])


def _assert_no_equation_with_one_hidden(out: pd.DataFrame, parents: dict) -> None:
    for parent in {p for p in parents.values() if p}:
        members = [parent] + [u for u, p in parents.items() if p == parent]
        for (_code, _year), g in out[out["unit_code"].isin(members)].groupby(["indicator_code", "year"]):
            assert g[FLAG].sum() != 1, f"group of {parent}: exactly one hidden cell\n{g}"


@settings(max_examples=150, deadline=None)
@given(st.lists(st.integers(min_value=0, max_value=30), min_size=1, max_size=13),
       st.integers(min_value=2, max_value=10))
def test_property_no_small_count_visible_and_none_recoverable(counts, threshold):
    """Random district counts + province total: nothing small is shown and no group has one hidden cell."""
    units = [str(193 + i) for i in range(len(counts))]
    vals = {"22": sum(counts), **dict(zip(units, counts))}
    parents = {"22": None, **dict.fromkeys(units, "22")}
    res = suppress_small_cells(long_frame(vals), catalog(), threshold, group_keys=["year"], parents=parents)
    out = res.frame
    shown = out.loc[~out[FLAG], "value"]
    assert not ((shown > 0) & (shown < threshold)).any()
    assert out.loc[out[FLAG], "value"].isna().all()
    hidden = int(out[FLAG].sum())
    assert hidden != 1 or (len(units) == 1 and res.warnings)
    # recovering a hidden district by subtraction needs every other cell of the equation visible
    visible = out.set_index("unit_code")["value"]
    for u in units:
        if out.set_index("unit_code").loc[u, FLAG]:
            others = [x for x in ["22", *units] if x != u]
            assert visible[others].isna().any() or len(units) == 1
    assert np.isfinite(visible.dropna()).all()


def test_suppress_evaluation_hides_values_and_what_derives_from_them():
    from ctxh_plan.present import suppress_evaluation

    ev = pd.DataFrame({
        "unit_code": ["22", "193", "194", "195", "193"],
        "indicator_code": ["ABUSE", "ABUSE", "ABUSE", "ABUSE", "DEATHS"],
        "baseline_year": 2020, "latest_year": 2025,
        "baseline_value": [30.0, 12.0, 3.0, 15.0, 2.0],
        "latest_value": [25.0, 10.0, 6.0, 9.0, 1.0],
        "target_value": [27.0, 10.8, 2.7, 13.5, 2.0],
        "planned_change_share": [1.6, 1.7, -10.0, 4.0, 1.0],
        "attainment": ["met"] * 5,
    })
    parents = {"22": None, "193": "22", "194": "22", "195": "22"}
    res = suppress_evaluation(ev, catalog(), 5, parents=parents)
    out = res.frame
    hidden = out["suppressed__baseline_value"].tolist()
    assert hidden == [False, True, True, False, False]  # 3 primary, 12 = smallest other non-zero district
    assert not out["suppressed__latest_value"].any()
    # derived numbers of the rows with a hidden value are hidden too; non-sensitive DEATHS untouched
    assert out["suppressed__target_value"].tolist() == [False, True, True, False, False]
    assert out.loc[2, ["baseline_value", "target_value", "planned_change_share"]].isna().all()
    assert out.loc[4, "baseline_value"] == 2.0 and out.loc[0, "baseline_year"] == 2020
    shown = res.rendered()
    assert shown.loc[2, "baseline_value"] == "<5" and shown.loc[2, "latest_value"] == 6.0
