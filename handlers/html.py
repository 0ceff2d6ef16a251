"""The one place user-supplied text enters HTML messages.

Templates in handlers/texts are Telegram HTML written by us. Every value put into them goes
through `fill`, which escapes it exactly once; a fragment we built ourselves from escaped parts
(a list of lines, a menu) is wrapped in `Html` so it is not escaped a second time.
"""

from __future__ import annotations

import html


class Html(str):
    """Text that is already Telegram HTML (built by us from escaped parts)."""

    __slots__ = ()


def esc(value: object) -> Html:
    """Escape one value for Telegram HTML (names, notes, reasons, file names...)."""
    if isinstance(value, Html):
        return value
    return Html(html.escape("" if value is None else str(value), quote=False))


def fill(template: str, **values: object) -> Html:
    """`template.format(**values)` with every value escaped (unless it is `Html`)."""
    return Html(template.format(**{key: esc(value) for key, value in values.items()}))


def join(parts: list[Html] | list[str], separator: str = "\n") -> Html:
    """Join fragments that are Html already; plain strings among them are escaped."""
    return Html(separator.join(esc(part) for part in parts))
