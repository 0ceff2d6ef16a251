-- CLTN and the Kepala's own cuti are not granted in the office: once its steps are done the
-- request is proposed (diusulkan) by letter to the PPK or to the Kepala's superior, and the
-- admin records the outside decision (the SK). requests.status stays 'menunggu' until then
-- (the request is waiting for a decision, only not on an engine step): the phase lives here,
-- so no existing status, query or CHECK on requests changes.
CREATE TABLE request_usulan (
    request_id   INTEGER PRIMARY KEY REFERENCES requests (id),
    basis        TEXT NOT NULL CHECK (basis IN ('cltn', 'kepala')),
    addressed_to TEXT NOT NULL,          -- as printed on the letter, fixed when proposed
    proposed_by  TEXT REFERENCES employees (nip),   -- who signs the usulan letter
    proposed_at  TEXT NOT NULL,
    sk_result    TEXT CHECK (sk_result IN ('disetujui', 'tidak_disetujui')),
    sk_number    TEXT,
    sk_date      TEXT,                   -- YYYY-MM-DD
    recorded_by  TEXT REFERENCES employees (nip),
    recorded_at  TEXT,
    CHECK ((sk_result IS NULL) = (sk_number IS NULL)
           AND (sk_result IS NULL) = (sk_date IS NULL))
);
CREATE INDEX request_usulan_waiting ON request_usulan (proposed_at) WHERE sk_result IS NULL;

-- The admin's SK being typed in chat (result, then number, then date, then Simpan): kept in
-- SQLite so a restart between the questions loses nothing.
CREATE TABLE usulan_sk_drafts (
    id          INTEGER PRIMARY KEY,
    request_id  INTEGER NOT NULL REFERENCES requests (id),
    nip         TEXT NOT NULL REFERENCES employees (nip),
    result      TEXT NOT NULL CHECK (result IN ('disetujui', 'tidak_disetujui')),
    sk_number   TEXT,
    sk_date     TEXT,
    created_at  TEXT NOT NULL,
    UNIQUE (request_id, nip)
);
