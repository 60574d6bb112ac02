-- 0014_xapi_voiding (SQLite's 0022): what each outbox entry may have put in
-- the learning record store (its statements' ids, written before they are
-- posted), so that a newer report of the session voids them there; and
-- when a delivered entry voided them (NULL while they stand).

ALTER TABLE xapi_outbox
    ADD COLUMN statements text NOT NULL DEFAULT '',
    ADD COLUMN voided_at  bigint;

CREATE INDEX xapi_outbox_session ON xapi_outbox (session_id, id);
