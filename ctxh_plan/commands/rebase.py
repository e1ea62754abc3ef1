"""`ctxh-plan rebase` — move 2021–2025 history onto the units of 1 July 2025.

Writes a dataset folder the other commands accept: ``observations.csv`` (tidy),
``targets.csv`` (national and province scope kept), ``units.csv`` (units valid on
``--to``), ``crosswalk.csv`` (old_code, new_code, weight, weight_source),
``rebase_skipped.csv`` (rows not re-based and why) and ``dataset.yaml``.
"""
from __future__ import annotations

import argparse
import logging
import math
import re
from pathlib import Path
from typing import Any

from ctxh_plan.data.frames import CROSSWALK_COLUMNS

__all__ = ["add_parser", "format_cell", "run", "write_rebased_dataset"]

log = logging.getLogger(__name__)

_HELP = "quy đổi số liệu 2021–2025 về đơn vị hành chính mới / re-base history onto the 2025 units"
_DESCRIPTION = """\
Quy đổi số liệu của các huyện, xã cũ (đến 30/6/2025) về các đơn vị cấp xã mới
(từ 1/7/2025) theo bảng chuyển đổi chính thức, có trọng số.
Re-base figures of the former districts/communes onto the new commune-level units
along the official conversion table, with weights. Totals are kept exactly.

Weights file (--weights, CSV): old_code,new_code,weight  or  old_code,new_code,child_population
(a row with an empty new_code gives a former commune's child population).
Without it split communes use equal shares — the weight source is named in crosswalk.csv.
"""


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    p = subparsers.add_parser("rebase", help=_HELP, description=_DESCRIPTION,
                              formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--data", default=None, metavar="DIR",
                   help="thư mục dữ liệu nguồn / source dataset folder (default: data/quang_ninh)")
    p.add_argument("--to", default="2025-07-01", metavar="YYYY-MM-DD",
                   help="ngày của đơn vị mới / date of the new units (default: 2025-07-01)")
    p.add_argument("--weights", default=None, metavar="FILE",
                   help="tệp trọng số / weights file (old_code,new_code,weight or child_population)")
    p.add_argument("--counts", choices=("integer", "fractional"), default="integer",
                   help="số đếm: số nguyên (phần dư lớn nhất) hoặc số lẻ / integer counts by largest remainder "
                        "(default) or fractional parts")
    p.add_argument("--catalog", default=None, metavar="FILE",
                   help="danh mục chỉ tiêu / indicator catalogue (default: params/indicators.yaml)")
    p.add_argument("-o", "--out", required=True, metavar="DIR",
                   help="thư mục kết quả / output dataset folder")
    p.set_defaults(func=run)
    return p


def format_cell(value: Any) -> str:
    """Text for a number in an output CSV that no reader can misread.

    Integral values are written without decimals (``12``); others keep full
    precision, and a decimal part of exactly three digits gets a trailing ``0``
    (``12.1250``) so that a Vietnamese-aware reader never takes ``.`` for a
    thousands separator. NaN/None → empty.
    """
    if value is None:
        return ""
    try:
        f = float(value)
    except (TypeError, ValueError):
        return str(value)
    if math.isnan(f):
        return ""
    if f.is_integer() and abs(f) < 1e15:
        return str(int(f))
    text = repr(f)
    if re.fullmatch(r"-?\d+\.\d{3}", text):
        text += "0"
    return text


def _read_source(data_dir: Path, catalog_path: str | None) -> dict:
    """Observations, targets, catalogue and metadata of a dataset folder (validated by load_dataset)."""
    from ctxh_plan.data.catalog import load_catalog
    from ctxh_plan.data.dataset import load_dataset
    from ctxh_plan.io.layout import read_dataset_meta

    ds = load_dataset(data_dir, catalog=load_catalog(catalog_path) if catalog_path else None)
    return {"observations": ds.observations, "targets": _read_own_targets(data_dir), "catalog": ds.catalog,
            "province": str(ds.province_code), "illustrative": bool(ds.illustrative),
            "meta": read_dataset_meta(data_dir), "dataset": ds}


def _read_own_targets(data_dir: Path) -> Any:
    """The folder's own targets.csv as text cells (copied, not re-interpreted), or None."""
    from ctxh_plan.io.csvfile import read_csv_table

    p = data_dir / "targets.csv"
    if not p.exists():
        return None
    return read_csv_table(p).frame().drop(columns="_row")


def write_rebased_dataset(result: Any, out_dir: Path, *, targets: Any, meta: dict, source: Path,
                          weights: str | None, counts: str, illustrative: bool, province: str) -> list[Path]:
    """Write the re-based dataset folder atomically; returns the files written."""
    import yaml

    import ctxh_plan.rebase as rb
    from ctxh_plan.io.atomic import write_frame, write_text

    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    obs = result.observations.copy()
    for col in ("value", "numerator", "denominator"):
        obs[col] = obs[col].map(format_cell)
    written.append(write_frame(obs, out_dir / "observations.csv"))
    dropped = 0
    if targets is not None:
        kept, drop = rb.rebase_targets(targets, province)
        dropped = len(drop)
        written.append(write_frame(kept, out_dir / "targets.csv"))
    cw = result.crosswalk.copy()
    cw["weight"] = cw["weight"].map(format_cell)
    cols = list(CROSSWALK_COLUMNS)
    written.append(write_frame(cw[cols], out_dir / "crosswalk.csv"))
    written.append(write_frame(result.units.frame, out_dir / "units.csv"))
    written.append(write_frame(result.skipped, out_dir / "rebase_skipped.csv"))
    doc = {k: v for k, v in meta.items() if k not in ("rebased", "units_as_of", "province_code")}
    doc.update({
        "province": province,
        "title": f"{meta.get('title') or source.name} — quy đổi về đơn vị từ {result.to} (re-based)",
        "illustrative": bool(illustrative),
        "units_as_of": result.to,
        "rebased": {
            "to": result.to,
            "from": str(source),
            "weights": str(weights) if weights else None,
            "weight_sources": result.weight_sources,
            "counts": counts,
            "crosswalk": "crosswalk.csv",
            "units": "units.csv",
            "new_units": len(result.units.codes(level="commune")),
            "rows": len(result.observations),
            "skipped_rows": len(result.skipped),
            "skipped_file": "rebase_skipped.csv",
            "district_targets_dropped": dropped,
        },
    })
    if illustrative:
        doc["note"] = ("DỮ LIỆU MINH HỌA (illustrative data), quy đổi về đơn vị mới / re-based. "
                       + str(meta.get("note", ""))).strip()
    written.append(write_text(out_dir / "dataset.yaml", yaml.safe_dump(doc, allow_unicode=True, sort_keys=False)))
    return written


def run(args: argparse.Namespace) -> int:
    from ctxh_plan.paths import default_dataset, resolve
    from ctxh_plan.rebase import rebase_frames

    data_dir = resolve(args.data) if args.data else default_dataset()
    if not data_dir.is_dir():
        from ctxh_plan.errors import UsageError

        raise UsageError(f"--data {args.data}: not a folder — fix: give the dataset folder (e.g. data/quang_ninh)")
    out_dir = resolve(args.out, base=Path.cwd())
    if out_dir.resolve() == data_dir.resolve():
        from ctxh_plan.errors import UsageError

        raise UsageError("-o must differ from --data — fix: write the re-based dataset to a new folder")
    from ctxh_plan.rebase.dataset import check_rebase_date

    check_rebase_date(args.to)  # before the dataset is read and checked
    src = _read_source(data_dir, args.catalog)
    weights = str(resolve(args.weights)) if args.weights else None
    res = rebase_frames(src["observations"], src["catalog"], province=src["province"], to=args.to,
                        weights=weights, counts=args.counts)
    files = write_rebased_dataset(res, out_dir, targets=src["targets"], meta=src["meta"], source=data_dir,
                                  weights=weights, counts=args.counts, illustrative=src["illustrative"],
                                  province=src["province"])
    n_units = res.observations["unit_code"].nunique()
    print(f"Đã quy đổi {len(res.observations)} dòng về {n_units} đơn vị (từ {res.to}); "
          f"bỏ qua {len(res.skipped)} dòng — xem rebase_skipped.csv.\n"
          f"Re-based {len(res.observations)} rows onto {n_units} units; {len(res.skipped)} skipped. "
          f"Weights: {', '.join(res.weight_sources)}.")
    if src["illustrative"]:
        print("Lưu ý: dữ liệu minh họa / illustrative data.")
    for f in files:
        print(f"  {f}")
    return 0
