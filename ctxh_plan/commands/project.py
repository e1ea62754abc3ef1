"""`ctxh-plan project`: dự báo 2026–2030 và đề xuất chỉ tiêu 2030 / forecasts and 2030 target proposals."""
from __future__ import annotations

import argparse
import sys

from ctxh_plan.errors import UsageError

__all__ = ["add_parser", "run"]

_HELP = "dự báo 2026–2030 và đề xuất chỉ tiêu 2030 / forecast to 2030 and propose targets"

_DESCRIPTION = """\
Dự báo từng chỉ tiêu của từng đơn vị đến năm 2030 (kèm khoảng tin cậy 80% và 95%), áp dụng
kịch bản (nếu có) và đề xuất chỉ tiêu 2030 với lộ trình từng năm 2026–2030, khả năng đạt và
cờ "phấn đấu". Chỉ tiêu đề xuất không thấp hơn chỉ tiêu quốc gia/tỉnh và mức năm 2025.

Forecast every indicator of every unit to 2030 (80% and 95% intervals), apply a scenario,
and propose 2030 targets with yearly milestones, the probability of meeting them and a
stretch flag. Proposals are never weaker than the national/provincial floor or the 2025 level.

Output: .xlsx → sheets forecasts, targets (and scenarios); .csv → <name>_forecasts.csv and
<name>_targets.csv (and <name>_scenarios.csv). Settings: params/projection.yaml.

Example / ví dụ:
  ctxh-plan project --data data/quang_ninh --target-year 2030 --scenario accelerated -o projection.xlsx
"""


def add_parser(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    p = subparsers.add_parser("project", help=_HELP, description=_DESCRIPTION,
                              formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--data", metavar="DIR", default=None,
                   help="thư mục dữ liệu / dataset folder (default: the embedded data/quang_ninh)")
    p.add_argument("--target-year", type=int, default=None, metavar="YEAR",
                   help="năm mục tiêu / target year (default from params/projection.yaml: 2030)")
    p.add_argument("--scenario", action="append", default=None, metavar="NAME",
                   help="kịch bản trong params/scenarios (lặp lại để so sánh; kịch bản cuối dùng cho đề xuất) / "
                        "scenario name or .yaml path; repeat to compare, the last one drives the proposals")
    p.add_argument("--units", nargs="+", default=None, metavar="CODE",
                   help="chỉ các đơn vị này / only these unit codes (space or comma separated)")
    p.add_argument("--method", default=None, choices=("auto", "trend", "stretch", "required", "maintain"),
                   help="phương pháp đặt chỉ tiêu / target method (default from params/projection.yaml: auto)")
    p.add_argument("--milestones", default=None, choices=("geometric", "linear"),
                   help="lộ trình / milestone path (default from params/projection.yaml)")
    p.add_argument("--params", default=None, metavar="FILE",
                   help="tệp thiết lập / settings file (default params/projection.yaml)")
    p.add_argument("-o", "--output", required=True, metavar="FILE",
                   help="tệp kết quả / output file, .csv or .xlsx")
    p.set_defaults(func=run)
    return p


def _units(raw: list[str] | None) -> list[str] | None:
    if not raw:
        return None
    codes = [c.strip() for item in raw for c in item.split(",") if c.strip()]
    return codes or None


def run(args: argparse.Namespace) -> int:
    from pathlib import Path

    from ctxh_plan.paths import default_dataset, resolve
    from ctxh_plan.targets import load_scenario, load_settings, project_dataset
    from ctxh_plan.targets.output import output_paths

    out = Path(args.output)
    output_paths(out)  # raises UsageError for an unknown format before any work
    settings = load_settings(args.params, target_year=args.target_year, method=args.method,
                             milestone_path=args.milestones)
    scenarios = [load_scenario(n) for n in args.scenario or []]  # fail fast on a wrong name or file
    path = resolve(args.data) if args.data else default_dataset()
    if not path.exists():
        raise UsageError(f"--data {path}: folder not found — fix: give the folder holding observations and targets")
    from ctxh_plan.data.dataset import load_dataset

    ds = load_dataset(path)
    units = _units(args.units)
    unknown = [c for c in units or () if c not in ds.units]
    if unknown:
        from ctxh_plan.errors import InputError

        raise InputError(f"mã đơn vị không có / unknown unit code(s) {unknown}", column="--units", value=unknown[0],
                         fix=f"dùng / use one of {ds.units.codes()[:15]}")
    # the whole dataset is kept so that the province is rolled up from all its units
    scenario = scenarios[-1] if scenarios else None
    proj = project_dataset(ds, scenario=scenario, compare=scenarios[:-1], units=units,
                           settings=settings)
    written = proj.write(out)
    pr = proj.proposals
    counts = pr["target_method"].value_counts().to_dict()
    illus = " (dữ liệu minh họa)" if proj.illustrative else ""
    print(f"{len(proj.forecasts)} dòng dự báo, {len(pr)} chỉ tiêu đề xuất / forecast rows, proposals"
          f"{illus}: {', '.join(f'{k}: {v}' for k, v in counts.items())}", file=sys.stdout)
    for p in written:
        print(f"→ {p}", file=sys.stdout)
    return 0
