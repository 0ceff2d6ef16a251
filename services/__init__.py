"""The domain of presensi-bot. Nothing in this package imports `telegram`."""
