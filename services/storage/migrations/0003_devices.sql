-- Fingerprint machines: which machines we know (pulled or pushing over ADMS), how each pull
-- went, the ADMS upload stamps, and problems already reported to the admin chat so a machine
-- that stays down is reported once, not every cycle. Punches themselves go to `punches` (0001).

CREATE TABLE device_machines (
    name            TEXT PRIMARY KEY,        -- [[devices]] name, or the ADMS machine's name
    source          TEXT NOT NULL CHECK (source IN ('pull', 'adms')),
    serial          TEXT UNIQUE,             -- learned from the machine (pull) or configured (ADMS)
    first_seen_at   TEXT,
    last_seen_at    TEXT
);

CREATE TABLE device_sync_state (
    name                 TEXT PRIMARY KEY REFERENCES device_machines (name),
    last_attempt_at      TEXT,
    last_success_at      TEXT,
    last_error           TEXT,               -- error kind of the last failed cycle
    consecutive_failures INTEGER NOT NULL DEFAULT 0,
    last_seen            INTEGER,            -- records on the machine at the last success
    last_new             INTEGER,
    clock_drift_seconds  REAL                -- machine clock minus server clock
);

CREATE TABLE device_adms_stamps (
    serial      TEXT NOT NULL,
    table_name  TEXT NOT NULL,               -- ATTLOG, OPERLOG, ATTPHOTO, ...
    stamp       TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    PRIMARY KEY (serial, table_name)
);

CREATE TABLE device_problems (
    id           INTEGER PRIMARY KEY,
    machine      TEXT NOT NULL,              -- machine name, or the serial of an unknown machine
    kind         TEXT NOT NULL,              -- failure, clock_drift, unknown_serial
    detail       TEXT NOT NULL DEFAULT '',
    opened_at    TEXT NOT NULL,
    resolved_at  TEXT
);
-- At most one open problem of a kind per machine: that is what makes "report once" hold.
CREATE UNIQUE INDEX device_problems_open ON device_problems (machine, kind)
    WHERE resolved_at IS NULL;
