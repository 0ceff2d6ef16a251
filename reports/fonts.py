"""The Unicode font every PDF is set in: DejaVu Sans, as shipped by matplotlib.

reportlab's built-in Helvetica covers Latin-1 only, so names and reasons in other scripts
(Cyrillic, Greek, Vietnamese, Latin Extended) printed as ■. DejaVu Sans covers them; matplotlib
is a well-kept PyPI package that ships its TTFs (regular, bold, oblique) with every install, so
a clean clone gets the font through pip. The files are located without importing matplotlib.
"""

from __future__ import annotations

import importlib.util
import re
from collections import OrderedDict
from pathlib import Path
from typing import Any, NamedTuple

from reportlab import rl_config
from reportlab.graphics import shapes
from reportlab.lib.fonts import addMapping
from reportlab.pdfbase import pdfdoc, pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
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


# Font object sets kept: each about 20 KB (its font program deflated); one per font, subset
# and internal name a document gave the font (scripts beyond ASCII make subsets of their own).
_KEPT = 32


class _Template(NamedTuple):
    parts: tuple[bytes, ...]    # a formatted object split where it refers to another
    refs: tuple[str, ...]       # the objects referred to, by name


# (font, its subsets, internal name, settings) -> its objects in the order reportlab
# registers them, and the names the document's font dictionary lists.
_objects: OrderedDict[tuple[Any, ...],
                      tuple[tuple[tuple[str, _Template], ...], frozenset[str]]] = OrderedDict()

# Object numbers no document reaches, given to a font's objects while they are formatted once:
# the references among them are then found, to be filled in with each document's numbers.
_FIRST_PLACEHOLDER = 990_000_000
_PLACEHOLDER_REF = re.compile(rb"(99\d{7}) 0 R")


class _Formatted(pdfdoc.PDFObject):  # type: ignore[misc]
    """One of a font's objects in a document: formatted once per process, the numbers of the
    objects it refers to filled in."""

    __RefOnly__ = 1

    def __init__(self, template: _Template) -> None:
        self._template = template

    def format(self, document: Any) -> bytes:
        parts, refs = self._template
        numbers = document.idToObjectNumberAndVersion
        formatted = [parts[0]]
        for name, part in zip(refs, parts[1:], strict=True):
            formatted += [b"%d %d R" % numbers[name], part]
        return b"".join(formatted)


def _format_objects(font: TTFont, state: Any, compression: Any,
                    ) -> tuple[tuple[tuple[str, _Template], ...], frozenset[str]]:
    """What reportlab's addObjects makes for the font's subsets in a document (the widths,
    the ToUnicode map, the font program subset and deflated, the descriptor), formatted."""
    scratch = pdfdoc.PDFDocument(compression=compression)
    first, listed = scratch.objectcounter, set(scratch.idToObject["BasicFonts"].dict)
    font.state[scratch] = state
    TTFont.addObjects(font, scratch)
    names = [scratch.numberToId[number]
             for number in range(first + 1, scratch.objectcounter + 1)]
    for index, name in enumerate(names):
        scratch.idToObjectNumberAndVersion[name] = (_FIRST_PLACEHOLDER + index, 0)
    templates = []
    for name in names:
        made = scratch.idToObject[name]
        formatted = pdfdoc.format(made, scratch, toplevel=1)
        if isinstance(made, pdfdoc.PDFStream):      # its content is not searched for refs
            templates.append((name, _Template((formatted,), ())))
            continue
        pieces = _PLACEHOLDER_REF.split(formatted)
        templates.append((name, _Template(tuple(pieces[0::2]), tuple(
            names[int(number) - _FIRST_PLACEHOLDER] for number in pieces[1::2]))))
    return tuple(templates), frozenset(scratch.idToObject["BasicFonts"].dict.keys() - listed)


class _SubsetCachingFont(TTFont):  # type: ignore[misc]
    """A font whose PDF objects for a subset are made and formatted once per process.

    Every PDF embeds a subset of each font it uses, with its widths, ToUnicode map and
    descriptor, made, deflated and formatted anew per document by reportlab: most of what a
    one-page letter costs beyond its own text. reportlab's subset 0 starts as all of ASCII in
    code order (ttfAsciiReadable), other characters taking free codes in the order they first
    appear, so every document whose text is ASCII, as almost all Indonesian text is, embeds
    the very same subset: only the object numbers differ, and those are filled in per
    document.
    """

    def addObjects(self, doc: Any) -> None:
        state = self.state.get(doc)
        if state is None or not isinstance(doc.encrypt, pdfdoc.NoEncryption):
            super().addObjects(doc)
            return
        key = (self.fontName, tuple(map(tuple, state.subsets)), state.internalName,
               doc.compression, rl_config.pdfMultiLine, rl_config.invariant,
               rl_config.pdfComments)
        found = _objects.get(key)
        if found is None:
            found = _objects[key] = _format_objects(self, state, doc.compression)
            while len(_objects) > _KEPT:
                _objects.popitem(last=False)
        templates, listed = found
        fonts = doc.idToObject["BasicFonts"].dict
        for name, template in templates:
            formatted = _Formatted(template)
            doc.Reference(formatted, name)
            if name in listed:
                fonts[name] = formatted
        del self.state[doc]


def register() -> None:
    """Register the family with reportlab once; <b> and <i> in Paragraphs map onto it."""
    if REGULAR in pdfmetrics.getRegisteredFontNames():
        return
    folder = font_dir()
    for name, file in _FILES.items():
        pdfmetrics.registerFont(_SubsetCachingFont(name, str(folder / file)))
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
