-- 0019_official: cohort analytics and xAPI report the official scorecard
-- (the automatic one with the coaches' marks as last released to the
-- trainee), not only the automatic one.
--
-- scorecard_facts.released_id is the session's newest release, kept by a
-- trigger on releases. The official_* columns hold the official result as
-- package training last computed it (applying marks is Go: scoring's rules
-- for totals, bands and critical failures), with the scorecard and the
-- release it was computed from; when either is no longer the session's
-- newest, the row is stale and the next reader recomputes it (the partial
-- index lists the stale rows, normally none). official_changes lists the
-- rules whose outcome or points the marks changed, "rule=outcome:points"
-- separated by spaces.

ALTER TABLE scorecard_facts ADD COLUMN released_id INTEGER;
ALTER TABLE scorecard_facts ADD COLUMN official_scorecard_id INTEGER;
ALTER TABLE scorecard_facts ADD COLUMN official_release_id INTEGER;
ALTER TABLE scorecard_facts ADD COLUMN official_total REAL;
ALTER TABLE scorecard_facts ADD COLUMN official_band TEXT;
ALTER TABLE scorecard_facts ADD COLUMN official_passed INTEGER;
ALTER TABLE scorecard_facts ADD COLUMN official_changes TEXT;

CREATE INDEX scorecard_facts_stale ON scorecard_facts (session_id)
    WHERE released_id IS NOT NULL
      AND (official_release_id IS NOT released_id OR official_scorecard_id IS NOT scorecard_id);

UPDATE scorecard_facts SET released_id = (SELECT MAX(r.id) FROM releases r WHERE r.session_id = scorecard_facts.session_id);

CREATE TRIGGER releases_facts AFTER INSERT ON releases
BEGIN
    UPDATE scorecard_facts SET released_id = NEW.id WHERE session_id = NEW.session_id;
END;

-- The outbox gets one entry per release too: the statements of the
-- official scorecard as released. An entry is now a scorecard and the
-- release it is reported with (0: none), so the table is rebuilt without
-- the uniqueness of scorecard_id alone.
CREATE TABLE xapi_outbox_new (
    id           INTEGER PRIMARY KEY,
    session_id   TEXT    NOT NULL REFERENCES sessions (id),
    scorecard_id INTEGER NOT NULL REFERENCES scorecards (id),
    release_id   INTEGER NOT NULL DEFAULT 0,
    queued_at    INTEGER NOT NULL,
    attempts     INTEGER NOT NULL DEFAULT 0,
    next_at      INTEGER NOT NULL,
    sent_at      INTEGER, -- NULL until delivered (or superseded by a newer scoring or release)
    last_error   TEXT    NOT NULL DEFAULT '',
    UNIQUE (scorecard_id, release_id)
) STRICT;

INSERT INTO xapi_outbox_new (id, session_id, scorecard_id, release_id, queued_at, attempts, next_at, sent_at, last_error)
SELECT id, session_id, scorecard_id, 0, queued_at, attempts, next_at, sent_at, last_error FROM xapi_outbox;

DROP TRIGGER scorecards_xapi;
DROP TABLE xapi_outbox;
ALTER TABLE xapi_outbox_new RENAME TO xapi_outbox;
CREATE INDEX xapi_outbox_due ON xapi_outbox (next_at, id) WHERE sent_at IS NULL;

CREATE TRIGGER scorecards_xapi AFTER INSERT ON scorecards
BEGIN
    INSERT INTO xapi_outbox (session_id, scorecard_id, release_id, queued_at, next_at)
    VALUES (NEW.session_id, NEW.id, COALESCE((SELECT MAX(id) FROM releases WHERE session_id = NEW.session_id), 0),
        NEW.created_at, NEW.created_at);
END;

CREATE TRIGGER releases_xapi AFTER INSERT ON releases
BEGIN
    INSERT INTO xapi_outbox (session_id, scorecard_id, release_id, queued_at, next_at)
    SELECT NEW.session_id, MAX(id), NEW.id, NEW.at, NEW.at FROM scorecards WHERE session_id = NEW.session_id
    HAVING MAX(id) IS NOT NULL;
END;
