"""Small HTML helpers of the reports: language pick, the report's style sheet, the illustrative banner and
footer, charts as SVG with Vietnamese alt text, appendix tables (Biểu) as HTML, a legend of the status
colours, labelled tables, note lists, and display in the notebook. Every value from data is escaped
(tables through the Styler's ``escape="html"``: cells, headers and captions alike); notes are screened
for personal data before they are shown; the batch's HTML files carry :data:`CONTENT_SECURITY_POLICY`
(:func:`add_security_policy`), which forbids every script.

Layout rules the helpers carry (one place for all reports): text columns left-aligned, numbers
right-aligned with each row's own decimals (the appendix tables' :func:`format_cell`), the banner
"Dữ liệu minh họa" once at the top of a report and once in its footer — not in every section.
"""
from __future__ import annotations

import base64
import html
import math
import re
from collections.abc import Iterable, Sequence
from typing import Any

__all__ = ["CONTENT_SECURITY_POLICY", "REPORT_CSS", "TABLE_CSS", "add_security_policy", "appendix_table_html",
           "figure_html", "figure_png", "footer_html", "format_value", "illustrative_banner", "notes_html",
           "pick_lang", "security_meta", "show_block", "show_html", "status_legend_html", "styled_table"]

#: the policy of every HTML file the batch writes (reports and index): no script at all (inline or
#: loaded), no plug-ins, no forms; styles and images only from the file itself (inline CSS, PNG data URIs)
CONTENT_SECURITY_POLICY = ("default-src 'none'; script-src 'none'; object-src 'none'; base-uri 'none'; "
                           "form-action 'none'; frame-src 'none'; img-src 'self' data:; "
                           "style-src 'self' 'unsafe-inline'; font-src 'self' data:")

#: the reports' style sheet, shown once with each report's title. JupyterLab/nbconvert right-align every
#: table cell and fix column widths; the reports' own tables say per cell what it holds (``!important``
#: wins over the front end's rules whatever their specificity).
REPORT_CSS = """<style>
.jp-RenderedHTMLCommon table{table-layout:auto}
table.ctxh-table{border-collapse:collapse;font-size:0.88em;margin:0.4em 0 0.6em 0}
table.ctxh-table caption{caption-side:top;text-align:left !important;font-weight:bold;padding:0.2em 0}
table.ctxh-table th{background:#f2f2f2 !important;border:1px solid #bbb !important;text-align:center !important;
 vertical-align:middle !important;padding:3px 5px !important;font-weight:bold}
table.ctxh-table td{border:1px solid #ccc !important;padding:2px 5px !important;vertical-align:top !important}
table.ctxh-table td.ctxh-text{text-align:left !important}
table.ctxh-table td.ctxh-num{text-align:right !important;white-space:nowrap}
table.ctxh-table td.ctxh-stt{text-align:center !important}
table.ctxh-table td.ctxh-name{min-width:16em;max-width:30em}
table.ctxh-table tr.ctxh-section td{font-weight:bold;background:#fafafa !important}
.ctxh-legend{font-size:0.85em;margin:0.2em 0 0.8em 0}
.ctxh-legend span.ctxh-swatch{display:inline-block;width:1.1em;height:0.9em;border:1px solid #999;
 vertical-align:middle;margin:0 0.3em 0 0.9em}
.ctxh-notes{font-size:0.85em;color:#333}
figure.ctxh-figure{margin:0.6em 0 1.2em 0}
figure.ctxh-figure img{width:100%;height:auto}
.ctxh-banner{background:#fff3cd;border:1px solid #e0c36c;padding:4px 8px;margin:4px 0}
.ctxh-footer{border-top:1px solid #bbb;margin-top:1.5em;padding-top:0.4em;font-size:0.85em;color:#333}
.ctxh-lead{font-size:0.95em;color:#333}
</style>"""
#: kept for callers of the earlier name
TABLE_CSS = REPORT_CSS


def security_meta() -> str:
    """The ``<meta http-equiv="Content-Security-Policy">`` tag of :data:`CONTENT_SECURITY_POLICY`."""
    return f'<meta http-equiv="Content-Security-Policy" content="{CONTENT_SECURITY_POLICY}">'


def add_security_policy(document: str) -> str:
    """``document`` (a whole HTML page) with the policy tag first in its ``<head>`` (so it governs every
    script and style after it); a page without ``<head>`` gets one."""
    import re

    m = re.search(r"<head(\s[^>]*)?>", document, flags=re.IGNORECASE)
    if m:
        return document[:m.end()] + "\n" + security_meta() + document[m.end():]
    m = re.search(r"<html(\s[^>]*)?>", document, flags=re.IGNORECASE)
    at = m.end() if m else 0
    return document[:at] + f"<head>{security_meta()}</head>" + document[at:]


def pick_lang(lang: str, vi: str, en: str) -> str:
    """``vi`` when ``lang`` is ``"vi"``, else ``en``."""
    return vi if lang == "vi" else en


def illustrative_banner(lang: str = "vi") -> str:
    """HTML banner for illustrative data (Vietnamese always present)."""
    en = "" if lang == "vi" else " — illustrative data, not official statistics"
    vi = "" if lang != "vi" else (": số liệu được tạo để minh họa cách dùng công cụ, "
                                  "không phải số liệu thống kê chính thức")
    return f'<div class="ctxh-banner"><b>Dữ liệu minh họa</b>{vi}{en}</div>'


def footer_html(lines: Iterable[str], illustrative: bool, lang: str) -> str:
    """The report's footer: the illustrative banner (again, as at the top) and ``lines`` (already HTML)."""
    body = "".join(f"<p>{line}</p>" for line in lines)
    return f'<div class="ctxh-footer">{illustrative_banner(lang) if illustrative else ""}{body}</div>'


def figure_png(fig: Any, dpi: int = 90) -> bytes:
    """PNG bytes of a matplotlib Figure, without timestamp metadata (deterministic)."""
    from ctxh_plan.present.charts import figure_png as png

    return png(fig, dpi)


def figure_html(fig: Any, alt: str) -> str:
    """A chart (a matplotlib figure, or a :class:`~ctxh_plan.present.charts.Chart` whose SVG may be rendered
    already) as a sharp SVG image with its alt text (``alt``, escaped), deterministic bytes."""
    from ctxh_plan.present.charts import Chart, figure_svg

    svg = fig.svg() if isinstance(fig, Chart) else figure_svg(fig)
    data = base64.b64encode(svg.encode("utf-8")).decode("ascii")
    width = round(_svg_width_pt(svg) / 72.0 * 100)  # its printed size at 100 px an inch: text as large as in print
    return (f'<figure class="ctxh-figure" style="max-width:{width}px"><img alt="{html.escape(alt, quote=True)}" '
            f'src="data:image/svg+xml;base64,{data}"/></figure>')


def _svg_width_pt(svg: str) -> float:
    """The width of a matplotlib SVG in points (its root element's ``width="540pt"``)."""
    m = re.search(r'<svg[^>]*\swidth="([\d.]+)pt"', svg[:2000])
    return float(m.group(1)) if m else 540.0


def show_html(text: str) -> None:
    """Display ``text`` (already escaped where it holds data) as HTML in the notebook."""
    from IPython.display import HTML, display

    display(HTML(text))


def show_block(title: str, body_html: str, illustrative: bool = False, lang: str = "vi") -> None:
    """A section: escaped title, then ``body_html``. The illustrative banner is not repeated here: a report
    shows it once under its title and once in its footer (``illustrative`` and ``lang`` are kept so
    sections written for the earlier signature still work)."""
    del illustrative, lang
    show_html(f"<h3>{html.escape(title)}</h3>{body_html}")


def format_value(v: Any, decimals: int = 1) -> str:
    """A number the Vietnamese way with ``decimals`` digits; ``"–"`` for missing; text as it is."""
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return "–"
    if isinstance(v, (int, float)):
        from ctxh_plan.data.numbers import format_number

        try:
            return format_number(v, decimals=decimals)
        except TypeError:
            return f"{v:.{decimals}f}"
    return str(v)


def styled_table(frame: Any, uid: str, caption: str, lang: str) -> str:
    """Deterministic HTML of a frame with labelled columns (fixed Styler uuid): text columns left-aligned,
    numbers right-aligned in the language's style; every cell, header and the caption are escaped (a value
    such as ``<img src=x onerror=…>`` shows as text)."""
    from ctxh_plan.present import label_columns

    labelled = label_columns(frame, lang)
    st = labelled.style.hide(axis="index").set_uuid(uid).set_caption(html.escape(caption))
    st = st.set_table_attributes('class="ctxh-table"')
    sep = (".", ",") if lang == "vi" else (",", ".")
    st = st.format(precision=2, na_rep="–", thousands=sep[0], decimal=sep[1], escape="html")
    st = st.format_index(escape="html", axis=1)
    import pandas as pd

    kinds = ["ctxh-num" if _numeric_column(labelled.iloc[:, j]) else "ctxh-text" for j in range(labelled.shape[1])]
    st = st.set_td_classes(pd.DataFrame([kinds] * len(labelled), index=labelled.index, columns=labelled.columns))
    return st.to_html()


_NUMBER_TEXT = re.compile(r"^\s*(?:[<>≤≥=]\s*)?[-−]?[\d.,]+\s*%?(?:\s*\(.{1,4}\))?\s*$|^\s*[–-]?\s*$")


def _numeric_column(col: Any) -> bool:
    """Whether a column holds numbers: a numeric dtype, or text that is only numbers as the reports write
    them (``3.142``, ``10,7``, ``≥ 95``, ``<5``, ``–``)."""
    import pandas as pd

    if pd.api.types.is_numeric_dtype(col.dtype) and not pd.api.types.is_bool_dtype(col.dtype):
        return True
    values = [v for v in col if v is not None and not (isinstance(v, float) and math.isnan(v))]
    return bool(values) and all(isinstance(v, (int, float)) or bool(_NUMBER_TEXT.match(str(v))) for v in values) \
        and any(isinstance(v, (int, float)) or any(ch.isdigit() for ch in str(v)) for v in values)


def _header_rows(table: Any) -> str:
    cols = table.columns
    if not any(c.group for c in cols):
        return "<tr>" + "".join(f"<th>{html.escape(table.label(c.key))}</th>" for c in cols) + "</tr>"
    top, bottom = [], []
    j = 0
    while j < len(cols):
        c = cols[j]
        if c.group:
            k = j
            while k + 1 < len(cols) and cols[k + 1].group == c.group:
                k += 1
            top.append(f'<th colspan="{k - j + 1}">{html.escape(c.group)}</th>')
            bottom += [f"<th>{html.escape(table.label(cols[m].key))}</th>" for m in range(j, k + 1)]
            j = k + 1
        else:
            top.append(f'<th rowspan="2">{html.escape(table.label(c.key))}</th>')
            j += 1
    return f"<tr>{''.join(top)}</tr><tr>{''.join(bottom)}</tr>"


def _cell_class(spec: Any) -> str:
    if spec.key == "stt":
        return "ctxh-stt"
    if spec.kind == "text":
        return "ctxh-text ctxh-name" if spec.key in ("indicator", "model", "content") else "ctxh-text"
    return "ctxh-num"


def appendix_table_html(table: Any, lang: str, *, colours: dict[str, Sequence[str]] | None = None,
                        caption: bool = True, skip_notes: Sequence[str] = ()) -> str:
    """An appendix table (Biểu, :class:`~ctxh_plan.present.tables.AppendixTable`) as HTML, cell for cell as
    the Word appendix prints it (:func:`~ctxh_plan.present.docx_writer.format_cell`: each row's decimals,
    suppression mark, estimate mark, operator before a target).

    Parameters
    ----------
    table : AppendixTable
    lang : "vi" or "en"
    colours : dict, optional
        Column key → one CSS background colour per row (``""`` = none), e.g. the verdict column by status.
    caption : bool
        Show "Biểu 1. <title>" above the table.
    skip_notes : list of str
        Notes of the table not to repeat under it (e.g. the illustrative note, shown by the banner).

    Returns
    -------
    str
        ``<table class="ctxh-table">`` and the table's numbered notes; every text escaped.
    """
    from ctxh_plan.present.docx_writer import format_cell

    colours = colours or {}
    rows = []
    last = len(table.frame) - 1
    for i in range(len(table.frame)):
        cells = []
        for spec in table.columns:
            heading = table.kind_of(i) == "heading"
            txt = html.escape(format_cell(table, i, spec.key, lang)) or ("" if spec.kind == "text" or heading else "–")
            bgs = colours.get(spec.key)
            bg = bgs[i] if bgs is not None and i < len(bgs) else ""
            style = f' style="background:{html.escape(bg)} !important"' if bg else ""
            cells.append(f'<td class="{_cell_class(spec)}"{style}>{txt}</td>')
        if table.kind_of(i) == "heading":
            weight = ' class="ctxh-section"'
        else:
            weight = ' style="font-weight:bold"' if table.total_row and i == last else ""
        rows.append(f"<tr{weight}>{''.join(cells)}</tr>")
    cap = ""
    if caption:
        cap = f"<caption>{html.escape(f'{table.number}. {table.title}')}</caption>"
    notes = [n for n in table.notes if n not in set(skip_notes)]
    note_html = ""
    if notes:
        items = "".join(f"<li>({k}) {html.escape(n)}</li>" for k, n in enumerate(notes, start=1))
        note_html = (f'<div class="ctxh-notes"><i>{html.escape(pick_lang(lang, "Ghi chú", "Notes"))}:</i>'
                     f'<ul style="list-style:none;padding-left:0.5em">{items}</ul></div>')
    return (f'<table class="ctxh-table">{cap}<thead>{_header_rows(table)}</thead>'
            f"<tbody>{''.join(rows)}</tbody></table>{note_html}")


def status_legend_html(items: Sequence[tuple[str, str]], title: str) -> str:
    """A legend line: ``title`` then a coloured swatch and label per ``(colour, label)``."""
    swatches = "".join(f'<span class="ctxh-swatch" style="background:{html.escape(c)}"></span>{html.escape(t)}'
                       for c, t in items)
    return f'<div class="ctxh-legend">{html.escape(title)}{swatches}</div>'


#: notes the illustrative banner says already
_BANNER_NOTES = frozenset({"dữ liệu minh họa", "illustrative data", "illustrative"})


def notes_html(items: list[str], lang: str, limit: int = 20) -> str:
    """A bullet list of at most ``limit`` notes (in ``lang``: see ``present.labels.localize_note``; personal
    data hidden; escaped), then how many more there are."""
    from ctxh_plan.data.privacy import redact_personal_data
    from ctxh_plan.present.labels import localize_note

    shown = (localize_note(i, lang) for i in items)
    # the banner already says "dữ liệu minh họa"; a note starts with a capital letter, as in a document
    items = list(dict.fromkeys(n[:1].upper() + n[1:] for n in shown
                               if n and n.strip(" .").casefold() not in _BANNER_NOTES))
    body = "".join(f"<li>{html.escape(redact_personal_data(i))}</li>" for i in items[:limit])
    if len(items) > limit:
        body += "<li>" + pick_lang(lang, f"… và {len(items) - limit} ghi chú khác (xem nhật ký chạy).",
                                   f"… and {len(items) - limit} more notes (see the run log).") + "</li>"
    return f"<ul>{body}</ul>"
