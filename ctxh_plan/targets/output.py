"""Writing a projection: two CSV files or one Excel workbook with two sheets (atomic)."""
from __future__ import annotations

from pathlib import Path

from ctxh_plan.errors import UsageError
from ctxh_plan.io.atomic import atomic_path, write_excel, write_frame

__all__ = ["output_paths", "write_projection"]

_SHEETS = ("forecasts", "targets", "scenarios")


def output_paths(path: str | Path, with_scenarios: bool = False) -> list[Path]:
    """Files written for ``path``: ``<stem>_forecasts.csv``, ``<stem>_targets.csv``
    (and ``<stem>_scenarios.csv``) for .csv; the .xlsx itself otherwise."""
    p = Path(path)
    if p.suffix.lower() == ".csv":
        names = _SHEETS if with_scenarios else _SHEETS[:2]
        return [p.with_name(f"{p.stem}_{n}.csv") for n in names]
    if p.suffix.lower() == ".xlsx":
        return [p]
    raise UsageError(f"output {p}: unknown format {p.suffix!r} — fix: use a .csv or .xlsx file name")


def write_projection(projection, path: str | Path) -> list[Path]:
    """Write forecasts and proposals (and the scenarios side by side when more than one).

    ``.csv`` → ``<stem>_forecasts.csv``, ``<stem>_targets.csv`` [, ``<stem>_scenarios.csv``]
    (UTF-8 with BOM); ``.xlsx`` → sheets ``forecasts``, ``targets`` [, ``scenarios``] and a
    ``ghi_chu`` sheet with the settings (and "dữ liệu minh họa" when illustrative). Every
    file is written atomically.
    """
    import pandas as pd

    from ctxh_plan.targets.propose import ILLUSTRATIVE_NOTE

    many = projection.scenarios["scenario"].nunique() > 1 if len(projection.scenarios) else False
    paths = output_paths(path, many)
    frames = [projection.forecasts, projection.proposals] + ([projection.scenarios] if many else [])
    if paths[0].suffix.lower() == ".csv":
        for fr, p in zip(frames, paths):
            write_frame(fr, p)
        return paths
    s = projection.settings
    info = pd.DataFrame({"key": ["base_year", "target_year", "method", "milestone_path", "stretch_quantile",
                                 "stretch_ratio", "forecast_method", "data"],
                         "value": [s.base_year, s.target_year, s.method, s.milestone_path, s.stretch_quantile,
                                   s.stretch_ratio, s.forecast_method,
                                   ILLUSTRATIVE_NOTE if projection.illustrative else ""]})
    with atomic_path(paths[0]) as tmp:
        with write_excel(tmp) as xw:
            for fr, name in zip(frames, _SHEETS):
                fr.to_excel(xw, sheet_name=name, index=False)
            info.to_excel(xw, sheet_name="ghi_chu", index=False)
    return paths
