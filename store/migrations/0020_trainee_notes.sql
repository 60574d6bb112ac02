-- 0020_trainee_notes: coaches' notes on a trainee as a whole, tied to no
-- session (strengths, development points, actions with a due date), with
-- the trainee's acknowledgement and an action's completion, each set once.

CREATE TABLE trainee_notes (
    id          INTEGER PRIMARY KEY,
    trainee_id  INTEGER NOT NULL REFERENCES users (id),
    kind        TEXT    NOT NULL CHECK (kind IN ('strength', 'development', 'action')),
    text        TEXT    NOT NULL,
    due         INTEGER NOT NULL, -- ms; 0 when none
    by_id       INTEGER NOT NULL REFERENCES users (id),
    actor       TEXT    NOT NULL CHECK (actor IN ('coach', 'trainer')),
    at          INTEGER NOT NULL,
    ack_by      INTEGER REFERENCES users (id),
    ack_at      INTEGER NOT NULL DEFAULT 0, -- ms; 0 until acknowledged
    done_by     INTEGER REFERENCES users (id),
    done_actor  TEXT    NOT NULL DEFAULT '' CHECK (done_actor IN ('', 'trainee', 'coach', 'trainer')),
    done_text   TEXT    NOT NULL DEFAULT '',
    done_at     INTEGER NOT NULL DEFAULT 0 -- ms; 0 while open
) STRICT;

CREATE INDEX trainee_notes_trainee ON trainee_notes (trainee_id, id);
