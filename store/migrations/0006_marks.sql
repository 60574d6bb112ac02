-- 0006_marks: coaches' marks on a session's rules (manual scores, overrides
-- of automatic outcomes, withdrawals), append-only: the current mark of a
-- rule is its newest row, and the rows are the audit trail (who, when, old
-- and new, why). The official scorecard is the newest automatic scorecard
-- with the current marks applied, so re-scoring keeps them.

CREATE TABLE marks (
    id          INTEGER PRIMARY KEY,
    session_id  TEXT    NOT NULL REFERENCES sessions (id),
    rule_id     TEXT    NOT NULL,
    kind        TEXT    NOT NULL CHECK (kind IN ('manual', 'override', 'withdraw')),
    outcome     TEXT    NOT NULL CHECK (outcome IN ('', 'pass', 'fail', 'partial', 'na')),
    points      REAL    NOT NULL,
    old_outcome TEXT    NOT NULL,
    old_points  REAL    NOT NULL,
    reason      TEXT    NOT NULL,
    rubric_hash TEXT    NOT NULL,
    by_id       INTEGER NOT NULL REFERENCES users (id),
    actor       TEXT    NOT NULL CHECK (actor IN ('coach', 'trainer')),
    at          INTEGER NOT NULL
) STRICT;

CREATE INDEX marks_session ON marks (session_id, id);
