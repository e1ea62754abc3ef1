"""A compact, coloured view of an evaluation frame (pandas Styler, no matplotlib)."""
from __future__ import annotations

import math
from typing import Any

from ctxh_plan.vocab import Attainment, Operator, ProgressCategory

__all__ = ["ATTAINMENT_COLOURS", "compact_evaluation", "style_evaluation"]

#: background colour by attainment (text stays black; readable when printed in grey).
ATTAINMENT_COLOURS = {
    Attainment.EXCEEDED.value: "#b7e1a1",
    Attainment.MET.value: "#d9f0d3",
    Attainment.NOT_MET.value: "#f8d0c8",
    Attainment.UNCERTAIN.value: "#fde9b5",
    Attainment.INSUFFICIENT.value: "#e6e6e6",
}

_HEAD = {
    "vi": {"unit": "Đơn vị", "indicator": "Chỉ tiêu", "baseline": "Năm gốc", "latest": "Thực hiện",
           "target": "Mục tiêu", "attainment": "Đánh giá", "share": "% thay đổi theo KH",
           "progress": "Tiến độ (Open SDG)", "estimate": "ước", "illustrative": "Dữ liệu minh họa"},
    "en": {"unit": "Unit", "indicator": "Indicator", "baseline": "Baseline", "latest": "Latest",
           "target": "Target", "attainment": "Verdict", "share": "% of planned change",
           "progress": "Progress (Open SDG)", "estimate": "est.", "illustrative": "Illustrative data"},
}


def _fmt(x: Any, lang: str, decimals: int = 1) -> str:
    from ctxh_plan.data.numbers import format_number

    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "–"
    x = float(x)
    dec = 0 if abs(x - round(x)) < 1e-9 and abs(x) >= 1 else decimals
    if abs(x) < 1 and x != 0:
        dec = max(decimals, 2)
    return format_number(x, dec, style=lang, missing="–")


def _year_value(year: Any, value: Any, lang: str) -> str:
    if year is None or (isinstance(year, float) and math.isnan(year)):
        return "–"
    return f"{_fmt(value, lang)} ({int(year)})"


def compact_evaluation(frame: Any, lang: str = "vi") -> Any:
    """Few, readable columns of an evaluation frame (text already formatted for ``lang``).

    Returns a DataFrame with the unit (when several), indicator name with its unit,
    baseline, latest (marked when an estimate), target, verdict, share of planned
    change (%) and the Open SDG progress category.
    """
    import pandas as pd

    if lang not in ("vi", "en"):
        raise ValueError(f"lang must be 'vi' or 'en', not {lang!r}")
    h = _HEAD[lang]
    out = pd.DataFrame(index=frame.index)
    if frame["unit_code"].nunique() > 1:
        out[h["unit"]] = frame["unit_name"].where(frame["unit_name"].astype(bool), frame["unit_code"])
    name = frame["indicator_name_vi"] if lang == "vi" else frame["indicator_name_en"]
    out[h["indicator"]] = name + " (" + frame["indicator_unit_vi"].fillna("") + ")"
    out[h["baseline"]] = [_year_value(y, v, lang) for y, v in zip(frame["baseline_year"], frame["baseline_value"])]
    out[h["latest"]] = [_year_value(y, v, lang) + (f" {h['estimate']}" if est else "")
                        for y, v, est in zip(frame["latest_year"], frame["latest_value"],
                                             frame["latest_is_estimate"])]
    ops = []
    for op, v in zip(frame["target_operator"], frame["target_value"]):
        try:
            sym = Operator(op).vi
        except ValueError:
            sym = str(op)
        ops.append(f"{sym} {_fmt(v, lang)}")
    out[h["target"]] = ops
    out[h["attainment"]] = [Attainment(a).label(lang) for a in frame["attainment"]]
    out[h["share"]] = [_fmt(100 * s, lang, 0) if not (s is None or math.isnan(s)) else "–"
                       for s in frame["planned_change_share"].astype(float)]
    out[h["progress"]] = [ProgressCategory(c).label(lang) for c in frame["progress_category"]]
    return out


def style_evaluation(frame: Any, lang: str = "vi") -> Any:
    """Styled, compact evaluation table for notebooks and HTML.

    Parameters
    ----------
    frame : evaluation frame from :func:`~ctxh_plan.evaluate.evaluate_frames`.
    lang : "vi" (default) or "en" — labels, headers and number format
        (Vietnamese ``1.234,5``; English ``1,234.5``).

    Returns
    -------
    pandas.io.formats.style.Styler
        Rows coloured by attainment (see :data:`ATTAINMENT_COLOURS`), indicator names
        wrapped, no index, every cell HTML-escaped (names and units come from data); the caption
        says "dữ liệu minh họa" when the data are illustrative.
    """
    import pandas as pd

    view = compact_evaluation(frame, lang)
    colours = [ATTAINMENT_COLOURS.get(a, "") for a in frame["attainment"]]

    def _paint(data: Any) -> Any:
        css = pd.DataFrame("", index=data.index, columns=data.columns)
        for pos, colour in enumerate(colours):
            if colour:
                css.iloc[pos, :] = f"background-color: {colour}; color: #000"
        return css

    h = _HEAD[lang]
    styler = view.style.apply(_paint, axis=None).hide(axis="index").format(escape="html")  # names come from data
    styler = styler.set_table_styles([
        {"selector": "table", "props": "border-collapse: collapse; font-size: 0.9em; width: 100%;"},
        {"selector": "th", "props": "text-align: left; padding: 2px 6px; border-bottom: 1px solid #888;"},
        {"selector": "td", "props": "padding: 2px 6px; vertical-align: top;"},
    ])
    # numbers and labels stay on one line; only the indicator name wraps (30 rows fit without scrolling)
    others = [c for c in view.columns if c != h["indicator"]]
    styler = styler.set_properties(subset=others, **{"white-space": "nowrap"})
    styler = styler.set_properties(subset=[h["indicator"]], **{"white-space": "normal", "max-width": "28em",
                                                               "text-align": "left"})
    if "illustrative" in frame and bool(frame["illustrative"].fillna(False).astype(bool).any()):
        styler = styler.set_caption(f"{h['illustrative']} / dữ liệu minh họa" if lang == "en" else h["illustrative"])
    return styler
