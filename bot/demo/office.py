"""A made-up office for the demo: people with a hierarchy and a month of their behaviour.

Everything here is pure and seeded, so the same arguments always give the same office, and the
demo's figures can be compared between runs. The people are written as the operator's CSV and
go through the real import; the behaviour becomes punches on the simulated machine and requests
filed through the real services.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from services.nip import nip_problem

UNITS = ("Bidang Aplikasi Informatika", "Bidang Komunikasi Publik",
         "Bidang Statistik dan Persandian")
SEKRETARIAT = "Sekretariat"

_MEN = ("Agus", "Bambang", "Dedi", "Eko", "Fajar", "Gilang", "Hendra", "Irfan", "Joko", "Kurniawan",
        "Lukman", "Muhammad", "Nanang", "Rahmat", "Slamet", "Teguh", "Wahyu", "Yudi", "Rizki",
        "Arif", "Dimas", "Hadi", "Ilham", "Putu")
_WOMEN = ("Ani", "Desi", "Dewi", "Fitri", "Indah", "Lestari", "Maya", "Nur", "Putri", "Ratna",
          "Sari", "Siti", "Tri", "Wulan", "Yuliana", "Ayu", "Kartika", "Rini", "Novi", "Made")
_FAMILY = ("Santoso", "Wijaya", "Saputra", "Hidayat", "Nugroho", "Pratama", "Lestari", "Kusuma",
           "Setiawan", "Rahmawati", "Hasibuan", "Siregar", "Simanjuntak", "Manurung", "Tanjung",
           "Nasution", "Pangaribuan", "Sinaga", "Lubis", "Harahap", "Wahyuni", "Purnomo")
_DEGREES = ("", "", "S.Kom.", "S.E.", "S.H.", "S.Sos.", "A.Md.", "S.T.", "S.AP.")
_STAFF_TITLES = ("Pranata Komputer", "Analis Kebijakan", "Pengelola Data", "Pranata Humas",
                 "Pengadministrasi Umum", "Statistisi", "Sandiman", "Pengelola Informasi")
_STAFF_GRADES = ("II/b", "II/c", "II/d", "III/a", "III/b", "III/c", "III/d")

# The bidang whose staff also work at the field post (presensi lokasi in the demo config).
FIELD_UNIT = UNITS[0]
FIELD_DAYS = 2
# The demo's geofences: name, latitude, longitude, radius in metres.
OFFICE_SITE = ("Kantor Dinas", -6.175392, 106.827153, 100)
FIELD_SITE = ("Pos Lapangan Cibubur", -6.370000, 106.890000, 150)

# What a person does on a working day; the demo mixes them so every recap code shows up.
NORMAL, LATE, EARLY, NO_OUT, ABSENT, SICK, PERMIT, DUTY, LEAVE = (
    "normal", "late", "early", "no_out", "absent", "sick", "permit", "duty", "leave")
# Behaviours covered by a request, with the request type key agreed across the project.
REQUEST_TYPES = {SICK: "sakit", PERMIT: "izin", DUTY: "dinas_luar", LEAVE: "cuti_tahunan"}
_WEIGHTS = ((NORMAL, 80), (LATE, 7), (EARLY, 3), (NO_OUT, 2), (ABSENT, 2), (SICK, 2),
            (PERMIT, 1), (DUTY, 2), (LEAVE, 1))


@dataclass(frozen=True)
class DemoPerson:
    nip: str
    nama: str
    jabatan: str
    golongan: str
    unit: str
    atasan_nip: str
    telepon: str
    device_user_id: str
    peran: str

    def row(self) -> list[str]:
        return [self.nip, self.nama, self.jabatan, self.golongan, self.unit, self.atasan_nip,
                self.telepon, self.device_user_id, self.peran]


@dataclass(frozen=True)
class DemoPunch:
    device_user_id: str
    at: dt.datetime   # office wall-clock time, naive, as the machine stores it


@dataclass(frozen=True)
class DemoRequest:
    nip: str
    type_key: str
    start: dt.date
    end: dt.date
    reason: str


@dataclass(frozen=True)
class DemoMonth:
    punches: tuple[DemoPunch, ...]
    requests: tuple[DemoRequest, ...]
    behaviour: dict[tuple[str, dt.date], str]
    # Days at the field post: clocked in and out by Telegram live location, not on the machine.
    located: tuple[DemoPunch, ...] = ()


def _nip(rng: random.Random, women: bool, seq: int) -> str:
    birth = dt.date(rng.randint(1966, 1996), rng.randint(1, 12), rng.randint(1, 28))
    start = min(birth.year + rng.randint(22, 30), 2024)
    return (f"{birth:%Y%m%d}{start}{rng.randint(1, 12):02d}{2 if women else 1}"
            f"{seq % 1000:03d}")


def _name(rng: random.Random, women: bool, degree: str) -> str:
    first = rng.choice(_WOMEN if women else _MEN)
    name = f"{first} {rng.choice(_FAMILY)}"
    return f"{name}, {degree}" if degree else name


def build_people(count: int, seed: int = 17) -> tuple[DemoPerson, ...]:
    """`count` people (at least 5): Kepala, Sekretaris, Kasubbag, pengelola kepegawaian, heads of
    up to three bidang, and staff spread over the Sekretariat and the bidang."""
    if count < 5:
        raise ValueError("the demo office needs at least 5 people")
    rng = random.Random(seed)
    people: list[DemoPerson] = []
    used_nips: set[str] = set()

    def add(jabatan: str, golongan: str, unit: str, atasan: str, peran: str,
            degree: str | None = None) -> DemoPerson:
        index = len(people) + 1
        women = rng.random() < 0.5
        nip = _nip(rng, women, index)
        while nip in used_nips or nip_problem(nip) is not None:
            nip = _nip(rng, women, index)
        used_nips.add(nip)
        person = DemoPerson(
            nip=nip, nama=_name(rng, women, rng.choice(_DEGREES) if degree is None else degree),
            jabatan=jabatan, golongan=golongan, unit=unit, atasan_nip=atasan,
            telepon=f"0812{index:08d}", device_user_id=str(100 + index), peran=peran)
        people.append(person)
        return person

    kepala = add("Kepala Dinas", "IV/c", "Pimpinan", "", "kepala", "M.Si.")
    sekretaris = add("Sekretaris", "IV/b", SEKRETARIAT, kepala.nip, "sekretaris", "S.H., M.H.")
    kasubbag = add("Kepala Subbagian Umum dan Kepegawaian", "III/d", SEKRETARIAT,
                   sekretaris.nip, "kasubbag")
    add("Pengelola Kepegawaian", "III/a", SEKRETARIAT, kasubbag.nip, "admin")
    heads = [add(f"Kepala {unit}", "IV/a", unit, kepala.nip, "pegawai")
             for unit in UNITS[:max(1, min(3, (count - 4) // 4))]]
    leaders = [(kasubbag.nip, SEKRETARIAT)] + [(h.nip, h.unit) for h in heads]
    while len(people) < count:
        atasan, unit = leaders[len(people) % len(leaders)]
        add(rng.choice(_STAFF_TITLES), rng.choice(_STAFF_GRADES), unit, atasan, "pegawai")
    return tuple(people)


def _at(day: dt.date, hour: int, minutes: int) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour)) + dt.timedelta(minutes=minutes)


def plan_month(people: tuple[DemoPerson, ...], working_days: list[dt.date],
               seed: int = 17) -> DemoMonth:
    """What everyone does on each working day, as punches and the requests that explain
    absences. Consecutive days of sickness or leave become one request."""
    rng = random.Random(seed * 7919 + len(working_days))
    punches: list[DemoPunch] = []
    requests: list[DemoRequest] = []
    behaviour: dict[tuple[str, dt.date], str] = {}
    kinds, weights = zip(*_WEIGHTS, strict=True)
    for person in people:
        open_request: DemoRequest | None = None
        for day in working_days:
            what = rng.choices(kinds, weights)[0]
            if person.peran == "kepala" and what not in (NORMAL, EARLY):
                # The demo's Kepala sets the example; their own requests would also go to the
                # regional head, outside this office.
                what = NORMAL
            behaviour[(person.nip, day)] = what
            if what in REQUEST_TYPES:
                type_key = REQUEST_TYPES[what]
                if open_request is not None and open_request.type_key == type_key:
                    open_request = DemoRequest(person.nip, type_key, open_request.start, day,
                                               open_request.reason)
                    requests[-1] = open_request
                else:
                    open_request = DemoRequest(person.nip, type_key, day, day,
                                               _reason(type_key))
                    requests.append(open_request)
                continue
            open_request = None
            if what == ABSENT:
                continue
            arrive = (_at(day, 7, 40 + rng.randint(0, 50)) if what == LATE
                      else _at(day, 6, 50 + rng.randint(0, 35)))
            friday = day.weekday() == 4
            leave = (_at(day, 14, rng.randint(0, 59)) if what == EARLY
                     else _at(day, 16, (30 if friday else 0) + rng.randint(1, 25)))
            punches.append(DemoPunch(person.device_user_id,
                                     arrive + dt.timedelta(seconds=rng.randint(0, 59))))
            if rng.random() < 0.1:
                # People press twice now and then; the sync must not count them twice.
                punches.append(DemoPunch(person.device_user_id,
                                         arrive + dt.timedelta(minutes=1, seconds=5)))
            if what != NO_OUT:
                punches.append(DemoPunch(person.device_user_id,
                                         leave + dt.timedelta(seconds=rng.randint(0, 59))))
    punches.sort(key=lambda p: (p.at, p.device_user_id))
    located, moved = _field_days(people, working_days, behaviour, punches)
    return DemoMonth(tuple(p for p in punches if p not in moved), tuple(requests), behaviour,
                     tuple(located))


def _field_days(people: tuple[DemoPerson, ...], working_days: list[dt.date],
                behaviour: dict[tuple[str, dt.date], str], punches: list[DemoPunch]
                ) -> tuple[list[DemoPunch], set[DemoPunch]]:
    """The first two staff of FIELD_UNIT work at the field post on their first FIELD_DAYS
    ordinary days: the day's first and last punch are made by location instead, and the
    machine records nothing of theirs that day. Returns the location punches and the machine
    punches they replace."""
    staff = [p for p in people if p.unit == FIELD_UNIT and p.peran == "pegawai"
             and not p.jabatan.startswith("Kepala")][:2]
    located: list[DemoPunch] = []
    moved: set[DemoPunch] = set()
    for person in staff:
        days = [d for d in working_days if behaviour[(person.nip, d)] == NORMAL][:FIELD_DAYS]
        for day in days:
            that_day = sorted((p for p in punches if p.device_user_id == person.device_user_id
                               and p.at.date() == day), key=lambda p: p.at)
            moved.update(that_day)
            located += [that_day[0], that_day[-1]] if len(that_day) > 1 else that_day
    return sorted(located, key=lambda p: (p.at, p.device_user_id)), moved


def _reason(type_key: str) -> str:
    return {"sakit": "Demam dan dianjurkan istirahat oleh dokter",
            "izin": "Mengurus keperluan keluarga",
            "dinas_luar": "Rapat koordinasi di kantor provinsi",
            "cuti_tahunan": "Keperluan keluarga di kampung halaman"}[type_key]
