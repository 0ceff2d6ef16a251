"""Texts of /mesin beyond the status lines: the admin's buttons per machine, the confirmation
before writing to a machine, and the results that come back (HTML; values go through fill)."""

KIND = {"pull": "tarik", "adms": "ADMS"}

CLOCKS = "<b>Jam mesin</b>"
CLOCK_LINE = "• {mesin} ({jenis}): {selisih}"
CLOCK_UNKNOWN = "belum diketahui"
CLOCK_UNKNOWN_ADMS = "belum diketahui (terlihat dari catatan yang dikirim saat pemindaian)"
CLOCK_ON_TIME = "tepat (terlihat {waktu})"
CLOCK_OFF = "{arah} {jumlah} dari jam server (terlihat {waktu})"
WAITING = "  {jumlah} perintah menunggu jawaban mesin"
NO_MACHINES = "Belum ada mesin di konfigurasi."

BUTTON_USERS = "👥 Kirim pegawai · {mesin}"
BUTTON_TIME = "🕒 Atur jam · {mesin}"
BUTTON_YES = "✅ Ya, kirim"
BUTTON_NO = "✖️ Batal"

CONFIRM_USERS_PULL = (
    "Kirim <b>{jumlah}</b> pegawai (PIN dan nama) ke mesin <b>{mesin}</b>?\n"
    "Pengguna yang sudah ada di mesin tetap memiliki sidik jari, kartu dan hak aksesnya; "
    "pegawai baru ditulis sebagai pengguna biasa."
)
CONFIRM_USERS_ADMS = (
    "Kirim <b>{jumlah}</b> pegawai (PIN, nama dan hak akses) ke mesin ADMS <b>{mesin}</b>?\n"
    "Hak akses setiap pegawai tetap seperti yang terakhir dilaporkan mesin (atau ditulis "
    "lewat <code>presensi device push-users --admin</code>): {hak}. Perintah diambil mesin "
    "saat ia menghubungi server berikutnya."
)
PRIVILEGE_NAMES = {0: "pengguna biasa", 14: "admin mesin"}
PRIVILEGE_OTHER = "hak {hak}"
PRIVILEGE_GROUP = "{jumlah} sebagai {nama} (Pri={hak})"
PRIVILEGE_PINS = "{kelompok}: PIN {daftar}"
PRIVILEGE_GROUPS_JOIN = "; "
CONFIRM_TIME = ("Samakan jam mesin <b>{mesin}</b> dengan jam server (sekarang {waktu})?")
CONFIRM_TIME_ADMS = ("Samakan jam mesin ADMS <b>{mesin}</b> dengan jam server? Jam diberikan "
                     "saat mesin mengambil perintahnya.")

STARTED = "Dikerjakan; hasilnya dikirim sesudah selesai."
WORKING = "⏳ Mesin <b>{mesin}</b> sedang dikerjakan; hasilnya dikirim sesudah selesai."
QUEUED = ("📨 {jumlah} perintah untuk mesin ADMS <b>{mesin}</b> diantrekan; hasilnya dikirim "
          "setelah mesin menjawab.")
QUEUED_SHORT = "Perintah diantrekan."
CANCELLED = "Dibatalkan. Tidak ada yang dikirim ke mesin."

USERS_DONE = "✅ Mesin <b>{mesin}</b>: {ditulis} pegawai ditulis."
USERS_FAILED = "⚠️ {jumlah} gagal ditulis: {daftar}"
USERS_FAILED_ROW = "PIN {pin} ({alasan})"
TIME_DONE = "🕒 Jam mesin <b>{mesin}</b> diatur: {sesudah}. Sebelumnya {selisih}."
TIME_WAS_RIGHT = "sudah tepat"
TIME_WAS_OFF = "{arah} {jumlah}"
PULL_FAILED = "⚠️ Mesin <b>{mesin}</b>: {tindakan} gagal — {alasan}."
ACTION = {"users": "pengiriman pegawai", "time": "pengaturan jam"}
MORE = " dan {jumlah} lainnya"

ADMS_USERS_DONE = "✅ Mesin ADMS <b>{mesin}</b> menjawab: {ok} dari {total} pegawai tersimpan."
ADMS_USERS_FAILED = "⚠️ {jumlah} ditolak mesin: {daftar}"
ADMS_FAILED_ROW = "PIN {pin} (kode {kode})"
ADMS_TIME_DONE = "🕒 Mesin ADMS <b>{mesin}</b> telah mengatur jamnya sesuai jam server."
ADMS_TIME_FAILED = "⚠️ Mesin ADMS <b>{mesin}</b> menolak pengaturan jam (kode {kode})."
