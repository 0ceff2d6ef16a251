"""The month's data as the reviewers saw it, stored with the recap (zlib-compressed JSON).

Paraf marks and the signature are drawn onto this snapshot, so the document that gets signed
is the one that was initialled, whatever happened to punches in between. It keeps what the
document shows: per day the codes, per employee the identity and the monthly figures, and the
presensi lokasi sites the spreadsheet marks.
"""

from __future__ import annotations

import datetime as dt
import json
import zlib

from services.attendance_model import DayStatus, EmployeeMonth, MonthAttendance
from services.calendar import month_days


def encode(month: MonthAttendance) -> bytes:
    days = month_days(month.year, month.month)
    index = {day: i for i, day in enumerate(days)}
    people = []
    for employee in month.employees:
        labels = [""] * len(days)
        for status in employee.days:
            if status.day in index:
                labels[index[status.day]] = status.label
        people.append([employee.nip, employee.nama, employee.golongan, employee.jabatan,
                       employee.unit, labels, employee.totals, employee.late_minutes,
                       employee.early_minutes, employee.tpp_deduction_percent])
    data = {"year": month.year, "month": month.month,
            "working_days": [d.isoformat() for d in month.working_days],
            "days_off": {d.isoformat(): why for d, why in month.days_off.items()},
            "employees": people, "bands": list(month.bands),
            "located": [[nip, day.isoformat(), list(sites)]
                        for (nip, day), sites in month.located.items()]}
    return zlib.compress(json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode())


def decode(blob: bytes) -> MonthAttendance:
    data = json.loads(zlib.decompress(blob))
    days = month_days(data["year"], data["month"])
    employees = []
    for nip, nama, golongan, jabatan, unit, labels, totals, late, early, tpp in data["employees"]:
        statuses = tuple(DayStatus(day, tuple(label.split("/")) if label else ())
                         for day, label in zip(days, labels, strict=True))
        employees.append(EmployeeMonth(nip, nama, golongan, jabatan, unit, statuses,
                                       dict(totals), late, early, tpp))
    return MonthAttendance(
        year=data["year"], month=data["month"],
        working_days=tuple(dt.date.fromisoformat(d) for d in data["working_days"]),
        days_off={dt.date.fromisoformat(d): why for d, why in data["days_off"].items()},
        employees=tuple(employees),
        # The presensi lokasi marks the spreadsheet shows (sent from the snapshot); snapshots
        # from before they were stored have none.
        located={(nip, dt.date.fromisoformat(day)): tuple(sites)
                 for nip, day, sites in data.get("located", ())},
        # Snapshots from before the bands were stored were made with the default bands.
        bands=tuple(data.get("bands", (30, 60, 90))))
