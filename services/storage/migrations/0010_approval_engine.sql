-- One approval engine for requests, SOP files and the recap's paraf chain: a subject (the
-- domain row it follows is (kind, ref_id)) walks through its resolved steps; each step names
-- who may act and what they may do; every action taken is one row of approval_actions; the
-- cards sent for a step are kept so every copy can be closed when anyone decides.
-- The domain tables keep their own data (requests, workflow_files, recaps).
-- This migration also moves every row of the requests' own chain tables here.

CREATE TABLE approval_subjects (
    id              INTEGER PRIMARY KEY,
    kind            TEXT NOT NULL CHECK (kind IN ('request', 'workflow_file', 'recap')),
    ref_id          INTEGER NOT NULL,
    definition      TEXT NOT NULL,           -- the SOP catalogue key (izin, cuti, rekap, ...)
    applicant_nip   TEXT REFERENCES employees (nip),
    state           TEXT NOT NULL,           -- berjalan, dikembalikan, selesai, ditolak, ...
    position        INTEGER NOT NULL DEFAULT 0,
    round           INTEGER NOT NULL DEFAULT 1,  -- bumped on resubmission: old buttons go stale
    step_started_at TEXT,                    -- when the current step received it: the SLA clock
    reminded_at     TEXT,                    -- SLA reminder sent for the current step visit
    escalated_at    TEXT,                    -- SLA escalation sent for the current step visit
    updated_at      TEXT NOT NULL,
    UNIQUE (kind, ref_id)
);
CREATE INDEX approval_subjects_state ON approval_subjects (kind, state);

CREATE TABLE approval_steps (
    subject_id  INTEGER NOT NULL REFERENCES approval_subjects (id),
    position    INTEGER NOT NULL,
    step_key    TEXT NOT NULL,
    title       TEXT NOT NULL,
    actions     TEXT NOT NULL,               -- comma-separated: setujui,tolak,kembalikan
    PRIMARY KEY (subject_id, position)
);

CREATE TABLE approval_step_actors (
    subject_id  INTEGER NOT NULL,
    position    INTEGER NOT NULL,
    nip         TEXT NOT NULL REFERENCES employees (nip),
    PRIMARY KEY (subject_id, position, nip),
    FOREIGN KEY (subject_id, position) REFERENCES approval_steps (subject_id, position)
);
CREATE INDEX approval_step_actors_nip ON approval_step_actors (nip);

CREATE TABLE approval_actions (
    id                INTEGER PRIMARY KEY,
    subject_id        INTEGER NOT NULL REFERENCES approval_subjects (id),
    position          INTEGER NOT NULL,
    round             INTEGER NOT NULL,
    step_key          TEXT NOT NULL,
    actor_nip         TEXT NOT NULL REFERENCES employees (nip),
    action            TEXT NOT NULL,
    note              TEXT,
    output            TEXT,                  -- the step's output when it moved the subject on
    standard_minutes  INTEGER,               -- the step's time standard, in working minutes
    elapsed_minutes   REAL,                  -- working minutes from receipt to action
    started_at        TEXT,
    acted_at          TEXT NOT NULL
);
CREATE INDEX approval_actions_subject ON approval_actions (subject_id);
CREATE INDEX approval_actions_acted ON approval_actions (acted_at);

CREATE TABLE approval_cards (
    subject_id  INTEGER NOT NULL REFERENCES approval_subjects (id),
    position    INTEGER NOT NULL,
    round       INTEGER NOT NULL,
    nip         TEXT NOT NULL,
    chat_id     INTEGER NOT NULL,
    message_id  INTEGER NOT NULL,
    PRIMARY KEY (chat_id, message_id)
);
CREATE INDEX approval_cards_step ON approval_cards (subject_id, position, round);

-- Requests: every request becomes a subject (its chain is izin.yaml or cuti.yaml; every cuti
-- type key starts with "cuti_"). A waiting request's step has waited since its last change.
INSERT INTO approval_subjects (kind, ref_id, definition, applicant_nip, state, position, round,
                               step_started_at, updated_at)
SELECT 'request', id, CASE WHEN type LIKE 'cuti\_%' ESCAPE '\' THEN 'cuti' ELSE 'izin' END, nip,
       CASE status WHEN 'menunggu' THEN 'berjalan' WHEN 'disetujui' THEN 'selesai'
                   ELSE status END,
       current_step, round, CASE WHEN status = 'menunggu' THEN updated_at END, updated_at
FROM requests;

INSERT INTO approval_steps (subject_id, position, step_key, title, actions)
SELECT s.id, rs.position, rs.step_key, rs.title, rs.actions
FROM request_steps rs JOIN approval_subjects s ON s.kind = 'request' AND s.ref_id = rs.request_id;

INSERT INTO approval_step_actors (subject_id, position, nip)
SELECT s.id, a.position, a.nip
FROM request_step_actors a
JOIN approval_subjects s ON s.kind = 'request' AND s.ref_id = a.request_id;

-- A step's outcome belongs to the request's current round (a resubmission cleared them).
INSERT INTO approval_actions (subject_id, position, round, step_key, actor_nip, action, note,
                              acted_at)
SELECT s.id, rs.position, s.round, rs.step_key, rs.decided_by, rs.outcome, rs.note,
       rs.decided_at
FROM request_steps rs JOIN approval_subjects s ON s.kind = 'request' AND s.ref_id = rs.request_id
WHERE rs.outcome IS NOT NULL AND rs.decided_by IS NOT NULL
ORDER BY rs.decided_at, rs.request_id, rs.position;

INSERT INTO approval_cards (subject_id, position, round, nip, chat_id, message_id)
SELECT s.id, c.position, c.round, c.nip, c.chat_id, c.message_id
FROM request_cards c JOIN approval_subjects s ON s.kind = 'request' AND s.ref_id = c.request_id;

DROP TABLE request_cards;
DROP TABLE request_step_actors;
DROP TABLE request_steps;
ALTER TABLE requests DROP COLUMN current_step;
ALTER TABLE requests DROP COLUMN round;
