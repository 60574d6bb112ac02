-- 0011_official (SQLite's 0019): cohort analytics and xAPI report the
-- official scorecard (the automatic one with the coaches' marks as last
-- released to the trainee).
--
-- scorecard_facts.released_id is the session's newest release, kept by a
-- trigger on releases; the official_* columns hold the official result as
-- package training last computed it, with the scorecard and release it was
-- computed from. When either is no longer the newest the row is stale and
-- the next reader recomputes it (the partial index lists the stale rows).
-- official_changes lists the rules the marks changed, "rule=outcome:points"
-- separated by spaces.

ALTER TABLE scorecard_facts
    ADD COLUMN released_id           bigint,
    ADD COLUMN official_scorecard_id bigint,
    ADD COLUMN official_release_id   bigint,
    ADD COLUMN official_total        double precision,
    ADD COLUMN official_band         text,
    ADD COLUMN official_passed       boolean,
    ADD COLUMN official_changes      text;

CREATE INDEX scorecard_facts_stale ON scorecard_facts (session_id)
    WHERE released_id IS NOT NULL
      AND (official_release_id IS DISTINCT FROM released_id OR official_scorecard_id IS DISTINCT FROM scorecard_id);

UPDATE scorecard_facts f SET released_id = (SELECT MAX(r.id) FROM releases r WHERE r.session_id = f.session_id);

CREATE FUNCTION releases_facts() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE scorecard_facts SET released_id = NEW.id WHERE session_id = NEW.session_id;
    RETURN NULL;
END;
$$;

CREATE TRIGGER releases_facts AFTER INSERT ON releases
    FOR EACH ROW EXECUTE FUNCTION releases_facts();

-- The outbox gets one entry per release too: an entry is a scorecard and
-- the release it is reported with (0: none).
ALTER TABLE xapi_outbox ADD COLUMN release_id bigint NOT NULL DEFAULT 0;
ALTER TABLE xapi_outbox DROP CONSTRAINT xapi_outbox_scorecard_id_key;
ALTER TABLE xapi_outbox ADD CONSTRAINT xapi_outbox_scorecard_release_key UNIQUE (scorecard_id, release_id);

CREATE OR REPLACE FUNCTION scorecards_xapi() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO xapi_outbox (session_id, scorecard_id, release_id, queued_at, next_at)
    VALUES (NEW.session_id, NEW.id, COALESCE((SELECT MAX(id) FROM releases WHERE session_id = NEW.session_id), 0),
        NEW.created_at, NEW.created_at);
    RETURN NULL;
END;
$$;

CREATE FUNCTION releases_xapi() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO xapi_outbox (session_id, scorecard_id, release_id, queued_at, next_at)
    SELECT NEW.session_id, MAX(id), NEW.id, NEW.at, NEW.at FROM scorecards WHERE session_id = NEW.session_id
    HAVING MAX(id) IS NOT NULL;
    RETURN NULL;
END;
$$;

CREATE TRIGGER releases_xapi AFTER INSERT ON releases
    FOR EACH ROW EXECUTE FUNCTION releases_xapi();
