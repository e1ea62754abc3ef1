"""Administrative units: official codes (strings), NFC names, level, parent.

The registry starts from the reference table of former districts
(``data/reference/district_units_2025-01.csv``). Units are matched by code,
never by name.
"""
from __future__ import annotations

import csv
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path


from .errors import InputError
from .paths import reference_dir

__all__ = ["UnitRegistry", "load_units", "normalize_text", "PROVINCE_NAMES"]

PROVINCE_NAMES = {"22": "Tỉnh Quảng Ninh", "15": "Tỉnh Yên Bái"}


def normalize_text(text: str) -> str:
    """NFC-normalise and trim a label (Vietnamese text may arrive decomposed, NFD)."""
    return unicodedata.normalize("NFC", str(text)).strip()


@dataclass
class UnitRegistry:
    """Units with their hierarchy. ``frame`` holds one row per unit."""

    frame: "object"  # pandas.DataFrame: unit_code, name, level, parent_code, unit_type, valid_from, valid_to
    province_code: str
    _by_code: dict = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        self._by_code = {r["unit_code"]: r for r in self.frame.to_dict("records")}

    def __contains__(self, code: object) -> bool:
        return str(code) in self._by_code

    def __len__(self) -> int:
        return len(self._by_code)

    def codes(self, level: str | None = None) -> list[str]:
        return [c for c, r in self._by_code.items() if level is None or r["level"] == level]

    def _get(self, code: str) -> dict:
        try:
            return self._by_code[str(code)]
        except KeyError:
            raise InputError(f"unknown unit code {code!r}", column="unit_code", value=code,
                             fix=f"use an official code; known codes: {', '.join(list(self._by_code)[:20])}…") from None

    def name(self, code: str) -> str:
        return self._get(code)["name"]

    def level(self, code: str) -> str:
        return self._get(code)["level"]

    def parent(self, code: str) -> str | None:
        p = self._get(code)["parent_code"]
        return p or None

    def children(self, code: str) -> list[str]:
        return [c for c, r in self._by_code.items() if r["parent_code"] == str(code)]

    def __repr__(self) -> str:
        levels = {}
        for r in self._by_code.values():
            levels[r["level"]] = levels.get(r["level"], 0) + 1
        return f"UnitRegistry(province {self.province_code}, {levels})"


def _code_in_parens(text: str) -> str | None:
    m = re.search(r"\((\d+)\)\s*$", text)
    return m.group(1) if m else None


def load_units(province: str = "22", *, path: str | Path | None = None,
               include_communes: bool = False, as_of: str | None = None) -> UnitRegistry:
    """Load the province and its former districts (valid until 2025-06-30).

    Parameters
    ----------
    province : str
        Official province code (``"22"`` Quảng Ninh, ``"15"`` Yên Bái).
    path : optional path to a district table with the columns of
        ``district_units_2025-01.csv``.
    include_communes, as_of :
        Reserved for the registry with time validity (communes, 2025 units).
    """
    import pandas as pd

    province = str(province)
    p = Path(path) if path else reference_dir() / "district_units_2025-01.csv"
    with open(p, encoding="utf-8-sig", newline="") as fh:
        rows = [r for r in csv.DictReader(fh) if r["province_code"].strip() == province]
    if not rows:
        raise InputError(f"no units for province {province!r}", file=str(p), column="province_code",
                         value=province, fix="use a province code present in the table, e.g. 22")
    recs = [{"unit_code": province, "name": normalize_text(rows[0]["province_name"]), "level": "province",
             "parent_code": "", "unit_type": "tỉnh", "valid_from": "", "valid_to": ""}]
    for r in rows:
        recs.append({"unit_code": r["district_code"].strip(), "name": normalize_text(r["district_name"]),
                     "level": "district", "parent_code": province, "unit_type": normalize_text(r["district_type"]),
                     "valid_from": "", "valid_to": "2025-06-30"})
    frame = pd.DataFrame.from_records(recs).astype("string").astype(object)
    return UnitRegistry(frame=frame, province_code=province)


