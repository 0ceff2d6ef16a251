-- Part-day permits (izin datang terlambat / pulang cepat) name their time: the expected
-- arrival, or the departure. Only lateness or early leave within that time is excused. NULL,
-- as on every row written before this, excuses the whole lateness or early leave of the day.
ALTER TABLE requests ADD COLUMN expected_time TEXT;   -- HH:MM, part-day permits only
ALTER TABLE absence_days ADD COLUMN part_time TEXT;   -- HH:MM, copied from the request
