"""write_appendices: the plan appendices (Word and Excel) and their charts, per unit and for the province.

Suppression is computed once over all units of the dataset, so the pattern of hidden
cells is the same whichever subset of units is written (the batch writes one unit per
notebook and the province in the summary).
"""
from __future__ import annotations

import functools
import logging
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ctxh_plan.data.frames import frame_records
from ctxh_plan.errors import InputError, UsageError
from ctxh_plan.io.yamlfile import read_yaml
from ctxh_plan.present.labels import text

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

    from ctxh_plan.present.charts import ChartCache
    from ctxh_plan.present.settings import PublishSettings

__all__ = ["FORMATS", "appendix_stem", "unit_tables", "write_appendices"]

log = logging.getLogger(__name__)

FORMATS = ("docx", "xlsx")


def appendix_stem(unit_code: str, lang: str = "vi") -> str:
    """File name (without suffix) of a unit's appendix: ``phu_luc_193`` (vi) / ``appendix_193`` (en)."""
    return f"{'phu_luc' if lang == 'vi' else 'appendix'}_{unit_code}"


def _models_frames(ds: Any, settings: PublishSettings, unit_code: str, province: str, lang: str,
                   models_path: str | Path | None) -> tuple[pd.DataFrame | None, pd.DataFrame | None]:
    """Biểu 3a and 3b rows for a unit (province: province-wide models), or (None, None) when no models file
    applies."""
    from ctxh_plan.present.models import build_budget_table, build_models_table

    path = Path(models_path) if models_path else _find_models_file(province)
    if path is None:
        log.info("no models file for province %s: Biểu 3 left out", province)
        return None, None
    if not path.is_file():  # the loader's own message (file, fix), before the cache looks at the file
        from ctxh_plan.present.models import load_models

        load_models(path)
    stat = path.stat()
    models, _meta = _load_models(str(path), stat.st_mtime_ns, stat.st_size)
    unit = None if unit_code == province else unit_code
    frame = build_models_table(models, annual_rate_percent=settings.annual_rate_percent, lang=lang, unit_code=unit)
    budget = build_budget_table(models, annual_rate_percent=settings.annual_rate_percent, lang=lang, unit_code=unit)
    return (frame, budget) if len(frame) else (None, None)


@functools.lru_cache(maxsize=8)
def _load_models(path: str, mtime_ns: int, size: int) -> Any:
    """``present.models.load_models`` of ``path``, read once per version of the file (a unit's appendix after
    another reads the same models file)."""
    from ctxh_plan.present.models import load_models

    return load_models(Path(path))


def _find_models_file(province: str) -> Path | None:
    """``params/models/*.yaml`` whose ``province_code`` is ``province`` (first match by name)."""
    from ctxh_plan.paths import params_dir

    files = sorted((params_dir() / "models").glob("*.yaml"))
    return _models_file_of(province, tuple((str(p), p.stat().st_mtime_ns) for p in files))


@functools.lru_cache(maxsize=32)
def _models_file_of(province: str, files: tuple[tuple[str, int], ...]) -> Path | None:
    for name, _mtime in files:
        doc = read_yaml(Path(name)) or {}
        if str(doc.get("province_code", "")) == province:
            return Path(name)
    return None


def _chart_paths(ds: Any, evaluation: pd.DataFrame, projection: Any, unit_code: str, values: pd.DataFrame,
                 settings: PublishSettings, out_dir: Path, lang: str, is_province: bool,
                 cache: ChartCache | None = None) -> list[tuple[Path, str, list[Path]]]:
    """Draw and save the charts of one unit; returns [(png, caption, all files written)]. With ``cache`` a chart
    the report already drew (same content) is reused, and its bytes rendered once per format."""
    from ctxh_plan.present.charts import ChartCache, save_figure
    from ctxh_plan.present.suppress import suppressed_flag_column

    cache = cache if cache is not None else ChartCache()

    illustrative = bool(getattr(ds, "illustrative", False))
    chart_dir = out_dir / "charts" / unit_code
    made: list[tuple[Path, str, list[Path]]] = []
    if is_province:
        units_ev = evaluation[evaluation["unit_code"].astype(str) != unit_code].copy()
        name_col = f"indicator_name_{lang}"
        if name_col not in units_ev.columns:
            units_ev[name_col] = [ds.catalog[c].name(lang) if c in ds.catalog else c
                                  for c in units_ev["indicator_code"].astype(str)]
        if len(units_ev):
            for name, fig, caption in (
                    ("heatmap", cache.heatmap(units_ev, lang, illustrative=illustrative),
                     text("chart_heatmap_title", lang)),
                    ("ranking", cache.ranking(units_ev, lang, illustrative=illustrative),
                     text("chart_ranking_title", lang))):
                files = save_figure(fig, chart_dir / name, dpi=settings.dpi)
                made.append((files[0], caption, files))
    props = getattr(projection, "proposals", None) if projection is not None else None
    fc = getattr(projection, "forecasts", None) if projection is not None else None
    if props is None:
        return made
    unit_vals = values[values["unit_code"] == unit_code]
    ev = evaluation[evaluation["unit_code"].astype(str) == unit_code].drop_duplicates("indicator_code")
    targets = dict(zip(ev["indicator_code"].astype(str), ev.get("target_value", [])))
    count = 0
    rows = frame_records(props[props["unit_code"].astype(str) == unit_code])
    key_order = {c: k for k, c in enumerate(settings.key_indicators)}  # the plan's key indicators first
    rows.sort(key=lambda r: key_order.get(str(r["indicator_code"]), len(key_order)))
    for row in rows:
        if count >= settings.max_indicator_charts:
            break
        code = str(row["indicator_code"])
        ind = ds.catalog.get(code)
        if ind is not None and not getattr(ind, "plan_target", True):
            continue  # what the plan sets no target for (components, case counts, budgets) is not charted
        hist = unit_vals[unit_vals["indicator_code"] == code]
        if ind is not None and ind.sensitive and hist[suppressed_flag_column("value")].any():
            log.info("chart of %s for %s left out: it has suppressed cells", code, unit_code)
            continue
        f = None
        if fc is not None and len(fc):
            f = fc[(fc["unit_code"].astype(str) == unit_code) & (fc["indicator_code"].astype(str) == code)]
        fig = cache.indicator(hist.set_index("year")["value"], target_2025=targets.get(code), forecast=f,
                              proposal=row, indicator=ind, lang=lang, illustrative=illustrative)
        files = save_figure(fig, chart_dir / code, dpi=settings.dpi)
        made.append((files[0], ind.name(lang) if ind else code, files))
        count += 1
    return made


def _relative_name(path: Any, base: Path | None) -> str:
    """A file named for a reader: relative to the dataset folder, never a machine path."""
    p = Path(str(path))
    if base is not None:
        try:
            return p.resolve().relative_to(base.resolve()).as_posix()
        except (ValueError, OSError):
            pass
    return p.name


def _sources(ds: Any, settings: PublishSettings, lang: str) -> dict:
    """The sources sheet: the dataset (its title and folder name), its input files with checksums (named
    relative to the dataset folder), the notes of the tables, number formats. No absolute path."""
    raw = getattr(ds, "path", "") or ""
    base = Path(str(raw)) if raw else None
    if base is not None and base.is_file():
        base = base.parent
    title = str(getattr(ds, "title", "") or "")
    folder = base.name if base is not None else ""
    items = [(text("sources_dataset", lang), " — ".join(x for x in (title, folder) if x))]
    inputs = getattr(ds, "inputs", None) or []
    if inputs:
        items.append((text("sources_inputs", lang),
                      "\n".join(f"{_relative_name(i.get('path'), base)}  {i.get('sha256', '')}" for i in inputs)))
    for key in ("verdict_note", "percent_of_target_note", "certainty_note", "method_note_bieu2"):
        fmt = {"min_reduction": "2"} if key == "method_note_bieu2" else {}
        items.append((text("notes", lang), text(key, lang, **fmt)))
    items.append((text("notes", lang), text("suppressed_note", lang, mark=settings.mark, threshold=settings.threshold)
                  + " " + text("zero_not_suppressed", lang)))
    items.append((text("notes", lang), text("suppressed_rate_note", lang, mark=settings.rate_mark,
                                           threshold=settings.threshold)))
    items.append((text("notes", lang), text("estimate_note", lang)))
    items.append((text("sources_formats", lang), text("sources_formats_text", lang)))
    return {"illustrative": bool(getattr(ds, "illustrative", False)), "items": items}


def unit_tables(ds: Any, evaluation: pd.DataFrame, projection: Any, unit_code: str, *, lang: str = "vi",
                settings: PublishSettings | None = None, values: pd.DataFrame | None = None,
                proposals: pd.DataFrame | None = None, models_path: str | Path | None = None,
                agency: str | None = None) -> list[Any]:
    """The tables of one unit's appendix as :func:`write_appendices` writes them: Biểu 1, 2 and, where models of
    the province's models file apply to the unit (the province: its province-wide models), Biểu 3a/3b.

    ``values`` / ``proposals`` are the published frames of all units (:func:`~ctxh_plan.present.tables.
    published_values` / ``published_proposals`` at ``settings``); computed here when not given. A caller that
    shows the same tables elsewhere (the HTML report) builds them once with this function and passes them to
    :func:`write_appendices` (``tables=``).
    """
    from ctxh_plan.present.settings import load_publish_settings
    from ctxh_plan.present.tables import build_appendix_tables

    settings = settings or load_publish_settings()
    province = str(getattr(ds, "province_code", "") or "")
    models, budget = (None, None) if agency else _models_frames(ds, settings, str(unit_code), province, lang,
                                                                models_path)
    return build_appendix_tables(ds, evaluation, projection, str(unit_code), lang=lang, settings=settings,
                                 models_frame=models, budget_frame=budget, values=values, proposals=proposals,
                                 agency=agency)


def write_appendices(ds: Any, evaluation: pd.DataFrame, projection: Any, out_dir: str | Path, *,
                     units: Sequence[str] | None = None, formats: Sequence[str] = FORMATS, lang: str = "vi",
                     settings: PublishSettings | None = None, models_path: str | Path | None = None,
                     charts: bool = True, agency: str | None = None, values: pd.DataFrame | None = None,
                     proposals: pd.DataFrame | None = None, tables: Mapping[str, list[Any]] | None = None,
                     chart_cache: ChartCache | None = None) -> list[Path]:
    """Write the plan appendices (Biểu 1, 2, 3 + charts) for the province and/or units.

    Parameters
    ----------
    ds : Dataset
        ``observations, catalog, units, province_code, illustrative`` (and ``path``, ``inputs`` for the
        sources sheet).
    evaluation : DataFrame
        Evaluation frame for **all** units (suppression must see every group).
    projection : Projection or None
        ``.proposals`` and ``.forecasts`` frames; None → no Biểu 2 and no forecast charts.
    out_dir : path
        Folder for ``phu_luc_<unit>.docx`` / ``.xlsx`` and ``charts/<unit>/*.png|svg``.
    units : list of str, optional
        Unit codes to write (the province code included when wanted). Default: the province and every
        unit of the evaluation.
    formats : ("docx", "xlsx")
    lang : "vi" (default) or "en"
    settings : PublishSettings, optional
        Default: ``params/publish.yaml``.
    models_path : path, optional
        Models file for Biểu 3 (default: the ``params/models/*.yaml`` of the dataset's province).
    charts : bool
        Draw and embed the charts.
    agency : str, optional
        Code of a lead agency of the catalogue (``SYT``): Biểu 1–2 with only the indicators it chairs,
        no Biểu 3 and no charts; files ``phu_luc_<unit>_<agency>.*``.
    values, proposals : DataFrame, optional
        The published frames of all units at ``settings`` (``present.tables.published_values`` /
        ``published_proposals``), when the caller already has them (a report's :class:`~ctxh_plan.reports.plan.Plan`
        keeps them); computed here otherwise.
    tables : mapping, optional
        Unit code → its tables already built by :func:`unit_tables` with the same settings and language (the
        report shows them too); the other units' tables are built here.
    chart_cache : ChartCache, optional
        Figures and their PNG/SVG bytes shared with the report that shows the same charts
        (:class:`~ctxh_plan.present.charts.ChartCache`): a chart is drawn and rendered once per format.

    Returns
    -------
    list of Path
        Every file written (documents and charts), in order.
    """
    from ctxh_plan.present.docx_writer import DocxHeader, write_docx
    from ctxh_plan.present.labels import post_reform
    from ctxh_plan.present.settings import load_publish_settings
    from ctxh_plan.present.tables import (
        display_unit_name,
        issuing_body,
        published_proposals,
        published_values,
    )
    from ctxh_plan.present.xlsx_writer import write_xlsx

    bad = [f for f in formats if f not in FORMATS]
    if bad or not formats:
        raise UsageError(f"unknown appendix format(s) {bad or list(formats)} — fix: use docx and/or xlsx")
    if lang not in ("vi", "en"):
        raise UsageError(f"unknown language {lang!r} — fix: use vi or en")
    if agency is not None and (not hasattr(ds.catalog, "agency") or ds.catalog.agency(agency) is None):
        known = [a.code for a in getattr(ds.catalog, "agencies", ())]
        raise UsageError(f"unknown agency {agency!r} — fix: use one of {known} (params/indicators.yaml, agencies)")
    settings = settings or load_publish_settings()
    out = Path(out_dir)
    province = str(getattr(ds, "province_code", "") or "")
    known = list(dict.fromkeys(evaluation["unit_code"].astype(str)))
    if units is None:
        units = [province] + [u for u in known if u != province] if province else known
    units = [str(u) for u in units]
    unknown = [u for u in units if u not in known]
    if unknown:
        raise InputError(f"no evaluation rows for unit(s) {unknown}", column="unit_code", value=unknown[0],
                         fix=f"use codes present in the evaluation: {', '.join(known[:20])}")
    if values is None:
        values = published_values(ds, evaluation, settings)
    props = getattr(projection, "proposals", None) if projection is not None else None
    if proposals is None and props is not None:
        proposals = published_proposals(ds, props, settings)
    tables = tables or {}
    doc = settings
    written: list[Path] = []
    for code in units:
        is_province = code == province
        built = tables.get(code) if agency is None else None
        if built is None:
            built = unit_tables(ds, evaluation, projection, code, lang=lang, settings=settings, values=values,
                                proposals=proposals, models_path=models_path, agency=agency)
        chart_list = _chart_paths(ds, evaluation, projection, code, values, settings, out, lang,
                                  is_province, chart_cache) if charts and not agency and "docx" in formats else []
        for _png, _cap, files in chart_list:
            written.extend(files)
        stem = out / (appendix_stem(code, lang) + (f"_{agency}" if agency else ""))
        if "docx" in formats:
            ref = text("issued_with", lang, document=text(
                "plan_reference", lang, number=doc.doc("plan_number", lang), date=doc.doc("plan_date", lang),
                body=issuing_body(ds, code, settings, lang)))
            line = text("for_unit", lang, name=display_unit_name(ds, code, evaluation, lang))
            header = DocxHeader(appendix_number=doc.doc("appendix_number", lang, "I"),
                                title=post_reform(doc.doc("appendix_title", lang)), document_ref=ref,
                                unit_line=line, illustrative=bool(getattr(ds, "illustrative", False)),
                                charts=[(png, cap) for png, cap, _ in chart_list])
            written.append(write_docx(built, stem.with_suffix(".docx"), header, lang=lang))
        if "xlsx" in formats:
            written.append(write_xlsx(built, stem.with_suffix(".xlsx"), lang=lang,
                                      sources=_sources(ds, settings, lang)))
    return written
