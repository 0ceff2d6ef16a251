"""Texts of the operator's work in chat: importing the employee file, accounts, and the
import report shared with the console."""

IMPORT_COUNTS = ("{judul}: {jumlah} baris (baru {baru}, diperbarui {diperbarui}, tidak berubah "
                 "{tetap}); ditolak: {ditolak}")
IMPORT_REFUSED_ROW = "  baris {baris}: {nip}: {alasan}"
IMPORT_MORE_REFUSED = "  … dan {jumlah} baris ditolak lainnya (lihat `presensi import-employees`)."

ASK_FILE = (
    "Kirim berkas data pegawai sebagai <b>dokumen</b> CSV atau XLSX (paling besar {mb} MB).\n"
    "Kolom: <code>nip,nama,jabatan,golongan,unit,atasan_nip,telepon,device_user_id,peran</code>"
    ".\nBerkas diperiksa lebih dahulu; tidak ada yang diubah sebelum Anda menekan "
    "<b>Impor</b>. Kirim /batal untuk mengurungkan."
)
FILE_EXPECTED = "Yang diharapkan adalah berkas CSV atau XLSX yang dikirim sebagai dokumen."
FILE_TOO_LARGE = "Berkas melebihi batas {mb} MB. Pecah berkas atau impor lewat konsol."
FILE_UNREADABLE = "Berkas tidak dapat diperiksa: {alasan}"
PREVIEW_TITLE = "Pemeriksaan berkas {nama}"
PREVIEW = (
    "<b>{judul}</b>\n<pre>{laporan}</pre>\n{hapus}"
    "Tekan <b>Impor</b> untuk menyimpan baris yang benar; baris yang ditolak tidak disimpan."
)
PREVIEW_MISSING = ("{jumlah} pegawai aktif tidak ada dalam berkas; mereka hanya dinonaktifkan "
                   "bila Anda menekan <b>Impor dan nonaktifkan</b>.\n")
IMPORTED_TITLE = "Diimpor dari {nama}"
IMPORTED = "✅ <b>{judul}</b>\n<pre>{laporan}</pre>{hapus}"
IMPORTED_DEACTIVATED = "\nDinonaktifkan karena tidak ada dalam berkas: {daftar}"
IMPORT_CANCELLED = "Impor dibatalkan. Tidak ada data yang diubah."
IMPORT_EXPIRED = "Pemeriksaan berkas ini sudah tidak berlaku. Kirim /impor untuk memulai lagi."
BUTTON_IMPORT = "✅ Impor"
BUTTON_IMPORT_AND_DEACTIVATE = "✅ Impor dan nonaktifkan {jumlah} pegawai"
BUTTON_CANCEL = "✖️ Batal"

PEGAWAI_USAGE = ("Gunakan <code>/pegawai NIP</code>, misalnya "
                 "<code>/pegawai 198503152010011002</code>.")
ACCOUNT_CARD = (
    "<b>{nama}</b>\nNIP {nip}\nJabatan: {jabatan}\nUnit: {unit}\nStatus: {status}\n"
    "Akun Telegram: {telegram}"
)
STATUS_ACTIVE = "aktif"
STATUS_INACTIVE = "nonaktif sejak {tanggal}"
TELEGRAM_BOUND = "terhubung"
TELEGRAM_BLOCKED = "terhubung, tetapi memblokir bot"
TELEGRAM_NONE = "belum terhubung"
BUTTON_DEACTIVATE = "Nonaktifkan"
BUTTON_ACTIVATE = "Aktifkan kembali"
BUTTON_UNLINK = "Lepaskan akun Telegram"
BUTTON_YES = "Ya, lanjutkan"
BUTTON_NO = "Tidak"
CONFIRM = {
    "deact": "Yakin menonaktifkan <b>{nama}</b> (NIP {nip}) mulai hari ini? Ia tidak lagi dapat "
             "memakai bot dan tidak menerima pemberitahuan; riwayatnya tetap tersimpan.",
    "act": "Yakin mengaktifkan kembali <b>{nama}</b> (NIP {nip})?",
    "unl": "Yakin melepaskan akun Telegram dari <b>{nama}</b> (NIP {nip})? Pemiliknya harus "
           "mendaftar ulang dengan /start.",
}
DONE = {
    "deact": "✅ {nama} (NIP {nip}) dinonaktifkan mulai hari ini.",
    "act": "✅ {nama} (NIP {nip}) aktif kembali.",
    "unl": "✅ Akun Telegram {nama} (NIP {nip}) telah dilepaskan.",
}
TOLD = " Pemberitahuan untuk yang bersangkutan dikirim lewat Telegram."
NOT_CHANGED = "⚠️ Tidak ada yang diubah: {alasan}"
TELL_IN_PERSON = " Ia tidak dapat dihubungi lewat Telegram; sampaikan secara langsung."
KEPT = "Tidak ada yang diubah."
UNKNOWN_BUTTON = "Tombol ini tidak dikenali atau sudah tidak berlaku."

BUTTON_SYNC_NOW = "🔄 Sinkronkan sekarang"
SYNC_STARTED = "Sinkronisasi mesin dimulai; hasilnya dikirim sesudah selesai."
SYNC_DONE = "<b>Hasil sinkronisasi mesin</b>"
SYNC_OK = "✅ {mesin}: {dibaca} pindaian dibaca, {baru} baru disimpan."
SYNC_FAILED = "⚠️ {mesin}: gagal — {alasan}."
SYNC_NONE = "Tidak ada mesin mode tarik (pull) di konfigurasi."
