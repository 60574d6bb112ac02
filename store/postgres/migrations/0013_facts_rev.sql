-- 0013_facts_rev (SQLite's 0021): every row of scorecard_facts carries the
-- revision at which it last changed, from one counter that every change of
-- the table moves on. Each server keeps a copy of the facts in memory for
-- the cohort dashboard and reads only the rows of a revision above the last
-- it saw (package training's facts mirror).
--
-- The counter is one row, updated by the writing transaction and so locked
-- until it commits: revisions are handed out in the order the transactions
-- commit, and a reader that sees revision N sees every revision below it.
-- (A sequence would not do: a transaction can take a number and commit after
-- one that took a later number, and a reader that had moved past the later
-- number would never see the earlier row.)

ALTER TABLE scorecard_facts ADD COLUMN rev bigint NOT NULL DEFAULT 0;

CREATE TABLE analytics_rev (
    id  integer PRIMARY KEY CHECK (id = 1),
    rev bigint  NOT NULL
);

INSERT INTO analytics_rev (id, rev) VALUES (1, 0);

CREATE INDEX scorecard_facts_rev ON scorecard_facts (rev);

CREATE FUNCTION scorecard_facts_rev() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE analytics_rev SET rev = rev + 1 WHERE id = 1 RETURNING rev INTO NEW.rev;
    RETURN NEW;
END;
$$;

CREATE TRIGGER scorecard_facts_rev BEFORE INSERT OR UPDATE ON scorecard_facts
    FOR EACH ROW EXECUTE FUNCTION scorecard_facts_rev();
