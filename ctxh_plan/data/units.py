"""Administrative units with time validity: province, former districts, former
communes (valid until 2025-06-30) and the commune-level units of the 2025 reform
(valid from 2025-07-01).

Sources (``data/reference``):

* ``district_units_2025-01.csv`` — former districts with official codes;
* ``admin_conversion_2025_*.csv`` — the official old commune → new unit tables
  (one file per province or several provinces per file, same columns:
  ``new_province, new_unit_name, new_unit_code, old_unit_name, old_unit_code,
  note, old_district, old_province``). Every file matching the pattern is read, so
  adding another province means dropping its table there (see docs/REBASE.md).

Units are matched by code (strings, leading zeros kept), never by name. Old and
new codes coincide (a new unit takes the code of its seat commune: ``06820`` is
the former Phường Trưng Vương *and* the new Phường Vàng Danh), so every unit
carries ``valid_from``/``valid_to`` and lookups take an ``as_of`` date.
"""
from __future__ import annotations

import datetime as _dt
import functools
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path
from typing import Any

from ctxh_plan.data.frames import UNIT_COLUMNS, frame_records
from ctxh_plan.errors import InputError, ParameterError
from ctxh_plan.paths import reference_dir

__all__ = [
    "CONVERSION_COLUMNS",
    "LAST_DAY_BEFORE_REFORM",
    "PROVINCE_NAMES",
    "REFORM_DATE",
    "UNITS_FILE",
    "Relation",
    "UnitRegistry",
    "load_conversion",
    "load_folder_units",
    "load_units",
    "normalize_text",
    "parse_date",
    "read_units_file",
    "unit_type_from_name",
]

PROVINCE_NAMES = {"22": "Tỉnh Quảng Ninh", "15": "Tỉnh Yên Bái"}
#: first day of the commune-level units of the 2025 reform
REFORM_DATE = "2025-07-01"
#: last day of the former districts and communes
LAST_DAY_BEFORE_REFORM = "2025-06-30"
#: columns of an official conversion table
CONVERSION_COLUMNS = ("new_province", "new_unit_name", "new_unit_code", "old_unit_name", "old_unit_code",
                      "note", "old_district", "old_province")
_CONVERSION_GLOB = "admin_conversion_2025_*.csv"
#: a dataset folder's own unit list (written by ``ctxh-plan rebase`` and by data/national/generate.py)
UNITS_FILE = "units.csv"
_LEVELS = ("province", "district", "commune")


class Relation(str, Enum):
    """How a former commune entered a new unit (the ``note`` column of the conversion table)."""

    WHOLE = "whole"                        # Nhập toàn bộ
    UNCHANGED = "unchanged"                # Giữ nguyên
    PART = "part"                          # Nhập một phần
    AREA_ONLY = "area_only"                # Nhập một phần diện tích (no population)
    AREA_ALL_POPULATION = "area_all_population"  # Nhập một phần diện tích, toàn bộ dân số

    @property
    def vi(self) -> str:
        return _RELATION_VI[self]

    @property
    def is_whole(self) -> bool:
        return self in (Relation.WHOLE, Relation.UNCHANGED)


_RELATION_VI = {
    Relation.WHOLE: "Nhập toàn bộ",
    Relation.UNCHANGED: "Giữ nguyên",
    Relation.PART: "Nhập một phần",
    Relation.AREA_ONLY: "Nhập một phần diện tích",
    Relation.AREA_ALL_POPULATION: "Nhập một phần diện tích, toàn bộ dân số",
}
_RELATION_BY_NOTE = {v.casefold(): k for k, v in _RELATION_VI.items()}


def normalize_text(text: str) -> str:
    """NFC-normalise and trim a label (Vietnamese text may arrive decomposed, NFD)."""
    return unicodedata.normalize("NFC", str(text)).strip()


def parse_date(value: object, *, key: str = "as_of") -> str:
    """ISO date string (``YYYY-MM-DD``) from a str, date, datetime or pandas Timestamp.

    Raises
    ------
    ParameterError
        When the value is not a calendar date.
    """
    if isinstance(value, _dt.datetime):
        return value.date().isoformat()
    if isinstance(value, _dt.date):
        return value.isoformat()
    text = str(value).strip()[:10]
    try:
        return _dt.date.fromisoformat(text).isoformat()
    except ValueError:
        raise ParameterError(key, "is not a date", value=value, fix="write it as YYYY-MM-DD, e.g. 2025-07-01") from None


_TYPE_PREFIXES = (("đặc khu", "đặc khu"), ("thị trấn", "thị trấn"), ("thị xã", "thị xã"), ("thành phố", "thành phố"),
                  ("phường", "phường"), ("huyện", "huyện"), ("xã", "xã"), ("tỉnh", "tỉnh"))


def unit_type_from_name(name: str) -> str:
    """Unit type from the first words of an official name (``Phường Hà Khẩu`` → ``phường``).

    Returns ``""`` when the name starts with no known type word.
    """
    low = normalize_text(name).casefold()
    for prefix, typ in _TYPE_PREFIXES:
        if low == prefix or low.startswith(prefix + " "):
            return typ
    return ""


def _code_in_parens(text: str) -> str | None:
    m = re.search(r"\((\d+)\)\s*$", text)
    return m.group(1) if m else None


def _name_before_parens(text: str) -> str:
    return normalize_text(re.sub(r"\(\d+\)\s*$", "", text))


def _valid_on(row: dict, day: str) -> bool:
    return (not row["valid_from"] or row["valid_from"] <= day) and (not row["valid_to"] or day <= row["valid_to"])


@dataclass
class UnitRegistry:
    """Units with their hierarchy and validity dates.

    ``frame`` holds one row per unit version (columns ``unit_code, name, level,
    parent_code, unit_type, valid_from, valid_to``; dates ISO strings, ``""`` =
    open). A registry loaded with ``as_of`` holds only the units valid on that day,
    so its codes are unique. Otherwise a code may name a former and a new unit;
    lookups then need ``as_of`` (an InputError says so).
    ``conversion`` is the official old → new table for the province (see
    :func:`load_conversion`), or ``None``.
    """

    frame: Any  # pandas.DataFrame
    province_code: str
    as_of: str | None = None
    conversion: Any = None  # pandas.DataFrame or None
    _by_code: dict = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        by: dict[str, list[dict]] = {}
        for r in frame_records(self.frame):
            by.setdefault(r["unit_code"], []).append(r)
        self._by_code = by

    def __contains__(self, code: object) -> bool:
        return str(code) in self._by_code

    def __len__(self) -> int:
        return len(self.frame)

    def _rows(self, as_of: str | None) -> Iterable[dict]:
        day = parse_date(as_of) if as_of is not None else None
        for rows in self._by_code.values():
            for r in rows:
                if day is None or _valid_on(r, day):
                    yield r

    def codes(self, level: str | None = None, *, as_of: str | None = None) -> list[str]:
        """Unit codes (in table order), optionally of one ``level`` and valid on ``as_of``.

        Examples
        --------
        >>> load_units("22", as_of="2025-07-01").codes(level="commune")  # the 54 new units
        """
        out: list[str] = []
        for r in self._rows(as_of):
            if (level is None or r["level"] == str(level)) and r["unit_code"] not in out:
                out.append(r["unit_code"])
        return out

    def _get(self, code: str, as_of: str | None = None) -> dict:
        code = str(code)
        rows = self._by_code.get(code)
        if not rows:
            known = ", ".join(list(self._by_code)[:20])
            raise InputError(f"unknown unit code {code!r}", column="unit_code", value=code,
                             fix=f"use an official code (as text, with leading zeros); known codes: {known}…")
        if as_of is not None:
            day = parse_date(as_of)
            rows = [r for r in rows if _valid_on(r, day)]
            if not rows:
                raise InputError(f"unit {code!r} is not valid on {day}", column="unit_code", value=code,
                                 fix="use a date inside the unit's validity (former units end 2025-06-30, "
                                     "new units start 2025-07-01)")
        if len(rows) > 1:
            spans = "; ".join(f"{r['name']} ({r['valid_from'] or '…'} – {r['valid_to'] or '…'})" for r in rows)
            raise InputError(f"unit code {code!r} names more than one unit: {spans}", column="unit_code", value=code,
                             fix="pass as_of (e.g. as_of='2025-06-30' for the former unit, '2025-07-01' for the "
                                 "new one) or load the registry with load_units(..., as_of=...)")
        return rows[0]

    def row(self, code: str, *, as_of: str | None = None) -> dict:
        """The unit's row as a dict (copy)."""
        return dict(self._get(code, as_of))

    def name(self, code: str, *, as_of: str | None = None) -> str:
        return self._get(code, as_of)["name"]

    def level(self, code: str, *, as_of: str | None = None) -> str:
        return self._get(code, as_of)["level"]

    def unit_type(self, code: str, *, as_of: str | None = None) -> str:
        return self._get(code, as_of)["unit_type"]

    def parent(self, code: str, *, as_of: str | None = None) -> str | None:
        p = self._get(code, as_of)["parent_code"]
        return p or None

    def children(self, code: str, *, as_of: str | None = None) -> list[str]:
        """Codes whose parent is ``code`` (valid on ``as_of`` when given)."""
        return [r["unit_code"] for r in self._rows(as_of) if r["parent_code"] == str(code)]

    def at(self, as_of: str) -> UnitRegistry:
        """The registry restricted to the units valid on ``as_of`` (unique codes)."""
        day = parse_date(as_of)
        mask = [_valid_on(r, day) for r in frame_records(self.frame)]
        return UnitRegistry(frame=self.frame[mask].reset_index(drop=True), province_code=self.province_code,
                            as_of=day, conversion=self.conversion)

    def __repr__(self) -> str:
        levels: dict[str, int] = {}
        for r in self._rows(None):
            levels[r["level"]] = levels.get(r["level"], 0) + 1
        when = f", as of {self.as_of}" if self.as_of else ""
        return f"UnitRegistry(province {self.province_code}{when}, {levels})"


def _conversion_paths(conversion: str | Path | Iterable[str | Path] | None) -> list[Path]:
    if conversion is None:
        paths = sorted(reference_dir().glob(_CONVERSION_GLOB))
    elif isinstance(conversion, (str, Path)):
        paths = [Path(conversion)]
    else:
        paths = [Path(p) for p in conversion]
    return paths


@functools.lru_cache(maxsize=16)
def _read_conversion_file(path: str, mtime: float) -> tuple[dict, ...]:
    from ctxh_plan.io.csvfile import read_csv_table

    p = Path(path)
    table = read_csv_table(p)
    header = table.header
    missing = [c for c in CONVERSION_COLUMNS if c not in header]
    if missing:
        raise InputError(f"conversion table lacks column(s) {missing}", file=str(p), row=table.header_row,
                         column=missing[0], fix=f"use the columns {', '.join(CONVERSION_COLUMNS)}")
    out = []
    for rec in table.records():
        i = int(rec.pop("_row"))
        r = {k: normalize_text(v) for k, v in rec.items() if k}
        where: dict[str, Any] = dict(file=str(p), row=i)  # keyword arguments of InputError
        for col in ("new_unit_code", "old_unit_code"):
            if not re.fullmatch(r"\d{5}", r[col]):
                raise InputError(f"commune code {r[col]!r} is not 5 digits", column=col, value=r[col],
                                 fix="write codes as text with their leading zeros (e.g. 06655)", **where)
        note = _RELATION_BY_NOTE.get(r["note"].casefold())
        if note is None:
            raise InputError(f"unknown conversion note {r['note']!r}", column="note", value=r["note"],
                             fix=f"use one of: {'; '.join(_RELATION_VI.values())}", **where)
        codes = {c: _code_in_parens(r[c]) for c in ("new_province", "old_district", "old_province")}
        for col, code in codes.items():
            if code is None:
                raise InputError("the official code in brackets is missing", column=col, value=r[col],
                                 fix="write the name followed by the code, e.g. 'Thành phố Hạ Long (193)'",
                                 **where)
        out.append({
            "old_code": r["old_unit_code"], "old_name": r["old_unit_name"],
            "old_type": unit_type_from_name(r["old_unit_name"]),
            "old_district_code": codes["old_district"], "old_district_name": _name_before_parens(r["old_district"]),
            "old_province_code": codes["old_province"], "old_province_name": _name_before_parens(r["old_province"]),
            "new_code": r["new_unit_code"], "new_name": r["new_unit_name"],
            "new_type": unit_type_from_name(r["new_unit_name"]),
            "new_province_code": codes["new_province"], "new_province_name": _name_before_parens(r["new_province"]),
            "relation": note.value, "note": r["note"], "file": str(p), "row": i,
        })
    return tuple(out)


def _check_conversion(rows: list[dict]) -> None:
    by_old: dict[str, list[dict]] = {}
    seen: dict[tuple[str, str], dict] = {}
    for r in rows:
        key = (r["old_code"], r["new_code"])
        if key in seen:
            raise InputError(f"pair old {key[0]} → new {key[1]} is listed twice (also row {seen[key]['row']})",
                             file=r["file"], row=r["row"], column="old_unit_code", value=key[0],
                             fix="keep one row per old unit and new unit")
        seen[key] = r
        by_old.setdefault(r["old_code"], []).append(r)
    for old, group in by_old.items():
        whole = [g for g in group if Relation(g["relation"]).is_whole]
        if whole and len(group) > 1:
            g = whole[0]
            raise InputError(f"old unit {old} is merged whole ({g['note']}) but also listed {len(group) - 1} more "
                             "time(s)", file=g["file"], row=g["row"], column="note", value=g["note"],
                             fix="a unit merged whole goes to exactly one new unit; use 'Nhập một phần' for parts")
        allpop = [g for g in group if g["relation"] == Relation.AREA_ALL_POPULATION.value]
        if len(allpop) > 1:
            g = allpop[1]
            raise InputError(f"old unit {old}: more than one new unit receives 'toàn bộ dân số'", file=g["file"],
                             row=g["row"], column="note", value=g["note"],
                             fix="only one new unit can receive the whole population")
        if len({g["old_district_code"] for g in group}) > 1:
            g = group[0]
            raise InputError(f"old unit {old} is listed under several former districts", file=g["file"],
                             row=g["row"], column="old_district", value=g["old_district_name"],
                             fix="check the old_district column")


def load_conversion(province: str | None = None, *,
                    conversion: str | Path | Iterable[str | Path] | None = None):
    """The official conversion table(s) as a frame, one row per (old commune, new unit).

    Parameters
    ----------
    province : str, optional
        Keep rows whose old *or* new province has this code (``"15"`` gives Yên Bái's
        communes and the new Lào Cai units formed from them).
    conversion : path or list of paths, optional
        Tables to read; default every ``data/reference/admin_conversion_2025_*.csv``.

    Returns
    -------
    pandas.DataFrame
        ``old_code, old_name, old_type, old_district_code, old_district_name,
        old_province_code, old_province_name, new_code, new_name, new_type,
        new_province_code, new_province_name, relation`` (a :class:`Relation`
        value), ``note`` (original text), ``file``, ``row``.

    Raises
    ------
    InputError
        Missing columns, codes that are not 5 digits, unknown notes, a pair listed
        twice, a unit merged whole listed more than once — naming file and row.
    """
    import pandas as pd

    paths = _conversion_paths(conversion)
    if not paths:
        raise InputError("no conversion table found", file=str(reference_dir() / _CONVERSION_GLOB),
                         fix="copy the official table into data/reference/")
    rows: list[dict] = []
    for p in paths:
        if not p.exists():
            raise InputError("conversion table not found", file=str(p), fix="check the path")
        rows.extend(_read_conversion_file(str(p.resolve()), p.stat().st_mtime))
    _check_conversion(rows)
    frame = pd.DataFrame.from_records(rows)
    if province is not None:
        province = str(province)
        frame = frame[(frame["old_province_code"] == province) | (frame["new_province_code"] == province)]
    return frame.reset_index(drop=True)


def _district_rows(province: str, path: Path, conv) -> tuple[list[dict], str | None]:
    """Former districts of ``province`` from the district table, else from the conversion table."""
    rows: list[dict] = []
    name = None
    if path.exists():
        from ctxh_plan.io.csvfile import read_csv_table

        rows = [r for r in read_csv_table(path).records() if r["province_code"].strip() == province]
    if rows:
        name = normalize_text(rows[0]["province_name"])
        return ([{"unit_code": r["district_code"].strip(), "name": normalize_text(r["district_name"]),
                  "unit_type": normalize_text(r["district_type"]),
                  "communes": int(r["communes_2025_01"]) if (r.get("communes_2025_01") or "").strip() else None}
                 for r in rows], name)
    if conv is not None and len(conv):
        old = conv[conv["old_province_code"] == province]
        out, seen = [], set()
        for r in frame_records(old):
            if r["old_district_code"] not in seen:
                seen.add(r["old_district_code"])
                out.append({"unit_code": r["old_district_code"], "name": r["old_district_name"],
                            "unit_type": unit_type_from_name(r["old_district_name"]), "communes": None})
        if len(old):
            name = old["old_province_name"].iloc[0]
        return out, name
    return [], None


def load_units(province: str = "22", *, path: str | Path | None = None,
               include_communes: bool = False, as_of: str | None = None,
               conversion: str | Path | Iterable[str | Path] | None = None) -> UnitRegistry:
    """Load the unit registry of a province.

    Parameters
    ----------
    province : str
        Official province code (``"22"`` Quảng Ninh; ``"15"`` Yên Bái until
        2025-06-30, Lào Cai from 2025-07-01 — only the part formed from Yên Bái is
        known from the reference table).
    path : optional path to a district table with the columns of
        ``district_units_2025-01.csv`` (a province missing there takes its former
        districts from the conversion table).
    include_communes : bool
        Also hold the former communes (level ``commune``, valid until 2025-06-30).
        The new units (level ``commune``, valid from 2025-07-01) are held whenever
        ``include_communes`` is true or ``as_of`` is on or after 2025-07-01 (they
        are then the only level below the province).
    as_of : str or date, optional
        Keep only units valid on that day: codes are then unique. Without it the
        default registry is the province and its former districts (as before).
    conversion : optional path(s) of conversion tables (default: every
        ``data/reference/admin_conversion_2025_*.csv``).

    Returns
    -------
    UnitRegistry

    Examples
    --------
    >>> load_units("22").codes("district")                                  # 13 former districts
    >>> load_units("22", as_of="2025-07-01").codes(level="commune")         # 54 new units
    >>> load_units("22", include_communes=True).name("06820", as_of="2025-06-30")  # 'Phường Trưng Vương'
    """
    import pandas as pd

    province = str(province)
    day = parse_date(as_of) if as_of is not None else None
    want_new = include_communes or (day is not None and day >= REFORM_DATE)
    p = Path(path) if path else reference_dir() / "district_units_2025-01.csv"
    conv = load_conversion(province, conversion=conversion) if (include_communes or want_new or not p.exists()) \
        else None
    if conv is None and not p.exists():
        raise InputError("district table not found", file=str(p), fix="check the path")
    districts, old_name = _district_rows(province, p, conv)
    if conv is None:
        try:
            conv = load_conversion(province, conversion=conversion)
        except InputError:
            conv = None  # the plain district registry does not need a conversion table
    new = conv[conv["new_province_code"] == province] if conv is not None else None
    new_name = new["new_province_name"].iloc[0] if new is not None and len(new) else None
    if not districts and (new is None or not len(new)):
        raise InputError(f"no units for province {province!r}", file=str(p), column="province_code",
                         value=province, fix="use a province code present in the reference tables, e.g. 22")
    recs: list[dict] = []
    old_name = old_name or PROVINCE_NAMES.get(province) or new_name
    if new_name and old_name and new_name != old_name:
        recs.append(dict(unit_code=province, name=old_name, level="province", parent_code="", unit_type="tỉnh",
                         valid_from="", valid_to=LAST_DAY_BEFORE_REFORM))
        recs.append(dict(unit_code=province, name=new_name, level="province", parent_code="", unit_type="tỉnh",
                         valid_from=REFORM_DATE, valid_to=""))
    else:
        recs.append(dict(unit_code=province, name=old_name, level="province", parent_code="", unit_type="tỉnh",
                         valid_from="", valid_to=""))
    for d in districts:
        recs.append(dict(unit_code=d["unit_code"], name=d["name"], level="district", parent_code=province,
                         unit_type=d["unit_type"], valid_from="", valid_to=LAST_DAY_BEFORE_REFORM))
    if conv is not None and include_communes:
        old = conv[conv["old_province_code"] == province].drop_duplicates("old_code")
        _check_commune_counts(districts, old, p)
        for r in frame_records(old):
            recs.append(dict(unit_code=r["old_code"], name=r["old_name"], level="commune",
                             parent_code=r["old_district_code"], unit_type=r["old_type"], valid_from="",
                             valid_to=LAST_DAY_BEFORE_REFORM))
    if want_new and new is not None:
        for r in frame_records(new.drop_duplicates("new_code")):
            recs.append(dict(unit_code=r["new_code"], name=r["new_name"], level="commune", parent_code=province,
                             unit_type=r["new_type"], valid_from=REFORM_DATE, valid_to=""))
    frame = pd.DataFrame.from_records(recs, columns=list(UNIT_COLUMNS)).astype("string").astype(object)
    reg = UnitRegistry(frame=frame, province_code=province, conversion=conv)
    return reg.at(day) if day is not None else reg


def _check_commune_counts(districts: list[dict], old, path: Path) -> None:
    counts = old.groupby("old_district_code").size().to_dict()
    for d in districts:
        n = counts.get(d["unit_code"], 0)
        if d["communes"] is not None and n != d["communes"]:
            raise InputError(f"former district {d['unit_code']} has {d['communes']} communes in the district table "
                             f"but {n} in the conversion table", file=str(path), column="communes_2025_01",
                             value=d["communes"], fix="check that the conversion table lists every former commune")


def read_units_file(path: str | Path, *, province: str | None = None, as_of: str | None = None) -> UnitRegistry:
    """A unit registry from a ``units.csv`` (the columns of the units frame, codes as text).

    Parameters
    ----------
    path : the CSV (UTF-8, ``,`` or ``;``): ``unit_code, name, level, parent_code, unit_type,
        valid_from, valid_to`` — one row per unit version, one ``province`` row, every other row's
        parent among the codes.
    province : the province code the dataset declares (``dataset.yaml``); must be the file's province row.
    as_of : keep only the units valid on that day.

    Raises
    ------
    InputError
        Missing columns, an empty or unknown level, a code listed twice for overlapping dates, an
        unknown parent, no (or several) province rows, a province other than ``province`` — naming
        file, row, column and value.
    """
    import pandas as pd

    from ctxh_plan.io.csvfile import read_csv_table

    p = Path(path)
    table = read_csv_table(p)
    missing = [c for c in UNIT_COLUMNS if c not in table.header]
    if missing:
        raise InputError(f"units file lacks column(s) {missing}", file=str(p), row=table.header_row,
                         column=missing[0], fix=f"use the columns {', '.join(UNIT_COLUMNS)}")
    rows = table.records()
    recs = [{k: normalize_text(v) for k, v in r.items() if k and k != "_row"} for r in rows]
    lines = [int(r["_row"]) for r in rows]
    seen: dict[str, list[tuple[int, dict]]] = {}
    for i, r in zip(lines, recs):
        where: dict[str, Any] = dict(file=str(p), row=i)  # keyword arguments of InputError
        if not r["unit_code"]:
            raise InputError("empty unit code", column="unit_code", fix="give every unit its official code", **where)
        if r["level"] not in _LEVELS:
            raise InputError(f"unknown level {r['level']!r}", column="level", value=r["level"],
                             fix=f"use one of {', '.join(_LEVELS)}", **where)
        for col in ("valid_from", "valid_to"):
            if r[col]:
                r[col] = parse_date(r[col], key=col)
        for j, other in seen.get(r["unit_code"], []):
            if (not r["valid_to"] or not other["valid_from"] or other["valid_from"] <= r["valid_to"]) and \
                    (not other["valid_to"] or not r["valid_from"] or r["valid_from"] <= other["valid_to"]):
                raise InputError(f"unit {r['unit_code']} is listed twice for overlapping dates (also row {j})",
                                 column="unit_code", value=r["unit_code"],
                                 fix="give each version of a unit its own valid_from/valid_to", **where)
        seen.setdefault(r["unit_code"], []).append((i, r))
    provinces = sorted({r["unit_code"] for r in recs if r["level"] == "province"})
    if len(provinces) != 1:
        raise InputError(f"a units file needs exactly one province, found {provinces or 'none'}", file=str(p),
                         column="level", fix="add one row with level province (the others' parent)")
    code = provinces[0]
    if province is not None and str(province) != code:
        raise InputError(f"the units file is for province {code}, dataset.yaml says {province}", file=str(p),
                         column="unit_code", value=code, fix="make dataset.yaml's `province` the units file's province")
    for i, r in zip(lines, recs):
        if r["level"] != "province" and r["parent_code"] not in seen:
            raise InputError(f"parent {r['parent_code']!r} of unit {r['unit_code']} is not in the file", file=str(p),
                             row=i, column="parent_code", value=r["parent_code"],
                             fix="list the parent unit too, or correct the code")
    frame = pd.DataFrame.from_records(recs, columns=list(UNIT_COLUMNS)).astype("string").astype(object)
    reg = UnitRegistry(frame=frame, province_code=code)
    return reg.at(as_of) if as_of is not None else reg


def load_folder_units(folder: str | Path | None, province: str, *, as_of: str | None = None) -> UnitRegistry:
    """The units of a dataset folder: its ``units.csv`` when there is one (re-based and generated
    folders), else the reference tables for ``province`` (:func:`load_units`)."""
    f = Path(folder) / UNITS_FILE if folder is not None else None
    if f is not None and f.is_file():
        return read_units_file(f, province=province, as_of=as_of)
    return load_units(province, as_of=as_of)
