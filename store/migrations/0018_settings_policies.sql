-- 0018_settings_policies: the organisation's settings, chosen by an administrator
-- (drillroom.Setting): one row per key, with who changed it last (NULL:
-- the command line) and when.

CREATE TABLE settings (
    key        TEXT    NOT NULL PRIMARY KEY,
    value      TEXT    NOT NULL,
    updated_by INTEGER REFERENCES users (id),
    updated_at INTEGER NOT NULL
) STRICT, WITHOUT ROWID;

-- A publication carries the author's own policy its drill uses (empty: a
-- shipped policy), so the approver checks and publishes what was tested.
ALTER TABLE publications ADD COLUMN policy_source BLOB NOT NULL DEFAULT x'';
