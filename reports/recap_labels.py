"""Every word printed in the monthly recap (PDF and XLSX), in formal Indonesian, in one place."""

from __future__ import annotations

TITLE = "REKAPITULASI KEHADIRAN PEGAWAI"
PERIOD = "Bulan {month}"
AGENDA = "Nomor: {number}"
DRAFT_MARK = "DRAF — belum ditandatangani (versi {version})"
EXPORT_MARK = "DRAF — dicetak dari data per {date}, di luar alur paraf"
UNIT_ROW = "Unit Kerja: {unit}"
DAYS_HEADER = "Tanggal"
TOTALS_HEADER = "Jumlah"
COL_NO = "No"
COL_NAMA = "Nama"
COL_NIP = "NIP"
COL_GOLONGAN = "Gol."
COL_JABATAN = "Jabatan"
COL_LATE_MINUTES = "Mnt\nTL"
COL_TPP = "Pot.\nTPP %"
FOOTER = "Rekapitulasi Kehadiran Pegawai · {month}"
PAGE = "Halaman {page} dari {total}"

LEGEND_TITLE = "Keterangan kode:"
SHADED_NOTE = "Kolom berlatar abu-abu adalah hari libur atau akhir pekan."
LEGEND_LATE = "Terlambat {rentang} menit"
LEGEND_EARLY = "Pulang sebelum waktu {rentang} menit"
LEGEND_RANGE = "{dari}–{sampai}"
LEGEND_OVER = "lebih dari {batas}"


def legend(bands: tuple[int, int, int]) -> tuple[tuple[str, str], ...]:
    """The code legend with TL/PSW ranges made from the bands the recap was classified with."""
    b1, b2, b3 = bands
    ranges = ", ".join([LEGEND_RANGE.format(dari=1, sampai=b1),
                        LEGEND_RANGE.format(dari=b1 + 1, sampai=b2),
                        LEGEND_RANGE.format(dari=b2 + 1, sampai=b3),
                        LEGEND_OVER.format(batas=b3)])
    return (LEGEND[0], ("TL1–TL4", LEGEND_LATE.format(rentang=ranges)),
            ("PSW1–PSW4", LEGEND_EARLY.format(rentang=ranges)), *LEGEND[1:])


# Every code but TL/PSW, whose ranges follow the bands (legend()).
LEGEND: tuple[tuple[str, str], ...] = (
    ("H", "Hadir tepat waktu"),
    ("TAM", "Tidak absen masuk"),
    ("TAP", "Tidak absen pulang"),
    ("TK", "Tanpa keterangan"),
    ("I", "Izin"),
    ("S", "Sakit"),
    ("DL", "Dinas luar"),
    ("TB", "Tugas belajar"),
    ("C", "Cuti: CT tahunan, CB besar, CS sakit, CM melahirkan, CAP alasan penting, "
          "CLTN di luar tanggungan negara"),
    ("L", "Libur"),
    ("Mnt TL", "Jumlah menit keterlambatan dalam sebulan"),
    ("Pot. TPP %", "Persentase potongan Tambahan Penghasilan Pegawai bulan ini"),
)

SUMMARY_TITLE = "RINGKASAN KEHADIRAN PER UNIT KERJA"
SUMMARY_HEADER = ("Unit Kerja", "Jumlah Pegawai", "Hari Kerja", "Hadir", "Tanpa Keterangan",
                  "Izin/Sakit/Cuti", "Tingkat Kehadiran")
SUMMARY_TOTAL = "Seluruh Kantor"
CHART_TITLE = "Tingkat kehadiran per unit kerja (%)"
CHART_PART = "{title}, bagian {part} dari {parts}"

PARAF_TITLE = "Paraf"
PARAF_WHEN = "Waktu"
PARAF_DONE = "Diparaf {at}"
PARAF_PENDING = "Belum diparaf"
SIGN_PLACE_DATE = "{city}, {date}"
SIGN_TITLE = "Kepala {office}"
SIGNED_MARK = "Ditandatangani secara elektronik\n{at}"
SIGN_NIP = "NIP. {nip}"
SIGN_UNKNOWN = "(Kepala belum terdaftar)"

XLSX_SHEET = "Rekap {month}"
XLSX_SUMMARY_SHEET = "Ringkasan"
XLSX_UNIT = "Unit Kerja"
XLSX_LOCATED_SHEET = "Presensi Lokasi"
XLSX_LOCATED_TITLE = "Presensi lokasi (berbagi lokasi langsung Telegram), {month}"
XLSX_LOCATED_HEADER = ("NIP", "Nama", "Unit Kerja", "Tanggal", "Kode", "Lokasi")
XLSX_LOCATED_NOTE = "Presensi lokasi: {sites}"
XLSX_LOCATED_NONE = "Tidak ada presensi lokasi pada bulan ini."
