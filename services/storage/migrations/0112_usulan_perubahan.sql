-- The SK may grant the cuti for other dates than proposed (the form's "perubahan"): the SK's
-- dates become the request's, and the proposed ones are kept here. Both tables are rebuilt
-- for the wider CHECK; every row is kept (nothing references them).
CREATE TABLE request_usulan_new (
    request_id     INTEGER PRIMARY KEY REFERENCES requests (id),
    basis          TEXT NOT NULL CHECK (basis IN ('cltn', 'kepala')),
    addressed_to   TEXT NOT NULL,
    proposed_by    TEXT REFERENCES employees (nip),
    proposed_at    TEXT NOT NULL,
    sk_result      TEXT CHECK (sk_result IN ('disetujui', 'perubahan', 'tidak_disetujui')),
    sk_number      TEXT,
    sk_date        TEXT,
    recorded_by    TEXT REFERENCES employees (nip),
    recorded_at    TEXT,
    proposed_start TEXT,                 -- set when the SK changed the dates
    proposed_end   TEXT,
    CHECK ((sk_result IS NULL) = (sk_number IS NULL)
           AND (sk_result IS NULL) = (sk_date IS NULL))
);
INSERT INTO request_usulan_new (request_id, basis, addressed_to, proposed_by, proposed_at,
                                sk_result, sk_number, sk_date, recorded_by, recorded_at)
SELECT request_id, basis, addressed_to, proposed_by, proposed_at, sk_result, sk_number, sk_date,
       recorded_by, recorded_at FROM request_usulan;
DROP TABLE request_usulan;
ALTER TABLE request_usulan_new RENAME TO request_usulan;
CREATE INDEX request_usulan_waiting ON request_usulan (proposed_at) WHERE sk_result IS NULL;

CREATE TABLE usulan_sk_drafts_new (
    id          INTEGER PRIMARY KEY,
    request_id  INTEGER NOT NULL REFERENCES requests (id),
    nip         TEXT NOT NULL REFERENCES employees (nip),
    result      TEXT NOT NULL CHECK (result IN ('disetujui', 'perubahan', 'tidak_disetujui')),
    sk_number   TEXT,
    sk_date     TEXT,
    created_at  TEXT NOT NULL,
    sk_start    TEXT,                    -- perubahan: the dates the SK grants
    sk_end      TEXT,
    UNIQUE (request_id, nip)
);
INSERT INTO usulan_sk_drafts_new (id, request_id, nip, result, sk_number, sk_date, created_at)
SELECT id, request_id, nip, result, sk_number, sk_date, created_at FROM usulan_sk_drafts;
DROP TABLE usulan_sk_drafts;
ALTER TABLE usulan_sk_drafts_new RENAME TO usulan_sk_drafts;
