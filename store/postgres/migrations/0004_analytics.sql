-- 0004_analytics (SQLite's 0010): what cohort analytics read, kept beside
-- the scorecards by a trigger so that every writer of scorecards keeps them
-- current without knowing of them.
--
-- scorecard_facts holds one row per scored session: its newest scorecard
-- and that card's headline (total, band, verdict, KPIs), with the session's
-- trainee, scenario, version, mode and start copied in, and the card's rule
-- outcomes in one short text ("rule=outcome rule=outcome ...", in the
-- rubric's order). rule_notes holds, per scorecard and rule, the feedback
-- the trainee read.

CREATE TABLE scorecard_facts (
    session_id               text             COLLATE "C" NOT NULL UNIQUE REFERENCES sessions (id),
    scorecard_id             bigint           NOT NULL REFERENCES scorecards (id),
    user_id                  bigint           NOT NULL,
    scenario_id              text             COLLATE "C" NOT NULL,
    version                  integer          NOT NULL,
    mode                     text             COLLATE "C" NOT NULL,
    started_at               bigint           NOT NULL,
    scored_at                bigint           NOT NULL,
    rubric_hash              text             NOT NULL,
    total                    double precision NOT NULL,
    band                     text             NOT NULL,
    passed                   boolean          NOT NULL,
    handling_time            double precision NOT NULL,
    talk_time                double precision NOT NULL,
    hold_time                double precision NOT NULL,
    wrap_up                  double precision NOT NULL,
    fcr                      boolean          NOT NULL,
    csat                     bigint           NOT NULL,
    time_to_classify         double precision NOT NULL,
    time_to_first_escalation double precision NOT NULL,
    longest_silence          double precision NOT NULL,
    outcomes                 text             NOT NULL,
    PRIMARY KEY (started_at, session_id)
);

CREATE INDEX scorecard_facts_user ON scorecard_facts (user_id, scenario_id, started_at);
CREATE INDEX scorecard_facts_scenario ON scorecard_facts (scenario_id, version, started_at);

CREATE TABLE rule_notes (
    scorecard_id bigint NOT NULL REFERENCES scorecards (id),
    rule_id      text   COLLATE "C" NOT NULL,
    feedback     text   NOT NULL,
    PRIMARY KEY (scorecard_id, rule_id)
);

-- scorecard_json is a scorecard's body as jsonb, or NULL when it is not
-- JSON that PostgreSQL can hold (SQLite's json_valid guard).
CREATE FUNCTION scorecard_json(body bytea) RETURNS jsonb LANGUAGE plpgsql IMMUTABLE AS $$
BEGIN
    RETURN convert_from(body, 'UTF8')::jsonb;
EXCEPTION WHEN others THEN
    RETURN NULL;
END;
$$;

-- json_number is the number at path in j as SQLite's json_extract gives it
-- (a boolean is 1 or 0), or dflt when there is none.
CREATE FUNCTION json_number(j jsonb, path text[], dflt double precision) RETURNS double precision
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN CASE jsonb_typeof(j #> path)
        WHEN 'number' THEN (j #>> path)::double precision
        WHEN 'boolean' THEN CASE WHEN (j #> path) = 'true'::jsonb THEN 1 ELSE 0 END
        ELSE dflt END;

-- scorecard_rules lists the rules of a scorecard's sections in the
-- rubric's order.
CREATE FUNCTION scorecard_rules(j jsonb) RETURNS TABLE (ord bigint, r jsonb)
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT row_number() OVER (ORDER BY s.o, x.o), x.v
    FROM jsonb_array_elements(CASE WHEN jsonb_typeof(j -> 'sections') = 'array' THEN j -> 'sections' ELSE '[]' END)
            WITH ORDINALITY AS s (v, o),
         jsonb_array_elements(CASE WHEN jsonb_typeof(s.v -> 'rules') = 'array' THEN s.v -> 'rules' ELSE '[]' END)
            WITH ORDINALITY AS x (v, o)
$$;

-- analytics_record brings scorecard_facts and rule_notes up to date with
-- scorecard p_id.
CREATE FUNCTION analytics_record(p_id bigint) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    sc scorecards;
    j  jsonb;
BEGIN
    SELECT * INTO sc FROM scorecards WHERE id = p_id;
    j := scorecard_json(sc.body);
    IF j IS NULL THEN
        RETURN;
    END IF;
    INSERT INTO scorecard_facts (session_id, scorecard_id, user_id, scenario_id, version, mode, started_at, scored_at,
        rubric_hash, total, band, passed, handling_time, talk_time, hold_time, wrap_up, fcr, csat,
        time_to_classify, time_to_first_escalation, longest_silence, outcomes)
    SELECT x.id, sc.id, x.user_id, x.scenario_id, x.version, x.mode, x.created_at, sc.created_at, sc.rubric_hash,
        json_number(j, '{total}', 0),
        COALESCE(j ->> 'band', ''),
        json_number(j, '{passed}', 0) <> 0,
        json_number(j, '{kpis,handling_time}', 0),
        json_number(j, '{kpis,talk_time}', 0),
        json_number(j, '{kpis,hold_time}', 0),
        json_number(j, '{kpis,wrap_up}', 0),
        json_number(j, '{kpis,first_contact_resolution}', 0) <> 0,
        json_number(j, '{kpis,csat}', 0)::bigint,
        json_number(j, '{kpis,time_to_classify}', -1),
        json_number(j, '{kpis,time_to_first_escalation}', -1),
        json_number(j, '{kpis,longest_silence}', 0),
        (SELECT COALESCE(string_agg((r ->> 'id') || '=' || (r ->> 'outcome'), ' ' ORDER BY ord), '')
         FROM scorecard_rules(j)
         WHERE jsonb_typeof(r -> 'id') = 'string' AND jsonb_typeof(r -> 'outcome') = 'string')
    FROM sessions x WHERE x.id = sc.session_id
    ON CONFLICT (session_id) DO UPDATE SET
        scorecard_id = excluded.scorecard_id, scored_at = excluded.scored_at, rubric_hash = excluded.rubric_hash,
        total = excluded.total, band = excluded.band, passed = excluded.passed,
        handling_time = excluded.handling_time, talk_time = excluded.talk_time, hold_time = excluded.hold_time,
        wrap_up = excluded.wrap_up, fcr = excluded.fcr, csat = excluded.csat,
        time_to_classify = excluded.time_to_classify, time_to_first_escalation = excluded.time_to_first_escalation,
        longest_silence = excluded.longest_silence, outcomes = excluded.outcomes
    WHERE excluded.scorecard_id > scorecard_facts.scorecard_id;

    -- A rule named twice keeps its last feedback (SQLite's INSERT OR REPLACE).
    INSERT INTO rule_notes (scorecard_id, rule_id, feedback)
    SELECT DISTINCT ON (r ->> 'id') sc.id, r ->> 'id', r ->> 'feedback'
    FROM scorecard_rules(j)
    WHERE jsonb_typeof(r -> 'id') = 'string' AND jsonb_typeof(r -> 'feedback') = 'string'
    ORDER BY r ->> 'id', ord DESC
    ON CONFLICT (scorecard_id, rule_id) DO UPDATE SET feedback = excluded.feedback;
END;
$$;

CREATE FUNCTION scorecards_facts() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM analytics_record(NEW.id);
    RETURN NULL;
END;
$$;

CREATE TRIGGER scorecards_facts AFTER INSERT ON scorecards
    FOR EACH ROW EXECUTE FUNCTION scorecards_facts();

-- The scorecards stored before this migration, oldest first, so the
-- newest of each session wins.
SELECT analytics_record(id) FROM (SELECT id FROM scorecards ORDER BY id) sc;
