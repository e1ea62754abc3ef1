"""Combinations of methods, per-series selection, and the measured default.

* ``combo``        — mean, in the transformed space, of ``ses``, ``damped`` and
  ``theta`` (components and ``how="mean"|"median"`` are settings); sigma is the
  mean of the component sigmas (then calibrated like any method).
* ``combo_median`` — the same with the median.
* ``select``       — per-series choice among ``naive, drift, ses, damped, theta``
  by rolling-origin absolute error inside the series (last 3 origins, forecasts
  up to the end of the series).
* ``default``      — the forecaster chosen by measurement on the Tourism
  benchmark (lowest MASE on rolling-origin windows inside the training parts
  among fixed candidates; see docs/FORECASTING.md): currently ``theta_damped``.
  Results are labelled with its real name.

``combo`` components are names or ``(name, settings)`` pairs; ``weights`` gives a
fixed weighted mean.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, ClassVar

from ctxh_plan.errors import ParameterError
from ctxh_plan.forecast.base import BatchForecast, Forecaster

__all__ = ["DEFAULT_METHOD", "Combination", "CombinationMedian", "Default", "Select"]

#: method the ``default`` forecaster delegates to (chosen by benchmarks/forecast_tourism.py)
DEFAULT_METHOD = "theta_damped"


#: builds a forecaster from a name or a (name, settings) pair; given by ctxh_plan.forecast.registry
Factory = Callable[..., Forecaster]


def _component(factory: Factory, spec: Any) -> Forecaster:
    """A component forecaster from a name (``"theta"``) or ``(name, settings)`` pair."""
    if isinstance(spec, (tuple, list)):
        name, settings = spec
        return factory(name, **dict(settings))
    return factory(spec)


def _spec_label(spec: Any) -> str:
    if isinstance(spec, (tuple, list)):
        name, settings = spec
        return name + "(" + ",".join(f"{k}={v:g}" if isinstance(v, float) else f"{k}={v}"
                                     for k, v in sorted(dict(settings).items())) + ")"
    return str(spec)


class Combination(Forecaster):
    name = "combo"
    summary = "mean of ses + damped + theta on the transformed scale"
    _how = "mean"

    #: the registry passes ``factory`` (component forecasters are built by name)
    takes_factory: ClassVar[bool] = True

    def __init__(self, components: Sequence[str] = ("ses", "damped", "theta"), how: str | None = None,
                 weights: Sequence[float] | None = None, *, factory: Factory) -> None:
        super().__init__()
        self._factory = factory
        if how is not None:
            if how not in ("mean", "median"):
                raise ParameterError("how", "must be 'mean' or 'median'", value=how, fix="how='mean'")
            self._how = how
        if not components:
            raise ParameterError("components", "must name at least one method", fix="e.g. ('ses', 'theta')")
        self.components = tuple(c if isinstance(c, str) else (str(c[0]), dict(c[1])) for c in components)
        self.weights = None if weights is None else tuple(float(w) for w in weights)
        if self.weights is not None and (len(self.weights) != len(self.components) or min(self.weights) < 0
                                         or sum(self.weights) <= 0 or self._how != "mean"):
            raise ParameterError("weights", "one non-negative weight per component (how='mean' only)",
                                 value=weights, fix="e.g. weights=(1, 2, 1) for three components")
        self._custom = (self.components != type(self)._components or how not in (None, type(self)._how)
                        or self.weights != type(self)._weights)

    _components: tuple[str, ...] = ("ses", "damped", "theta")
    _weights: tuple[float, ...] | None = None

    @property
    def calibration_key(self) -> str:
        # a non-standard mix has no measured calibration (normal quantiles, said in note)
        if not self._custom:
            return self.name
        w = "" if self.weights is None else ":" + ",".join(f"{x:g}" for x in self.weights)
        return f"{self.name}:{'+'.join(map(_spec_label, self.components))}:{self._how}{w}"

    def predict_batch(self, Z: Any, h: int) -> BatchForecast:
        import numpy as np

        means, sigmas = [], []
        notes: dict[int, list[str]] = {}
        for name in self.components:
            out = _component(self._factory, name).predict_batch(Z, h)
            for r, texts in out.notes.items():
                notes.setdefault(r, []).extend(texts)
            means.append(out.mean)
            sigmas.append(out.sigma)
        if self._how == "median":
            return BatchForecast(np.median(np.stack(means), axis=0), np.mean(np.stack(sigmas), axis=0), notes)
        w = None if self.weights is None else np.asarray(self.weights) / np.sum(self.weights)
        if w is None:
            return BatchForecast(np.mean(np.stack(means), axis=0), np.mean(np.stack(sigmas), axis=0), notes)
        return BatchForecast(np.tensordot(w, np.stack(means), axes=1), np.tensordot(w, np.stack(sigmas), axes=1),
                             notes)


class CombinationMedian(Combination):
    name = "combo_median"
    summary = "median of ses + damped + theta on the transformed scale"
    _how = "median"


class Select(Forecaster):
    name = "select"
    summary = "per-series choice among naive, drift, ses, damped, theta by in-series rolling-origin error"

    takes_factory: ClassVar[bool] = True

    def __init__(self, candidates: Sequence[str] = ("naive", "drift", "ses", "damped", "theta"),
                 origins: int = 3, *, factory: Factory) -> None:
        super().__init__()
        self._factory = factory
        self.candidates = tuple(candidates)
        self.origins = int(origins)

    def choose(self, Z: Any) -> Any:
        """Index into ``candidates`` of the chosen method for each row (ties → earlier)."""
        import numpy as np

        m, n = Z.shape
        score = np.zeros((len(self.candidates), m))
        first = max(3, n - self.origins)
        if first >= n:  # too short to test: take the first candidate
            return np.zeros(m, dtype=int)
        for c, name in enumerate(self.candidates):
            comp = _component(self._factory, name)
            for k in range(first, n):
                mu = comp.predict_batch(Z[:, :k], n - k).mean
                score[c] += np.mean(np.abs(Z[:, k:] - mu), axis=1)
        return np.argmin(score, axis=0)

    def predict_batch(self, Z: Any, h: int) -> BatchForecast:
        import numpy as np

        pick = self.choose(Z)
        mean = np.empty((Z.shape[0], h))
        sigma = np.empty_like(mean)
        notes: dict[int, list[str]] = {}
        for c, name in enumerate(self.candidates):
            rows = np.flatnonzero(pick == c)
            if rows.size:
                out = _component(self._factory, name).predict_batch(Z[rows], h)
                mean[rows], sigma[rows] = out.mean, out.sigma
                for r, texts in out.notes.items():
                    notes.setdefault(int(rows[r]), []).extend(texts)
        return BatchForecast(mean, sigma, notes)


class Default(Forecaster):
    name = "default"
    summary = f"the measured default (currently {DEFAULT_METHOD})"

    takes_factory: ClassVar[bool] = True

    def __init__(self, *, factory: Factory) -> None:
        super().__init__()
        self._factory = factory
        self._inner = _component(factory, DEFAULT_METHOD)
        self.name = self._inner.name  # results say which method really ran
        self._raw: tuple[Any, Any, Any] | None = None

    def fit(self, y: Any, *, years: Any = None, kind: Any = "count") -> Default:
        """Store one series; a small count series (kind ``count``) will go to the count model."""
        super().fit(y, years=years, kind=kind)
        self._raw = (y, years, kind)
        return self

    def predict(self, h: int, levels: Sequence[float] = (80, 95)) -> Any:
        """As every forecaster; kind ``count`` goes through ``counts.CountModel`` (small whole counts
        get the count model, the others this default), the same as ``forecast_frame``."""
        if self._raw is not None and self._prepared is not None and self._prepared.transform.count:
            y, years, kind = self._raw
            return self._factory("count_glm").fit(y, years=years, kind=kind).predict(h, levels)
        return super().predict(h, levels)

    @property
    def calibration_key(self) -> str:
        return self._inner.calibration_key

    def predict_batch(self, Z: Any, h: int) -> BatchForecast:
        return self._inner.predict_batch(Z, h)
