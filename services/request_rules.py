"""Pure checks on a request before it is sent. Each refusal is an Indonesian sentence.

No I/O here: the service gathers the facts (today, existing requests, balance, service start)
and these functions decide.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass

from services.errors import DomainError
from services.request_types import ATTACH_REQUIRED, RequestType

PDF_MIME = "application/pdf"
IMAGE_MIMES = frozenset({"image/jpeg", "image/png"})
MAX_REASON = 500
MIN_REASON = 5


class RequestRefused(DomainError):
    """The request cannot be sent as it is; the message says why and what to do."""


@dataclass(frozen=True)
class Span:
    """An existing pending or approved request, for the overlap check."""

    request_id: int
    type_label: str
    start: dt.date
    end: dt.date
    part: str


def _date(day: dt.date) -> str:
    return day.strftime("%d-%m-%Y")


def add_months(day: dt.date, months: int) -> dt.date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    for candidate in (day.day, 30, 29, 28):
        try:
            return dt.date(year, month, candidate)
        except ValueError:
            continue
    raise AssertionError("unreachable: every month has 28 days")


def check_dates(kind: RequestType, start: dt.date, end: dt.date, *, today: dt.date,
                backdate_days: int, max_ahead_days: int) -> None:
    if end < start:
        raise RequestRefused(f"Tanggal selesai ({_date(end)}) tidak boleh sebelum tanggal mulai "
                             f"({_date(start)}).")
    if kind.single_day and end != start:
        raise RequestRefused(f"{kind.label} hanya untuk satu hari.")
    earliest = today - dt.timedelta(days=backdate_days)
    if start < earliest:
        raise RequestRefused(
            f"Tanggal {_date(start)} sudah lewat lebih dari {backdate_days} hari. Pengajuan "
            f"paling awal untuk tanggal {_date(earliest)}; untuk tanggal sebelumnya hubungi "
            "pengelola kepegawaian.")
    latest = today + dt.timedelta(days=max_ahead_days)
    if start > latest:
        raise RequestRefused(f"Pengajuan paling jauh untuk tanggal {_date(latest)} "
                             f"({max_ahead_days} hari ke depan).")
    if kind.max_months is not None and end >= add_months(start, kind.max_months):
        last = add_months(start, kind.max_months) - dt.timedelta(days=1)
        raise RequestRefused(f"{kind.label} paling lama {kind.max_months} bulan "
                             f"(sampai dengan {_date(last)}).")


def check_working_days(working_days: int) -> None:
    if working_days == 0:
        raise RequestRefused("Rentang tanggal yang dipilih tidak memuat hari kerja "
                             "(akhir pekan atau hari libur). Pilih tanggal lain.")


def parts_clash(part_a: str, part_b: str) -> bool:
    """A full day clashes with anything; an arrive-late permit only with another one."""
    return part_a == "full" or part_b == "full" or part_a == part_b


def check_overlap(start: dt.date, end: dt.date, part: str, existing: Iterable[Span],
                  *, ignore_id: int | None = None) -> None:
    for span in existing:
        if span.request_id == ignore_id:
            continue
        if span.start <= end and start <= span.end and parts_clash(part, span.part):
            period = (_date(span.start) if span.start == span.end
                      else f"{_date(span.start)} s.d. {_date(span.end)}")
            raise RequestRefused(
                f"Tanggal tersebut bertabrakan dengan pengajuan #{span.request_id} "
                f"({span.type_label}, {period}) yang masih diproses atau sudah disetujui.")


def check_service(kind: RequestType, service_start: dt.date, start: dt.date) -> None:
    if kind.min_service_years == 0:
        return
    eligible = add_months(service_start, 12 * kind.min_service_years)
    if start < eligible:
        raise RequestRefused(
            f"{kind.label} baru dapat diambil setelah masa kerja {kind.min_service_years} "
            f"tahun, yaitu mulai {_date(eligible)}.")


def check_balance(kind: RequestType, working_days: int, available: int) -> None:
    if kind.uses_annual_balance and working_days > available:
        raise RequestRefused(
            f"Sisa cuti tahunan Anda {available} hari kerja, sedangkan yang diajukan "
            f"{working_days} hari kerja. Kurangi jumlah hari atau pilih jenis cuti lain.")


_TYPED_TIME = re.compile(r"^\s*([01]?\d|2[0-3])[.:]([0-5]\d)\s*$")


def parse_time_of_day(text: str) -> dt.time:
    """"9.30", "09:30" → 09:30; anything else is refused with the format to use."""
    match = _TYPED_TIME.match(text)
    if not match:
        raise RequestRefused("Jam tidak dikenali. Tuliskan jam dengan format JJ.MM, misalnya "
                             "09.30.")
    return dt.time(int(match[1]), int(match[2]))


def check_part_time(part: str, at: dt.time | None) -> None:
    """A part-day permit names its time (the expected arrival or departure); a full-day
    request names none."""
    if part == "full":
        if at is not None:
            raise RequestRefused("Jam hanya dicatat untuk izin datang terlambat atau pulang "
                                 "cepat.")
    elif at is None:
        raise RequestRefused("Tuliskan jam perkiraan datang atau pulang untuk izin ini.")


def check_reason(reason: str) -> str:
    text = " ".join(reason.split())
    if len(text) < MIN_REASON:
        raise RequestRefused(f"Alasan terlalu singkat; tuliskan paling sedikit {MIN_REASON} "
                             "huruf.")
    if len(text) > MAX_REASON:
        raise RequestRefused(f"Alasan terlalu panjang; paling banyak {MAX_REASON} huruf.")
    return text


def attachment_kind(mime_type: str | None, size: int | None, *, is_photo: bool,
                    max_bytes: int) -> str:
    """"photo" for a file sent as a photo, "pdf" for one sent as a file (a document: a PDF, or an
    image sent as a file, which Telegram only accepts back as a document); otherwise refuse with
    the reason. The stored kind decides how the file is forwarded."""
    if not is_photo and mime_type != PDF_MIME and mime_type not in IMAGE_MIMES:
        raise RequestRefused("Lampiran harus berupa foto atau berkas PDF.")
    if size is None or size > max_bytes:
        limit = max_bytes / (1024 * 1024)
        raise RequestRefused(f"Ukuran lampiran melebihi batas {limit:g} MB. Kirim berkas yang "
                             "lebih kecil atau foto dokumennya.")
    return "photo" if is_photo else "pdf"


def attachment_needed(kind: RequestType) -> bool:
    return kind.attachment == ATTACH_REQUIRED


def check_attachment_present(kind: RequestType, has_attachment: bool,
                             label: str | None = None) -> None:
    if attachment_needed(kind) and not has_attachment:
        raise RequestRefused(f"{kind.label} wajib dilampiri {label or kind.attachment_label}.")
