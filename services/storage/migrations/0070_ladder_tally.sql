-- The PP 94/2021 ladder's running count (services/ladder_tally.py): each finished day is
-- classified once and its TK day and unexcused late/early minutes added to a per-employee,
-- per-year tally, instead of the whole year being reclassified every working morning.

CREATE TABLE ladder_tally (
    nip           TEXT NOT NULL,
    year          INTEGER NOT NULL,
    tk_days       INTEGER NOT NULL DEFAULT 0,
    late_minutes  INTEGER NOT NULL DEFAULT 0,
    early_minutes INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (nip, year)
) WITHOUT ROWID;

-- What one employee-day added to the tally (only days that added something): subtracted again
-- when the day is recounted, and the TK days the consecutive-days rule looks at.
CREATE TABLE ladder_marks (
    day   TEXT NOT NULL,                 -- YYYY-MM-DD
    nip   TEXT NOT NULL,
    tk    INTEGER NOT NULL,              -- 1: a TK working day
    late  INTEGER NOT NULL,
    early INTEGER NOT NULL,
    PRIMARY KEY (day, nip)
) WITHOUT ROWID;
CREATE INDEX ladder_marks_nip ON ladder_marks (nip, day);

-- The days counted, with the rules they were counted under (day off, hours, window, grace):
-- a day whose rules changed in the configuration is counted again.
CREATE TABLE ladder_days (
    day  TEXT PRIMARY KEY,
    rule TEXT NOT NULL
) WITHOUT ROWID;

-- Counted days whose inputs changed since (a late-approved permit, a late upload, a new punch
-- for a past day) and employees whose machine id, activity or registration changed; the seq
-- tells a change made while the day was being recounted from one the recount already saw.
CREATE TABLE ladder_dirty (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    day TEXT NOT NULL UNIQUE
);
CREATE TABLE ladder_dirty_nips (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    nip TEXT NOT NULL UNIQUE
);

-- horizon: the last day the tally may be counting; changes to later days (today's punches)
-- cost the trigger one lookup and nothing else.
CREATE TABLE ladder_state (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) WITHOUT ROWID;

CREATE TRIGGER ladder_punch_added AFTER INSERT ON punches
WHEN NEW.local_date <= (SELECT value FROM ladder_state WHERE key = 'horizon')
BEGIN INSERT OR REPLACE INTO ladder_dirty (day) VALUES (NEW.local_date); END;

CREATE TRIGGER ladder_punch_removed AFTER DELETE ON punches
WHEN OLD.local_date <= (SELECT value FROM ladder_state WHERE key = 'horizon')
BEGIN INSERT OR REPLACE INTO ladder_dirty (day) VALUES (OLD.local_date); END;

CREATE TRIGGER ladder_absence_added AFTER INSERT ON absence_days
WHEN NEW.day <= (SELECT value FROM ladder_state WHERE key = 'horizon')
BEGIN INSERT OR REPLACE INTO ladder_dirty (day) VALUES (NEW.day); END;

CREATE TRIGGER ladder_absence_removed AFTER DELETE ON absence_days
WHEN OLD.day <= (SELECT value FROM ladder_state WHERE key = 'horizon')
BEGIN INSERT OR REPLACE INTO ladder_dirty (day) VALUES (OLD.day); END;

CREATE TRIGGER ladder_absence_changed AFTER UPDATE ON absence_days
WHEN OLD.day <= (SELECT value FROM ladder_state WHERE key = 'horizon')
  OR NEW.day <= (SELECT value FROM ladder_state WHERE key = 'horizon')
BEGIN
    INSERT OR REPLACE INTO ladder_dirty (day) VALUES (OLD.day);
    INSERT OR REPLACE INTO ladder_dirty (day) VALUES (NEW.day);
END;

CREATE TRIGGER ladder_employee_changed AFTER UPDATE OF device_user_id, active, created_at
ON employees
WHEN OLD.device_user_id IS NOT NEW.device_user_id OR OLD.active IS NOT NEW.active
  OR substr(OLD.created_at, 1, 10) IS NOT substr(NEW.created_at, 1, 10)
BEGIN INSERT OR REPLACE INTO ladder_dirty_nips (nip) VALUES (NEW.nip); END;
