"""Transforms that keep forecasts inside an indicator's natural bounds.

A forecaster works on a transformed series ``z`` and every forecast and interval
end is mapped back, so bounds hold by construction:

* ``log1p`` — counts, rates, money (values >= 0): ``z = log(1 + y)``; back-transform
  ``y = max(exp(z) - 1, 0)``. The back-transformed mean is the forecast *median*
  on the original scale (no bias correction: medians suit skewed small counts).
* ``logit`` — percentages 0–100: ``z = logit(clip(y/100, eps, 1 - eps))``. The clip
  is relative to the series (:func:`logit_eps`): ``eps = min(0.0005, half the
  smallest positive p, half the smallest positive 1 − p)`` (never below 1e-9), so
  a tiny percentage such as 0.0048% stays forecastable instead of being lifted to
  0.05%. The back-transform maps anything at or beyond the clip back to exactly 0
  or 100, so a series stuck at 100% (or 0%) is forecast at 100% (or 0%).
* ``identity`` — ``raw`` series without bounds.

Counts (kind ``count``) are flagged ``Transform.count``: their intervals get a
Poisson-style minimum width (see ``intervals.count_floor_half_widths``).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

__all__ = [
    "KIND_TRANSFORMS",
    "LOGIT_EPS",
    "LOGIT_EPS_MIN",
    "Transform",
    "bound_tolerance",
    "get_transform",
    "logit_eps",
    "transform_name_for_kind",
]

#: largest clip of p = value/100 before the logit (0.05 percentage points)
LOGIT_EPS = 0.0005
#: smallest clip (keeps the logit finite for values like 1e-300 %)
LOGIT_EPS_MIN = 1e-9

#: kind (as in vocab.Kind, plus "rate" and "raw") → transform name
KIND_TRANSFORMS: dict[str, str] = {
    "count": "log1p",
    "rate": "log1p",
    "rate_per_1000": "log1p",
    "rate_per_100000": "log1p",
    "money": "log1p",
    "percent": "logit",
    "share_of_units": "logit",
    "raw": "identity",
    "yes_no": "identity",
}


def transform_name_for_kind(kind: Any) -> str:
    """Name of the transform used for an indicator ``kind``.

    Parameters
    ----------
    kind : str or vocab.Kind
        ``count``, ``percent``, ``rate`` (any ``rate_per_*``), ``raw`` and the other
        ``vocab.Kind`` values.

    Raises
    ------
    ParameterError
        When ``kind`` is unknown.
    """
    key = str(getattr(kind, "value", kind)).strip().lower()
    try:
        return KIND_TRANSFORMS[key]
    except KeyError:
        from ctxh_plan.errors import ParameterError

        raise ParameterError("kind", "unknown series kind", value=kind,
                             fix="use one of: " + ", ".join(sorted(KIND_TRANSFORMS))) from None


def logit_eps(values: Any, axis: int = -1) -> Any:
    """Clip of ``p = value/100`` for the logit, relative to each series.

    Parameters
    ----------
    values : array of float
        Percentages 0–100 (NaN = missing); series along ``axis``.
    axis : int
        Axis holding the years of a series.

    Returns
    -------
    float or ndarray
        ``min(LOGIT_EPS, smallest positive p / 2, smallest positive (1 − p) / 2)``,
        at least :data:`LOGIT_EPS_MIN` (one value per series; a scalar for 1-D input).
    """
    import numpy as np

    p = np.asarray(values, dtype=float) / 100.0
    with np.errstate(invalid="ignore"):
        low = np.min(np.where(p > 0, p, np.inf), axis=axis)
        high = np.min(np.where(p < 1, 1.0 - p, np.inf), axis=axis)
    eps = np.clip(np.minimum(np.minimum(low, high) / 2.0, LOGIT_EPS), LOGIT_EPS_MIN, LOGIT_EPS)
    return float(eps) if np.ndim(eps) == 0 else eps


@dataclass(frozen=True)
class Transform:
    """Forward/inverse pair; ``name`` is ``log1p``, ``logit`` or ``identity``.

    ``eps`` is the logit clip of this series (see :func:`logit_eps`); ``count`` marks
    count series (Poisson floor on interval widths). ``forward``/``inverse`` accept an
    ``eps`` array (one value per row, shape (m, 1)) for batches of series.
    """

    name: str
    eps: float = LOGIT_EPS
    count: bool = False

    @property
    def lower(self) -> float | None:
        """Smallest allowed original value (None = unbounded)."""
        return None if self.name == "identity" else 0.0

    @property
    def upper(self) -> float | None:
        """Largest allowed original value (None = unbounded)."""
        return 100.0 if self.name == "logit" else None

    def forward(self, y: Any, eps: Any = None) -> Any:
        """Original values (array) → transformed values. NaN stays NaN."""
        import numpy as np

        y = np.asarray(y, dtype=float)
        if self.name == "log1p":
            return np.log1p(y)
        if self.name == "logit":
            eps = self.eps if eps is None else eps
            p = np.clip(y / 100.0, eps, 1.0 - eps)
            return np.log(p) - np.log1p(-p)
        return y.copy()

    def inverse(self, z: Any, eps: Any = None) -> Any:
        """Transformed values → original values, inside the bounds."""
        import numpy as np

        z = np.asarray(z, dtype=float)
        if self.name == "log1p":
            with np.errstate(over="ignore"):
                return np.maximum(np.expm1(z), 0.0)
        if self.name == "logit":
            eps = self.eps if eps is None else eps
            p = 1.0 / (1.0 + np.exp(-np.clip(z, -700, 700)))
            tol = np.asarray(eps) * (1.0 + 1e-9)  # logit/sigmoid round trip of the clip itself
            p = np.where(p >= 1.0 - tol, 1.0, np.where(p <= tol, 0.0, p))
            return 100.0 * p
        return z.copy()

    def check(self, y: Any) -> int | None:
        """Index of the first value outside the bounds, or None if all fit."""
        import numpy as np

        y = np.asarray(y, dtype=float)
        bad = np.zeros(y.shape, dtype=bool)
        if self.lower is not None:
            bad |= y < self.lower - bound_tolerance(self.lower)
        if self.upper is not None:
            bad |= y > self.upper + bound_tolerance(self.upper)
        idx = np.flatnonzero(bad)
        return int(idx[0]) if idx.size else None


def bound_tolerance(bound: float) -> float:
    """Floating-point slack accepted at a bound: a percentage rebuilt as a ratio of sums may come
    out as 100.00000000000001; that is 100, not a bad value (the transform clips it)."""
    return 1e-9 * max(1.0, abs(float(bound)))


def get_transform(kind: Any, values: Any = None) -> Transform:
    """Transform for an indicator ``kind`` (see :func:`transform_name_for_kind`).

    ``values`` (the series, percent 0–100) sets the logit clip (:func:`logit_eps`);
    without them the clip is :data:`LOGIT_EPS`.
    """
    name = transform_name_for_kind(kind)
    is_count = str(getattr(kind, "value", kind)).strip().lower() == "count"
    eps = logit_eps(values) if (name == "logit" and values is not None) else LOGIT_EPS
    return Transform(name, eps, is_count)
