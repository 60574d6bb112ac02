-- A trainee-safe briefing per scenario version: what the trainee reads
-- before taking the call. The summary is for trainers and may spell out the
-- expected handling.
ALTER TABLE scenario_versions ADD COLUMN briefing TEXT NOT NULL DEFAULT '';
