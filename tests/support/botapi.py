"""A recording Bot API: a `BaseRequest` that answers like Telegram and logs every call.

It keeps the messages it has "sent" so edits can be checked the way Telegram checks them
(unknown message, "message is not modified"), enforces the limits that bite in production
(text length, callback_data ≤ 64 bytes) and can be told to fail for a chat the way Telegram
fails (bot blocked: 403; flood: 429 with retry_after).
"""

from __future__ import annotations

import asyncio
import html
import itertools
import json
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from telegram.request import BaseRequest, RequestData

BOT_ID = 7_000_000_001
BOT_USER = {"id": BOT_ID, "is_bot": True, "first_name": "Presensi", "username": "presensi_bot",
            "can_join_groups": False, "can_read_all_group_messages": False,
            "supports_inline_queries": False}

_SEND_METHODS = {"sendMessage", "sendDocument", "sendPhoto", "sendVideo", "sendMediaGroup"}
_TRUE_METHODS = {"answerCallbackQuery", "setMyCommands", "deleteMyCommands", "deleteMessage",
                 "setChatMenuButton", "sendChatAction", "deleteWebhook", "setWebhook",
                 "close", "logOut"}
MAX_TEXT = 4096
MAX_CAPTION = 1024
MAX_CALLBACK_DATA = 64


@dataclass
class ApiCall:
    method: str
    params: dict[str, Any]
    files: dict[str, bytes] = field(default_factory=dict)
    result: Any = None
    file_names: dict[str, str] = field(default_factory=dict)  # multipart upload names

    @property
    def message_id(self) -> int:
        assert isinstance(self.result, dict), f"{self.method} returned no message"
        return int(self.result["message_id"])

    @property
    def chat_id(self) -> int | None:
        value = self.params.get("chat_id")
        return int(value) if value is not None else None

    @property
    def text(self) -> str:
        return str(self.params.get("text") or self.params.get("caption") or "")

    @property
    def buttons(self) -> list[dict[str, Any]]:
        markup = self.params.get("reply_markup") or {}
        if isinstance(markup, str):
            markup = json.loads(markup)
        return [b for row in markup.get("inline_keyboard", []) for b in row]

    def button(self, text_part: str) -> dict[str, Any]:
        for candidate in self.buttons:
            if text_part in candidate["text"]:
                return candidate
        raise AssertionError(f"no button containing {text_part!r} in {self.buttons}")


class Hold:
    def __init__(self) -> None:
        self._event = asyncio.Event()
        self.waiting = False

    async def wait(self) -> None:
        self.waiting = True
        await self._event.wait()

    def release(self) -> None:
        self._event.set()


class _Failure:
    def __init__(self, code: int, description: str, times: int | None,
                 parameters: dict[str, Any] | None = None) -> None:
        self.code = code
        self.description = description
        self.times = times
        self.parameters = parameters


class RecordingRequest(BaseRequest):
    def __init__(self) -> None:
        self.calls: list[ApiCall] = []
        self.messages: dict[tuple[int, int], dict[str, Any]] = {}
        self.files: dict[str, bytes] = {}
        self.file_kinds: dict[str, str] = {}      # file_id -> "document" | "photo" | "video"
        self._answered_queries: set[str] = set()
        self._message_ids = itertools.count(1)
        self._file_ids = itertools.count(1)
        self._failures: dict[int, _Failure] = {}
        self._pending_updates: list[dict[str, Any]] = []
        self._update_ids = 0
        self._call_failures: list[tuple[Callable[[ApiCall], bool], _Failure]] = []
        self._holds: list[tuple[Callable[[ApiCall], bool], asyncio.Event]] = []
        self._before: list[tuple[Callable[[ApiCall], bool], Hold]] = []

    # --- controls for tests -------------------------------------------------------------
    def block(self, chat_id: int) -> None:
        """From now on, sending to chat_id fails as if the user blocked the bot."""
        self._failures[chat_id] = _Failure(403, "Forbidden: bot was blocked by the user", None)

    def fail_with(self, chat_id: int, code: int, description: str, times: int = 1) -> None:
        """The next `times` calls for chat_id fail with this Bot API error (e.g. 400
        "Bad Request: chat not found")."""
        self._failures[chat_id] = _Failure(code, description, times)

    def flood(self, chat_id: int, retry_after: int = 1, times: int = 1) -> None:
        self._failures[chat_id] = _Failure(429, f"Too Many Requests: retry after {retry_after}",
                                           times, {"retry_after": retry_after})

    def fail_calls(self, code: int, description: str, *, method: str | None = None,
                   chat_id: int | None = None, times: int = 1,
                   retry_after: int | None = None) -> None:
        """The next `times` calls matching method/chat_id fail with this answer: e.g. 500
        "Internal Server Error", 429 with retry_after, 403 "Forbidden: ..."."""
        def matches(call: ApiCall) -> bool:
            return ((method is None or call.method == method)
                    and (chat_id is None or call.chat_id == chat_id))
        parameters = {"retry_after": retry_after} if retry_after is not None else None
        self._call_failures.append((matches, _Failure(code, description, times, parameters)))

    def stop_failing(self) -> None:
        """Forget every planned failure (fail_calls, fail_with, flood, block)."""
        self._call_failures.clear()
        self._failures.clear()

    def hold_before_answer(self, method: str, chat_id: int) -> Hold:
        """The next matching call hangs before Telegram sees it (until released): the process
        is killed between the commit and the send."""
        hold = Hold()
        self._before.append((lambda c: c.method == method and c.chat_id == chat_id, hold))
        return hold

    def hold_after_answer(self, method: str, chat_id: int) -> asyncio.Event:
        """Answer the next matching call, then never return the answer to the bot until the
        event is set: a process killed after Telegram delivered but before it heard back."""
        event = asyncio.Event()
        self._holds.append((lambda c: c.method == method and c.chat_id == chat_id, event))
        return event

    def add_file(self, content: bytes, *, name: str = "file", kind: str = "document") -> str:
        """A file Telegram holds; `kind` is what it was sent as (a file id only works with the
        method of its kind)."""
        file_id = f"upload-{next(self._file_ids)}-{name}"
        self.files[file_id] = content
        self.file_kinds[file_id] = kind
        return file_id

    def clear(self) -> None:
        self.calls.clear()

    # --- queries for assertions ---------------------------------------------------------
    def sent(self, method: str | None = None, chat_id: int | None = None) -> list[ApiCall]:
        return [c for c in self.calls
                if (method is None or c.method == method)
                and (chat_id is None or c.chat_id == chat_id)]

    def sent_to(self, chat_id: int) -> list[ApiCall]:
        return [c for c in self.calls if c.method in _SEND_METHODS and c.chat_id == chat_id]

    def last_to(self, chat_id: int) -> ApiCall:
        sent = self.sent_to(chat_id)
        assert sent, f"nothing was sent to {chat_id}"
        return sent[-1]

    def message(self, chat_id: int, message_id: int) -> dict[str, Any]:
        return self.messages[(chat_id, message_id)]

    # --- BaseRequest ---------------------------------------------------------------------
    async def initialize(self) -> None:
        return None

    async def shutdown(self) -> None:
        return None

    @property
    def read_timeout(self) -> float | None:
        return 1.0

    async def do_request(self, url: str, method: str, request_data: RequestData | None = None,
                         read_timeout: Any = None, write_timeout: Any = None,
                         connect_timeout: Any = None, pool_timeout: Any = None
                         ) -> tuple[int, bytes]:
        if "/file/bot" in url:
            file_path = url.split("/file/bot", 1)[1].split("/", 1)[1]
            content = self.files.get(file_path.rsplit("/", 1)[-1])
            if content is None:
                return 404, b"Not Found"
            return 200, content
        api_method = url.rsplit("/", 1)[-1]
        params = dict(request_data.parameters) if request_data else {}
        files: dict[str, bytes] = {}
        file_names: dict[str, str] = {}
        if request_data is not None and request_data.contains_files:
            for name, value in request_data.multipart_data.items():
                content = value[1] if isinstance(value, tuple) else value
                files[name] = content if isinstance(content, bytes) else bytes(content)
                if isinstance(value, tuple) and value[0]:
                    file_names[name] = str(value[0])
        call = ApiCall(api_method, params, files, file_names=file_names)
        for index, (matches, hold) in enumerate(self._before):
            if matches(call):
                del self._before[index]
                await hold.wait()
                # Released after the process "died": this call never reached Telegram.
                return 500, b'{"ok": false, "error_code": 500, "description": "killed"}'
        answer = self.handle(call)
        for index, (matches, event) in enumerate(self._holds):
            if matches(call):
                del self._holds[index]
                await event.wait()
                break
        return answer

    def handle(self, call: ApiCall) -> tuple[int, bytes]:
        """Record one Bot API call and answer it as Telegram would: (HTTP status, JSON body).
        Also used by tests that serve this API over real HTTP."""
        self.calls.append(call)
        try:
            result = self._answer(call)
        except _ApiError as error:
            body: dict[str, Any] = {"ok": False, "error_code": error.code,
                                    "description": error.description}
            if error.parameters:
                body["parameters"] = error.parameters
            return error.code, json.dumps(body).encode()
        call.result = result
        return 200, json.dumps({"ok": True, "result": result}).encode()

    def queue_update(self, update: dict[str, Any]) -> None:
        """Deliver an update through getUpdates, as a polling bot receives it."""
        self._update_ids += 1
        self._pending_updates.append({"update_id": self._update_ids, **update})

    # --- Telegram's behaviour ------------------------------------------------------------
    def _answer(self, call: ApiCall) -> Any:
        method, params = call.method, call.params
        chat_id = call.chat_id
        for index, (matches, planned) in enumerate(self._call_failures):
            if matches(call):
                assert planned.times is not None
                planned.times -= 1
                if planned.times <= 0:
                    del self._call_failures[index]
                raise _ApiError(planned.code, planned.description, planned.parameters)
        if chat_id is not None and chat_id in self._failures:
            failure = self._failures[chat_id]
            if failure.times is not None:
                failure.times -= 1
                if failure.times <= 0:
                    del self._failures[chat_id]
            raise _ApiError(failure.code, failure.description, failure.parameters)
        if method == "getMe":
            return BOT_USER
        if method == "getUpdates":
            offset = int(params.get("offset") or 0)
            self._pending_updates = [u for u in self._pending_updates if u["update_id"] >= offset]
            return list(self._pending_updates)
        if method == "getWebhookInfo":
            return {"url": "", "has_custom_certificate": False, "pending_update_count": 0}
        if method in _TRUE_METHODS:
            if method == "answerCallbackQuery":
                query_id = str(params.get("callback_query_id"))
                if query_id in self._answered_queries:
                    raise _ApiError(400, "Bad Request: query is too old and response timeout "
                                         "expired or query ID is invalid")
                self._answered_queries.add(query_id)
                if len(str(params.get("text") or "")) > 200:
                    raise _ApiError(400, "Bad Request: MESSAGE_TOO_LONG")
            if method == "setMyCommands":
                for command in params.get("commands", []):
                    if not 1 <= len(command["command"]) <= 32 or not command["description"]:
                        raise _ApiError(400, "Bad Request: BOT_COMMAND_INVALID")
            return True
        _check_markup(params)
        if method == "sendMessage":
            return self._store(call, {"text": _text(params, MAX_TEXT)})
        if method in ("sendDocument", "sendPhoto", "sendVideo"):
            return self._store(call, self._media(call))
        if method in ("editMessageText", "editMessageReplyMarkup", "editMessageCaption"):
            return self._edit(call)
        if method == "getFile":
            file_id = str(params["file_id"])
            if file_id not in self.files:
                raise _ApiError(400, "Bad Request: invalid file_id")
            return {"file_id": file_id, "file_unique_id": f"u{abs(hash(file_id))}",
                    "file_size": len(self.files[file_id]), "file_path": f"documents/{file_id}"}
        raise _ApiError(404, "Not Found: method not found")

    def _store(self, call: ApiCall, content: dict[str, Any]) -> dict[str, Any]:
        chat_id = call.chat_id
        if chat_id is None:
            raise _ApiError(400, "Bad Request: chat_id is empty")
        message = {"message_id": next(self._message_ids), "date": int(time.time()),
                   "chat": {"id": chat_id, "type": "private" if chat_id > 0 else "group",
                            **({"first_name": "Pegawai"} if chat_id > 0 else {"title": "Admin"})},
                   "from": BOT_USER, **content}
        markup = _markup(call.params)
        if markup and "inline_keyboard" in markup:
            message["reply_markup"] = markup
        self.messages[(chat_id, message["message_id"])] = message
        return message

    def _media(self, call: ApiCall) -> dict[str, Any]:
        field_name = {"sendDocument": "document", "sendVideo": "video"}.get(call.method, "photo")
        value = call.params.get(field_name)
        content = call.files.get(field_name, b"")
        file_id = value if isinstance(value, str) and not value.startswith("attach://") else None
        if file_id is not None and self.file_kinds.get(file_id, field_name) != field_name:
            # e.g. a JPEG sent as a file (a document) forwarded with sendPhoto.
            raise _ApiError(400, "Bad Request: wrong file identifier/HTTP URL specified")
        if file_id is None:
            file_id = self.add_file(content, name=field_name, kind=field_name)
        size = len(self.files.get(file_id, b""))
        media: dict[str, Any] = {"file_id": file_id, "file_unique_id": f"u-{file_id}",
                                 "file_size": size}
        out: dict[str, Any] = {}
        if field_name == "document":
            # Telegram keeps the name the file was uploaded with.
            media["file_name"] = (call.params.get("filename") or call.file_names.get(field_name)
                                  or "dokumen.pdf")
            out["document"] = media
        elif field_name == "video":
            out["video"] = {**media, "width": 1280, "height": 720, "duration": 10}
        else:
            out["photo"] = [{**media, "width": 800, "height": 600}]
        if call.params.get("caption"):
            out["caption"] = _text(call.params, MAX_CAPTION, key="caption")
        return out

    def _edit(self, call: ApiCall) -> dict[str, Any] | bool:
        params = call.params
        if "inline_message_id" in params:
            return True
        key = (int(params["chat_id"]), int(params["message_id"]))
        if key not in self.messages:
            raise _ApiError(400, "Bad Request: message to edit not found")
        message = dict(self.messages[key])
        before = (message.get("text"), message.get("caption"), message.get("reply_markup"))
        if call.method == "editMessageText":
            message["text"] = _text(params, MAX_TEXT)
        elif call.method == "editMessageCaption":
            message["caption"] = _text(params, MAX_CAPTION, key="caption")
        markup = _markup(params)
        if markup and markup.get("inline_keyboard"):
            message["reply_markup"] = markup
        else:
            message.pop("reply_markup", None)
        if (message.get("text"), message.get("caption"), message.get("reply_markup")) == before:
            raise _ApiError(400, "Bad Request: message is not modified: specified new message "
                                 "content and reply markup are exactly the same as a current "
                                 "content and reply markup of the message")
        message["edit_date"] = int(time.time())
        self.messages[key] = message
        return message


class _ApiError(Exception):
    def __init__(self, code: int, description: str,
                 parameters: dict[str, Any] | None = None) -> None:
        super().__init__(description)
        self.code = code
        self.description = description
        self.parameters = parameters


def _markup(params: dict[str, Any]) -> dict[str, Any] | None:
    markup = params.get("reply_markup")
    if isinstance(markup, str):
        markup = json.loads(markup)
    return markup


def _check_markup(params: dict[str, Any]) -> None:
    markup = _markup(params) or {}
    for row in markup.get("inline_keyboard", []):
        for button in row:
            data = button.get("callback_data")
            if data is not None and not 1 <= len(data.encode()) <= MAX_CALLBACK_DATA:
                raise _ApiError(400, "Bad Request: BUTTON_DATA_INVALID")


# Telegram's HTML parse mode: these tags only, properly nested; every other "<" must be "&lt;".
_ALLOWED_TAGS = {"b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "span",
                 "tg-spoiler", "a", "code", "pre", "blockquote", "tg-emoji"}
_TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9-]*)"
                  r"((?:\s+[a-zA-Z-]+(?:=(?:\"[^\"]*\"|'[^']*'|[^\s>]*))?)*)\s*>")
_ENTITY = re.compile(r"&(#\d+|#x[0-9a-fA-F]+|[a-zA-Z]+);")
_NAMED = {"lt", "gt", "amp", "quot"}


def parse_html(text: str) -> str:
    """The text Telegram shows for `text` in HTML parse mode, or the 400 it answers."""
    stack: list[str] = []
    visible: list[str] = []
    at = 0
    while at < len(text):
        char = text[at]
        if char == "<":
            match = _TAG.match(text, at)
            offset = len(text[:at].encode())
            if match is None:
                raise _ApiError(400, "Bad Request: can't parse entities: Unsupported start tag "
                                     f"at byte offset {offset}")
            closing, name = match[1] == "/", match[2].lower()
            if name not in _ALLOWED_TAGS:
                raise _ApiError(400, "Bad Request: can't parse entities: Unsupported start tag "
                                     f"\"{name}\" at byte offset {offset}")
            if closing:
                if not stack or stack[-1] != name:
                    raise _ApiError(400, "Bad Request: can't parse entities: Unexpected end tag "
                                         f"at byte offset {offset}")
                stack.pop()
            else:
                stack.append(name)
            at = match.end()
            continue
        if char == "&":
            match = _ENTITY.match(text, at)
            if match is not None and (match[1].startswith("#") or match[1] in _NAMED):
                visible.append(html.unescape(match[0]))
                at = match.end()
                continue
            if match is not None:
                raise _ApiError(400, "Bad Request: can't parse entities: Unsupported HTML "
                                     f"entity \"{match[0]}\"")
        visible.append(char)  # a bare ">" or "&" is tolerated
        at += 1
    if stack:
        raise _ApiError(400, "Bad Request: can't parse entities: Can't find end tag "
                             f"corresponding to start tag \"{stack[-1]}\"")
    return "".join(visible)


def _text(params: dict[str, Any], limit: int, key: str = "text") -> str:
    text = str(params.get(key) or "")
    shown = parse_html(text) if str(params.get("parse_mode") or "").upper() == "HTML" else text
    if key == "text" and not shown.strip():
        raise _ApiError(400, "Bad Request: message text is empty")
    if len(shown.encode("utf-16-le")) // 2 > limit:
        what = "message" if key == "text" else "caption"
        raise _ApiError(400, f"Bad Request: {what} is too long")
    return text
