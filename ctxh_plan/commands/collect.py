"""`ctxh-plan collect`: thư mục biểu mẫu đã nhận → số liệu / a folder of filled forms → observations."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ctxh_plan.data.frames import frame_records
from ctxh_plan.errors import UsageError

__all__ = ["add_parser", "print_problems", "run"]

_HELP = "đọc biểu mẫu đã nhận thành số liệu / read the filled forms of a period into observations"

_DESCRIPTION = """\
Đọc mọi tệp .xlsx của thư mục biểu mẫu đã nhận cho một kỳ (biểu mẫu của `ctxh-plan form`, hoặc bảng tự
lập chỉ có tên chỉ tiêu: tên được đối chiếu với danh mục, không đoán), kiểm tra như mọi tệp số liệu, in
tình hình nhận báo cáo (đủ, đúng hạn) và ghi số liệu dạng bảng dọc (observations).
Read every .xlsx of a folder of forms received for a period (forms of `ctxh-plan form`, or sheets with
indicator names only — matched to the catalogue, never guessed), check them like any data file, print who
reported (completeness, timeliness) and write the observations (tidy CSV, or .xlsx with the submission
table and the problems).

Example / ví dụ:
  ctxh-plan collect data/quang_ninh_2026/received/2026-H1 --period 2026-H1 -o observations_2026-H1.csv
"""


def add_parser(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    p = subparsers.add_parser("collect", help=_HELP, description=_DESCRIPTION,
                              formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("folder", metavar="FOLDER", help="thư mục biểu mẫu đã nhận / folder of received forms")
    p.add_argument("--period", required=True, metavar="PERIOD", help="kỳ báo cáo: 2026-H1, 2026-9M, 2026")
    p.add_argument("--data", default="data/quang_ninh_2026", metavar="DIR",
                   help="thư mục theo dõi (đơn vị, kế hoạch, lịch) / tracking folder (default: data/quang_ninh_2026)")
    p.add_argument("--strict", action="store_true", help="mã thoát 1 khi có lỗi / exit 1 when a row has an error")
    p.add_argument("-o", "--output", required=True, metavar="FILE", help="số liệu / observations (.csv or .xlsx)")
    p.set_defaults(func=run)
    return p


def print_problems(problems, lang: str = "vi", limit: int = 15) -> None:
    """The problems of the forms, one line each (file name, row, value, problem, fix)."""
    if not len(problems):
        return
    print(f"{len(problems)} vấn đề trong biểu mẫu / problems in the forms:", file=sys.stderr)
    for r in frame_records(problems.head(limit)):
        where = Path(str(r["file"])).name + (f" dòng/row {r['row']}" if str(r["row"]) not in ("", "None", "<NA>")
                                             else "")
        print(f"  [{r['severity']}] {where}: '{r['value']}' — {r['problem']} — {r['fix']}", file=sys.stderr)
    if len(problems) > limit:
        print(f"  … {len(problems) - limit} more", file=sys.stderr)


def run(args: argparse.Namespace) -> int:
    from ctxh_plan.errors import ParameterError
    from ctxh_plan.io.atomic import atomic_path, write_frame
    from ctxh_plan.paths import resolve
    from ctxh_plan.tracking.forms import collect_forms
    from ctxh_plan.tracking.periods import parse_period
    from ctxh_plan.tracking.run import open_tracking
    from ctxh_plan.tracking.submissions import format_submissions, submission_table

    try:
        period = parse_period(args.period)
    except ParameterError as exc:
        raise UsageError(f"--period {args.period!r}: {exc.problem} — fix: {exc.fix}") from None
    folder = resolve(args.folder)
    out = Path(args.output)
    if out.suffix.lower() not in (".csv", ".xlsx"):
        raise UsageError(f"-o {out}: unknown format {out.suffix!r} — fix: use .csv or .xlsx")
    if out.resolve().parent == folder.resolve() and out.suffix.lower() == ".xlsx":
        raise UsageError(f"-o {out}: inside the folder of forms it reads — fix: write it elsewhere")
    ctx = open_tracking(args.data)
    lang = getattr(args, "lang", "vi")
    expected = ctx.expected(period)
    coll = collect_forms(folder, period, catalog=ctx.history.catalog, units=ctx.history.units, lang=lang,
                         expected=expected)
    subs = submission_table(coll, units=ctx.units, unit_names=ctx.unit_names(), calendar=ctx.calendar,
                            expected=expected)
    print(format_submissions(subs, lang))
    obs = coll.observations.copy()
    if ctx.illustrative:
        obs["flag"] = [";".join(x for x in (f, "illustrative") if x) for f in obs["flag"]]
    if out.suffix.lower() == ".csv":
        write_frame(obs, out)  # formula-like text stays text (io.cells)
    else:
        import pandas as pd
        from openpyxl import Workbook

        from ctxh_plan.tracking.output import write_frame_xlsx

        wb = Workbook()
        wb.remove(wb.active)
        note = "DỮ LIỆU MINH HỌA — illustrative data" if ctx.illustrative else ""
        write_frame_xlsx(wb, obs, "so_lieu", lang, header_note=note)
        write_frame_xlsx(wb, subs, "nop_bao_cao", lang, header_note=note)
        write_frame_xlsx(wb, coll.problems if len(coll.problems) else pd.DataFrame(columns=["file"]), "van_de", lang)
        with atomic_path(out) as tmp:
            wb.save(tmp)
    print_problems(coll.problems, lang)
    illus = " (dữ liệu minh họa)" if ctx.illustrative else ""
    print(f"{len(obs)} dòng số liệu kỳ {period} / observation rows{illus} → {out}")
    n_err = int((coll.problems["severity"] == "error").sum()) if len(coll.problems) else 0
    return 1 if (args.strict and n_err) else 0
