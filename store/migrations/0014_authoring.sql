-- 0014_authoring: trainers' drafts, the record of who published and who
-- approved each version from the editor, retired versions.

CREATE TABLE drafts (
    id         INTEGER PRIMARY KEY,
    author_id  INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name       TEXT    NOT NULL,
    source     BLOB    NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
) STRICT;

CREATE INDEX drafts_author ON drafts (author_id, updated_at);

CREATE TABLE publications (
    id           INTEGER PRIMARY KEY,
    scenario_id  TEXT    NOT NULL,
    version      INTEGER NOT NULL,
    hash         TEXT    NOT NULL,
    title        TEXT    NOT NULL,
    source       BLOB    NOT NULL,
    author_id    INTEGER NOT NULL REFERENCES users (id),
    approver_id  INTEGER REFERENCES users (id),
    state        TEXT    NOT NULL CHECK (state IN ('pending', 'published', 'rejected')),
    requested_at INTEGER NOT NULL,
    decided_at   INTEGER,
    CHECK (approver_id IS NULL OR approver_id <> author_id)
) STRICT;

-- One live request or publication per version number; a rejected one
-- frees its number.
CREATE UNIQUE INDEX publications_version ON publications (scenario_id, version) WHERE state <> 'rejected';
CREATE INDEX publications_state ON publications (state, requested_at);

ALTER TABLE scenario_versions ADD COLUMN retired_at INTEGER;
