"""Texts of Plh/Plt delegation (/delegasi) and of approval steps moved to another person."""

CMD_DELEGASI = "Penunjukan Plh/Plt pejabat"

MENU = ("<b>Pelaksana Harian (Plh) / Pelaksana Tugas (Plt)</b>\n\n"
        "Selama masa penugasan, seluruh persetujuan yang menjadi kewenangan pejabat (izin, "
        "cuti, berkas layanan, paraf dan tanda tangan rekapitulasi) dialihkan kepada Plh/Plt "
        "yang ditunjuk.\n\n{daftar}")
NONE_ACTIVE = "Saat ini tidak ada penunjukan Plh/Plt yang berlaku atau terjadwal."
LIST_HEADER = "<b>Penunjukan yang berlaku atau terjadwal:</b>"
LIST_LINE = ("{no}. {prefix} {jabatan}: <b>{delegate}</b> (NIP {delegate_nip}) menggantikan "
             "{official}, {mulai} s.d. {selesai}, Surat Perintah {sp}{status}")
STATUS_ACTIVE = " — <i>sedang berlaku</i>"
STATUS_PLANNED = " — <i>terjadwal</i>"
ONLY_DESIGNATORS = ("Maaf, penunjukan Plh/Plt hanya dapat dilakukan oleh Kepala atau "
                    "pengelola kepegawaian.")

BTN_NEW = "➕ Tunjuk Plh/Plt"
BTN_REVOKE = "Cabut #{no}"
BTN_PLH = "Plh (Pelaksana Harian)"
BTN_PLT = "Plt (Pelaksana Tugas)"
BTN_SAVE = "✅ Simpan"
BTN_CANCEL = "✖️ Batal"
BTN_REVOKE_YES = "Ya, cabut"

FROM_FILE = ("Penunjukan Plh/Plt dari berkas #{id}: nomor Surat Perintah {sp} (nomor agenda "
             "persetujuan berkas).")
ASK_KIND = ("Pilih jenis penugasan:\n• <b>Plh</b> bila pejabat berhalangan sementara (cuti, "
            "dinas luar);\n• <b>Plt</b> bila jabatan lowong.")
ASK_OFFICIAL = "Ketik <b>NIP pejabat</b> yang digantikan (18 angka)."
ASK_DELEGATE = "Pejabat: <b>{nama}</b> ({jabatan}).\n\nKetik <b>NIP pegawai</b> yang ditunjuk " \
    "sebagai {prefix}."
ASK_SP = "Ditunjuk: <b>{nama}</b> ({jabatan}).\n\nKetik <b>nomor Surat Perintah</b> " \
    "penunjukan (mis. 800/123/DISKOMINFO/2026)."
ASK_START = "Ketik <b>tanggal mulai</b> penugasan dengan format DD-MM-YYYY."
ASK_END = "Mulai: {mulai}\nKetik <b>tanggal selesai</b> penugasan dengan format DD-MM-YYYY."
BAD_DATE = "Tanggal tidak dikenali. Gunakan format DD-MM-YYYY, misalnya 05-10-2026."
SUMMARY = ("<b>Periksa kembali penunjukan</b>\n\n"
           "Jenis: {jenis}\nPejabat: {official} (NIP {official_nip}), {jabatan}\n"
           "Ditunjuk: {delegate} (NIP {delegate_nip}), {delegate_jabatan}\n"
           "Surat Perintah: {sp}\nMasa penugasan: {mulai} s.d. {selesai}\n\n"
           "Tekan <b>Simpan</b> bila sudah benar.")
SAVED = "✅ Penunjukan {prefix} {jabatan} atas nama {delegate} telah disimpan ({mulai} s.d. " \
    "{selesai}).{moved}"
SAVED_MOVED = " {count} persetujuan yang sedang menunggu telah dialihkan."
CANCELLED = "Penunjukan Plh/Plt dibatalkan. Tidak ada yang disimpan."
EXPIRED = "Isian ini sudah tidak aktif. Kirim /delegasi untuk memulai kembali."
CONFIRM_REVOKE = "Cabut penunjukan {prefix} {jabatan} atas nama {delegate} ({mulai} s.d. " \
    "{selesai})? Persetujuan yang belum diputuskan akan kembali kepada {official}."
REVOKED = "Penunjukan {prefix} {jabatan} atas nama {delegate} telah dicabut.{moved}"
REVOKED_MOVED = " {count} persetujuan yang belum diputuskan telah dikembalikan."

# Told to the delegate and the official when a designation is stored.
DESIGNATED_DELEGATE = ("Anda ditunjuk sebagai <b>{prefix} {jabatan}</b> menggantikan {official} "
                       "untuk {mulai} s.d. {selesai} (Surat Perintah {sp}). Selama masa "
                       "tersebut persetujuan yang menjadi kewenangan beliau dialihkan kepada "
                       "Anda.")
DESIGNATED_OFFICIAL = ("Untuk {mulai} s.d. {selesai}, {delegate} ditunjuk sebagai <b>{prefix} "
                       "{jabatan}</b> (Surat Perintah {sp}). Persetujuan yang menjadi kewenangan "
                       "Anda dialihkan kepada beliau selama masa tersebut.")

# One line per moved step, to the new holder (the card or file follows) and to the former.
ITEM_REQUEST = "pengajuan #{id}"
ITEM_FILE = "berkas layanan #{id}"
ITEM_RECAP = "rekapitulasi kehadiran #{id}"
TO_DELEGATE = "Sebagai {prefix} {jabatan}, {item} dialihkan kepada Anda."
FROM_OFFICIAL = "{item} dialihkan kepada {to} selaku {prefix} {jabatan} selama masa penugasan."
BACK_TO_OFFICIAL = "Masa penugasan {prefix} telah berakhir: {item} kembali kepada Anda."
BACK_FROM_DELEGATE = "Masa penugasan Anda sebagai {prefix} telah berakhir: {item} " \
    "dikembalikan kepada {to}."
TO_ATASAN_CUTI = "{item} dialihkan kepada Anda karena {absent} sedang cuti dan tidak ada Plh."
APPLICANT_CUTI = "{item} Anda dialihkan kepada {to} karena {absent} sedang cuti."
TO_NEW_ATASAN = "{item} dialihkan kepada Anda sebagai atasan langsung baru dari {applicant}."
FROM_OLD_ATASAN = "{item} dialihkan kepada {to}, atasan langsung baru dari {applicant}."
