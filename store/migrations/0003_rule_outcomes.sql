-- 0003_rule_outcomes: each rule's outcome in each scoring, in queryable form
-- beside the scorecard JSON (written by the same transaction), so that
-- analytics such as a rule's failure rate are one query. Existing
-- scorecards are backfilled from their JSON.

CREATE TABLE rule_outcomes (
    scorecard_id INTEGER NOT NULL REFERENCES scorecards (id),
    session_id   TEXT    NOT NULL REFERENCES sessions (id),
    rubric_hash  TEXT    NOT NULL,
    rule_id      TEXT    NOT NULL,
    section      TEXT    NOT NULL,
    title        TEXT    NOT NULL,
    outcome      TEXT    NOT NULL CHECK (outcome IN ('pass', 'fail', 'na', 'pending', 'partial', 'error')),
    points       REAL    NOT NULL,
    max_points   REAL    NOT NULL,
    critical     TEXT    NOT NULL CHECK (critical IN ('', 'section', 'drill')),
    PRIMARY KEY (scorecard_id, rule_id)
) STRICT, WITHOUT ROWID;

CREATE INDEX rule_outcomes_session ON rule_outcomes (session_id, scorecard_id);

-- The scorecard JSON is scoring.Scorecard: sections[].rules[] with id,
-- title, section, outcome, points, max and critical (omitted when empty).
INSERT INTO rule_outcomes (scorecard_id, session_id, rubric_hash, rule_id, section, title, outcome, points, max_points, critical)
SELECT sc.id, sc.session_id, sc.rubric_hash,
       json_extract(r.value, '$.id'),
       COALESCE(json_extract(r.value, '$.section'), json_extract(sec.value, '$.id'), ''),
       COALESCE(json_extract(r.value, '$.title'), ''),
       json_extract(r.value, '$.outcome'),
       COALESCE(json_extract(r.value, '$.points'), 0),
       COALESCE(json_extract(r.value, '$.max'), 0),
       COALESCE(json_extract(r.value, '$.critical'), '')
FROM scorecards sc,
     json_each(CAST(sc.body AS TEXT), '$.sections') sec,
     json_each(sec.value, '$.rules') r
WHERE json_valid(CAST(sc.body AS TEXT))
  AND json_type(r.value, '$.id') = 'text';
