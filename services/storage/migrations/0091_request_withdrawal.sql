-- An approved request that has not started may be withdrawn: the applicant asks, the last
-- approver confirms. Set while the request waits for that confirmation.
ALTER TABLE requests ADD COLUMN withdrawal_asked_at TEXT;
