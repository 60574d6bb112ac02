-- 0016_settings: the organisation's settings, chosen by an administrator
-- (drillroom.Setting): one row per key, with who changed it last (NULL:
-- the command line) and when.

CREATE TABLE settings (
    key        TEXT    NOT NULL PRIMARY KEY,
    value      TEXT    NOT NULL,
    updated_by INTEGER REFERENCES users (id),
    updated_at INTEGER NOT NULL
) STRICT, WITHOUT ROWID;
