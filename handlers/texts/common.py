"""Texts of registration, help and general errors."""

WELCOME_UNREGISTERED = (
    "Selamat datang di layanan presensi dan perizinan pegawai.\n\n"
    "Untuk mendaftar, tekan tombol <b>Bagikan Nomor Telepon</b> di bawah. Nomor Anda akan "
    "dicocokkan dengan data kepegawaian kantor."
)
SHARE_PHONE_BUTTON = "📱 Bagikan Nomor Telepon"
NOT_REGISTERED = (
    "Anda belum terdaftar. Silakan tekan tombol <b>Bagikan Nomor Telepon</b> di bawah untuk "
    "mendaftar terlebih dahulu."
)
NOT_REGISTERED_ALERT = "Anda belum terdaftar. Kirim /start untuk mendaftar."
GREETING = "Selamat datang, <b>{nama}</b>.\nNIP {nip} · {jabatan}\n\n{menu}"
GREETING_WAITING = (
    "\n\n📥 Ada <b>{n} pengajuan</b> yang menunggu keputusan Anda. Kirim /persetujuan untuk "
    "melihat dan memutuskannya."
)
GREETING_AGAIN = "Anda sudah terdaftar sebagai <b>{nama}</b> (NIP {nip}).\n\n{menu}"
MENU_HEADER = "Perintah yang dapat Anda gunakan:"
HELP_FOOTER = (
    "\n\nBila ada data yang tidak sesuai, hubungi pengelola kepegawaian kantor."
)
PRIVATE_ONLY = "Layanan ini hanya dapat digunakan melalui percakapan pribadi dengan bot."
UNEXPECTED_ERROR = (
    "Maaf, terjadi gangguan saat memproses permintaan Anda. Data Anda tidak hilang; "
    "silakan coba lagi beberapa saat lagi."
)
ADMIN_ERROR_REPORT = (
    "⚠️ Galat tak tertangani: <code>{error}</code>\nPembaruan: <code>{update}</code>"
)

# Command menu descriptions (setMyCommands); at most 256 characters each.
CMD_START = "Mulai atau daftar"
CMD_HELP = "Bantuan dan daftar perintah"
CMD_IZIN = "Ajukan izin, sakit, dinas luar, atau cuti"
CMD_RIWAYAT = "Riwayat dan status pengajuan Anda"
CMD_SALDO = "Sisa cuti tahunan"
CMD_HADIR = "Kehadiran hari ini dan bulan ini"
CMD_KALENDER = "Kalender kerja dan hari libur"
CMD_LAYANAN = "Layanan administrasi kepegawaian"
CMD_PERSETUJUAN = "Pengajuan yang menunggu keputusan Anda"
CMD_REKAP = "Susun rekapitulasi kehadiran bulanan"
CMD_ARSIP = "Arsip rekapitulasi kehadiran"
CMD_PANTAU = "Pantau berkas layanan yang sedang berjalan"
CMD_CUTIBERSAMA = "Tandai pegawai yang bertugas pada hari cuti bersama"
CMD_USULAN = "Usulan cuti yang menunggu SK PPK; catat SK-nya"
CMD_KESEHATAN = "Kondisi sistem: sinkronisasi mesin, antrean, basis data"
CMD_IMPOR = "Impor data pegawai dari berkas CSV/XLSX"
CMD_PEGAWAI = "Akun pegawai: nonaktifkan, aktifkan, lepaskan Telegram"
CMD_MESIN = "Mesin presensi: sinkron terakhir, selisih jam, galat; sinkronkan"
CMD_BATAL = "Batalkan isian yang sedang berjalan"
NOTHING_TO_CANCEL = "Tidak ada isian yang sedang berjalan untuk dibatalkan."
UNKNOWN_COMMAND = (
    "Perintah tersebut tidak dikenal. Kirim /help untuk melihat perintah yang tersedia."
)
UNEXPECTED_MESSAGE = (
    "Pesan Anda belum dapat diproses karena tidak ada isian yang sedang berjalan. "
    "Pilih perintah dari menu atau kirim /help."
)
STALE_BUTTON = "Tombol ini sudah tidak berlaku."
