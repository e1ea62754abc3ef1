"""A compact, coloured view of an evaluation frame (pandas Styler, no matplotlib).

It shows what the signed appendix says: the official verdict (Đạt / Vượt / Chưa đạt), TH/KH (%), and
the statistical judgement in its own column; numbers with each indicator's decimals and the target as
printed (:func:`~ctxh_plan.evaluate.verdict.target_on_grid`), so the HTML, Word and Excel agree.
Column headings come from :mod:`ctxh_plan.present.labels`.
"""
from __future__ import annotations

import math
from typing import Any

from ctxh_plan.vocab import Attainment, Certainty, Operator, ProgressCategory

__all__ = ["ATTAINMENT_COLOURS", "compact_evaluation", "style_evaluation"]

#: background colour by attainment (text stays black; readable when printed in grey).
ATTAINMENT_COLOURS = {
    Attainment.EXCEEDED.value: "#b7e1a1",
    Attainment.MET.value: "#d9f0d3",
    Attainment.NOT_MET.value: "#f8d0c8",
    Attainment.UNCERTAIN.value: "#fde9b5",
    Attainment.INSUFFICIENT.value: "#e6e6e6",
    Attainment.NOT_APPLICABLE.value: "#f2f2f2",
}

#: columns of the compact view → label keys of ``ctxh_plan.present.labels``
_COLUMNS = ("unit", "indicator", "baseline", "latest", "target", "percent_of_target", "attainment", "certainty",
            "progress")
_LABEL_KEYS = {"unit": "unit_name", "indicator": "indicator", "baseline": "baseline_year_value",
               "latest": "latest_year_value", "target": "target_2025", "percent_of_target": "percent_of_target",
               "attainment": "attainment", "certainty": "certainty", "progress": "progress_category"}


def _missing(x: Any) -> bool:
    return x is None or (isinstance(x, float) and math.isnan(x))


def _decimals(row_decimals: Any, x: float) -> int:
    """The row's decimals (the evaluation's ``decimals`` column); without it, a readable guess."""
    if not _missing(row_decimals):
        return int(row_decimals)
    return 0 if abs(x - round(x)) < 1e-9 else 1


def _fmt(x: Any, lang: str, decimals: Any, kind: str = "") -> str:
    from ctxh_plan.data.numbers import format_number
    from ctxh_plan.present.labels import text

    if _missing(x):
        return "–"
    if isinstance(x, str):  # a suppression mark
        return x
    if kind == "yes_no":
        return text("yes", lang) if float(x) >= 0.5 else text("no", lang)
    return format_number(float(x), _decimals(decimals, float(x)), style=lang, missing="–")


def compact_evaluation(frame: Any, lang: str = "vi", *, mark: str = "<5") -> Any:
    """Few, readable columns of an evaluation frame (text already formatted for ``lang``).

    Returns a DataFrame with the unit (when several), the indicator name with its unit of measure,
    baseline and latest value with their years (the latest marked "ước" when an estimate), the 2025
    target as printed, TH/KH (%), the official verdict, the statistical judgement and the Open SDG
    progress category. A suppressed value (``suppressed__<col>`` True, from ``suppress_evaluation``)
    shows ``mark``; a number derived from it shows "–".
    """
    import pandas as pd

    from ctxh_plan.present.labels import column_label, text

    if lang not in ("vi", "en"):
        raise ValueError(f"lang must be 'vi' or 'en', not {lang!r}")
    h = {k: column_label(v, lang) for k, v in _LABEL_KEYS.items()}
    out = pd.DataFrame(index=frame.index)
    n = len(frame)

    def col(name: str, default: Any = math.nan) -> list:
        return frame[name].tolist() if name in frame.columns else [default] * n

    def hidden(name: str) -> list:
        return [bool(x) for x in col(f"suppressed__{name}", False)]

    if frame["unit_code"].nunique() > 1:
        out[h["unit"]] = frame["unit_name"].where(frame["unit_name"].astype(bool), frame["unit_code"])
    name = frame["indicator_name_vi"] if lang == "vi" else frame["indicator_name_en"]
    out[h["indicator"]] = name + " (" + frame["indicator_unit_vi"].fillna("") + ")"
    dec, kinds = col("decimals"), col("kind", "")

    def year_value(years: list, values: list, hid: list, estimate: list | None = None) -> list[str]:
        shown = []
        for i, (y, v, hd) in enumerate(zip(years, values, hid)):
            if _missing(y):
                shown.append("–")
                continue
            s = mark if hd else _fmt(v, lang, dec[i], kinds[i])
            if estimate is not None and bool(estimate[i]) and not hd:
                s += " " + text("estimate_mark", lang)
            shown.append(f"{s} ({int(y)})")
        return shown

    out[h["baseline"]] = year_value(col("baseline_year"), col("baseline_value"), hidden("baseline_value"))
    out[h["latest"]] = year_value(col("latest_year"), col("latest_value"), hidden("latest_value"),
                                  col("latest_is_estimate", False))
    targets = col("target_shown") if "target_shown" in frame.columns else col("target_value")
    shown_targets = []
    for i, (op, v) in enumerate(zip(col("target_operator", ""), targets)):
        if _missing(v):
            shown_targets.append("–")
            continue
        if kinds[i] == "yes_no":
            shown_targets.append(_fmt(v, lang, 0, "yes_no"))
            continue
        try:
            sym = Operator(op).vi
        except ValueError:
            sym = str(op)
        shown_targets.append(f"{sym} {_fmt(v, lang, dec[i])}")
    out[h["target"]] = shown_targets
    out[h["percent_of_target"]] = [_fmt(p, lang, 1) for p in col("percent_of_target")]
    out[h["attainment"]] = [Attainment(a).label(lang) for a in frame["attainment"]]
    out[h["certainty"]] = [Certainty(c).label(lang) if isinstance(c, str) and c else "–"
                           for c in col("certainty", "")]
    out[h["progress"]] = [ProgressCategory(c).label(lang) for c in frame["progress_category"]]
    return out


def style_evaluation(frame: Any, lang: str = "vi", *, mark: str = "<5") -> Any:
    """Styled, compact evaluation table for notebooks and HTML.

    Parameters
    ----------
    frame : evaluation frame from :func:`~ctxh_plan.evaluate.evaluate_frames` (or its published form).
    lang : "vi" (default) or "en" — labels, headers and number format
        (Vietnamese ``1.234,5``; English ``1,234.5``).
    mark : text shown for a suppressed value.

    Returns
    -------
    pandas.io.formats.style.Styler
        Rows coloured by the official verdict (see :data:`ATTAINMENT_COLOURS`), indicator names
        wrapped, no index; the caption says "dữ liệu minh họa" when the data are illustrative, and
        how to read "Vượt" and TH/KH.
        Every cell is HTML-escaped (names and units come from data).
    """
    import pandas as pd

    from ctxh_plan.present.labels import column_label, text

    view = compact_evaluation(frame, lang, mark=mark)
    colours = [ATTAINMENT_COLOURS.get(a, "") for a in frame["attainment"]]

    def _paint(data: Any) -> Any:
        css = pd.DataFrame("", index=data.index, columns=data.columns)
        for pos, colour in enumerate(colours):
            if colour:
                css.iloc[pos, :] = f"background-color: {colour}; color: #000"
        return css

    styler = view.style.apply(_paint, axis=None).hide(axis="index").format(escape="html")  # names come from data
    styler = styler.set_table_styles([
        {"selector": "table", "props": "border-collapse: collapse; font-size: 0.9em; width: 100%;"},
        {"selector": "th", "props": "text-align: left; padding: 2px 6px; border-bottom: 1px solid #888;"},
        {"selector": "td", "props": "padding: 2px 6px; vertical-align: top;"},
    ])
    # numbers and labels stay on one line; only the indicator name wraps (30 rows fit without scrolling)
    ind = column_label("indicator", lang)
    others = [c for c in view.columns if c != ind]
    styler = styler.set_properties(subset=others, **{"white-space": "nowrap"})
    styler = styler.set_properties(subset=[ind], **{"white-space": "normal", "max-width": "28em",
                                                    "text-align": "left"})
    caption = [text("verdict_note", lang), text("percent_of_target_note", lang)]
    if "illustrative" in frame and bool(frame["illustrative"].fillna(False).astype(bool).any()):
        caption.insert(0, text("illustrative", lang))
    return styler.set_caption(" ".join(caption))
