"""The report of a spreadsheet import, the same on the console and in chat: the counts, then
every refused row with its line number. Plain data in, lines out; no Telegram here, so the CLI
uses it without loading the bot."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape
from typing import Protocol

from handlers.texts import operator as texts


class RowProblem(Protocol):
    @property
    def line(self) -> int: ...
    @property
    def nip(self) -> str: ...
    @property
    def reason(self) -> str: ...


class ImportOutcome(Protocol):
    @property
    def created(self) -> int: ...
    @property
    def updated(self) -> int: ...
    @property
    def unchanged(self) -> int: ...
    @property
    def imported(self) -> int: ...
    @property
    def errors(self) -> Sequence[RowProblem]: ...


def render_import_report(title: str, result: ImportOutcome, *, as_html: bool,
                         max_rows: int | None = None) -> str:
    """`max_rows` caps the refused rows listed (a chat message has a length limit); the
    count of the rest is given instead."""
    def fmt(value: object) -> str:
        return escape(str(value)) if as_html else str(value)

    lines = [texts.IMPORT_COUNTS.format(judul=fmt(title), jumlah=result.imported,
                                        baru=result.created, diperbarui=result.updated,
                                        tetap=result.unchanged, ditolak=len(result.errors))]
    shown = result.errors if max_rows is None else result.errors[:max_rows]
    lines += [texts.IMPORT_REFUSED_ROW.format(baris=e.line, nip=fmt(e.nip or "-"),
                                              alasan=fmt(e.reason)) for e in shown]
    if len(shown) < len(result.errors):
        lines.append(texts.IMPORT_MORE_REFUSED.format(jumlah=len(result.errors) - len(shown)))
    return "\n".join(lines)
