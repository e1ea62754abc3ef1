"""`ctxh-plan batch PARAMS.yaml [--jobs N] [--units 193,194] [--resume] [--scheduler local:N|ADDRESS]`."""
from __future__ import annotations

import argparse
import sys

from ctxh_plan.errors import EXIT_OK, UsageError

__all__ = ["add_parser", "run"]

_HELP = """\
Chạy báo cáo cho từng đơn vị và báo cáo tổng hợp toàn tỉnh (notebook, papermill).
Run the unit report for every unit and the province summary.

Kết quả / outputs: outputs/<run id>/ — notebooks, HTML, index.html, manifest.json.
Một đơn vị lỗi không dừng các đơn vị khác; mã thoát 1 nếu có đơn vị lỗi.
One failing unit does not stop the others; exit code 1 if any failed.

Chạy trên cụm dask / on a dask cluster (docs/BATCH.md):
  --scheduler local:2             2 tiến trình worker trên máy này / 2 worker processes here
  --scheduler tcp://HOST:8786     cụm đang chạy (`dask scheduler`, `dask worker tcp://HOST:8786`)
"""


def add_parser(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    p = subparsers.add_parser("batch", help="báo cáo theo đơn vị + tổng hợp / one report per unit + summary",
                              description=_HELP, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("params", help="tệp YAML của đợt chạy / batch file, e.g. params/quang_ninh.yaml")
    p.add_argument("--jobs", type=int, default=None,
                   help="số kernel chạy song song / kernels in parallel (default: the file's `jobs`)")
    p.add_argument("--units", default=None,
                   help="chỉ chạy các mã đơn vị này / only these unit codes, comma-separated: 193,194")
    p.add_argument("--resume", action="store_true",
                   help="chỉ chạy phần còn thiếu / finish only what is missing in this run's folder")
    p.add_argument("--output", default=None, help="thư mục kết quả / outputs folder (default: the file's `output`)")
    p.add_argument("--no-progress", action="store_true", help="không hiện thanh tiến độ / no progress bar")
    p.add_argument("--scheduler", default=None, metavar="local:N|ADDRESS",
                   help="chạy trên dask / run on dask: local:N = N worker processes here, or the address of a "
                        "running scheduler (tcp://HOST:8786); default: warm kernels on this machine (--jobs)")
    p.set_defaults(func=run)
    return p


def _parse_units(text: str | None) -> list[str] | None:
    if text is None:
        return None
    codes = [c.strip() for c in text.split(",") if c.strip()]
    if not codes:
        raise UsageError(f"--units {text!r}: no unit code — fix: e.g. --units 193,194")
    dupes = sorted({c for c in codes if codes.count(c) > 1})
    if dupes:
        raise UsageError(f"--units: code(s) {dupes} given twice — fix: list each unit once")
    return codes


def run(args: argparse.Namespace) -> int:
    from ctxh_plan.batch.run import run_batch

    result = run_batch(args.params, jobs=args.jobs, units=_parse_units(args.units), resume=args.resume,
                       output=args.output, progress=not args.no_progress, scheduler=args.scheduler)
    vi = getattr(args, "lang", "vi") == "vi"
    n_ok = sum(1 for s in result.statuses.values() if s == "ok")
    print(("Xong" if vi else "Done") + f": {n_ok}/{len(result.statuses)} "
          + ("báo cáo" if vi else "reports") + f" → {result.run_dir / 'index.html'} ({result.seconds:.1f} s)")
    if result.skipped:
        print(("Dùng lại từ lần chạy trước" if vi else "Reused from the earlier run") + f": {len(result.skipped)}")
    if result.failed:
        print(("Lỗi ở" if vi else "Failed") + f" {len(result.failed)}:", file=sys.stderr)
        for key in result.failed:
            print(f"  {key}: {result.errors.get(key, result.statuses[key])} "
                  f"(notebook: {result.run_dir / 'notebooks'})", file=sys.stderr)
        return result.exit_code
    return EXIT_OK
