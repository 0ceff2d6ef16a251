"""Texts of izin, sakit, dinas luar and cuti requests and their approval."""

# --- the form ------------------------------------------------------------------------------
CHOOSE_TYPE = "Silakan pilih jenis pengajuan:"
CHOOSE_FIRST_DAY = "<b>{jenis}</b>\nUntuk tanggal berapa? Ketuk <b>Hari ini</b> atau " \
    "<b>Besok</b>, pilih tanggal lain pada kalender, atau ketik tanggal dengan format " \
    "DD-MM-YYYY (mis. 05-10-2026)."
CHOOSE_GROUND = "<b>{jenis}</b>\nPilih keterangannya:"
GROUND_LINE = "\nKeterangan: {keterangan}"
SAKIT_AS_CUTI = "ℹ️ Sakit lebih dari 1 hari kerja diajukan sebagai <b>cuti sakit</b> dan " \
    "diputuskan oleh pejabat yang berwenang memberikan cuti.\n"
SICK_EXTENSION = "ℹ️ Cuti sakit Anda melewati 1 tahun (dihitung bersama cuti sakit " \
    "sebelumnya): perpanjangan paling lama 6 bulan memerlukan surat keterangan tim penguji " \
    "kesehatan.\n"
CHOOSE_END = "<b>{jenis}</b>\nMulai: {mulai}\nPilih <b>tanggal selesai</b> pada kalender, atau " \
    "ketik tanggal dengan format DD-MM-YYYY. Untuk satu hari, pilih tanggal yang sama."
BAD_DATE = "Tanggal tidak dikenali. Gunakan format DD-MM-YYYY, misalnya 05-10-2026."
DAYS_SUMMARY = "Tanggal: {periode}\nJumlah: <b>{hari} hari kerja</b>{libur}"
DAYS_OFF_LINE = "\nTidak dihitung: {daftar}"
BALANCE_LINE = "\nSisa cuti tahunan {tahun}: {sisa} hari kerja"
ASK_REASON = "\n\nTuliskan <b>alasan</b> pengajuan (paling sedikit 5 huruf)."
ASK_TIME = {
    "arrive_late": "\n\nPukul berapa Anda <b>perkiraan tiba</b>? Pilih di bawah, atau ketik jam "
                   "dengan format JJ.MM (mis. 09.45). Keterlambatan sampai jam itu dimaafkan.",
    "leave_early": "\n\nPukul berapa Anda <b>akan pulang</b>? Pilih di bawah, atau ketik jam "
                   "dengan format JJ.MM (mis. 14.15). Pulang sejak jam itu dimaafkan.",
}
QUICK_TIMES = {"arrive_late": ("08.30", "09.00", "10.00", "12.00"),
               "leave_early": ("11.00", "13.00", "14.00", "15.00")}
TIME_NOTED = {"arrive_late": "Perkiraan tiba: pukul {jam}.",
              "leave_early": "Pulang: pukul {jam}."}
TIME_LINE = {"arrive_late": ", perkiraan tiba pukul {jam}",
             "leave_early": ", pulang pukul {jam}", "full": ""}
ASK_REASON_OR_EXTEND = "\n\nTuliskan <b>alasan</b> pengajuan (paling sedikit 5 huruf). " \
    "Bila lebih dari satu hari, ketuk <b>Sampai tanggal …</b> terlebih dahulu."
ASK_ATTACHMENT_REQUIRED = "Kirim <b>{lampiran}</b> sebagai foto atau berkas PDF " \
    "(paling besar {mb} MB)."
ASK_ATTACHMENT_OPTIONAL = "Kirim lampiran pendukung sebagai foto atau berkas PDF " \
    "(paling besar {mb} MB)."
ATTACHMENT_REQUIRED_ALERT = "Pengajuan ini wajib dilampiri {lampiran}; kirim foto atau PDF-nya."
ATTACHMENT_EXPECTED = "Yang diharapkan adalah foto atau berkas PDF."
SUMMARY = (
    "<b>Periksa kembali pengajuan Anda</b>\n\n"
    "Jenis: {jenis}{keterangan}\nTanggal: {periode}{jam}\nJumlah: {hari} hari kerja\n"
    "Alasan: {alasan}\nLampiran: {lampiran}\nDiajukan kepada: {tujuan}\n\n"
    "Tekan <b>Kirim</b> bila sudah benar."
)
NO_ATTACHMENT = "tidak ada"
SUBMITTED = "✅ Pengajuan #{id} ({jenis}) telah dikirim kepada {tujuan}. Anda akan diberi tahu " \
    "setiap ada keputusan. Lihat statusnya dengan /riwayat."
RESUBMITTED = "✅ Perbaikan pengajuan #{id} ({jenis}) telah dikirim kembali kepada {tujuan}."
CANCELLED_FORM = "Pengisian pengajuan dibatalkan. Tidak ada yang dikirim."
FORM_EXPIRED = "Isian ini sudah tidak aktif. Kirim /izin untuk memulai pengajuan baru."
UNKNOWN_BUTTON = "Tombol ini tidak dikenali atau sudah tidak berlaku."
FIX_START = "Perbaikan pengajuan #{id} ({jenis}).\nAlasan dikembalikan: <i>{catatan}</i>\n\n"

BUTTON_TODAY = "Hari ini"
BUTTON_TOMORROW = "Besok"
BUTTON_UNTIL = "📅 Sampai tanggal …"
BUTTON_ATTACH = "📎 Lampirkan"
BUTTON_EDIT_DATES = "Ubah tanggal"
BUTTON_EDIT_REASON = "Ubah alasan"
BUTTON_BACK_TO_SUMMARY = "Kembali ke ringkasan"
BUTTON_SEND = "✅ Kirim"
BUTTON_CANCEL = "✖️ Batal"
BUTTON_PREV = "◀"
BUTTON_NEXT = "▶"
WEEKDAY_HEADER = ("Sn", "Sl", "Rb", "Km", "Jm", "Sb", "Mg")

# --- approval ------------------------------------------------------------------------------
CARD = (
    "📝 <b>Pengajuan #{id} — {jenis}</b>{keterangan}\n"
    "Pemohon: {nama} (NIP {nip})\nJabatan: {jabatan}\n"
    "Tanggal: {periode}\nJumlah: {hari} hari kerja\nAlasan: {alasan}\nLampiran: {lampiran}\n"
    "Tahap: {tahap} ({ke} dari {dari})"
)
CARD_HISTORY_LINE = "\n• {tahap}: {hasil} oleh {nama}{catatan}"
CARD_DECIDED = "\n\n{ikon} <b>{hasil}</b> oleh {nama} pada {waktu}{catatan}"
CARD_CANCELLED = "\n\n✖️ <b>Dibatalkan oleh pemohon</b> pada {waktu}"
NOTE_SUFFIX = " — <i>{catatan}</i>"
ATTACHMENT_PRESENT = "terlampir"
BUTTON_APPROVE = "✅ Setujui"
BUTTON_REFUSE = "⛔ Tolak"
BUTTON_RETURN = "↩️ Kembalikan"
OUTCOME = {"setujui": "Disetujui", "tolak": "Ditolak", "kembalikan": "Dikembalikan",
           "pertimbangan_setuju": "Pertimbangan: disetujui",
           "pertimbangan_perubahan": "Pertimbangan: perubahan",
           "pertimbangan_tangguhkan": "Pertimbangan: ditangguhkan",
           "pertimbangan_tidak": "Pertimbangan: tidak disetujui",
           "perubahan": "Perubahan diusulkan", "tangguhkan": "Ditangguhkan",
           "tidak_disetujui": "Tidak disetujui"}
OUTCOME_ICON = {"setujui": "✅", "tolak": "⛔", "kembalikan": "↩️", "pertimbangan_setuju": "✅",
                "pertimbangan_perubahan": "📝", "pertimbangan_tangguhkan": "⏸",
                "pertimbangan_tidak": "⛔", "perubahan": "📝", "tangguhkan": "⏸",
                "tidak_disetujui": "⛔"}
# The cuti form's answers: the atasan langsung's pertimbangan, the pejabat's decision.
# Both give the same four answers (the form has the same four boxes in both parts); the card
# says which part it is.
BUTTON_ANSWER = {"pertimbangan_setuju": "✅ Setujui", "pertimbangan_perubahan": "📝 Perubahan",
                 "pertimbangan_tangguhkan": "⏸ Tangguhkan",
                 "pertimbangan_tidak": "⛔ Tidak disetujui", "perubahan": "📝 Perubahan",
                 "tangguhkan": "⏸ Tangguhkan", "tidak_disetujui": "⛔ Tidak disetujui"}
CARD_CONSIDER = "\n\nBerikan <b>pertimbangan</b> Anda; apa pun pertimbangannya, pengajuan " \
    "diteruskan kepada pejabat yang berwenang memberikan cuti."
ASK_CONSIDER_REASON = {
    "pertimbangan_perubahan": "Tuliskan alasan pertimbangan <b>perubahan</b> atas pengajuan "
                              "#{id} ({nama}), misalnya tanggal yang Anda sarankan. "
                              "Kirim /batal untuk mengurungkan.",
    "pertimbangan_tangguhkan": "Tuliskan alasan pertimbangan <b>ditangguhkan</b> atas "
                               "pengajuan #{id} ({nama}). Kirim /batal untuk mengurungkan.",
    "pertimbangan_tidak": "Tuliskan alasan pertimbangan <b>tidak disetujui</b> atas pengajuan "
                          "#{id} ({nama}). Kirim /batal untuk mengurungkan.",
}
# BKN reads PP 17/2020 as: a cuti other than CLTN may be postponed, not refused.
ASK_NOT_APPROVED_REASON = "Tuliskan <b>syarat yang tidak dipenuhi</b> sehingga pengajuan #{id} " \
    "({nama}) tidak disetujui. Cuti selain CLTN pada dasarnya dapat ditangguhkan, bukan " \
    "ditolak (PP 17/2020); bila alasannya kepentingan dinas, gunakan <b>Tangguhkan</b>. " \
    "Kirim /batal untuk mengurungkan."
CHANGE_ASK_START = "📝 <b>Perubahan pengajuan #{id}</b> ({nama})\nDiajukan: {periode} ({hari} " \
    "hari kerja).\nPilih <b>tanggal mulai</b> yang diusulkan pada kalender, atau ketik " \
    "tanggal dengan format DD-MM-YYYY. Kirim /batal untuk mengurungkan."
CHANGE_ASK_END = "📝 <b>Perubahan pengajuan #{id}</b>\nMulai: {mulai}\nPilih <b>tanggal " \
    "selesai</b> yang diusulkan, atau ketik tanggal DD-MM-YYYY. Untuk satu hari, pilih " \
    "tanggal yang sama."
CHANGE_ASK_REASON = "📝 <b>Perubahan pengajuan #{id}</b>\nDiusulkan: {periode}, <b>{hari} hari " \
    "kerja</b>{saldo}\nTuliskan <b>alasan perubahan</b>. Kirim /batal untuk mengurungkan."
CHANGE_BALANCE = " (sisa cuti tahunan {tahun} pemohon: {sisa} hari kerja)"
POSTPONE_ASK_DATE = "⏸ <b>Penangguhan pengajuan #{id}</b> ({nama})\nDiajukan: {periode}.\n" \
    "Mulai tanggal berapa cuti ini <b>dapat diambil</b>? Pilih pada kalender atau ketik " \
    "tanggal DD-MM-YYYY (paling lambat {akhir}). Kirim /batal untuk mengurungkan."
POSTPONE_ASK_REASON = "⏸ <b>Penangguhan pengajuan #{id}</b>\nDapat diambil mulai: {tanggal}" \
    "{bawa}\nTuliskan <b>alasan penangguhan</b>. Kirim /batal untuk mengurungkan."
POSTPONE_CARRIES = "\nHari cuti tahunan yang ditangguhkan ke tahun {tahun} menambah hak " \
    "tahun itu (paling banyak 24 hari kerja bersama sisa lainnya)."
ANSWER_ABORTED = "Jawaban diurungkan; pengajuan tetap menunggu keputusan Anda."
CHANGE_PROPOSED_LINE = "\nPerubahan diusulkan: {periode} ({hari} hari kerja); diajukan " \
    "semula {semula}"
POSTPONED_LINE = "\nDitangguhkan; dapat diambil mulai {tanggal}"
CHANGE_REPLY_LINE = {"diterima": " — diterima pemohon", "ditarik": " — ditarik pemohon"}
CHANGE_CARD = (
    "📝 <b>Perubahan atas pengajuan #{id} ({jenis})</b>\n"
    "{nama} ({tahap}) tidak dapat memberikan cuti pada {semula} dan mengusulkan:\n"
    "<b>{periode}</b> ({hari} hari kerja).\nAlasan: <i>{catatan}</i>\n\n"
    "Ketuk <b>Terima</b> agar cuti disetujui untuk tanggal itu, atau <b>Tarik</b> untuk "
    "menarik pengajuan ini."
)
BUTTON_ACCEPT_CHANGE = "✅ Terima"
BUTTON_WITHDRAW_CHANGE = "↩️ Tarik"
CHANGE_ACCEPTED = "\n\n✅ <b>Perubahan diterima</b> pada {waktu}; cuti disetujui, nomor {nomor}."
CHANGE_WITHDRAWN = "\n\n↩️ <b>Pengajuan ditarik</b> pada {waktu}."
CHANGE_ACCEPTED_NOTICE = "✅ {nama} <b>menerima</b> perubahan pengajuan #{id} ({jenis}): cuti " \
    "{periode}, nomor {nomor}."
CHANGE_WITHDRAWN_NOTICE = "↩️ {nama} <b>menarik</b> pengajuan #{id} ({jenis}) dan tidak " \
    "menerima perubahan ke {periode}."
ANSWER_ACCEPTED = "Perubahan diterima; cuti Anda disetujui."
ANSWER_WITHDRAWN = "Pengajuan #{id} ditarik."
ASK_REFUSE_REASON = "Tuliskan alasan <b>penolakan</b> pengajuan #{id} ({nama}). " \
    "Kirim /batal untuk mengurungkan."
ASK_RETURN_REASON = "Tuliskan apa yang perlu <b>diperbaiki</b> pada pengajuan #{id} ({nama}). " \
    "Kirim /batal untuk mengurungkan."
DECISION_ABORTED = "Keputusan diurungkan; pengajuan tetap menunggu keputusan Anda."
DECISION_DONE = "Keputusan atas pengajuan #{id} tercatat: {hasil}."
ANSWER_DONE = "Tercatat: {hasil}."

# --- notices to the applicant --------------------------------------------------------------
# Names often end in a title with a full stop (S.Kom.), so no sentence ends right after {nama}.
NOTICE_STEP_APPROVED = "ℹ️ Pengajuan #{id} ({jenis}) disetujui oleh {nama} ({tahap}) dan " \
    "diteruskan kepada {tujuan}."
NOTICE_APPROVED = "✅ Pengajuan #{id} ({jenis}, {periode}) <b>disetujui</b> oleh {nama}\n" \
    "Nomor: {nomor}. Surat terlampir."
NOTICE_REFUSED = "⛔ Pengajuan #{id} ({jenis}, {periode}) <b>ditolak</b> oleh {nama}\n" \
    "Alasan: <i>{catatan}</i>"
NOTICE_NOT_APPROVED = "⛔ Pengajuan #{id} ({jenis}, {periode}) <b>tidak disetujui</b> oleh " \
    "{nama}\nAlasan: <i>{catatan}</i>"
NOTICE_POSTPONED = "⏸ Pengajuan #{id} ({jenis}, {periode}) <b>ditangguhkan</b> oleh {nama}\n" \
    "Alasan: <i>{catatan}</i>\nCuti ini dapat diambil mulai {tanggal}: ajukan kembali melalui " \
    "/izin.{bawa}"
NOTICE_POSTPONED_CARRIED = " Hari cuti tahunannya ditambahkan pada hak tahun {tahun} (paling " \
    "banyak 24 hari kerja); lihat /saldo pada tahun itu."
NOTICE_STEP_CONSIDERED = "ℹ️ {nama} ({tahap}) memberikan pertimbangan <b>{hasil}</b> atas " \
    "pengajuan #{id} ({jenis}){catatan_baris}; pengajuan diteruskan kepada {tujuan}."
NOTICE_RETURNED = "↩️ Pengajuan #{id} ({jenis}, {periode}) <b>dikembalikan</b> oleh {nama} " \
    "untuk diperbaiki.\nCatatan: <i>{catatan}</i>\n\nTekan <b>Perbaiki</b> untuk mengubah dan " \
    "mengirim kembali, atau batalkan melalui /riwayat."
BUTTON_FIX = "✏️ Perbaiki"
LETTER_CAPTION = "Surat {jenis} nomor {nomor}"
ATTACHMENT_CAPTION = "Lampiran pengajuan #{id}"
AWAITING_REGISTRATION = " (menunggu atasan mendaftar di bot; pengajuan akan tampil saat " \
    "beliau mendaftar)"
LETTER_CAPTION_APPROVER = "Arsip: surat {jenis} nomor {nomor} untuk {nama}"
NOTICE_LETTER_CAPTION = "Pemberitahuan {jenis} {hasil}"
NOTICE_LETTER_CAPTION_APPROVER = "Arsip: pemberitahuan {jenis} {hasil} untuk {nama}"

# --- history, balance, approvals list ------------------------------------------------------
HISTORY_EMPTY = "Anda belum pernah mengajukan izin atau cuti melalui bot ini."
HISTORY_HEADER = "<b>Riwayat pengajuan Anda</b> (terbaru di atas):"
HISTORY_ITEM = "\n\n#{id} · {jenis}\n{periode} · {hari} hari kerja\nStatus: <b>{status}</b>{extra}"
HISTORY_WAITING = " — di {tahap}"
HISTORY_NUMBER = "\nNomor: {nomor}"
BUTTON_CANCEL_REQUEST = "✖️ Batalkan #{id}"
REQUEST_CANCELLED = "Pengajuan #{id} telah dibatalkan."
CANCEL_QUESTION = "Yakin akan membatalkan pengajuan #{id} ({jenis}, {periode})? Pengajuan " \
    "yang dibatalkan tidak dapat dilanjutkan lagi."
BUTTON_CONFIRM_CANCEL = "Ya, batalkan"
BUTTON_WITHDRAW_REQUEST = "↩️ Tarik #{id}"
WITHDRAW_QUESTION = "Yakin akan menarik pengajuan #{id} ({jenis}, {periode}) yang telah " \
    "disetujui? Penarikan dikonfirmasi oleh {nama}; sampai itu pengajuan tetap berlaku."
BUTTON_CONFIRM_WITHDRAW = "Ya, tarik"
WITHDRAW_ASKED = "Permintaan penarikan pengajuan #{id} telah dikirim kepada {nama} untuk " \
    "dikonfirmasi."
WITHDRAWAL_CARD = "↩️ <b>Permintaan penarikan pengajuan #{id}</b>\n{nama} meminta menarik " \
    "{jenis} ({periode}, nomor {nomor}) yang telah Anda setujui. Bila dikonfirmasi, hari-hari " \
    "itu dan saldo cutinya dikembalikan."
BUTTON_APPROVE_WITHDRAWAL = "✅ Konfirmasi penarikan"
WITHDRAWAL_CONFIRMED = "✅ Penarikan pengajuan #{id} ({nama}) telah Anda konfirmasi."
WITHDRAWAL_DONE = "Penarikan pengajuan #{id} tercatat."
NOTICE_WITHDRAWN = "↩️ Pengajuan #{id} ({jenis}, {periode}) telah <b>ditarik</b>; penarikan " \
    "dikonfirmasi oleh {nama}. Hari-hari tersebut dan saldo cutinya dikembalikan."
BUTTON_KEEP_REQUEST = "Tidak"
BALANCE = (
    "<b>Cuti tahunan {tahun}</b>\n"
    "Hak tahun ini: 12 hari kerja{bawa}\n"
    "Jumlah hak: {hak} hari kerja{sebelum}\nSudah diambil: {pakai} hari kerja\n"
    "Sedang diajukan: {proses} hari kerja\n<b>Sisa: {sisa} hari kerja</b>"
)
BALANCE_CARRIED = "\nSisa tahun lalu yang dibawa: {hari} hari kerja"
# The opening year: figures from the leave card imported by the pengelola kepegawaian.
BALANCE_OPENING_CARRIED = "\nSisa tahun {tahun} yang dibawa (kartu cuti): {hari} hari kerja"
BALANCE_USED_BEFORE = "\nDiambil sebelum memakai bot (kartu cuti): {hari} hari kerja"
BALANCE_BERSAMA = "\nDitambah karena tetap bertugas pada hari cuti bersama: {hari} hari kerja"
BALANCE_POSTPONED = "\nCuti tahunan {tahun} yang ditangguhkan, dibawa ke tahun ini: {hari} " \
    "hari kerja"
BALANCE_BESAR = (
    "<b>Cuti tahunan {tahun}</b>\n<b>Sisa: 0 hari kerja</b>\n\n"
    "Anda {status} cuti besar ({periode}, pengajuan #{id}). PNS yang mengambil cuti besar tidak "
    "berhak atas cuti tahunan pada tahun yang sama; cuti tahunan yang sudah diambil pada tahun "
    "itu mengurangi lamanya cuti besar (PP 11/2017)."
)
BALANCE_BESAR_APPROVED = "mengambil"
BALANCE_BESAR_PENDING = "sedang mengajukan"
BALANCE_NOT_YET = "Cuti tahunan dapat diambil setelah masa kerja 1 tahun, yaitu mulai {tanggal}."
APPROVALS_EMPTY = "Tidak ada pengajuan yang menunggu keputusan Anda."
APPROVALS_HEADER = "Ada {n} pengajuan yang menunggu keputusan Anda:"

SLA_REMINDER = ("⏰ <b>Pengingat waktu persetujuan</b>\nPengajuan #{id} ({jenis}, {nama}) "
                "menunggu keputusan Anda pada tahap \"{tahap}\" selama {elapsed}, melebihi "
                "waktu standar {standard}. Lihat /persetujuan.")
SLA_ESCALATION = ("⚠️ <b>Eskalasi waktu persetujuan</b>\nPengajuan #{id} ({jenis}, {nama}) "
                  "menunggu keputusan {pejabat} ({jabatan}) pada tahap \"{tahap}\" selama "
                  "{elapsed}, lebih dari dua kali waktu standar {standard}. "
                  "Mohon arahan Bapak/Ibu.")
