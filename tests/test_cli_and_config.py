"""The `presensi` command line and configuration errors."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from bot.cli import main
from bot.config import ConfigError, load_settings
from tests.conftest import BASE_CONFIG
from tests.support.office import STAFF_A, write_csv


def test_missing_config_is_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["--config", str(tmp_path / "tidak-ada.toml"), "migrate"])
    err = capsys.readouterr().err.strip()
    assert code == 2 and len(err.splitlines()) == 1 and "tidak ditemukan" in err


@pytest.mark.parametrize(("patch", "key"), [
    ('timezone = "Asia/Jakarta"', "office.timezone"),
    ('name = "Dinas Komunikasi dan Informatika"', "office.name"),
    ('path = "presensi.sqlite3"', "database.path"),
])
def test_invalid_values_name_the_key(tmp_path: Path, patch: str, key: str) -> None:
    broken = {"office.timezone": 'timezone = "Mars/Olympus"', "office.name": "",
              "database.path": "path = 42"}[key]
    path = tmp_path / "presensi.toml"
    path.write_text(BASE_CONFIG.replace(patch, broken))
    with pytest.raises(ConfigError) as info:
        load_settings(str(path))
    assert str(info.value).startswith(key)


def test_token_comes_from_the_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "presensi.toml"
    path.write_text(BASE_CONFIG)
    monkeypatch.setenv("PRESENSI_BOT_TOKEN", "123:abc")
    monkeypatch.setenv("PRESENSI_CONFIG", str(path))
    settings = load_settings()
    assert settings.telegram.token == "123:abc"
    assert settings.database.path == tmp_path / "presensi.sqlite3"


def test_example_config_is_valid() -> None:
    example = Path(__file__).resolve().parent.parent / "presensi.example.toml"
    settings = load_settings(str(example))
    assert settings.office.timezone.key == "Asia/Jakarta"


def test_import_and_link_commands(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = tmp_path / "presensi.toml"
    config.write_text(BASE_CONFIG)
    csv_path = write_csv(tmp_path / "pegawai.csv")
    assert main(["--config", str(config), "migrate"]) == 0
    assert main(["--config", str(config), "import-employees", str(csv_path)]) == 0
    assert "baru 8" in capsys.readouterr().out
    assert main(["--config", str(config), "link", STAFF_A.nip, "424242"]) == 0
    assert "terhubung" in capsys.readouterr().out
    assert main(["--config", str(config), "link", "199999999999999999", "1"]) == 1
    assert main(["--config", str(config), "link", "197001011995031009", "2"]) == 1
    assert "tidak terdaftar" in capsys.readouterr().err


def test_run_with_an_unreachable_bot_api_server_is_one_clear_line(
        tmp_path: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    config = tmp_path / "presensi.toml"
    config.write_text(BASE_CONFIG.replace(
        "[telegram]\n", f'[telegram]\nbase_url = "http://127.0.0.1:{port}/bot"\n', 1))
    monkeypatch.setenv("PRESENSI_BOT_TOKEN", "123:abc")
    assert main(["--config", str(config), "run"]) == 1
    err = capsys.readouterr().err
    assert f"Server Bot API http://127.0.0.1:{port}/bot tidak dapat dihubungi" in err
    assert "123:abc" not in err


@pytest.mark.parametrize(("extra", "message"), [
    ("[attendance]\ngrace_minuts = 10\n",
     "attendance.grace_minuts: kunci tidak dikenal; maksud Anda attendance.grace_minutes?"),
    ("[requestz]\nleave_tracking_from = 2026\n",
     "requestz: bagian tidak dikenal; maksud Anda requests?"),
    ('[[devices]]\nname = "Aula"\nhost = "127.0.0.1"\nprot = 4370\n',
     "devices[0].prot: kunci tidak dikenal; maksud Anda devices[0].port?"),
    ("[database]\nbackup = 1\n", "database.backup: kunci tidak dikenal"),
])
def test_unknown_sections_and_keys_are_one_line_errors(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], extra: str, message: str) -> None:
    path = tmp_path / "presensi.toml"
    text = BASE_CONFIG + "\n" + extra
    if extra.startswith("[database]"):
        text = BASE_CONFIG.replace('path = "presensi.sqlite3"',
                                   'path = "presensi.sqlite3"\nbackup = 1')
    path.write_text(text)
    with pytest.raises(ConfigError) as info:
        load_settings(str(path))
    assert str(info.value).startswith(message)
    assert main(["--config", str(path), "migrate"]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and message in err
