-- Plh / Plt delegations (BKN SE 1/2021): while one is in force, every approval step whose
-- actor is the official goes to the delegate. `started_at` / `ended_at` record when the
-- periodic job (or the designation itself, for a period starting today) moved the waiting
-- steps to the delegate and back; resolution follows only delegations started and not ended.

CREATE TABLE delegations (
    id               INTEGER PRIMARY KEY,
    official_nip     TEXT NOT NULL REFERENCES employees (nip),
    delegate_nip     TEXT NOT NULL REFERENCES employees (nip),
    kind             TEXT NOT NULL CHECK (kind IN ('plh', 'plt')),
    sp_number        TEXT NOT NULL CHECK (sp_number <> ''),   -- Surat Perintah
    start_date       TEXT NOT NULL,                            -- YYYY-MM-DD
    end_date         TEXT NOT NULL,
    designated_by    TEXT REFERENCES employees (nip),          -- NULL: an approved SOP file
    workflow_file_id INTEGER REFERENCES workflow_files (id),
    created_at       TEXT NOT NULL,
    started_at       TEXT,
    ended_at         TEXT,
    revoked_at       TEXT,
    revoked_by       TEXT REFERENCES employees (nip),
    CHECK (end_date >= start_date),
    CHECK (official_nip <> delegate_nip)
);
CREATE INDEX delegations_official ON delegations (official_nip, start_date);
CREATE UNIQUE INDEX delegations_one_per_file ON delegations (workflow_file_id)
    WHERE workflow_file_id IS NOT NULL;

-- Who holds a step on behalf of whom: a step moved to a Plh/Plt (and back), to the atasan of
-- an approver on cuti, or to a new atasan after a re-import. Rows of steps that were decided
-- stay (returned_at NULL) as the record that the decision was taken on the official's behalf.
CREATE TABLE step_substitutions (
    id            INTEGER PRIMARY KEY,
    cause         TEXT NOT NULL CHECK (cause IN ('delegasi', 'cuti', 'atasan')),
    delegation_id INTEGER REFERENCES delegations (id),
    entity        TEXT NOT NULL CHECK (entity IN ('request', 'workflow_file', 'recap')),
    entity_id     INTEGER NOT NULL,
    step          TEXT NOT NULL,       -- request position, file step index or recap state
    from_nip      TEXT NOT NULL REFERENCES employees (nip),
    to_nip        TEXT NOT NULL REFERENCES employees (nip),
    moved_at      TEXT NOT NULL,
    returned_at   TEXT,
    CHECK (cause <> 'delegasi' OR delegation_id IS NOT NULL)
);
CREATE INDEX step_substitutions_entity ON step_substitutions (entity, entity_id, step);
CREATE INDEX step_substitutions_delegation ON step_substitutions (delegation_id);
