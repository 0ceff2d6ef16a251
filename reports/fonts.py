"""The Unicode font every PDF is set in: DejaVu Sans, as shipped by matplotlib.

reportlab's built-in Helvetica covers Latin-1 only, so names and reasons in other scripts
(Cyrillic, Greek, Vietnamese, Latin Extended) printed as ■. DejaVu Sans covers them; matplotlib
is a well-kept PyPI package that ships its TTFs (regular, bold, oblique) with every install, so
a clean clone gets the font through pip. The files are located without importing matplotlib.
"""

from __future__ import annotations

import importlib.util
import zlib
from collections import OrderedDict
from pathlib import Path
from typing import Any

from reportlab import rl_config
from reportlab.graphics import shapes
from reportlab.lib.fonts import addMapping
from reportlab.pdfbase import pdfdoc, pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont, TTFontFace
from reportlab.platypus.tables import CellStyle

REGULAR = "DejaVuSans"
BOLD = "DejaVuSans-Bold"
ITALIC = "DejaVuSans-Oblique"
BOLD_ITALIC = "DejaVuSans-BoldOblique"
_FILES = {REGULAR: "DejaVuSans.ttf", BOLD: "DejaVuSans-Bold.ttf",
          ITALIC: "DejaVuSans-Oblique.ttf", BOLD_ITALIC: "DejaVuSans-BoldOblique.ttf"}


def font_dir() -> Path:
    spec = importlib.util.find_spec("matplotlib")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("matplotlib (which ships the PDF font DejaVu Sans) is not installed")
    return Path(next(iter(spec.submodule_search_locations))) / "mpl-data" / "fonts" / "ttf"


# Font programs kept: each about 35 KB, 18 KB deflated.
_PROGRAMS_KEPT = 16
# (font file, subset) -> the subset's font program, plain and deflated.
_programs: OrderedDict[tuple[str, tuple[int, ...]], tuple[bytes, bytes]] = OrderedDict()


class _SubsetCachingFace(TTFontFace):  # type: ignore[misc]
    """A face that makes each glyph subset's font program (and deflates it) once per process.

    Every PDF embeds a subset of the font, made and deflated anew per document: about 3 ms of
    a letter's 8. reportlab's subset 0 starts as all of ASCII in code order (ttfAsciiReadable),
    other characters taking free codes in the order they first appear, so every document whose
    text is ASCII, as almost all Indonesian text is, embeds the very same subset.
    """

    def _program(self, subset: list[int]) -> tuple[bytes, bytes]:
        key = (self.filename, tuple(subset))
        found = _programs.get(key)
        if found is None:
            program = super().makeSubset(subset)
            found = _programs[key] = (program, pdfdoc.PDFZCompress.encode(program))
            while len(_programs) > _PROGRAMS_KEPT:
                _programs.popitem(last=False)
        return found

    def makeSubset(self, subset: list[int]) -> bytes:
        return self._program(subset)[0]

    def addSubsetObjects(self, doc: Any, fontname: str, subset: list[int]) -> Any:
        descriptor = super().addSubsetObjects(doc, fontname, subset)
        # The font program's stream, named as reportlab names it: given already deflated, so
        # formatting the document does not compress it again.
        stream = doc.idToObject.get(f"fontFile:{self.filename}({fontname})")
        if doc.compression and isinstance(stream, pdfdoc.PDFStream) and stream.filters:
            stream.content = self._program(subset)[1]
            stream.filters = None
            stream.dictionary["Filter"] = pdfdoc.PDFArray([pdfdoc.PDFName("FlateDecode")])
        return descriptor


# (widths, multi-line arrays) -> the subset's /Widths array as formatted into the PDF.
_widths: OrderedDict[tuple[tuple[int, ...], int], bytes] = OrderedDict()
# A ToUnicode map -> deflated.
_maps: OrderedDict[bytes, bytes] = OrderedDict()


class _Formatted(pdfdoc.PDFObject):  # type: ignore[misc]
    """A PDF value formatted once: numbers and names need nothing of the document."""

    def __init__(self, formatted: bytes) -> None:
        self._formatted = formatted

    def format(self, document: Any) -> bytes:
        return self._formatted


def _kept(cache: OrderedDict[Any, bytes], key: Any, make: Any) -> bytes:
    found = cache.get(key)
    if found is None:
        found = cache[key] = make()
        while len(cache) > _PROGRAMS_KEPT:
            cache.popitem(last=False)
    return found


class _SubsetCachingFont(TTFont):  # type: ignore[misc]
    """The font objects of a subset that are the same in every document using it, made once:
    the /Widths array (a few hundred numbers, each formatted on its own) and the deflated
    ToUnicode map; with the font program (_SubsetCachingFace) that is most of what a
    document costs beyond its own text."""

    def addObjects(self, doc: Any) -> None:
        super().addObjects(doc)
        prefix = doc.fontMapping[self.fontName][1:] + "+"
        for name, font in doc.idToObject["BasicFonts"].dict.items():
            if not name.startswith(prefix) or not isinstance(font.Widths, pdfdoc.PDFArray):
                continue
            widths = font.Widths
            font.Widths = _Formatted(_kept(
                _widths, (tuple(widths.sequence), rl_config.pdfMultiLine),
                lambda widths=widths: widths.format(doc)))
            stream = doc.idToObject.get(getattr(font.ToUnicode, "name", None))
            if (doc.compression and isinstance(stream, pdfdoc.PDFStream) and stream.filters
                    and isinstance(stream.content, str)):
                content = stream.content.encode("utf8")
                stream.content = _kept(_maps, content,
                                       lambda content=content: zlib.compress(content))
                stream.filters = None
                stream.dictionary["Filter"] = pdfdoc.PDFArray([pdfdoc.PDFName("FlateDecode")])


def _font(name: str, path: Path) -> TTFont:
    font = _SubsetCachingFont(name, str(path))
    # TTFont builds its face itself; the subclass only adds methods, so the loaded face is
    # re-labelled rather than the file parsed a second time.
    font.face.__class__ = _SubsetCachingFace
    return font


def register() -> None:
    """Register the family with reportlab once; <b> and <i> in Paragraphs map onto it."""
    if REGULAR in pdfmetrics.getRegisteredFontNames():
        return
    folder = font_dir()
    for name, file in _FILES.items():
        pdfmetrics.registerFont(_font(name, folder / file))
    addMapping(REGULAR, 0, 0, REGULAR)
    addMapping(REGULAR, 1, 0, BOLD)
    addMapping(REGULAR, 0, 1, ITALIC)
    addMapping(REGULAR, 1, 1, BOLD_ITALIC)
    # Canvases, drawings and table cells start in this font (reportlab's defaults are
    # Helvetica), so no PDF of ours refers to a font that cannot show the text.
    rl_config.canvas_basefontname = REGULAR
    shapes.STATE_DEFAULTS["fontName"] = REGULAR
    CellStyle.fontname = REGULAR


register()
