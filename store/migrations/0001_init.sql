-- 0001_init: users, logins, scenario versions, assignments, sessions,
-- their event logs and command results, scorecards (with history) and reviews.
-- Times are Unix milliseconds (UTC).

CREATE TABLE users (
    id            INTEGER PRIMARY KEY,
    username      TEXT    NOT NULL UNIQUE COLLATE NOCASE,
    display_name  TEXT    NOT NULL,
    role          TEXT    NOT NULL CHECK (role IN ('trainee', 'trainer', 'coach')),
    password_hash TEXT    NOT NULL,
    created_at    INTEGER NOT NULL
) STRICT;

CREATE INDEX users_role ON users (role, username);

-- Only the SHA-256 of a login token is stored: a leaked database does not
-- hand out live browser sessions.
CREATE TABLE logins (
    token_hash BLOB    NOT NULL PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
) STRICT, WITHOUT ROWID;

CREATE INDEX logins_user ON logins (user_id);
CREATE INDEX logins_expires ON logins (expires_at);

CREATE TABLE scenario_versions (
    scenario_id   TEXT    NOT NULL,
    version       INTEGER NOT NULL CHECK (version > 0),
    hash          TEXT    NOT NULL,
    title         TEXT    NOT NULL,
    summary       TEXT    NOT NULL,
    difficulty    TEXT    NOT NULL,
    duration_ms   INTEGER NOT NULL,
    tags          TEXT    NOT NULL, -- JSON array of strings
    source        BLOB    NOT NULL,
    policy_source BLOB    NOT NULL,
    created_at    INTEGER NOT NULL,
    PRIMARY KEY (scenario_id, version),
    UNIQUE (scenario_id, hash)
) STRICT;

CREATE TABLE assignments (
    user_id     INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    scenario_id TEXT    NOT NULL,
    mode        TEXT    NOT NULL CHECK (mode IN ('practice', 'assessment')),
    assigned_at INTEGER NOT NULL,
    PRIMARY KEY (user_id, scenario_id, mode)
) STRICT, WITHOUT ROWID;

CREATE TABLE sessions (
    id          TEXT    NOT NULL PRIMARY KEY,
    user_id     INTEGER NOT NULL REFERENCES users (id),
    scenario_id TEXT    NOT NULL,
    version     INTEGER NOT NULL,
    hash        TEXT    NOT NULL,
    seed        INTEGER NOT NULL,
    mode        TEXT    NOT NULL CHECK (mode IN ('practice', 'assessment')),
    scale       REAL    NOT NULL CHECK (scale > 0),
    state       TEXT    NOT NULL CHECK (state IN ('live', 'ended')),
    ending      TEXT    NOT NULL DEFAULT '',
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL,
    last_seq    INTEGER NOT NULL DEFAULT 0,
    FOREIGN KEY (scenario_id, version) REFERENCES scenario_versions (scenario_id, version)
) STRICT;

CREATE INDEX sessions_user ON sessions (user_id, created_at);
CREATE INDEX sessions_live ON sessions (state) WHERE state = 'live';

-- The event log. The primary key is the UNIQUE(session_id, seq) constraint
-- and clusters one session's events together on disk.
CREATE TABLE events (
    session_id TEXT    NOT NULL REFERENCES sessions (id),
    seq        INTEGER NOT NULL CHECK (seq > 0),
    t          INTEGER NOT NULL,
    type       TEXT    NOT NULL,
    body       TEXT    NOT NULL, -- the simulator.Event as JSON
    PRIMARY KEY (session_id, seq)
) STRICT, WITHOUT ROWID;

-- Client command ids, written in the same transaction as the events they
-- produced, with the answer to repeat when the client retries.
CREATE TABLE commands (
    session_id TEXT    NOT NULL REFERENCES sessions (id),
    cmd_id     TEXT    NOT NULL,
    first_seq  INTEGER NOT NULL,
    last_seq   INTEGER NOT NULL,
    result     BLOB    NOT NULL,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (session_id, cmd_id)
) STRICT, WITHOUT ROWID;

-- Every scoring of a session is kept; the newest row is the current scorecard.
CREATE TABLE scorecards (
    id          INTEGER PRIMARY KEY,
    session_id  TEXT    NOT NULL REFERENCES sessions (id),
    rubric_hash TEXT    NOT NULL,
    body        BLOB    NOT NULL,
    created_at  INTEGER NOT NULL
) STRICT;

CREATE INDEX scorecards_session ON scorecards (session_id, id);

CREATE TABLE reviews (
    session_id TEXT    NOT NULL PRIMARY KEY REFERENCES sessions (id),
    text       TEXT    NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
) STRICT, WITHOUT ROWID;
