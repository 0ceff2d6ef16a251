-- Each ADMS machine's users' privileges, as the machine last reported them (OPERLOG/USERINFO
-- user lines) or as we last wrote them (`presensi device push-users [--admin]`, /mesin): a
-- write from chat repeats the privilege, so it never turns a machine admin into an ordinary
-- user. A machine with no row here has never told us its users.
CREATE TABLE device_user_privileges (
    serial      TEXT NOT NULL,
    pin         TEXT NOT NULL,
    privilege   INTEGER NOT NULL CHECK (privilege >= 0),
    source      TEXT NOT NULL CHECK (source IN ('machine', 'pushed')),
    updated_at  TEXT NOT NULL,
    PRIMARY KEY (serial, pin)
) WITHOUT ROWID;
