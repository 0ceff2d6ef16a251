"""Texts telling a person that their account changed, and the console's report of it."""

UNLINKED = (
    "Akun Telegram ini tidak lagi terhubung dengan data kepegawaian atas nama <b>{nama}</b>. "
    "Bila Anda tetap bekerja di kantor ini, daftar kembali dengan /start dari akun Anda sendiri."
)
DEACTIVATED = (
    "Data kepegawaian atas nama <b>{nama}</b> telah dinonaktifkan oleh pengelola kepegawaian. "
    "Layanan presensi dan perizinan tidak lagi tersedia untuk akun ini. Riwayat Anda tetap "
    "tersimpan."
)
ACTIVATED = (
    "Data kepegawaian atas nama <b>{nama}</b> telah diaktifkan kembali. Kirim /start untuk "
    "melihat perintah yang dapat Anda gunakan."
)

CLI_QUEUED = ("  Pemberitahuan untuk {nama} masuk antrean pesan; bot yang berjalan mengirimkannya "
              "ke akun Telegram yang bersangkutan.")
CLI_TELL_IN_PERSON = "  {nama} tidak dapat dihubungi lewat Telegram; sampaikan secara langsung."
