"""The validated, read-only dataset every analysis starts from.

``load_dataset(path)`` reads a dataset folder — ``observations.csv`` (or
``observations*.xlsx`` when there is no CSV), optional ``targets.csv``, ``dataset.yaml`` and
``units.csv`` (the folder's own units; otherwise the reference tables give them) — plus the
national targets (``params/targets_national.csv``),
checks everything (:mod:`ctxh_plan.data.validation`) and returns a :class:`Dataset`.
The folder's targets override the national ones per (indicator, target year).
"""
from __future__ import annotations

import dataclasses
import logging
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ctxh_plan.data.checks import DEFAULT_YEARS
from ctxh_plan.errors import InputError, ValidationFailed

__all__ = ["Dataset", "load_dataset"]

log = logging.getLogger(__name__)

ILLUSTRATIVE_LABEL = "dữ liệu minh họa"


@dataclass(frozen=True, repr=False)
class Dataset:
    """Observations, targets, units and catalogue of one province, validated and read-only.

    The frames are returned as fresh (copy-on-write) views on each access, so
    changing them never changes the dataset; build a new one with :meth:`replace`.

    Attributes
    ----------
    observations : pandas.DataFrame
        ``unit_code, indicator_code, year, period, value, numerator, denominator, flag, source, note``
        (value in the indicator's unit; percent as 0–100).
    targets : pandas.DataFrame
        Effective targets: the dataset's own rows, plus national rows for the
        (indicator, target_year) pairs the dataset does not set.
    national_targets : pandas.DataFrame
        All national rows (the floor that proposals must not weaken).
    units : UnitRegistry
    catalog : Catalog
    problems : pandas.DataFrame
        Warnings (and errors when loaded with ``strict=False``).
    path : Path or None
        The dataset folder or file.
    inputs : tuple of dict
        ``{path, sha256, bytes}`` of every file read.
    illustrative : bool
        ``dataset.yaml`` says the figures are illustrative ("dữ liệu minh họa").
    province_code : str
    title, source : str
        From ``dataset.yaml``.
    """

    _observations: Any
    _targets: Any
    units: Any
    catalog: Any
    _problems: Any
    path: Path | None = None
    inputs: tuple = ()
    illustrative: bool = False
    province_code: str = "22"
    title: str = ""
    source: str = ""
    _national_targets: Any = None

    @property
    def observations(self):
        return self._observations.copy(deep=False)

    @property
    def targets(self):
        return self._targets.copy(deep=False)

    @property
    def national_targets(self):
        return (self._national_targets if self._national_targets is not None else self._targets.iloc[0:0]).copy(
            deep=False)

    @property
    def problems(self):
        return self._problems.copy(deep=False)

    def replace(self, **changes: Any) -> Dataset:
        """A new Dataset with some attributes changed (``observations=``, ``targets=``, ``units=`` …)."""
        for name in ("observations", "targets", "problems", "national_targets"):
            if name in changes:
                changes["_" + name] = changes.pop(name).copy()
        return dataclasses.replace(self, **changes)

    def for_units(self, codes: Iterable[str]) -> Dataset:
        """The same dataset restricted to the observations of ``codes``.

        Raises
        ------
        InputError
            A code that is not a unit of the registry.
        """
        codes = [str(c) for c in ([codes] if isinstance(codes, str) else codes)]
        unknown = [c for c in codes if c not in self.units]
        if unknown:
            raise InputError(f"mã đơn vị không có / unknown unit code(s) {unknown}", column="unit_code",
                             value=unknown[0], fix=f"dùng / use one of {self.units.codes()[:15]}")
        obs = self._observations[self._observations["unit_code"].isin(codes)]
        tg = self._targets[self._targets["scope"].isin(["national", self.province_code, *codes])]
        return self.replace(observations=obs.reset_index(drop=True), targets=tg.reset_index(drop=True))

    def series(self, unit: str, indicator: str, period: str = "FY"):
        """Values of one unit and indicator by year (float, sorted by year; empty if none).

        Raises
        ------
        InputError
            Unknown unit or indicator code.
        """
        import pandas as pd

        unit = str(unit)
        if unit not in self.units:
            raise InputError(f"mã đơn vị không có / unknown unit code {unit!r}", column="unit_code", value=unit,
                             fix="xem ds.units.codes() / see ds.units.codes()")
        if indicator not in self.catalog:
            raise InputError(f"mã chỉ tiêu không có / unknown indicator code {indicator!r}", column="indicator_code",
                             value=indicator, fix="xem ds.catalog.codes() / see ds.catalog.codes()")
        o = self._observations
        sel = o[(o["unit_code"] == unit) & (o["indicator_code"] == indicator) & (o["period"] == period)]
        s = pd.Series(sel["value"].to_numpy(dtype=float), index=pd.Index(sel["year"].to_numpy(), name="year"),
                      name=indicator, dtype="float64")
        return s.sort_index()

    def __repr__(self) -> str:
        o = self._observations
        years = f"{int(o['year'].min())}–{int(o['year'].max())}" if len(o) else "-"
        p = self._problems
        n_err = int((p["severity"] == "error").sum()) if len(p) else 0
        n_warn = len(p) - n_err
        tag = f", {ILLUSTRATIVE_LABEL}" if self.illustrative else ""
        return (f"Dataset({self.title or self.path}: province {self.province_code}, "
                f"{o['unit_code'].nunique()} units, {o['indicator_code'].nunique()} indicators, years {years}, "
                f"{len(o)} observations, {len(self._targets)} targets, {n_err} errors, {n_warn} warnings{tag})")


def _effective_targets(own: Any, national: Any):
    """Own rows plus national rows for the (indicator, target_year) pairs the own rows do not set."""
    import pandas as pd

    if not len(own):
        return national.reset_index(drop=True)
    keys = set(zip(own["indicator_code"], own["target_year"]))
    keep = [(c, y) not in keys for c, y in zip(national["indicator_code"], national["target_year"])]
    return pd.concat([national[keep], own], ignore_index=True) if len(national) else own.reset_index(drop=True)


def load_dataset(path: str | Path | None = None, *, catalog: Any = None, strict: bool = True,
                 province: str | None = None, years: tuple[int, int] = DEFAULT_YEARS,
                 lang: str = "vi") -> Dataset:
    """Read, check and assemble a dataset.

    Parameters
    ----------
    path : folder or observations file; default the embedded ``data/quang_ninh``.
    catalog : Catalog, or path to a catalogue YAML; default ``params/indicators.yaml``.
    strict : raise :class:`ValidationFailed` (with the full problems table) when there is any error;
        with ``strict=False`` rows with errors are left out and the problems are kept in ``ds.problems``.
    province : province code; default from ``dataset.yaml``, else "22".
    years : allowed years (inclusive).
    lang : language of the problems table.

    Raises
    ------
    ValidationFailed
        ``strict`` and at least one error.
    PersonLevelDataError
        An input file holds person-level data (always refused).
    InputError
        Missing folder files, unreadable ``dataset.yaml`` or catalogue.
    """
    import pandas as pd

    from ctxh_plan.data.catalog import Catalog, load_catalog
    from ctxh_plan.data.units import load_folder_units
    from ctxh_plan.data.validation import check_files, check_national_targets
    from ctxh_plan.io.layout import find_dataset_files, read_dataset_meta
    from ctxh_plan.paths import default_dataset, resolve

    p = resolve(path) if path is not None else default_dataset()
    if not p.exists():
        raise InputError("không có thư mục/tệp số liệu / dataset not found", file=str(p),
                         fix="kiểm tra đường dẫn / check the path")
    if p.is_dir():
        files = find_dataset_files(p)
        obs_files, own_targets, meta = files.observations, files.targets, files.meta
    else:
        obs_files, own_targets, meta = (p,), (), read_dataset_meta(p.parent)
    cat = catalog if isinstance(catalog, Catalog) else load_catalog(catalog)
    as_of = meta.get("units_as_of")
    units = load_folder_units(p if p.is_dir() else p.parent, str(province or meta.get("province") or "22"),
                              as_of=str(as_of) if as_of else None)
    res = check_files(obs_files, own_targets, catalog=cat, units=units, years=years, lang=lang,
                      refuse_person_level=True)
    nat = check_national_targets(catalog=cat, units=units, years=years, lang=lang)
    national = nat.targets
    inputs = list(res.inputs) + nat.inputs
    problems = pd.concat([res.problems, nat.problems], ignore_index=True) if len(nat.problems) else res.problems
    n_err = int((problems["severity"] == "error").sum()) if len(problems) else 0
    if strict and n_err:
        raise ValidationFailed(problems, f"{n_err} lỗi trong số liệu / {n_err} error(s) in the input; "
                                         f"chạy / run `ctxh-plan validate {p}` để xem / to see them")
    if n_err:
        log.warning("%d error(s) in %s: rows with errors were left out (strict=False)", n_err, p)
    return Dataset(
        _observations=res.observations, _targets=_effective_targets(res.targets, national), units=units,
        catalog=cat, _problems=problems, path=p, inputs=tuple(inputs),
        illustrative=bool(meta.get("illustrative", False)), province_code=units.province_code,
        title=str(meta.get("title", "")), source=str(meta.get("source", "")), _national_targets=national)
