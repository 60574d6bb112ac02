-- 0021_facts_rev: every row of scorecard_facts carries the revision at
-- which it last changed, from one counter that every change of the table
-- moves on, in the order the changes commit. A server keeps a copy of the
-- facts in memory for the cohort dashboard and brings it up to date by
-- reading only the rows of a revision above the last it saw (package
-- training's facts mirror; docs/performance.md). The counter is in the
-- database, not in a process, so the copies of several servers on one
-- PostgreSQL database (its migration 0013) see every change, whoever wrote it.

ALTER TABLE scorecard_facts ADD COLUMN rev INTEGER NOT NULL DEFAULT 0;

CREATE TABLE analytics_rev (
    id  INTEGER PRIMARY KEY CHECK (id = 1),
    rev INTEGER NOT NULL
) STRICT;

INSERT INTO analytics_rev (id, rev) VALUES (1, 0);

CREATE INDEX scorecard_facts_rev ON scorecard_facts (rev);

-- SQLite cannot change NEW in a BEFORE trigger: the row is stamped right
-- after it is written. The stamping UPDATE changes rev, so the update
-- trigger (which fires only when rev did not change) does not stamp it again.
CREATE TRIGGER scorecard_facts_rev_insert AFTER INSERT ON scorecard_facts
BEGIN
    UPDATE analytics_rev SET rev = rev + 1 WHERE id = 1;
    UPDATE scorecard_facts SET rev = (SELECT rev FROM analytics_rev WHERE id = 1) WHERE session_id = NEW.session_id;
END;

CREATE TRIGGER scorecard_facts_rev_update AFTER UPDATE ON scorecard_facts WHEN NEW.rev = OLD.rev
BEGIN
    UPDATE analytics_rev SET rev = rev + 1 WHERE id = 1;
    UPDATE scorecard_facts SET rev = (SELECT rev FROM analytics_rev WHERE id = 1) WHERE session_id = NEW.session_id;
END;
