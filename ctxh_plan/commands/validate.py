"""`ctxh-plan validate PATH...` — check input files and print every problem found.

Exit code 0 when there is no error (warnings are fine), 1 when there is at
least one error, 2 on usage errors (e.g. a path that does not exist).
"""
from __future__ import annotations

import argparse
import re
import sys
from typing import Any

from ctxh_plan.data.frames import frame_records

__all__ = ["add_parser", "render_problems", "run"]

_HELP = """\
Kiểm tra tệp số liệu (CSV/Excel) hoặc thư mục bộ số liệu và liệt kê mọi vấn đề.
Check data files (CSV/Excel) or dataset folders and list every problem.

Mã thoát / exit code: 0 không có lỗi (có thể có cảnh báo) / no errors (warnings allowed);
1 có lỗi / errors found; 2 dùng sai lệnh / usage error.
"""


def _years(text: str) -> tuple[int, int]:
    m = re.fullmatch(r"\s*(\d{4})\s*[-–:]\s*(\d{4})\s*", text)
    if not m or int(m.group(1)) > int(m.group(2)):
        raise argparse.ArgumentTypeError(f"{text!r}: write FIRST-LAST, e.g. 2000-2035")
    return int(m.group(1)), int(m.group(2))


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    p = subparsers.add_parser("validate", help="kiểm tra số liệu đầu vào / check input data",
                              description=_HELP, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("paths", nargs="+", metavar="PATH",
                   help="thư mục bộ số liệu hoặc tệp .csv/.xlsx / dataset folder or .csv/.xlsx files")
    p.add_argument("--report", metavar="FILE",
                   help="ghi bảng vấn đề ra .csv hoặc .xlsx / write the problems table to .csv or .xlsx")
    p.add_argument("--catalog", metavar="YAML",
                   help="danh mục chỉ tiêu / indicator catalogue (default params/indicators.yaml)")
    p.add_argument("--province", metavar="CODE",
                   help="mã tỉnh / province code (default: dataset.yaml, else 22)")
    p.add_argument("--years", type=_years, default=None, metavar="FIRST-LAST",
                   help="khoảng năm hợp lệ / allowed years (default 2000-2035)")
    p.add_argument("--lang", choices=("vi", "en"), default=argparse.SUPPRESS,
                   help="ngôn ngữ / language (same as the global --lang; also accepted after the verb)")
    p.add_argument("--max-rows", type=int, default=200, metavar="N",
                   help="in tối đa N dòng / print at most N problems (default 200; the report has all)")
    p.set_defaults(func=run)
    return p


def render_problems(problems: Any, lang: str = "vi", max_rows: int | None = None) -> str:
    """The problems table as text with headers and severities in ``lang``."""
    from ctxh_plan.data.frames import PROBLEM_COLUMNS
    from ctxh_plan.io.problems import PROBLEM_HEADERS, SEVERITY_LABELS

    df = problems.copy()
    df["severity"] = df["severity"].map(SEVERITY_LABELS[lang])
    df["row"] = df["row"].astype("string").fillna("")
    df = df.astype(str)
    df["file"] = df["file"].map(lambda f: f if len(f) <= 48 else "…" + f[-47:])
    df.columns = list(PROBLEM_HEADERS[lang])
    order = [PROBLEM_HEADERS[lang][PROBLEM_COLUMNS.index(c)] for c in
             ("severity", "file", "sheet", "row", "column", "value", "problem", "fix")]
    df = df[order]
    shown = df if max_rows is None else df.head(max_rows)
    lines = []
    for rec in frame_records(shown):
        lines.append(" | ".join(f"{k}: {v}" for k, v in rec.items() if v not in ("", "<NA>")))
    if max_rows is not None and len(df) > max_rows:
        more = len(df) - max_rows
        lines.append(f"… và {more} vấn đề nữa (xem --report)" if lang == "vi" else f"… and {more} more (see --report)")
    return "\n".join(lines)


def run(args: argparse.Namespace) -> int:
    from ctxh_plan.data.checks import DEFAULT_YEARS
    from ctxh_plan.data.validation import validate_paths
    from ctxh_plan.errors import UsageError
    from ctxh_plan.io.atomic import write_frame

    lang = getattr(args, "lang", "vi") or "vi"
    if args.report and not args.report.lower().endswith((".csv", ".xlsx")):
        raise UsageError(f"--report {args.report}: dùng tên tệp .csv hoặc .xlsx / use a .csv or .xlsx file name")
    problems = validate_paths(args.paths, catalog=args.catalog, province=args.province,
                              years=args.years or DEFAULT_YEARS, lang=lang)
    n_err = int((problems["severity"] == "error").sum())
    n_warn = len(problems) - n_err
    if len(problems):
        print(render_problems(problems, lang, args.max_rows))
    if args.report:
        write_frame(problems, args.report, sheet_name="problems")
    files = len(args.paths)
    if lang == "vi":
        verdict = "KHÔNG ĐẠT" if n_err else "ĐẠT"
        print(f"Kiểm tra {files} đường dẫn: {n_err} lỗi, {n_warn} cảnh báo — {verdict}"
              + (f"; báo cáo: {args.report}" if args.report else ""))
    else:
        verdict = "FAILED" if n_err else "OK"
        print(f"Checked {files} path(s): {n_err} error(s), {n_warn} warning(s) — {verdict}"
              + (f"; report: {args.report}" if args.report else ""))
    sys.stdout.flush()
    return 1 if n_err else 0
