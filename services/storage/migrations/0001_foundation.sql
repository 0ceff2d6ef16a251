-- Employee registry, Telegram binding, the append-only audit log, and the two tables other
-- features meet at: punches (written by device sync and ADMS) and absence_days (written when a
-- request is approved, read by the attendance rules).

CREATE TABLE employees (
    nip              TEXT PRIMARY KEY CHECK (length(nip) = 18 AND nip NOT GLOB '*[^0-9]*'),
    nama             TEXT NOT NULL CHECK (nama <> ''),
    jabatan          TEXT NOT NULL DEFAULT '',
    golongan         TEXT NOT NULL DEFAULT '',
    unit             TEXT NOT NULL DEFAULT '',
    atasan_nip       TEXT REFERENCES employees (nip) DEFERRABLE INITIALLY DEFERRED
                     CHECK (atasan_nip IS NULL OR atasan_nip <> nip),
    telepon          TEXT UNIQUE,            -- normalised, 62…
    device_user_id   TEXT UNIQUE,            -- the machine's user_id, a string (leading zeros kept)
    peran            TEXT NOT NULL DEFAULT 'pegawai'
                     CHECK (peran IN ('pegawai', 'admin', 'kasubbag', 'sekretaris', 'kepala')),
    telegram_user_id INTEGER UNIQUE,
    telegram_chat_id INTEGER,
    telegram_blocked_at TEXT,                -- set when Telegram says the user blocked the bot
    active           INTEGER NOT NULL DEFAULT 1,
    created_at       TEXT NOT NULL,
    updated_at       TEXT NOT NULL
);
CREATE INDEX employees_atasan ON employees (atasan_nip);

CREATE TABLE audit_log (
    id               INTEGER PRIMARY KEY,
    at               TEXT NOT NULL,          -- ISO 8601 with offset
    actor_nip        TEXT,                   -- NULL for the system or an operator at the console
    telegram_user_id INTEGER,
    action           TEXT NOT NULL,
    entity           TEXT NOT NULL,
    entity_id        TEXT NOT NULL,
    detail           TEXT NOT NULL DEFAULT '{}'   -- JSON
);
CREATE INDEX audit_log_entity ON audit_log (entity, entity_id);

CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;

CREATE TABLE punches (
    id              INTEGER PRIMARY KEY,
    device_serial   TEXT NOT NULL,
    device_user_id  TEXT NOT NULL,
    punched_at      TEXT NOT NULL,           -- ISO 8601 with the machine's offset
    local_date      TEXT NOT NULL,           -- YYYY-MM-DD of the machine's wall clock
    status          INTEGER,                 -- verify method as reported by the machine
    punch           INTEGER,                 -- in/out state as reported (not trusted)
    source          TEXT NOT NULL CHECK (source IN ('pull', 'adms', 'manual')),
    received_at     TEXT NOT NULL,
    UNIQUE (device_serial, device_user_id, punched_at)
);
CREATE INDEX punches_user_date ON punches (device_user_id, local_date);
CREATE INDEX punches_date ON punches (local_date);

CREATE TABLE absence_days (
    nip         TEXT NOT NULL REFERENCES employees (nip),
    day         TEXT NOT NULL,               -- YYYY-MM-DD
    part        TEXT NOT NULL DEFAULT 'full' CHECK (part IN ('full', 'arrive_late', 'leave_early')),
    code        TEXT NOT NULL,               -- I, S, DL, TB, CT, CB, CS, CM, CAP, CLTN, ...
    request_id  INTEGER,                     -- the approved request that produced it
    PRIMARY KEY (nip, day, part)
);
CREATE INDEX absence_days_day ON absence_days (day);
