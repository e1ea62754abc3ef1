"""Word appendix (python-docx) in the official format of Nghị định 30/2020/NĐ-CP.

Times New Roman, A4, margins top/bottom 20 mm, left 30 mm, right 15 mm (within the decree's
ranges), landscape pages for the wide tables, header rows repeated on every page
(``w:tblHeader``), the "Phụ lục" heading block (number and title in bold capitals, the
issuing document reference in italics), page numbers in the footer, Vietnamese number format
(1.234,5), section headings of the plan in bold rows, numbered notes under each table kept with
their heading ("keep with next"), each table on a new page without empty pages between them,
units of measure that never break after "/".

How it is written: the fonts, sizes, alignment and spacing live in the document's **styles**, defined
once per document (:data:`PARAGRAPH_STYLES`, :data:`CHARACTER_STYLES`, the table style ``CTXH Biểu``
on "Table Grid"); a paragraph names its style and a run in a total or component row its character style.
The heading block and the tables are written as WordprocessingML text in one pass and parsed once
(python-docx's object model costs about a millisecond per cell); pictures and the page-number footer go
through python-docx.
"""
from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any
from xml.sax.saxutils import escape

from ctxh_plan.present.labels import table_title, text
from ctxh_plan.present.tables import format_cell

if TYPE_CHECKING:  # pragma: no cover
    from ctxh_plan.present.tables import AppendixTable

__all__ = [
    "BODY_FONT_PT",
    "CHARACTER_STYLES",
    "FIXED_DATE",
    "FONT",
    "MARGINS_MM",
    "PARAGRAPH_STYLES",
    "TABLE_FONT_PT",
    "TABLE_STYLE",
    "DocxHeader",
    "format_cell",
    "normalize_ooxml",
    "save_ooxml",
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

_W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


@dataclass(frozen=True)
class _ParaStyle:
    """A paragraph style: name shown in Word, size (pt), alignment, spacing before/after (pt), bold, italic,
    line spacing in 240ths (None: inherited)."""

    name: str
    size: float = BODY_FONT_PT
    align: str = "center"
    before: float = 0.0
    after: float = 0.0
    bold: bool = False
    italic: bool = False
    line: int | None = None
    based_on: str = "Normal"


#: style id → paragraph style; every paragraph of the appendix names one of them
PARAGRAPH_STYLES: dict[str, _ParaStyle] = {
    "CtxhTitle": _ParaStyle("CTXH Tiêu đề", bold=True),
    "CtxhReference": _ParaStyle("CTXH Văn bản kèm theo", italic=True),
    "CtxhUnitLine": _ParaStyle("CTXH Địa phương", size=12, italic=True),
    "CtxhIllustrative": _ParaStyle("CTXH Dữ liệu minh họa", size=12, bold=True, italic=True),
    "CtxhRule": _ParaStyle("CTXH Gạch ngang", after=6),
    "CtxhSubtitle": _ParaStyle("CTXH Phụ đề biểu", size=12, italic=True, after=6),
    "CtxhChartsTitle": _ParaStyle("CTXH Tiêu đề biểu đồ", bold=True, after=6),
    "CtxhPicture": _ParaStyle("CTXH Hình"),
    "CtxhCaption": _ParaStyle("CTXH Chú thích hình", size=11, italic=True, after=6),
    "CtxhClosingNote": _ParaStyle("CTXH Ghi chú cuối", size=11, italic=True),
    "CtxhNotesHead": _ParaStyle("CTXH Ghi chú", size=11, align="left", before=6, bold=True, italic=True),
    "CtxhNote": _ParaStyle("CTXH Nội dung ghi chú", size=11, align="justify", italic=True),
    "CtxhCell": _ParaStyle("CTXH Ô bảng", size=TABLE_FONT_PT, align="left", line=240),
    "CtxhCellCenter": _ParaStyle("CTXH Ô bảng giữa", size=TABLE_FONT_PT, align="center", line=240,
                                 based_on="CtxhCell"),
    "CtxhCellRight": _ParaStyle("CTXH Ô bảng phải", size=TABLE_FONT_PT, align="right", line=240,
                                based_on="CtxhCell"),
    "CtxhCellHead": _ParaStyle("CTXH Đầu cột", size=TABLE_FONT_PT, align="center", bold=True, line=240,
                               based_on="CtxhCell"),
}
#: style id → (name, bold, italic, size in pt): the runs of total rows (bold), component rows (italic), the page number
CHARACTER_STYLES: dict[str, tuple[str, bool, bool, float | None]] = {
    "CtxhBold": ("CTXH Đậm", True, False, None),
    "CtxhItalic": ("CTXH Nghiêng", False, True, None),
    "CtxhPageNumber": ("CTXH Số trang", False, False, 11.0),
}
#: the tables' style: "Table Grid" (thin borders) with 1 mm left/right cell margins instead of 1.9 mm
TABLE_STYLE = "CtxhTable"
_CELL_STYLE = {"left": "CtxhCell", "center": "CtxhCellCenter", "right": "CtxhCellRight"}
_JC = {"center": "center", "left": "left", "right": "right", "justify": "both"}


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


def _style_xml(style_id: str, st: _ParaStyle) -> str:
    spacing = f'w:before="{round(st.before * 20)}" w:after="{round(st.after * 20)}"'
    if st.line is not None:
        spacing += f' w:line="{st.line}" w:lineRule="auto"'
    rpr = ("<w:b/><w:bCs/>" if st.bold else "") + ("<w:i/><w:iCs/>" if st.italic else "")
    size = round(st.size * 2)
    return (f'<w:style w:type="paragraph" w:customStyle="1" w:styleId="{style_id}"><w:name w:val="{escape(st.name)}"/>'
            f'<w:basedOn w:val="{st.based_on}"/><w:qFormat/><w:pPr><w:spacing {spacing}/>'
            f'<w:jc w:val="{_JC[st.align]}"/></w:pPr><w:rPr>{rpr}<w:sz w:val="{size}"/><w:szCs w:val="{size}"/>'
            "</w:rPr></w:style>")


def _setup_styles(doc: Any) -> None:
    """Normal in Times New Roman 13 pt with Vietnamese proofing, then the appendix's paragraph, character and
    table styles (once per document)."""
    from docx.oxml import parse_xml
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
    parts = [_style_xml(k, v) for k, v in PARAGRAPH_STYLES.items()]
    for sid, (name, bold, italic, size) in CHARACTER_STYLES.items():
        rpr_ = ("<w:b/><w:bCs/>" if bold else "") + ("<w:i/><w:iCs/>" if italic else "")
        if size is not None:
            rpr_ += f'<w:sz w:val="{round(size * 2)}"/><w:szCs w:val="{round(size * 2)}"/>'

        parts.append(f'<w:style w:type="character" w:customStyle="1" w:styleId="{sid}"><w:name w:val="{name}"/>'
                     f'<w:basedOn w:val="DefaultParagraphFont"/><w:rPr>{rpr_}</w:rPr></w:style>')
    parts.append(f'<w:style w:type="table" w:customStyle="1" w:styleId="{TABLE_STYLE}"><w:name w:val="CTXH Biểu"/>'
                 '<w:basedOn w:val="TableGrid"/><w:tblPr><w:jc w:val="center"/><w:tblCellMar>'
                 '<w:left w:w="57" w:type="dxa"/><w:right w:w="57" w:type="dxa"/></w:tblCellMar></w:tblPr></w:style>')
    styles = parse_xml(f'<w:styles xmlns:w="{_W_NS}">{"".join(parts)}</w:styles>')
    for el in list(styles):
        st.element.getparent().append(el)


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


def _add_page_number(section: Any, lang: str) -> None:
    """Centred page number in the footer ("Trang 3"), as a PAGE field Word and LibreOffice update (every part of
    the field in its own run of the page-number character style, so the number has the footer's size)."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import parse_xml

    footer = section.footer
    footer.is_linked_to_previous = False
    p = footer.paragraphs[0] if footer.paragraphs else footer.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    style = '<w:rPr><w:rStyle w:val="CtxhPageNumber"/></w:rPr>'
    field_runs = "".join((f'<w:r>{style}<w:fldChar w:fldCharType="{v}"/></w:r>' if tag == "fldChar" else
                          f'<w:r>{style}<w:{tag} xml:space="preserve">{v}</w:{tag}></w:r>')
                         for tag, v in (("fldChar", "begin"), ("instrText", " PAGE "), ("fldChar", "separate"),
                                        ("t", "1"), ("fldChar", "end")))
    runs = parse_xml(f'<w:p xmlns:w="{_W_NS}">{_run(text("page", lang) + " ", "CtxhPageNumber")}{field_runs}</w:p>')
    for el in list(runs):
        p._p.append(el)


# --------------------------------------------------------------------------- python-docx helpers
# (run-level formatting; the tracking report's Word draft, ``tracking.report_doc``, writes with them)

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


#: characters XML 1.0 cannot hold (python-docx would refuse them)
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _run(txt: str, char_style: str = "", *, bold: bool = False, italic: bool = False) -> str:
    """A run of ``txt`` (tabs and line breaks as Word's elements, like python-docx's ``add_run``)."""
    props = (f'<w:rStyle w:val="{char_style}"/>' if char_style else "") + ("<w:b/>" if bold else "") + \
        ("<w:i/>" if italic else "")
    rpr = f"<w:rPr>{props}</w:rPr>" if props else ""
    txt = _NOT_XML.sub("", txt)
    body = []
    for k, line in enumerate(txt.split("\n")):
        if k:
            body.append("<w:br/>")
        for m, piece in enumerate(line.split("\t")):
            if m:
                body.append("<w:tab/>")
            if piece:
                space = ' xml:space="preserve"' if piece != piece.strip() else ""
                body.append(f"<w:t{space}>{escape(piece)}</w:t>")
    return f"<w:r>{rpr}{''.join(body)}</w:r>"


def _p(txt: str, style: str, *, keep_next: bool = False, page_break: bool = False, char_style: str = "",
       bold: bool = False, italic: bool = False) -> str:
    """A paragraph of style ``style`` holding one run (direct ``keepNext`` / ``pageBreakBefore`` where asked; the
    heading block's runs also say bold / italic directly, as readers of the document expect)."""
    ppr = f'<w:pStyle w:val="{style}"/>' + ("<w:keepNext/>" if keep_next else "") + \
        ("<w:pageBreakBefore/>" if page_break else "")
    run = _run(txt, char_style, bold=bold, italic=italic) if txt or char_style else ""
    return f"<w:p><w:pPr>{ppr}</w:pPr>{run}</w:p>"


def _no_break_after_slash(txt: str) -> str:
    """"/100.000 trẻ em" must not break after "/": a word joiner (U+2060) glues the slash to what follows."""
    return txt.replace("/", "/\u2060")


def _twips(mm: float) -> int:
    """Millimetres → twips as python-docx stores them (via EMU: 36,000 per mm, 635 per twip)."""
    return round(int(mm * 36000) / 635.0)


def _widths_mm(table: AppendixTable, usable_mm: float) -> list[float]:
    raw = [c.width_mm for c in table.columns]
    scale = usable_mm / sum(raw)
    return [w * scale for w in raw]


def _tc(width: int, content: str, *, span: int = 1, vmerge: str | None = None, valign: bool = True) -> str:
    """A table cell of ``width`` twips (``span`` grid columns; ``vmerge`` "restart" or "continue")."""
    props = f'<w:tcW w:w="{width}" w:type="dxa"/>'
    if span > 1:
        props += f'<w:gridSpan w:val="{span}"/>'
    if vmerge == "restart":
        props += '<w:vMerge w:val="restart"/>'
    elif vmerge == "continue":
        props += "<w:vMerge/>"
    if valign:
        props += '<w:vAlign w:val="center"/>'
    return f"<w:tc><w:tcPr>{props}</w:tcPr>{content or '<w:p/>'}</w:tc>"


def _tr(cells: Sequence[str], *, header: bool = False, height: int | None = None) -> str:
    props = '<w:cantSplit w:val="true"/>'
    if height is not None:
        props += f'<w:trHeight w:val="{height}" w:hRule="atLeast"/>'
    if header:  # repeated at the top of every page
        props += '<w:tblHeader w:val="true"/>'
    return f"<w:tr><w:trPr>{props}</w:trPr>{''.join(cells)}</w:tr>"


def _table_xml(table: AppendixTable, lang: str, *, new_page: bool) -> str:
    """Number, title, subtitle, the table (header rows repeated, body rows kept whole) and its notes."""
    out = [_p(table.number, "CtxhTitle", keep_next=True, page_break=new_page),
           _p(table.title.upper(), "CtxhTitle", keep_next=True)]
    if table.subtitle:
        out.append(_p(table.subtitle, "CtxhSubtitle", keep_next=True))
    cols = table.columns
    n = len(cols)
    has_groups = any(c.group for c in cols)
    usable = A4_MM[1] - MARGINS_MM["left"] - MARGINS_MM["right"]
    widths = [_twips(w) for w in _widths_mm(table, usable)]

    def head(key_text: str) -> str:
        return _p(key_text, "CtxhCellHead")

    rows: list[str] = []
    if has_groups:
        top: list[str] = []
        bottom: list[str] = []
        j = 0
        while j < n:
            c = cols[j]
            if c.group:
                k = j
                while k + 1 < n and cols[k + 1].group == c.group:
                    k += 1
                top.append(_tc(sum(widths[j:k + 1]), head(c.group), span=k - j + 1))
                bottom += [_tc(widths[m], head(table.label(cols[m].key))) for m in range(j, k + 1)]
                j = k + 1
            else:
                top.append(_tc(widths[j], head(table.label(c.key)), vmerge="restart"))
                bottom.append(_tc(widths[j], "", vmerge="continue", valign=False))
                j += 1
        # room for the merged labels (LibreOffice clips repeated headers without it)
        rows.append(_tr(top, header=True, height=_twips(7)))
        rows.append(_tr(bottom, header=True, height=_twips(12)))
    else:
        rows.append(_tr([_tc(widths[j], head(table.label(c.key))) for j, c in enumerate(cols)], header=True))
    keys = [c.key for c in cols]
    name_at = keys.index("indicator") if "indicator" in keys else (1 if n > 1 else 0)
    last = len(table.frame) - 1
    keep_last = bool(table.notes) and last >= 0  # the last row goes to the next page with the notes
    for i in range(len(table.frame)):
        kind = table.kind_of(i)
        keep = keep_last and i == last
        if kind == "heading":  # a section of the plan: "I" and its name in bold across the row
            cells = [_tc(widths[0], _p(format_cell(table, i, keys[0], lang), "CtxhCellCenter", keep_next=keep,
                                       char_style="CtxhBold"))]
            cells += [_tc(widths[j], _p("", "CtxhCell", keep_next=keep), valign=False) for j in range(1, name_at)]
            cells.append(_tc(sum(widths[name_at:]), _p(format_cell(table, i, keys[name_at], lang), "CtxhCell",
                                                       keep_next=keep, char_style="CtxhBold"), span=n - name_at))
            rows.append(_tr(cells))
            continue
        cells = []
        for j, c in enumerate(cols):
            txt = format_cell(table, i, c.key, lang)
            if c.key in ("unit_of_measure", "quantity_unit"):
                txt = _no_break_after_slash(txt)
            char = "CtxhBold" if kind == "total" else ("CtxhItalic" if kind == "sub" and not c.numeric else "")
            cells.append(_tc(widths[j], _p(txt, _CELL_STYLE[c.alignment()], keep_next=keep, char_style=char)))
        rows.append(_tr(cells))
    grid = "".join(f'<w:gridCol w:w="{w}"/>' for w in widths)
    out.append(f'<w:tbl><w:tblPr><w:tblStyle w:val="{TABLE_STYLE}"/><w:tblW w:w="0" w:type="auto"/>'
               '<w:jc w:val="center"/><w:tblLayout w:type="fixed"/>'
               '<w:tblLook w:val="04A0" w:firstRow="1" w:lastRow="0" w:firstColumn="1" w:lastColumn="0" '
               'w:noHBand="0" w:noVBand="1"/></w:tblPr>'
               f"<w:tblGrid>{grid}</w:tblGrid>{''.join(rows)}</w:tbl>")
    if table.notes:
        out.append(_p(text("notes", lang) + ":", "CtxhNotesHead", keep_next=True))
        k_last = len(table.notes)
        for k, note in enumerate(table.notes, start=1):
            # the heading goes with the first note, the last note never goes alone
            out.append(_p(f"({k}) {note}", "CtxhNote", keep_next=k == 1 or k == k_last - 1))
    return "".join(out)


def _append_body(doc: Any, xml: str) -> None:
    """Parse ``xml`` (body content) once and put it at the end of the document's body, before its last section."""
    from docx.oxml import parse_xml

    frag = parse_xml(f'<w:body xmlns:w="{_W_NS}">{xml}</w:body>')
    body = doc.element.body
    sect = body.sectPr
    for el in list(frag):
        if sect is not None:
            sect.addprevious(el)
        else:
            body.append(el)


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
    parts = [_p(f"{appendix} {header.appendix_number}".strip(), "CtxhTitle", keep_next=True, bold=True)]
    if header.title:
        parts.append(_p(header.title.upper(), "CtxhTitle", keep_next=True, bold=True))
    if header.document_ref:
        parts.append(_p(header.document_ref, "CtxhReference", keep_next=True, italic=True))
    if header.unit_line:
        parts.append(_p(header.unit_line, "CtxhUnitLine", keep_next=True, italic=True))
    if header.illustrative:
        parts.append(_p(f"({text('illustrative', lang).upper()})", "CtxhIllustrative", keep_next=True, bold=True,
                        italic=True))
    parts.append(_p("______", "CtxhRule", keep_next=True))
    # a page break before each later table: no empty page
    parts += [_table_xml(table, lang, new_page=k > 0) for k, table in enumerate(tables)]
    _append_body(doc, "".join(parts))
    if header.charts:
        sec = doc.add_section(WD_SECTION.NEW_PAGE)
        _setup_section(sec, landscape=True)
        number, title = table_title("charts", lang)
        _append_body(doc, _p(title.upper(), "CtxhChartsTitle", keep_next=True))
        for k, (png, caption) in enumerate(header.charts, start=1):
            w, h = _png_size(png)
            box_w = A4_MM[1] - MARGINS_MM["left"] - MARGINS_MM["right"] - 5
            box_h = 120.0 if h <= w else A4_MM[0] - MARGINS_MM["top"] - MARGINS_MM["bottom"] - 25  # tall: the page
            scale = min(box_w / w, box_h / h)  # fit the page, keep the aspect ratio
            doc.add_picture(str(png), width=Mm(w * scale), height=Mm(h * scale))
            pic = doc.paragraphs[-1]
            pic.style = doc.styles["CTXH Hình"]  # centred; the picture stays with its caption
            pic.paragraph_format.keep_with_next = True
            _append_body(doc, _p(f"{number} {k}. {caption}", "CtxhCaption"))
        if header.illustrative:
            _append_body(doc, _p(text("illustrative_note", lang), "CtxhClosingNote"))
    import datetime as dt

    stamp = dt.datetime(*FIXED_DATE, tzinfo=dt.UTC)
    doc.core_properties.created = stamp
    doc.core_properties.modified = stamp
    with atomic_path(path) as tmp:
        save_ooxml(doc.save, tmp)
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
    give different bytes. Call it on the temporary file inside ``atomic_path`` (the rename stays atomic);
    a writer that can write into a stream uses :func:`save_ooxml` instead (one zip written, not two).

    Parameters
    ----------
    path : path of the file (rewritten in place).
    when : (year, month, day, hour, minute, second), year >= 1980 (zip dates start then).
    """
    p = Path(path)
    p.write_bytes(_normalized(p.read_bytes(), when))
    return p


def save_ooxml(save: Any, path: str | Path, when: tuple[int, int, int, int, int, int] = FIXED_DATE, *,
               into_archive: bool = False) -> Path:
    """Write an Office Open XML package to ``path`` once, already normalised as :func:`normalize_ooxml` says.

    ``save`` writes the package into a stream (python-docx's ``Document.save``) or, with ``into_archive``, into an
    open ``zipfile.ZipFile`` that stores without compressing (openpyxl's ``ExcelWriter``); the parts are then
    compressed once, in the canonical order, with the fixed dates.
    """
    import io
    import zipfile

    buf = io.BytesIO()
    if into_archive:
        with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_STORED) as archive:
            save(archive)
    else:
        save(buf)
    p = Path(path)
    p.write_bytes(_normalized(buf.getvalue(), when))
    return p


def _normalized(data: bytes, when: tuple[int, int, int, int, int, int]) -> bytes:
    """The bytes of the OOXML package ``data`` with fixed entry times and order and fixed core-properties dates."""
    import io
    import zipfile

    with zipfile.ZipFile(io.BytesIO(data)) as zin:
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
    return buf.getvalue()
