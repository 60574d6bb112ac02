-- 0007_claims: a coach's claim on a session under review, one per session,
-- lapsing at until (milliseconds) unless renewed.

CREATE TABLE claims (
    session_id TEXT    PRIMARY KEY REFERENCES sessions (id),
    user_id    INTEGER NOT NULL REFERENCES users (id),
    at         INTEGER NOT NULL,
    until      INTEGER NOT NULL
) STRICT;
