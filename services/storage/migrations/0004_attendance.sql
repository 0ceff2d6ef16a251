-- Attendance alerts: every notice the bot claims before sending it, so that no alert goes out
-- twice for the same day (a re-run, the catch-up at start-up, a second process), and the
-- scheduled jobs that ran to the end for a day, so a missed job is caught up once only.

CREATE TABLE sent_alerts (
    kind        TEXT NOT NULL,               -- morning_absent, morning_summary, afternoon, ladder, ladder_run
    period      TEXT NOT NULL,               -- YYYY-MM-DD it is about; YYYY for a ladder step
    nip         TEXT NOT NULL REFERENCES employees (nip),   -- the recipient
    about_nip   TEXT NOT NULL DEFAULT '',    -- the employee a ladder notice is about
    detail      TEXT NOT NULL DEFAULT '',    -- e.g. the ladder step (days) or the run's first day
    status      TEXT NOT NULL DEFAULT 'claimed'
                CHECK (status IN ('claimed', 'sent', 'blocked')),
    at          TEXT NOT NULL,
    PRIMARY KEY (kind, period, nip, about_nip, detail)
);
CREATE INDEX sent_alerts_period ON sent_alerts (period);

CREATE TABLE job_runs (
    job         TEXT NOT NULL,               -- attendance.morning, attendance.afternoon
    day         TEXT NOT NULL,               -- YYYY-MM-DD the run was for
    finished_at TEXT NOT NULL,
    PRIMARY KEY (job, day)
);
