"""Texts of the usulan phase: CLTN and the Kepala's own cuti proposed to the PPK / the Kepala's
superior, and the admin recording the SK."""

# --- the applicant, the signer and the admins ---------------------------------------------
NOTICE_PROPOSED = "📨 Pengajuan #{id} ({jenis}, {periode}) telah diproses di kantor dan " \
    "<b>diusulkan</b> kepada {kepada}.\nStatus: <b>menunggu keputusan PPK</b>. Anda akan " \
    "diberi tahu setelah SK diterima dan dicatat."
LETTER_CAPTION_APPLICANT = "Surat usulan nomor {nomor} kepada {kepada} (pengajuan #{id})."
LETTER_CAPTION_SIGNER = "Arsip: surat usulan nomor {nomor} kepada {kepada} untuk {nama} " \
    "(pengajuan #{id})."
LETTER_CAPTION_ADMIN = "📨 Surat usulan nomor {nomor} kepada {kepada}: {jenis} {nama} " \
    "(pengajuan #{id}), {periode}.\nTeruskan surat ini, lalu catat SK-nya setelah diterima " \
    "(tombol di bawah atau /usulan)."
CARD_WILL_PROPOSE = "\n\nℹ️ {jenis} tidak diberikan di kantor: setelah disetujui pada " \
    "tahap ini, pengajuan <b>diusulkan</b> dengan surat usulan, dan keputusannya (SK) dicatat " \
    "admin kepegawaian."
CARD_PROPOSED = "\n📨 Diusulkan kepada {kepada} · status: <b>{status}</b>"
TARGET_PROPOSED = "{kepada} (diusulkan; menunggu keputusan PPK)"
SUMMARY_RECIPIENTS = "{tujuan}, lalu diusulkan kepada {kepada}"

SK_APPROVED = "✅ Pengajuan #{id} ({jenis}, {periode}) <b>disetujui</b> dengan SK {kepada} " \
    "nomor {nomor} tanggal {tanggal}."
SK_CHANGED = "✅ Pengajuan #{id} ({jenis}) <b>disetujui dengan perubahan</b> dengan SK " \
    "{kepada} nomor {nomor} tanggal {tanggal}: {periode}."
SK_REFUSED = "⛔ Pengajuan #{id} ({jenis}, {periode}) <b>tidak disetujui</b> menurut SK " \
    "{kepada} nomor {nomor} tanggal {tanggal}."
SK_SIGNER_SUFFIX = "\n(Pemohon: {nama}.)"

# --- /usulan and recording the SK ---------------------------------------------------------
NOT_ADMIN = "Perintah ini hanya untuk admin kepegawaian."
WAITING_EMPTY = "Tidak ada usulan cuti yang menunggu SK."
WAITING_HEADER = "<b>Usulan yang menunggu keputusan PPK</b> ({n}):"
WAITING_ITEM = "\n\n#{id} · {jenis} · {nama}\n{periode}\nDiusulkan {tanggal} kepada {kepada} " \
    "(surat nomor {nomor})"
BUTTON_RECORD = "📝 Catat SK #{id}"
BUTTON_APPROVED = "✅ Disetujui"
BUTTON_CHANGED = "📅 Disetujui dengan perubahan"
BUTTON_REFUSED = "⛔ Tidak disetujui"
BUTTON_SAVE = "💾 Simpan"
BUTTON_CANCEL = "✖️ Batal"
ASK_RESULT = "<b>Catat SK atas usulan #{id}</b>\n{jenis} {nama}, {periode}.\n" \
    "Apa hasil keputusan dalam SK?"
ASK_PERIOD = "Hasil: <b>disetujui dengan perubahan</b>.\nYang diusulkan: {periode}.\nKetik " \
    "<b>tanggal cuti menurut SK</b>, misalnya 12-10-2026 s.d. 14-10-2026 (atau /batal)."
RESULT_CHANGED = "disetujui dengan perubahan: {periode}"
ASK_NUMBER = "Hasil: <b>{hasil}</b>.\nKetik <b>nomor SK</b> sebagaimana tertera pada SK " \
    "(atau /batal)."
ASK_DATE = "Nomor SK: <b>{nomor}</b>.\nKetik <b>tanggal SK</b> dengan format HH-BB-TTTT, " \
    "misalnya 15-10-2026 (atau /batal)."
CONFIRM = "<b>Periksa kembali SK atas usulan #{id}</b>\n{jenis} {nama}, {periode}\n" \
    "Hasil: <b>{hasil}</b>\nNomor SK: {nomor}\nTanggal SK: {tanggal}\n\n" \
    "Ketuk <b>Simpan</b> untuk mencatatnya; pengajuan selesai dan pemohon diberi tahu."
RECORDED = "✅ SK nomor {nomor} atas usulan #{id} dicatat: <b>{hasil}</b>. Pemohon telah " \
    "diberi tahu."
ANSWER_RECORDED = "SK dicatat."
DISCARDED = "Pencatatan SK atas usulan #{id} dibatalkan; tidak ada yang diubah."
PROMPT_CANCELLED = "Pencatatan SK dibatalkan; tidak ada yang diubah."
