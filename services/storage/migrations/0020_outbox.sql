-- The outbox: every message a decision causes is a row written in the decision's transaction.
-- One sender delivers the rows at least once; a row is the idempotency key of its message (a
-- row that is 'sent' is never sent again, and its message_id is what later edits refer to).
--
-- status: pending  → waiting to be sent (not before not_before)
--         sending  → claimed by a sender; a row left here by a dead process is sent again
--         sent     → Telegram answered; chat_id/message_id recorded
--         blocked  → the recipient blocked the bot (403 from their private chat)
--         skipped  → nobody to send to (recipient not registered, card to edit never sent)
--         failed   → refused for good; the admin chat was told
CREATE TABLE outbox (
    id             INTEGER PRIMARY KEY,
    kind           TEXT NOT NULL CHECK (kind <> ''),
    recipient_nip  TEXT,
    chat_id        INTEGER,
    lane           TEXT NOT NULL,           -- rows of one lane are delivered in id order
    payload        TEXT NOT NULL DEFAULT '{}',   -- JSON, rendered at send time
    dedupe_key     TEXT UNIQUE,
    status         TEXT NOT NULL DEFAULT 'pending'
                   CHECK (status IN ('pending', 'sending', 'sent', 'blocked', 'skipped',
                                     'failed')),
    attempts       INTEGER NOT NULL DEFAULT 0,
    not_before     TEXT NOT NULL,           -- ISO 8601 with offset
    created_at     TEXT NOT NULL,
    claimed_at     TEXT,
    done_at        TEXT,
    sent_chat_id   INTEGER,
    message_id     INTEGER,
    last_error     TEXT,
    admin_told     INTEGER NOT NULL DEFAULT 0,
    CHECK (recipient_nip IS NOT NULL OR chat_id IS NOT NULL)
);
CREATE INDEX outbox_pending ON outbox (status, not_before) WHERE status IN ('pending', 'sending');
CREATE INDEX outbox_lane ON outbox (lane, id) WHERE status IN ('pending', 'sending');
