"""Words of the monthly SLA compliance report (Indonesian)."""

from __future__ import annotations

REPORT_TITLE = "LAPORAN KEPATUHAN WAKTU LAYANAN (SLA)"
REPORT_PERIOD = "Bulan {month}"
REPORT_SUMMARY_HEAD = ("No", "Layanan (SOP)", "Berkas selesai", "Langkah diproses",
                       "Tepat waktu", "Kepatuhan", "Rata-rata waktu / standar")
REPORT_STEPS_HEAD = ("Langkah", "Pelaksana", "Waktu standar", "Diproses", "Tepat waktu",
                     "Kepatuhan")
REPORT_NONE = "Tidak ada langkah yang diproses pada bulan ini."
REPORT_PRINTED = "Dicetak {time}"


def percent(value: float) -> str:
    return f"{value:.1f}%".replace(".", ",")
