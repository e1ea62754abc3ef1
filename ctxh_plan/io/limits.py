"""Limits on what the toolkit reads, in one place (docs/RELIABILITY.md lists them).

A small hostile or broken input must not exhaust memory or time: every reader checks these before
or while reading, and a value over a limit is an :class:`~ctxh_plan.errors.InputError` (or a
:class:`~ctxh_plan.errors.ParameterError` for options) that names the file, the limit and the fix.
The limits are far above what a province's or the country's data need (3,321 communes × 60
indicators × 10 years ≈ 2 million values).
"""
from __future__ import annotations

__all__ = [
    "MAX_CELL_CHARS",
    "MAX_COLUMNS",
    "MAX_HORIZON",
    "MAX_INPUT_BYTES",
    "MAX_ROWS",
    "MAX_SCENARIO_FACTOR",
    "MAX_SCENARIO_PCT",
    "MAX_XLSX_CELLS",
    "MAX_XLSX_MEMBER_RATIO",
    "MAX_XLSX_PARTS",
    "MAX_XLSX_UNPACKED_BYTES",
    "MAX_YAML_BYTES",
    "MAX_YAML_DEPTH",
    "MAX_YAML_NODES",
]

#: size of a CSV or Excel input file (bytes)
MAX_INPUT_BYTES = 512 * 1024 * 1024
#: data rows of a CSV file, or of all sheets of a workbook
MAX_ROWS = 5_000_000
#: columns of a table (a wide sheet has one per year)
MAX_COLUMNS = 1_000
#: characters in one cell (Excel's own limit is 32,767)
MAX_CELL_CHARS = 32_767
#: cells of a workbook (rows × used columns, all sheets)
MAX_XLSX_CELLS = 60_000_000
#: bytes of a workbook once unpacked (sum of its zip members' sizes)
MAX_XLSX_UNPACKED_BYTES = 2 * 1024 * 1024 * 1024
#: compression ratio of one zip member larger than 1 MB once unpacked (a normal sheet packs 5–20×)
MAX_XLSX_MEMBER_RATIO = 200
#: members (files) inside a workbook
MAX_XLSX_PARTS = 10_000
#: size of a YAML settings file (bytes)
MAX_YAML_BYTES = 5 * 1024 * 1024
#: values of a YAML document once its aliases are expanded (an "alias bomb" expands to billions)
MAX_YAML_NODES = 200_000
#: nesting depth of a YAML document
MAX_YAML_DEPTH = 64
#: years ahead a forecast or a projection may go (2000 → 2050 at most; `--horizon 100000000` is refused)
MAX_HORIZON = 50
#: a scenario's yearly change (annual_pct, percent) and multiplier may not exceed these
MAX_SCENARIO_PCT = 1000.0
MAX_SCENARIO_FACTOR = 1000.0
