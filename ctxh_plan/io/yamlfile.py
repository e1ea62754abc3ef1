"""Reading YAML parameter files with one error message for every caller."""
from __future__ import annotations

from pathlib import Path
from typing import Any

from ctxh_plan.errors import InputError

__all__ = ["read_yaml"]


def read_yaml(path: str | Path) -> Any:
    """Parse a YAML file (safe loader; the C loader when available).

    Raises
    ------
    InputError
        Not valid YAML: names the file and the line, and how to fix it.
    """
    import yaml

    p = Path(path)
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # the C loader is ~10x faster
    try:
        return yaml.load(p.read_text(encoding="utf-8"), Loader=loader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" (dòng / line {mark.line + 1}, cột / column {mark.column + 1})" if mark else ""
        raise InputError(f"tệp YAML không hợp lệ / not valid YAML{where}: "
                         f"{getattr(exc, 'problem', None) or exc}",
                         file=str(p), row=(mark.line + 1) if mark else None,
                         fix="kiểm tra thụt lề và dấu ngoặc kép ở dòng đó / check indentation and quotes "
                             "around that line") from None
