"""An executed notebook as the HTML page readers open (``html/unit_<code>.html``, ``html/province_summary.html``).

nbconvert's lab template, without code, prompts or the cells tagged :data:`REMOVE_OUTPUT_TAG`, with the
Content-Security-Policy that forbids scripts. nbconvert's own ``HTMLExporter`` ends every page with a
BeautifulSoup pass (parse the whole page, give ``<img>`` without ``alt`` a placeholder, make output areas
focusable, print the page again): on a report page with its charts as data URIs that pass costs about 0.1 s,
four fifths of the export, paid by the batch driver for every report while a kernel waits for its next
notebook. :class:`ReportExporter` makes the same two changes on the template's text instead (the template
writes these tags itself; text from data reaches the page escaped, so a literal ``<img`` or ``<div class=`` is
always markup).
"""
from __future__ import annotations

import re
from pathlib import Path
from typing import Any

__all__ = ["REMOVE_OUTPUT_TAG", "export_html", "make_exporter"]

#: notebook cells tagged so keep their outputs in the notebook (run log, nbval) but are left out of the HTML report
REMOVE_OUTPUT_TAG = "remove_output"

#: alt text given to an image that has none (the report code always writes one; this is the safety net)
_NO_ALT = {"vi": "Hình không có mô tả", "en": "Image without a description"}

_OUTPUT_AREA = re.compile(
    r'(<div class="[^"]*\bjp-(?:OutputArea-output|Cell-inputWrapper)\b[^"]*")(?![^>]*\btabindex=)')
_IMG_WITHOUT_ALT = re.compile(r"<img(?![^>]*\balt=)(?=[\s/>])")


def _exporter_class() -> Any:
    """The exporter class, built on first use (nbconvert is imported only by the batch driver)."""
    global _EXPORTER_CLASS
    if _EXPORTER_CLASS is not None:
        return _EXPORTER_CLASS
    from nbconvert import HTMLExporter
    from nbconvert.exporters.templateexporter import TemplateExporter
    from nbconvert.filters.highlight import Highlight2HTML
    from nbconvert.filters.widgetsdatatypefilter import WidgetsDataTypeFilter

    class ReportExporter(HTMLExporter):
        """``HTMLExporter`` with its closing BeautifulSoup pass done on the text (see the module docstring)."""

        lang = "vi"

        # the page's text, not a notebook: the same override as nbconvert's own HTMLExporter
        def from_notebook_node(self, nb: Any, resources: dict[str, Any] | None = None,  # type: ignore[override]
                               **kw: Any) -> tuple[str, dict[str, Any]]:
            info = nb.metadata.get("language_info", {})
            lexer = info.get("pygments_lexer", info.get("name"))
            self.register_filter("highlight_code",
                                 self.filters.get("highlight_code", Highlight2HTML(pygments_lexer=lexer, parent=self)))
            resources = self._init_resources(resources)
            self.register_filter("filter_data_type",
                                 WidgetsDataTypeFilter(notebook_metadata=self._nb_metadata, parent=self,
                                                       resources=resources))
            body, resources = TemplateExporter.from_notebook_node(self, nb, resources, **kw)
            body = _OUTPUT_AREA.sub(r'\1 tabindex="0"', body)
            body = _IMG_WITHOUT_ALT.sub(f'<img alt="{_NO_ALT.get(self.lang, _NO_ALT["en"])}"', body)
            return body, resources

    _EXPORTER_CLASS = ReportExporter
    return ReportExporter


_EXPORTER_CLASS: Any = None


def make_exporter() -> Any:
    """A :class:`ReportExporter` for report pages: no input, no prompts, no cell tagged :data:`REMOVE_OUTPUT_TAG`."""
    from traitlets.config import Config

    config = Config()
    config.TagRemovePreprocessor.enabled = True
    config.TagRemovePreprocessor.remove_cell_tags = {REMOVE_OUTPUT_TAG}
    return _exporter_class()(config=config, exclude_input=True, exclude_input_prompt=True,
                             exclude_output_prompt=True)


def export_html(nb: Any, path: Path, title: str, exporter: Any = None, *, lang: str = "vi") -> Any:
    """Write ``nb`` as HTML for readers (atomically): no code, no cell without output (nothing shown before
    the report's title), no cell tagged :data:`REMOVE_OUTPUT_TAG` (status lines for the run log); return
    the exporter for reuse. ``nb`` itself is not changed; the page's language is ``lang``; the page carries
    the Content-Security-Policy that forbids scripts."""
    import nbformat

    from ctxh_plan.io.atomic import write_text
    from ctxh_plan.reports.html import add_security_policy

    if exporter is None:
        exporter = make_exporter()
    exporter.language_code = lang
    exporter.lang = lang
    shown = nbformat.NotebookNode(dict(nb))  # a new cell list; the cells themselves are not modified
    shown["cells"] = [c for c in nb.cells if c.cell_type != "code" or c.get("outputs")]
    body, _ = exporter.from_notebook_node(shown, resources={"metadata": {"name": title}})
    write_text(path, add_security_policy(body))  # no script runs in a published report
    return exporter
