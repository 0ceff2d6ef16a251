"""Texts of the monthly recap (/rekap, the paraf chain, /arsip) and the Kepala's daily report."""

REKAP_USAGE = (
    "Format bulan tidak dikenali. Gunakan <code>/rekap</code> untuk bulan lalu, atau "
    "<code>/rekap 10-2026</code> untuk bulan tertentu."
)
DRAFT_CAPTION = (
    "📄 <b>Draf Rekapitulasi Kehadiran {periode}</b> (versi {versi})\n"
    "{pegawai} pegawai, {hari_kerja} hari kerja.\n\n"
    "Periksa draf ini. Bila sudah benar, tekan <b>Ajukan ke Kasubbag</b>; rekapitulasi akan "
    "disusun ulang dari data terkini lalu dikirim untuk diparaf."
)
DRAFT_RETURNED_NOTE = "\n\n↩️ Dikembalikan sebelumnya dengan alasan: <i>{alasan}</i>"
AUTO_DRAFT_NOTE = "\n\nDraf ini disusun otomatis pada hari kerja awal bulan."
XLSX_CAPTION = "📊 Tabel yang sama dalam format XLSX untuk diperiksa di lembar kerja."
BUTTON_SUBMIT = "📨 Ajukan ke Kasubbag"
BUTTON_PARAF = "✍️ Paraf"
BUTTON_SIGN = "🖋 Tandatangani"
BUTTON_RETURN = "↩️ Kembalikan"

REVIEW_CAPTION = (
    "📄 <b>Rekapitulasi Kehadiran {periode}</b> (versi {versi})\n"
    "Diajukan oleh: {operator}\n{jejak}\n"
    "Mohon diperiksa. Tekan <b>{tombol}</b> bila sudah benar, atau <b>Kembalikan</b> dengan "
    "alasan bila perlu diperbaiki."
)
TRAIL_PARAF = "✔️ Diparaf {jabatan}: {nama}, {waktu}"
RETURNED_TO_YOU = (
    "↩️ <b>Rekapitulasi Kehadiran {periode}</b> dikembalikan kepada Anda oleh {nama} "
    "({jabatan}).\nAlasan: <i>{alasan}</i>"
)
RETURNED_TO_OPERATOR_HINT = (
    "\n\nPerbaiki data yang diperlukan (mis. tambahkan izin yang sudah disetujui), lalu tekan "
    "<b>Ajukan ke Kasubbag</b>: rekapitulasi disusun ulang dari data terkini."
)
RETURNED_TO_REVIEWER_HINT = (
    "\n\nPeriksa kembali, lalu bubuhkan paraf atau kembalikan lagi kepada tahap sebelumnya."
)

SUBMITTED = "📨 Diajukan ke Kasubbag pada {waktu}."
PARAF_DONE = "✍️ Anda telah membubuhkan paraf pada {waktu}."
SIGNED_DONE = "🖋 Anda telah menandatangani rekapitulasi pada {waktu}."
RETURN_DONE = "↩️ Anda mengembalikan rekapitulasi ini kepada {ke} pada {waktu}."
FORWARDED_TO = "Rekapitulasi diteruskan kepada {nama} ({jabatan})."
NOBODY_TO_NOTIFY = (
    "⚠️ Belum ada {jabatan} yang terhubung dengan bot, sehingga rekapitulasi belum dapat "
    "dikirim. Hubungi pengelola kepegawaian."
)

SIGNED_CAPTION = (
    "✅ <b>Rekapitulasi Kehadiran {periode}</b> telah ditandatangani.\n"
    "Nomor: <b>{nomor}</b>\nDitandatangani: {nama}, {waktu}\n"
    "SHA-256: <code>{hash}</code>\n\nDokumen telah diarsipkan."
)

ASK_REASON = (
    "↩️ Tuliskan alasan pengembalian Rekapitulasi Kehadiran {periode} (apa yang perlu "
    "diperbaiki). Kirim /batal untuk membatalkan."
)
REASON_CANCELLED = "Pengembalian dibatalkan. Rekapitulasi tetap menunggu keputusan Anda."

ARCHIVE_EMPTY = "Belum ada rekapitulasi kehadiran yang ditandatangani dan diarsipkan."
ARCHIVE_HEADER = (
    "🗄 <b>Arsip Rekapitulasi Kehadiran</b>\n"
    "Disimpan sekurang-kurangnya satu tahun. Tekan bulan untuk menerima salinannya.\n"
)
ARCHIVE_LINE = "• {periode} — Nomor {nomor}, ditandatangani {tanggal}"
ARCHIVE_BUTTON = "📄 {periode}"
ARCHIVE_COPY_CAPTION = (
    "🗄 Salinan arsip <b>Rekapitulasi Kehadiran {periode}</b>\nNomor: {nomor}\n"
    "Ditandatangani: {tanggal}\nSHA-256: <code>{hash}</code>"
)

DAILY_HEADER = (
    "🗓 <b>Laporan Kehadiran Harian</b>\n{tanggal}, pukul {jam}\n"
    "Hadir di kantor: {hadir} dari {jumlah} pegawai."
)
DAILY_ALL_PRESENT = "\nSeluruh pegawai telah tercatat hadir."
DAILY_GROUP = "\n<b>{keterangan}</b> ({jumlah}):"
DAILY_LINE = "• {nama} — {unit}"
DAILY_MORE = "• … dan {jumlah} pegawai lainnya"
DAILY_NOT_YET = "Belum tercatat hadir"
REASONS = {
    "TK": "Tanpa keterangan",
    "I": "Izin", "S": "Sakit", "DL": "Dinas luar", "TB": "Tugas belajar",
    "CT": "Cuti tahunan", "CB": "Cuti besar", "CS": "Cuti sakit", "CM": "Cuti melahirkan",
    "CAP": "Cuti karena alasan penting", "CLTN": "Cuti di luar tanggungan negara",
}
