"""Parameters of the notebooks: one declared spec per notebook, strict checking.

papermill only *warns* about unknown parameters and YAML/``-p`` guess types
(``07`` → 7, ``yes`` → True). The notebooks therefore call
:func:`check_params` right after the parameters cell: every name a user (or
papermill's injected cell) defined that the notebook does not declare is an
error, and every value must have the declared type.

The spec here is the single source of truth; ``tests/test_notebooks_params.py``
checks that each notebook's parameters cell declares exactly these names with
defaults of these types.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ctxh_plan.errors import ParameterError

__all__ = [
    "APPENDIX_FORMATS",
    "LANGS",
    "NOTEBOOK_PARAMS",
    "Param",
    "check_params",
    "check_value",
    "declared_defaults",
    "notebook_params",
]

LANGS = ("vi", "en")
#: file formats of the plan appendices (same as ``ctxh_plan.present.appendices.FORMATS``, tested)
APPENDIX_FORMATS = ("docx", "xlsx")


@dataclass(frozen=True)
class Param:
    """One notebook parameter.

    Attributes
    ----------
    name : str
        Python name in the parameters cell.
    types : tuple of type
        Accepted Python types (``bool`` is never accepted for ``int``).
    doc : str
        One-line description (shown in errors and docs/BATCH.md).
    item_type : type or None
        For list parameters: the type of every element.
    choices : tuple or None
        Allowed values (for strings such as the language).
    item_choices : tuple or None
        For list parameters: allowed values of every element (each at most once).
    """

    name: str
    types: tuple[type, ...]
    doc: str
    item_type: type | None = None
    choices: tuple[Any, ...] | None = None
    item_choices: tuple[Any, ...] | None = None

    def type_name(self) -> str:
        names = [t.__name__ for t in self.types]
        if self.item_type is not None:
            names = [f"list of {self.item_type.__name__}" if n == "list" else n for n in names]
        return " or ".join(names)


_COMMON = (
    Param("dataset", (str,), "absolute path of the dataset folder (read only)"),
    Param("scenario", (str,), "scenario name from params/scenarios/ ('' = baseline)"),
    Param("lang", (str,), "language of labels: 'vi' or 'en'", choices=LANGS),
    Param("rebase_to", (str,), "re-base history onto the units valid at this date, e.g. '2025-07-01' ('' = no)"),
)
_OUTPUT = (
    Param("output_dir", (str,), "absolute folder for this run's recorded figures ('' = write nothing)"),
    Param("suppress_threshold", (int,), "hide sensitive counts below this value in tables (0 = no suppression)"),
)
_APPENDIX = (
    Param("appendix_dir", (str,), "absolute folder for the plan appendix files ('' = write no appendix)"),
    Param("appendix_formats", (list,), "appendix formats, e.g. ['docx', 'xlsx'] ([] = none)", item_type=str,
          item_choices=APPENDIX_FORMATS),
)
_TRACKING = (
    Param("tracking_dir", (str,), "tracking folder of the adopted plan, absolute ('' = no tracking section)"),
    Param("tracking_period", (str,), "period tracked, e.g. '2026-H1' or '2026' ('' with no tracking folder)"),
)

#: notebook stem → declared parameters (order = order in the parameters cell)
NOTEBOOK_PARAMS: dict[str, tuple[Param, ...]] = {
    "unit_report": (
        Param("unit_code", (str,), "official unit code, quoted, e.g. '193'"),
        *_COMMON, *_OUTPUT, *_APPENDIX,
        Param("key_indicators", (list,), "indicator codes charted ([] = the default key indicators)",
              item_type=str),
        *_TRACKING,
    ),
    "province_summary": (
        Param("units", (list,), "unit codes to show (empty list = all units of the dataset)", item_type=str),
        *_COMMON, *_OUTPUT, *_APPENDIX, *_TRACKING,
    ),
    "scenario_explorer": (
        Param("unit_code", (str,), "official unit code to start with ('' = first unit)"),
        Param("indicator_code", (str,), "indicator code to start with ('' = first with a target)"),
        Param("target_method", (str,), "target method to start with ('' = the default method)"),
        *_COMMON,
    ),
}


def notebook_params(notebook: str) -> tuple[Param, ...]:
    """Declared parameters of ``notebook`` (its file stem, e.g. ``"unit_report"``)."""
    try:
        return NOTEBOOK_PARAMS[notebook]
    except KeyError:
        raise ParameterError("notebook", f"unknown notebook {notebook!r}",
                             fix=f"use one of {sorted(NOTEBOOK_PARAMS)}") from None


def check_value(param: Param, value: Any, *, source: str | None = None) -> Any:
    """Check one value against its declared type; return it unchanged.

    Raises
    ------
    ParameterError
        Wrong type (``True`` is not an int, ``7`` is not a unit code) or a value
        outside the allowed choices.
    """
    ok = isinstance(value, param.types) and not (isinstance(value, bool) and bool not in param.types)
    if not ok:
        hint = ""
        if str in param.types and isinstance(value, (int, float)) and not isinstance(value, bool):
            hint = " (quote codes in YAML and -p: '07', not 07 — unquoted 07 becomes the number 7)"
        raise ParameterError(param.name, f"must be {param.type_name()}, got {type(value).__name__}{hint}",
                             fix=f"{param.doc}", source=source, value=value)
    if param.item_type is not None:
        for item in value:
            if not isinstance(item, param.item_type) or isinstance(item, bool):
                raise ParameterError(param.name, f"every item must be {param.item_type.__name__}, "
                                     f"got {type(item).__name__} {item!r}",
                                     fix="quote every code, e.g. ['193', '194']", source=source, value=value)
    if param.item_choices is not None:
        bad = [v for v in value if v not in param.item_choices]
        if bad or len(set(value)) != len(value):
            raise ParameterError(param.name, f"unknown or repeated value {bad[0] if bad else value!r}; "
                                 f"allowed: {list(param.item_choices)}, each once",
                                 fix=param.doc, source=source, value=value)
    if param.choices is not None and value not in param.choices:
        raise ParameterError(param.name, f"must be one of {list(param.choices)}", fix=param.doc,
                             source=source, value=value)
    if param.name == "tracking_period" and value:
        from ctxh_plan.tracking.periods import parse_period

        parse_period(value, key=param.name)
    if param.name == "suppress_threshold" and value < 0:
        raise ParameterError(param.name, "must be 0 or more", fix=param.doc, source=source, value=value)
    return value


def _hidden_names() -> set[str]:
    """Names IPython puts in a fresh user namespace (In, Out, get_ipython, exit …)."""
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover - IPython is a dependency
        return set()
    ip = get_ipython()
    return set(getattr(ip, "user_ns_hidden", {}) or {})


def check_params(notebook: str, namespace: Mapping[str, Any], *,
                 source: str | None = None) -> dict[str, Any]:
    """Validate a notebook's parameters; call it in the cell after the parameters.

    Parameters
    ----------
    notebook : str
        Notebook stem (``"unit_report"``, ``"province_summary"``, ``"scenario_explorer"``).
    namespace : mapping
        ``globals()`` of the notebook right after the parameters (and papermill's
        injected) cells. Any public name in it that is not a declared parameter
        was injected from outside and is an error.
    source : str, optional
        Where the values came from, for messages (default: the notebook name).

    Returns
    -------
    dict
        Declared name → value, in declaration order.

    Raises
    ------
    ParameterError
        An unknown name, a missing name, or a value of the wrong type.
    """
    spec = notebook_params(notebook)
    declared = {p.name for p in spec}
    src = source or f"notebooks/{notebook}.ipynb"
    hidden = _hidden_names()
    unknown = sorted(k for k in namespace
                     if not k.startswith("_") and k not in declared and k not in hidden
                     and k not in {"In", "Out", "get_ipython", "exit", "quit", "open"})
    if unknown:
        raise ParameterError(unknown[0], f"is not a parameter of {notebook}",
                             fix=f"use only: {', '.join(p.name for p in spec)}", source=src,
                             value=namespace[unknown[0]])
    values: dict[str, Any] = {}
    for p in spec:
        if p.name not in namespace:
            raise ParameterError(p.name, "is missing", fix=f"define it in the parameters cell: {p.doc}",
                                 source=src)
        values[p.name] = check_value(p, namespace[p.name], source=src)
    return values


def declared_defaults(notebook_path: str) -> dict[str, Any]:
    """Names and default values of a notebook's parameters cell (read with ``ast``, nothing executed).

    Parameters
    ----------
    notebook_path : str or Path
        The ``.ipynb`` file.
    """
    import ast
    import json
    from pathlib import Path

    nb = json.loads(Path(notebook_path).read_text(encoding="utf-8"))
    for cell in nb["cells"]:
        if "parameters" in cell.get("metadata", {}).get("tags", []):
            src = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
            out: dict[str, Any] = {}
            for node in ast.parse(src).body:
                if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
                    out[node.target.id] = ast.literal_eval(node.value)
                elif isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
                    out[node.targets[0].id] = ast.literal_eval(node.value)
            return out
    raise ParameterError("parameters", "the notebook has no cell tagged 'parameters'",
                         fix="tag the first code cell 'parameters'", source=str(notebook_path))
