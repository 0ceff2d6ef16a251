"""`presensi demo`'s engine: a made-up office driven through device, services and reports.

It wires the whole product together, so it lives with the wiring in `bot/`, not in the domain.
"""
