"""`ctxh-plan report`: dự thảo báo cáo 6 tháng / năm (Word) / the Word draft of the period's report."""
from __future__ import annotations

import argparse
from pathlib import Path

from ctxh_plan.errors import UsageError

__all__ = ["add_parser", "run"]

_HELP = "dự thảo báo cáo kết quả thực hiện công tác trẻ em (Word) / draft the period's report (Word)"

_DESCRIPTION = """\
Dự thảo "Báo cáo kết quả thực hiện công tác trẻ em 6 tháng đầu năm 2026" (hoặc báo cáo năm) theo thể thức
văn bản hành chính: số liệu, so với cùng kỳ, đánh giá so với lộ trình, tình hình nhận báo cáo, nguyên nhân
và giải pháp (từ bảng của cán bộ tổng hợp, hoặc chỗ trống để điền), Biểu 1–3.
Draft the six-month (or annual) report on children in the official document format.

Example / ví dụ:
  ctxh-plan report --data data/quang_ninh_2026 --period 2026-H1 -o bao_cao_2026-H1.docx
"""


def add_parser(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    from ctxh_plan.commands.track import add_tracking_arguments

    p = subparsers.add_parser("report", help=_HELP, description=_DESCRIPTION,
                              formatter_class=argparse.RawDescriptionHelpFormatter)
    add_tracking_arguments(p)
    p.add_argument("-o", "--output", required=True, metavar="FILE", help="tệp Word / output .docx")
    p.set_defaults(func=run)
    return p


def run(args: argparse.Namespace) -> int:
    from ctxh_plan.commands.track import open_and_track
    from ctxh_plan.tracking.report_doc import write_report

    out = Path(args.output)
    if out.suffix.lower() != ".docx":
        raise UsageError(f"-o {out}: the report is a Word file — fix: use a .docx file name")
    ctx, run_ = open_and_track(args)
    tr = run_.tracking
    write_report(tr, out, catalog=ctx.history.catalog, lang=getattr(args, "lang", "vi"), calendar=ctx.calendar)
    a = tr.submissions.summary()
    illus = " (dữ liệu minh họa)" if tr.illustrative else ""
    print(f"Dự thảo báo cáo kỳ {tr.period}{illus}: {a.get('n_received')}/{a.get('n_expected')} đơn vị đã báo cáo, "
          f"{a.get('n_on_time')} đúng hạn → {out}")
    return 0
