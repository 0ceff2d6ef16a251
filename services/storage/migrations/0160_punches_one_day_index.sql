-- punches_day_user (0130) leads with local_date, so it serves every lookup punches_date did;
-- the second index only cost each stored punch one more b-tree insert (a pull of 20,000
-- records spent about a tenth of its storing time on it).
DROP INDEX IF EXISTS punches_date;
