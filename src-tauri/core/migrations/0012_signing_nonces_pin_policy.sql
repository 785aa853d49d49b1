-- Signatures are single-use and bound (issue 14, item 2).
--
-- Before a signature pad opens the core issues a nonce for one ticket, one step, one signer role
-- and the SHA-256 of the exact text shown. Only the nonce's own SHA-256 is kept: the row proves a
-- nonce was issued without being one. A nonce is used once (`used_at`), and a newer nonce for the
-- same ticket, step and role retires the older ones (`retired`), so expiry does not rest on the
-- wall clock alone.
CREATE TABLE signing_nonces (
    nonce_sha256   TEXT PRIMARY KEY,
    ticket_id      INTEGER NOT NULL REFERENCES tickets(id),
    step           INTEGER NOT NULL,
    role           TEXT NOT NULL,
    content_sha256 TEXT NOT NULL,
    issued_at      TEXT NOT NULL,
    retired        INTEGER NOT NULL DEFAULT 0 CHECK (retired IN (0, 1)),
    used_at        TEXT
) STRICT;
CREATE INDEX signing_nonces_slot ON signing_nonces (ticket_id, step, role) WHERE used_at IS NULL;

-- Every stroke set ever stored, by the canonical hash of its strokes: the same strokes again are
-- a replay (copied out of a client PDF, say), never a new signature.
CREATE TABLE signature_strokes (
    strokes_sha256 TEXT PRIMARY KEY,
    ticket_id      INTEGER NOT NULL,
    step           INTEGER NOT NULL,
    stored_at      TEXT NOT NULL
) STRICT;

-- Both are evidence against replays, so a row is never deleted, and a stroke set never changes
-- (a nonce changes only when it is used or retired).
CREATE TRIGGER signature_strokes_append_only_update BEFORE UPDATE ON signature_strokes
BEGIN
    SELECT RAISE(ABORT, 'APPEND_ONLY');
END;
CREATE TRIGGER signature_strokes_append_only_delete BEFORE DELETE ON signature_strokes
BEGIN
    SELECT RAISE(ABORT, 'APPEND_ONLY');
END;
CREATE TRIGGER signing_nonces_append_only_delete BEFORE DELETE ON signing_nonces
BEGIN
    SELECT RAISE(ABORT, 'APPEND_ONLY');
END;

-- The signatures stored before this migration, from the audit trail: each step completion's event
-- keeps its signatures' strokes as `strokes_sha256` (the same canonical hash).
INSERT OR IGNORE INTO signature_strokes (strokes_sha256, ticket_id, step, stored_at)
SELECT h.strokes_sha256, h.ticket_id, h.step, h.at
FROM (
    SELECT CASE WHEN f.type = 'object' THEN json_extract(f.value, '$.strokes_sha256') END
               AS strokes_sha256,
           e.ticket_id,
           CAST(substr(e.action, 6, instr(substr(e.action, 6), '_') - 1) AS INTEGER) AS step,
           e.at,
           e.id
    FROM audit_events e,
         -- A malformed `after` (never written by Ticketflow) contributes nothing rather than
         -- failing the migration.
         json_each(CASE WHEN json_valid(e.after) THEN e.after ELSE '{}' END, '$.values') f
    WHERE e.ticket_id IS NOT NULL
      AND e.action LIKE 'step\_%\_completed' ESCAPE '\'
) h
WHERE h.strokes_sha256 IS NOT NULL
ORDER BY h.id;

-- PINs that hold (item 3). After PIN_HARD_CAP misses in a row the PIN is locked whatever the
-- clock says: only another active technician's PIN unlocks it. A 4-digit PIN set before the
-- 6-digit rule keeps working, but the window asks to change it (`pin_needs_change`).
ALTER TABLE technicians ADD COLUMN pin_locked INTEGER NOT NULL DEFAULT 0 CHECK (pin_locked IN (0, 1));
ALTER TABLE technicians ADD COLUMN pin_needs_change INTEGER NOT NULL DEFAULT 0 CHECK (pin_needs_change IN (0, 1));
