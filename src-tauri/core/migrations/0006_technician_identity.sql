-- Technicians become people the desk manages: deactivated rather than deleted (audit events and
-- signed records keep naming them), with an e-mail address and an on-call flag. The desk's default
-- time zone lives in `settings` (key 'desk.time_zone'), so it needs no column here.
ALTER TABLE technicians ADD COLUMN active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1));
ALTER TABLE technicians ADD COLUMN email TEXT;
ALTER TABLE technicians ADD COLUMN on_call INTEGER NOT NULL DEFAULT 0 CHECK (on_call IN (0, 1));
