"""Log lines: one per event, JSON mode, and nothing that leaks tokens or update contents."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest

from bot.cli import main
from bot.demo.office import build_people
from bot.logging_setup import configure_logging


@pytest.fixture(autouse=True)
def _restore_logging() -> object:
    root = logging.getLogger()
    saved = (root.handlers[:], root.level)
    yield
    root.handlers[:], level = saved
    root.setLevel(level)


def test_json_lines_carry_event_and_fields(capsys: pytest.CaptureFixture[str]) -> None:
    configure_logging("INFO", json_lines=True)
    logging.getLogger("bot.app").info("bot.started office=%r db=%s", "Dinas A", "/srv/db")
    try:
        raise ValueError("baris\nkedua")
    except ValueError:
        logging.getLogger("handlers.errors").error("update.failed error=ValueError",
                                                   exc_info=True)
    lines = capsys.readouterr().err.strip().splitlines()
    assert len(lines) == 2
    started, failed = (json.loads(line) for line in lines)
    assert started["event"] == "bot.started" and started["office"] == "Dinas A"
    assert started["db"] == "/srv/db" and started["level"] == "INFO"
    assert failed["error"].startswith("Traceback") and "ValueError" in failed["error"]


def test_text_lines_are_single_lines(capsys: pytest.CaptureFixture[str]) -> None:
    configure_logging("INFO")
    try:
        raise RuntimeError("x")
    except RuntimeError:
        logging.getLogger("t").exception("job.failed job=alerts")
    lines = capsys.readouterr().err.strip().splitlines()
    assert len(lines) == 1 and "job.failed job=alerts" in lines[0] and "Traceback" in lines[0]


def test_token_and_update_bodies_stay_out_even_at_debug(capsys: pytest.CaptureFixture[str]
                                                        ) -> None:
    configure_logging("DEBUG")
    logging.getLogger("httpx").info("HTTP Request: POST https://api.telegram.org/bot123:SECRET/x")
    logging.getLogger("telegram.ext.Updater").debug("Webhook received data: {'phone': '0811'}")
    logging.getLogger("telegram.ext.Application").debug("Processing update Update(contact=...)")
    logging.getLogger("services.x").debug("own.debug nip=199206062019031006")
    err = capsys.readouterr().err
    assert "SECRET" not in err and "0811" not in err and "Processing update" not in err
    assert "own.debug" in err


def test_a_whole_office_month_logs_no_names_or_phone_numbers(
        tmp_path: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    """The demo walks import, machine sync, requests and the signed recap; at DEBUG, its log
    names people by NIP only."""
    monkeypatch.delenv("PRESENSI_BOT_TOKEN", raising=False)
    code = main(["--log-level", "DEBUG", "demo", "--folder", str(tmp_path / "kantor"),
                 "--employees", "8", "--month", "2026-10", "--days", "5"])
    err = capsys.readouterr().err
    assert code == 0 and "device.synced" in err and "recap.sign" in err
    for person in build_people(8):
        assert person.nama.split(",")[0] not in err
        assert person.telepon not in err and "62" + person.telepon[1:] not in err
