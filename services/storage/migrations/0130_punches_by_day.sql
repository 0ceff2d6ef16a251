-- A month of the whole office reads every punch of its days grouped by day and machine id
-- (services/attendance.py): with the punch time in the index that read is one ordered scan of
-- the index alone, instead of a lookup of every row and a sort of a million groups.
CREATE INDEX punches_day_user ON punches (local_date, device_user_id, punched_at);
