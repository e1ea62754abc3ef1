"""Small helpers shared by the evaluation modules: catalogue maps, flags and notes.

(The observations contract and its coercion live in :mod:`ctxh_plan.data.frames`.)
"""
from __future__ import annotations

from typing import Any

__all__ = ["add_flag", "indicator_map", "join_notes"]



def indicator_map(catalog: Any, attr: str) -> dict[str, Any]:
    """``{code: value}`` of one Indicator attribute (enums give their ``.value``; ``factor`` allowed)."""
    out = {}
    for ind in catalog:
        v = getattr(ind, attr)
        out[ind.code] = getattr(v, "value", v)
    return out


def add_flag(flags: str, flag: str) -> str:
    """Append ``flag`` to a ``;``-joined flag string (once)."""
    parts = [p.strip() for p in str(flags or "").split(";") if p.strip()]
    if flag not in parts:
        parts.append(flag)
    return ";".join(parts)


def join_notes(*notes: str) -> str:
    """Join non-empty notes with ``; ``."""
    return "; ".join(n for n in notes if n)
