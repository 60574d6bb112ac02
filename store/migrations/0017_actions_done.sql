-- 0017_actions_done: an agreed action (a coaching note of kind action)
-- marked done, by the trainee or a coach or trainer; once per action,
-- never changed.

CREATE TABLE actions_done (
    note_id    INTEGER PRIMARY KEY REFERENCES notes (id),
    session_id TEXT    NOT NULL REFERENCES sessions (id),
    text       TEXT    NOT NULL,
    by_id      INTEGER NOT NULL REFERENCES users (id),
    actor      TEXT    NOT NULL CHECK (actor IN ('trainee', 'coach', 'trainer')),
    at         INTEGER NOT NULL
) STRICT;

CREATE INDEX actions_done_session ON actions_done (session_id);
