-- 0009_nodes: the nodes of a deployment of several (serve --node), as each
-- registers itself: the address the others relay sockets to, and its load
-- (the live sessions whose lease it holds), refreshed with every heartbeat
-- (the lease renewal) and raised at once when a session is placed on it.
-- New sessions go to the least-loaded node whose heartbeat is recent.

CREATE TABLE nodes (
    name         text        COLLATE "C" NOT NULL PRIMARY KEY,
    address      text        NOT NULL,
    load         integer     NOT NULL DEFAULT 0 CHECK (load >= 0),
    started_at   timestamptz NOT NULL,
    heartbeat_at timestamptz NOT NULL
);
