-- 0008_coaching: coaches' notes on a session (strengths, development
-- points, actions with a due date) and the thread with the trainee
-- (acknowledgements, disputes of a line, coaches' resolutions). Both are
-- append-only.

CREATE TABLE notes (
    id         INTEGER PRIMARY KEY,
    session_id TEXT    NOT NULL REFERENCES sessions (id),
    kind       TEXT    NOT NULL CHECK (kind IN ('strength', 'development', 'action')),
    text       TEXT    NOT NULL,
    due        INTEGER NOT NULL, -- ms; 0 when none
    seq        INTEGER NOT NULL CHECK (seq >= 0), -- the event annotated; 0 for the whole session
    by_id      INTEGER NOT NULL REFERENCES users (id),
    actor      TEXT    NOT NULL CHECK (actor IN ('coach', 'trainer')),
    at         INTEGER NOT NULL
) STRICT;

CREATE INDEX notes_session ON notes (session_id, id);

CREATE TABLE responses (
    id         INTEGER PRIMARY KEY,
    session_id TEXT    NOT NULL REFERENCES sessions (id),
    kind       TEXT    NOT NULL CHECK (kind IN ('ack', 'dispute', 'resolve')),
    rule_id    TEXT    NOT NULL,
    ref        INTEGER NOT NULL, -- a resolution's dispute id; 0 otherwise
    text       TEXT    NOT NULL,
    by_id      INTEGER NOT NULL REFERENCES users (id),
    actor      TEXT    NOT NULL CHECK (actor IN ('trainee', 'coach', 'trainer')),
    at         INTEGER NOT NULL
) STRICT;

CREATE INDEX responses_session ON responses (session_id, id);
