"""`ctxh-plan form`: biểu mẫu Excel cho từng đơn vị / the Excel form each unit fills in for a period."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ctxh_plan.errors import UsageError

__all__ = ["add_parser", "parse_units", "run"]

_HELP = "biểu mẫu báo cáo Excel cho từng đơn vị / write each unit's Excel form for a period"

_DESCRIPTION = """\
Ghi biểu mẫu Excel mỗi đơn vị điền cho kỳ báo cáo: chỉ tiêu theo tên tiếng Việt và nhóm, đơn vị tính,
số liệu cùng kỳ năm trước để tham khảo, ô số có kiểm tra dữ liệu, cột mã được khóa, đơn vị và kỳ ở tiêu đề.
Write the Excel form each unit fills in for the period (one file per unit: <code>_<period>.xlsx).

Example / ví dụ:
  ctxh-plan form --data data/quang_ninh_2026 --units all --period 2026-H1 -o forms/2026-H1
"""


def add_parser(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    p = subparsers.add_parser("form", help=_HELP, description=_DESCRIPTION,
                              formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--data", default="data/quang_ninh_2026", metavar="DIR",
                   help="thư mục theo dõi (tracking.yaml) / tracking folder (default: data/quang_ninh_2026)")
    p.add_argument("--plan", default=None, metavar="FILE", help="tệp chỉ tiêu đã ban hành / adopted-targets file")
    p.add_argument("--units", default="all", metavar="CODES",
                   help="mã đơn vị, cách nhau bởi dấu phẩy, hoặc all / unit codes or all (default all)")
    p.add_argument("--period", required=True, metavar="PERIOD", help="kỳ báo cáo: 2026-H1, 2026-9M, 2026")
    p.add_argument("-o", "--output", required=True, metavar="DIR", help="thư mục ghi biểu mẫu / output folder")
    p.set_defaults(func=run)
    return p


def parse_units(text: str, known: list[str]) -> list[str]:
    """``all`` or comma/space separated codes; unknown codes are a usage error naming them."""
    if text.strip().lower() in ("all", "tất cả", "tat ca"):
        return list(known)
    codes = [c.strip() for part in text.split(",") for c in part.split() if c.strip()]
    unknown = [c for c in codes if c not in known]
    if unknown or not codes:
        raise UsageError(f"--units {text!r}: unknown unit code(s) {unknown} — fix: use all or codes such as "
                         f"{', '.join(known[:4])}")
    return codes


def run(args: argparse.Namespace) -> int:
    from ctxh_plan.errors import ParameterError
    from ctxh_plan.tracking.forms import write_forms
    from ctxh_plan.tracking.periods import parse_period
    from ctxh_plan.tracking.run import open_tracking

    try:
        period = parse_period(args.period)
    except ParameterError as exc:
        raise UsageError(f"--period {args.period!r}: {exc.problem} — fix: {exc.fix}") from None
    ctx = open_tracking(args.data, plan=args.plan)
    out = Path(args.output)
    received = ctx.folder.received
    if received is not None and (out.resolve() == received.resolve() or received.resolve() in out.resolve().parents):
        raise UsageError(f"-o {out}: is the folder of received (filled) forms — fix: write blank forms elsewhere")
    units = parse_units(args.units, ctx.units)
    paths = write_forms(out, units=units, period=period, catalog=ctx.history.catalog, unit_names=ctx.unit_names(),
                        plan=ctx.plan.plan, history=ctx.history.observations, calendar=ctx.calendar,
                        province_code=str(ctx.history.province_code), illustrative=ctx.illustrative,
                        document="; ".join(ctx.plan.documents()), province_extra=ctx.folder.province_form)
    due = ctx.calendar.due_date(period)
    illus = " (dữ liệu minh họa)" if ctx.illustrative else ""
    print(f"{len(paths)} biểu mẫu kỳ {period} / forms{illus}; hạn gửi / due "
          f"{due:%d/%m/%Y}" if due else f"{len(paths)} biểu mẫu kỳ {period} / forms{illus}", file=sys.stdout)
    for p in paths[:5]:
        print(f"→ {p}")
    if len(paths) > 5:
        print(f"→ … {len(paths) - 5} more in {out}")
    return 0
