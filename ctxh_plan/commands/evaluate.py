"""`ctxh-plan evaluate`: đánh giá kết quả thực hiện chỉ tiêu 2021–2025 / evaluate 2021–2025 achievement."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from ctxh_plan.errors import CtxhError, ParameterError, UsageError

__all__ = ["add_parser", "run"]

_HELP = "đánh giá thực hiện chỉ tiêu giai đoạn / evaluate achievement of the period's targets"

_DESCRIPTION = """\
Đánh giá kết quả thực hiện chỉ tiêu (Đạt / Vượt / Chưa đạt / Chưa kết luận được / Không đủ số liệu)
cho từng đơn vị và toàn tỉnh, kèm các phương pháp Open SDG, UNSD, ESCAP, AARR.
Evaluate each unit's and the province's achievement of the period's targets, with the
Open SDG, UNSD, ESCAP and AARR progress methods. One row per (unit, indicator).

Example / ví dụ:
  ctxh-plan evaluate --data data/quang_ninh --period 2021-2025 --baseline 2020 -o evaluation.xlsx
"""


def add_parser(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    p = subparsers.add_parser("evaluate", help=_HELP, description=_DESCRIPTION,
                              formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--data", metavar="DIR", default=None,
                   help="thư mục dữ liệu / dataset folder (default: the embedded data/quang_ninh)")
    p.add_argument("--period", default="2021-2025",
                   help="giai đoạn đánh giá / period, e.g. 2021-2025 (targets of the end year are used)")
    p.add_argument("--baseline", type=int, default=2020, metavar="YEAR",
                   help="năm gốc / baseline year (default 2020; the nearest year is used and noted if missing)")
    p.add_argument("--units", default=None, metavar="CODES",
                   help="chỉ các đơn vị này / only these unit codes, comma-separated, e.g. 193,194")
    p.add_argument("--pool", type=int, default=None, metavar="N",
                   help="gộp N năm cho số nhỏ / pool N years for small counts (e.g. 3: 2023–2025 vs 2019–2021)")
    p.add_argument("-o", "--output", required=True, metavar="FILE",
                   help="tệp kết quả / output file, .csv or .xlsx")
    p.set_defaults(func=run)
    return p


def _load(data: str | None):
    try:
        from ctxh_plan.data.dataset import load_dataset
    except ModuleNotFoundError as exc:
        if exc.name and exc.name.endswith("ctxh_plan.data.dataset"):
            raise CtxhError("the dataset loader (ctxh_plan.data.dataset) is not installed in this version — "
                            "fix: update ctxh_plan") from None
        raise
    from ctxh_plan.paths import default_dataset, resolve

    path = resolve(data) if data else default_dataset()
    if not path.exists():
        raise UsageError(f"--data {path}: folder not found — fix: give the folder holding observations and targets")
    return load_dataset(path)


def _xlsx_writer(consistency: Any) -> Any:
    """Writer of two sheets: the evaluation and the reported-vs-aggregated consistency table."""

    def write(frame: Any, tmp: Path) -> None:
        from ctxh_plan.io.atomic import write_excel

        with write_excel(tmp) as xw:
            frame.to_excel(xw, index=False, sheet_name="danh_gia")
            consistency.to_excel(xw, index=False, sheet_name="doi_chieu_tong_hop")

    return write


def _why_empty(ds: Any, period: tuple[int, int]) -> str:
    """Why an evaluation has no row: no target for the period's end year, or no figure in the period."""
    targets = ds.targets
    years = sorted({int(y) for y in targets["target_year"].dropna()}) if len(targets) else []
    obs = ds.observations
    seen = sorted({int(y) for y in obs["year"].dropna()}) if len(obs) else []
    parts = []
    if period[1] not in years:
        parts.append(f"không có mục tiêu cho năm {period[1]} / no target for {period[1]} (targets: "
                     f"{', '.join(map(str, years)) or 'none'})")
    if not any(period[0] <= y <= period[1] for y in seen):
        span = f"{seen[0]}–{seen[-1]}" if seen else "none"
        parts.append(f"không có số liệu trong {period[0]}–{period[1]} / no figure in {period[0]}–{period[1]} "
                     f"(data: {span})")
    reason = "; ".join(parts) or "không có chỉ tiêu nào có mục tiêu cho các đơn vị đã chọn / no indicator with a " \
                                 "target for the selected units"
    return f"0 dòng / 0 rows: {reason} — fix: chọn giai đoạn khác / choose another --period, e.g. 2021-2025"


def run(args: argparse.Namespace) -> int:
    from ctxh_plan.evaluate import evaluate_dataset, parse_period
    from ctxh_plan.io.atomic import write_frame

    out = Path(args.output)
    if out.suffix.lower() not in (".csv", ".xlsx"):
        raise UsageError(f"-o {out}: unknown format {out.suffix!r} — fix: use a .csv or .xlsx file name")
    try:
        period = parse_period(args.period)
    except ParameterError as exc:
        raise UsageError(f"--period {args.period!r}: {exc.problem} — fix: {exc.fix}") from None
    for name, year in (("--period", period[0]), ("--period", period[1]), ("--baseline", args.baseline)):
        if not 1990 <= year <= 2100:
            raise UsageError(f"{name}: year {year} is outside 1990–2100 — fix: e.g. --period 2021-2025 --baseline 2020")
    if args.baseline > period[1]:
        raise UsageError(f"--baseline {args.baseline} is after the end of --period {args.period} — fix: a base year "
                         f"before the period, e.g. {period[0] - 1}")
    units = [u.strip() for u in args.units.split(",") if u.strip()] if args.units else None
    ds = _load(args.data)
    result = evaluate_dataset(ds, period=period, baseline_year=args.baseline, units=units, pool=args.pool)
    frame = result.table
    write_frame(frame, out, sheet_name="danh_gia", excel_writer=_xlsx_writer(result.consistency))
    if not len(frame):
        print(_why_empty(ds, period), file=sys.stderr)
    counts = frame["attainment"].value_counts().to_dict()
    lang = getattr(args, "lang", "vi")
    from ctxh_plan.vocab import Attainment

    summary = ", ".join(f"{Attainment(k).label(lang)}: {v}" for k, v in counts.items())
    illus = " (dữ liệu minh họa)" if bool(frame["illustrative"].any()) else ""
    print(f"{len(frame)} dòng / rows → {out}{illus}. {summary}", file=sys.stdout)
    return 0
