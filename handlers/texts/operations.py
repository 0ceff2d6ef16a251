"""Texts the operator sees when starting the bot."""

TOKEN_REFUSED = (
    "Token bot ditolak oleh server Bot API. Periksa PRESENSI_BOT_TOKEN (salin ulang dari "
    "@BotFather)."
)
API_UNREACHABLE = (
    "Server Bot API {url} tidak dapat dihubungi ({error}). Periksa jaringan atau "
    "[telegram] base_url; bot akan dijalankan ulang oleh systemd."
)
