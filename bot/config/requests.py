"""[requests]: limits, agenda formats, cuti tahunan policy and the approval chain per type."""

from __future__ import annotations

from bot.config.reader import ConfigError, Section
from services import agenda
from services.approval_chain import (
    ACTIONS,
    ACTOR_KINDS,
    NIP,
    PERAN,
    SETUJUI,
    ActorRef,
    Chain,
    ChainStep,
)
from services.employees import ROLES
from services.leave_balance import LeavePolicy
from services.nip import nip_problem
from services.request_policy import RequestPolicy, default_chains
from services.request_types import TYPE_KEYS

LETTER_KINDS = ("izin", "cuti")
_DEFAULTS = RequestPolicy()


def _actor(raw: object, key: str) -> ActorRef:
    if not isinstance(raw, str):
        raise ConfigError(key, "harus berupa teks: atasan_langsung, peran:<peran> atau nip:<NIP>")
    actor = ActorRef.parse(raw)
    if actor.kind not in ACTOR_KINDS:
        raise ConfigError(key, f"pelaku {raw!r} tidak dikenal (atasan_langsung, peran:<peran>, "
                          "nip:<NIP>)")
    if actor.kind == PERAN and actor.value not in ROLES:
        raise ConfigError(key, f"peran {actor.value!r} tidak dikenal ({', '.join(ROLES)})")
    if actor.kind == NIP and (problem := nip_problem(actor.value)):
        raise ConfigError(key, problem)
    return actor


def _step(section: Section, index: int) -> ChainStep:
    actions = tuple(section.str_list("actions", list(ACTIONS)))
    unknown = [a for a in actions if a not in ACTIONS]
    if unknown:
        raise ConfigError(section.key("actions"),
                          f"tindakan tidak dikenal: {', '.join(unknown)} ({', '.join(ACTIONS)})")
    if SETUJUI not in actions:
        raise ConfigError(section.key("actions"), "wajib memuat setujui")
    return ChainStep(key=section.nonempty_str("key", f"tahap{index + 1}"),
                     title=section.nonempty_str("title"),
                     actor=_actor(section.data.get("actor"), section.key("actor")),
                     actions=actions)


def _chains(section: Section) -> dict[str, Chain]:
    chains = default_chains()
    named: dict[str, str] = {}
    table = section.section("chains")
    for name in table.data:
        chain_section = table.section(name)
        steps = tuple(_step(s, i) for i, s in enumerate(chain_section.sections("steps")))
        if not steps:
            raise ConfigError(chain_section.key("steps"), "rantai persetujuan tidak boleh kosong")
        types = chain_section.str_list("types")
        for type_key in types:
            if type_key not in TYPE_KEYS:
                raise ConfigError(chain_section.key("types"),
                                  f"jenis {type_key!r} tidak dikenal ({', '.join(TYPE_KEYS)})")
            if type_key in named:
                raise ConfigError(chain_section.key("types"),
                                  f"jenis {type_key!r} sudah diatur di rantai {named[type_key]!r}")
            named[type_key] = name
            chains[type_key] = Chain(name, steps)
    return chains


def _per_letter(section: Section, name: str, defaults: dict[str, str]) -> dict[str, str]:
    table = section.section(name)
    result = dict(defaults)
    for kind in table.data:
        if kind not in LETTER_KINDS:
            raise ConfigError(table.key(kind), "gunakan izin atau cuti")
        result[kind] = table.nonempty_str(kind)
    return result


def parse_requests(root: Section) -> RequestPolicy:
    section = root.section("requests")
    formats = _per_letter(section, "agenda_format", dict(_DEFAULTS.agenda_formats))
    for kind, template in formats.items():
        if problem := agenda.format_problem(template):
            raise ConfigError(section.key(f"agenda_format.{kind}"), problem)
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
        chains=_chains(section),
        leave=LeavePolicy(
            tracking_from=section.int("leave_tracking_from", _DEFAULTS.leave.tracking_from,
                                      minimum=2000, maximum=2100),
            deduct_cuti_bersama=section.bool("deduct_cuti_bersama", False)),
    )
