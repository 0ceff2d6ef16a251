"""[[sites]] and [location]: parsed into LocationPolicy, bad values named by key."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.config import ConfigError, load_settings
from tests.conftest import BASE_CONFIG

SITE = '[[sites]]\nname = "Kantor"\nlatitude = -6.2\nlongitude = 106.8\nradius_m = 100\n'


def load(tmp_path: Path, extra: str):
    path = tmp_path / "presensi.toml"
    path.write_text(BASE_CONFIG + extra, encoding="utf-8")
    return load_settings(str(path))


def test_no_sites_means_no_presensi_lokasi(tmp_path: Path) -> None:
    policy = load(tmp_path, "").location
    assert not policy.enabled and policy.sites == ()


def test_sites_and_who_may(tmp_path: Path) -> None:
    policy = load(tmp_path, SITE + '[location]\nunits = ["UPT A"]\n'
                  'employees = ["199206062019031006"]\nselfie = "required"\n'
                  'check_seconds = 30\n').location
    assert policy.enabled
    assert [(s.name, s.latitude, s.longitude, s.radius_m) for s in policy.sites] == [
        ("Kantor", -6.2, 106.8, 100.0)]
    assert policy.listed_basis("UPT A", "x") == "unit"
    assert policy.listed_basis("Lain", "199206062019031006") == "employee"
    assert policy.listed_basis("Lain", "x") is None
    assert policy.selfie == "required" and policy.check_seconds == 30
    everyone = load(tmp_path, SITE + '[location]\nwho = "everyone"\n').location
    assert everyone.listed_basis("Lain", "x") == "everyone"


@pytest.mark.parametrize(("extra", "key"), [
    ('[[sites]]\nname = "A"\nlatitude = -96.0\nlongitude = 1\nradius_m = 5\n',
     "sites[0].latitude"),
    ('[[sites]]\nname = "A"\nlatitude = 1\nlongitude = 1\n', "sites[0].radius_m"),
    ('[[sites]]\nname = "A"\nlatitude = 1\nlongitude = 1\nradius_m = 0\n', "sites[0].radius_m"),
    (SITE + SITE, "sites"),
    (SITE + '[location]\nwho = "semua"\n', "location.who"),
    (SITE + '[location]\nselfie = "yes"\n', "location.selfie"),
    (SITE + '[location]\nemployees = ["123"]\n', "location.employees"),
    ('[location]\nenabled = true\ndinas_luar = false\n', "location.enabled"),
])
def test_bad_values_are_named(tmp_path: Path, extra: str, key: str) -> None:
    with pytest.raises(ConfigError) as caught:
        load(tmp_path, extra)
    assert caught.value.key == key
