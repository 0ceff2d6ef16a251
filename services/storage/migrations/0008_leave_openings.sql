-- Opening cuti tahunan balances from the paper era, one row per employee and opening year
-- (the year the bot starts tracking, [requests] leave_tracking_from). The figures are what the
-- office's leave card says for that year: days carried in from N-2 and N-1, and days already
-- taken in the year before the bot kept records. Later years are computed, never stored.

CREATE TABLE leave_openings (
    nip             TEXT NOT NULL REFERENCES employees (nip),
    year            INTEGER NOT NULL,
    carried_n2      INTEGER NOT NULL CHECK (carried_n2 BETWEEN 0 AND 6),
    carried_n1      INTEGER NOT NULL CHECK (carried_n1 BETWEEN 0 AND 6),
    used_before     INTEGER NOT NULL CHECK (used_before >= 0),
    source          TEXT NOT NULL,           -- file name of the import that set the figures
    updated_at      TEXT NOT NULL,
    PRIMARY KEY (nip, year)
);
