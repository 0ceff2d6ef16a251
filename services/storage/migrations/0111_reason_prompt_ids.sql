-- A prompt's id must never be handed out again: a handler still holding an answered prompt
-- closes it by id, and without AUTOINCREMENT SQLite gives the next prompt the id of the one
-- just deleted when it was the highest (a question that asks the next one, such as the SK's
-- number then its date, lost the new prompt that way). Same columns, every row kept.
CREATE TABLE reason_prompts_new (
    id                INTEGER PRIMARY KEY AUTOINCREMENT,
    telegram_user_id  INTEGER NOT NULL UNIQUE,
    nip               TEXT NOT NULL REFERENCES employees (nip),
    kind              TEXT NOT NULL,         -- request, workflow_file, recap, usulan_sk
    ref_id            INTEGER NOT NULL,
    action            TEXT NOT NULL,
    token             TEXT NOT NULL,         -- what the button carried (step:round, version, rev)
    label             TEXT NOT NULL,         -- what it is for, as shown: "pengajuan #12"
    chat_id           INTEGER,               -- the card it came from
    message_id        INTEGER,
    asked_at          TEXT NOT NULL,
    expires_at        TEXT NOT NULL
);
INSERT INTO reason_prompts_new SELECT id, telegram_user_id, nip, kind, ref_id, action, token,
       label, chat_id, message_id, asked_at, expires_at FROM reason_prompts;
DROP TABLE reason_prompts;
ALTER TABLE reason_prompts_new RENAME TO reason_prompts;
