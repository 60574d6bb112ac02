-- 0012_releases: a coach's release of a session's reviewed scorecard (the
-- marks and notes made up to that moment) to the trainee. Until the first
-- release the trainee sees the automatic scorecard; a mark or note made
-- after the latest release waits for the next one. Append-only: the rows
-- are the audit trail.

CREATE TABLE releases (
    id         INTEGER PRIMARY KEY,
    session_id TEXT    NOT NULL REFERENCES sessions (id),
    by_id      INTEGER NOT NULL REFERENCES users (id),
    actor      TEXT    NOT NULL CHECK (actor IN ('coach', 'trainer')),
    at         INTEGER NOT NULL
) STRICT;

CREATE INDEX releases_session ON releases (session_id, id);
