-- 0009_calibration: calibration rounds (a lead puts one session to several
-- markers, who mark it blind until the lead publishes the round), their
-- members and each member's outcome per rule.

CREATE TABLE calibration_rounds (
    id           INTEGER PRIMARY KEY,
    session_id   TEXT    NOT NULL REFERENCES sessions (id),
    lead_id      INTEGER NOT NULL REFERENCES users (id),
    created_at   INTEGER NOT NULL,
    published_at INTEGER NOT NULL -- 0 while blind
) STRICT;

CREATE INDEX calibration_rounds_session ON calibration_rounds (session_id, id);

CREATE TABLE calibration_members (
    round_id INTEGER NOT NULL REFERENCES calibration_rounds (id),
    user_id  INTEGER NOT NULL REFERENCES users (id),
    PRIMARY KEY (round_id, user_id)
) STRICT, WITHOUT ROWID;

CREATE TABLE calibration_marks (
    round_id INTEGER NOT NULL REFERENCES calibration_rounds (id),
    user_id  INTEGER NOT NULL REFERENCES users (id),
    rule_id  TEXT    NOT NULL,
    outcome  TEXT    NOT NULL CHECK (outcome IN ('pass', 'fail', 'partial', 'na')),
    points   REAL    NOT NULL,
    at       INTEGER NOT NULL,
    PRIMARY KEY (round_id, user_id, rule_id)
) STRICT, WITHOUT ROWID;
