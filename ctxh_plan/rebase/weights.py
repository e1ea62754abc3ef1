"""The weights file of a re-basing: child population or explicit weights per (former unit, new unit).

Read through the one CSV reader (:func:`ctxh_plan.io.csvfile.read_csv_table`) and the one number
parser (:func:`ctxh_plan.data.numbers.parse_number`), so a child population written ``1.250`` is
1 250 children, as Vietnamese documents write it.
"""
from __future__ import annotations

import math
from typing import Any

from ctxh_plan.errors import InputError

__all__ = ["read_weights"]

_MISSING = ("", "nan", "NaN", "<NA>", "None")


def read_weights(weights: Any) -> Any:
    """Read a weights table (path to CSV, or a DataFrame).

    Columns: ``old_code`` (former commune or former district), ``new_code`` (new
    unit; empty on a row that only gives a former commune's child population) and
    ``child_population`` (children) and/or ``weight`` (a share, 0–1 or any
    non-negative relative weight). ``,`` ``;`` or tab separated; UTF-8 (or another
    encoding the CSV reader recognises); numbers written the Vietnamese or English way.

    Returns
    -------
    DataFrame with ``old_code, new_code, weight, child_population, file, row``
    (``row`` = the 1-based line in the file).

    Raises
    ------
    InputError
        Missing columns, negative or non-numeric values — naming file, row, column and value.
    """
    import pandas as pd

    from ctxh_plan.data.numbers import detect_number_style, parse_number

    if isinstance(weights, pd.DataFrame):
        frame, fname = weights.copy().astype(object), "<weights frame>"
        frame["_row"] = range(2, len(frame) + 2)
    else:
        from pathlib import Path

        from ctxh_plan.io.csvfile import read_csv_table

        if not Path(weights).is_file():
            raise InputError("weights file not found", file=str(weights), fix="check the path of --weights")
        table = read_csv_table(weights)
        frame, fname = table.frame(), table.file
    frame.columns = [str(c).strip() for c in frame.columns]
    if "old_code" not in frame.columns or not ({"weight", "child_population"} & set(frame.columns)):
        raise InputError("a weights file needs old_code and weight and/or child_population columns", file=fname,
                         row=1, fix="columns: old_code,new_code,weight (or child_population)")
    rows = [int(r) for r in frame["_row"]]
    out = pd.DataFrame({"old_code": frame["old_code"].astype(str).str.strip(),
                        "new_code": frame.get("new_code", pd.Series([""] * len(frame))).fillna("").astype(str)
                        .str.strip()})
    for col in ("weight", "child_population"):
        cells = list(frame[col]) if col in frame.columns else [""] * len(frame)
        style = detect_number_style(c for c in cells if isinstance(c, str)) or "auto"
        vals = []
        for row, raw in zip(rows, cells):
            if raw is None or str(raw).strip() in _MISSING:
                vals.append(math.nan)
                continue
            parsed = parse_number(raw, style=style, errors="return")
            if parsed.problem or parsed.value is None:
                raise InputError(f"not a number ({parsed.problem or 'empty'})", file=fname, row=row, column=col,
                                 value=raw, fix="write a number (e.g. 0,6 or 1.250)")
            v = float(parsed.value)
            if not math.isfinite(v) or v < 0:
                raise InputError("weights and populations must be finite and >= 0", file=fname, row=row,
                                 column=col, value=raw, fix="use a value >= 0")
            vals.append(v)
        out[col] = vals
    for row, code in zip(rows, out["old_code"]):
        if not code.isdigit():
            raise InputError("old_code must be an official code (digits, with leading zeros)", file=fname,
                             row=row, column="old_code", value=code, fix="e.g. 06655 or 193")
    out["file"] = fname
    out["row"] = rows
    return out
