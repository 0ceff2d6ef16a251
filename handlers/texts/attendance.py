"""Texts of attendance: daily alerts, PP 94/2021 notices, /hadir and /kalender."""

# TL1–TL4 and PSW1–PSW4 are named from the configured bands ([attendance] bands).
LATE_NAME = "Terlambat"
EARLY_NAME = "Pulang sebelum waktu"
BAND_RANGE = "{nama} {dari}–{sampai} menit"
BAND_OVER = "{nama} lebih dari {batas} menit"
# Names of the other daily codes, as written in recaps.
CODE_NAMES = {
    "H": "Hadir",
    "TAM": "Tidak absen masuk", "TAP": "Tidak absen pulang", "TK": "Tanpa keterangan",
    "I": "Izin", "S": "Sakit", "DL": "Dinas luar", "TB": "Tugas belajar",
    "CT": "Cuti tahunan", "CB": "Cuti besar", "CS": "Cuti sakit", "CM": "Cuti melahirkan",
    "CAP": "Cuti karena alasan penting", "CLTN": "Cuti di luar tanggungan negara",
    "L": "Libur",
}

# --- morning notice to an employee ---------------------------------------------------------
NOT_YET_IN = (
    "Yth. {nama},\n\n"
    "Anda belum tercatat hadir pada hari ini, {tanggal}, hingga pukul {jam} "
    "(jam masuk {masuk}).\n\n"
    "Apabila Anda berhalangan hadir atau datang terlambat dengan alasan yang sah, silakan "
    "ajukan keterangan melalui tombol di bawah. Apabila Anda sudah memindai sidik jari, "
    "mohon abaikan pemberitahuan ini."
)
BUTTON_IZIN = "📝 Izin"
BUTTON_SAKIT = "🤒 Sakit"
BUTTON_DINAS_LUAR = "🚗 Dinas Luar"
BUTTON_IZIN_TERLAMBAT = "⏰ Izin Terlambat"
BUTTON_IZIN_PULANG_CEPAT = "📝 Ajukan Izin Pulang Cepat"

# --- morning summary to an atasan ----------------------------------------------------------
TEAM_HEADER = "Ringkasan kehadiran bawahan Anda\n{tanggal}, keadaan pukul {jam}"
TEAM_UNSYNCED = (
    "⚠️ Data mesin presensi {mesin} belum dapat diambil pagi ini; daftar di bawah mungkin "
    "belum lengkap dan pegawai belum diberi pemberitahuan."
)
TEAM_LATE = "<b>Terlambat ({jumlah})</b>"
TEAM_LATE_LINE = "• {nama} — masuk {masuk} ({kode}, {menit} menit)"
TEAM_MISSING = "<b>Belum tercatat hadir ({jumlah})</b>"
TEAM_MISSING_LINE = "• {nama}"
TEAM_AWAY = "<b>Berhalangan dengan keterangan sah ({jumlah})</b>"
TEAM_AWAY_LINE = "• {nama} — {keterangan}"
LATE_PERMIT = "Izin datang terlambat (belum tiba)"
TEAM_MORE = "• dan {jumlah} pegawai lainnya"
TEAM_FOOTER = "Rincian lengkap dapat dilihat dengan perintah /hadir."

# --- afternoon notices ---------------------------------------------------------------------
LEFT_EARLY = (
    "Yth. {nama},\n\n"
    "Absen pulang Anda hari ini, {tanggal}, tercatat pukul {keluar}, sebelum jam pulang "
    "{pulang} ({kode}, {menit} menit lebih awal).\n\n"
    "Apabila Anda pulang lebih awal dengan alasan yang sah, silakan ajukan izin pulang cepat "
    "melalui tombol di bawah."
)
NO_OUT_YET = (
    "Yth. {nama},\n\n"
    "Anda belum tercatat absen pulang hari ini, {tanggal} (absen masuk pukul {masuk}; jam "
    "pulang {pulang}).\n\n"
    "Silakan memindai sidik jari sebelum pukul {tutup} agar tidak tercatat TAP (tidak absen "
    "pulang)."
)

# --- PP 94/2021 notices to the atasan and the Kepala ---------------------------------------
LADDER_HEADER = "<b>Pemberitahuan Disiplin Kehadiran (PP 94/2021)</b>"
LADDER_STEP = (
    "<b>{nama}</b>\nNIP {nip} · {jabatan}\n"
    "Tercatat tidak masuk kerja tanpa alasan yang sah selama <b>{jumlah} hari kerja</b> "
    "pada tahun {tahun} ({rincian}), sehingga mencapai ambang <b>{ambang} hari</b>. Menurut "
    "Peraturan Pemerintah Nomor 94 Tahun 2021 tentang Disiplin Pegawai Negeri Sipil, ketentuan "
    "untuk ambang tersebut: {hukuman}."
)
# How the days of a ladder notice are made up.
LADDER_ONLY_TK = "seluruhnya tanpa keterangan (TK)"
LADDER_WITH_MINUTES = (
    "{tk} hari tanpa keterangan + {hari_menit} hari dari akumulasi keterlambatan/pulang cepat "
    "{durasi}"
)
LADDER_MINUTES_RULE = (
    "Sesuai Peraturan Badan Kepegawaian Negara Nomor 6 Tahun 2022, keterlambatan masuk kerja "
    "dan pulang sebelum waktu tanpa alasan yang sah diakumulasikan; setiap {per_hari} "
    "dihitung 1 hari tidak masuk kerja."
)
DURATION_HOURS = "{jam} jam"
DURATION_MINUTES = "{menit} menit"
LADDER_RUN = (
    "<b>{nama}</b>\nNIP {nip} · {jabatan}\n"
    "Tercatat tidak masuk kerja tanpa alasan yang sah (TK) selama <b>{hari} hari kerja "
    "berturut-turut</b> sejak {mulai} (jumlah TK tahun {tahun}: {jumlah} hari). Menurut "
    "Peraturan Pemerintah Nomor 94 Tahun 2021 tentang Disiplin Pegawai Negeri Sipil, "
    "ketidakhadiran tanpa alasan yang sah selama {batas} hari kerja berturut-turut: {hukuman}."
)
# PPPK: the PPK sets their discipline, with wording of the penalty that fits a contract.
LADDER_PPPK_NOTE = "Yang bersangkutan adalah PPPK: hukuman disiplinnya ditetapkan oleh PPK " \
    "(PP 49/2018)."
LADDER_FOOTER = (
    "Pemberitahuan ini hanya laporan data kehadiran. Pemeriksaan dan keputusan hukuman "
    "disiplin tetap berada pada atasan langsung dan pejabat yang berwenang. Jumlah hari dapat "
    "berubah apabila kemudian ada keterangan ketidakhadiran yang disetujui."
)

# --- /hadir ---------------------------------------------------------------------------------
TODAY_HEADER = "<b>Kehadiran Anda hari ini</b>\n{tanggal}"
TODAY_DAY_OFF = "Hari ini libur: {keterangan}."
TODAY_HOURS = "Jam kerja: {masuk}–{pulang}"
TODAY_IN = "Absen masuk: {jam}"
TODAY_OUT = "Absen terakhir: {jam}"
TODAY_NO_SCAN = "Belum ada pindaian yang tercatat."
TODAY_STATUS = "Status: {status}"
TODAY_ABSENCE = "Status: {status} (keterangan yang disetujui)"
MONTH_SUMMARY_HEADER = "<b>Bulan ini ({bulan})</b>"
MONTH_NO_DAYS = "Belum ada hari kerja yang berlalu."
MONTH_MINUTES = "Jumlah terlambat {terlambat} menit · pulang cepat {cepat} menit"
MONTH_TPP = "Perkiraan potongan TPP: {persen}%"
YEAR_MINUTES = (
    "Akumulasi terlambat/pulang cepat tanpa alasan sah tahun {tahun} (s.d. kemarin): "
    "{durasi}, dihitung <b>{hari} hari</b> tidak masuk kerja menurut PP 94/2021 "
    "(setiap {per_hari} = 1 hari)."
)
MONTH_HINT = "Rincian per hari: /hadir bulan {bulan}"
TEAM_TODAY_HEADER = "<b>Bawahan Anda hari ini</b>"
TEAM_TODAY_LINE = "• {nama}: {status}"
TEAM_TODAY_MORE = "• dan {jumlah} pegawai lainnya; ringkasan lengkap dikirim setiap pagi."
NOT_YET = "belum tercatat hadir"

STATEMENT_HEADER = "<b>Rincian Kehadiran {bulan}</b>\n{nama}\nNIP {nip}"
STATEMENT_LINE = "{hari} {tanggal} · {kode}{jam}"
STATEMENT_TIMES = " · {masuk}–{keluar}"
STATEMENT_TOTALS = "<b>Jumlah:</b> {rincian}"
BAD_MONTH = (
    "Format bulan tidak dikenali. Gunakan <code>/hadir bulan MM-YYYY</code>, "
    "misalnya <code>/hadir bulan 10-2026</code>."
)
UNKNOWN_HADIR_ARGUMENT = (
    "Perintah tidak dikenali. Gunakan /hadir untuk hari ini atau "
    "<code>/hadir bulan MM-YYYY</code> untuk rincian satu bulan."
)

# --- /kalender ------------------------------------------------------------------------------
CALENDAR_HEADER = "<b>Kalender Kerja {bulan}</b>"
CALENDAR_WEEKDAYS = "Sen Sel Rab Kam Jum Sab Min"
CALENDAR_LEGEND = "Tanda * = hari libur"
CALENDAR_WORKING_DAYS = "Hari kerja: {jumlah} hari"
CALENDAR_HOLIDAYS = "<b>Hari libur dan cuti bersama</b>"
CALENDAR_HOLIDAY_LINE = "• {tanggal} — {nama}"
CALENDAR_NO_HOLIDAYS = "Tidak ada hari libur selain akhir pekan."
CALENDAR_OVERRIDES = "<b>Tetap masuk kerja</b>"
CALENDAR_RAMADAN = "Jam kerja Ramadan berlaku {mulai} s.d. {akhir}."
CALENDAR_PREV = "◀ {bulan}"
CALENDAR_NEXT = "{bulan} ▶"
CALENDAR_BAD_MONTH = (
    "Format bulan tidak dikenali. Gunakan <code>/kalender MM-YYYY</code>, "
    "misalnya <code>/kalender 12-2026</code>."
)
