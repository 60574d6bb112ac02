-- 0016_release_watermarks: a release names the newest mark and note it
-- gives the trainee, set in the transaction that records it, so that what
-- was released never depends on two rows sharing a millisecond. Releases
-- made before get the newest mark and note made by their time.

ALTER TABLE releases ADD COLUMN last_mark INTEGER NOT NULL DEFAULT 0;
ALTER TABLE releases ADD COLUMN last_note INTEGER NOT NULL DEFAULT 0;

UPDATE releases SET
    last_mark = COALESCE((SELECT MAX(m.id) FROM marks m WHERE m.session_id = releases.session_id AND m.at <= releases.at), 0),
    last_note = COALESCE((SELECT MAX(n.id) FROM notes n WHERE n.session_id = releases.session_id AND n.at <= releases.at), 0);
