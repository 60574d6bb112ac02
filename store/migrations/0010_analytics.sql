-- 0010_analytics: what cohort analytics read, kept beside the scorecards
-- by triggers so that every writer of scorecards (PutScorecard today, a
-- coach's re-scoring tomorrow) keeps them current without knowing of them.
--
-- scorecard_facts holds one row per scored session: its newest scorecard
-- and that card's headline (total, band, verdict, KPIs), with the
-- session's trainee, scenario, version, mode and start copied in so that
-- a cohort's dashboard filters one narrow table by index instead of
-- decoding every scorecard's JSON.
--
-- Each fact also carries the card's rule outcomes in one short text, so
-- that a dashboard's failure rates and rule x trainee heatmap read one row
-- per session instead of one per rule (rule_outcomes has those, for the
-- exports).
--
-- rule_notes holds, per scorecard and rule, the feedback the trainee read.

CREATE TABLE scorecard_facts (
    session_id               TEXT    NOT NULL UNIQUE REFERENCES sessions (id),
    scorecard_id             INTEGER NOT NULL REFERENCES scorecards (id),
    user_id                  INTEGER NOT NULL,
    scenario_id              TEXT    NOT NULL,
    version                  INTEGER NOT NULL,
    mode                     TEXT    NOT NULL,
    started_at               INTEGER NOT NULL,
    scored_at                INTEGER NOT NULL,
    rubric_hash              TEXT    NOT NULL,
    total                    REAL    NOT NULL,
    band                     TEXT    NOT NULL,
    passed                   INTEGER NOT NULL,
    handling_time            REAL    NOT NULL,
    talk_time                REAL    NOT NULL,
    hold_time                REAL    NOT NULL,
    wrap_up                  REAL    NOT NULL,
    fcr                      INTEGER NOT NULL,
    csat                     INTEGER NOT NULL,
    time_to_classify         REAL    NOT NULL,
    time_to_first_escalation REAL    NOT NULL,
    longest_silence          REAL    NOT NULL,
    outcomes                 TEXT    NOT NULL, -- "rule=outcome rule=outcome ...", in the rubric's order
    -- Rows are kept in the order the dashboards read them: by start.
    PRIMARY KEY (started_at, session_id)
) STRICT, WITHOUT ROWID;

CREATE INDEX scorecard_facts_user ON scorecard_facts (user_id, scenario_id, started_at);
CREATE INDEX scorecard_facts_scenario ON scorecard_facts (scenario_id, version, started_at);

CREATE TABLE rule_notes (
    scorecard_id INTEGER NOT NULL REFERENCES scorecards (id),
    rule_id      TEXT    NOT NULL,
    feedback     TEXT    NOT NULL,
    PRIMARY KEY (scorecard_id, rule_id)
) STRICT, WITHOUT ROWID;

CREATE TRIGGER scorecards_facts AFTER INSERT ON scorecards
BEGIN
    INSERT INTO scorecard_facts (session_id, scorecard_id, user_id, scenario_id, version, mode, started_at, scored_at,
        rubric_hash, total, band, passed, handling_time, talk_time, hold_time, wrap_up, fcr, csat,
        time_to_classify, time_to_first_escalation, longest_silence, outcomes)
    SELECT x.id, NEW.id, x.user_id, x.scenario_id, x.version, x.mode, x.created_at, NEW.created_at, NEW.rubric_hash,
        COALESCE(json_extract(j.b, '$.total'), 0),
        COALESCE(json_extract(j.b, '$.band'), ''),
        COALESCE(json_extract(j.b, '$.passed'), 0),
        COALESCE(json_extract(j.b, '$.kpis.handling_time'), 0),
        COALESCE(json_extract(j.b, '$.kpis.talk_time'), 0),
        COALESCE(json_extract(j.b, '$.kpis.hold_time'), 0),
        COALESCE(json_extract(j.b, '$.kpis.wrap_up'), 0),
        COALESCE(json_extract(j.b, '$.kpis.first_contact_resolution'), 0),
        COALESCE(json_extract(j.b, '$.kpis.csat'), 0),
        COALESCE(json_extract(j.b, '$.kpis.time_to_classify'), -1),
        COALESCE(json_extract(j.b, '$.kpis.time_to_first_escalation'), -1),
        COALESCE(json_extract(j.b, '$.kpis.longest_silence'), 0),
        (SELECT COALESCE(group_concat(json_extract(r.value, '$.id') || '=' || json_extract(r.value, '$.outcome'), ' '), '')
         FROM json_each(j.b, '$.sections') sec, json_each(sec.value, '$.rules') r
         WHERE json_type(r.value, '$.id') = 'text' AND json_type(r.value, '$.outcome') = 'text')
    FROM sessions x, (SELECT CAST(NEW.body AS TEXT) AS b) j
    WHERE x.id = NEW.session_id AND json_valid(j.b)
    ON CONFLICT (session_id) DO UPDATE SET
        scorecard_id = excluded.scorecard_id, scored_at = excluded.scored_at, rubric_hash = excluded.rubric_hash,
        total = excluded.total, band = excluded.band, passed = excluded.passed,
        handling_time = excluded.handling_time, talk_time = excluded.talk_time, hold_time = excluded.hold_time,
        wrap_up = excluded.wrap_up, fcr = excluded.fcr, csat = excluded.csat,
        time_to_classify = excluded.time_to_classify, time_to_first_escalation = excluded.time_to_first_escalation,
        longest_silence = excluded.longest_silence, outcomes = excluded.outcomes
    WHERE excluded.scorecard_id > scorecard_facts.scorecard_id;

    INSERT OR REPLACE INTO rule_notes (scorecard_id, rule_id, feedback)
    SELECT NEW.id, json_extract(r.value, '$.id'), json_extract(r.value, '$.feedback')
    FROM json_each(CAST(NEW.body AS TEXT), '$.sections') sec, json_each(sec.value, '$.rules') r
    WHERE json_valid(CAST(NEW.body AS TEXT)) AND json_type(r.value, '$.id') = 'text'
      AND json_type(r.value, '$.feedback') = 'text';
END;

-- The scorecards stored before this migration, oldest first, so the
-- newest of each session wins.
INSERT INTO scorecard_facts (session_id, scorecard_id, user_id, scenario_id, version, mode, started_at, scored_at,
    rubric_hash, total, band, passed, handling_time, talk_time, hold_time, wrap_up, fcr, csat,
    time_to_classify, time_to_first_escalation, longest_silence, outcomes)
SELECT x.id, sc.id, x.user_id, x.scenario_id, x.version, x.mode, x.created_at, sc.created_at, sc.rubric_hash,
    COALESCE(json_extract(CAST(sc.body AS TEXT), '$.total'), 0),
    COALESCE(json_extract(CAST(sc.body AS TEXT), '$.band'), ''),
    COALESCE(json_extract(CAST(sc.body AS TEXT), '$.passed'), 0),
    COALESCE(json_extract(CAST(sc.body AS TEXT), '$.kpis.handling_time'), 0),
    COALESCE(json_extract(CAST(sc.body AS TEXT), '$.kpis.talk_time'), 0),
    COALESCE(json_extract(CAST(sc.body AS TEXT), '$.kpis.hold_time'), 0),
    COALESCE(json_extract(CAST(sc.body AS TEXT), '$.kpis.wrap_up'), 0),
    COALESCE(json_extract(CAST(sc.body AS TEXT), '$.kpis.first_contact_resolution'), 0),
    COALESCE(json_extract(CAST(sc.body AS TEXT), '$.kpis.csat'), 0),
    COALESCE(json_extract(CAST(sc.body AS TEXT), '$.kpis.time_to_classify'), -1),
    COALESCE(json_extract(CAST(sc.body AS TEXT), '$.kpis.time_to_first_escalation'), -1),
    COALESCE(json_extract(CAST(sc.body AS TEXT), '$.kpis.longest_silence'), 0),
    (SELECT COALESCE(group_concat(json_extract(r.value, '$.id') || '=' || json_extract(r.value, '$.outcome'), ' '), '')
     FROM json_each(CAST(sc.body AS TEXT), '$.sections') sec, json_each(sec.value, '$.rules') r
     WHERE json_type(r.value, '$.id') = 'text' AND json_type(r.value, '$.outcome') = 'text')
FROM scorecards sc JOIN sessions x ON x.id = sc.session_id
WHERE sc.id = (SELECT MAX(id) FROM scorecards WHERE session_id = sc.session_id)
  AND json_valid(CAST(sc.body AS TEXT));

INSERT OR REPLACE INTO rule_notes (scorecard_id, rule_id, feedback)
SELECT sc.id, json_extract(r.value, '$.id'), json_extract(r.value, '$.feedback')
FROM scorecards sc,
     json_each(CAST(sc.body AS TEXT), '$.sections') sec,
     json_each(sec.value, '$.rules') r
WHERE json_valid(CAST(sc.body AS TEXT)) AND json_type(r.value, '$.id') = 'text'
  AND json_type(r.value, '$.feedback') = 'text';
