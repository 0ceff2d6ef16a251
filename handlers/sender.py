"""The one sender: delivers the outbox (services/outbox.py) at least once.

Each outbox row becomes one Bot API call, rendered at send time by the renderer registered for
its kind (`@renderer("request.card")`). The row is the idempotency key: it is claimed
('sending') before the call and marked 'sent' with the message id after it, so neither a second
sender pass nor a retry sends a delivered row again (see services/outbox.py for the crash
window and why we resend in it).

How Telegram's answers are treated:
- 429: the rate limiter already waited `retry_after` and retried; if it still fails, the row
  waits `retry_after` before the next attempt.
- 5xx and network errors: back off (5 s doubling to 10 minutes); after a few attempts the admin
  chat is told once; after two days the row is given up.
- 403 from the recipient's own private chat: the employee is marked as having blocked the bot.
  A 403 anywhere else (a group that removed the bot) blocks nobody: the row fails, admin told.
- 400: refused for good, admin told; an edit that changes nothing counts as delivered and an
  edit of a message that is gone is skipped.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
import warnings
from collections.abc import Awaitable, Callable, Hashable
from contextvars import ContextVar
from dataclasses import dataclass, replace
from typing import Any, TypeVar

from telegram import Bot, InlineKeyboardMarkup, Message, ReplyParameters
from telegram.constants import ParseMode
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TelegramError

from bot.context import AppServices
from handlers.html import fill
from handlers.texts import outbox as texts
from services import outbox
from services.outbox import Claimed, Notice

log = logging.getLogger(__name__)

MESSAGE = "message"
DOCUMENT = "document"
PHOTO = "photo"
VIDEO = "video"
EDIT = "edit"

BACKOFF_FIRST = dt.timedelta(seconds=5)
BACKOFF_MAX = dt.timedelta(minutes=10)
EDIT_WAIT = dt.timedelta(seconds=2)
ALERT_AFTER_ATTEMPTS = 4
GIVE_UP_AFTER = dt.timedelta(days=2)
PERIODIC_SECONDS = 15.0
# Rows answered by Telegram and waiting to be recorded as sent, recorded together at the end
# of a pass or once this many wait: one commit for a decision's messages instead of one each,
# and a crash re-sends at most this many (services/outbox.py, crash policy).
SENT_BATCH = 32

# How a row's delivery ended, for the rest of its lane.
_DONE = "done"
_WAITS = "waits"
_BLOCKED = "blocked"


@dataclass(frozen=True)
class Outgoing:
    """One rendered message. `text` is Telegram HTML (the caption for media). `file` is a
    Telegram file_id or the bytes to upload. `reply_to` quotes a message of the recipient's
    chat (sent anyway if it is gone)."""

    text: str = ""
    method: str = MESSAGE
    markup: InlineKeyboardMarkup | None = None
    file: str | bytes | None = None
    filename: str | None = None
    reply_to: int | None = None


Renderer = Callable[[AppServices, dict[str, Any]], Awaitable[Outgoing | None]]
RENDERERS: dict[str, Renderer] = {}

T = TypeVar("T")
# The reads shared by the rows of the sender pass running in this context.
_pass_reads: ContextVar[dict[Hashable, asyncio.Future[Any]] | None] = ContextVar(
    "outbox_pass_reads", default=None)


async def read_once(key: Hashable, read: Callable[[], Awaitable[T]]) -> T:
    """`read()`, made once for all the rows of one sender pass that ask under `key` (outside a
    pass: every time). One decision's rows are claimed together, so rendering them from one
    read of what they speak of (the request) shows them the same state."""
    reads = _pass_reads.get()
    if reads is None:
        return await read()
    found = reads.get(key)
    if found is None:
        found = reads[key] = asyncio.ensure_future(read())
        # Retrieved even when every row that asked was cancelled meanwhile.
        found.add_done_callback(lambda done: done.cancelled() or done.exception())
    result: T = await asyncio.shield(found)
    return result


def renderer(kind: str) -> Callable[[Renderer], Renderer]:
    """Register the renderer of a notice kind. Returning None means there is nothing left to
    say (the row is skipped)."""
    def register(function: Renderer) -> Renderer:
        if kind in RENDERERS and RENDERERS[kind] is not function:
            raise ValueError(f"two renderers for {kind}")
        RENDERERS[kind] = function
        return function
    return register


def media_method(attachment_kind: str) -> str:
    """The Bot API method an attachment needs: a file sent as a document (even a JPEG) goes
    back as a document, since Telegram refuses a document's file_id in sendPhoto."""
    return {"photo": PHOTO, "video": VIDEO}.get(attachment_kind, DOCUMENT)


class Sender:
    def __init__(self, bot: Bot, services: AppServices, *, admin_chat_id: int | None,
                 concurrency: int = 8, batch: int = 200) -> None:
        self._bot = bot
        self._services = services
        self._admin_chat_id = admin_chat_id
        self._concurrency = asyncio.Semaphore(concurrency)
        self._batch = batch
        self._lock = asyncio.Lock()
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._stopping = False
        self._kicks = 0
        # Set when a claim found nothing: the writer's data_version then and when the first row
        # waiting for a retry is due. Until a commit that writes notices, another connection's
        # commit or that time, there is nothing to claim and a pass costs no read.
        self._idle: tuple[int, dt.datetime | None] | None = None
        # The earliest retry the running pass set.
        self._retry_at: dt.datetime | None = None
        # Delivered rows of the running pass not yet recorded (see SENT_BATCH).
        self._sent: list[outbox.Sent] = []

    # --- lifecycle --------------------------------------------------------------------------
    async def start(self) -> None:
        recovered = await outbox.recover(self._services.db)
        if recovered:
            log.warning("outbox.recovered rows=%s", recovered)
        self._task = asyncio.create_task(self._run(), name="outbox.sender")
        self.kick()

    async def stop(self) -> None:
        # The flag as well as the cancel: Python 3.11's wait_for can swallow a cancellation
        # that arrives as the kick does.
        self._stopping = True
        self.kick()
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    def kick(self) -> None:
        """Wake the sender (called after every commit that wrote notices): due rows go out
        now."""
        self._kicks += 1
        self._idle = None
        self._wake.set()

    async def _run(self) -> None:
        pause = 0.0
        while not self._stopping:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), timeout=pause)
            self._wake.clear()
            if self._stopping:
                return
            pause = PERIODIC_SECONDS
            try:
                await self.flush()
                pause = await self._until_next_due()
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("outbox.pass_failed")

    async def _until_next_due(self) -> float:
        """Seconds until the next row waiting for a retry is due (at most the period), so a
        backoff or retry_after is honoured on time, not at the next periodic pass."""
        due = (self._idle[1] if self._idle is not None
               else await outbox.next_due(self._services.db))
        if due is None:
            return PERIODIC_SECONDS
        wait = (due - self._services.clock.now()).total_seconds()
        return min(max(wait, 0.05), PERIODIC_SECONDS)

    # --- delivery ---------------------------------------------------------------------------
    async def flush(self) -> int:
        """Deliver every row that is due now; returns how many rows were handled. Rows that
        must wait (backoff, retry_after) stay for a later pass."""
        handled = 0
        db = self._services.db
        async with self._lock:
            while True:
                # This pass sees every commit made so far: only a commit after this point needs
                # another pass (the sender's own commits do not wake it).
                self._wake.clear()
                kicks, version = self._kicks, db.data_version_now()
                if version is None:
                    # A long write runs in the writer's thread (the ladder's tally): asking
                    # would wait for it, and a chat request flushing with it. Only another
                    # process's commit could have changed the version; the next pass (the
                    # writer free, or the periodic one) sees that.
                    version = (self._idle[0] if self._idle is not None
                               else await db.data_version())
                now = self._services.clock.now()
                if self._nothing_due(version, now):
                    return handled
                claim = await outbox.claim_due(db, now=now, limit=self._batch)
                self._retry_at = None
                if claim.rows:
                    self._idle = None
                    lanes: dict[str, list[Claimed]] = {}
                    for row in claim.rows:
                        lanes.setdefault(row.lane, []).append(row)
                    reads = _pass_reads.set({})
                    try:
                        await asyncio.gather(*(self._lane(rows) for rows in lanes.values()))
                    finally:
                        _pass_reads.reset(reads)
                        # Also when the pass is cancelled (stop): what went out is recorded.
                        await self._record_sent()
                    handled += len(claim.rows)
                # The claim took every due row of its lanes; what is left waits for the time
                # the claim saw, or for a retry this pass set. A commit meanwhile (a kick, or
                # another connection's) or a full batch means looking again.
                due = min((d for d in (claim.next_due, self._retry_at) if d is not None),
                          default=None)
                if kicks == self._kicks and len(claim.rows) < self._batch:
                    self._idle = (version, due)
                if not claim.rows:
                    return handled

    def _nothing_due(self, version: int, now: dt.datetime) -> bool:
        if self._idle is None:
            return False
        idle_version, due = self._idle
        return version == idle_version and (due is None or now < due)

    async def _lane(self, rows: list[Claimed]) -> None:
        """One lane's rows in order; a row that must wait holds the rest back (given back
        unattempted), so they still arrive after it."""
        blocked = False
        for index, row in enumerate(rows):
            # A 403 from the recipient's own chat marked them blocked: the rest of their lane
            # knows it, as a row claimed after it would.
            outcome = await self._guarded(replace(row, recipient_blocked=True) if blocked
                                          else row)
            if outcome == _WAITS:
                await outbox.release(self._services.db, [r.id for r in rows[index + 1:]])
                return
            blocked = blocked or outcome == _BLOCKED

    async def _guarded(self, row: Claimed) -> str:
        async with self._concurrency:
            try:
                return await self._deliver(row)
            except asyncio.CancelledError:
                raise
            except Exception as error:
                # A bug in a renderer or here must not stall the lane: give up on this row.
                log.exception("outbox.row_crashed id=%s kind=%s", row.id, row.kind)
                await self._fail(row, repr(error))
                return _DONE

    async def _deliver(self, row: Claimed) -> str:
        """Send one row: _DONE, _WAITS (for a later attempt) or _BLOCKED (by its recipient)."""
        db, now = self._services.db, self._services.clock.now()
        function = RENDERERS.get(row.kind)
        if function is None:
            await self._fail(row, f"no renderer for {row.kind}")
            return _DONE
        if row.recipient_blocked:
            await outbox.finish(db, row.id, outbox.BLOCKED, error="recipient blocked the bot",
                                now=now)
            return _DONE
        if row.chat_id is None:
            await outbox.finish(db, row.id, outbox.SKIPPED, error="recipient has no chat",
                                now=now)
            return _DONE
        target: tuple[int, int] | None = None
        edits = row.edits
        if edits is not None and edits.status in (outbox.PENDING, outbox.SENDING):
            # Claimed with the message it edits, which went out earlier in this lane.
            await self._record_sent()
            edits = await outbox.edited(db, row.payload[outbox.EDIT_OF])
        if edits is not None:
            if edits.status in (outbox.PENDING, outbox.SENDING):
                await self._wait(row, now + EDIT_WAIT, "message to edit not sent yet")
                return _WAITS
            if edits.chat_id is None or edits.message_id is None:
                await outbox.finish(db, row.id, outbox.SKIPPED, error="nothing to edit",
                                    now=now)
                return _DONE
            target = (edits.chat_id, edits.message_id)
        rendered = await function(self._services, row.payload)
        if rendered is None:
            await outbox.finish(db, row.id, outbox.SKIPPED, error="nothing to send", now=now)
            return _DONE
        try:
            message = await self._call(row.chat_id, rendered, target)
        except RetryAfter as error:
            return await self._retry(row, error.message, _retry_after(error))
        except Forbidden as error:
            if row.private and row.recipient_nip is not None:
                log.info("outbox.blocked id=%s nip=%s", row.id, row.recipient_nip)
                await outbox.finish(db, row.id, outbox.BLOCKED, error=error.message, now=now,
                                    blocked_nip=row.recipient_nip)
                return _BLOCKED
            else:
                await self._fail(row, error.message)
        except BadRequest as error:
            await self._refused(row, error, target)
        except NetworkError as error:  # 5xx, timeouts, connection errors
            return await self._retry(row, error.message, _backoff(row.attempts))
        except TelegramError as error:
            await self._fail(row, error.message)
        else:
            chat_id, message_id = ((message.chat_id, message.message_id)
                                   if isinstance(message, Message) else
                                   target or (row.chat_id, None))
            await self._sent_now(row, chat_id, message_id)
        return _DONE

    async def _sent_now(self, row: Claimed, chat_id: int, message_id: int | None) -> None:
        self._sent.append(outbox.Sent(row.id, chat_id, message_id, self._services.clock.now()))
        if len(self._sent) >= SENT_BATCH:
            await self._record_sent()

    async def _record_sent(self) -> None:
        if not self._sent:
            return
        sent, self._sent = self._sent, []
        try:
            await outbox.mark_sent(self._services.db, sent)
        except BaseException:
            # Still 'sending' in the database: recorded with the next batch, not left to hold
            # their lanes until a restart.
            self._sent[:0] = sent
            raise

    async def _wait(self, row: Claimed, at: dt.datetime, error: str,
                    alert: Notice | None = None) -> None:
        self._retry_at = at if self._retry_at is None else min(self._retry_at, at)
        await outbox.retry_later(self._services.db, row.id, at=at, error=error,
                                 tell_admin=alert, now=self._services.clock.now())

    async def _call(self, chat_id: int, out: Outgoing,
                    target: tuple[int, int] | None) -> Message | bool:
        if out.method == EDIT or target is not None:
            assert target is not None, "an edit needs the row of the message it edits"
            return await self._bot.edit_message_text(out.text, chat_id=target[0],
                                                     message_id=target[1],
                                                     parse_mode=ParseMode.HTML,
                                                     reply_markup=out.markup)
        return await send(self._bot, chat_id, out)

    async def _refused(self, row: Claimed, error: BadRequest,
                       target: tuple[int, int] | None) -> None:
        db, now = self._services.db, self._services.clock.now()
        description = error.message.lower()
        if target is not None and "message is not modified" in description:
            await self._sent_now(row, target[0], target[1])
        elif target is not None and ("message to edit not found" in description
                                     or "message can't be edited" in description):
            await outbox.finish(db, row.id, outbox.SKIPPED, error=error.message, now=now)
        else:
            await self._fail(row, error.message)

    async def _retry(self, row: Claimed, error: str, delay: dt.timedelta) -> str:
        """Another attempt later (the row waits), or given up after two days."""
        now = self._services.clock.now()
        if now - row.created_at > GIVE_UP_AFTER:
            await self._fail(row, error)
            return _DONE
        alert = (self._alert(row, error, final=False)
                 if row.attempts >= ALERT_AFTER_ATTEMPTS and not row.admin_told else None)
        log.warning("outbox.retry id=%s kind=%s attempts=%s in=%ss error=%s", row.id, row.kind,
                    row.attempts, delay.total_seconds(), error)
        await self._wait(row, now + delay, error, alert)
        return _WAITS

    async def _fail(self, row: Claimed, error: str) -> None:
        log.warning("outbox.failed id=%s kind=%s error=%s", row.id, row.kind, error)
        await outbox.finish(self._services.db, row.id, outbox.FAILED, error=error,
                            now=self._services.clock.now(),
                            tell_admin=None if row.admin_told else self._alert(row, error,
                                                                               final=True))

    def _alert(self, row: Claimed, error: str, *, final: bool) -> Notice | None:
        """The admin chat hears once per row; never about its own alerts."""
        if self._admin_chat_id is None or row.kind == outbox.UNDELIVERABLE:
            return None
        return Notice(outbox.UNDELIVERABLE, None, self._admin_chat_id,
                      {"row": row.id, "kind": row.kind, "nip": row.recipient_nip,
                       "chat": row.chat_id, "error": error[:300], "attempts": row.attempts,
                       "final": final},
                      dedupe_key=f"{outbox.UNDELIVERABLE}:{row.id}")


async def send(bot: Bot, chat_id: int, out: Outgoing) -> Message:
    """One rendered message with the method its kind needs (also for direct replies)."""
    html = ParseMode.HTML
    reply = (ReplyParameters(out.reply_to, allow_sending_without_reply=True)
             if out.reply_to is not None else None)
    if out.method == MESSAGE:
        return await bot.send_message(chat_id, out.text, parse_mode=html,
                                      reply_markup=out.markup, reply_parameters=reply)
    assert out.file is not None, f"{out.method} without a file"
    caption = out.text or None
    if out.method == PHOTO:
        return await bot.send_photo(chat_id, out.file, caption=caption, parse_mode=html,
                                    reply_markup=out.markup, reply_parameters=reply)
    if out.method == VIDEO:
        return await bot.send_video(chat_id, out.file, caption=caption, parse_mode=html,
                                    reply_markup=out.markup, reply_parameters=reply)
    return await bot.send_document(chat_id, out.file, filename=out.filename, caption=caption,
                                   parse_mode=html, reply_markup=out.markup,
                                   reply_parameters=reply)


def _retry_after(error: RetryAfter) -> dt.timedelta:
    with warnings.catch_warnings():
        # PTB warns that the attribute becomes a timedelta; we accept both.
        warnings.simplefilter("ignore")
        wait: int | dt.timedelta = error.retry_after
    return wait if isinstance(wait, dt.timedelta) else dt.timedelta(seconds=wait)


def _backoff(attempts: int) -> dt.timedelta:
    return min(BACKOFF_FIRST * (1 << min(max(attempts - 1, 0), 16)), BACKOFF_MAX)


@renderer(outbox.UNDELIVERABLE)
async def _undeliverable(services: AppServices, payload: dict[str, Any]) -> Outgoing:
    target = (fill(texts.TARGET_NIP, nip=payload["nip"]) if payload.get("nip")
              else fill(texts.TARGET_CHAT, chat=payload.get("chat")))
    template = texts.UNDELIVERABLE_FINAL if payload.get("final") else texts.UNDELIVERABLE
    return Outgoing(fill(template, kind=payload["kind"], target=target,
                         attempts=payload["attempts"], error=payload["error"]))
