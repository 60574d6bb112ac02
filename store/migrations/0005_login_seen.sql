-- 0005_login_seen: when each login was last used, for the idle timeout
-- (a login unused for a while ends before its absolute expiry).
ALTER TABLE logins ADD COLUMN seen_at INTEGER NOT NULL DEFAULT 0;
UPDATE logins SET seen_at = created_at;
