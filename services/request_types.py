"""The request types the bot accepts, with the facts the rules need about each.

Keys and attendance codes are a cross-team contract (absence_days.code / part).
"""

from __future__ import annotations

from dataclasses import dataclass

# When an attachment is needed: never offered, optional or always. Every day of sakit needs a
# doctor's letter, one day included (Peraturan BKN 7/2021 III.C.2).
ATTACH_NONE = "none"
ATTACH_OPTIONAL = "optional"
ATTACH_REQUIRED = "required"


@dataclass(frozen=True)
class RequestType:
    key: str
    label: str                 # as written in letters and lists
    code: str                  # attendance code written to absence_days
    letter: str                # "izin" or "cuti": which letter and agenda register
    part: str = "full"         # full, arrive_late, leave_early
    attachment: str = ATTACH_OPTIONAL
    attachment_label: str = "lampiran pendukung"
    min_service_years: int = 0
    max_months: int | None = None   # longest span from start to end, in calendar months
    uses_annual_balance: bool = False

    @property
    def single_day(self) -> bool:
        return self.part != "full"

    @property
    def is_cuti(self) -> bool:
        return self.letter == "cuti"


REQUEST_TYPES: tuple[RequestType, ...] = (
    RequestType("izin", "Izin tidak masuk kerja", "I", "izin", max_months=1),
    # More than one working day of sakit is filed as cuti sakit (services.requests).
    RequestType("sakit", "Sakit", "S", "izin", attachment=ATTACH_REQUIRED,
                attachment_label="surat keterangan dokter", max_months=1),
    RequestType("dinas_luar", "Dinas luar", "DL", "izin", attachment=ATTACH_REQUIRED,
                attachment_label="surat tugas", max_months=3),
    # Part-day permits are a note to the atasan: nothing to attach.
    RequestType("izin_terlambat", "Izin datang terlambat", "I", "izin", part="arrive_late",
                attachment=ATTACH_NONE),
    RequestType("izin_pulang_cepat", "Izin pulang sebelum waktunya", "I", "izin",
                part="leave_early", attachment=ATTACH_NONE),
    RequestType("cuti_tahunan", "Cuti tahunan", "CT", "cuti", min_service_years=1,
                uses_annual_balance=True),
    RequestType("cuti_besar", "Cuti besar", "CB", "cuti", min_service_years=5, max_months=3),
    RequestType("cuti_sakit", "Cuti sakit", "CS", "cuti", attachment=ATTACH_REQUIRED,
                attachment_label="surat keterangan dokter", max_months=18),
    RequestType("cuti_melahirkan", "Cuti melahirkan", "CM", "cuti", attachment=ATTACH_REQUIRED,
                attachment_label="surat keterangan dokter atau bidan", max_months=3),
    RequestType("cuti_alasan_penting", "Cuti karena alasan penting", "CAP", "cuti",
                max_months=1),
    RequestType("cuti_cltn", "Cuti di luar tanggungan negara", "CLTN", "cuti",
                min_service_years=5, max_months=36),
)

_BY_KEY = {t.key: t for t in REQUEST_TYPES}
TYPE_KEYS: tuple[str, ...] = tuple(_BY_KEY)


def request_type(key: str) -> RequestType | None:
    return _BY_KEY.get(key)
