"""Texts of presensi lokasi: /absen, the live location check, selfies and outage days."""

CMD_ABSEN = "Presensi lokasi (berbagi lokasi langsung)"
CMD_GANGGUAN = "Nyatakan gangguan mesin presensi hari ini"

# --- /absen --------------------------------------------------------------------------------
ASK = (
    "📍 <b>Presensi lokasi</b> — {tanggal}\n\n"
    "Lokasi yang berlaku bagi Anda hari ini ({dasar}):\n{lokasi}\n\n"
    "Cara: ketuk 📎 → <b>Lokasi</b> → <b>Bagikan Lokasi Langsung</b> (Share Live Location), "
    "lalu biarkan berjalan sekurang-kurangnya {detik} detik."
)
ASK_SELFIE_OPTIONAL = "\nSesudah tercatat, Anda dapat mengirim swafoto dalam {detik} detik."
ASK_SELFIE_REQUIRED = "\nSesudah lokasi diperiksa, kirim swafoto dalam {detik} detik."
SITE_LINE = "• {nama} (radius {radius} m)"
BASIS = {
    "everyone": "seluruh pegawai",
    "unit": "unit kerja Anda",
    "employee": "ditetapkan untuk Anda",
    "dinas_luar": "dinas luar yang disetujui",
    "outage": "gangguan mesin presensi hari ini",
}
NOT_ENABLED = "Presensi lokasi tidak diaktifkan di kantor ini."
NOT_PERMITTED_TODAY = (
    "Anda tidak termasuk pegawai yang dapat melakukan presensi lokasi hari ini; silakan "
    "memindai sidik jari di mesin presensi."
)

# --- the check -----------------------------------------------------------------------------
CHECKING = (
    "⏳ Lokasi langsung diterima: Anda berada {jarak} m dari titik {lokasi} (akurasi GPS "
    "{akurasi} m). Tetap bagikan lokasi selama {detik} detik; presensi dicatat sesudah "
    "pemeriksaan selesai."
)
RECORDED = (
    "✅ Presensi {arah} tercatat pukul {jam} di {lokasi} (jarak {jarak} m, akurasi GPS "
    "{akurasi} m). Anda boleh menghentikan berbagi lokasi."
)
DIRECTION = {"in": "masuk", "out": "pulang"}
RECORDED_SELFIE_OPTIONAL = "\nAnda dapat mengirim swafoto dalam {detik} detik untuk dilampirkan."
SELFIE_NEEDED = (
    "📸 Lokasi Anda di {lokasi} sudah diperiksa. Kirim swafoto (foto wajah) dalam {detik} "
    "detik untuk menyelesaikan presensi."
)
SELFIE_ATTACHED = "📸 Swafoto dilampirkan pada presensi lokasi Anda di {lokasi}."

# One sentence per refusal; nothing was stored.
REFUSED = {
    "disabled": NOT_ENABLED,
    "forwarded": "❌ Lokasi yang diteruskan dari pesan lain tidak dapat dipakai untuk presensi; "
                 "bagikan lokasi langsung Anda sendiri.",
    "static": "❌ Titik lokasi biasa tidak dapat dipakai untuk presensi; ketuk 📎 → Lokasi → "
              "Bagikan Lokasi Langsung (Share Live Location).",
    "no_machine_id": "❌ Anda belum memiliki ID presensi di data kepegawaian; hubungi pengelola "
                     "kepegawaian agar presensi lokasi Anda dapat dihitung.",
    "not_permitted": NOT_PERMITTED_TODAY,
    "accuracy": "❌ Akurasi GPS terlalu rendah ({akurasi}, paling besar {batas} m); pindah ke "
                "tempat terbuka lalu bagikan lokasi langsung lagi.",
    "outside": "❌ Anda berada {lebih} m di luar radius {lokasi} (radius {radius} m); presensi "
               "tidak dicatat.",
    "speed": "❌ Lokasi berpindah tidak wajar ({kecepatan} km/jam, paling cepat {batas} km/jam); "
             "presensi tidak dicatat.",
    "stopped": "❌ Berbagi lokasi langsung berhenti sebelum pemeriksaan selesai; presensi tidak "
               "dicatat, silakan bagikan lagi dan biarkan berjalan.",
    "too_short": "❌ Masa berbagi lokasi langsung terlalu singkat untuk pemeriksaan; pilih "
                 "sekurang-kurangnya 15 menit.",
    "selfie_late": "❌ Swafoto tidak diterima dalam {detik} detik sesudah pemeriksaan lokasi; "
                   "presensi tidak dicatat, silakan ulangi /absen.",
}
ACCURACY_UNKNOWN = "tidak diketahui"
PHOTO_NOT_EXPECTED = (
    "Foto ini tidak sedang diminta. Untuk melampirkan berkas pada pengajuan, gunakan /izin."
)

# --- outage days ---------------------------------------------------------------------------
OUTAGE_DECLARED = (
    "🛠 Gangguan mesin presensi dinyatakan untuk {tanggal}. Seluruh pegawai dapat melakukan "
    "presensi lokasi dengan /absen hari ini."
)
OUTAGE_ALREADY = "Gangguan mesin presensi untuk {tanggal} sudah dinyatakan sebelumnya."
OUTAGE_CANCELLED = "Pernyataan gangguan mesin presensi untuk {tanggal} dibatalkan."
OUTAGE_NONE = "Tidak ada gangguan mesin presensi yang dinyatakan untuk {tanggal}."
OUTAGE_USAGE = "Gunakan /gangguan untuk menyatakan gangguan hari ini, atau /gangguan batal."

# --- the atasan's morning summary ----------------------------------------------------------
SUMMARY_SECTION = "📍 <b>Presensi lokasi ({jumlah})</b>"
SUMMARY_LINE = "• {nama} — {lokasi} ({jam}){foto}"
SUMMARY_SELFIE_MARK = " 📸"
SELFIE_BUTTON = "📸 {nama}"
SELFIE_CAPTION = "Swafoto presensi lokasi {nama} — {lokasi}, {jam}"

# --- activity location of a dinas luar request (/izin) -------------------------------------
ASK_ACTIVITY = (
    "📍 Bagikan lokasi kegiatan dinas luar (📎 → Lokasi, boleh dipilih di peta) agar Anda "
    "dapat melakukan presensi lokasi di sana, atau ketuk Lewati."
)
ACTIVITY_EXPECTED = "Kirim lokasi kegiatan (📎 → Lokasi) atau ketuk Lewati."
ACTIVITY_SAVED = "📍 Lokasi kegiatan dicatat{nama}."
ACTIVITY_LINE = "\nLokasi kegiatan: {lokasi}"
