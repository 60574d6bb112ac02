-- 0011_xapi_outbox: the durable outbox of xAPI statements. Every stored
-- scorecard queues its session's statements, by trigger and in the same
-- transaction, so none is lost and no session waits for an LRS; package
-- xapi's sender builds the statements when it delivers them and marks the
-- row sent, or moves next_at on with its backoff.

CREATE TABLE xapi_outbox (
    id           INTEGER PRIMARY KEY,
    session_id   TEXT    NOT NULL REFERENCES sessions (id),
    scorecard_id INTEGER NOT NULL UNIQUE REFERENCES scorecards (id),
    queued_at    INTEGER NOT NULL,
    attempts     INTEGER NOT NULL DEFAULT 0,
    next_at      INTEGER NOT NULL,
    sent_at      INTEGER, -- NULL until delivered (or superseded by a newer scoring)
    last_error   TEXT    NOT NULL DEFAULT ''
) STRICT;

CREATE INDEX xapi_outbox_due ON xapi_outbox (next_at, id) WHERE sent_at IS NULL;

CREATE TRIGGER scorecards_xapi AFTER INSERT ON scorecards
BEGIN
    INSERT INTO xapi_outbox (session_id, scorecard_id, queued_at, next_at)
    VALUES (NEW.session_id, NEW.id, NEW.created_at, NEW.created_at);
END;
