-- 0015_assignments: drills assigned by trainers to cohorts or to single
-- trainees, a version or the latest, with an optional due date and number
-- of attempts. The per-user assignments table stays (serve --demo and the
-- command line write it); a user's assignments are both.

CREATE TABLE drill_assignments (
    id          INTEGER PRIMARY KEY,
    scenario_id TEXT    NOT NULL,
    version     INTEGER NOT NULL CHECK (version >= 0), -- 0: the latest
    mode        TEXT    NOT NULL CHECK (mode IN ('practice', 'assessment')),
    cohort_id   INTEGER REFERENCES cohorts (id) ON DELETE CASCADE,
    user_id     INTEGER REFERENCES users (id) ON DELETE CASCADE,
    due_at      INTEGER,
    attempts    INTEGER NOT NULL CHECK (attempts >= 0), -- 0: unlimited
    assigned_by INTEGER NOT NULL REFERENCES users (id),
    assigned_at INTEGER NOT NULL,
    CHECK ((cohort_id IS NULL) <> (user_id IS NULL))
) STRICT;

CREATE INDEX drill_assignments_cohort ON drill_assignments (cohort_id);
CREATE INDEX drill_assignments_user ON drill_assignments (user_id);
