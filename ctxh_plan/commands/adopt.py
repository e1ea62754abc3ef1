"""`ctxh-plan adopt`: đề xuất (đã sửa trong Excel) → kế hoạch đã ban hành / proposals → the adopted plan."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ctxh_plan.data.frames import frame_records
from ctxh_plan.errors import UsageError

__all__ = ["add_parser", "run"]

_HELP = "ban hành kế hoạch: đề xuất → chỉ tiêu đã ban hành / turn proposals into the adopted plan"

_DESCRIPTION = """\
Chuyển đề xuất chỉ tiêu 2026–2030 (kết quả `ctxh-plan project`, có thể đã sửa trong Excel) thành tệp
chỉ tiêu đã ban hành: mỗi đơn vị, chỉ tiêu có chỉ tiêu 2030, mốc lộ trình 2026–2030, điều kiện, văn bản
quyết định (số, ngày) và người/cơ quan đặt. Tệp được kiểm tra như mọi tệp mục tiêu. Với --proposal (bản
đề xuất gốc), in các giá trị đã sửa; chỉ tiêu 2030 yếu hơn mức tối thiểu quốc gia luôn được cảnh báo và
ghi vào cột ghi chú.

Turn the 2026–2030 proposals (`ctxh-plan project` output, possibly edited in Excel) into the adopted-targets
file (a targets file: one row per unit, indicator and year 2026–2030, with the deciding document and who set
the value). With --proposal (the proposal as produced) the changed values are listed; a 2030 target weaker
than the national floor is always warned about and recorded in the note column.

Example / ví dụ:
  ctxh-plan adopt data/quang_ninh_2026/de_xuat_chi_tieu_da_sua.xlsx \\
      --proposal data/quang_ninh_2026/de_xuat_chi_tieu.xlsx \\
      --document 25/QĐ-UBND --date 2026-01-20 --set-by "UBND tỉnh Quảng Ninh" -o adopted_targets.csv
"""


def add_parser(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    p = subparsers.add_parser("adopt", help=_HELP, description=_DESCRIPTION,
                              formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("proposals", metavar="PROPOSALS",
                   help="đề xuất (.xlsx của `project`, trang targets; hoặc _targets.csv) / proposals file")
    p.add_argument("--proposal", default=None, metavar="FILE",
                   help="bản đề xuất gốc để so sánh / the proposal as produced, to list what changed")
    p.add_argument("--document", default="", metavar="NUMBER", help="số văn bản quyết định, vd 25/QĐ-UBND")
    p.add_argument("--date", default="", metavar="YYYY-MM-DD", help="ngày ban hành / date of the document")
    p.add_argument("--set-by", default="", metavar="WHO",
                   help="người/cơ quan đặt các giá trị đã sửa / who set the changed values")
    p.add_argument("--province", default="22", metavar="CODE", help="mã tỉnh / province code (default 22)")
    p.add_argument("--as-of", default="2025-07-01", metavar="YYYY-MM-DD",
                   help="đơn vị hành chính tại ngày / units valid on this day (default 2025-07-01)")
    p.add_argument("--diff", default=None, metavar="FILE", help="ghi bảng so sánh / write the diff (.csv/.xlsx)")
    p.add_argument("-o", "--output", required=True, metavar="FILE", help="tệp chỉ tiêu đã ban hành (.csv)")
    p.set_defaults(func=run)
    return p


def _same(a: Path, b: Path) -> bool:
    return a.resolve() == b.resolve()


def run(args: argparse.Namespace) -> int:
    from ctxh_plan.data.catalog import load_catalog
    from ctxh_plan.data.units import load_units
    from ctxh_plan.paths import resolve
    from ctxh_plan.tracking.adopt import adopt_proposals, read_proposals, write_adoption

    src = resolve(args.proposals)
    out = Path(args.output)
    if not src.exists():
        raise UsageError(f"PROPOSALS {src}: file not found — fix: give the workbook written by `ctxh-plan project`")
    inputs = [src] + ([resolve(args.proposal)] if args.proposal else [])
    for p in inputs + ([Path(args.diff)] if args.diff else []):
        if p.exists() and _same(p, out):
            raise UsageError(f"-o {out}: is an input — fix: write the adopted plan to a new file")
    if args.diff and any(p.exists() and _same(p, Path(args.diff)) for p in inputs):
        raise UsageError(f"--diff {args.diff}: is an input — fix: choose another file")
    if out.suffix.lower() != ".csv":
        raise UsageError(f"-o {out}: the adopted-targets file is a CSV — fix: e.g. -o adopted_targets.csv")
    cat = load_catalog()
    units = load_units(args.province, as_of=args.as_of)
    original = read_proposals(inputs[1]) if args.proposal else None
    adoption = adopt_proposals(read_proposals(src), catalog=cat, units=units, document_number=args.document,
                               document_date=args.date, set_by=args.set_by, original=original,
                               lang=getattr(args, "lang", "vi"))
    errs = adoption.problems[adoption.problems["severity"] == "error"]
    if len(errs):
        print(f"{len(errs)} lỗi trong đề xuất; chưa ghi tệp / error(s) in the proposals; nothing written:",
              file=sys.stderr)
        for r in frame_records(errs.head(20)):
            print(f"  {r['file']} dòng/row {r['row']} cột/column {r['column']} '{r['value']}': {r['problem']} — "
                  f"{r['fix']}", file=sys.stderr)
        return 1
    written = write_adoption(adoption, out, diff_path=args.diff)
    plan = adoption.plan
    print(f"Đã ban hành / adopted: {len(plan)} chỉ tiêu của {plan['unit_code'].nunique()} đơn vị "
          f"({len(adoption.targets)} dòng mốc và chỉ tiêu 2030) → {written[0]}")
    d = adoption.diff
    changed = d[d["severity"] == "info"]
    if original is not None:
        print(f"So với đề xuất / against the proposal: {len(changed)} giá trị thay đổi / changed values")
        for r in frame_records(changed.head(30)):
            print(f"  {r['unit_code']} {r['indicator_code']} {r['field']}: {_fmt(r['proposed'])} → {_fmt(r['adopted'])}"
                  f" ({r['set_by']}) — {r['message']}")
        if len(changed) > 30:
            print(f"  … {len(changed) - 30} more (--diff FILE writes them all)")
    for w in adoption.warnings:
        print(f"CẢNH BÁO / WARNING: {w}", file=sys.stderr)
    if len(written) > 1:
        print(f"→ {written[1]}")
    return 0


def _fmt(v) -> str:
    from ctxh_plan.data.numbers import format_number

    try:
        return format_number(float(v), None, "vi")
    except (TypeError, ValueError):
        return str(v)
