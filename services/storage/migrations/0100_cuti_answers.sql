-- The cuti form's answers (PP 11/2017; Peraturan BKN 24/2017): the pejabat berwenang may
-- approve, propose other dates (perubahan: the request then waits for the applicant to accept
-- or withdraw), postpone (ditangguhkan) or not approve it.
--
-- requests.status gains 'perubahan' and 'ditangguhkan'. SQLite cannot change a CHECK, so the
-- table is rebuilt under its own name with every row and column as it was. Foreign keys stay
-- on: they are checked at commit (defer_foreign_keys, reset when the transaction ends), when
-- every row that tables such as request_locations point at is back under the same id.

PRAGMA defer_foreign_keys = ON;
CREATE TEMP TABLE requests_kept AS SELECT * FROM requests;
DROP TABLE requests;
CREATE TABLE requests (
    id              INTEGER PRIMARY KEY,
    nip             TEXT NOT NULL REFERENCES employees (nip),
    type            TEXT NOT NULL,
    start_date      TEXT NOT NULL,           -- YYYY-MM-DD
    end_date        TEXT NOT NULL,
    part            TEXT NOT NULL DEFAULT 'full'
                    CHECK (part IN ('full', 'arrive_late', 'leave_early')),
    working_days    INTEGER NOT NULL CHECK (working_days >= 0),
    reason          TEXT NOT NULL,
    attachment_file_id TEXT,                 -- Telegram file_id of the photo or PDF
    attachment_kind TEXT CHECK (attachment_kind IN ('photo', 'pdf')),
    attachment_name TEXT,
    attachment_size INTEGER,
    status          TEXT NOT NULL
                    CHECK (status IN ('menunggu', 'dikembalikan', 'disetujui', 'ditolak',
                                      'dibatalkan', 'perubahan', 'ditangguhkan')),
    agenda_number   TEXT UNIQUE,
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL,
    closed_at       TEXT,
    ground          TEXT,
    expected_time   TEXT,                    -- HH:MM, part-day permits only
    withdrawal_asked_at TEXT,
    CHECK (end_date >= start_date)
);
INSERT INTO requests (id, nip, type, start_date, end_date, part, working_days, reason,
                      attachment_file_id, attachment_kind, attachment_name, attachment_size,
                      status, agenda_number, created_at, updated_at, closed_at, ground,
                      expected_time, withdrawal_asked_at)
SELECT id, nip, type, start_date, end_date, part, working_days, reason, attachment_file_id,
       attachment_kind, attachment_name, attachment_size, status, agenda_number, created_at,
       updated_at, closed_at, ground, expected_time, withdrawal_asked_at
FROM temp.requests_kept;
DROP TABLE temp.requests_kept;
CREATE INDEX requests_nip_dates ON requests (nip, start_date, end_date);
CREATE INDEX requests_status ON requests (status);

-- The pejabat berwenang's perubahan or penangguhan of one cuti (each ends the chain, so at
-- most one per request). The request row carries the proposed dates while the applicant has
-- not answered (they hold the days and the balance), the dates as filed are kept here.
CREATE TABLE cuti_answers (
    request_id      INTEGER PRIMARY KEY REFERENCES requests (id),
    answer          TEXT NOT NULL CHECK (answer IN ('perubahan', 'tangguhkan')),
    position        INTEGER NOT NULL,
    round           INTEGER NOT NULL,
    decided_by      TEXT NOT NULL REFERENCES employees (nip),
    decided_at      TEXT NOT NULL,
    asked_start     TEXT NOT NULL,           -- the dates as the applicant filed them
    asked_end       TEXT NOT NULL,
    asked_days      INTEGER NOT NULL,
    proposed_start  TEXT,                    -- perubahan: the dates proposed
    proposed_end    TEXT,
    proposed_days   INTEGER,
    postponed_until TEXT,                    -- tangguhkan: the first day it may be taken
    reply           TEXT CHECK (reply IN ('diterima', 'ditarik')),
    replied_at      TEXT,
    CHECK ((answer = 'perubahan') = (proposed_start IS NOT NULL AND proposed_end IS NOT NULL
                                     AND proposed_days IS NOT NULL)),
    CHECK ((answer = 'tangguhkan') = (postponed_until IS NOT NULL)),
    CHECK (answer = 'perubahan' OR reply IS NULL)
);
