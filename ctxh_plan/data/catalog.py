"""The indicator catalogue: what each indicator measures and how it behaves.

Loaded from ``params/indicators.yaml``. One :class:`Indicator` per code; the
catalogue decides bounds, direction, aggregation and which cells are sensitive.
"""
from __future__ import annotations

import unicodedata
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from ctxh_plan.errors import InputError
from ctxh_plan.io.settings import MISSING, Field, check_mapping
from ctxh_plan.io.yamlfile import read_yaml
from ctxh_plan.vocab import Aggregation, Direction, Kind

__all__ = ["Agency", "Catalog", "Indicator", "Section", "agency_fields", "default_catalog_path", "indicator_fields",
           "load_catalog", "section_fields"]



@dataclass(frozen=True)
class Indicator:
    """One indicator of the catalogue.

    Attributes
    ----------
    code : str
        Catalogue code (``CT11b``, ``TNTT_DEATHS`` …).
    name_vi, name_en : str
        Names for users.
    unit_vi, unit_en : str
        Unit of measure as printed in tables (``%``, ``‰``, ``trẻ em``…).
    kind : Kind
        count / percent / rate per 1,000 / rate per 100,000 / share of units / yes-no / money.
    direction : Direction
        Whether higher or lower values are better.
    numerator, denominator : str or None
        Codes of the component count indicators of a ratio, when the catalogue has them.
    aggregation : Aggregation
        How unit values roll up (sum, ratio of sums, share of units, all, none).
    bounds : (float, float | None)
        Allowed range of values; ``None`` for no upper bound.
    decimals : int
        Decimals to show.
    source : str
        Document that defines the indicator or its target.
    sensitive : bool
        Small cells are suppressed in published tables.
    levels : tuple of str
        Unit levels that report it (``province``, ``district``, ``commune``).
    group : str
        Free-text theme (kept for readers of the catalogue).
    note : str
    section : str
        Code of the plan section (``"II"``) under which Biểu 1–2 list it; ``""`` for context
        indicators (child population, live births).
    plan_target : bool
        Whether a plan sets a target for it. False for numerators and denominators, case counts,
        hotline calls and budgets: they are tracked but Biểu 2 does not list them.
    lead_agency : str
        Code of the department that chairs its target (``SYT``); names in :attr:`Catalog.agencies`.
    synonyms : tuple of str
        Other names the indicator goes by in reports and analysts' workbooks (e.g. "xã, phường,
        đặc khu" after the 2025 reform for "xã, phường, thị trấn"); used to match sheets that carry
        names only (:mod:`ctxh_plan.tracking.names`; a name shared by two indicators is refused there as
        ambiguous, and a test keeps the shipped catalogue free of such clashes).
    """

    code: str
    name_vi: str
    name_en: str
    unit_vi: str
    kind: Kind
    direction: Direction
    unit_en: str = ""
    numerator: str | None = None
    denominator: str | None = None
    aggregation: Aggregation = Aggregation.SUM
    bounds: tuple[float, float | None] = (0.0, None)
    decimals: int = 1
    source: str = ""
    sensitive: bool = False
    levels: tuple[str, ...] = ("province", "district")
    group: str = ""
    note: str = ""
    section: str = ""
    plan_target: bool = True
    lead_agency: str = ""
    synonyms: tuple[str, ...] = ()

    @property
    def factor(self) -> float:
        return self.kind.factor

    def name(self, lang: str = "vi") -> str:
        return self.name_vi if lang == "vi" else self.name_en

    def unit(self, lang: str = "vi") -> str:
        return self.unit_vi if lang == "vi" else (self.unit_en or self.unit_vi)


@dataclass(frozen=True)
class Section:
    """A section heading of the plan (``I. Mục tiêu chung``)."""

    code: str
    name_vi: str
    name_en: str = ""

    def name(self, lang: str = "vi") -> str:
        return self.name_vi if lang == "vi" else (self.name_en or self.name_vi)

    def heading(self, lang: str = "vi") -> str:
        """``"I. Mục tiêu chung"``."""
        return f"{self.code}. {self.name(lang)}"


@dataclass(frozen=True)
class Agency:
    """A department that chairs targets (``SYT`` → Sở Y tế). Names are data, never logic."""

    code: str
    name_vi: str
    name_en: str = ""

    def name(self, lang: str = "vi") -> str:
        return self.name_vi if lang == "vi" else (self.name_en or self.name_vi)


@dataclass(frozen=True)
class Catalog:
    """An ordered, read-only mapping of indicator code → :class:`Indicator`, with the plan's
    section headings and the lead agencies."""

    indicators: Mapping[str, Indicator]
    path: Path | None = None
    _order: tuple[str, ...] = field(default=(), repr=False)
    sections: tuple[Section, ...] = ()
    agencies: tuple[Agency, ...] = ()

    def __getitem__(self, code: str) -> Indicator:
        try:
            return self.indicators[code]
        except KeyError:
            raise KeyError(f"unknown indicator code {code!r}") from None

    def __contains__(self, code: object) -> bool:
        return code in self.indicators

    def __iter__(self) -> Iterator[Indicator]:
        return (self.indicators[c] for c in (self._order or tuple(self.indicators)))

    def __len__(self) -> int:
        return len(self.indicators)

    def get(self, code: str, default: Indicator | None = None) -> Indicator | None:
        """The indicator with this code, or ``default`` when the catalogue has none."""
        return self.indicators.get(code, default)

    def codes(self) -> list[str]:
        return list(self._order or self.indicators)

    def section(self, code: str) -> Section | None:
        """The section with this code (``"II"``), or None."""
        return next((s for s in self.sections if s.code == code), None)

    def agency(self, code: str) -> Agency | None:
        """The agency with this code (``"SYT"``), or None."""
        return next((a for a in self.agencies if a.code == code), None)

    def find_agency(self, text: str) -> Agency | None:
        """The agency named by ``text``: its code or its Vietnamese/English name (case and accents ignored)."""
        want = _fold(text)
        return next((a for a in self.agencies if want in (_fold(a.code), _fold(a.name_vi), _fold(a.name_en))), None)

    def plan_order(self, codes: Any) -> list[str]:
        """``codes`` in plan order: by section (as listed under ``sections:``), then catalogue order."""
        pos = {c: k for k, c in enumerate(self.codes())}
        sec = {s.code: k for k, s in enumerate(self.sections)}

        def key(c: str) -> tuple[int, int, str]:
            ind = self.indicators.get(c)
            s = sec.get(ind.section, len(sec)) if ind is not None else len(sec) + 1
            return s, pos.get(c, len(pos)), c

        return sorted(dict.fromkeys(codes), key=key)

    def to_frame(self):
        """The catalogue as a DataFrame (one row per indicator)."""
        import pandas as pd

        rows = []
        for ind in self:
            row = {f.name: getattr(ind, f.name) for f in fields(ind)}
            for k in ("kind", "direction", "aggregation"):
                row[k] = row[k].value
            row["bounds_lo"], row["bounds_hi"] = ind.bounds
            del row["bounds"]
            row["levels"] = ",".join(ind.levels)
            row["synonyms"] = "; ".join(ind.synonyms)
            rows.append(row)
        return pd.DataFrame(rows)

    def __repr__(self) -> str:
        return f"Catalog({len(self)} indicators from {self.path})"


def default_catalog_path() -> Path:
    from ctxh_plan.paths import params_dir

    return params_dir() / "indicators.yaml"


def _nfc(v: Any) -> Any:
    return unicodedata.normalize("NFC", v).strip() if isinstance(v, str) else v


def _bounds_rule(b: Any) -> str | None:
    ok = len(b) == 2 and all(x is None or (isinstance(x, (int, float)) and not isinstance(x, bool)) for x in b)
    if not ok or b[0] is None:
        return "must be [low, high] with a number as low (high may be null)"
    return "low is above high" if b[1] is not None and b[0] > b[1] else None


def _fold(text: Any) -> str:
    """Lower-case text without accents (đ → d), for matching names typed on the command line."""
    t = unicodedata.normalize("NFD", str(text).strip().lower()).replace("đ", "d")
    return "".join(ch for ch in t if unicodedata.category(ch) != "Mn")


def section_fields() -> tuple[Field, ...]:
    """The declared keys of one entry of ``sections:`` in ``params/indicators.yaml``."""
    return (
        Field("code", (str,), 'the heading number as printed, quoted, e.g. "II"', default=MISSING),
        Field("name_vi", (str,), "the Vietnamese heading", default=MISSING),
        Field("name_en", (str,), "the English heading", default=""),
    )


def agency_fields() -> tuple[Field, ...]:
    """The declared keys of one entry of ``agencies:`` in ``params/indicators.yaml``."""
    return (
        Field("code", (str,), "a short code, e.g. SYT", default=MISSING),
        Field("name_vi", (str,), "the department's Vietnamese name, e.g. Sở Y tế", default=MISSING),
        Field("name_en", (str,), "the English name", default=""),
    )


#: top-level keys of ``params/indicators.yaml``
CATALOG_FIELDS: tuple[Field, ...] = (
    Field("version", (int,), "version: 1", default=1),
    Field("sections", (list,), "a list of {code, name_vi, name_en}", default=[]),
    Field("agencies", (list,), "a list of {code, name_vi, name_en}", default=[]),
    Field("indicators", (list,), "the list of indicators", default=MISSING),
)


def indicator_fields() -> tuple[Field, ...]:
    """The declared keys of one indicator entry of ``params/indicators.yaml``."""
    from ctxh_plan.vocab import Level

    return (
        Field("code", (str,), "a unique code, e.g. CT11b", default=MISSING),
        Field("name_vi", (str,), "the Vietnamese name", default=MISSING),
        Field("name_en", (str,), "the English name", default=MISSING),
        Field("unit_vi", (str,), "the unit of measure as printed, e.g. %", default=MISSING),
        Field("kind", (str,), "the kind of indicator", default=MISSING, choices=tuple(k.value for k in Kind)),
        Field("direction", (str,), "higher or lower", default=MISSING, choices=tuple(d.value for d in Direction)),
        Field("unit_en", (str,), "the English unit of measure", default=""),
        Field("numerator", (str, type(None)), "the code of the numerator count indicator", default=None),
        Field("denominator", (str, type(None)), "the code of the denominator count indicator", default=None),
        Field("aggregation", (str,), "how unit values roll up", default=None,
              choices=tuple(a.value for a in Aggregation)),
        Field("bounds", (list,), "e.g. bounds: [0, 100] or [0, null]", default=None, rule=_bounds_rule),
        Field("decimals", (int,), "decimals shown, 0–6", default=1, minimum=0, maximum=6),
        Field("source", (str,), "the document that defines it", default=""),
        Field("sensitive", (bool,), "true: small cells are hidden in published tables", default=False),
        Field("levels", (list,), "unit levels that report it", default=["province", "district"], item_type=str,
              item_choices=tuple(lv.value for lv in Level)),
        Field("group", (str,), "a free-text theme", default=""),
        Field("note", (str,), "free text", default=""),
        Field("section", (str,), 'the code of a section listed under `sections:`, quoted, e.g. "II"', default=""),
        Field("plan_target", (bool, type(None)), "true if a plan sets a target for it (false for components, "
              "case counts, hotline calls, budgets)", default=None),
        Field("lead_agency", (str,), "the code of an agency listed under `agencies:`, e.g. SYT", default=""),
        Field("synonyms", (list, type(None)), 'other names analysts write, e.g. ["Số trẻ em tử vong do TNTT"]',
              default=[], item_type=str, rule=lambda v: "every synonym must be a non-empty name"
              if v and not all(x.strip() for x in v) else None),
    )


def _parse_indicator(raw: Any, path: Path, idx: int, fields_: tuple[Field, ...]) -> Indicator:
    code = raw.get("code") if isinstance(raw, dict) else None
    section = f"indicators[{idx}]" + (f" ({code})" if code else "")
    kw = check_mapping({k: _nfc(v) for k, v in raw.items()} if isinstance(raw, dict) else raw, fields_,
                       source=str(path), section=section)
    kind, direction = Kind(kw["kind"]), Direction(kw["direction"])
    if kw["aggregation"] is None:
        kw["aggregation"] = Aggregation.RATIO if kind.is_ratio else Aggregation.SUM
    if kw["bounds"] is None:
        kw["bounds"] = (0.0, 100.0) if kind.is_bounded_100 else (0.0, None)
    if kw["plan_target"] is None:  # not said: a plan sets targets for everything but money
        kw["plan_target"] = kind is not Kind.MONEY
    b = kw["bounds"]
    return Indicator(**{**kw, "kind": kind, "direction": direction, "aggregation": Aggregation(kw["aggregation"]),
                        "bounds": (float(b[0]), None if b[1] is None else float(b[1])),
                        "levels": tuple(kw["levels"]),
                        "synonyms": tuple(_nfc(x) for x in (kw["synonyms"] or []))})


#: catalogues already parsed in this process, by (path as given, sha256 of the bytes): a few, newest last
_LOADED: dict[tuple[str, str], Catalog] = {}
_LOADED_MAX = 8


def load_catalog(path: str | Path | None = None) -> Catalog:
    """Load the indicator catalogue from YAML.

    A catalogue is read-only, so one parsed from the same bytes at the same path is handed out again
    (every dataset load, validation and CLI command reads it: ~20 ms a parse); an edited file has other
    bytes and is parsed anew.

    Parameters
    ----------
    path : str or Path, optional
        Defaults to ``params/indicators.yaml``.

    Raises
    ------
    InputError
        Unknown keys, missing required keys, unknown kinds/directions, duplicate
        codes, or a numerator/denominator code that is not in the catalogue.
    """
    from ctxh_plan.io.digest import sha256_file
    from ctxh_plan.io.limits import MAX_YAML_BYTES

    p = Path(path) if path else default_catalog_path()
    if not p.exists():
        raise InputError("indicator catalogue not found", fix="check the path", file=str(p))
    if p.is_file() and p.stat().st_size <= MAX_YAML_BYTES:  # (read_yaml says what is wrong with the others)
        key = (str(p), sha256_file(p))
        if key not in _LOADED:
            if len(_LOADED) >= _LOADED_MAX:
                del _LOADED[next(iter(_LOADED))]
            _LOADED[key] = _parse_catalog(p)
        return _LOADED[key]
    return _parse_catalog(p)


def _parse_catalog(p: Path) -> Catalog:
    """Read and check the catalogue file ``p`` (see :func:`load_catalog`)."""
    doc = read_yaml(p)
    if not isinstance(doc, dict) or not isinstance(doc.get("indicators"), list):
        raise InputError("the catalogue must have a top-level `indicators:` list", file=str(p),
                         fix="see params/indicators.yaml in the repository for the layout")
    top = check_mapping(doc, CATALOG_FIELDS, source=str(p))
    sections = tuple(Section(**check_mapping({k: _nfc(v) for k, v in raw.items()} if isinstance(raw, dict) else raw,
                                             section_fields(), source=str(p), section=f"sections[{i}]"))
                     for i, raw in enumerate(top["sections"]))
    agencies = tuple(Agency(**check_mapping({k: _nfc(v) for k, v in raw.items()} if isinstance(raw, dict) else raw,
                                            agency_fields(), source=str(p), section=f"agencies[{i}]"))
                     for i, raw in enumerate(top["agencies"]))
    for what, items in (("section", sections), ("agency", agencies)):
        seen = [x.code for x in items]
        twice = [c for i, c in enumerate(seen) if c in seen[:i]]
        if twice:
            raise InputError(f"{what} code {twice[0]!r} appears twice", file=str(p), value=twice[0],
                             fix=f"give each {what} a unique code")
    inds: dict[str, Indicator] = {}
    fields_ = indicator_fields()
    for i, raw in enumerate(doc["indicators"]):
        ind = _parse_indicator(raw, p, i, fields_)
        if ind.code in inds:
            raise InputError(f"indicator code {ind.code!r} appears twice", file=str(p), row=i + 1,
                             column="code", value=ind.code, fix="give each indicator a unique code")
        inds[ind.code] = ind
    section_codes = {x.code for x in sections}
    agency_codes = {x.code for x in agencies}
    for i, ind in enumerate(inds.values()):
        for key, known in (("section", section_codes), ("lead_agency", agency_codes)):
            ref = getattr(ind, key)
            if ref and ref not in known:
                raise InputError(f"indicator {ind.code!r}: {key} {ref!r} is not listed under "
                                 f"`{'sections' if key == 'section' else 'agencies'}:`", file=str(p), row=i + 1,
                                 column=key, value=ref, fix=f"use one of {sorted(known)} or add it to the list")
    for ind in inds.values():
        for key in ("numerator", "denominator"):
            ref = getattr(ind, key)
            if ref is not None and ref not in inds:
                raise InputError(f"indicator {ind.code!r}: {key} {ref!r} is not in the catalogue",
                                 file=str(p), column=key, value=ref,
                                 fix="add that count indicator or remove the reference")
    return Catalog(indicators=inds, path=p, _order=tuple(inds), sections=sections, agencies=agencies)
