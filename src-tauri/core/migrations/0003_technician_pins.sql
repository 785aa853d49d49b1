-- Technician PINs re-authenticate the technician at sign-off and when leaving hand-over mode.
-- Only a salted argon2 hash (PHC string) is kept; wrong attempts are counted so guessing is
-- throttled across restarts.
ALTER TABLE technicians ADD COLUMN pin_hash TEXT;
ALTER TABLE technicians ADD COLUMN pin_failures INTEGER NOT NULL DEFAULT 0;
ALTER TABLE technicians ADD COLUMN pin_locked_until TEXT;
