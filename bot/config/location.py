"""[[sites]] (the geofences) and [location] (who may clock in by location, and the checks)."""

from __future__ import annotations

from bot.config.reader import ConfigError, Section
from services.geo import valid_coordinates
from services.location_policy import SELFIE_MODES, LocationPolicy, Site
from services.nip import nip_problem


def _site(section: Section) -> Site:
    name = section.nonempty_str("name").strip()
    latitude = section.float("latitude")
    longitude = section.float("longitude")
    if not valid_coordinates(latitude, longitude):
        raise ConfigError(section.key("latitude"),
                          "koordinat tidak valid (lintang −90…90, bujur −180…180)")
    radius = section.float("radius_m", minimum=1.0)
    if radius > 5000:
        raise ConfigError(section.key("radius_m"), "maksimal 5000 meter")
    return Site(name, latitude, longitude, radius)


def parse_location(root: Section) -> LocationPolicy:
    sites = tuple(_site(item) for item in root.sections("sites"))
    names = [s.name.casefold() for s in sites]
    if len(set(names)) != len(names):
        raise ConfigError("sites", "nama lokasi tidak boleh kembar")
    section = root.section("location")
    enabled = section.bool("enabled", bool(sites))
    employees = section.str_list("employees", [])
    for nip in employees:
        problem = nip_problem(nip)
        if problem:
            raise ConfigError(section.key("employees"), f"NIP {nip!r}: {problem}")
    dinas_luar = section.bool("dinas_luar", True)
    if enabled and not sites and not dinas_luar:
        raise ConfigError(section.key("enabled"),
                          "presensi lokasi aktif tetapi tidak ada [[sites]] dan dinas_luar mati")
    return LocationPolicy(
        sites=sites, enabled=enabled,
        everyone=section.choice("who", ("listed", "everyone"), "listed") == "everyone",
        units=frozenset(u.strip() for u in section.str_list("units", [])),
        employees=frozenset(employees),
        dinas_luar=dinas_luar,
        outage=section.bool("outage", True),
        activity_radius_m=section.float("activity_radius_m", 200.0, minimum=1.0),
        max_accuracy_m=section.float("max_accuracy_m", 50.0, minimum=1.0),
        max_speed_kmh=section.float("max_speed_kmh", 150.0, minimum=1.0),
        check_seconds=section.int("check_seconds", 60, minimum=0, maximum=900),
        selfie=section.choice("selfie", SELFIE_MODES, "off"),
        selfie_seconds=section.int("selfie_seconds", 60, minimum=10, maximum=600),
    )
