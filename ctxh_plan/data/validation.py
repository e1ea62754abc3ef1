"""Validate input files or dataset folders: read each file, check its rows (:mod:`ctxh_plan.data.checks`),
check the typed frames against their schemas (:mod:`ctxh_plan.data.frames`), and return every problem
in one table (``file, sheet, row, column, value, problem, fix, severity``).

A file that cannot be read becomes an error row, not an exception (person-level data excepted when
the caller asks to refuse it); duplicates are found across files.
"""
from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from ctxh_plan.data.checks import DEFAULT_YEARS, CheckResult, check_observations, check_targets, pending_problems
from ctxh_plan.errors import InputError, PersonLevelDataError
from ctxh_plan.io.digest import sha256_file
from ctxh_plan.io.problems import Problems

__all__ = ["check_files", "check_national_targets", "validate_paths"]

log = logging.getLogger(__name__)


def _read_or_record(reader: Any, path: Path, problems: Problems, header_only_ok: bool = False):
    """Read one file; an InputError becomes an error row (person-level data is re-raised when asked)."""
    try:
        raw = reader(path)
    except PersonLevelDataError:
        raise
    except InputError as exc:
        w = exc.where
        problems.add("read_error", file=w.file or str(path), sheet=w.sheet, row=w.row, column=w.column,
                     value=w.value, problem=exc.problem, fix=exc.fix)
        return None
    complete = pending_problems(raw, problems)
    if complete and not len(raw) and not header_only_ok:
        problems.add("header_only", file=str(path), row=raw.header_row)
    return raw.frame if complete else None


def check_files(observation_files: Sequence[Path], target_files: Sequence[Path], *, catalog: Any, units: Any,
                years: tuple[int, int] = DEFAULT_YEARS, lang: str = "vi",
                refuse_person_level: bool = False) -> CheckResult:
    """Read and check observation and target files together (duplicates are found across files).

    Parameters
    ----------
    observation_files, target_files : paths.
    catalog, units : Catalog and UnitRegistry.
    years : allowed years (inclusive).
    lang : language of the problems table.
    refuse_person_level : raise :class:`PersonLevelDataError` instead of recording it.

    Returns
    -------
    CheckResult
        ``inputs`` lists ``{path, sha256, bytes}`` of every file read.
    """
    import pandas as pd

    from ctxh_plan.io.readers import read_observations, read_targets

    problems = Problems(lang)
    inputs = []
    raws: list[Any] = []  # raw observation frames, one per file
    traws: list[Any] = []  # raw target frames
    for group, reader, sink in ((observation_files, read_observations, raws), (target_files, read_targets, traws)):
        for path in group:
            path = Path(path)
            inputs.append({"path": str(path), "sha256": sha256_file(path), "bytes": path.stat().st_size})
            try:
                raw = _read_or_record(reader, path, problems, header_only_ok=reader is read_targets)
            except PersonLevelDataError as exc:
                if refuse_person_level:
                    raise
                w = exc.where
                problems.add("read_error", file=w.file, sheet=w.sheet, row=w.row, column=w.column, value=w.value,
                             problem=exc.problem, fix=exc.fix)
                continue
            if raw is not None:
                sink.append(raw)
    raw = pd.concat(raws, ignore_index=True) if raws else pd.DataFrame(columns=["_file"])
    obs, _ = check_observations(raw, catalog, units, years=years, problems=problems)
    traw = pd.concat(traws, ignore_index=True) if traws else pd.DataFrame(columns=["_file"])
    tg, _ = check_targets(traw, catalog, units, years=years, problems=problems)
    from ctxh_plan.data.frames import observations_schema, schema_problems, targets_schema

    for frame, schema in ((obs, observations_schema), (tg, targets_schema)):
        if len(frame):  # an empty frame is built by the code above with fixed columns: nothing to check
            problems.rows.extend(schema_problems(frame, schema(years)))
    return CheckResult(observations=obs, targets=tg, problems=problems.frame(), inputs=inputs)


def check_national_targets(*, catalog: Any, units: Any, years: tuple[int, int] = DEFAULT_YEARS,
                           lang: str = "vi") -> CheckResult:
    """Read and check ``params/targets_national.csv``; only its ``scope=national`` rows are kept.

    A missing file is a warning (logged and recorded), not an error: the dataset's own targets are used alone.
    """
    import pandas as pd

    from ctxh_plan.io.layout import national_targets_path

    path = national_targets_path()
    if path.exists():
        res = check_files((), (path,), catalog=catalog, units=units, years=years, lang=lang,
                          refuse_person_level=True)
        res.targets = res.targets[res.targets["scope"] == "national"].reset_index(drop=True)
        return res
    log.warning("national targets file %s not found; only the dataset's own targets are used", path)
    problems = Problems(lang)
    problems.add("national_missing", value=str(path), file=str(path))
    empty = check_targets(pd.DataFrame(columns=["_file"]), catalog, units)[0]
    return CheckResult(observations=None, targets=empty, problems=problems.frame(), inputs=[])


def _expand(paths: Iterable[str | Path]) -> tuple[list[Path], list[Path], str | None, str | None, Path | None]:
    """(observation files, target files, province code, units_as_of, dataset folder) of the given paths."""
    from ctxh_plan.io.layout import classify_path, find_dataset_files

    obs: list[Path] = []
    tg: list[Path] = []
    province, as_of, folder = None, None, None
    for p in paths:
        p = Path(p)
        kind = classify_path(p)
        if kind == "folder":
            files = find_dataset_files(p)
            obs.extend(files.observations)
            tg.extend(files.targets)
            province = province or files.meta.get("province")
            as_of = as_of or files.meta.get("units_as_of")
            folder = folder or p
        else:
            (tg if kind == "targets" else obs).append(p)
            if province is None and (p.parent / "dataset.yaml").exists():
                from ctxh_plan.io.layout import read_dataset_meta

                meta = read_dataset_meta(p.parent)
                province, as_of = meta.get("province"), as_of or meta.get("units_as_of")
                folder = folder or p.parent
    return obs, tg, province, as_of, folder


def validate_paths(paths: Iterable[str | Path], *, catalog: Any = None, province: str | None = None,
                   years: tuple[int, int] = DEFAULT_YEARS, lang: str = "vi"):
    """Check input files or dataset folders; return the problems table.

    Parameters
    ----------
    paths : files (observations ``.csv``/``.xlsx``, ``*targets*.csv``) or dataset folders.
    catalog : Catalog or path to a catalogue YAML; default ``params/indicators.yaml``.
    province : province code for the unit registry; default from ``dataset.yaml``, else "22".
    years : (first, last) allowed years.
    lang : "vi" or "en" — language of the problem and fix texts.

    Returns
    -------
    pandas.DataFrame
        ``file, sheet, row, column, value, problem, fix, severity``; empty when all is well.
    """
    import pandas as pd

    from ctxh_plan.data.catalog import Catalog, load_catalog
    from ctxh_plan.data.units import load_folder_units

    paths = list(paths)
    obs, tg, meta_province, as_of, folder = _expand(paths)
    cat = catalog if isinstance(catalog, Catalog) else load_catalog(catalog)
    units = load_folder_units(folder, province or meta_province or "22", as_of=str(as_of) if as_of else None)
    problems = check_files(obs, tg, catalog=cat, units=units, years=years, lang=lang).problems
    if any(Path(p).is_dir() for p in paths):  # a dataset folder also uses the national targets
        national = check_national_targets(catalog=cat, units=units, years=years, lang=lang).problems
        if len(national):
            problems = pd.concat([problems, national], ignore_index=True)
    return problems
