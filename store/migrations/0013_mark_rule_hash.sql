-- 0013_mark_rule_hash: the hash of the rule's definition a mark was made
-- against (scoring.RuleHash), so that a re-scoring with another rubric
-- version flags a mark only when its own rule changed. Marks made before
-- have '' and fall back to the whole rubric's hash.

ALTER TABLE marks ADD COLUMN rule_hash TEXT NOT NULL DEFAULT '';
