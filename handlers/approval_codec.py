"""The one callback codec of approval buttons: requests, SOP files and recaps.

callback_data (≤ 64 bytes, matched by anchored, bounded patterns; the state lives in SQLite
and every tap is re-checked there):
  req:ok|no|ret:<id>:<position>:<round>   a request's step (Setujui / Tolak / Kembalikan)
  req:<answer>:<id>:<position>:<round>     a cuti's answers: pok|pch|ppo|pno (the atasan's
                                           pertimbangan), chg|pst|tds (perubahan, tangguhkan,
                                           tidak disetujui)
  req:chd|che|chm:<id>:<position>:<round>:… the pejabat's perubahan dates (day, last day, month)
  req:pod|pom:<id>:<position>:<round>:…     the first day a postponed cuti may be taken
  req:chy|chn:<id>[:h]                     the applicant accepts (Terima) / withdraws (Tarik),
                                           on the card or on /riwayat (:h)
  wf:a:<id>:<version>:<t|s|x|k>           an SOP file's step (teruskan/setujui/tolak/kembalikan)
  rkp:sub|ok|ret:<id>:<rev>               the recap: submit, paraf or sign, return one step
  usl:sk:<request id>                     an usulan waiting for its SK: start recording it
  usl:h:<request id>:<ok|ch|no>           the SK's result (disetujui / perubahan / tidak)
  usl:ok|x:<draft id>                     save or drop the SK typed so far
These are the prefixes every card in chat already carries, so every old button still decodes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

REQUEST = "request"
WORKFLOW_FILE = "workflow_file"
RECAP = "recap"

REQUEST_APPROVE = r"^req:(ok|pok):(\d{1,10}):(\d{1,2}):(\d{1,5})$"
REQUEST_WITH_REASON = r"^req:(no|ret|pch|ppo|pno|tds):(\d{1,10}):(\d{1,2}):(\d{1,5})$"
REQUEST_CHANGE = r"^req:chg:(\d{1,10}):(\d{1,2}):(\d{1,5})$"
REQUEST_POSTPONE = r"^req:pst:(\d{1,10}):(\d{1,2}):(\d{1,5})$"
_STEP = r"(\d{1,10}):(\d{1,2}):(\d{1,5})"
CHANGE_DAY = rf"^req:chd:{_STEP}:(\d{{8}})$"
CHANGE_LAST_DAY = rf"^req:che:{_STEP}:(\d{{8}}):(\d{{8}})$"
CHANGE_MONTH = rf"^req:chm:{_STEP}:(\d{{6}})(?::(\d{{8}}))?$"
POSTPONE_DAY = rf"^req:pod:{_STEP}:(\d{{8}})$"
POSTPONE_MONTH = rf"^req:pom:{_STEP}:(\d{{6}})$"
# ":h": tapped on /riwayat, which is redrawn after the answer.
CHANGE_ACCEPT = r"^req:chy:(\d{1,10})(:h)?$"
CHANGE_WITHDRAW = r"^req:chn:(\d{1,10})(:h)?$"
FILE_ACTION = r"^wf:a:(\d{1,10}):(\d{1,10}):([tsxk])$"
RECAP_DECIDE = r"^rkp:(sub|ok):(\d{1,9}):(\d{1,9})$"
RECAP_RETURN = r"^rkp:ret:(\d{1,9}):(\d{1,9})$"

USULAN_RECORD = r"^usl:sk:(\d{1,10})$"
USULAN_RESULT = r"^usl:h:(\d{1,10}):(ok|ch|no)$"
USULAN_SAVE = r"^usl:ok:(\d{1,10})$"
USULAN_DROP = r"^usl:x:(\d{1,10})$"
USULAN_ANY = r"^usl:"
USULAN_RESULTS = {"ok": "disetujui", "ch": "perubahan", "no": "tidak_disetujui"}
_USULAN_RESULT_CODE = {r: c for c, r in USULAN_RESULTS.items()}

_REQUEST = re.compile(
    r"^req:(ok|no|ret|pok|pch|ppo|pno|chg|pst|tds):(\d{1,10}):(\d{1,2}):(\d{1,5})$")
_FILE = re.compile(FILE_ACTION)
_RECAP = re.compile(r"^rkp:(sub|ok|ret):(\d{1,9}):(\d{1,9})$")

REQUEST_CODES = {"ok": "setujui", "no": "tolak", "ret": "kembalikan",
                 "pok": "pertimbangan_setuju", "pch": "pertimbangan_perubahan",
                 "ppo": "pertimbangan_tangguhkan", "pno": "pertimbangan_tidak",
                 "chg": "perubahan", "pst": "tangguhkan", "tds": "tidak_disetujui"}
FILE_CODES = {"t": "teruskan", "s": "setujui", "x": "tolak", "k": "kembalikan"}
RECAP_CODES = {"sub": "ajukan", "ok": "setujui", "ret": "kembalikan"}
_REQUEST_CODE = {a: c for c, a in REQUEST_CODES.items()}
_FILE_CODE = {a: c for c, a in FILE_CODES.items()}
_RECAP_CODE = {a: c for c, a in RECAP_CODES.items()}


@dataclass(frozen=True)
class Tap:
    """A decoded approval button: which subject, which action, and the token that makes an
    old button stale (position and round, a file's version, a recap's rev)."""

    kind: str
    ref_id: int
    action: str
    position: int = 0
    round: int = 0
    version: int = 0

    @property
    def token(self) -> str:
        if self.kind == REQUEST:
            return f"{self.position}:{self.round}"
        return str(self.version)


def decode(data: str) -> Tap | None:
    if match := _REQUEST.match(data):
        return Tap(REQUEST, int(match[2]), REQUEST_CODES[match[1]], position=int(match[3]),
                   round=int(match[4]))
    if match := _FILE.match(data):
        return Tap(WORKFLOW_FILE, int(match[1]), FILE_CODES[match[3]], version=int(match[2]))
    if match := _RECAP.match(data):
        return Tap(RECAP, int(match[2]), RECAP_CODES[match[1]], version=int(match[3]))
    return None


def request_button(action: str, request_id: int, position: int, round_: int) -> str:
    return f"req:{_REQUEST_CODE[action]}:{request_id}:{position}:{round_}"


def file_button(action: str, file_id: int, version: int) -> str:
    return f"wf:a:{file_id}:{version}:{_FILE_CODE[action]}"


def recap_button(action: str, recap_id: int, rev: int) -> str:
    return f"rkp:{_RECAP_CODE[action]}:{recap_id}:{rev}"


def request_token(token: str) -> tuple[int, int]:
    """(position, round) from a request prompt's token (a perubahan's carries its dates
    after them)."""
    position, round_ = token.split(":")[:2]
    return int(position), int(round_)


def usulan_record_button(request_id: int) -> str:
    return f"usl:sk:{request_id}"


def usulan_result_button(request_id: int, result: str) -> str:
    return f"usl:h:{request_id}:{_USULAN_RESULT_CODE[result]}"


def usulan_save_button(draft_id: int) -> str:
    return f"usl:ok:{draft_id}"


def usulan_drop_button(draft_id: int) -> str:
    return f"usl:x:{draft_id}"


def _step(request_id: int, position: int, round_: int) -> str:
    return f"{request_id}:{position}:{round_}"


def change_day_button(request_id: int, position: int, round_: int, day: str) -> str:
    return f"req:chd:{_step(request_id, position, round_)}:{day}"


def change_last_day_button(request_id: int, position: int, round_: int, start: str,
                           day: str) -> str:
    return f"req:che:{_step(request_id, position, round_)}:{start}:{day}"


def change_month_button(request_id: int, position: int, round_: int, month: str,
                        start: str | None) -> str:
    tail = f":{start}" if start else ""
    return f"req:chm:{_step(request_id, position, round_)}:{month}{tail}"


def postpone_day_button(request_id: int, position: int, round_: int, day: str) -> str:
    return f"req:pod:{_step(request_id, position, round_)}:{day}"


def postpone_month_button(request_id: int, position: int, round_: int, month: str) -> str:
    return f"req:pom:{_step(request_id, position, round_)}:{month}"


def change_reply_button(request_id: int, *, accept: bool, from_history: bool = False) -> str:
    return f"req:{'chy' if accept else 'chn'}:{request_id}{':h' if from_history else ''}"
