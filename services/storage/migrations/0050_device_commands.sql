-- What machines tell us about themselves (firmware, push protocol version, their clock), the
-- commands waiting for or answered by ADMS machines, and reports that are limited to one per
-- period (refused uploads once per machine and day, unknown serials once an hour in total).

ALTER TABLE device_machines ADD COLUMN firmware TEXT;
ALTER TABLE device_machines ADD COLUMN push_version TEXT;
-- Machine clock minus server clock as last observed (pull: read directly; ADMS: estimated from
-- real-time uploads), and when.
ALTER TABLE device_machines ADD COLUMN clock_drift_seconds REAL;
ALTER TABLE device_machines ADD COLUMN drift_seen_at TEXT;
-- The machine is disabled for a read that broke and could not be re-enabled yet.
ALTER TABLE device_machines ADD COLUMN left_disabled_at TEXT;

CREATE TABLE device_commands (
    id           INTEGER PRIMARY KEY,       -- the <id> of C:<id>:<command>
    serial       TEXT NOT NULL,
    command      TEXT NOT NULL,
    created_at   TEXT NOT NULL,
    sent_at      TEXT,                      -- handed to the machine by getrequest
    return_code  INTEGER,                   -- Return= of the machine's devicecmd answer
    answered_at  TEXT,
    answer       TEXT
);
CREATE INDEX device_commands_waiting ON device_commands (serial, id) WHERE answered_at IS NULL;

CREATE TABLE device_reports (
    key          TEXT PRIMARY KEY,          -- what was reported, e.g. refused:<serial>:<date>
    reported_at  TEXT NOT NULL,
    pending      INTEGER NOT NULL DEFAULT 0 -- occurrences since the last report
);
