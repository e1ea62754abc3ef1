"""`ctxh-plan forecast` — forecast short yearly series from a CSV file."""
from __future__ import annotations

import argparse
from typing import Any

__all__ = ["add_parser", "run"]

_HELP = """\
Dự báo chuỗi số liệu năm ngắn (3–10 năm) kèm khoảng dự báo.
Forecast short yearly series (3–10 points) with calibrated prediction intervals.

Input CSV columns: series_id, year, value (',' or ';' separated, UTF-8).
Output columns: series_id, year, method, mean, lo80, hi80, lo95, hi95, note.
Counts and rates stay >= 0, percentages within 0–100.

Số đếm nhỏ / small counts (--kind count, whole numbers, recent mean up to 20 a year):
mô hình đếm Poisson–nhị thức âm (method count_glm): khoảng dự báo là số nguyên,
'mean' là trung vị. A Poisson / negative-binomial regression on year: whole-number
intervals, 'mean' is the predictive median; larger counts keep the default.
--group COLUMN lets the series of one group (e.g. one indicator across units)
borrow strength from each other (empirical Bayes).
"""


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    p = subparsers.add_parser("forecast", help="dự báo chuỗi năm / forecast yearly series",
                              description=_HELP, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--input", "-i", required=True, help="CSV: series_id, year, value (tệp đầu vào)")
    p.add_argument("--horizon", type=int, default=5, help="số năm dự báo / years ahead (default 5)")
    p.add_argument("--levels", default="80,95",
                   help="mức tin cậy của khoảng, %% / interval levels in percent (default 80,95)")
    p.add_argument("--method", default="default",
                   help="phương pháp / method: default, count_glm, naive, drift, ses, damped, theta, theta_damped, "
                        "trend, combo, combo_median, select, ses_sm, damped_sm, theta_sm (default: default — the "
                        "count model for small counts, theta_damped otherwise)")
    p.add_argument("--kind", default="count",
                   help="loại chỉ tiêu / series kind: count, rate (>= 0), percent (0–100), raw; "
                        "or the name of a column holding one kind per series (default count)")
    p.add_argument("--group", default=None,
                   help="cột nhóm cho mô hình đếm / column grouping series whose small counts borrow strength "
                        "from each other (empirical Bayes), e.g. indicator_code (default: none)")
    p.add_argument("--output", "-o", required=True, help="tệp kết quả .csv hoặc .xlsx / output file")
    p.set_defaults(func=run)
    return p


def _parse_levels(text: str) -> tuple[float, ...]:
    from ctxh_plan.errors import UsageError

    try:
        vals = tuple(float(x) for x in str(text).replace(";", ",").split(",") if x.strip())
    except ValueError:
        raise UsageError(f"--levels {text!r}: not a list of numbers — fix: e.g. --levels 80,95") from None
    if not vals:
        raise UsageError("--levels is empty — fix: e.g. --levels 80,95")
    return tuple(int(v) if v.is_integer() else v for v in vals)


def read_series_csv(path: str) -> Any:
    """Read the input CSV through the one CSV reader (``,`` ``;`` or tab; UTF-8 with or without BOM),
    ids as text; the ``value`` column (when present) through the one number parser, so
    ``49.980`` is 49 980 and ``12,5`` is 12.5, with file, row and column on a cell that is not a number.
    """
    from ctxh_plan.data.numbers import detect_number_style, parse_number
    from ctxh_plan.errors import InputError
    from ctxh_plan.io.csvfile import read_csv_table

    table = read_csv_table(path)
    frame = table.frame()
    rows = frame.pop("_row").tolist()
    if "value" in frame.columns:
        cells = frame["value"].tolist()
        style = detect_number_style(cells) or "auto"
        values = []
        for row, cell in zip(rows, cells):
            parsed = parse_number(cell, style=style, errors="return")
            if parsed.problem:
                raise InputError(f"value is not a number ({parsed.problem})", file=table.file, row=row,
                                 column="value", value=cell, fix="write a number (12,5 or 12.5), or leave it empty")
            values.append(float("nan") if parsed.value is None else parsed.value)
        frame["value"] = values
    frame = frame.replace({"": None}) if len(frame) else frame
    return frame


def run(args: argparse.Namespace) -> int:
    from ctxh_plan.errors import ParameterError, UsageError
    from ctxh_plan.forecast import forecast_frame
    from ctxh_plan.io.atomic import write_frame

    levels = _parse_levels(args.levels)
    frame = read_series_csv(args.input)
    try:
        out = forecast_frame(frame, args.horizon, levels=levels, method=args.method, kind=args.kind,
                             source=str(args.input), group=args.group)
    except ParameterError as exc:  # bad option values are usage errors on the command line
        raise UsageError(f"--{exc.key}: {exc.problem}" + (f" (value {exc.value!r})" if exc.value is not None
                                                          else "") + (f" — fix: {exc.fix}" if exc.fix else "")
                         ) from None
    write_frame(out, args.output)
    n_series = out["series_id"].nunique() if "series_id" in out else len(out)
    n_notes = int((out.groupby("series_id")["note"].first() != "").sum()) if "series_id" in out else 0
    print(f"{n_series} chuỗi / series → {args.output}"
          + (f" ({n_notes} with a note: see column 'note')" if n_notes else ""))
    return 0
