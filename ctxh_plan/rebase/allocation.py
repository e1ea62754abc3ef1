"""Split a total into parts by weights: integer counts by largest remainder (the parts sum back
to the total exactly, ties broken by a stable hash), other values proportionally.
"""
from __future__ import annotations

import hashlib
import math
from collections.abc import Sequence

__all__ = ["allocate_fractional", "allocate_integer"]


def allocate_integer(total: int, weights: Sequence[float], *, tie_key: str = "") -> list[int]:
    """Split a non-negative integer ``total`` by ``weights`` with largest-remainder rounding.

    The parts are integers, each within 1 of ``total * w / sum(w)``, and sum to
    ``total`` exactly. Zero weights get 0. Equal remainders (common with equal
    shares) are ordered by a fixed pseudo-random rank derived from ``tie_key``
    (e.g. unit, indicator and year), so that the same part does not get every
    extra child year after year; the same inputs always give the same result.

    Raises
    ------
    ValueError
        Negative total, negative weights, or all weights zero with a non-zero total.
    """
    total = int(total)
    if total < 0:
        raise ValueError(f"cannot allocate a negative count ({total})")
    if any(w < 0 for w in weights):
        raise ValueError("weights must be >= 0")
    wsum = math.fsum(weights)
    if wsum <= 0:
        if total:
            raise ValueError("all weights are zero")
        return [0] * len(weights)
    quotas = [total * w / wsum for w in weights]
    parts = [math.floor(q) for q in quotas]
    rest = total - sum(parts)
    order = sorted((i for i, w in enumerate(weights) if w > 0),
                   key=lambda i: (-(quotas[i] - parts[i]), _tie_rank(tie_key, i)))
    for i in order[:max(rest, 0)]:
        parts[i] += 1
    while rest < 0:  # float fuzz pushed a floor above its quota: take back from the smallest remainder
        i = min((i for i in order if parts[i] > 0), key=lambda i: quotas[i] - parts[i])
        parts[i] -= 1
        rest += 1
    return parts


def _tie_rank(key: str, i: int) -> bytes:
    return hashlib.blake2b(f"{key}|{i}".encode(), digest_size=8).digest() if key else i.to_bytes(8, "big")


def allocate_fractional(total: float, weights: Sequence[float]) -> list[float]:
    """Split ``total`` proportionally to ``weights``; the largest part absorbs float rounding
    so that ``math.fsum(parts) == total`` up to one unit in the last place."""
    wsum = math.fsum(weights)
    if wsum <= 0:
        raise ValueError("all weights are zero")
    parts = [total * w / wsum for w in weights]
    k = max(range(len(weights)), key=lambda i: weights[i])
    parts[k] = total - math.fsum(p for i, p in enumerate(parts) if i != k)
    return parts
