-- The ground a cuti is filed on where the rules ask for one (cuti besar for religious
-- purposes or a 4th child, which child a cuti melahirkan is for, a cuti sakit extension on the
-- tim penguji kesehatan letter, a PPPK's early cuti tahunan), see services/leave_rights.py.
ALTER TABLE requests ADD COLUMN ground TEXT;

-- Cuti bersama days an employee was kept at work (marked by the admin). Each one is added to
-- that year's cuti tahunan (PP 11/2017 Pasal 333(3)).
CREATE TABLE cuti_bersama_duty (
    nip         TEXT NOT NULL REFERENCES employees (nip),
    day         TEXT NOT NULL,               -- YYYY-MM-DD, a cuti bersama day
    marked_by   TEXT,                        -- NIP of the admin, NULL from the console
    marked_at   TEXT NOT NULL,
    PRIMARY KEY (nip, day)
);
CREATE INDEX cuti_bersama_duty_day ON cuti_bersama_duty (day);
