-- Monthly attendance recaps and their paraf chain (SOP: pengelola kepegawaian drafts, Kasubbag
-- Umum and Sekretaris initial, the Kepala signs, then it is numbered and archived).
-- One recap per month. `rev` changes with every step, and every button carries it, so a tap
-- on an old message or a second tap finds the row changed and is refused. `snapshot` is the
-- month's data as the reviewers saw it: paraf marks are added to that, not to fresh data;
-- only a rebuild by the operator (version + 1) reads the attendance again.

CREATE TABLE recaps (
    id              INTEGER PRIMARY KEY,
    year            INTEGER NOT NULL,
    month           INTEGER NOT NULL CHECK (month BETWEEN 1 AND 12),
    state           TEXT NOT NULL
                    CHECK (state IN ('draft', 'kasubbag', 'sekretaris', 'kepala', 'signed')),
    rev             INTEGER NOT NULL DEFAULT 1,
    version         INTEGER NOT NULL DEFAULT 1,
    operator_nip    TEXT REFERENCES employees (nip),   -- last builder; NULL: built automatically
    built_at        TEXT NOT NULL,
    snapshot        BLOB NOT NULL,                     -- zlib-compressed JSON
    pdf             BLOB NOT NULL,                     -- the document with the marks so far
    kasubbag_nip    TEXT REFERENCES employees (nip),
    kasubbag_at     TEXT,
    sekretaris_nip  TEXT REFERENCES employees (nip),
    sekretaris_at   TEXT,
    kepala_nip      TEXT REFERENCES employees (nip),
    signed_at       TEXT,
    returned_reason TEXT,
    returned_by     TEXT REFERENCES employees (nip),
    returned_at     TEXT,
    agenda_number   TEXT UNIQUE,
    sha256          TEXT,                              -- of the signed PDF
    archive_path    TEXT,                              -- copy under [recap] archive_dir
    updated_at      TEXT NOT NULL,
    UNIQUE (year, month),
    CHECK (state <> 'signed' OR (agenda_number IS NOT NULL AND sha256 IS NOT NULL))
);

-- The signed document is the archive of record (kept at least one year, seed 000).
CREATE TRIGGER recaps_signed_frozen BEFORE UPDATE ON recaps WHEN OLD.state = 'signed'
BEGIN SELECT RAISE(ABORT, 'a signed recap is archived and cannot change'); END;
CREATE TRIGGER recaps_signed_kept BEFORE DELETE ON recaps
WHEN OLD.state = 'signed' AND OLD.signed_at > datetime('now', '-1 year')
BEGIN SELECT RAISE(ABORT, 'a signed recap is kept for at least one year'); END;

-- The Kepala's daily absence report: one row per day and recipient, claimed before sending.
CREATE TABLE recap_daily_reports (
    day     TEXT NOT NULL,                             -- YYYY-MM-DD
    nip     TEXT NOT NULL REFERENCES employees (nip),
    status  TEXT NOT NULL DEFAULT 'claimed' CHECK (status IN ('claimed', 'sent', 'blocked')),
    at      TEXT NOT NULL,
    PRIMARY KEY (day, nip)
);
