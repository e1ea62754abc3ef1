"""Parameters of the notebooks, read from the notebooks' own parameters cells; strict checking.

The parameters cell of each notebook (tagged ``parameters``) is the single source of truth. It
declares each parameter in papermill's format, one per line::

    unit_code: str = "193"  # mã đơn vị, trong ngoặc kép / official unit code, quoted

— name, type, default, and the help after ``#`` (no ``=`` in the help, so that
``papermill --help-notebook`` and ``papermill.inspect_notebook`` read the same thing; a test checks
they agree). :func:`notebook_params` turns the cell into :class:`~ctxh_plan.io.settings.Field` s,
adding the few constraints a type cannot say (allowed languages, appendix formats, threshold >= 0)
from :data:`CONSTRAINTS`. The batch file's keys take their rules from the same fields
(:mod:`ctxh_plan.batch.config`).

papermill only *warns* about unknown parameters and YAML/``-p`` guess types (``07`` → 7, ``yes`` →
True). The notebooks therefore call :func:`check_params` right after the parameters cell: a name
that the notebook neither declares nor assigns itself is an error, and every value must have the
declared type. Names the notebook's own later cells assign (``P``, ``rep`` …) are not parameters
and are ignored, so "Run all" a second time in the same kernel works.
"""
from __future__ import annotations

import ast
import functools
import io
import json
import tokenize
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ctxh_plan.errors import ParameterError
from ctxh_plan.io.settings import Field, check_value

__all__ = ["APPENDIX_FORMATS", "CONSTRAINTS", "LANGS", "NOTEBOOKS", "check_params", "declared_defaults",
           "notebook_params", "parameters_cell"]

LANGS = ("vi", "en")
#: file formats of the plan appendices (same as ``ctxh_plan.present.appendices.FORMATS``, tested)
APPENDIX_FORMATS = ("docx", "xlsx")
#: the notebooks that take parameters (stems of ``notebooks/*.ipynb``)
NOTEBOOKS = ("unit_report", "province_summary", "scenario_explorer")

#: what the parameters cell cannot say: parameter name → Field options
def _period_rule(value: str) -> str | None:
    """A tracked period (``2026-H1``, ``2026-9M``, ``2026``) or ``""`` for no tracking section."""
    if not value:
        return None
    from ctxh_plan.tracking.periods import parse_period

    try:
        parse_period(value, key="tracking_period")
    except ParameterError as exc:
        return exc.problem
    return None


CONSTRAINTS: dict[str, dict[str, Any]] = {
    "lang": {"choices": LANGS},
    "appendix_formats": {"item_choices": APPENDIX_FORMATS},
    "suppress_threshold": {"minimum": 0},
    "tracking_period": {"rule": _period_rule},
}

_TYPES: dict[str, tuple[tuple[type, ...], type | None]] = {
    "str": ((str,), None), "int": ((int,), None), "float": ((float,), None), "bool": ((bool,), None),
    "list": ((list,), None), "list[str]": ((list,), str), "list[int]": ((list,), int),
    "dict": ((dict,), None),
}


def _notebook_path(notebook: str | Path) -> Path:
    p = Path(notebook)
    if p.suffix == ".ipynb":
        return p
    if str(notebook) not in NOTEBOOKS:
        raise ParameterError("notebook", f"unknown notebook {notebook!r}", fix=f"use one of {list(NOTEBOOKS)}")
    from ctxh_plan.paths import notebooks_dir

    return notebooks_dir() / f"{notebook}.ipynb"


def _cells(path: Path) -> tuple[str, list[str]]:
    """(source of the parameters cell, sources of the other code cells)."""
    nb = json.loads(path.read_text(encoding="utf-8"))
    params, others = None, []
    for cell in nb["cells"]:
        if cell.get("cell_type") != "code":
            continue
        src = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
        if params is None and "parameters" in cell.get("metadata", {}).get("tags", []):
            params = src
        else:
            others.append(src)
    if params is None:
        raise ParameterError("notebook", "has no cell tagged 'parameters'", source=str(path),
                             fix="tag the first code cell 'parameters' (JupyterLab: property inspector)")
    return params, others


def parameters_cell(notebook: str | Path) -> str:
    """The source of a notebook's parameters cell."""
    return _cells(_notebook_path(notebook))[0]


def _comments(src: str) -> dict[int, str]:
    """1-based line → the comment text on that line (without ``#``)."""
    out = {}
    for tok in tokenize.generate_tokens(io.StringIO(src).readline):
        if tok.type == tokenize.COMMENT:
            out[tok.start[0]] = tok.string.lstrip("#").strip()
    return out


@functools.cache
def _spec(path: str, mtime: float) -> tuple[tuple[Field, ...], frozenset[str]]:
    src, others = _cells(Path(path))
    comments = _comments(src)
    fields = []
    for node in ast.parse(src).body:
        if not (isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name) and node.value is not None):
            raise ParameterError("notebook", f"line {node.lineno} of the parameters cell is not `name: type = value`",
                                 source=path, fix='declare each parameter as  name: str = "value"  # help')
        annotation = ast.unparse(node.annotation)
        if annotation not in _TYPES:
            raise ParameterError(node.target.id, f"unsupported type {annotation!r} in the parameters cell",
                                 source=path, fix=f"use one of {list(_TYPES)}")
        types, item = _TYPES[annotation]
        fields.append(Field(node.target.id, types, doc=comments.get(node.lineno, ""),
                            default=ast.literal_eval(node.value), item_type=item,
                            **CONSTRAINTS.get(node.target.id, {})))
    assigned: set[str] = set()
    for code in others:
        try:
            tree = ast.parse(code)
        except SyntaxError:  # IPython magics: not parameters anyway
            continue
        for n in ast.walk(tree):
            if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store):
                assigned.add(n.id)
            elif isinstance(n, (ast.Import, ast.ImportFrom)):
                assigned.update((a.asname or a.name).split(".")[0] for a in n.names)
            elif isinstance(n, (ast.FunctionDef, ast.ClassDef)):
                assigned.add(n.name)
    return tuple(fields), frozenset(assigned)


def notebook_params(notebook: str | Path) -> tuple[Field, ...]:
    """Declared parameters of ``notebook`` (a stem such as ``"unit_report"`` or an ``.ipynb`` path),
    in the order of its parameters cell."""
    p = _notebook_path(notebook)
    return _spec(str(p), p.stat().st_mtime)[0]


def _assigned_names(notebook: str | Path) -> frozenset[str]:
    p = _notebook_path(notebook)
    return _spec(str(p), p.stat().st_mtime)[1]


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
        ``globals()`` of the notebook right after the parameters (and papermill's injected) cells.
        A public name in it that the notebook neither declares nor assigns in its own cells was
        injected from outside and is an error.
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
    ignored = _hidden_names() | _assigned_names(notebook) | {"In", "Out", "get_ipython", "exit", "quit", "open"}
    unknown = sorted(k for k in namespace if not k.startswith("_") and k not in declared and k not in ignored)
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


def declared_defaults(notebook: str | Path) -> dict[str, Any]:
    """Names and default values of a notebook's parameters cell (read with ``ast``, nothing executed)."""
    return {f.name: f.default for f in notebook_params(notebook)}
