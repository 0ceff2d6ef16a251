"""Texts of SOP services (/layanan), the actors' cards, SLA notices and /pantau."""

from __future__ import annotations

MENU_HEADER = "<b>Layanan Administrasi Kepegawaian</b>"
MENU_CHOOSE = "Pilih layanan yang akan Anda ajukan:"
MENU_NONE = "Belum ada layanan yang dapat Anda ajukan."
MY_FILES_HEADER = "\n\n<b>Berkas Anda</b>"
FILE_LINE = "• #{id} {name}: {status}"
STATUS_DRAFT = "draf, kelengkapan {have}/{total}"
STATUS_RUNNING = "langkah {n}/{total}, {title}"
STATUS_RETURNED = "dikembalikan ({reason})"
STATUS_DONE = "selesai, nomor agenda {agenda}"
STATUS_DONE_PLAIN = "selesai"
STATUS_REFUSED = "ditolak ({reason})"
BTN_CONTINUE = "✏️ Lanjutkan #{id}"
TASKS_HEADER = "\n\n<b>Menunggu tindakan Anda</b>"
BTN_SHOW = "📂 Buka #{id}"

EDITOR = ("<b>{name}</b> · berkas #{id}\n{description}\n\n<b>Kelengkapan</b>\n{checklist}\n\n"
          "{next}")
EDITOR_RETURNED = "↩️ Dikembalikan: {reason}\n\n"
CHECK_LINE = "{mark} {name} ({types}, maks. {mb} MB)"
NEXT_DOCUMENT = ("Silakan kirim <b>{name}</b> sebagai berkas (file) atau foto. "
                 "Ketik /batal untuk berhenti; draf tetap tersimpan.")
COMPLETE = "Seluruh kelengkapan telah diterima. Periksa kembali, lalu tekan <b>Ajukan</b>."
RECEIVED = "✅ {name} diterima."
REMOVED = "Dokumen {name} dihapus dari berkas. Silakan kirim penggantinya."
SEND_DOCUMENT_PLEASE = "Silakan kirim dokumen sebagai berkas (file) atau foto, atau ketik /batal."
NO_FILE_OPEN = "Tidak ada berkas yang sedang Anda isi. Buka /layanan untuk memulai."
STOPPED = "Pengisian dihentikan. Draf tetap tersimpan dan dapat dilanjutkan melalui /layanan."
BTN_SUBMIT = "📨 Ajukan"
BTN_RESUBMIT = "📨 Ajukan kembali"
BTN_REPLACE = "🔁 Ganti: {name}"
BTN_CANCEL = "🗑 Batalkan berkas"
SUBMITTED = ("📨 Berkas #{id} ({name}) telah diajukan dan diterima oleh {title}. Anda akan "
             "menerima kabar setiap kali berkas berpindah langkah; pantau melalui /layanan.")
CANCELLED = "Berkas #{id} ({name}) telah dibatalkan."

TASK = ("📂 <b>Berkas #{id}: {name}</b>\nPemohon: {nama} (NIP {nip}), {jabatan}\n\n"
        "Langkah {n}/{total}: <b>{title}</b>\nKegiatan: {activity}\nWaktu standar: {standard}\n"
        "Output: {output}{notes}")
TASK_DOCUMENTS = "\n\nKelengkapan ({count} dokumen) terlampir di atas."
NOTES_HEADER = "\n\n<b>Catatan</b>"
NOTE_LINE = "\n• {title} ({nama}), {verdict}: {note}"
NOTE_VERDICT = {"teruskan": "diteruskan", "setujui": "disetujui", "tolak": "ditolak",
                "kembalikan": "dikembalikan"}
DOCUMENT_CAPTION = "Berkas #{id} · {name}"
ACTION_BUTTONS = {
    "teruskan": "➡️ Teruskan",
    "setujui": "✅ Setujui",
    "tolak": "❌ Tolak",
    "kembalikan": "↩️ Kembalikan",
}
ASK_NOTE = {
    "tolak": "Ketik alasan penolakan berkas #{id}:",
    "kembalikan": ("Ketik alasan pengembalian berkas #{id}, misalnya dokumen yang kurang atau "
                   "tidak sesuai:"),
    "teruskan": "Ketik catatan langkah ini untuk berkas #{id} (misalnya isi disposisi):",
    "setujui": "Ketik catatan persetujuan untuk berkas #{id}:",
}
NOTE_CANCELLED = "Catatan atau alasan diurungkan; berkas tetap menunggu tindakan Anda."
VERDICT = {
    "teruskan": "Diteruskan",
    "setujui": "Disetujui",
    "tolak": "Ditolak",
    "kembalikan": "Dikembalikan kepada pemohon",
}
CARD_CLOSED = "\n\n<i>{verdict} oleh {nama}, {time}.</i>"
ACTED = "{verdict}: berkas #{id}."

PROCESSED = ("Berkas #{id} ({name}) telah diproses oleh {done_title} dan kini berada di "
             "langkah {n}/{total}: {title}.")
RETURNED = ("↩️ <b>Berkas dikembalikan</b>\nBerkas #{id} ({name}) dikembalikan oleh {title}.\n"
            "Alasan: {reason}\n\nSilakan perbaiki kelengkapan, lalu ajukan kembali.")
BTN_FIX = "✏️ Perbaiki berkas"
REFUSED = "❌ Berkas #{id} ({name}) ditolak oleh {title}.\nAlasan: {reason}"
DONE = ("✅ <b>Berkas #{id} ({name}) selesai.</b>\nNomor agenda: {agenda}\nOutput: {output}\n"
        "Berkas telah diarsipkan.")
NO_ACTOR = ("⚠️ Berkas #{id} ({name}) berada di langkah \"{title}\", tetapi tidak ada pegawai "
            "yang dapat melaksanakannya ({actor}). Mohon perbarui data kepegawaian atau "
            "definisi layanan.")

REMINDER = ("⏰ <b>Pengingat waktu layanan</b>\nBerkas #{id} ({name}) menunggu tindakan Anda "
            "pada langkah \"{title}\" selama {elapsed}, melebihi waktu standar {standard}.")
ESCALATION = ("⚠️ <b>Eskalasi waktu layanan</b>\nBerkas #{id} ({name}) menunggu tindakan "
              "{nama} ({jabatan}) pada langkah \"{title}\" selama {elapsed}, lebih dari dua "
              "kali waktu standar {standard}. Mohon arahan Bapak/Ibu.")

PANTAU_HEADER = "<b>Berkas layanan yang sedang berjalan</b> ({count})\nPer {time}"
PANTAU_EMPTY = "Tidak ada berkas layanan yang sedang berjalan."
PANTAU_TABLE_HEAD = ("No   Layanan              Langkah            Pelaksana       "
                     "Waktu/Standar")
PANTAU_LEGEND = "✅ dalam standar · ⏰ melewati standar · 🔴 lebih dari 2× standar"
PANTAU_NO_ACTOR = "(tidak ada)"
BTN_REPORT = "📄 Laporan SLA {month}"
REPORT_CAPTION = "Laporan kepatuhan waktu layanan (SLA) {month}."
ONLY_ADMINS = "Perintah ini hanya untuk pengelola kepegawaian."


def minutes(value: float) -> str:
    """Working time for people: "45 menit", "2 jam 5 menit"."""
    total = round(value)
    hours, rest = divmod(total, 60)
    if not hours:
        return f"{rest} menit"
    return f"{hours} jam {rest} menit" if rest else f"{hours} jam"


def megabytes(size: int) -> str:
    value = size / 1024 / 1024
    return (f"{value:.0f}" if value == int(value) else f"{value:.1f}").replace(".", ",")

PANTAU_REQUESTS_HEADER = "<b>Pengajuan izin dan cuti yang menunggu keputusan</b> ({count})"
PANTAU_REQUESTS_HEAD = ("No   Jenis                Tahap              Pejabat         "
                        "Waktu/Standar")
RECORD_DESIGNATION = ("Berkas #{id} adalah persetujuan penetapan Plh/Plt (nomor {agenda}). "
                      "Catat penunjukannya agar persetujuan pejabat dialihkan selama masa "
                      "penugasan.")
BTN_RECORD_DESIGNATION = "📝 Catat penunjukan Plh/Plt"
