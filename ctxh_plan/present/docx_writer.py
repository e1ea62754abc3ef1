"""Word appendix (python-docx) in the official format of Nghị định 30/2020/NĐ-CP.

Times New Roman, A4, margins top/bottom 20 mm, left 30 mm, right 15 mm (within the decree's
ranges), landscape pages for the wide tables, header rows repeated on every page
(``w:tblHeader``), the "Phụ lục" heading block (number and title in bold capitals, the
issuing document reference in italics), page numbers in the footer, Vietnamese number format
(1.234,5), section headings of the plan in bold rows, numbered notes under each table kept with
their heading ("keep with next"), each table on a new page without empty pages between them,
units of measure that never break after "/".
"""
from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ctxh_plan.present.labels import table_title, text
from ctxh_plan.present.tables import format_cell

if TYPE_CHECKING:  # pragma: no cover
    from ctxh_plan.present.tables import AppendixTable

__all__ = [
    "BODY_FONT_PT",
    "FIXED_DATE",
    "FONT",
    "MARGINS_MM",
    "TABLE_FONT_PT",
    "DocxHeader",
    "format_cell",
    "normalize_ooxml",
    "write_docx",
]

FONT = "Times New Roman"
#: page margins in mm (Nghị định 30/2020/NĐ-CP: top 20–25, bottom 20–25, left 30–35, right 15–20)
MARGINS_MM = {"top": 20.0, "bottom": 20.0, "left": 30.0, "right": 15.0}
BODY_FONT_PT = 13
TABLE_FONT_PT = 10
A4_MM = (210.0, 297.0)
#: creation/modification date written into every Word/Excel appendix (core properties and zip entries), so that
#: the same inputs give byte-identical files; the real run time is in the batch manifest
FIXED_DATE = (2000, 1, 1, 0, 0, 0)


@dataclass
class DocxHeader:
    """Text of the heading block of an appendix."""

    appendix_number: str = "I"
    title: str = ""
    document_ref: str = ""
    unit_line: str = ""
    illustrative: bool = False
    charts: list = field(default_factory=list)  # [(png path, caption)]


def _set_rfonts(rpr: Any) -> None:
    """Times New Roman in every font slot (ASCII, high ANSI, complex script, East Asian) of a run property."""
    from docx.oxml.ns import qn

    rfonts = rpr.find(qn("w:rFonts"))
    if rfonts is None:
        rfonts = rpr.makeelement(qn("w:rFonts"), {})
        rpr.insert(0, rfonts)
    for attr in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        rfonts.set(qn(attr), FONT)


def _set_run_font(run: Any, size: float | None = None, bold: bool | None = None, italic: bool | None = None) -> None:
    from docx.shared import Pt

    run.font.name = FONT
    _set_rfonts(run._element.get_or_add_rPr())
    if size is not None:
        run.font.size = Pt(size)
    if bold is not None:
        run.bold = bold
    if italic is not None:
        run.italic = italic


def _para(doc_or_cell: Any, txt: str, *, size: float = BODY_FONT_PT, bold: bool = False, italic: bool = False,
          align: str = "center", space_after: float = 0) -> Any:
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    p = doc_or_cell.add_paragraph()
    p.alignment = {"center": WD_ALIGN_PARAGRAPH.CENTER, "left": WD_ALIGN_PARAGRAPH.LEFT,
                   "right": WD_ALIGN_PARAGRAPH.RIGHT, "justify": WD_ALIGN_PARAGRAPH.JUSTIFY}[align]
    p.paragraph_format.space_after = Pt(space_after)
    p.paragraph_format.space_before = Pt(0)
    _set_run_font(p.add_run(txt), size, bold, italic)
    return p


def _setup_styles(doc: Any) -> None:
    from docx.oxml.ns import qn
    from docx.shared import Pt

    st = doc.styles["Normal"]
    st.font.name = FONT
    st.font.size = Pt(BODY_FONT_PT)
    rpr = st.element.get_or_add_rPr()
    _set_rfonts(rpr)
    # Vietnamese proofing language
    lang_el = rpr.find(qn("w:lang"))
    if lang_el is None:
        lang_el = rpr.makeelement(qn("w:lang"), {})
        rpr.append(lang_el)
    lang_el.set(qn("w:val"), "vi-VN")


def _setup_section(section: Any, landscape: bool) -> None:
    from docx.enum.section import WD_ORIENT
    from docx.shared import Mm, Twips

    w, h = A4_MM
    section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = (Mm(h), Mm(w)) if landscape else (Mm(w), Mm(h))
    # Word stores margins in twips: round up so 15 mm is never stored as 14.99 mm (outside the decree's range)
    twips = {k: Twips(math.ceil(v * 1440 / 25.4)) for k, v in MARGINS_MM.items()}
    section.top_margin, section.bottom_margin = twips["top"], twips["bottom"]
    section.left_margin, section.right_margin = twips["left"], twips["right"]
    section.header_distance = Mm(10)
    section.footer_distance = Mm(10)


def _mark_header_row(row: Any) -> None:
    """Repeat this row at the top of every page and never split it."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    trpr = row._tr.get_or_add_trPr()
    for tag in ("w:cantSplit", "w:tblHeader"):
        el = OxmlElement(tag)
        el.set(qn("w:val"), "true")
        trpr.append(el)


def _set_cell_margins(table: Any, left_right_twips: int) -> None:
    """Default left/right cell margins of ``table`` (twips)."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    tblpr = table._tbl.tblPr
    mar = OxmlElement("w:tblCellMar")
    for side in ("left", "right"):
        el = OxmlElement(f"w:{side}")
        el.set(qn("w:w"), str(left_right_twips))
        el.set(qn("w:type"), "dxa")
        mar.append(el)
    tblpr.append(mar)


def _keep_row_whole(row: Any) -> None:
    """Do not split this row across pages."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    el = OxmlElement("w:cantSplit")
    el.set(qn("w:val"), "true")
    row._tr.get_or_add_trPr().append(el)


def _keep_with_next(paragraph: Any) -> Any:
    """The paragraph stays on the page of the next one (a title or a notes heading is never left alone)."""
    paragraph.paragraph_format.keep_with_next = True
    return paragraph


def _add_page_number(section: Any, lang: str) -> None:
    """Centred page number in the footer ("Trang 3"), as a PAGE field Word and LibreOffice update."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    footer = section.footer
    footer.is_linked_to_previous = False
    p = footer.paragraphs[0] if footer.paragraphs else footer.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _set_run_font(p.add_run(text("page", lang) + " "), 11)
    for tag, attr in (("w:fldChar", "begin"), ("w:instrText", " PAGE "), ("w:fldChar", "separate"), ("w:t", "1"),
                      ("w:fldChar", "end")):
        run = p.add_run()
        _set_run_font(run, 11)  # every part of the field in its own run, so the number has the footer's size
        el = OxmlElement(tag)
        if tag == "w:fldChar":
            el.set(qn("w:fldCharType"), attr)
        else:
            el.set(qn("xml:space"), "preserve")
            el.text = attr
        run._r.append(el)


def _no_break_after_slash(txt: str) -> str:
    """"/100.000 trẻ em" must not break after "/": a word joiner (U+2060) glues the slash to what follows."""
    return txt.replace("/", "/\u2060")


def _cell_text(cell: Any, txt: str, *, bold: bool = False, italic: bool = False, align: str = "left",
               size: float = TABLE_FONT_PT) -> None:
    from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
    p = cell.paragraphs[0]
    p.alignment = {"center": WD_ALIGN_PARAGRAPH.CENTER, "left": WD_ALIGN_PARAGRAPH.LEFT,
                   "right": WD_ALIGN_PARAGRAPH.RIGHT}[align]
    p.paragraph_format.space_after = Pt(0)
    p.paragraph_format.space_before = Pt(0)
    _set_run_font(p.add_run(txt), size, bold, italic)


def _widths_mm(table: AppendixTable, usable_mm: float) -> list[float]:
    raw = [c.width_mm for c in table.columns]
    scale = usable_mm / sum(raw)
    return [w * scale for w in raw]


def _add_table(doc: Any, table: AppendixTable, lang: str, *, new_page: bool) -> None:
    from docx.enum.table import WD_ROW_HEIGHT_RULE, WD_TABLE_ALIGNMENT
    from docx.shared import Mm, Pt

    head = _keep_with_next(_para(doc, table.number, bold=True, size=BODY_FONT_PT, space_after=0))
    head.paragraph_format.page_break_before = new_page
    _keep_with_next(_para(doc, table.title.upper(), bold=True, size=BODY_FONT_PT))
    if table.subtitle:
        _keep_with_next(_para(doc, table.subtitle, italic=True, size=12, space_after=6))
    cols = table.columns
    has_groups = any(c.group for c in cols)
    n_head = 2 if has_groups else 1
    t = doc.add_table(rows=n_head + len(table.frame), cols=len(cols))
    t.style = doc.styles["Table Grid"]
    t.alignment = WD_TABLE_ALIGNMENT.CENTER
    t.autofit = False
    _set_cell_margins(t, left_right_twips=57)  # 1 mm instead of Word's 1.9 mm: more room for numbers
    usable = A4_MM[1] - MARGINS_MM["left"] - MARGINS_MM["right"]
    widths = _widths_mm(table, usable)
    for j, w in enumerate(widths):
        t.columns[j].width = Mm(w)
    rows = [r.cells for r in t.rows]  # python-docx rebuilds the grid on every .cells / .cell(): fetch once
    for cells in rows:
        for cell, w in zip(cells, widths):
            cell.width = Mm(w)
    # header rows
    if has_groups:
        j = 0
        while j < len(cols):
            c = cols[j]
            if c.group:
                k = j
                while k + 1 < len(cols) and cols[k + 1].group == c.group:
                    k += 1
                top = rows[0][j].merge(rows[0][k])
                _cell_text(top, c.group, bold=True, align="center")
                for m in range(j, k + 1):
                    _cell_text(rows[1][m], table.label(cols[m].key), bold=True, align="center")
                j = k + 1
            else:
                merged = rows[0][j].merge(rows[1][j])
                _cell_text(merged, table.label(c.key), bold=True, align="center")
                j += 1
    else:
        for j, c in enumerate(cols):
            _cell_text(rows[0][j], table.label(c.key), bold=True, align="center")
    trs = list(t.rows)
    for r in range(n_head):
        _mark_header_row(trs[r])
    if has_groups:  # room for the merged labels (LibreOffice clips repeated headers without it)
        trs[0].height_rule = WD_ROW_HEIGHT_RULE.AT_LEAST
        trs[0].height = Mm(7)
        trs[1].height_rule = WD_ROW_HEIGHT_RULE.AT_LEAST
        trs[1].height = Mm(12)
    # body
    keys = [c.key for c in cols]
    name_at = keys.index("indicator") if "indicator" in keys else (1 if len(keys) > 1 else 0)
    for i in range(len(table.frame)):
        _keep_row_whole(trs[n_head + i])
        cells = rows[n_head + i]
        kind = table.kind_of(i)
        if kind == "heading":  # a section of the plan: "I" and its name in bold across the row
            _cell_text(cells[0], format_cell(table, i, keys[0], lang), bold=True, align="center")
            merged = cells[name_at].merge(cells[-1]) if name_at < len(cells) - 1 else cells[name_at]
            _cell_text(merged, format_cell(table, i, keys[name_at], lang), bold=True, align="left")
            continue
        for j, c in enumerate(cols):
            txt = format_cell(table, i, c.key, lang)
            if c.key in ("unit_of_measure", "quantity_unit"):
                txt = _no_break_after_slash(txt)
            _cell_text(cells[j], txt, align=c.alignment(), bold=kind == "total",
                       italic=kind == "sub" and not c.numeric)
    if table.notes:
        if len(table.frame):  # the last row goes to the next page with the notes: notes never stand alone
            for cell in rows[-1]:
                for par in cell.paragraphs:
                    _keep_with_next(par)
        head = _keep_with_next(_para(doc, text("notes", lang) + ":", bold=True, italic=True, size=11, align="left"))
        head.paragraph_format.space_before = Pt(6)
        n = len(table.notes)
        for k, note in enumerate(table.notes, start=1):
            p = _para(doc, f"({k}) {note}", italic=True, size=11, align="justify")
            if k == 1 or k == n - 1:  # the heading goes with the first note, the last note never goes alone
                _keep_with_next(p)


def _png_size(path: str | Path) -> tuple[float, float]:
    """(width, height) in pixels of a PNG file, from its header."""
    import struct

    with open(path, "rb") as fh:
        head = fh.read(24)
    if head[:8] != b"\x89PNG\r\n\x1a\n":
        from ctxh_plan.errors import InputError

        raise InputError("chart file is not a PNG", file=str(path), fix="charts are embedded as PNG")
    w, h = struct.unpack(">II", head[16:24])
    return float(w), float(h)


def write_docx(tables: Sequence[AppendixTable], path: str | Path, header: DocxHeader, *,
               lang: str = "vi") -> Path:
    """Write the Word appendix for one unit (atomic write). Returns ``path``.

    Parameters
    ----------
    tables : AppendixTable list
        Biểu 1, 2, 3 from :func:`~ctxh_plan.present.tables.build_appendix_tables`.
    header : DocxHeader
        Appendix number, title, issuing document reference, unit line, illustrative flag, charts to embed.
    """
    import docx
    from docx.enum.section import WD_SECTION
    from docx.shared import Mm

    from ctxh_plan.io.atomic import atomic_path

    doc = docx.Document()
    _setup_styles(doc)
    _setup_section(doc.sections[0], landscape=True)
    _add_page_number(doc.sections[0], lang)
    appendix = text("appendix", lang).upper()
    _keep_with_next(_para(doc, f"{appendix} {header.appendix_number}".strip(), bold=True))
    if header.title:
        _keep_with_next(_para(doc, header.title.upper(), bold=True))
    if header.document_ref:
        _keep_with_next(_para(doc, header.document_ref, italic=True))
    if header.unit_line:
        _keep_with_next(_para(doc, header.unit_line, italic=True, size=12))
    if header.illustrative:
        _keep_with_next(_para(doc, f"({text('illustrative', lang).upper()})", bold=True, italic=True, size=12))
    _keep_with_next(_para(doc, "______", space_after=6))
    for k, table in enumerate(tables):
        _add_table(doc, table, lang, new_page=k > 0)  # a page break before each later table: no empty page
    if header.charts:
        sec = doc.add_section(WD_SECTION.NEW_PAGE)
        _setup_section(sec, landscape=True)
        number, title = table_title("charts", lang)
        _keep_with_next(_para(doc, title.upper(), bold=True, space_after=6))
        for k, (png, caption) in enumerate(header.charts, start=1):
            w, h = _png_size(png)
            box_w = A4_MM[1] - MARGINS_MM["left"] - MARGINS_MM["right"] - 5
            box_h = 120.0 if h <= w else A4_MM[0] - MARGINS_MM["top"] - MARGINS_MM["bottom"] - 25  # tall: the page
            scale = min(box_w / w, box_h / h)  # fit the page, keep the aspect ratio
            doc.add_picture(str(png), width=Mm(w * scale), height=Mm(h * scale))
            _keep_with_next(doc.paragraphs[-1]).alignment = 1  # centre; the picture stays with its caption
            _para(doc, f"{number} {k}. {caption}", italic=True, size=11, space_after=6)
        if header.illustrative:
            _para(doc, text("illustrative_note", lang), italic=True, size=11)
    import datetime as dt

    stamp = dt.datetime(*FIXED_DATE, tzinfo=dt.UTC)
    doc.core_properties.created = stamp
    doc.core_properties.modified = stamp
    with atomic_path(path) as tmp:
        doc.save(str(tmp))
        normalize_ooxml(tmp)
    return Path(path)


def _ooxml_order(name: str) -> tuple[int, str]:
    """``[Content_Types].xml`` first, then the package relationships, then every part by name."""
    return ({"[Content_Types].xml": 0, "_rels/.rels": 1}.get(name, 2), name)


def normalize_ooxml(path: str | Path, when: tuple[int, int, int, int, int, int] = FIXED_DATE) -> Path:
    """Rewrite an Office Open XML file (.docx, .xlsx) in place so that it depends only on its content.

    Zip entries get the fixed time ``when`` (local-time fields, no time zone), fixed permissions and a
    canonical order (content types, package relationships, then parts sorted by name); the
    ``dcterms:created`` / ``dcterms:modified`` dates of ``docProps/core.xml`` are set to ``when`` (UTC).
    Writers stamp the current time in both places, so without this two runs on the same inputs
    give different bytes. Call it on the temporary file inside ``atomic_path`` (the rename stays atomic).

    Parameters
    ----------
    path : path of the file (rewritten in place).
    when : (year, month, day, hour, minute, second), year >= 1980 (zip dates start then).
    """
    import io
    import re
    import zipfile

    p = Path(path)
    with zipfile.ZipFile(p) as zin:
        parts = {i.filename: zin.read(i.filename) for i in zin.infolist()}
    iso = "{:04d}-{:02d}-{:02d}T{:02d}:{:02d}:{:02d}Z".format(*when)
    core = parts.get("docProps/core.xml")
    if core is not None:
        for tag in ("created", "modified"):
            core = re.sub(rb"(<dcterms:%s\b[^>]*>)[^<]*(</dcterms:%s>)" % (tag.encode(), tag.encode()),
                          rb"\g<1>" + iso.encode() + rb"\g<2>", core)
        parts["docProps/core.xml"] = core
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED) as zout:
        for name in sorted(parts, key=_ooxml_order):
            info = zipfile.ZipInfo(name, date_time=when)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o600 << 16
            info.create_system = 0
            zout.writestr(info, parts[name])
    p.write_bytes(buf.getvalue())
    return p
