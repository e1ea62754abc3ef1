"""The one settings checker: declared fields with types and allowed values, one error format.

Every YAML settings file (batch files, projection settings, publishing settings, scenarios,
intervention models, the indicator catalogue) and every notebook parameter is checked here. A
settings schema is a tuple of :class:`Field`; :func:`check_mapping` checks a mapping against it
and :func:`check_value` one value. A problem raises :class:`~ctxh_plan.errors.ParameterError`
naming the file (``source``), the key, the value, the problem and the fix — always the same shape:

    Lỗi: file params/publish.yaml, key 'treshold', value 10: unknown key — fix: use only: threshold, mark

Rules every field gets without asking: ``True``/``False`` is never a number; numbers are finite
(no NaN, no infinity); text holds no control characters (they break Word documents and terminals;
``"\x07"`` is easy to write in YAML); unknown keys are errors (a misspelt ``treshold: 10`` must not
silently leave the default in force).
"""
from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from ctxh_plan.errors import ParameterError

__all__ = ["MISSING", "Field", "check_mapping", "check_value", "field_names"]


class _Missing:
    def __repr__(self) -> str:
        return "MISSING"


#: control characters that no text setting may hold (tab and line feed are fine)
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")

#: default of a required field
MISSING: Any = _Missing()


@dataclass(frozen=True)
class Field:
    """One declared setting.

    Attributes
    ----------
    name : str
        The key in the file (or the parameter name).
    types : tuple of type
        Accepted Python types. ``bool`` is accepted only when listed; ``float`` accepts ``int``.
    doc : str
        What the value means; shown as the fix when the value is wrong.
    default : Any
        Value when the key is absent; :data:`MISSING` makes the key required.
    choices : tuple, optional
        Allowed values.
    item_type : type, optional
        For lists: the type of every item.
    item_choices : tuple, optional
        For lists: allowed items, each at most once.
    minimum, maximum : float, optional
        Bounds of a number (inclusive).
    whole : bool
        A number must be a whole number.
    rule : callable, optional
        ``rule(value) -> problem text or None``, for what the above cannot say.
    """

    name: str
    types: tuple[type, ...]
    doc: str = ""
    default: Any = None
    choices: tuple[Any, ...] | None = None
    item_type: type | None = None
    item_choices: tuple[Any, ...] | None = None
    minimum: float | None = None
    maximum: float | None = None
    whole: bool = False
    rule: Callable[[Any], str | None] | None = None

    @property
    def required(self) -> bool:
        return self.default is MISSING

    def type_name(self) -> str:
        """``"str"``, ``"int or float"``, ``"a list of str"``, ``"a mapping"`` (None is not named)."""
        names = []
        for t in self.types:
            if t is type(None):
                continue
            if t is list:
                names.append(f"a list of {self.item_type.__name__}" if self.item_type else "a list")
            elif t is dict:
                names.append("a mapping")
            else:
                names.append(t.__name__)
        return " or ".join(names)


def _is_type(value: Any, types: tuple[type, ...]) -> bool:
    if isinstance(value, bool):
        return bool in types
    if isinstance(value, int) and float in types:
        return True
    return isinstance(value, types)


def check_value(field: Field, value: Any, *, source: str | None = None, key: str | None = None) -> Any:
    """Check one value against its field; return it unchanged.

    Parameters
    ----------
    field : Field
    value : Any
    source : str, optional
        The file (or notebook) the value came from, for the message.
    key : str, optional
        The key as the user sees it (e.g. ``suppression.threshold``); default ``field.name``.

    Raises
    ------
    ParameterError
        Wrong type, not finite, outside the bounds or the choices, text with a control character, or the
        field's rule fails.
    """
    name = key or field.name

    def fail(problem: str, fix: str | None = None) -> ParameterError:
        return ParameterError(name, problem, fix=fix or field.doc or "see the documentation of this file",
                              source=source, value=value)

    if not _is_type(value, field.types):
        hint = ""
        if str in field.types and isinstance(value, (int, float)) and not isinstance(value, bool):
            hint = " (quote codes: '07', not 07 — unquoted 07 becomes the number 7)"
        raise fail(f"must be {field.type_name()}, got {type(value).__name__}{hint}")
    texts = [value] if isinstance(value, str) else [v for v in value if isinstance(v, str)] \
        if isinstance(value, (list, tuple)) else []
    for text in texts:
        m = _CONTROL.search(text)
        if m:
            raise fail(f"holds the control character U+{ord(m.group()):04X}",
                       "delete the invisible character (retype the text)")
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if not math.isfinite(value):
            raise fail("must be a finite number")
        if field.whole and float(value) != int(value):
            raise fail("must be a whole number")
        if field.minimum is not None and value < field.minimum:
            raise fail(f"must be {field.minimum:g} or more")
        if field.maximum is not None and value > field.maximum:
            raise fail(f"must be {field.maximum:g} or less")
    if field.item_type is not None and isinstance(value, (list, tuple)):
        for item in value:
            if not _is_type(item, (field.item_type,)):
                what = "quoted text" if field.item_type is str else field.item_type.__name__
                raise fail(f"every item must be {what}, got {type(item).__name__} {item!r}",
                           "quote every code, e.g. ['193', '194']" if field.item_type is str else None)
            if isinstance(item, float) and not math.isfinite(item):
                raise fail("every item must be a finite number")
    if field.item_choices is not None:
        bad = [v for v in value if v not in field.item_choices]
        if bad:
            raise fail(f"unknown value {bad[0]!r}; allowed: {list(field.item_choices)}, each once")
        twice = [v for i, v in enumerate(value) if v in value[:i]]
        if twice:
            raise fail(f"{twice[0]!r} is listed twice; list each value once")
    if field.choices is not None and value not in field.choices:
        raise fail(f"must be one of {list(field.choices)}")
    if field.rule is not None:
        problem = field.rule(value)
        if problem:
            raise fail(problem)
    return value


def field_names(fields: Iterable[Field]) -> list[str]:
    return [f.name for f in fields]


def check_mapping(doc: Any, fields: Iterable[Field], *, source: str | None = None, section: str = "",
                  ignore: Iterable[str] = ()) -> dict[str, Any]:
    """Check a mapping (a parsed YAML document or a section of one) against declared fields.

    Parameters
    ----------
    doc : mapping or None
        ``None`` is an empty mapping.
    fields : iterable of Field
    source : str, optional
        File name for messages.
    section : str
        Prefix of keys in messages (``"suppression"`` → ``suppression.threshold``).
    ignore : iterable of str
        Keys allowed but not checked here (e.g. ``version``).

    Returns
    -------
    dict
        Every declared field → its value (the default when absent), in declaration order.

    Raises
    ------
    ParameterError
        Not a mapping, an unknown key, a missing required key, or a bad value.
    """
    fields = tuple(fields)
    prefix = f"{section}." if section else ""
    if doc is None:
        doc = {}
    if not isinstance(doc, Mapping):
        raise ParameterError(section or "(file)", f"must be a mapping of keys to values, got {type(doc).__name__}",
                             fix="write `key: value` lines" + (f" indented under `{section}:`" if section else ""),
                             source=source, value=doc)
    known = {f.name for f in fields}
    skip = set(ignore)
    for key in doc:
        if key not in known and key not in skip:
            raise ParameterError(f"{prefix}{key}", "unknown key", fix=f"use only: {', '.join(field_names(fields))}",
                                 source=source, value=doc[key])
    out: dict[str, Any] = {}
    for f in fields:
        if f.name not in doc:
            if f.required:
                raise ParameterError(f"{prefix}{f.name}", "is missing", fix=f.doc or "add it", source=source)
            out[f.name] = f.default
            continue
        out[f.name] = check_value(f, doc[f.name], source=source, key=f"{prefix}{f.name}")
    return out
