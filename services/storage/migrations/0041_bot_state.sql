-- Conversation and user state of the Telegram application (what PicklePersistence kept in a
-- file): written in transactions with the rest of the data and copied by every backup.
-- kind 'user': key = Telegram user id; kind 'conversation': name = the conversation's name,
-- key = the conversation key as JSON; kind 'meta': bookkeeping such as the one-time import
-- of the old pickle file. value is the pickled Python value.
CREATE TABLE bot_state (
    kind        TEXT NOT NULL CHECK (kind IN ('user', 'conversation', 'meta')),
    name        TEXT NOT NULL DEFAULT '',
    key         TEXT NOT NULL,
    value       BLOB NOT NULL,
    updated_at  TEXT NOT NULL,
    PRIMARY KEY (kind, name, key)
);
