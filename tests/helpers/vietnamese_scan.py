"""Scan generated Vietnamese documents (Word, Excel, HTML) for English words and machine paths.

Used by tests/present/test_present_vietnamese.py; also runnable on any output folder:
``.venv/bin/python tests/helpers/vietnamese_scan.py outputs/latest`` prints every finding.
"""
from __future__ import annotations

import html
import re
import sys
import zipfile
from pathlib import Path

#: English words that must not appear in a Vietnamese document (whole words, any case). Proper names of
#: methods and sources (Open SDG, UNSD, UNICEF, ESCAP, SHA-256) are not in the list.
ENGLISH_WORDS = frozenset((
    "the", "and", "of", "for", "with", "from", "not", "is", "are", "was", "were", "be", "been", "to", "on", "by",
    "at", "or", "this", "that", "which", "than", "target", "targets", "baseline", "forecast", "forecasts", "trend",
    "floor", "year", "years", "unit", "units", "linear", "geometric", "interval", "estimate", "estimates",
    "estimated", "illustrative", "data", "series", "used", "missing", "value", "values", "method", "methods",
    "path", "undefined", "interpolated", "interpolation", "gap", "gaps", "notebook", "maintain", "stretch",
    "required", "met", "exceeded", "uncertain", "insufficient", "province", "district", "commune", "indicator",
    "indicators", "budget", "note", "notes", "error", "warning", "nan", "none", "true", "false", "naive",
    "fallback", "scenario", "scenarios", "feasibility", "binding", "milestone", "milestones", "share", "progress",
    "deterioration", "acceleration", "status", "verdict", "appendix", "table", "tables", "sources", "file",
    "files", "dataset", "period", "observed", "attainment", "rate", "rates", "suppressed", "hidden", "small",
    "count", "counts", "report", "reports", "level", "levels", "lower", "higher", "better", "worse",
))

#: a word: not part of a file name or an identifier (targets.csv, unit_code, CT11b)
_WORD = re.compile(r"(?<![\w./-])[A-Za-z]{2,}(?![\w-]|\.\w)")
#: an absolute path: "/" + at least two segments (not "…/KH-UBND", not "/100.000", not "xã/phường/đặc khu"),
#: a Windows drive path, or a file URL
_PATH = re.compile(r"(?<![\w:/.…])/(?:[\w.-]+/)+[\w.-]*|\b[A-Za-z]:\\[\w\\. -]+|file://\S+")


def docx_text(path: Path) -> str:
    """Every text of a Word file (body, tables, headers, footers, notes), one run per space."""
    out = []
    with zipfile.ZipFile(path) as z:
        for name in z.namelist():
            if name.startswith("word/") and name.endswith(".xml"):
                xml = z.read(name).decode("utf-8")
                out += [html.unescape(t) for t in re.findall(r"<w:t(?: [^>]*)?>([^<]*)</w:t>", xml)]
    return " ".join(out)


def xlsx_text(path: Path) -> str:
    """Every text of an Excel file: cell values, sheet names, the literal parts of number formats, headers
    and footers."""
    import openpyxl

    wb = openpyxl.load_workbook(path)
    out = list(wb.sheetnames)
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for c in row:
                if c.value is not None:
                    out.append(str(c.value))
                out += re.findall(r'"([^"]*)"', c.number_format or "")
        for hf in (ws.oddFooter, ws.oddHeader):
            for part in (hf.left, hf.center, hf.right):
                if part.text:
                    out.append(re.sub(r"&[A-Z]", " ", part.text))
    return " ".join(out)


def html_text(path: Path) -> str:
    """The text a reader sees in an HTML report: no tags, styles, scripts or embedded images."""
    t = path.read_text(encoding="utf-8")
    t = re.sub(r"<(style|script)[^>]*>.*?</\1>", " ", t, flags=re.S | re.I)
    t = re.sub(r"<!--.*?-->", " ", t, flags=re.S)
    t = re.sub(r"<[^>]+>", " ", t)
    return html.unescape(t)


def read_text(path: Path) -> str:
    suffix = path.suffix.lower()
    if suffix == ".docx":
        return docx_text(path)
    if suffix == ".xlsx":
        return xlsx_text(path)
    return html_text(path)


def english_words(txt: str) -> list[str]:
    """Words of :data:`ENGLISH_WORDS` found in ``txt`` (as written, in order, once each)."""
    found = [w for w in _WORD.findall(txt) if w.lower() in ENGLISH_WORDS]
    return list(dict.fromkeys(found))


def absolute_paths(txt: str) -> list[str]:
    return list(dict.fromkeys(_PATH.findall(txt)))


def scan(path: Path) -> dict[str, list[str]]:
    """``{"english": [...], "paths": [...]}`` for one document."""
    txt = read_text(path)
    return {"english": english_words(txt), "paths": absolute_paths(txt)}


def main(argv: list[str]) -> int:
    bad = 0
    for folder in argv or ["outputs/latest"]:
        for p in sorted(Path(folder).rglob("*")):
            if p.suffix.lower() in (".docx", ".xlsx", ".html"):
                found = scan(p)
                if found["english"] or found["paths"]:
                    bad += 1
                    print(p, found)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
