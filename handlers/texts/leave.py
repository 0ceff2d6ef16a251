"""Texts of the leave rules outside the /izin form: cuti bersama duty."""

DUTY_USAGE = (
    "Penandaan pegawai yang tetap bertugas pada hari cuti bersama (setiap hari ditambahkan pada "
    "hak cuti tahunannya, PP 11/2017 Pasal 333 ayat 3):\n"
    "<code>/cutibersama DD-MM-YYYY</code> — daftar pegawai yang ditandai\n"
    "<code>/cutibersama DD-MM-YYYY NIP NIP …</code> — tandai\n"
    "<code>/cutibersama hapus DD-MM-YYYY NIP …</code> — hapus tanda"
)
DUTY_HEADER = "<b>Bertugas pada cuti bersama {tanggal}</b> ({nama}):"
DUTY_ITEM = "• {nama} (NIP {nip})"
DUTY_NOBODY = "belum ada pegawai yang ditandai."
DUTY_ADDED = "✅ {n} pegawai ditandai; hak cuti tahunannya bertambah 1 hari kerja.\n\n"
DUTY_REMOVED = "Tanda {n} pegawai dihapus.\n\n"
