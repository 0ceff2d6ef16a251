"""Presensi lokasi as plain data: the sites, who may clock in by location, and the checks.

Parsed from `[[sites]]` and `[location]` by bot/config/location.py (`settings.location`).
"""

from __future__ import annotations

from dataclasses import dataclass

SELFIE_OFF = "off"
SELFIE_OPTIONAL = "optional"
SELFIE_REQUIRED = "required"
SELFIE_MODES = (SELFIE_OFF, SELFIE_OPTIONAL, SELFIE_REQUIRED)

# Why an employee may clock in by location today (kept with each punch).
BASIS_EVERYONE = "everyone"
BASIS_UNIT = "unit"
BASIS_EMPLOYEE = "employee"
BASIS_DINAS_LUAR = "dinas_luar"
BASIS_OUTAGE = "outage"


@dataclass(frozen=True)
class Site:
    name: str
    latitude: float
    longitude: float
    radius_m: float
    activity: bool = False     # the location of a dinas luar activity, valid for one day


@dataclass(frozen=True)
class LocationPolicy:
    sites: tuple[Site, ...] = ()
    enabled: bool = False
    everyone: bool = False                      # every employee, every working day
    units: frozenset[str] = frozenset()         # employees of these units
    employees: frozenset[str] = frozenset()     # these NIPs
    dinas_luar: bool = True                     # whoever is on an approved dinas luar that day
    outage: bool = True                         # everyone on a day an admin declares an outage
    activity_radius_m: float = 200.0            # radius of a dinas luar activity location
    max_accuracy_m: float = 50.0                # worst GPS accuracy accepted
    max_speed_kmh: float = 150.0                # faster than this between two updates: spoofed
    check_seconds: int = 60                     # how long the live location must keep coming
    selfie: str = SELFIE_OFF
    selfie_seconds: int = 60                    # "within the same minute"

    def listed_basis(self, unit: str, nip: str) -> str | None:
        """The standing permission of an employee, if any (not DL or outage days)."""
        if self.everyone:
            return BASIS_EVERYONE
        if nip in self.employees:
            return BASIS_EMPLOYEE
        if unit in self.units:
            return BASIS_UNIT
        return None
