"""matplotlib's SVG output, with the text work of a chart done once per process.

A chart's SVG (text as glyph outlines, ``svg.fonttype: path``) spends a large part of its time laying out the
same strings again — the tick labels, the legend, the axis labels and the "Dữ liệu minh họa" stamp — and turning
the same glyphs into outlines, for every chart: matplotlib keeps those results per renderer, and a renderer lives
for one file. Here one :class:`CachedTextToPath` serves every SVG this process writes: text sizes, glyph
positions and glyph outlines are computed once per (text, font) and then read back. The files are byte for byte
what matplotlib's own SVG backend writes (``tests/test_report_cost.py`` checks it).

Use ``fig.savefig(out, format="svg", backend=SVG_BACKEND)`` (:func:`ctxh_plan.present.charts.figure_svg` does).
This module imports matplotlib: it is loaded by ``savefig`` when a chart is saved, never at package import.
"""
from __future__ import annotations

import codecs
from collections import OrderedDict
from typing import Any

from matplotlib import cbook
from matplotlib.backends.backend_mixed import MixedModeRenderer
from matplotlib.backends.backend_svg import FigureCanvasSVG, RendererSVG
from matplotlib.font_manager import fontManager, get_font
from matplotlib.textpath import TextToPath

__all__ = ["SVG_BACKEND", "CachedTextToPath", "FigureCanvas", "FigureCanvasCachedSVG"]

#: the ``backend`` argument of ``savefig`` that selects this module
SVG_BACKEND = "module://ctxh_plan.present.svg_backend"
#: entries kept in each cache (strings of a chart: tick labels, titles, legend entries …)
_MAX_ENTRIES = 20000


class CachedTextToPath(TextToPath):
    """A :class:`matplotlib.textpath.TextToPath` that remembers text sizes, glyph layouts and glyph outlines.

    The results depend only on the string, the font file and the font properties (the font is always set to the
    same size, :attr:`FONT_SCALE` at :attr:`DPI`), so they are kept and handed out again; what is handed out is
    what the parent class computes, in the same order.
    """

    def __init__(self) -> None:
        super().__init__()
        #: id of each font object handed out by :meth:`_get_font` → the font files it was made from
        self._font_files: dict[int, tuple[str, ...]] = {}
        self._sizes: OrderedDict[tuple[Any, ...], tuple[float, float, float]] = OrderedDict()
        self._glyphs: OrderedDict[tuple[Any, ...], Any] = OrderedDict()

    def _get_font(self, prop: Any) -> Any:
        files = fontManager._find_fonts_by_props(prop)  # cached by matplotlib (with the rcParams it depends on)
        font = get_font(files)
        font.set_size(self.FONT_SCALE, self.DPI)  # the font object is shared: set its size every time
        self._font_files[id(font)] = tuple(str(f) for f in files)  # what this object is, now
        return font

    def get_text_width_height_descent(self, s: str, prop: Any, ismath: Any) -> Any:
        if ismath:
            return super().get_text_width_height_descent(s, prop, ismath)
        key = (s, *_prop_key(prop), tuple(str(f) for f in fontManager._find_fonts_by_props(prop)))
        got = self._sizes.get(key)
        if got is None:
            got = self._sizes[key] = super().get_text_width_height_descent(s, prop, ismath)
            _trim(self._sizes)
        return got

    def get_glyphs_with_font(self, font: Any, s: str, glyph_map: Any = None, return_new_glyphs_only: bool = False,
                             *, features: Any = None, language: Any = None) -> Any:
        files = self._font_files.get(id(font))
        if files is None:  # a font object this converter did not hand out: nothing known about it
            return super().get_glyphs_with_font(font, s, glyph_map, return_new_glyphs_only, features=features,
                                                language=language)
        key = (files, s, None if features is None else tuple(features), language)
        got: Any = self._glyphs.get(key)  # matplotlib's stubs type the glyph tuple more loosely than it is
        if got is None:
            got = self._glyphs[key] = super().get_glyphs_with_font(font, s, features=features, language=language)
            _trim(self._glyphs)
        info, outlines, rects = got
        if glyph_map is None:
            glyph_map = OrderedDict()
        new = OrderedDict() if return_new_glyphs_only else glyph_map
        for glyph_repr, path in outlines.items():  # in the order the glyphs first appear, as the parent adds them
            if glyph_repr not in glyph_map:
                new[glyph_repr] = path
        return list(info), new, list(rects)


def _prop_key(prop: Any) -> tuple[Any, ...]:
    """Everything of a FontProperties that decides a text's size (the parts of its own hash, without hashing)."""
    return (tuple(prop.get_family()), prop.get_style(), prop.get_variant(), prop.get_weight(), prop.get_stretch(),
            prop.get_size_in_points(), prop.get_file(), prop.get_math_fontfamily())


def _trim(cache: OrderedDict[Any, Any]) -> None:
    while len(cache) > _MAX_ENTRIES:
        cache.popitem(last=False)


#: the one text-to-path converter of this process's SVG charts
TEXT_TO_PATH = CachedTextToPath()


class FigureCanvasCachedSVG(FigureCanvasSVG):
    """matplotlib's SVG canvas whose renderer uses :data:`TEXT_TO_PATH`."""

    def print_svg(self, filename: Any, *, bbox_inches_restore: Any = None, metadata: Any = None,
                  **_ignored: Any) -> None:
        # as FigureCanvasSVG.print_svg (matplotlib 3.11), with the shared text-to-path converter; the options
        # savefig passes to every print method (dpi, facecolor, edgecolor, orientation) are applied by savefig
        # itself, matplotlib's own SVG canvas drops them too
        with cbook.open_file_cm(filename, "w", encoding="utf-8") as out:
            fh: Any = out if cbook.file_requires_unicode(out) else codecs.getwriter("utf-8")(out)
            dpi = self.figure.dpi
            self.figure.dpi = 72
            width, height = self.figure.get_size_inches()
            w, h = width * 72, height * 72
            svg = RendererSVG(w, h, fh, image_dpi=dpi, metadata=metadata)
            svg._text2path = TEXT_TO_PATH
            renderer: Any = MixedModeRenderer(self.figure, width, height, dpi, svg,
                                              bbox_inches_restore=bbox_inches_restore)
            self.figure.draw(renderer)
            renderer.finalize()


#: what ``savefig(backend=SVG_BACKEND)`` looks for
FigureCanvas = FigureCanvasCachedSVG
