-- 0022_xapi_voiding: what each outbox entry may have put in the learning
-- record store, so that a newer report of the session (a coach's review
-- released, a re-scoring) voids it there.
--
-- statements lists the ids of the entry's statements, separated by
-- spaces, written before they are posted: from then on they may have
-- reached the LRS (an answer can be lost), so they are voided when a newer
-- entry of the session is delivered, even if this entry was never
-- acknowledged. voided_at is when a delivered entry voided them (NULL while
-- they stand).

ALTER TABLE xapi_outbox ADD COLUMN statements TEXT NOT NULL DEFAULT '';
ALTER TABLE xapi_outbox ADD COLUMN voided_at INTEGER;

CREATE INDEX xapi_outbox_session ON xapi_outbox (session_id, id);
