"""Texts of /kesehatan and `presensi health`."""

TITLE = "Kondisi sistem per {at}"
NOT_ALLOWED = "Maaf, kondisi sistem hanya dapat dilihat oleh pengelola kepegawaian dan Kasubbag."
SCHEMA = "Skema basis data: versi {version} ({count} migrasi)"
DATABASE = "Ukuran basis data: {size} (+ jurnal WAL {wal})"
EMPLOYEES = "Pegawai aktif: {active}, terhubung ke Telegram: {linked}"
MACHINES = "Mesin presensi:"
NO_MACHINES = "Mesin presensi: belum ada mesin yang tercatat maupun data yang diterima."
MACHINE = (
    "• {name} ({source}, SN {serial}): sinkron berhasil terakhir {success}; data pindaian "
    "terakhir diterima {received}; {punches} data"
)
SOURCES = {"pull": "tarik", "adms": "ADMS", "": "mesin tidak terdaftar"}
MACHINE_ERROR = "  galat terakhir: {error} ({times} kali berturut-turut)"
MACHINE_FIRMWARE = "  firmware {firmware}, versi push {push}, kontak terakhir {contact}"
MACHINE_LOCKED = "  TERKUNCI: pembacaan terputus; server mencoba membukanya setiap 30 detik"
MACHINE_DRIFT = "  selisih jam mesin terhadap server: {seconds} detik"
NEVER = "belum pernah"
PENDING_REQUESTS = "Pengajuan menunggu keputusan: {count}"
PENDING_ALERTS = "Pemberitahuan menunggu dikirim: {count}"
NOT_AVAILABLE = "belum tersedia"
ERROR_LOCATION = "\nLokasi: <code>{where}</code>"
ERRORS_SUPPRESSED = "\n{count} galat lain sejak laporan sebelumnya tidak dilaporkan tersendiri."
JOB = "Tugas terjadwal {job}: terakhir tuntas untuk {day} (pukul {finished})"
PROBLEM = "⚠️ Masalah terbuka pada {machine}: {kind} ({detail}), sejak {since}"
PROBLEM_KINDS = {"failure": "gagal disinkronkan", "clock_drift": "jam mesin bergeser",
                 "unknown_serial": "nomor seri tidak terdaftar"}
