"""[requests]: limits, agenda formats and cuti tahunan policy.

The approval chain per type is read from the workflow catalogue ([workflows]: izin.yaml,
cuti.yaml or the office's replacements), never from this section.
"""

from __future__ import annotations

from bot.config.reader import ConfigError, Section
from services import agenda
from services.leave_balance import LeavePolicy
from services.request_policy import RequestPolicy
from services.workflows.model import Catalogue

LETTER_KINDS = ("izin", "cuti")
# Only the scalar defaults are read from here; the chains always come from the catalogue.
_DEFAULTS = RequestPolicy(chains={})


def _per_letter(section: Section, name: str, defaults: dict[str, str]) -> dict[str, str]:
    table = section.section(name)
    result = dict(defaults)
    for kind in table.data:
        if kind not in LETTER_KINDS:
            raise ConfigError(table.key(kind), "gunakan izin atau cuti")
        result[kind] = table.nonempty_str(kind)
    return result


def parse_requests(root: Section, catalogue: Catalogue) -> RequestPolicy:
    section = root.section("requests")
    if "chains" in section.data:
        # Older config files configured the chains here; ignoring them would silently change
        # who approves, so the operator is told where they live now.
        raise ConfigError(section.key("chains"), "tidak dipakai lagi; rantai persetujuan izin "
                          "dan cuti ditulis di izin.yaml dan cuti.yaml dalam folder "
                          "[workflows] dir (salin dari services/workflows/definitions/)")
    if "deduct_cuti_bersama" in section.data:
        raise ConfigError(section.key("deduct_cuti_bersama"), "dihapus: cuti bersama tidak "
                          "mengurangi hak cuti tahunan ASN (PP 11/2017 Pasal 333 ayat 2); hapus "
                          "baris ini")
    formats = _per_letter(section, "agenda_format", dict(_DEFAULTS.agenda_formats))
    for kind, template in formats.items():
        if problem := agenda.format_problem(template):
            raise ConfigError(section.key(f"agenda_format.{kind}"), problem)
    # Whom the usulan letters are addressed to; empty = from [office] government.
    usulan = section.section("usulan")
    max_mb = section.float("max_attachment_mb", 5.0, minimum=0.1)
    if max_mb > 20:
        # Bots can download at most 20 MB through the Bot API.
        raise ConfigError(section.key("max_attachment_mb"), "maksimal 20")
    return RequestPolicy(
        backdate_days=section.int("backdate_days", _DEFAULTS.backdate_days, minimum=0,
                                  maximum=366),
        max_ahead_days=section.int("max_ahead_days", _DEFAULTS.max_ahead_days, minimum=1,
                                   maximum=3 * 366),
        max_attachment_bytes=int(max_mb * 1024 * 1024),
        agenda_formats=formats,
        agenda_registers=_per_letter(section, "agenda_register",
                                     dict(_DEFAULTS.agenda_registers)),
        chains=catalogue.request_chains(),
        usulan_ppk=usulan.str("ppk", "").strip(),
        usulan_kepala_superior=usulan.str("atasan_kepala", "").strip(),
        leave=LeavePolicy(
            tracking_from=section.int("leave_tracking_from", _DEFAULTS.leave.tracking_from,
                                      minimum=2000, maximum=2100)),
    )
