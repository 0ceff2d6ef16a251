-- Presensi lokasi: punches from a Telegram live location inside a geofence.
--
-- punches gains the source 'lokasi'. SQLite cannot change a CHECK in place, so the table is
-- rebuilt with every row and id kept. A location punch is an ordinary punch row (serial
-- 'lokasi', the employee's machine id), so every reader of punches counts it like a scan;
-- what only a location punch has lives in location_punches, keyed by the punch's id.

CREATE TABLE punches_rebuilt (
    id              INTEGER PRIMARY KEY,
    device_serial   TEXT NOT NULL,
    device_user_id  TEXT NOT NULL,
    punched_at      TEXT NOT NULL,           -- ISO 8601 with the machine's offset
    local_date      TEXT NOT NULL,           -- YYYY-MM-DD of the machine's wall clock
    status          INTEGER,                 -- verify method as reported by the machine
    punch           INTEGER,                 -- in/out state as reported (not trusted)
    source          TEXT NOT NULL CHECK (source IN ('pull', 'adms', 'manual', 'lokasi')),
    received_at     TEXT NOT NULL,
    UNIQUE (device_serial, device_user_id, punched_at)
);
INSERT INTO punches_rebuilt (id, device_serial, device_user_id, punched_at, local_date, status,
                             punch, source, received_at)
    SELECT id, device_serial, device_user_id, punched_at, local_date, status, punch, source,
           received_at FROM punches;
DROP TABLE punches;
ALTER TABLE punches_rebuilt RENAME TO punches;
CREATE INDEX punches_user_date ON punches (device_user_id, local_date);
CREATE INDEX punches_date ON punches (local_date);
-- DROP TABLE took the ladder tally's triggers (0070) with it; they are put back as they were.
-- (A database that applied this file before 0070 existed gets them from 0070 itself.)
-- Whoever changes a trigger or index on punches does it in a migration numbered after 0080.
CREATE TRIGGER IF NOT EXISTS ladder_punch_added AFTER INSERT ON punches
WHEN NEW.local_date <= (SELECT value FROM ladder_state WHERE key = 'horizon')
BEGIN INSERT OR REPLACE INTO ladder_dirty (day) VALUES (NEW.local_date); END;

CREATE TRIGGER IF NOT EXISTS ladder_punch_removed AFTER DELETE ON punches
WHEN OLD.local_date <= (SELECT value FROM ladder_state WHERE key = 'horizon')
BEGIN INSERT OR REPLACE INTO ladder_dirty (day) VALUES (OLD.local_date); END;

-- One live location being checked: the first message and the updates Telegram sends as edits.
CREATE TABLE location_checks (
    id              INTEGER PRIMARY KEY,
    nip             TEXT NOT NULL REFERENCES employees (nip),
    chat_id         INTEGER NOT NULL,
    message_id      INTEGER NOT NULL,
    started_at      TEXT NOT NULL,           -- Telegram's stamp of the first fix
    live_until      TEXT,                    -- started_at + live_period
    last_at         TEXT NOT NULL,
    last_latitude   REAL NOT NULL,
    last_longitude  REAL NOT NULL,
    last_accuracy_m REAL,
    fixes           INTEGER NOT NULL DEFAULT 1,
    site            TEXT,                    -- the site the last fix was inside
    site_kind       TEXT,                    -- site, activity
    distance_m      REAL,
    basis           TEXT,                    -- why the employee may clock in by location
    status          TEXT NOT NULL
                    CHECK (status IN ('checking', 'selfie', 'recorded', 'refused')),
    reason          TEXT,                    -- why it was refused
    checked_at      TEXT,                    -- when the check completed (selfie wait starts)
    closed_at       TEXT,
    UNIQUE (chat_id, message_id)
);
CREATE INDEX location_checks_open ON location_checks (status) WHERE status IN ('checking', 'selfie');

CREATE TABLE location_punches (
    punch_id        INTEGER PRIMARY KEY REFERENCES punches (id),
    check_id        INTEGER NOT NULL REFERENCES location_checks (id),
    nip             TEXT NOT NULL REFERENCES employees (nip),
    local_date      TEXT NOT NULL,
    site            TEXT NOT NULL,
    site_kind       TEXT NOT NULL CHECK (site_kind IN ('site', 'activity')),
    latitude        REAL NOT NULL,
    longitude       REAL NOT NULL,
    distance_m      REAL NOT NULL,           -- from the site's centre
    accuracy_m      REAL NOT NULL,           -- GPS horizontal accuracy of the fix
    basis           TEXT NOT NULL,
    selfie_file_id  TEXT,                    -- Telegram's file id of the selfie photo
    selfie_at       TEXT
);
CREATE INDEX location_punches_date ON location_punches (local_date);

-- Days an admin declared the machines out of order: everyone may clock in by location.
CREATE TABLE location_outages (
    day             TEXT PRIMARY KEY,        -- YYYY-MM-DD
    declared_by     TEXT REFERENCES employees (nip),
    declared_at     TEXT NOT NULL,
    note            TEXT NOT NULL DEFAULT '',
    cancelled_at    TEXT
);

-- The activity location a dinas luar request carries (shared during /izin).
CREATE TABLE request_locations (
    request_id      INTEGER PRIMARY KEY REFERENCES requests (id),
    latitude        REAL NOT NULL,
    longitude       REAL NOT NULL,
    label           TEXT NOT NULL DEFAULT ''
);
