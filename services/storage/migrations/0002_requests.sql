-- Izin, sakit, dinas luar and cuti requests with their approval chains, the cards sent to
-- approvers (so every copy can be edited when one is decided) and the agenda-number registers.

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
                                      'dibatalkan')),
    current_step    INTEGER NOT NULL DEFAULT 0,
    round           INTEGER NOT NULL DEFAULT 1,  -- bumped on resubmission: old buttons go stale
    agenda_number   TEXT UNIQUE,
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL,
    closed_at       TEXT,
    CHECK (end_date >= start_date)
);
CREATE INDEX requests_nip_dates ON requests (nip, start_date, end_date);
CREATE INDEX requests_status ON requests (status);

-- The chain resolved at submission: one row per level, in order.
CREATE TABLE request_steps (
    request_id  INTEGER NOT NULL REFERENCES requests (id),
    position    INTEGER NOT NULL,
    step_key    TEXT NOT NULL,
    title       TEXT NOT NULL,
    actions     TEXT NOT NULL,               -- comma-separated: setujui,tolak,kembalikan
    outcome     TEXT CHECK (outcome IN ('setujui', 'tolak', 'kembalikan')),
    decided_by  TEXT REFERENCES employees (nip),
    decided_at  TEXT,
    note        TEXT,
    PRIMARY KEY (request_id, position)
);

-- Who may act on each level (one person for atasan langsung / nip, all holders of a peran).
CREATE TABLE request_step_actors (
    request_id  INTEGER NOT NULL,
    position    INTEGER NOT NULL,
    nip         TEXT NOT NULL REFERENCES employees (nip),
    PRIMARY KEY (request_id, position, nip),
    FOREIGN KEY (request_id, position) REFERENCES request_steps (request_id, position)
);
CREATE INDEX request_step_actors_nip ON request_step_actors (nip);

-- Approval cards sent (also the copies /persetujuan shows), so a decision can edit every copy.
CREATE TABLE request_cards (
    request_id  INTEGER NOT NULL REFERENCES requests (id),
    position    INTEGER NOT NULL,
    round       INTEGER NOT NULL,
    nip         TEXT NOT NULL,
    chat_id     INTEGER NOT NULL,
    message_id  INTEGER NOT NULL,
    PRIMARY KEY (chat_id, message_id)
);
CREATE INDEX request_cards_step ON request_cards (request_id, position, round);

-- Agenda registers: the last number given per register and year. Incremented inside the
-- transaction that approves, so numbers have neither gaps nor duplicates.
CREATE TABLE agenda_sequences (
    register    TEXT NOT NULL,
    year        INTEGER NOT NULL,
    last_seq    INTEGER NOT NULL,
    PRIMARY KEY (register, year)
);
