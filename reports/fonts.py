"""The Unicode font every PDF is set in: DejaVu Sans, as shipped by matplotlib.

reportlab's built-in Helvetica covers Latin-1 only, so names and reasons in other scripts
(Cyrillic, Greek, Vietnamese, Latin Extended) printed as ■. DejaVu Sans covers them; matplotlib
is a well-kept PyPI package that ships its TTFs (regular, bold, oblique) with every install, so
a clean clone gets the font through pip. The files are located without importing matplotlib.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

from reportlab import rl_config
from reportlab.graphics import shapes
from reportlab.lib.fonts import addMapping
from reportlab.pdfbase import pdfmetrics
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


def register() -> None:
    """Register the family with reportlab once; <b> and <i> in Paragraphs map onto it."""
    if REGULAR in pdfmetrics.getRegisteredFontNames():
        return
    folder = font_dir()
    for name, file in _FILES.items():
        pdfmetrics.registerFont(TTFont(name, str(folder / file)))
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
