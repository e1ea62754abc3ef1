"""The weights file of a re-basing: child population or explicit weights per (former unit, new unit).
"""
from __future__ import annotations

import math
from pathlib import Path
from typing import Any

from ctxh_plan.errors import InputError

__all__ = ["read_weights"]


def read_weights(weights: Any) -> Any:
    """Read a weights table (path to CSV, or a DataFrame).

    Columns: ``old_code`` (former commune or former district), ``new_code`` (new
    unit; empty on a row that only gives a former commune's child population) and
    ``child_population`` and/or ``weight``. ``,`` or ``;`` separated, UTF-8.

    Returns
    -------
    DataFrame with ``old_code, new_code, weight, child_population, file, row``.

    Raises
    ------
    InputError
        Missing columns, negative or non-numeric values — naming file and row.
    """
    import pandas as pd

    if isinstance(weights, pd.DataFrame):
        frame, fname = weights.copy(), "<weights frame>"
    else:
        p = Path(weights)
        if not p.exists():
            raise InputError("weights file not found", file=str(p), fix="check the path")
        text = p.read_text(encoding="utf-8-sig")
        sep = ";" if text.splitlines()[0].count(";") > text.splitlines()[0].count(",") else ","
        frame = pd.read_csv(p, sep=sep, dtype=str, keep_default_na=False, encoding="utf-8-sig")
        fname = str(p)
    frame.columns = [str(c).strip() for c in frame.columns]
    if "old_code" not in frame.columns or not ({"weight", "child_population"} & set(frame.columns)):
        raise InputError("a weights file needs old_code and weight and/or child_population columns", file=fname,
                         row=1, fix="columns: old_code,new_code,weight (or child_population)")
    out = pd.DataFrame({"old_code": frame["old_code"].astype(str).str.strip(),
                        "new_code": frame.get("new_code", pd.Series([""] * len(frame))).fillna("").astype(str)
                        .str.strip()})
    for col in ("weight", "child_population"):
        vals = []
        for i, raw in enumerate(frame[col] if col in frame.columns else [""] * len(frame)):
            s = str(raw).strip().replace(",", ".") if raw is not None else ""
            if s in ("", "nan", "NaN", "<NA>", "None"):
                vals.append(math.nan)
                continue
            try:
                v = float(s)
            except ValueError:
                raise InputError("not a number", file=fname, row=i + 2, column=col, value=raw,
                                 fix="write a number (e.g. 0.6 or 1250)") from None
            if not math.isfinite(v) or v < 0:
                raise InputError("weights and populations must be finite and >= 0", file=fname, row=i + 2,
                                 column=col, value=raw, fix="use a value >= 0")
            vals.append(v)
        out[col] = vals
    for i, code in enumerate(out["old_code"]):
        if not code.isdigit():
            raise InputError("old_code must be an official code (digits, with leading zeros)", file=fname,
                             row=i + 2, column="old_code", value=code, fix="e.g. 06655 or 193")
    out["file"] = fname
    out["row"] = range(2, len(out) + 2)
    return out
