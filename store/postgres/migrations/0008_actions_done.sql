-- 0008_actions_done: SQLite's 0017. An agreed action marked done, once.

CREATE TABLE actions_done (
    note_id    bigint PRIMARY KEY REFERENCES notes (id),
    session_id text   COLLATE "C" NOT NULL REFERENCES sessions (id),
    text       text   NOT NULL,
    by_id      bigint NOT NULL REFERENCES users (id),
    actor      text   NOT NULL CHECK (actor IN ('trainee', 'coach', 'trainer')),
    at         bigint NOT NULL
);

CREATE INDEX actions_done_session ON actions_done (session_id);
