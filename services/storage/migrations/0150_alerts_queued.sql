-- Attendance alerts go out through the outbox: a claim is now written in the same transaction
-- as the outbox row that carries it ('queued'); the outbox row records the delivery. Older
-- states stay for the rows written before.
CREATE TABLE sent_alerts_new (
    kind        TEXT NOT NULL,
    period      TEXT NOT NULL,
    nip         TEXT NOT NULL REFERENCES employees (nip),
    about_nip   TEXT NOT NULL DEFAULT '',
    detail      TEXT NOT NULL DEFAULT '',
    status      TEXT NOT NULL DEFAULT 'queued'
                CHECK (status IN ('claimed', 'sent', 'blocked', 'queued')),
    at          TEXT NOT NULL,
    PRIMARY KEY (kind, period, nip, about_nip, detail)
);
INSERT INTO sent_alerts_new (kind, period, nip, about_nip, detail, status, at)
    SELECT kind, period, nip, about_nip, detail, status, at FROM sent_alerts;
DROP TABLE sent_alerts;
ALTER TABLE sent_alerts_new RENAME TO sent_alerts;
CREATE INDEX sent_alerts_period ON sent_alerts (period);
