"""Small HTML helpers of the reports: language pick, the illustrative banner, deterministic PNGs,
labelled tables, note lists, and display in the notebook. Every value from data is escaped (tables
through the Styler's ``escape="html"``, cells, headers and captions alike); notes are screened for
personal data before they are shown; the batch's HTML files carry :data:`CONTENT_SECURITY_POLICY`
(:func:`add_security_policy`), which forbids every script."""
from __future__ import annotations

import html
import math
from typing import Any

__all__ = ["CONTENT_SECURITY_POLICY", "TABLE_CSS", "add_security_policy", "figure_png", "format_value",
           "illustrative_banner", "notes_html", "pick_lang", "security_meta", "show_block", "show_html",
           "styled_table"]

#: the policy of every HTML file the batch writes (reports and index): no script at all (inline or
#: loaded), no plug-ins, no forms; styles and images only from the file itself (inline CSS, PNG data URIs)
CONTENT_SECURITY_POLICY = ("default-src 'none'; script-src 'none'; object-src 'none'; base-uri 'none'; "
                           "form-action 'none'; frame-src 'none'; img-src 'self' data:; "
                           "style-src 'self' 'unsafe-inline'; font-src 'self' data:")

#: JupyterLab/nbconvert CSS lays tables out with fixed column widths; the reports ask for automatic
#: widths so the evaluation table's indicator column can wrap
TABLE_CSS = "<style>.jp-RenderedHTMLCommon table{table-layout:auto}</style>"


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
    return ('<div style="background:#fff3cd;border:1px solid #e0c36c;padding:4px 8px;margin:4px 0">'
            f"<b>Dữ liệu minh họa</b>{en}</div>")


def figure_png(fig: Any, dpi: int = 90) -> bytes:
    """PNG bytes of a matplotlib Figure, without timestamp metadata (deterministic)."""
    import io

    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi, metadata={"Software": None})
    return buf.getvalue()


def show_html(text: str) -> None:
    """Display ``text`` (already escaped where it holds data) as HTML in the notebook."""
    from IPython.display import HTML, display

    display(HTML(text))


def show_block(title: str, body_html: str, illustrative: bool, lang: str) -> None:
    """A section: escaped title, the illustrative banner when needed, then ``body_html``."""
    banner = illustrative_banner(lang) if illustrative else ""
    show_html(f"<h3>{html.escape(title)}</h3>{banner}{body_html}")


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
    """Deterministic HTML of a frame with labelled columns (fixed Styler uuid); every cell, header and the
    caption are escaped (a value such as ``<img src=x onerror=…>`` shows as text)."""
    from ctxh_plan.present import label_columns

    st = label_columns(frame, lang).style.hide(axis="index").set_uuid(uid).set_caption(html.escape(caption))
    st = st.format(precision=2, na_rep="–", thousands=".", decimal=",", escape="html")
    st = st.format_index(escape="html", axis=1)
    return st.to_html()


def notes_html(items: list[str], lang: str, limit: int = 20) -> str:
    """A bullet list of at most ``limit`` notes (personal data hidden, escaped), then how many more there are."""
    from ctxh_plan.data.privacy import redact_personal_data

    body = "".join(f"<li>{html.escape(redact_personal_data(i))}</li>" for i in items[:limit])
    if len(items) > limit:
        body += "<li>" + pick_lang(lang, f"… và {len(items) - limit} ghi chú khác (xem nhật ký chạy).",
                                   f"… and {len(items) - limit} more notes (see the run log).") + "</li>"
    return f"<ul>{body}</ul>"
