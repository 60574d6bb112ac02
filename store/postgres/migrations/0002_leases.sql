-- 0002_leases: which node owns each live session, for several drillroom
-- nodes on one database. A lease has an owner, an expiry (the database's
-- clock, so nodes' clocks need not agree) and an epoch, the fencing token:
-- every new owner gets a higher epoch, and append_events refuses an append
-- that carries an older one, so a paused old owner cannot write after
-- losing the session.

CREATE TABLE session_leases (
    session_id text        COLLATE "C" NOT NULL PRIMARY KEY REFERENCES sessions (id),
    node       text        NOT NULL,
    epoch      bigint      NOT NULL CHECK (epoch > 0),
    expires_at timestamptz NOT NULL
);

CREATE INDEX session_leases_node ON session_leases (node);

-- append_events with fencing: p_epoch 0 is a single node's append (no
-- lease is checked, as before); otherwise the session's lease must be
-- p_node's at epoch p_epoch, or the status is 'fenced' and nothing is
-- written. The lease row is read FOR SHARE, so a takeover (which updates
-- it) and an append are serialized: the append either commits before the
-- takeover, as the owner it then was, or sees the new epoch.
CREATE FUNCTION append_events(
    p_session text, p_cmd text, p_result bytea, p_now bigint,
    p_first bigint, p_t bigint[], p_type text[], p_body text[],
    p_node text, p_epoch bigint,
    OUT status text, OUT last bigint)
LANGUAGE plpgsql AS $$
DECLARE
    held_node  text;
    held_epoch bigint;
BEGIN
    IF p_epoch <> 0 THEN
        SELECT l.node, l.epoch INTO held_node, held_epoch
        FROM session_leases l WHERE l.session_id = p_session FOR SHARE;
        IF NOT FOUND OR held_node <> p_node OR held_epoch <> p_epoch THEN
            status := 'fenced';
            last := 0;
            RETURN;
        END IF;
    END IF;
    SELECT a.status, a.last INTO status, last
    FROM append_events(p_session, p_cmd, p_result, p_now, p_first, p_t, p_type, p_body) a;
END
$$;
