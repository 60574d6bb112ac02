-- 0010_settings_policies: SQLite's 0018. The organisation's settings, chosen by an
-- administrator (drillroom.Setting): one row per key, with who changed it
-- last (NULL: the command line) and when.

CREATE TABLE settings (
    key        text   COLLATE "C" NOT NULL PRIMARY KEY,
    value      text   NOT NULL,
    updated_by bigint REFERENCES users (id),
    updated_at bigint NOT NULL
);

-- A publication carries the author's own policy its drill uses (empty: a
-- shipped policy), so the approver checks and publishes what was tested.
ALTER TABLE publications ADD COLUMN policy_source bytea NOT NULL DEFAULT '\x';
