"""Small-cell suppression for published tables (privacy of children in small units).

Rule
----
* **Primary**: a cell of a *sensitive* indicator (``Indicator.sensitive`` in the
  catalogue: abuse cases, children abused…) is hidden when ``0 < value < threshold``.
  Zero is published: it identifies no child.
* **Complementary**: a hidden cell must not be recoverable by subtraction. Every
  additive relation is an *equation*: the cells of one group (same indicator and
  the other ``group_keys``, e.g. all districts of a year plus the province total)
  and, optionally, a row total and its component columns. Whenever exactly one
  cell of an equation is hidden, the smallest other non-zero cell of that
  equation (a component before the total) is hidden too; this repeats until no
  equation has exactly one hidden cell. A group is treated as an equation even
  when its total row is not in the frame (the total may be published elsewhere,
  e.g. the province appendix).

The returned frame holds **no** hidden number: a hidden cell becomes NaN and a
boolean column ``suppressed__<col>`` says which cells to render as the mark.
"""
from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

    from ctxh_plan.data.catalog import Catalog

__all__ = [
    "SUPPRESSED_PREFIX",
    "Suppression",
    "render_suppressed",
    "suppress_evaluation",
    "suppress_small_cells",
    "suppressed_flag_column",
]

log = logging.getLogger(__name__)

SUPPRESSED_PREFIX = "suppressed__"


@dataclass(frozen=True)
class Suppression:
    """What a suppression hid, with the frame to publish.

    Attributes
    ----------
    frame : DataFrame
        A copy of the input: hidden cells are NaN, ``suppressed__<col>`` (bool) flags them.
    threshold : int
        Counts with ``0 < value < threshold`` were hidden.
    mark : str
        Text writers show for a hidden cell.
    primary, complementary : int
        Cells hidden because small, and cells hidden so that no total gives a small one away.
    warnings : tuple of str
        Cells that could not be protected as asked (e.g. a sensitive rate without its count).
    """

    frame: Any
    threshold: int
    mark: str
    primary: int
    complementary: int
    warnings: tuple[str, ...] = ()

    def rendered(self, value_cols: Iterable[str] | None = None, *, drop_flags: bool = True) -> Any:
        """The frame for display: hidden cells show :attr:`mark` (text), flag columns dropped."""
        return render_suppressed(self.frame, self.mark, value_cols=value_cols, drop_flags=drop_flags)


def suppressed_flag_column(col: str) -> str:
    """Name of the boolean column flagging suppressed cells of value column ``col``."""
    return f"{SUPPRESSED_PREFIX}{col}"


def _is_sensitive(catalog: Catalog, code: Any) -> tuple[bool, bool]:
    """(sensitive, is_count) for an indicator code; unknown codes are not sensitive."""
    from ctxh_plan.vocab import Kind

    if code not in catalog:
        return False, False
    ind = catalog[code]
    return bool(ind.sensitive), ind.kind in (Kind.COUNT, Kind.MONEY)


def _pick_complement(cells: list[tuple[int, str]], values: dict, hidden: set, totals: set) -> tuple[int, str] | None:
    """Smallest non-zero unhidden cell, components first; else smallest (zero) cell; None if no candidate."""
    free = [c for c in cells if c not in hidden]
    if not free:
        return None

    def key(c):
        v = values[c]
        return (c in totals, v == 0, v, c[0], c[1])

    return min(free, key=key)


def suppress_small_cells(frame: pd.DataFrame, catalog: Catalog, threshold: int | None = None, *,
                         value_cols: Sequence[str] = ("value",),
                         indicator_col: str = "indicator_code",
                         group_keys: Sequence[str] | None = None,
                         total_rows: Any = None,
                         row_totals: Mapping[str, Sequence[str]] | None = None,
                         count_col: str | None = None,
                         parents: Mapping[str, str | None] | None = None,
                         unit_col: str = "unit_code",
                         mark: str | None = None) -> Suppression:
    """Hide small counts of sensitive indicators, with complementary suppression.

    Parameters
    ----------
    frame : DataFrame
        Long (``unit_code, indicator_code, year, value``) or wide (years as columns) table.
    catalog : Catalog
        Decides which indicators are sensitive (``Indicator.sensitive``).
    threshold : int, optional
        Counts with ``0 < value < threshold`` are hidden. Default: ``params/publish.yaml`` (5).
    value_cols : sequence of str
        Columns holding the published numbers (e.g. ``["value"]`` or ``["value_2021", …]``).
    indicator_col : str
        Column with the indicator code.
    group_keys : sequence of str, optional
        Columns that define an additive group across rows, e.g. ``["indicator_code", "year"]``
        for a long frame of districts + province. The indicator column is always part of the key.
        ``None``: no cross-row relation (only primary and row-total suppression).
    total_rows : bool mask, optional
        Rows that are the sum of the other rows of their group (e.g. the province).
    row_totals : mapping, optional
        ``{total_col: [component cols]}`` for row totals across value columns.
    count_col : str, optional
        For sensitive *ratio* indicators (rates per 100,000…): the column holding the underlying
        count (e.g. ``numerator``); the whole row is hidden when that count is small. Without it,
        such rows are left as they are and a warning is logged and recorded.
    parents : mapping, optional
        ``{unit_code: parent_code}`` for a hierarchy (communes → district → province): each parent's
        row and its children's rows form one group (per indicator and ``group_keys``, e.g. year).
        Replaces ``total_rows``; a parent whose row is absent still counts (its total may be published
        elsewhere).
    unit_col : str
        Column with the unit code (used with ``parents``).
    mark : str, optional
        Text writers show for a hidden cell (default: the mark of ``params/publish.yaml``).

    Returns
    -------
    Suppression
        ``frame`` (a copy: hidden cells NaN, ``suppressed__<col>`` flags), the threshold and mark,
        the counts of primary and complementary cells, and warnings.
    """
    import numpy as np
    import pandas as pd

    if threshold is None or mark is None:
        from ctxh_plan.present.settings import load_publish_settings

        settings = load_publish_settings()
        threshold = settings.threshold if threshold is None else threshold
        mark = mark if mark is not None else settings.mark_template.format(threshold=threshold)
    if threshold < 1:
        from ctxh_plan.errors import ParameterError

        raise ParameterError("threshold", "must be at least 1", value=threshold, fix="e.g. 5")
    missing = [c for c in (*value_cols, indicator_col, *(group_keys or ())) if c not in frame.columns]
    if missing:
        from ctxh_plan.errors import UsageError

        raise UsageError(f"suppress_small_cells: columns {missing} are not in the frame "
                         f"(columns: {list(frame.columns)})")

    out = frame.copy()
    value_cols = list(value_cols)
    for col in value_cols:
        out[col] = pd.to_numeric(out[col], errors="coerce").astype(float)
    pos = {idx: i for i, idx in enumerate(out.index)}
    if total_rows is None:
        is_total = np.zeros(len(out), dtype=bool)
    else:
        is_total = np.asarray(total_rows, dtype=bool)
        if is_total.shape != (len(out),):
            from ctxh_plan.errors import UsageError

            raise UsageError("suppress_small_cells: total_rows must be a boolean mask with one entry per row")

    sens = {code: _is_sensitive(catalog, code) for code in out[indicator_col].dropna().unique()}
    sensitive_rows = [i for i, code in enumerate(out[indicator_col]) if sens.get(code, (False, False))[0]]
    warnings: list[str] = []

    values: dict[tuple[int, str], float] = {}
    for i in sensitive_rows:
        for col in value_cols:
            v = out[col].iat[i]
            if not np.isnan(v):
                values[(i, col)] = float(v)

    hidden: set[tuple[int, str]] = set()
    for flag in value_cols:  # keep earlier suppression if the frame was suppressed before
        fc = suppressed_flag_column(flag)
        if fc in out.columns:
            hidden |= {(int(i), flag) for i in np.flatnonzero(out[fc].fillna(False).to_numpy(bool))}

    uncounted: set[str] = set()
    for i in sensitive_rows:
        code = out[indicator_col].iat[i]
        _, is_count = sens[code]
        if is_count:
            hidden |= {(i, c) for c in value_cols if (i, c) in values and 0 < values[(i, c)] < threshold}
        elif count_col is not None and count_col in out.columns:
            n = pd.to_numeric(pd.Series([out[count_col].iat[i]]), errors="coerce").iat[0]
            if np.isnan(n):
                if any((i, c) in values for c in value_cols):
                    uncounted.add(str(code))
            elif 0 < n < threshold:
                hidden |= {(i, c) for c in value_cols if (i, c) in values}
        else:
            uncounted.add(str(code))
    for code in sorted(uncounted):
        msg = (f"sensitive indicator {code} is a rate without its count (count_col) on some rows; "
               f"those cells were not checked for small counts")
        log.warning(msg)
        warnings.append(msg)
    primary = len(hidden)

    equations: list[list[tuple[int, str]]] = []
    totals: set[tuple[int, str]] = set()
    if parents is not None:
        keys = list(dict.fromkeys([indicator_col, *(group_keys or ())]))
        sub = out.iloc[sensitive_rows]
        units = sub[unit_col].astype(str)
        parent_of = {str(k): (None if v is None else str(v)) for k, v in parents.items()}
        for _, g in sub.groupby(keys, sort=False, dropna=False):
            rows = [pos[idx] for idx in g.index]
            unit_rows: dict[str, list[int]] = {}
            for i, u in zip(rows, units.loc[g.index]):
                unit_rows.setdefault(u, []).append(i)
            for parent in {p for u in unit_rows if (p := parent_of.get(u)) is not None}:
                members = [(i, True) for i in unit_rows.get(parent, [])]
                members += [(i, False) for u, rs in unit_rows.items() if parent_of.get(u) == parent for i in rs]
                for col in value_cols:
                    cells = [(i, col) for i, _ in members if (i, col) in values]
                    if any(not is_parent and (i, col) in values for i, is_parent in members):
                        equations.append(cells)
                    totals |= {(i, col) for i, is_parent in members if is_parent}
    elif group_keys is not None:
        keys = list(dict.fromkeys([indicator_col, *group_keys]))
        sub = out.iloc[sensitive_rows]
        for _, g in sub.groupby(keys, sort=False, dropna=False):
            rows = [pos[idx] for idx in g.index]
            for col in value_cols:
                cells = [(i, col) for i in rows if (i, col) in values]
                if len(cells) > 1 or (len(cells) == 1 and not is_total[cells[0][0]]):
                    equations.append(cells)
                totals |= {(i, col) for i in rows if is_total[i]}
    for total_col, comps in (row_totals or {}).items():
        for i in sensitive_rows:
            cells = [(i, c) for c in (total_col, *comps) if (i, c) in values]
            equations.append(cells)
            totals.add((i, total_col))

    changed = True
    while changed:
        changed = False
        for cells in equations:
            n_hidden = sum(c in hidden for c in cells)
            if n_hidden != 1:
                continue
            pick = _pick_complement(cells, values, hidden, totals)
            if pick is None:
                msg = (f"a suppressed cell (row {cells[0][0] + 1}, column {cells[0][1]}) is alone in its group; "
                       f"it can be recovered if the group total is published")
                if msg not in warnings:
                    log.warning(msg)
                    warnings.append(msg)
                continue
            hidden.add(pick)
            changed = True

    for col in value_cols:
        flags = np.zeros(len(out), dtype=bool)
        for i, c in hidden:
            if c == col:
                flags[i] = True
        out.loc[flags, col] = np.nan
        fc = suppressed_flag_column(col)
        out[fc] = flags
    if hidden:
        log.info("suppressed %d small cell(s) and %d complementary cell(s)", primary, len(hidden) - primary)
    return Suppression(out, int(threshold), mark, primary, len(hidden) - primary, tuple(warnings))


#: evaluation columns that are years or counts of points, not values (never hidden)
_EVAL_KEEP = ("baseline_year", "latest_year", "target_year", "n_points", "pool_latest_years", "pool_baseline_years",
              "decimals")
#: an absolute target is public (it does not depend on the hidden count); a relative one would reveal it
_EVAL_TARGETS = ("target_value", "target_value_hi", "target_shown")


def suppress_evaluation(evaluation: pd.DataFrame, catalog: Catalog, threshold: int | None = None, *,
                        parents: Mapping[str, str | None] | None = None, mark: str | None = None) -> Suppression:
    """Evaluation frame safe to publish: small sensitive baseline/latest values hidden across **all** units.

    Pass the evaluation of every unit (and ``parents``, e.g. ``{code: reg.parent(code)}``) so a
    unit's value cannot be recovered from the province total; then filter to the unit shown.
    On a row with a hidden value every other number derived from it (a relative target, share of planned
    change, TH/KH, intervals, pooled values, numerators…) is hidden too and flagged; an absolute target
    stays (it is public and reveals nothing).
    Counts behind sensitive rates: ``latest_numerator`` when the frame has it.
    """
    import numpy as np
    import pandas as pd

    ev = evaluation.copy()
    ev["unit_code"] = ev["unit_code"].astype(str)
    if parents is None:
        parents = {}
    count_col = "latest_numerator" if "latest_numerator" in ev.columns else None
    cols = [c for c in ("baseline_value", "latest_value") if c in ev.columns]
    result = suppress_small_cells(ev, catalog, threshold, value_cols=cols, parents=parents or None,
                                  group_keys=None if parents else ["unit_level"] if "unit_level" in ev.columns else [],
                                  count_col=count_col, mark=mark)
    out = result.frame
    hidden_row = np.zeros(len(out), dtype=bool)
    for c in cols:
        hidden_row |= out[suppressed_flag_column(c)].to_numpy(bool)
    derived = [c for c in out.columns if c not in cols and c not in _EVAL_KEEP
               and not str(c).startswith(SUPPRESSED_PREFIX) and pd.api.types.is_numeric_dtype(out[c])
               and not pd.api.types.is_bool_dtype(out[c])]
    absolute = ((out["target_kind"].astype(str) == "absolute").to_numpy() if "target_kind" in out.columns
                else np.zeros(len(out), dtype=bool))
    for c in derived:
        flag = hidden_row & out[c].notna().to_numpy()
        if c in _EVAL_TARGETS:
            flag &= ~absolute
        out[c] = out[c].astype(float)
        out.loc[flag, c] = np.nan
        out[suppressed_flag_column(c)] = flag
    return Suppression(out, result.threshold, result.mark, result.primary, result.complementary, result.warnings)


def render_suppressed(frame: pd.DataFrame, mark: str, *,
                      value_cols: Iterable[str] | None = None, drop_flags: bool = True) -> pd.DataFrame:
    """Frame for display: suppressed cells show ``mark`` (text), flag columns dropped
    (:meth:`Suppression.rendered` passes the mark of the suppression)."""
    out = frame.copy()
    flag_cols = [c for c in frame.columns if str(c).startswith(SUPPRESSED_PREFIX)]
    cols = list(value_cols) if value_cols is not None else [c[len(SUPPRESSED_PREFIX):] for c in flag_cols]
    for col in cols:
        fc = suppressed_flag_column(col)
        if fc in out.columns and out[fc].any():
            out[col] = out[col].astype(object)
            out.loc[out[fc].to_numpy(bool), col] = mark
    if drop_flags:
        out = out.drop(columns=flag_cols)
    return out
