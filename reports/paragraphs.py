"""Paragraphs whose markup was parsed before.

A letter's Paragraphs are mostly texts every letter of the office repeats (the letterhead, the
title, the set phrases, the signer's lines), and parsing a Paragraph's markup is about a third
of what one costs. reportlab takes parsed fragments in place of the text and only reads them
(laying a Paragraph out builds its own lines), so one parse serves every document, in any
thread.
"""

from __future__ import annotations

from collections import OrderedDict
from typing import Any

from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import Paragraph

# Distinct texts kept: a few per letter plus the recurring ones.
_KEPT = 512
_parsed: OrderedDict[tuple[str, ParagraphStyle], tuple[ParagraphStyle, Any]] = OrderedDict()


def paragraph(text: str, style: ParagraphStyle) -> Paragraph:
    """Paragraph(text, style), its markup parsed once per process."""
    key = (text, style)
    found = _parsed.get(key)
    if found is None:
        made = Paragraph(text, style)
        _parsed[key] = (made.style, made.frags)
        while len(_parsed) > _KEPT:
            _parsed.popitem(last=False)
        return made
    parsed_style, frags = found
    return Paragraph(text, parsed_style, frags=frags)
