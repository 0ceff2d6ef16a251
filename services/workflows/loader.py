"""Read and validate workflow definitions (YAML) into the chain model.

The package ships definitions in `definitions/`; an office may add its own folder
(`[workflows] dir`). A file there with the same `kode` replaces the shipped one, and
`aktif: false` withdraws it. Every problem is reported as one `DefinitionError` naming the
file and the key, so the bot can refuse to start with a line the operator can act on.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from importlib import resources
from pathlib import Path
from typing import Any

from services import agenda, approval_chain
from services.approval.model import RETURN_RULES, TO_APPLICANT
from services.approval_chain import ATASAN_LANGSUNG, NIP, PERAN, ActorRef, ChainStep
from services.employees import ROLES
from services.nip import nip_problem
from services.request_types import TYPE_KEYS, request_type
from services.workflows.model import (
    ACTIONS,
    MOVING_ACTIONS,
    OUTCOMES,
    Catalogue,
    Document,
    Step,
    TimeStandard,
    Workflow,
)

KINDS = ("layanan", "permohonan", "rekap")
# The recap's paraf boxes and signature, in the document's order: each step's kode is its peran.
RECAP_ROLES = ("kasubbag", "sekretaris", "kepala")
FILE_TYPES = ("pdf", "jpg", "jpeg", "png", "doc", "docx", "xls", "xlsx")
MAX_DOCUMENT_MB = 50
# Keys end up in callback_data ("wf:new:<kode>"), which Telegram caps at 64 bytes.
_KEY = re.compile(r"^[a-z][a-z0-9_]{0,23}$")
_DURATION = re.compile(r"^\s*(\d+)\s*(menit|jam|hari)\s*$", re.IGNORECASE)

_WORKFLOW_KEYS = {"kode", "nama", "keterangan", "jenis", "pemohon", "format_agenda", "buku_agenda",
                  "waktu_pengajuan", "kelengkapan", "langkah", "jenis_permohonan", "aktif",
                  "kembalikan_ke", "hasil"}
_DOCUMENT_KEYS = {"kode", "nama", "jenis", "maks_mb"}
_STEP_KEYS = {"kode", "kegiatan", "jabatan", "pelaksana", "aksi", "waktu", "output",
              "penomoran", "catatan_wajib", "lewati_bila_kosong"}
# The requests feature (/izin) runs "permohonan" chains: its letters take their agenda number
# from [requests], it has no kelengkapan nor notes, and its resolver always skips a step nobody
# can take. Keys it would silently ignore are refused instead.
_AGENDA_IN_CONFIG = "nomor agenda surat izin dan cuti diatur di [requests] presensi.toml"
_LAYANAN_ONLY_KEYS = {
    "kelengkapan": "lampiran pengajuan /izin ditentukan oleh jenis pengajuannya",
    "format_agenda": _AGENDA_IN_CONFIG,
    "buku_agenda": _AGENDA_IN_CONFIG,
}
_LAYANAN_ONLY_STEP_KEYS = {
    "penomoran": _AGENDA_IN_CONFIG,
    "catatan_wajib": "/izin selalu meminta alasan saat menolak atau mengembalikan",
    "lewati_bila_kosong": "pada permohonan, langkah yang tidak memiliki pelaksana selalu "
                          "dilewati",
}


class DefinitionError(Exception):
    """An invalid definition file; `str()` is the one line shown to the operator."""

    def __init__(self, file: str, key: str, problem: str) -> None:
        super().__init__(f"{file}: {key}: {problem}" if key else f"{file}: {problem}")
        self.file = file
        self.key = key
        self.problem = problem


def parse_time_standard(raw: object) -> TimeStandard:
    """"10 menit", "2 jam", "1 hari" → TimeStandard; ValueError with an Indonesian reason."""
    match = _DURATION.match(raw) if isinstance(raw, str) else None
    if match is None or int(match[1]) < 1:
        raise ValueError(f"durasi tidak valid {raw!r}; tulis angka dan satuan, misalnya "
                         "\"10 menit\", \"2 jam\" atau \"1 hari\"")
    return TimeStandard(int(match[1]), match[2].lower())


class _Node:
    """A mapping from the YAML file with the dotted path used in error messages."""

    def __init__(self, file: str, data: Any, path: str) -> None:
        self.file = file
        self.path = path
        if not isinstance(data, dict):
            raise self.error("", "harus berupa pemetaan (kunci: nilai)")
        self.data: dict[str, Any] = data

    def key(self, name: str) -> str:
        return f"{self.path}.{name}" if self.path and name else (name or self.path)

    def error(self, name: str, problem: str) -> DefinitionError:
        return DefinitionError(self.file, self.key(name), problem)

    def reject_unknown(self, allowed: set[str]) -> None:
        for name in self.data:
            if name not in allowed:
                raise self.error(str(name), "kunci tidak dikenal (salah ketik?); yang dikenal: "
                                 + ", ".join(sorted(allowed)))

    def text(self, name: str, default: str | None = None) -> str:
        value = self.data.get(name, default)
        if value is None:
            raise self.error(name, "wajib diisi")
        if not isinstance(value, str | int | float) or isinstance(value, bool):
            raise self.error(name, "harus berupa teks")
        value = str(value).strip()
        if not value and default is None:
            raise self.error(name, "tidak boleh kosong")
        return value

    def ident(self, name: str) -> str:
        value = self.text(name)
        if not _KEY.match(value):
            raise self.error(name, f"kode {value!r} tidak valid: huruf kecil, angka dan garis "
                             "bawah, diawali huruf, paling panjang 24 karakter")
        return value

    def flag(self, name: str, default: bool = False) -> bool:
        value = self.data.get(name, default)
        if not isinstance(value, bool):
            raise self.error(name, "harus true atau false")
        return value

    def items(self, name: str, *, required: bool) -> list[Any]:
        value = self.data.get(name)
        if value is None and not required:
            return []
        if not isinstance(value, list):
            raise self.error(name, "harus berupa daftar")
        if required and not value:
            raise self.error(name, "tidak boleh kosong")
        return value

    def duration(self, name: str, *, required: bool = True) -> TimeStandard | None:
        if name not in self.data and not required:
            return None
        if name not in self.data:
            raise self.error(name, "wajib diisi, misalnya \"10 menit\"")
        try:
            return parse_time_standard(self.data[name])
        except ValueError as exc:
            raise self.error(name, str(exc)) from None


def _role(node: _Node, name: str, value: object) -> str:
    if value not in ROLES:
        raise node.error(name, f"peran {value!r} tidak dikenal; gunakan salah satu dari "
                         + ", ".join(ROLES))
    return str(value)


def _submitters(node: _Node) -> frozenset[str] | None:
    raw = node.data.get("pemohon", "semua")
    if raw == "semua":
        return None
    if not isinstance(raw, list) or not raw:
        raise node.error("pemohon", "isi \"semua\" atau daftar peran, misalnya [pegawai, admin]")
    return frozenset(_role(node, f"pemohon[{i}]", r) for i, r in enumerate(raw))


def _actor(step: _Node) -> ActorRef:
    raw = step.data.get("pelaksana")
    if raw == ATASAN_LANGSUNG:
        return ActorRef(ATASAN_LANGSUNG)
    hint = "isi atasan_langsung, {peran: <peran>} atau {nip: \"<18 digit>\"}"
    if raw is None:
        raise step.error("pelaksana", f"wajib diisi; {hint}")
    if not isinstance(raw, dict) or len(raw) != 1:
        raise step.error("pelaksana", f"tidak dikenal {raw!r}; {hint}")
    (kind, value), = raw.items()
    if kind == PERAN:
        return ActorRef(PERAN, _role(step, "pelaksana.peran", value))
    if kind == NIP:
        nip = str(value)
        problem = nip_problem(nip)
        if problem:
            raise step.error("pelaksana.nip", f"{problem} ({nip!r})")
        return ActorRef(NIP, nip)
    raise step.error(f"pelaksana.{kind}", f"jenis pelaksana tidak dikenal; {hint}")


def _actions(step: _Node) -> tuple[str, ...]:
    raw = step.items("aksi", required=True)
    known = (*ACTIONS, *approval_chain.CUTI_ACTIONS)
    for i, action in enumerate(raw):
        if action not in known:
            raise step.error(f"aksi[{i}]", f"aksi {action!r} tidak dikenal; gunakan "
                             + ", ".join(known))
    if len(set(raw)) != len(raw):
        raise step.error("aksi", "ada aksi yang tertulis dua kali")
    if not (MOVING_ACTIONS | set(approval_chain.PERTIMBANGAN)) & set(raw):
        raise step.error("aksi", "langkah harus memiliki aksi teruskan atau setujui, "
                         "agar berkas dapat selesai")
    return tuple(raw)


def _step(file: str, raw: Any, index: int) -> Step:
    node = _Node(file, raw, f"langkah[{index}]")
    node.reject_unknown(_STEP_KEYS)
    time_standard = node.duration("waktu")
    assert time_standard is not None
    chain_step = ChainStep(key=node.ident("kode"), title=node.text("jabatan"),
                           actor=_actor(node), actions=_actions(node))
    return Step(
        chain_step=chain_step,
        activity=node.text("kegiatan"),
        time_standard=time_standard,
        output=node.text("output"),
        assigns_agenda=node.flag("penomoran"),
        requires_note=node.flag("catatan_wajib"),
        skip_if_unresolved=node.flag("lewati_bila_kosong"),
    )


def _document(file: str, raw: Any, index: int) -> Document:
    node = _Node(file, raw, f"kelengkapan[{index}]")
    node.reject_unknown(_DOCUMENT_KEYS)
    types = node.data.get("jenis", ["pdf"])
    if not isinstance(types, list) or not types:
        raise node.error("jenis", "harus berupa daftar jenis berkas, misalnya [pdf, jpg]")
    for i, kind in enumerate(types):
        if kind not in FILE_TYPES:
            raise node.error(f"jenis[{i}]", f"jenis berkas {kind!r} tidak dikenal; gunakan "
                             + ", ".join(FILE_TYPES))
    size = node.data.get("maks_mb", 5)
    if not isinstance(size, int | float) or isinstance(size, bool) or not 0 < size <= \
            MAX_DOCUMENT_MB:
        raise node.error("maks_mb", f"harus berupa angka lebih dari 0 dan paling besar "
                         f"{MAX_DOCUMENT_MB}")
    return Document(key=node.ident("kode"), name=node.text("nama"), types=tuple(types),
                    max_bytes=int(size * 1024 * 1024))


def _unique(file: str, what: str, keys: Iterable[str]) -> None:
    seen: set[str] = set()
    for i, key in enumerate(keys):
        if key in seen:
            raise DefinitionError(file, f"{what}[{i}].kode", f"kode {key!r} dipakai dua kali")
        seen.add(key)


def _check_cuti_answers(node: _Node, raw_steps: list[Any], request_types: list[Any]) -> None:
    """The cuti form's answers: only on a chain that serves cuti alone; a step either gives
    the atasan's pertimbangan (all four answers, never the last step: it passes the request
    on) or decides (setujui, with any of the pejabat's other answers)."""
    cuti_only = all((kind := request_type(t)) is not None and kind.is_cuti
                    for t in request_types)
    last = len(raw_steps) - 1
    for index, raw in enumerate(raw_steps):
        step = _Node(node.file, raw, f"langkah[{index}]")
        actions = set(step.data["aksi"])
        answers = actions & set(approval_chain.CUTI_ACTIONS)
        if not answers:
            continue
        if not cuti_only:
            raise step.error("aksi", "jawaban " + ", ".join(sorted(answers)) + " hanya untuk "
                             "rantai yang melayani cuti saja")
        considers = actions & set(approval_chain.PERTIMBANGAN)
        if considers and (considers != set(approval_chain.PERTIMBANGAN)
                          or actions & set(approval_chain.KEPUTUSAN)
                          or approval_chain.TOLAK in actions):
            raise step.error("aksi", "langkah pertimbangan memuat keempat jawaban "
                             + ", ".join(approval_chain.PERTIMBANGAN)
                             + " (boleh ditambah kembalikan), tanpa jawaban keputusan")
        if considers and index == last:
            raise step.error("aksi", "pertimbangan meneruskan permohonan, sehingga tidak dapat "
                             "menjadi langkah terakhir; langkah terakhir memutuskan (setujui)")


def _check_request_chain(node: _Node) -> None:
    """What a "permohonan" definition may say beyond the common shape: only the requests
    feature's actions (it has no teruskan; setujui is what moves a request on, or for cuti
    the atasan's pertimbangan)."""
    for name, reason in _LAYANAN_ONLY_KEYS.items():
        if name in node.data:
            raise node.error(name, f"hanya untuk jenis: layanan; {reason}")
    for index, raw in enumerate(node.data["langkah"]):
        step = _Node(node.file, raw, f"langkah[{index}]")
        for name, reason in _LAYANAN_ONLY_STEP_KEYS.items():
            if name in step.data:
                raise step.error(name, f"hanya untuk jenis: layanan; {reason}")
        actions = step.data["aksi"]
        for i, action in enumerate(actions):
            if action not in approval_chain.REQUEST_ACTIONS:
                raise step.error(f"aksi[{i}]", f"aksi {action!r} tidak berlaku untuk "
                                 "permohonan; gunakan "
                                 + ", ".join(approval_chain.REQUEST_ACTIONS))
        if (approval_chain.SETUJUI not in actions
                and not set(approval_chain.PERTIMBANGAN) & set(actions)):
            raise step.error("aksi", "langkah permohonan wajib memuat setujui (atau, pada "
                             "cuti, pertimbangan atasan langsung)")


def _check_recap_chain(node: _Node, steps: tuple[Step, ...]) -> None:
    """The recap chain fills the document's boxes: Kasubbag and Sekretaris initial, the Kepala
    signs, in that order."""
    for name in ("kelengkapan", "jenis_permohonan", "format_agenda", "buku_agenda"):
        if name in node.data:
            raise node.error(name, "tidak berlaku untuk jenis: rekap (nomor agenda rekapitulasi "
                             "diatur di [recap] presensi.toml)")
    roles = [s.actor.value if s.actor.kind == PERAN else "" for s in steps]
    for index, (step, role) in enumerate(zip(steps, roles, strict=True)):
        if role not in RECAP_ROLES or step.key != role:
            raise node.error(f"langkah[{index}]", "langkah rekapitulasi berkode dan berpelaksana "
                             "peran yang sama: " + ", ".join(RECAP_ROLES))
        if "teruskan" in step.actions or "tolak" in step.actions:
            raise node.error(f"langkah[{index}].aksi", "rekapitulasi hanya setujui dan "
                             "kembalikan")
    if tuple(roles) != RECAP_ROLES:
        raise node.error("langkah", "urutan: kasubbag, sekretaris, lalu kepala yang "
                         "menandatangani")


def parse_workflow(file: str, data: Any) -> tuple[Workflow, bool]:
    """One definition from its parsed YAML; returns it and whether it is active."""
    node = _Node(file, data, "")
    node.reject_unknown(_WORKFLOW_KEYS)
    key = node.ident("kode")
    kind = node.text("jenis", "layanan")
    if kind not in KINDS:
        raise node.error("jenis", f"jenis {kind!r} tidak dikenal; gunakan " + ", ".join(KINDS))
    steps = tuple(_step(file, raw, i) for i, raw in enumerate(node.items("langkah",
                                                                           required=True)))
    _unique(file, "langkah", (s.key for s in steps))
    if sum(s.assigns_agenda for s in steps) > 1:
        raise node.error("langkah", "penomoran agenda hanya boleh pada satu langkah")
    documents = tuple(_document(file, raw, i) for i, raw in enumerate(
        node.items("kelengkapan", required=kind == "layanan")))
    _unique(file, "kelengkapan", (d.key for d in documents))
    if kind == "rekap":
        _check_recap_chain(node, steps)
    request_types: tuple[str, ...] = ()
    if kind != "permohonan":
        for index, step in enumerate(steps):
            if answers := set(step.actions) & set(approval_chain.CUTI_ACTIONS):
                raise node.error(f"langkah[{index}].aksi", "jawaban " + ", ".join(sorted(
                    answers)) + " hanya untuk jenis: permohonan (cuti)")
    if kind == "permohonan":
        _check_request_chain(node)
        raw_types = node.items("jenis_permohonan", required=True)
        for i, name in enumerate(raw_types):
            if name not in TYPE_KEYS:
                raise node.error(f"jenis_permohonan[{i}]", f"jenis permohonan {name!r} tidak "
                                 "dikenal; gunakan " + ", ".join(TYPE_KEYS))
        if len(set(raw_types)) != len(raw_types):
            raise node.error("jenis_permohonan", "ada jenis permohonan yang tertulis dua kali")
        request_types = tuple(raw_types)
        _check_cuti_answers(node, node.data["langkah"], raw_types)
    elif "jenis_permohonan" in node.data:
        raise node.error("jenis_permohonan", "hanya untuk definisi dengan jenis: permohonan")
    agenda_format = node.text("format_agenda", "")
    if agenda_format and (problem := agenda.format_problem(agenda_format)):
        raise node.error("format_agenda", problem)
    if any(s.assigns_agenda for s in steps) and not agenda_format:
        raise node.error("format_agenda", "wajib diisi bila ada langkah dengan penomoran, "
                         "misalnya \"800/{seq}/{unit}/{year}\"")
    return_rule = node.text("kembalikan_ke", TO_APPLICANT)
    if return_rule not in RETURN_RULES:
        raise node.error("kembalikan_ke", f"{return_rule!r} tidak dikenal; gunakan "
                         + " atau ".join(RETURN_RULES))
    outcome = node.text("hasil", "") or None
    if outcome is not None and outcome not in OUTCOMES:
        raise node.error("hasil", f"{outcome!r} tidak dikenal; gunakan " + ", ".join(OUTCOMES))
    if outcome is not None and kind != "layanan":
        raise node.error("hasil", "hanya untuk definisi dengan jenis: layanan")
    workflow = Workflow(
        key=key, name=node.text("nama"), description=node.text("keterangan", ""),
        source=file, kind=kind, submitters=_submitters(node), documents=documents,
        steps=steps, submit_time_standard=node.duration("waktu_pengajuan", required=False),
        agenda_format=agenda_format,
        agenda_register=node.ident("buku_agenda") if "buku_agenda" in node.data
        else "surat_keluar",
        request_types=request_types, return_rule=return_rule, outcome=outcome,
    )
    return workflow, node.flag("aktif", True)


def _read(path: Path, label: str) -> tuple[Workflow, bool]:
    import yaml  # only when definitions are read: `presensi --help` never does

    # libyaml's loader when PyYAML was built with it: the pure-Python one spends a quarter of
    # a second on the bundled SOPs, at the start of every command.
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        text = path.read_text("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise DefinitionError(label, "", f"tidak dapat dibaca: {exc}") from None
    try:
        data = yaml.load(text, Loader=loader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" (baris {mark.line + 1})" if mark is not None else ""
        raise DefinitionError(label, "", f"bukan YAML yang valid{where}") from None
    return parse_workflow(label, data)


def _folder(folder: Path, label_prefix: str) -> dict[str, tuple[Workflow, bool]]:
    found: dict[str, tuple[Workflow, bool]] = {}
    paths = sorted([*folder.glob("*.yaml"), *folder.glob("*.yml")])
    for path in paths:
        label = f"{label_prefix}{path.name}"
        workflow, active = _read(path, label)
        if workflow.key in found:
            raise DefinitionError(label, "kode", f"kode {workflow.key!r} sudah dipakai oleh "
                                  f"{found[workflow.key][0].source}")
        found[workflow.key] = (workflow, active)
    return found


def shipped_folder() -> Path:
    return Path(str(resources.files("services.workflows") / "definitions"))


def _check_request_coverage(shipped: dict[str, tuple[Workflow, bool]],
                            merged: dict[str, tuple[Workflow, bool]]) -> None:
    """Every request type has exactly one active chain: /izin takes its approvers from here."""
    served: dict[str, Workflow] = {}
    for workflow, active in merged.values():
        if not active:
            continue
        for i, type_key in enumerate(workflow.request_types):
            if type_key in served:
                raise DefinitionError(workflow.source, f"jenis_permohonan[{i}]",
                                      f"jenis permohonan {type_key!r} sudah dilayani oleh "
                                      f"{served[type_key].source}")
            served[type_key] = workflow
    recap_chains = [w for w, active in merged.values() if active and w.kind == "rekap"]
    if len(recap_chains) != 1:
        culprit = recap_chains[1] if recap_chains else merged["rekap_kehadiran"][0]
        raise DefinitionError(culprit.source, "jenis", "harus ada tepat satu definisi aktif "
                              "dengan jenis: rekap (rantai paraf rekapitulasi /rekap)")
    for type_key in TYPE_KEYS:
        if type_key in served:
            continue
        # The file to blame is the one that replaced or withdrew the shipped chain for it.
        home = next(w.key for w, _ in shipped.values() if type_key in w.request_types)
        culprit = merged[home][0]
        raise DefinitionError(culprit.source, "jenis_permohonan",
                              f"jenis permohonan {type_key!r} tidak dilayani definisi aktif "
                              f"mana pun; /izin memerlukan rantai persetujuannya (bawaan: "
                              f"{home}, jenis: permohonan)")


def load_catalogue(office_folder: Path | None = None) -> Catalogue:
    """The shipped definitions overlaid with the office's own folder."""
    shipped = _folder(shipped_folder(), "definisi bawaan ")
    merged = dict(shipped)
    if office_folder is not None:
        if not office_folder.is_dir():
            raise DefinitionError(str(office_folder), "", "folder definisi layanan tidak ada")
        merged.update(_folder(office_folder, f"{office_folder}/"))
    _check_request_coverage(shipped, merged)
    return Catalogue(tuple(w for w, active in merged.values() if active))
