-- The recap's paraf chain runs on the approval engine (definition rekap_kehadiran.yaml): every
-- recap that was ever submitted becomes a subject with the three steps of seed 002, and the
-- paraf, signature and return columns become its actions. The recaps table keeps its own data
-- (state, snapshot, PDF, number, hash, archive) and is rebuilt without those columns.

INSERT INTO approval_subjects (kind, ref_id, definition, applicant_nip, state, position, round,
                               step_started_at, updated_at)
SELECT 'recap', id, 'rekap_kehadiran', operator_nip,
       CASE state WHEN 'signed' THEN 'selesai' WHEN 'draft' THEN 'dikembalikan'
                  ELSE 'berjalan' END,
       CASE state WHEN 'sekretaris' THEN 1 WHEN 'kepala' THEN 2 WHEN 'signed' THEN 2 ELSE 0 END,
       1, CASE WHEN state IN ('kasubbag', 'sekretaris', 'kepala') THEN updated_at END,
       updated_at
FROM recaps WHERE state <> 'draft' OR returned_by IS NOT NULL;

INSERT INTO approval_steps (subject_id, position, step_key, title, actions)
SELECT s.id, c.position, c.step_key, c.title, 'setujui,kembalikan'
FROM approval_subjects s
JOIN (SELECT 0 AS position, 'kasubbag' AS step_key,
             'Kasubbag Umum dan Kepegawaian' AS title
      UNION ALL SELECT 1, 'sekretaris', 'Sekretaris'
      UNION ALL SELECT 2, 'kepala', 'Kepala') c
WHERE s.kind = 'recap';

INSERT INTO approval_step_actors (subject_id, position, nip)
SELECT st.subject_id, st.position, e.nip
FROM approval_steps st
JOIN approval_subjects s ON s.id = st.subject_id AND s.kind = 'recap'
JOIN employees e ON e.peran = st.step_key AND e.active = 1;

-- In time order, so the latest action on a step is the one that stands.
INSERT INTO approval_actions (subject_id, position, round, step_key, actor_nip, action, note,
                              acted_at)
SELECT subject_id, position, 1, step_key, actor_nip, action, note, acted_at FROM (
    SELECT s.id AS subject_id, 0 AS position, 'kasubbag' AS step_key, r.kasubbag_nip AS actor_nip,
           'setujui' AS action, NULL AS note, r.kasubbag_at AS acted_at
    FROM recaps r JOIN approval_subjects s ON s.kind = 'recap' AND s.ref_id = r.id
    WHERE r.kasubbag_nip IS NOT NULL AND r.kasubbag_at IS NOT NULL
    UNION ALL
    SELECT s.id, 1, 'sekretaris', r.sekretaris_nip, 'setujui', NULL, r.sekretaris_at
    FROM recaps r JOIN approval_subjects s ON s.kind = 'recap' AND s.ref_id = r.id
    WHERE r.sekretaris_nip IS NOT NULL AND r.sekretaris_at IS NOT NULL
    UNION ALL
    SELECT s.id, 2, 'kepala', r.kepala_nip, 'setujui', NULL, r.signed_at
    FROM recaps r JOIN approval_subjects s ON s.kind = 'recap' AND s.ref_id = r.id
    WHERE r.kepala_nip IS NOT NULL AND r.signed_at IS NOT NULL
    UNION ALL
    -- A return came from the step of the returner's peran (the Kasubbag returns to the
    -- operator, the Sekretaris to the Kasubbag, the Kepala to the Sekretaris).
    SELECT s.id, CASE e.peran WHEN 'sekretaris' THEN 1 WHEN 'kepala' THEN 2 ELSE 0 END,
           CASE e.peran WHEN 'sekretaris' THEN 'sekretaris' WHEN 'kepala' THEN 'kepala'
                        ELSE 'kasubbag' END,
           r.returned_by, 'kembalikan', r.returned_reason, r.returned_at
    FROM recaps r JOIN approval_subjects s ON s.kind = 'recap' AND s.ref_id = r.id
    JOIN employees e ON e.nip = r.returned_by
    WHERE r.returned_by IS NOT NULL AND r.returned_at IS NOT NULL
) ORDER BY acted_at;

DROP TRIGGER recaps_signed_frozen;
DROP TRIGGER recaps_signed_kept;
CREATE TABLE recaps_engine (
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
    signed_at       TEXT,
    agenda_number   TEXT UNIQUE,
    sha256          TEXT,                              -- of the signed PDF
    archive_path    TEXT,                              -- copy under [recap] archive_dir
    updated_at      TEXT NOT NULL,
    UNIQUE (year, month),
    CHECK (state <> 'signed' OR (agenda_number IS NOT NULL AND sha256 IS NOT NULL))
);
INSERT INTO recaps_engine (id, year, month, state, rev, version, operator_nip, built_at,
                           snapshot, pdf, signed_at, agenda_number, sha256, archive_path,
                           updated_at)
SELECT id, year, month, state, rev, version, operator_nip, built_at, snapshot, pdf, signed_at,
       agenda_number, sha256, archive_path, updated_at FROM recaps;
DROP TABLE recaps;
ALTER TABLE recaps_engine RENAME TO recaps;

-- The signed document is the archive of record (kept at least one year, seed 000).
CREATE TRIGGER recaps_signed_frozen BEFORE UPDATE ON recaps WHEN OLD.state = 'signed'
BEGIN SELECT RAISE(ABORT, 'a signed recap is archived and cannot change'); END;
CREATE TRIGGER recaps_signed_kept BEFORE DELETE ON recaps
WHEN OLD.state = 'signed' AND OLD.signed_at > datetime('now', '-1 year')
BEGIN SELECT RAISE(ABORT, 'a signed recap is kept for at least one year'); END;
