"""Reading YAML parameter files with one error message for every caller.

A key written twice in one mapping is an error (YAML itself keeps the last one silently: a second
``suppress_threshold: 0`` would switch suppression off unnoticed). A file larger than
:data:`~ctxh_plan.io.limits.MAX_YAML_BYTES`, a document whose aliases expand to more than
:data:`~ctxh_plan.io.limits.MAX_YAML_NODES` values (an "alias bomb": nine lines can stand for
billions of values) or nested deeper than :data:`~ctxh_plan.io.limits.MAX_YAML_DEPTH` is refused
before it is built.
"""
from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

from ctxh_plan.errors import InputError
from ctxh_plan.io.limits import MAX_YAML_BYTES, MAX_YAML_DEPTH, MAX_YAML_NODES

__all__ = ["read_yaml"]


class _DuplicateKey(Exception):
    def __init__(self, key: Any, line: int, first: int) -> None:
        super().__init__(key)
        self.key, self.line, self.first = key, line, first


@functools.cache
def _loader() -> Any:
    """A safe loader (the C one when available, ~10x faster) that refuses duplicate keys."""
    import yaml

    base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

    Loader: Any = type("Loader", (base,), {})  # a subclass of the loader found at run time

    def construct_mapping(loader: Any, node: Any, deep: bool = False) -> Any:
        seen: dict[Any, int] = {}
        for key_node, _ in node.value:
            key = loader.construct_object(key_node, deep=True)
            line = key_node.start_mark.line + 1
            try:
                if key in seen:
                    raise _DuplicateKey(key, line, seen[key])
            except TypeError:  # an unhashable key: the base constructor reports it
                continue
            seen[key] = line
        return base.construct_mapping(loader, node, deep=deep)

    Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, construct_mapping)
    return Loader


def _check_size(node: Any, file: str) -> None:
    """Refuse a node graph that expands to too many values or nests too deep (aliases are the same
    node object used again: each use counts, as building the document would)."""
    sizes: dict[int, int] = {}
    stack: list[tuple[Any, int, bool]] = [(node, 1, False)]
    on_path: set[int] = set()
    while stack:
        n, depth, done = stack.pop()
        key = id(n)
        if done:
            on_path.discard(key)
            children = _children(n)
            total = 1 + sum(sizes.get(id(c), 1) for c in children)
            sizes[key] = total
            if total > MAX_YAML_NODES:
                mark = getattr(n, "start_mark", None)
                line = mark.line + 1 if mark is not None else None
                raise InputError(f"tài liệu YAML mở rộng ra hơn {MAX_YAML_NODES:,} giá trị (bí danh &/* lồng nhau) / "
                                 f"the YAML document expands to more than {MAX_YAML_NODES:,} values (nested aliases "
                                 f"&/*)", file=file, row=line,
                                 fix="viết giá trị trực tiếp, không dùng bí danh lồng nhau / write the values out, "
                                     "without nested aliases")
            continue
        if key in sizes or key in on_path:
            continue
        if depth > MAX_YAML_DEPTH:
            mark = getattr(n, "start_mark", None)
            raise InputError(f"tài liệu YAML lồng sâu hơn {MAX_YAML_DEPTH} cấp / the YAML document nests deeper than "
                             f"{MAX_YAML_DEPTH} levels", file=file, row=mark.line + 1 if mark is not None else None,
                             fix="viết các khóa ở ít cấp hơn / write the keys with fewer levels")
        on_path.add(key)
        stack.append((n, depth, True))
        stack.extend((c, depth + 1, False) for c in _children(n))


def _children(node: Any) -> list[Any]:
    value = getattr(node, "value", None)
    if not isinstance(value, list):
        return []
    out: list[Any] = []
    for item in value:
        if isinstance(item, tuple):
            out.extend(item)
        else:
            out.append(item)
    return out


def read_yaml(path: str | Path) -> Any:
    """Parse a YAML file (safe loader).

    Raises
    ------
    InputError
        Not valid YAML, a key written twice in one mapping, not UTF-8 text, or over the limits (file
        size, values once aliases are expanded, nesting depth): names the file and the line, and how to
        fix it.
    """
    import yaml

    p = Path(path)
    file = str(p)
    size = p.stat().st_size
    if size > MAX_YAML_BYTES:
        raise InputError(f"tệp YAML lớn {size:,} byte, quá giới hạn {MAX_YAML_BYTES:,} / the YAML file has {size:,} "
                         f"bytes, more than the limit of {MAX_YAML_BYTES:,}", file=file,
                         fix="tệp thiết lập chỉ cần vài trăm dòng: kiểm tra đường dẫn / a settings file needs a few "
                             "hundred lines at most: check the path")
    try:
        text = p.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(f"tệp YAML không phải UTF-8 (byte không hợp lệ ở vị trí {exc.start}) / the YAML file is not "
                         f"UTF-8 (invalid byte at offset {exc.start})", file=file,
                         fix="lưu lại tệp với bảng mã UTF-8 / save the file as UTF-8") from None
    loader = _loader()(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        _check_size(node, file)
        return loader.construct_document(node)
    except _DuplicateKey as exc:
        raise InputError(f"khóa {exc.key!r} viết hai lần (dòng {exc.first} và {exc.line}) / key {exc.key!r} "
                         f"written twice (lines {exc.first} and {exc.line})", file=file, row=exc.line,
                         column=str(exc.key), fix="giữ một dòng, xóa dòng kia / keep one of the two lines") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" (dòng / line {mark.line + 1}, cột / column {mark.column + 1})" if mark else ""
        raise InputError(f"tệp YAML không hợp lệ / not valid YAML{where}: "
                         f"{getattr(exc, 'problem', None) or exc}",
                         file=file, row=(mark.line + 1) if mark else None,
                         fix="kiểm tra thụt lề và dấu ngoặc kép ở dòng đó / check indentation and quotes "
                             "around that line") from None
    except (RecursionError, OverflowError, ValueError) as exc:  # e.g. a huge integer or a deep flow collection
        raise InputError(f"tệp YAML không đọc được / the YAML file cannot be read ({type(exc).__name__}: "
                         f"{str(exc)[:120]})", file=file,
                         fix="kiểm tra giá trị ở tệp / check the values in the file") from None
    finally:
        loader.dispose()
