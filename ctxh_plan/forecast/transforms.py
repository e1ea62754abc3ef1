"""Transforms that keep forecasts inside an indicator's natural bounds.

A forecaster works on a transformed series ``z`` and every forecast and interval
end is mapped back, so bounds hold by construction:

* ``log1p`` — counts, rates, money (values >= 0): ``z = log(1 + y)``; back-transform
  ``y = max(exp(z) - 1, 0)``. The back-transformed mean is the forecast *median*
  on the original scale (no bias correction: medians suit skewed small counts).
* ``logit`` — percentages 0–100: ``z = logit(clip(y/100, eps, 1 - eps))`` with
  ``eps = 0.0005``; the back-transform maps anything at or beyond the clip back
  to exactly 0 or 100, so a series stuck at 100% is forecast at 100%.
* ``identity`` — ``raw`` series without bounds.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

__all__ = ["Transform", "get_transform", "transform_name_for_kind", "KIND_TRANSFORMS", "LOGIT_EPS"]

#: clip of p/100 before the logit (0.05 percentage points)
LOGIT_EPS = 0.0005

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
        from ..errors import ParameterError

        raise ParameterError("kind", "unknown series kind", value=kind,
                             fix="use one of: " + ", ".join(sorted(KIND_TRANSFORMS))) from None


@dataclass(frozen=True)
class Transform:
    """Forward/inverse pair; ``name`` is ``log1p``, ``logit`` or ``identity``."""

    name: str

    @property
    def lower(self) -> float | None:
        """Smallest allowed original value (None = unbounded)."""
        return None if self.name == "identity" else 0.0

    @property
    def upper(self) -> float | None:
        """Largest allowed original value (None = unbounded)."""
        return 100.0 if self.name == "logit" else None

    def forward(self, y: Any) -> Any:
        """Original values (array) → transformed values. NaN stays NaN."""
        import numpy as np

        y = np.asarray(y, dtype=float)
        if self.name == "log1p":
            return np.log1p(y)
        if self.name == "logit":
            p = np.clip(y / 100.0, LOGIT_EPS, 1.0 - LOGIT_EPS)
            return np.log(p) - np.log1p(-p)
        return y.copy()

    def inverse(self, z: Any) -> Any:
        """Transformed values → original values, inside the bounds."""
        import numpy as np

        z = np.asarray(z, dtype=float)
        if self.name == "log1p":
            with np.errstate(over="ignore"):
                return np.maximum(np.expm1(z), 0.0)
        if self.name == "logit":
            p = 1.0 / (1.0 + np.exp(-np.clip(z, -700, 700)))
            p = np.where(p >= 1.0 - LOGIT_EPS, 1.0, np.where(p <= LOGIT_EPS, 0.0, p))
            return 100.0 * p
        return z.copy()

    def check(self, y: Any) -> int | None:
        """Index of the first value outside the bounds, or None if all fit."""
        import numpy as np

        y = np.asarray(y, dtype=float)
        bad = np.zeros(y.shape, dtype=bool)
        if self.lower is not None:
            bad |= y < self.lower
        if self.upper is not None:
            bad |= y > self.upper
        idx = np.flatnonzero(bad)
        return int(idx[0]) if idx.size else None


def get_transform(kind: Any) -> Transform:
    """Transform for an indicator ``kind`` (see :func:`transform_name_for_kind`)."""
    return Transform(transform_name_for_kind(kind))
