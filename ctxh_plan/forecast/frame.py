"""``forecast_frame``: forecast every series of a long frame in one call.

Validation, kinds and the output frame are vectorised (no Python loop over
series); the numpy methods run through :func:`.matrix.forecast_long` (one pivot
per transform and span, one ``predict_batch`` call per cleaned length), so
100,000 series take seconds. The statsmodels methods (``per_series``) keep the
one-series path (``prepare_series`` + ``forecast_prepared``); both paths give the
same numbers (tests/test_forecast_frame.py).
"""
from __future__ import annotations

import contextlib
import itertools
from collections.abc import Mapping, Sequence
from typing import Any

__all__ = ["DIST_COLUMNS", "DIST_FIELDS", "forecast_frame", "level_columns"]

#: fields of the count model's predictive distribution (``counts.CountPredictive``)
DIST_FIELDS = ("mu", "disp", "loc", "scale")
#: their columns in a forecasts frame (``distribution=True``)
DIST_COLUMNS = tuple(f"dist_{f}" for f in DIST_FIELDS)


def level_columns(levels: Sequence[float]) -> list[str]:
    """Output column names for ``levels``: ``[lo80, hi80, lo95, hi95]`` for (80, 95)."""
    from ctxh_plan.forecast.base import _fmt_level

    return [f"{side}{_fmt_level(lv)}" for lv in levels for side in ("lo", "hi")]


def _err(problem: str, *, fix: str = "", source: str | None = None, pos: int | None = None,
         column: str | None = None, value: Any = None) -> Exception:
    from ctxh_plan.errors import InputError

    row = None if pos is None else int(pos) + 2  # header is row 1 of the file
    if hasattr(value, "item"):
        value = value.item()  # numpy scalar → plain Python for a readable message
    return InputError(problem, fix=fix, file=source, row=row, column=column, value=value)


def _resolve_kinds(frame: Any, kind: Any, keys: Any, first_pos: Any, sid_rows: Any, id_cols: Sequence[str],
                   source: str | None) -> Any:
    """One kind per series (object array): a kind name, a column of ``frame``, or a mapping id → kind.

    ``keys`` is a list of per-id-column arrays (one value per series), ``first_pos``
    the first frame position of each series, ``sid_rows`` the series number of each row.
    """
    import numpy as np
    import pandas as pd

    from ctxh_plan.errors import ParameterError
    from ctxh_plan.forecast.transforms import KIND_TRANSFORMS, transform_name_for_kind

    S = len(first_pos)
    if isinstance(kind, Mapping):
        out = np.empty(S, dtype=object)
        single = len(keys) == 1
        for i, k in enumerate(keys[0] if single else zip(*keys)):
            if k not in kind:
                raise ParameterError("kind", f"no kind given for series {k!r}", value=k,
                                     fix="add the series to the kind mapping")
            transform_name_for_kind(kind[k])
            out[i] = str(getattr(kind[k], "value", kind[k]))
        return out
    kname = str(getattr(kind, "value", kind))
    if kname.lower() in KIND_TRANSFORMS:
        return np.full(S, kname.lower(), dtype=object)
    if kname in frame.columns:
        col = frame[kname].astype("string").str.strip().str.lower()
        codes, uniques = pd.factorize(col, use_na_sentinel=False)
        lo = np.full(S, np.iinfo(np.int64).max)
        hi = np.full(S, -1)
        np.minimum.at(lo, sid_rows, codes)
        np.maximum.at(hi, sid_rows, codes)
        names = np.array([str(u) for u in uniques], dtype=object)
        known = np.array([u in KIND_TRANSFORMS for u in names], dtype=bool)
        bad = np.flatnonzero((lo != hi) | ~known[lo])
        if bad.size:
            i = int(bad[0])
            pos = int(first_pos[i])
            key = tuple(k[i] for k in keys)
            if lo[i] != hi[i]:
                vals = sorted(map(str, set(names[codes[sid_rows == i]])))
                raise _err(f"series {key!r} has more than one kind: {vals}", source=source,
                           pos=pos, column=kname, fix="give one kind per series")
            raise _err("unknown kind", source=source, pos=pos, column=kname, value=names[lo[i]],
                       fix="use one of: " + ", ".join(sorted(KIND_TRANSFORMS)))
        return names[lo]
    raise ParameterError("kind", "neither a kind nor a column of the input", value=kind,
                         fix="use one of: " + ", ".join(sorted(KIND_TRANSFORMS)) + ", or a column name")


def _check_series(sid: Any, yrs: Any, values: Any, order: Any, kinds: Any, transform_of: Any,
                  transforms: Sequence[Any], keys: Any, vals_raw: Any, year_col: str, value_col: str,
                  source: str | None) -> None:
    """Repeated (series, year) and out-of-bounds values; the first series in id order is reported."""
    import numpy as np

    S = len(kinds)
    sid_s, yr_s = sid[order], yrs[order]
    dup = np.flatnonzero((sid_s[1:] == sid_s[:-1]) & (yr_s[1:] == yr_s[:-1]))
    lower = np.array([np.nan if t.lower is None else t.lower for t in transforms])[transform_of][sid]
    upper = np.array([np.nan if t.upper is None else t.upper for t in transforms])[transform_of][sid]
    with np.errstate(invalid="ignore"):
        badv = np.flatnonzero((values < lower - 1e-9 * np.maximum(1.0, np.abs(lower)))
                              | (values > upper + 1e-9 * np.maximum(1.0, np.abs(upper))))
    first_dup = int(sid_s[dup[0]]) if dup.size else S
    first_bad = int(sid[badv].min()) if badv.size else S
    if first_dup == S and first_bad == S:
        return
    if first_dup <= first_bad:
        i = int(dup[0])
        key = tuple(k[first_dup] for k in keys)
        raise _err(f"year repeated in series {key if len(key) > 1 else key[0]!r}", source=source,
                   pos=order[i + 1], column=year_col, value=int(yr_s[i]),
                   fix="keep one row per series and year")
    pos = int(badv[sid[badv] == first_bad].min())
    knd = kinds[first_bad]
    lim = ">= 0" if transforms[transform_of[first_bad]].upper is None else "within 0–100"
    raise _err(f"value outside the bounds of kind {knd} ({lim})", source=source, pos=pos,
               column=value_col, value=vals_raw.iloc[pos],
               fix="correct the value, or choose another kind (raw has no bounds)")


def _per_series(forecaster: Any, sid_s: Any, yr_s: Any, val_s: Any, kinds: Any, h: int,
                levels: Sequence[float]) -> Any:
    """The one-series path (statsmodels methods): prepare_series + forecast_prepared."""
    import numpy as np

    from ctxh_plan.forecast.base import forecast_prepared, prepare_series
    from ctxh_plan.forecast.matrix import MatrixForecast

    S = len(kinds)
    bounds = np.searchsorted(sid_s, np.arange(S + 1))
    prepared = [prepare_series(val_s[a:b], yr_s[a:b], kinds[i])
                for i, (a, b) in enumerate(itertools.pairwise(bounds))]
    res = forecast_prepared(forecaster, prepared, h, levels)
    return MatrixForecast(np.vstack([r.years for r in res]).astype(int), np.vstack([r.mean for r in res]),
                          {lv: np.vstack([r.lo[lv] for r in res]) for lv in levels},
                          {lv: np.vstack([r.hi[lv] for r in res]) for lv in levels},
                          np.array([r.method for r in res], dtype=object),
                          np.array([r.note for r in res], dtype=object))


def _count_model(method: str, forecaster: Any) -> Any:
    """The count model that takes the small count series, or None (another method was asked for)."""
    from ctxh_plan.forecast.counts import CountModel
    from ctxh_plan.forecast.registry import get_forecaster

    if isinstance(forecaster, CountModel):
        return forecaster
    if str(method) == "default":
        return get_forecaster("count_glm")
    return None


def _subset(mask: Any, sid_s: Any, yr_s: Any, val_s: Any) -> tuple[Any, Any, Any]:
    """Rows of the series in ``mask`` (S,), with series renumbered 0…k−1 in the same order."""
    import numpy as np

    keep = mask[sid_s]
    new_id = np.cumsum(mask) - 1
    return new_id[sid_s[keep]], yr_s[keep], val_s[keep]


def _merge(parts: Sequence[tuple[Any, Any]], S: int, h: int, levels: Sequence[float]) -> Any:
    """One MatrixForecast of all ``S`` series from the forecasts of disjoint subsets."""
    import numpy as np

    from ctxh_plan.forecast.matrix import MatrixForecast

    years = np.zeros((S, h), dtype=int)
    mean = np.full((S, h), np.nan)
    lo = {lv: np.full((S, h), np.nan) for lv in levels}
    hi = {lv: np.full((S, h), np.nan) for lv in levels}
    method = np.full(S, "", dtype=object)
    note = np.full(S, "", dtype=object)
    dist = None
    for mask, r in parts:
        years[mask], mean[mask], method[mask], note[mask] = r.years, r.mean, r.method, r.note
        for lv in levels:
            lo[lv][mask], hi[lv][mask] = r.lo[lv], r.hi[lv]
        if r.dist is not None:
            if dist is None:
                dist = {f: np.full((S, h), np.nan) for f in DIST_FIELDS}
            for f in DIST_FIELDS:
                dist[f][mask] = r.dist[f]
    return MatrixForecast(years, mean, lo, hi, method, note, dist)


def forecast_frame(frame: Any, horizon: int, levels: Sequence[float] = (80, 95), method: str = "default",
                   kind: Any = "count", id_cols: Sequence[str] = ("series_id",), year_col: str = "year",
                   value_col: str = "value", *, source: str | None = None, settings: Mapping[str, Any] | None = None,
                   path: str = "auto", group: str | None = None, distribution: bool = False) -> Any:
    """Forecast every series of a long frame.

    Parameters
    ----------
    frame : pandas.DataFrame
        One row per (series, year): ``id_cols``, ``year_col``, ``value_col``.
        Empty values are gaps (see ``base`` for how gaps are handled).
    horizon : int
        Years ahead, counted from each series' last supplied year.
    levels : sequence of float
        Central interval levels in percent, e.g. (80, 95).
    method : str
        A name from ``list_forecasters()``; ``default`` is the measured default.
    kind : str, column name or mapping
        ``count`` / ``rate`` (>= 0), ``percent`` (0–100), ``raw``, any ``vocab.Kind``
        value — the same for every series; or the name of a column of ``frame``
        holding one kind per series; or a mapping series id → kind (the id is the
        value of the single id column, or a tuple of the id columns' values).
    id_cols : sequence of str
        Columns identifying a series, e.g. ``("unit_code", "indicator_code")``.
    source : str, optional
        File name used in error messages (rows are then file rows, header = 1).
    settings : mapping, optional
        Constructor settings of the forecaster.
    path : {"auto", "matrix", "series"}
        Engine: ``auto`` = matrix for vectorised methods, one series at a time for
        statsmodels methods; the other two force one (for tests and comparisons).
    group : str, optional
        Column naming the group whose series lend each other strength in the count
        model (empirical Bayes), e.g. ``"indicator_code"``; default: no pooling.
    distribution : bool
        Add the count model's predictive distribution as columns ``dist_mu, dist_disp,
        dist_loc, dist_scale`` (NaN for series another method forecast); see
        ``counts.CountPredictive`` and ``prob_meets``.

    Count series: with ``method="default"`` (or ``"count_glm"``), series of kind
    ``count`` with whole-number values and a recent level up to ``counts.SWITCH_MEAN``
    are forecast by the count model (``method`` = ``count_glm``: whole-number
    intervals, ``mean`` = predictive median); the others by the default.

    Returns
    -------
    pandas.DataFrame
        ``id_cols…, year, method, mean, lo80, hi80, lo95, hi95, note`` (one lo/hi
        pair per level; + the ``dist_*`` columns with ``distribution=True``),
        ``horizon`` rows per series, sorted by ids and year.

    Raises
    ------
    InputError
        Missing column, non-numeric year or value, repeated (series, year), value
        outside the kind's bounds — with file, row and column.
    ParameterError
        Unknown method, kind, bad horizon or levels.
    """
    import numpy as np
    import pandas as pd

    from ctxh_plan.errors import ParameterError
    from ctxh_plan.forecast.base import _check_h
    from ctxh_plan.forecast.counts import eligible_series
    from ctxh_plan.forecast.intervals import check_levels
    from ctxh_plan.forecast.matrix import forecast_long
    from ctxh_plan.forecast.registry import get_forecaster
    from ctxh_plan.forecast.transforms import get_transform

    id_cols = [id_cols] if isinstance(id_cols, str) else list(id_cols)
    levels = check_levels(levels)
    if path not in ("auto", "matrix", "series"):
        raise ParameterError("path", "must be auto, matrix or series", value=path)
    for col in [*id_cols, year_col, value_col]:
        if col not in frame.columns:
            raise _err(f"column {col!r} is missing (columns: {', '.join(map(str, frame.columns))})",
                       source=source, column=col, fix=f"add a column named {col!r}")
    forecaster = get_forecaster(method, **dict(settings or {}))
    h = _check_h(horizon)
    n_rows = len(frame)
    if n_rows == 0:
        raise _err("no data rows", source=source, fix="add rows: one per series and year")
    years_raw = frame[year_col]
    years = pd.to_numeric(years_raw, errors="coerce").to_numpy(dtype=float)
    bad = np.flatnonzero(~np.isfinite(years) | (years != np.round(years)))
    if bad.size:
        raise _err("year is not a whole number", source=source, pos=bad[0], column=year_col,
                   value=years_raw.iloc[bad[0]], fix="write years like 2025")
    vals_raw = frame[value_col]
    values = pd.to_numeric(vals_raw, errors="coerce").to_numpy(dtype=float)
    missing = np.isnan(values)
    if missing.any():
        bad = np.flatnonzero(missing & vals_raw.notna().to_numpy()
                             & (vals_raw.astype("string").str.strip().fillna("") != "").to_numpy())
        if bad.size:
            raise _err("value is not a number", source=source, pos=bad[0], column=value_col,
                       value=vals_raw.iloc[bad[0]], fix="use digits with a decimal point (12.5), or leave empty")
    inf = np.flatnonzero(np.isinf(values))
    if inf.size:
        raise _err("infinite value", source=source, pos=inf[0], column=value_col, value=vals_raw.iloc[inf[0]],
                   fix="replace it with a number or leave it empty")
    for col in id_cols:
        miss = np.flatnonzero(frame[col].isna().to_numpy())
        if miss.size:
            raise _err("series id is empty", source=source, pos=miss[0], column=col, fix="fill the id")
    gb = frame.groupby(id_cols, sort=True, dropna=False)
    sid = gb.ngroup().to_numpy()
    key_index = gb.size().index
    keys = [key_index.get_level_values(j).to_numpy() for j in range(len(id_cols))] \
        if isinstance(key_index, pd.MultiIndex) else [key_index.to_numpy()]
    S = len(keys[0])
    first_pos = np.full(S, n_rows)
    np.minimum.at(first_pos, sid, np.arange(n_rows))
    kinds = _resolve_kinds(frame, kind, keys, first_pos, sid, id_cols, source)
    yrs = years.astype(np.int64)
    kind_names, transform_of = np.unique(kinds.astype(str), return_inverse=True)
    transforms = [get_transform(k) for k in kind_names]
    order = np.lexsort((yrs, sid))
    _check_series(sid, yrs, values, order, kinds, transform_of, transforms, keys, vals_raw, year_col,
                  value_col, source)
    sid_s, yr_s, val_s = sid[order], yrs[order], values[order]
    count_model = _count_model(method, forecaster)
    if count_model is not None:
        counted, _level = eligible_series(sid_s, val_s, S, switch=count_model.switch,
                                          whole_only=count_model.whole_only)
        counted &= kinds.astype(str) == "count"
        forecaster = count_model.large
    else:
        counted = np.zeros(S, dtype=bool)
    if group is not None and group not in frame.columns:
        raise ParameterError("group", "not a column of the input", value=group,
                             fix="name the column holding each series' group, e.g. indicator_code")
    use_series = path == "series" or (path == "auto" and getattr(forecaster, "per_series", False))
    parts = []
    if (~counted).any():
        sub_sid, sub_yr, sub_val = _subset(~counted, sid_s, yr_s, val_s)
        if use_series:
            sub = _per_series(forecaster, sub_sid, sub_yr, sub_val, kinds[~counted], h, levels)
        else:
            sub = forecast_long(forecaster, sub_sid, sub_yr, sub_val, transforms, transform_of[~counted], h, levels)
        parts.append((~counted, sub))
    if counted.any():
        from ctxh_plan.forecast.counts import forecast_counts_long

        sub_sid, sub_yr, sub_val = _subset(counted, sid_s, yr_s, val_s)
        gvals = None if group is None else frame[group].to_numpy(object)[first_pos][counted]
        parts.append((counted, forecast_counts_long(count_model, sub_sid, sub_yr, sub_val, h, levels, gvals)))
    res = parts[0][1] if len(parts) == 1 and parts[0][0].all() else _merge(parts, S, h, levels)
    out: dict[str, Any] = {}
    for j, col in enumerate(id_cols):
        out[col] = np.repeat(keys[j], h)
    out["year"] = res.years.ravel()
    out["method"] = np.repeat(res.method, h)
    out["mean"] = res.mean.ravel()
    for lv in levels:
        lo_col, hi_col = level_columns([lv])
        out[lo_col] = res.lo[lv].ravel()
        out[hi_col] = res.hi[lv].ravel()
    out["note"] = np.repeat(res.note, h)
    if distribution:
        for name in DIST_FIELDS:
            out[f"dist_{name}"] = (res.dist[name].ravel() if res.dist is not None
                                   else np.full(S * h, np.nan))
    result = pd.DataFrame(out)
    for col in id_cols:  # keep the id columns' dtype (codes stay strings)
        if result[col].dtype != frame[col].dtype:
            with contextlib.suppress(TypeError, ValueError):
                result[col] = result[col].astype(frame[col].dtype)
    return result
