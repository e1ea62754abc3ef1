"""A :class:`Plan`: one dataset and what is computed from it — the 2021–2025 evaluation, the
2026–2030 projection per scenario, their published (small-cell suppressed) forms — each computed
once, on first use, and kept on the object.

A notebook holds one ``Plan`` instead of carrying ``ds, ev, proj`` by hand, and the unit report,
its appendices and the province summary read the same frames (nothing computed twice): the published
(suppressed) values and proposals of all units are computed once per publishing settings and shared by
every report's HTML tables, charts and Word/Excel appendix; a unit's appendix tables are built once and
shown in HTML and written to Word and Excel; charts drawn for the HTML and the appendix come from one
:class:`~ctxh_plan.present.charts.ChartCache`.
:func:`load_plan` keeps the last loaded plan per process, keyed by the dataset files' names, sizes
and modification times, so a warm batch kernel computes the evaluation and projections once for
all the units it runs. In a batch run, the kernels (or dask workers) of the run also share these plan-wide
results through the run folder's :class:`PlanStore`: the first process that needs one computes it, the others
read it (one computation per run instead of one per kernel).
"""
from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ctxh_plan.reports.messages import collect_messages, silenced

__all__ = ["PLAN_STORE", "Plan", "PlanStore", "batch_store", "load_plan", "settings_key", "settle_long_lived"]

#: folder of a batch run folder where its processes share the plan-wide results (removed when the run ends)
PLAN_STORE = ".plan-store"

log = logging.getLogger(__name__)


@dataclass(eq=False)
class Plan:
    """A dataset and the frames computed from it, cached on the object.

    Attributes
    ----------
    dataset : Dataset
        The validated (and, when asked, re-based) dataset.
    notes : list of str
        Warnings raised while loading; logged again on every :func:`load_plan` call so a
        reused kernel reports the same notes as a fresh one.
    """

    dataset: Any
    notes: list[str] = field(default_factory=list)
    _cache: dict[tuple[str, Any], Any] = field(default_factory=dict, repr=False)
    _charts: Any = field(default=None, repr=False)
    #: where the processes of a batch run share plan-wide results (None: computed here)
    store: PlanStore | None = field(default=None, repr=False)
    #: what the plan was loaded from (dataset folder, re-basing date, its files' names, sizes and times)
    identity: tuple[Any, ...] = field(default=(), repr=False)

    def _once(self, key: tuple[str, Any], make: Any, *, settle: bool = False) -> Any:
        """``make()`` once for ``key``; ``settle``: a plan-wide result that lives as long as the plan (shared
        through :attr:`store` when there is one; see :func:`settle_long_lived`)."""
        if key not in self._cache:
            if settle and self.store is not None:
                self._cache[key] = self.store.get((self.identity, key), make)
            else:
                self._cache[key] = make()
            if settle:
                if self._charts is not None:
                    self._charts.forget_figures()  # a report's figures are not plan-wide: never frozen
                settle_long_lived()
        return self._cache[key]

    @property
    def illustrative(self) -> bool:
        return bool(getattr(self.dataset, "illustrative", False))

    @property
    def province_code(self) -> str:
        return str(getattr(self.dataset, "province_code", "") or "")

    def report_units(self) -> list[str]:
        """Codes of the units below the province that have observations (numeric codes by value)."""
        codes = {str(c) for c in self.dataset.observations["unit_code"].unique()}
        codes.discard(self.province_code)
        return sorted(codes, key=lambda c: (len(c), c))

    def unit_name(self, code: str) -> str:
        """The unit's official name, or its code when the registry does not know it."""
        return unit_name(self.dataset, code)

    def evaluation(self) -> Any:
        """The 2021–2025 evaluation of every unit and the province (``evaluate_dataset``)."""
        from ctxh_plan.evaluate import evaluate_dataset

        return self._once(("evaluation", None), lambda: evaluate_dataset(self.dataset).table, settle=True)

    def published_evaluation(self, threshold: int) -> Any:
        """The evaluation with small sensitive values hidden jointly across units and their parent
        (a unit's hidden value cannot be recovered from the province total); ``threshold`` 0 gives
        the evaluation as it is."""
        if not threshold:
            return self.evaluation()

        def make() -> Any:
            from ctxh_plan.present import suppress_evaluation

            ev = self.evaluation()
            parents = {code: self._parent(code) for code in set(ev["unit_code"].astype(str))}
            return suppress_evaluation(ev, self.dataset.catalog, threshold, parents=parents,
                                       mark=f"<{threshold}").frame

        return self._once(("published_evaluation", threshold), make)

    def _parent(self, code: str) -> str | None:
        units = self.dataset.units
        return units.parent(code) if code in units else None

    def share_dataset(self, store: str | Path) -> None:
        """Leave this plan's dataset (and its loading notes) in a batch run's :class:`PlanStore`, where the run's
        kernels look before loading and re-basing it themselves (the batch driver has loaded it already)."""
        PlanStore(store).get((self.identity, ("dataset", None)), lambda: (self.dataset, list(self.notes)))

    @property
    def charts(self) -> Any:
        """The :class:`~ctxh_plan.present.charts.ChartCache` of this plan's reports (the last figures drawn and
        their bytes): a chart the HTML report shows and the appendix embeds is drawn once."""
        if self._charts is None:
            from ctxh_plan.present.charts import ChartCache

            # in a batch run, the kernels also leave their rendered charts for each other in the run's store
            self._charts = ChartCache(shared=self.store.folder / "charts" if self.store is not None else None)
        return self._charts

    def publish_settings(self, threshold: int | None = None) -> Any:
        """``params/publish.yaml`` (read once per plan), at ``threshold`` when given (0 = nothing hidden: the
        threshold stays, :meth:`published_frames` then treats no indicator as sensitive)."""
        import dataclasses

        def make() -> Any:
            from ctxh_plan.present import load_publish_settings

            return load_publish_settings()

        settings = self._once(("publish_settings", None), make)
        if threshold:
            settings = dataclasses.replace(settings, threshold=threshold)
        return settings

    def projection(self, scenario: str = "") -> Any:
        """Forecasts and 2030 proposals of every unit and the province under ``scenario`` (``""`` =
        baseline). The warnings raised while computing are logged again on every call."""

        def make() -> Any:
            notes: list[str] = []
            with collect_messages(notes, "projection"):
                proj = project_units(self.dataset, scenario, self.evaluation())
            return proj, notes

        proj, notes = self._once(("projection", scenario), make, settle=True)
        for note in notes:
            log.warning("%s", note)
        return proj

    def _published_dataset(self, nothing_hidden: bool) -> Any:
        """The dataset the published frames are computed from: as it is, or with no indicator sensitive."""
        if not nothing_hidden:
            return self.dataset
        return self._once(("nothing_hidden_dataset", None),
                          lambda: self.dataset.replace(catalog=_without_sensitive(self.dataset.catalog)))

    def published_frames(self, scenario: str, settings: Any, *, nothing_hidden: bool = False) -> tuple[Any, Any]:
        """(published values 2020–2025, published proposals) of **all** units at ``settings``
        (``present.tables.published_values`` / ``published_proposals``: small sensitive cells hidden jointly with
        their parent), computed once per scenario and publishing settings and shared by every report and appendix
        of the plan. ``nothing_hidden``: no indicator is treated as sensitive (a report with threshold 0)."""

        def make() -> tuple[Any, Any]:
            from ctxh_plan.present.tables import published_proposals, published_values

            ds = self._published_dataset(nothing_hidden)
            with silenced():
                values = published_values(ds, self.evaluation(), settings)
                proposals = published_proposals(ds, self.projection(scenario).proposals, settings)
            return values, proposals

        result: tuple[Any, Any] = self._once(
            ("published_frames", (scenario, settings_key(settings), nothing_hidden)), make, settle=True)
        return result

    def unit_tables(self, unit: str, scenario: str, settings: Any, lang: str, *, nothing_hidden: bool = False) -> Any:
        """The tables of ``unit``'s appendix at ``settings`` (``present.appendices.unit_tables``: Biểu 1, 2 and
        the models' Biểu 3 where they apply), built once: the HTML report shows Biểu 1–2 and the Word and Excel
        appendix writes them all from the same objects."""

        def make() -> Any:
            from ctxh_plan.present.appendices import unit_tables

            values, proposals = self.published_frames(scenario, settings, nothing_hidden=nothing_hidden)
            return unit_tables(self.dataset, self.evaluation(), self.projection(scenario), unit, lang=lang,
                               settings=settings, values=values, proposals=proposals)

        return self._once(("unit_tables", (unit, scenario, settings_key(settings), lang, nothing_hidden)), make)

    def appendix_tables(self, unit: str, *, scenario: str = "", threshold: int = 0, lang: str = "vi") -> list[Any]:
        """Biểu 1 (2021–2025 evaluation) and Biểu 2 (2026–2030 proposals) of ``unit`` as its appendix prints
        them (``present.tables.build_appendix_tables``): published values with small sensitive cells hidden
        jointly over all units at ``threshold`` (0 = nothing hidden), plan order, each indicator's decimals
        (and the models' Biểu 3 where they apply).

        The same objects as the unit's appendix when ``threshold`` is the publishing threshold (one build).
        """
        tables: list[Any] = self.unit_tables(unit, scenario, self.publish_settings(threshold), lang,
                                             nothing_hidden=not threshold)
        return tables

    def published_tables(self, scenario: str = "", threshold: int = 0) -> tuple[Any, Any, Any]:
        """(publishing settings at ``threshold``, published values 2020–2025, published proposals) of all
        units (``present.tables.published_values`` / ``published_proposals``), computed once; ``threshold``
        0 hides nothing (no indicator is treated as sensitive)."""
        settings = self.publish_settings(threshold)
        values, proposals = self.published_frames(scenario, settings, nothing_hidden=not threshold)
        return settings, values, proposals

    def proposal_pattern(self, scenario: str, threshold: int) -> set[tuple[str, str, str]]:
        """(unit, indicator, column) cells of the proposals that the published tables hide
        (``present.tables.published_proposals`` over all units, complementary cells included)."""

        def make() -> set[tuple[str, str, str]]:
            settings = self.publish_settings(threshold)
            _values, pp = self.published_frames(scenario, settings, nothing_hidden=not threshold)
            flags = [c for c in pp.columns if str(c).startswith("suppressed__")]
            return {(str(u), str(i), c[len("suppressed__"):]) for c in flags
                    for u, i, f in zip(pp["unit_code"], pp["indicator_code"], pp[c]) if bool(f)}

        return self._once(("proposal_pattern", (scenario, threshold)), make)


def settle_long_lived() -> None:
    """Collect garbage, then move every object that exists now out of the garbage collector's view
    (``gc.freeze``): the libraries, the dataset and the plan-wide frames live as long as the kernel, and without
    this each full collection — several per report, triggered by the thousands of short-lived objects a chart
    is made of — walks all of them again (about a quarter of a report's time). Called once a plan-wide result
    is computed, when nothing of a single report is kept; a plan replaced by another is unfrozen first
    (:func:`load_plan`), so it can be freed."""
    import gc

    gc.collect()
    gc.freeze()


class PlanStore:
    """Plan-wide results shared by the processes of one batch run (its kernels, or dask workers seeing the same
    run folder): each result is computed by the first process that needs it while it holds the result's file
    lock, written as a pickle (atomically), and read by the others. The folder lives inside the run folder and is
    removed when the run ends (``batch.run``), so it never outlives the code and inputs that made it.

    Without file locks (no ``fcntl``) or when the folder cannot be written, results are computed here as usual.
    """

    def __init__(self, folder: str | Path) -> None:
        self.folder = Path(folder)

    def get(self, key: Any, make: Any) -> Any:
        """The result stored under ``key``, or ``make()`` (then stored)."""
        import hashlib
        import pickle

        try:
            import fcntl
        except ImportError:  # pragma: no cover - not POSIX
            return make()
        name = hashlib.sha256(repr(key).encode("utf-8")).hexdigest()[:40]
        path = self.folder / f"{name}.pickle"
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            lock = open(self.folder / f"{name}.lock", "a+b")  # noqa: SIM115 - held until the result is stored
        except OSError as exc:
            log.info("plan store %s not usable (%s): computing here", self.folder, exc)
            return make()
        with lock:
            fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file is closed, or when this process ends
            if path.is_file():
                with open(path, "rb") as fh:
                    return pickle.load(fh)  # written by another process of this run, from the same inputs
            value = make()
            from ctxh_plan.io.atomic import write_bytes

            try:
                write_bytes(path, pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))
            except (OSError, pickle.PicklingError, TypeError, AttributeError) as exc:
                log.info("plan store: %s not stored (%s)", key[-1] if isinstance(key, tuple) else key, exc)
            return value


def batch_store(output_dir: str) -> Path | None:
    """The plan store of the batch run whose ``figures`` folder is ``output_dir`` (a notebook's parameter), or
    None outside a batch run (no run folder with a manifest: nothing is shared, nothing is left behind)."""
    if not output_dir:
        return None
    run_dir = Path(output_dir).parent
    return run_dir / PLAN_STORE if (run_dir / "manifest.json").is_file() else None


def settings_key(settings: Any) -> str:
    """What makes two publishing settings publish the same frames and tables: every field but the charts'
    (which indicators are charted, how many, at what resolution) and the file it came from."""
    import dataclasses

    return repr(dataclasses.replace(settings, key_indicators=(), max_indicator_charts=0, dpi=0, path=None))


def _without_sensitive(catalog: Any) -> Any:
    """The catalogue with no indicator marked sensitive (what "nothing hidden" publishes)."""
    import dataclasses

    from ctxh_plan.data.catalog import Catalog

    return Catalog({c: dataclasses.replace(catalog[c], sensitive=False) for c in catalog.codes()},
                   path=catalog.path, _order=tuple(catalog.codes()))


def unit_name(ds: Any, code: str) -> str:
    """The official name of ``code`` in ``ds``'s registry, or the code itself when unknown."""
    units = getattr(ds, "units", None)
    if units is None or code not in units:
        return code
    return str(units.name(code))


def project_units(ds: Any, scenario: str, evaluation: Any) -> Any:
    """``project_dataset`` to the settings' target year (2030) under ``scenario`` (``""`` = baseline), reusing
    ``evaluation``."""
    from ctxh_plan.targets import project_dataset

    return project_dataset(ds, scenario=scenario or None, evaluation=evaluation)


_LOADED: dict[tuple[Any, ...], Plan] = {}


def _stat_key(path: Path) -> tuple[Any, ...]:
    files = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
    return tuple((str(p), p.stat().st_mtime_ns, p.stat().st_size) for p in files)


def load_plan(path: str = "", *, rebase_to: str = "", store: str | Path | None = None) -> Plan:
    """Load (and optionally re-base) a dataset as a :class:`Plan`, kept per process.

    Parameters
    ----------
    path : str
        Dataset folder (absolute); ``""`` = the embedded illustrative dataset.
    rebase_to : str
        ``""`` for the data as collected, or a date such as ``"2025-07-01"`` to move history onto
        the units valid then (``rebase_dataset``).
    store : path, optional
        A batch run's :class:`PlanStore` folder (:func:`batch_store`): the dataset and the plan-wide results
        are computed once for all the processes of the run.

    Returns
    -------
    Plan
        The same object for the same files (names, sizes, modification times) and ``rebase_to``;
        loading another dataset forgets the previous one.
    """
    from ctxh_plan.data.dataset import load_dataset
    from ctxh_plan.paths import default_dataset

    p = Path(path) if path else default_dataset()
    key = (str(p), rebase_to, _stat_key(p))
    plan = _LOADED.get(key)
    shared = PlanStore(store) if store else None
    if plan is None:

        def load() -> tuple[Any, list[str]]:
            notes: list[str] = []
            with collect_messages(notes, "dataset"):
                ds = load_dataset(p)
                if rebase_to:
                    from ctxh_plan.rebase import rebase_dataset

                    ds = rebase_dataset(ds, to=rebase_to)
            return ds, notes

        ds, notes = shared.get((key, ("dataset", None)), load) if shared is not None else load()
        if _LOADED:  # the plan replaced (frozen with its frames) can be freed again
            import gc

            _LOADED.clear()
            gc.unfreeze()
        plan = _LOADED[key] = Plan(ds, list(notes), identity=key)
        settle_long_lived()
    if (plan.store is None) != (shared is None) or (shared is not None and plan.store is not None
                                                    and plan.store.folder != shared.folder):
        plan._charts = None  # the chart cache follows the store (a new run, a new shared folder)
    plan.store = shared
    for note in plan.notes:  # the same warnings on every call, cached or not (reused kernels = fresh kernels)
        log.warning("%s", note)
    return plan
