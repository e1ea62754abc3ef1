"""``forecast_frame``: forecast every series of a long frame in one call.

Series of equal cleaned length (and the same transform) go through one
vectorised ``predict_batch`` call, so hundreds of series take milliseconds with
the numpy methods.
"""
from __future__ import annotations

from typing import Any, Mapping, Sequence

__all__ = ["forecast_frame", "level_columns"]


def level_columns(levels: Sequence[float]) -> list[str]:
    """Output column names for ``levels``: ``[lo80, hi80, lo95, hi95]`` for (80, 95)."""
    from .base import _fmt_level

    return [f"{side}{_fmt_level(lv)}" for lv in levels for side in ("lo", "hi")]


def _err(problem: str, *, fix: str = "", source: str | None = None, pos: int | None = None,
         column: str | None = None, value: Any = None) -> Exception:
    from ..errors import InputError

    row = None if pos is None else int(pos) + 2  # header is row 1 of the file
    if hasattr(value, "item"):
        value = value.item()  # numpy scalar → plain Python for a readable message
    return InputError(problem, fix=fix, file=source, row=row, column=column, value=value)


def _resolve_kinds(frame: Any, kind: Any, keys: list[Any], positions: list[Any], id_cols: Sequence[str],
                   source: str | None) -> list[str]:
    """One kind per series: a kind name, a column of ``frame``, or a mapping id → kind."""
    from ..errors import ParameterError
    from .transforms import KIND_TRANSFORMS, transform_name_for_kind

    if isinstance(kind, Mapping):
        out = []
        for key in keys:
            k = key if (isinstance(key, tuple) and len(key) > 1) else (key[0] if isinstance(key, tuple) else key)
            if k not in kind:
                raise ParameterError("kind", f"no kind given for series {k!r}", value=k,
                                     fix="add the series to the kind mapping")
            transform_name_for_kind(kind[k])
            out.append(str(getattr(kind[k], "value", kind[k])))
        return out
    kname = str(getattr(kind, "value", kind))
    if kname.lower() in KIND_TRANSFORMS:
        return [kname.lower()] * len(keys)
    if kname in frame.columns:
        col = frame[kname].astype("string").str.strip().str.lower().to_numpy()
        out = []
        for key, pos in zip(keys, positions):
            vals = set(col[pos])
            if len(vals) != 1:
                raise _err(f"series {key!r} has more than one kind: {sorted(map(str, vals))}", source=source,
                           pos=pos[0], column=kname, fix="give one kind per series")
            v = vals.pop()
            if v not in KIND_TRANSFORMS:
                raise _err("unknown kind", source=source, pos=pos[0], column=kname, value=v,
                           fix="use one of: " + ", ".join(sorted(KIND_TRANSFORMS)))
            out.append(v)
        return out
    raise ParameterError("kind", "neither a kind nor a column of the input", value=kind,
                         fix="use one of: " + ", ".join(sorted(KIND_TRANSFORMS)) + ", or a column name")


def forecast_frame(frame: Any, horizon: int, levels: Sequence[float] = (80, 95), method: str = "default",
                   kind: Any = "count", id_cols: Sequence[str] = ("series_id",), year_col: str = "year",
                   value_col: str = "value", *, source: str | None = None, settings: Mapping[str, Any] | None = None,
                   ) -> Any:
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

    Returns
    -------
    pandas.DataFrame
        ``id_cols…, year, method, mean, lo80, hi80, lo95, hi95, note`` (one lo/hi
        pair per level), ``horizon`` rows per series, sorted by ids and year.

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

    from .base import forecast_prepared, get_forecaster, prepare_series
    from .intervals import check_levels
    from .transforms import get_transform

    id_cols = [id_cols] if isinstance(id_cols, str) else list(id_cols)
    levels = check_levels(levels)
    for col in [*id_cols, year_col, value_col]:
        if col not in frame.columns:
            raise _err(f"column {col!r} is missing (columns: {', '.join(map(str, frame.columns))})",
                       source=source, column=col, fix=f"add a column named {col!r}")
    forecaster = get_forecaster(method, **dict(settings or {}))
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
    bad = np.flatnonzero(np.isnan(values) & vals_raw.notna().to_numpy()
                         & (vals_raw.astype("string").str.strip().fillna("") != "").to_numpy())
    if bad.size:
        raise _err("value is not a number", source=source, pos=bad[0], column=value_col,
                   value=vals_raw.iloc[bad[0]], fix="use digits with a decimal point (12.5), or leave empty")
    for col in id_cols:
        miss = np.flatnonzero(frame[col].isna().to_numpy())
        if miss.size:
            raise _err("series id is empty", source=source, pos=miss[0], column=col, fix="fill the id")
    groups = frame.groupby(id_cols, sort=True, dropna=False).indices
    keys = [k if isinstance(k, tuple) else (k,) for k in groups]
    positions = [np.asarray(p) for p in groups.values()]
    kinds = _resolve_kinds(frame, kind, keys, positions, id_cols, source)
    prepared = []
    for key, pos, knd in zip(keys, positions, kinds):
        yrs = years[pos].astype(int)
        order = np.argsort(yrs, kind="stable")
        dup = np.flatnonzero(np.diff(yrs[order]) == 0)
        if dup.size:
            raise _err(f"year repeated in series {key if len(key) > 1 else key[0]!r}", source=source,
                       pos=pos[order[dup[0] + 1]], column=year_col, value=int(yrs[order[dup[0]]]),
                       fix="keep one row per series and year")
        tr = get_transform(knd)
        badv = tr.check(values[pos])
        if badv is not None:
            lim = ">= 0" if tr.upper is None else "within 0–100"
            raise _err(f"value outside the bounds of kind {knd} ({lim})", source=source, pos=pos[badv],
                       column=value_col, value=vals_raw.iloc[pos[badv]],
                       fix="correct the value, or choose another kind (raw has no bounds)")
        prepared.append(prepare_series(values[pos], yrs, knd))
    results = forecast_prepared(forecaster, prepared, horizon, levels)
    h = int(horizon)
    out: dict[str, Any] = {}
    for j, col in enumerate(id_cols):
        out[col] = np.repeat(np.array([k[j] for k in keys], dtype=object), h)
    out[year_col] = np.concatenate([r.years for r in results]).astype(int)
    out["method"] = np.repeat(np.array([r.method for r in results], dtype=object), h)
    out["mean"] = np.concatenate([r.mean for r in results])
    for lv in levels:
        name = level_columns([lv])
        out[name[0]] = np.concatenate([r.lo[lv] for r in results])
        out[name[1]] = np.concatenate([r.hi[lv] for r in results])
    out["note"] = np.repeat(np.array([r.note for r in results], dtype=object), h)
    result = pd.DataFrame(out)
    for col in id_cols:  # keep the id columns' dtype (codes stay strings)
        try:
            result[col] = result[col].astype(frame[col].dtype)
        except (TypeError, ValueError):
            pass
    if year_col != "year":
        result = result.rename(columns={year_col: "year"})
    return result
