"""Application wiring for presensi-bot: configuration, CLI, the PTB Application and its jobs."""
