"""The house rules on layers: services/ is the domain and imports no adapter or wiring;
handlers/ are Telegram adapters with no storage of their own; reports/ and device/ are adapters
that know nothing of Telegram."""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# An SQL statement inside a string literal: what a handler must leave to services/.
SQL = re.compile(r"\b(SELECT\s.+\sFROM|INSERT\s+(OR\s+\w+\s+)?INTO|UPDATE\s+\w+\s+SET|"
                 r"DELETE\s+FROM|CREATE\s+(TABLE|INDEX)|PRAGMA\s+\w+)\b", re.I | re.S)


def imported_packages(source: str) -> set[str]:
    """Top-level package of every absolute import, including those inside functions."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.add(node.module.split(".")[0])
    return found


def imported_modules(source: str) -> set[str]:
    """Full dotted name of every absolute import, including those inside functions."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.add(node.module)
    return found


def settings_reads(source: str) -> list[int]:
    """Lines that reach for an attribute called `settings` (the whole configuration)."""
    return sorted(node.lineno for node in ast.walk(ast.parse(source))
                  if isinstance(node, ast.Attribute) and node.attr == "settings")


def sql_literals(source: str) -> list[str]:
    return [node.value for node in ast.walk(ast.parse(source))
            if isinstance(node, ast.Constant) and isinstance(node.value, str)
            and SQL.search(node.value)]


def offenders(package: str, forbidden: frozenset[str]) -> dict[str, list[str]]:
    found = {}
    for path in sorted((ROOT / package).rglob("*.py")):
        names = imported_packages(path.read_text(encoding="utf-8")) & forbidden
        if names:
            found[str(path.relative_to(ROOT))] = sorted(names)
    return found


def test_imported_packages_sees_nested_and_from_imports() -> None:
    source = "import telegram.ext\ndef f():\n    from reports.recap_pdf import render_pdf\n"
    assert imported_packages(source) == {"telegram", "reports"}


def test_sql_literals_finds_statements_not_prose() -> None:
    source = ('q = "SELECT nip FROM employees"\n'
              'u = """UPDATE requests\n SET status = ?"""\n'
              't = "Pilih tanggal, lalu kirim pengajuan."\n')
    assert sql_literals(source) == ["SELECT nip FROM employees", "UPDATE requests\n SET status = ?"]


def test_settings_reads_sees_attribute_access_only() -> None:
    source = ("policy = context.settings.requests\n"
              "x = services.env(RequestEnv)\n"
              "settings = 3\n")
    assert settings_reads(source) == [1]


def test_services_import_no_adapter() -> None:
    assert offenders("services", frozenset({"reports", "device", "telegram", "bot"})) == {}


def test_handlers_have_no_storage() -> None:
    assert offenders("handlers", frozenset({"aiosqlite", "sqlite3"})) == {}
    statements = {str(path.relative_to(ROOT)): found
                  for path in sorted((ROOT / "handlers").rglob("*.py"))
                  if (found := sql_literals(path.read_text(encoding="utf-8")))}
    assert statements == {}


def test_reports_and_device_know_nothing_of_telegram() -> None:
    forbidden = frozenset({"telegram", "handlers", "bot"})
    assert offenders("reports", forbidden) == {}
    assert offenders("device", forbidden) == {}


def test_handlers_never_read_settings() -> None:
    """A handler gets its feature's environment (handlers.envs, built by bot.app), never the
    whole Settings, and of bot/ it knows only the typed context."""
    found = {}
    for path in sorted((ROOT / "handlers").rglob("*.py")):
        source = path.read_text(encoding="utf-8")
        bot_modules = {m for m in imported_modules(source)
                       if m.split(".")[0] == "bot" and m != "bot.context"}
        reads = settings_reads(source)
        if bot_modules or reads:
            found[str(path.relative_to(ROOT))] = (sorted(bot_modules), reads)
    assert found == {}


def test_jobs_import_no_handlers() -> None:
    """A job decides what to say and writes it to the outbox through services/; how it reads
    in Telegram is the renderer's business (handlers/, loaded by bot.outbox)."""
    assert offenders("bot/jobs", frozenset({"handlers", "telegram"})) == {}
