-- A client the desk no longer serves (issue 16: "authorization is data, not a default"): the
-- source system's inactive flag arrives here, and the rules refuse a caller of an inactive
-- client like a non-authorized contact (override with a reason, or reactivate the client).
-- Existing companies stay active; companies carry no seal triggers, so the column is plain data
-- whose changes the audit chain records (`company_active_changed`, import batches).
ALTER TABLE companies ADD COLUMN active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1));
