"""`ctxh-plan track`: theo dõi thực hiện kế hoạch một kỳ / where each unit stands in a reporting period."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ctxh_plan.errors import UsageError

__all__ = ["add_parser", "open_and_track", "run"]

_HELP = "theo dõi thực hiện kế hoạch một kỳ / track the adopted plan for a period"

_DESCRIPTION = """\
Theo dõi thực hiện kế hoạch 2026–2030 trong một kỳ báo cáo: in tình hình nhận báo cáo (đủ, đúng hạn), rồi
với mỗi đơn vị và chỉ tiêu: số thực hiện, cùng kỳ năm trước và mức tăng/giảm, ước cả năm, mốc lộ trình và
đánh giá (đúng lộ trình / có nguy cơ / chậm, xác suất theo mô hình dự báo), chỉ tiêu 2030, xu hướng. Dòng
toàn tỉnh tổng hợp từ các đơn vị (tổng tử số / tổng mẫu số) và đối chiếu với số tỉnh tự báo cáo.

Track the adopted plan in a period: who reported and on time, then per unit and indicator the value, the
same period last year and the change, the year-end estimate, the milestone and the status with its
probability, the 2030 target and the trend; the province row is aggregated from the units.

Example / ví dụ:
  ctxh-plan track --data data/quang_ninh_2026 --period 2026-H1 -o tracking_2026-H1.xlsx
"""


def add_parser(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    p = subparsers.add_parser("track", help=_HELP, description=_DESCRIPTION,
                              formatter_class=argparse.RawDescriptionHelpFormatter)
    add_tracking_arguments(p)
    p.add_argument("-o", "--output", default=None, metavar="FILE",
                   help="bảng theo dõi / tracking workbook (.xlsx) or frame (.csv)")
    p.set_defaults(func=run)
    return p


def add_tracking_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--data", default="data/quang_ninh_2026", metavar="DIR",
                   help="thư mục theo dõi (tracking.yaml) / tracking folder (default: data/quang_ninh_2026)")
    p.add_argument("--plan", default=None, metavar="FILE",
                   help="tệp chỉ tiêu đã ban hành (mặc định theo tracking.yaml) / adopted-targets file")
    p.add_argument("--period", required=True, metavar="PERIOD", help="kỳ báo cáo: 2026-H1, 2026-9M, 2026")
    p.add_argument("--received", default=None, metavar="DIR",
                   help="thư mục biểu mẫu đã nhận (mặc định received/<kỳ>) / folder of forms received")


def open_and_track(args: argparse.Namespace):
    """Open the tracking folder and track ``args.period`` (shared by `track` and `report`)."""
    from ctxh_plan.errors import ParameterError
    from ctxh_plan.tracking.periods import parse_period
    from ctxh_plan.tracking.run import open_tracking, run_tracking

    try:
        period = parse_period(args.period)
    except ParameterError as exc:
        raise UsageError(f"--period {args.period!r}: {exc.problem} — fix: {exc.fix}") from None
    ctx = open_tracking(args.data, plan=args.plan)
    return ctx, run_tracking(ctx, period, received=args.received)


def run(args: argparse.Namespace) -> int:
    from ctxh_plan.tracking.output import format_tracking
    from ctxh_plan.tracking.submissions import format_submissions

    lang = getattr(args, "lang", "vi")
    out = Path(args.output) if args.output else None
    if out is not None and out.suffix.lower() not in (".xlsx", ".csv"):
        raise UsageError(f"-o {out}: unknown format {out.suffix!r} — fix: use .xlsx or .csv")
    ctx, run_ = open_and_track(args)
    tr = run_.tracking
    print(format_submissions(tr.submissions, lang))
    print()
    print(format_tracking(tr, ctx.history.catalog, lang))
    from ctxh_plan.commands.collect import print_problems

    print_problems(tr.problems, lang)
    if out is not None:
        from ctxh_plan.tracking.output import write_tracking

        write_tracking(tr, out, catalog=ctx.history.catalog, lang=lang)
        print(f"→ {out}", file=sys.stdout)
    return 0
