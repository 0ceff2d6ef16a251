"""Texts about fingerprint machines: admin chat reports and the `presensi` device commands."""

# Why a pull failed, by device.client error kind.
FAILURE_REASONS = {
    "offline": "mesin tidak dapat dihubungi atau memutus sambungan",
    "timeout": "mesin tidak menjawab dalam batas waktu",
    "garbage": "jawaban mesin tidak dapat dibaca",
    "password": "kata sandi komunikasi (comm key) ditolak oleh mesin",
    "unsupported": ("mesin menolak pembacaan seluruh log; mesin jenis ini perlu diatur mengirim "
                    "data sendiri (ADMS)"),
    "changed": "isi mesin berubah selama proses berlangsung",
    "unverified": "data mesin belum seluruhnya tersimpan",
}

MACHINE_FAILING = (
    "⚠️ Data mesin presensi <b>{machine}</b> gagal ditarik: {reason}.\n"
    "Penarikan dicoba kembali setiap {minutes} menit. Pemberitahuan berikutnya dikirim setelah "
    "mesin dapat ditarik kembali. Mohon periksa daya, kabel jaringan, dan alamat mesin."
)
MACHINE_RECOVERED = "✅ Data mesin presensi <b>{machine}</b> kembali berhasil ditarik."
CLOCK_DRIFT = (
    "🕒 Jam mesin presensi <b>{machine}</b> {direction} {amount} dibandingkan jam server. "
    "Catatan kehadiran dapat tercatat terlambat atau terlalu awal. Perbaiki dengan perintah "
    "<code>presensi device set-time --device \"{machine}\"</code>; bila jam kembali meleset "
    "setelah mesin padam, baterai jam mesin perlu diganti."
)
MACHINE_LEFT_DISABLED = (
    "🔒 Mesin presensi <b>{machine}</b> terputus saat datanya dibaca dan kini terkunci: pegawai "
    "tidak dapat memindai sidik jari/wajah. Server mencoba membukanya kembali setiap 30 detik; "
    "bila jaringan mesin tidak segera pulih, mesin dapat dibuka dengan mematikan lalu "
    "menyalakannya kembali."
)
MACHINE_REENABLED = (
    "🔓 Mesin presensi <b>{machine}</b> sudah dapat dipakai kembali: server berhasil membukanya."
)
CLOCK_FIXED = "🕒 Jam mesin presensi <b>{machine}</b> sudah sesuai kembali dengan jam server."
AHEAD = "lebih cepat"
BEHIND = "lebih lambat"
UNKNOWN_SERIALS = (
    "⚠️ {count} permintaan dari mesin ADMS yang tidak terdaftar ditolak sejak laporan "
    "sebelumnya; yang terakhir bernomor seri <code>{serial}</code> dari alamat {remote}. Bila "
    "mesin ini milik kantor, tambahkan nomor serinya ke bagian [adms] konfigurasi. Laporan ini "
    "dikirim paling banyak sekali sejam."
)
FORBIDDEN_SOURCE = (
    "⚠️ Permintaan atas nama mesin ADMS <b>{machine}</b> datang dari alamat {remote}, yang tidak "
    "termasuk allow_from mesin itu, dan ditolak ({count} kali hari ini sejak laporan terakhir). "
    "Bila mesin dipindah ke alamat lain, perbarui allow_from pada konfigurasi."
)
TOO_LARGE = (
    "⚠️ Unggahan mesin ADMS <b>{machine}</b> sebesar {size} MB melebihi batas {limit} MB dan "
    "ditolak; mesin akan terus mengirim ulang. Naikkan [adms] max_body_mb atau kosongkan log "
    "mesin setelah datanya diambil dengan cara lain."
)
LINES_REFUSED = (
    "⚠️ Mesin ADMS <b>{machine}</b>: {refused} baris catatan ditolak dan tidak disimpan "
    "(baris: {lines}). Laporan berikutnya untuk mesin ini dikirim besok."
)
LINE_REASONS = {
    "no_time": "tanpa kolom waktu",
    "bad_pin": "PIN tidak sah",
    "bad_time": "waktu tidak terbaca",
    "future": "waktu di masa depan",
    "too_old": "waktu terlalu lama",
    "too_long": "baris terlalu panjang",
}
ADMS_CLOCK_AHEAD = (
    "🕒 Jam mesin ADMS <b>{machine}</b> sekitar {amount} lebih cepat dari jam server (terlihat "
    "dari catatan yang baru dikirim). Jalankan <code>presensi device set-time --device "
    "\"{machine}\"</code>."
)


def duration(seconds: float) -> str:
    seconds = abs(round(seconds))
    minutes, rest = divmod(seconds, 60)
    if minutes and rest:
        return f"{minutes} menit {rest} detik"
    return f"{minutes} menit" if minutes else f"{rest} detik"


# --- the command line ---------------------------------------------------------------------
NO_MACHINES = "Belum ada mesin yang diatur. Tambahkan bagian [[devices]] pada berkas konfigurasi."
UNKNOWN_MACHINE = "Mesin bernama {name!r} tidak ada di konfigurasi. Mesin yang ada: {names}."
SYNC_HEADER = f"{'Mesin':<20} {'No. seri':<18} {'dilihat':>8} {'baru':>8} {'duplikat':>9} " \
              f"{'galat':>6}"
SYNC_ROW = "{machine:<20} {serial:<18} {seen:>8} {new:>8} {duplicates:>9} {errors:>6}"
SYNC_FAILED = "{machine:<20} GAGAL setelah {attempts} kali coba: {reason} ({detail})"
SYNC_DRIFT = "  ! jam mesin {direction} {amount} (batas {limit} detik)"
USERS_HEADER = f"{'uid':>5}  {'user_id':<12} {'nama di mesin':<26} pegawai"
USERS_ROW = "{uid:>5}  {user_id:<12} {name:<26} {employee}"
USERS_NOT_REGISTERED = "(tidak terdaftar)"
USERS_SUMMARY = "{count} pengguna di mesin {machine} (nomor seri {serial})."
PUSH_NOTHING = "Tidak ada pegawai aktif yang memiliki device_user_id."
PUSH_DONE = "Mesin {machine}: {written} pengguna ditulis, {removed} dihapus, {failed} gagal."
PUSH_FAILED_ROW = "  gagal {user_id}: {reason}"
ADMS_QUEUED = (
    "Mesin ADMS {machine}: {count} perintah diantrekan; dikirim saat mesin menghubungi server "
    "berikutnya, hasilnya terlihat pada `presensi device list`."
)
LIST_HEADER = (f"{'Mesin':<20} {'jenis':<6} {'No. seri':<16} {'firmware':<22} {'push':<7} "
               f"{'kontak terakhir':<19} selisih jam")
LIST_ROW = ("{machine:<20} {kind:<6} {serial:<16} {firmware:<22} {push:<7} {contact:<19} "
            "{drift}")
LIST_LOCKED = "  ! TERKUNCI setelah pembacaan terputus; server mencoba membukanya setiap 30 detik"
LIST_WAITING = "  {count} perintah ADMS menunggu jawaban mesin"
SET_TIME_DONE = "Jam mesin {machine} diatur: {time} (zona {zone})."
CLEAR_DONE = (
    "Log mesin {machine} (nomor seri {serial}) dikosongkan setelah {records} catatan "
    "dipastikan tersimpan ({new} di antaranya baru)."
)
CLEAR_REFUSED = "Log mesin {machine} TIDAK dikosongkan: {reason}."
UNKNOWN_NONE = "Semua catatan mesin sudah cocok dengan pegawai terdaftar."
UNKNOWN_HEADER = f"{'Mesin':<20} {'No. seri':<18} {'user_id':<12} {'jumlah':>7}  rentang waktu"
UNKNOWN_ROW = "{machine:<20} {serial:<18} {user_id:<12} {count:>7}  {first} s.d. {last}"
UNKNOWN_FOOTER = (
    "Isi kolom device_user_id pegawai yang bersangkutan lalu impor ulang data pegawai; "
    "catatan di atas langsung terhitung tanpa perlu ditarik ulang."
)
SIMULATOR_RUNNING = (
    "Simulator mesin presensi berjalan di 127.0.0.1:{port} ({transport}), nomor seri {serial}, "
    "{users} pengguna, {records} catatan presensi. Tekan Ctrl-C untuk berhenti."
)
SIMULATOR_STOPPED = "Simulator dihentikan."
