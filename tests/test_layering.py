"""The house rule that services/ is the domain: it never imports the adapters or the wiring."""

from __future__ import annotations

import ast
from pathlib import Path

SERVICES = Path(__file__).resolve().parent.parent / "services"
FORBIDDEN = frozenset({"reports", "device", "telegram", "bot"})


def imported_packages(source: str) -> set[str]:
    """Top-level package of every absolute import, including those inside functions."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.add(node.module.split(".")[0])
    return found


def test_imported_packages_sees_nested_and_from_imports() -> None:
    source = "import telegram.ext\ndef f():\n    from reports.recap_pdf import render_pdf\n"
    assert imported_packages(source) == {"telegram", "reports"}


def test_services_import_no_adapter() -> None:
    offenders = {}
    for path in sorted(SERVICES.rglob("*.py")):
        names = imported_packages(path.read_text(encoding="utf-8")) & FORBIDDEN
        if names:
            offenders[str(path.relative_to(SERVICES.parent))] = sorted(names)
    assert offenders == {}
