-- 0007_release_watermarks: SQLite's 0016. A release names the newest mark
-- and note it gives the trainee, set in the transaction that records it.
-- Releases made before get the newest mark and note made by their time.

ALTER TABLE releases ADD COLUMN last_mark bigint NOT NULL DEFAULT 0;
ALTER TABLE releases ADD COLUMN last_note bigint NOT NULL DEFAULT 0;

UPDATE releases SET
    last_mark = COALESCE((SELECT MAX(m.id) FROM marks m WHERE m.session_id = releases.session_id AND m.at <= releases.at), 0),
    last_note = COALESCE((SELECT MAX(n.id) FROM notes n WHERE n.session_id = releases.session_id AND n.at <= releases.at), 0);
