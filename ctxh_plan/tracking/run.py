"""One call from a tracking folder to the tracking of a period (what ``ctxh-plan track`` / ``report`` and the
notebooks run): open the folder once (history re-based, plan checked, calendar, settings), then track any
period — read the forms received, the causes sheet, and compute the tracking frame and submission table.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ctxh_plan.tracking.periods import Period, parse_period

__all__ = ["TrackingContext", "TrackingRun", "open_tracking", "run_tracking"]


@dataclass
class TrackingContext:
    """A tracking folder opened: what every period of the plan shares."""

    folder: Any
    history: Any
    plan: Any
    calendar: Any
    settings: Any
    causes: Any = None
    causes_problems: list = field(default_factory=list)
    forecasts: Any = None
    timings: dict = field(default_factory=dict)
    _collected: dict = field(default_factory=dict, repr=False)

    def collected(self, period: Period) -> Any:
        """The observations of an earlier period from ``received/<period>`` (cached), or None."""
        if period not in self._collected:
            from ctxh_plan.tracking.forms import collect_forms

            d = self.folder.received / str(period) if self.folder.received is not None else None
            self._collected[period] = (collect_forms(d, period, catalog=self.history.catalog,
                                                     units=self.history.units).observations
                                       if d is not None and d.is_dir() else None)
        return self._collected[period]

    def history_for(self, period: Period) -> Any:
        """The history, with the periods of the plan already reported in the year before ``period``
        (e.g. 2026-H1 and 2026 when tracking 2027-H1: the same period last year and the shares of the year)."""
        import pandas as pd

        from ctxh_plan.tracking.periods import FIRST_YEAR

        extra = [self.collected(Period(period.year - 1, part)) for part in ("H1", "9M", "FY")
                 if period.year - 1 >= FIRST_YEAR]
        extra = [e for e in extra if e is not None and len(e)]
        if not extra:
            return self.history
        obs = pd.concat([self.history.observations, *extra], ignore_index=True)
        return self.history.replace(observations=obs)

    @property
    def units(self) -> list[str]:
        """The province first, then every unit below it (registry order)."""
        reg, prov = self.history.units, str(self.history.province_code)
        return [prov] + [c for c in reg.codes() if c != prov and reg.parent(c) == prov]

    def unit_names(self) -> dict[str, str]:
        reg = self.history.units
        return {c: str(reg.name(c)) for c in self.units}

    @property
    def illustrative(self) -> bool:
        return bool(self.folder.illustrative or getattr(self.history, "illustrative", False))

    def expected(self, period: Period) -> dict[str, list[str]]:
        """unit → indicators its form asks for ``period`` (same rule as ``ctxh-plan form``)."""
        from ctxh_plan.tracking.forms import form_indicator_map

        return form_indicator_map(self.units, catalog=self.history.catalog, plan=self.plan.plan,
                                  history=self.history.observations, period=period,
                                  province_code=str(self.history.province_code),
                                  province_extra=self.folder.province_form)


@dataclass
class TrackingRun:
    """A period tracked: the :class:`~ctxh_plan.tracking.track.Tracking` and the collection it was made from."""

    tracking: Any
    collection: Any
    context: TrackingContext
    timings: dict = field(default_factory=dict)


def open_tracking(path: str | Path, *, history: Any = None, plan: str | Path | None = None,
                  forecasts: Any = None) -> TrackingContext:
    """Open a tracking folder.

    Parameters
    ----------
    path : tracking folder (``tracking.yaml`` + ``dataset.yaml``).
    history : Dataset already loaded and re-based (a batch kernel's), used instead of the folder's ``history``.
    plan : adopted-targets file, instead of the folder's ``plan``.
    forecasts : forecasts frame of the history (e.g. a projection's), used for the probabilities.
    """
    from ctxh_plan.errors import UsageError
    from ctxh_plan.tracking.adopt import load_adopted_plan
    from ctxh_plan.tracking.causes import read_causes
    from ctxh_plan.tracking.folder import load_history, read_tracking_folder
    from ctxh_plan.tracking.periods import load_calendar
    from ctxh_plan.tracking.settings import load_tracking_settings

    t0 = time.perf_counter()
    folder = read_tracking_folder(path)
    ds = load_history(folder, history)
    t1 = time.perf_counter()
    plan_path = Path(plan) if plan else folder.plan
    if plan_path is None:
        raise UsageError(f"{folder.path}: no adopted plan — fix: give --plan FILE or `plan:` in tracking.yaml")
    adopted = load_adopted_plan(plan_path, catalog=ds.catalog, units=ds.units)
    causes: Any = None  # frame of causes and solutions
    cprob: list[dict] = []  # problems found reading it
    if folder.causes is not None:
        causes, cprob = read_causes(folder.causes, catalog=ds.catalog, units=ds.units)
    t2 = time.perf_counter()
    return TrackingContext(folder=folder, history=ds, plan=adopted, calendar=load_calendar(),
                           settings=load_tracking_settings(), causes=causes, causes_problems=cprob,
                           forecasts=forecasts, timings={"history": t1 - t0, "plan": t2 - t1})


def run_tracking(ctx: TrackingContext, period: str | Period, *, received: str | Path | None = None) -> TrackingRun:
    """Track ``period``: read ``received/<period>`` (or ``received``), then :func:`track_period`.

    The forecasts of the history are computed on the first call and kept on the context.
    """
    import pandas as pd

    from ctxh_plan.tracking.forms import collect_forms
    from ctxh_plan.tracking.track import track_period

    per = parse_period(period)
    t0 = time.perf_counter()
    folder = Path(received) if received else ctx.folder.received_dir(per)
    expected = ctx.expected(per)
    coll = collect_forms(folder, per, catalog=ctx.history.catalog, units=ctx.history.units, expected=expected)
    if ctx.causes_problems:
        extra = pd.DataFrame(ctx.causes_problems)
        coll.problems = pd.concat([coll.problems, extra[list(coll.problems.columns)]], ignore_index=True) \
            if len(coll.problems) else extra
    history = ctx.history_for(per)
    t1 = time.perf_counter()
    from ctxh_plan.targets.projection import forecast_observations, prepare_observations
    from ctxh_plan.targets.settings import load_settings

    if history is not ctx.history:  # the plan's own earlier year is history now: forecast from it
        base = max(int(history.observations["year"].max()), 2025)
        forecasts = forecast_observations(prepare_observations(history), history.catalog,
                                          load_settings().with_(base_year=base))
    else:
        if ctx.forecasts is None:
            ctx.forecasts = forecast_observations(prepare_observations(ctx.history), ctx.history.catalog,
                                                  load_settings())
        forecasts = ctx.forecasts
    t2 = time.perf_counter()
    tr = track_period(history, ctx.plan, per, coll, forecasts=forecasts, causes=ctx.causes,
                      settings=ctx.settings, calendar=ctx.calendar, expected=expected, units=ctx.units,
                      illustrative=ctx.illustrative, documents=ctx.plan.documents())
    t3 = time.perf_counter()
    return TrackingRun(tracking=tr, collection=coll, context=ctx,
                       timings={"collect": t1 - t0, "forecast": t2 - t1, "track": t3 - t2, **tr.timings})
