"""Key figures of a report as JSON (what the golden test and checks read), and one-line counts."""
from __future__ import annotations

import json
import math
from collections.abc import Iterable
from pathlib import Path
from typing import Any

__all__ = ["count_line", "json_number", "record_figures"]


def json_number(v: Any) -> Any:
    """A value for the figures JSON: numbers rounded to 6 decimals, NaN as ``None``, other text as text."""
    if v is None:
        return None
    if isinstance(v, bool):
        return v
    if isinstance(v, (int, float)):
        return None if math.isnan(float(v)) else round(float(v), 6)
    try:
        f = float(v)
        return None if math.isnan(f) else round(f, 6)
    except (TypeError, ValueError):
        return str(v)


def count_line(values: Iterable[Any], lang: str) -> str:
    """``"Chưa đạt 2, Đạt 5"``: how many of each status, labelled, sorted by status code."""
    from ctxh_plan.vocab import label

    counts: dict[str, int] = {}
    for a in values:
        counts[str(a)] = counts.get(str(a), 0) + 1
    return ", ".join(f"{label(k, lang)} {n}" for k, n in sorted(counts.items()))


def record_figures(figures: dict[str, Any], output_dir: str, name: str) -> Path | None:
    """Write ``output_dir/<name>.json`` atomically (nothing when ``output_dir`` is ``""``)."""
    if not output_dir:
        return None
    from ctxh_plan.io.atomic import write_text

    path = Path(output_dir) / f"{name}.json"
    write_text(path, json.dumps(figures, ensure_ascii=False, indent=2, sort_keys=True) + "\n")
    return path
