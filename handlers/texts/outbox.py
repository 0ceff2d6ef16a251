"""Texts of the outbox sender."""

UNDELIVERABLE = (
    "⚠️ Pesan <b>{kind}</b> untuk {target} belum dapat dikirim ({attempts} kali dicoba).\n"
    "Galat: <code>{error}</code>"
)
UNDELIVERABLE_FINAL = (
    "⚠️ Pesan <b>{kind}</b> untuk {target} tidak dapat dikirim dan tidak akan dicoba lagi.\n"
    "Galat: <code>{error}</code>"
)
TARGET_NIP = "NIP {nip}"
TARGET_CHAT = "obrolan {chat}"
