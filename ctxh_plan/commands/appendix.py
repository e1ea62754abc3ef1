"""`ctxh-plan appendix`: phụ lục kế hoạch (Word, Excel) / plan appendices in Word and Excel."""
from __future__ import annotations

import argparse
import sys

from ctxh_plan.errors import UsageError

__all__ = ["add_parser", "run"]

_HELP = "viết phụ lục kế hoạch Word/Excel / write the plan appendices (Word, Excel)"

_DESCRIPTION = """\
Viết phụ lục kế hoạch theo thể thức Nghị định 30/2020/NĐ-CP cho tỉnh và từng đơn vị:
Biểu 1 (đánh giá chỉ tiêu 2021–2025), Biểu 2 (đề xuất chỉ tiêu 2026–2030), Biểu 3 (mô hình
và kinh phí, từ params/models/), kèm biểu đồ. Số nhỏ của chỉ tiêu nhạy cảm được ẩn
(params/publish.yaml). Đánh giá và dự báo được tính cho mọi đơn vị để việc ẩn số nhất quán.

Write the plan appendices in the official format for the province and each unit: Table 1
(evaluation 2021–2025), Table 2 (proposed 2026–2030 targets), Table 3 (intervention models and
budget), with charts. Small counts of sensitive indicators are hidden (params/publish.yaml).
Evaluation and projection always cover every unit so that suppression is consistent.

Files: OUTDIR/phu_luc_<unit>.docx|.xlsx (appendix_<unit>.* with --lang en), OUTDIR/charts/<unit>/.

--agency SYT: Biểu 1–2 chỉ gồm các chỉ tiêu do cơ quan đó chủ trì (mã hoặc tên trong danh mục,
params/indicators.yaml → agencies), tệp phu_luc_<unit>_<agency>.* / Tables 1–2 with only the
indicators that agency chairs (code or name from the catalogue's agencies).

Example / ví dụ:
  ctxh-plan appendix --data data/quang_ninh --units 22,193 --format docx,xlsx -o outputs/phu_luc
  ctxh-plan appendix --units 22 --agency "Sở Y tế" -o outputs/phu_luc_syt
"""


def add_parser(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    p = subparsers.add_parser("appendix", help=_HELP, description=_DESCRIPTION,
                              formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--data", metavar="DIR", default=None,
                   help="thư mục dữ liệu / dataset folder (default: the embedded data/quang_ninh)")
    p.add_argument("--units", nargs="+", default=None, metavar="CODE",
                   help="mã đơn vị cần viết phụ lục (cách nhau bởi dấu phẩy hoặc khoảng trắng; mặc định: tỉnh và "
                        "mọi đơn vị) / unit codes to write (default: the province and every unit)")
    p.add_argument("--format", default="docx,xlsx", metavar="LIST",
                   help="docx, xlsx hoặc cả hai / docx, xlsx or both (default docx,xlsx)")
    p.add_argument("--scenario", default=None, metavar="NAME",
                   help="kịch bản cho Biểu 2 / scenario for the proposals (params/scenarios)")
    p.add_argument("--models", default=None, metavar="FILE",
                   help="tệp mô hình can thiệp / models file for Table 3 (default params/models/<province>.yaml)")
    p.add_argument("--publish", default=None, metavar="FILE",
                   help="thiết lập công bố / publishing settings (default params/publish.yaml)")
    p.add_argument("--agency", default=None, metavar="AGENCY",
                   help="chỉ các chỉ tiêu do cơ quan này chủ trì (mã hoặc tên, ví dụ SYT hoặc \"Sở Y tế\") / only "
                        "the indicators this lead agency chairs (code or name)")
    p.add_argument("--no-charts", action="store_true", help="không vẽ biểu đồ / no charts")
    p.add_argument("-o", "--output", required=True, metavar="OUTDIR", help="thư mục kết quả / output folder")
    p.set_defaults(func=run)
    return p


def _split(raw: list[str] | str | None) -> list[str]:
    items = raw if isinstance(raw, list) else [raw or ""]
    return [c.strip() for item in items for c in item.split(",") if c.strip()]


def run(args: argparse.Namespace) -> int:
    from pathlib import Path

    from ctxh_plan.paths import default_dataset, resolve
    from ctxh_plan.present.appendices import FORMATS

    formats = _split(args.format)
    bad = [f for f in formats if f not in FORMATS]
    if bad or not formats:
        raise UsageError(f"--format {args.format!r}: unknown format(s) {bad} — fix: use docx, xlsx or docx,xlsx")
    units = _split(args.units) or None
    path = resolve(args.data) if args.data else default_dataset()
    if not path.exists():
        raise UsageError(f"--data {path}: folder not found — fix: give the folder holding observations and targets")
    from ctxh_plan.data.dataset import load_dataset
    from ctxh_plan.evaluate import evaluate_dataset
    from ctxh_plan.present import load_publish_settings, write_appendices
    from ctxh_plan.targets import project_dataset

    settings = load_publish_settings(args.publish)
    if args.models:  # a wrong models file is refused before the dataset is evaluated and projected
        from ctxh_plan.present.models import load_models

        load_models(args.models)
    ds = load_dataset(path)
    if units:
        unknown = [u for u in units if u not in ds.units]
        if unknown:
            from ctxh_plan.errors import InputError

            raise InputError(f"mã đơn vị không có / unknown unit code(s) {unknown}", column="--units",
                             value=unknown[0], fix=f"dùng / use one of {ds.units.codes()[:15]}")
    agency = None
    if args.agency:
        found = ds.catalog.find_agency(args.agency)
        if found is None:
            known = ", ".join(f"{a.code} ({a.name_vi})" for a in ds.catalog.agencies)
            raise UsageError(f"--agency {args.agency!r}: cơ quan không có trong danh mục / not a lead agency of the "
                             f"catalogue — fix: use one of {known}")
        agency = found.code
    evaluation = evaluate_dataset(ds).table
    projection = project_dataset(ds, scenario=args.scenario, evaluation=evaluation)
    written = write_appendices(ds, evaluation, projection, Path(args.output), units=units, formats=formats,
                               lang=args.lang, settings=settings, models_path=args.models,
                               charts=not args.no_charts, agency=agency)
    illus = " (dữ liệu minh họa)" if getattr(ds, "illustrative", False) else ""
    docs = [p for p in written if p.suffix in (".docx", ".xlsx")]
    print(f"{len(docs)} phụ lục, {len(written) - len(docs)} tệp biểu đồ / appendices, chart files{illus}",
          file=sys.stdout)
    for p in docs:
        print(f"→ {p}", file=sys.stdout)
    return 0
