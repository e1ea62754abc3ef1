"""The unit report's proposals table shows each indicator with its own decimals and labels."""
from __future__ import annotations

import math

import pandas as pd

from ctxh_plan.data.catalog import load_catalog
from ctxh_plan.reports.proposals import display_proposals


def test_counts_whole_rates_with_decimals_labels_translated_marks_kept():
    cat = load_catalog()
    table = pd.DataFrame({
        "indicator_code": ["COMM_REACHED", "CT11b", "ABUSE_CASES"],
        "indicator_name": ["a", "b", "c"],
        "value_2025": [3142.0, 10.6997, "<5"],
        "target_2030": [3275.0, 10.0, "<5"],
        "national_floor": [math.nan, 15.0, math.nan],
        "target_method": ["trend", "required", "maintain"],
        "binding": ["method", "floor", "no_backsliding"],
        "feasibility": [49.9, 0.4, None],
    })
    vi = display_proposals(table, cat, "vi")
    assert vi.loc[0, "value_2025"] == "3.142" and vi.loc[0, "target_2030"] == "3.275"
    assert vi.loc[1, "value_2025"] == "10,7" and vi.loc[1, "national_floor"] == "15,0"
    assert vi.loc[2, "value_2025"] == "<5"                       # suppression mark untouched
    assert vi.loc[0, "target_method"] == "Theo xu hướng dự báo"
    assert vi.loc[1, "binding"] == "Chỉ tiêu quốc gia hoặc của tỉnh"
    assert vi.loc[2, "binding"] == "Không cao hơn mức năm 2025"  # direction-aware: abuse cases, lower is better
    assert vi.loc[0, "feasibility"] == "50" and vi.loc[2, "feasibility"] == "–"
    en = display_proposals(table, cat, "en")
    assert en.loc[0, "value_2025"] == "3,142" and en.loc[1, "value_2025"] == "10.7"
    assert en.loc[2, "target_method"] == "Maintain the level reached"
