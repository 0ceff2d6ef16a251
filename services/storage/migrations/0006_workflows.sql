-- SOP workflow files (berkas): a file moves through the steps of a YAML-defined chain.
-- `version` is bumped on every change and carried by every button, so a double tap or a
-- stale button is refused by comparing it with the stored one.

CREATE TABLE workflow_files (
    id              INTEGER PRIMARY KEY,
    workflow_key    TEXT NOT NULL,
    workflow_name   TEXT NOT NULL,           -- as it was named when the file was opened
    applicant_nip   TEXT NOT NULL REFERENCES employees (nip),
    status          TEXT NOT NULL CHECK (status IN
                        ('draf', 'berjalan', 'dikembalikan', 'selesai', 'ditolak', 'dibatalkan')),
    step_index      INTEGER,                 -- the step holding (or that returned) the file
    step_started_at TEXT,                    -- when that step received it: the SLA clock
    reminded_at     TEXT,                    -- SLA reminder sent for the current step
    escalated_at    TEXT,                    -- SLA escalation sent for the current step
    version         INTEGER NOT NULL DEFAULT 0,
    agenda_number   TEXT UNIQUE,
    return_reason   TEXT,
    created_at      TEXT NOT NULL,
    submitted_at    TEXT,
    closed_at       TEXT
);
CREATE UNIQUE INDEX workflow_files_one_draft ON workflow_files (applicant_nip)
    WHERE status = 'draf';
CREATE INDEX workflow_files_status ON workflow_files (status);

CREATE TABLE workflow_documents (
    id                 INTEGER PRIMARY KEY,
    file_id            INTEGER NOT NULL REFERENCES workflow_files (id),
    doc_key            TEXT NOT NULL,
    telegram_file_id   TEXT NOT NULL,        -- forwarded to each actor by file_id
    kind               TEXT NOT NULL CHECK (kind IN ('document', 'photo')),
    file_name          TEXT NOT NULL,
    size               INTEGER NOT NULL,
    uploaded_at        TEXT NOT NULL,
    UNIQUE (file_id, doc_key)
);

-- One row per step taken: who, what, the output produced, and time against the standard.
CREATE TABLE workflow_steps (
    id                INTEGER PRIMARY KEY,
    file_id           INTEGER NOT NULL REFERENCES workflow_files (id),
    workflow_key      TEXT NOT NULL,
    step_index        INTEGER NOT NULL,
    step_key          TEXT NOT NULL,
    actor_nip         TEXT NOT NULL REFERENCES employees (nip),
    action            TEXT NOT NULL,
    note              TEXT,
    output            TEXT,                  -- the step's output when it moved the file on
    standard_minutes  INTEGER NOT NULL,
    elapsed_minutes   REAL NOT NULL,         -- working minutes from receipt to action
    started_at        TEXT NOT NULL,
    acted_at          TEXT NOT NULL
);
CREATE INDEX workflow_steps_file ON workflow_steps (file_id);
CREATE INDEX workflow_steps_acted ON workflow_steps (acted_at);

