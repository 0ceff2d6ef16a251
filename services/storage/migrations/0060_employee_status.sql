-- Employee status (PNS, CPNS or PPPK): the leave rights differ (PP 11/2017 for PNS/CPNS,
-- PP 49/2018 for PPPK). Existing rows are set from the golongan: PPPK golongan are the Roman
-- numerals I–XVII, PNS golongan carry a letter (III/a). The operator is told the counts and
-- corrects a CPNS by re-importing with the `status` column.
-- akhir_kontrak: the end of a PPPK contract (carry-over of cuti tahunan depends on its
-- length); jenis_kelamin: L/P where the registry says it (otherwise the NIP's digit 15 tells).
ALTER TABLE employees ADD COLUMN status TEXT NOT NULL DEFAULT 'PNS'
    CHECK (status IN ('PNS', 'CPNS', 'PPPK'));
ALTER TABLE employees ADD COLUMN akhir_kontrak TEXT;
ALTER TABLE employees ADD COLUMN jenis_kelamin TEXT CHECK (jenis_kelamin IN ('L', 'P'));

UPDATE employees SET status = 'PPPK'
WHERE golongan IN ('I', 'II', 'III', 'IV', 'V', 'VI', 'VII', 'VIII', 'IX', 'X', 'XI', 'XII',
                   'XIII', 'XIV', 'XV', 'XVI', 'XVII');
