-- A reason (or note) an approver was asked to type after tapping Tolak / Kembalikan on a card:
-- one open prompt per Telegram user (the latest asked replaces an older one), kept in SQLite so
-- it survives a restart, and bounded by expires_at so a late text decides nothing.

CREATE TABLE reason_prompts (
    id                INTEGER PRIMARY KEY,
    telegram_user_id  INTEGER NOT NULL UNIQUE,
    nip               TEXT NOT NULL REFERENCES employees (nip),
    kind              TEXT NOT NULL,         -- request, workflow_file, recap
    ref_id            INTEGER NOT NULL,
    action            TEXT NOT NULL,
    token             TEXT NOT NULL,         -- what the button carried (step:round, version, rev)
    label             TEXT NOT NULL,         -- what it is for, as shown: "pengajuan #12"
    chat_id           INTEGER,               -- the card it came from
    message_id        INTEGER,
    asked_at          TEXT NOT NULL,
    expires_at        TEXT NOT NULL
);
