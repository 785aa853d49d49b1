-- Keyed checkpoints of the audit chain (issue 13).
--
-- A checkpoint is the chain's head (an event id and its hash) signed with the report signer's
-- key, which lives only in the OS keychain. Whoever holds this file can recompute every link of
-- the chain, but not these signatures. Each checkpoint also names the previous one's signature
-- hash (`prev`), so checkpoints cannot be dropped from the middle or reordered unseen. The table
-- is append-only, like the events it vouches for.
CREATE TABLE audit_checkpoints (
    seq       INTEGER PRIMARY KEY,
    event_id  INTEGER NOT NULL,
    head_hash TEXT NOT NULL,
    at        TEXT NOT NULL,
    reason    TEXT NOT NULL,
    key_id    TEXT NOT NULL,
    prev      TEXT NOT NULL,
    signature TEXT NOT NULL
) STRICT;
CREATE INDEX audit_checkpoints_event ON audit_checkpoints (event_id);

CREATE TRIGGER audit_checkpoints_append_only_update BEFORE UPDATE ON audit_checkpoints BEGIN
    SELECT RAISE(ABORT, 'AUDIT_APPEND_ONLY');
END;
CREATE TRIGGER audit_checkpoints_append_only_delete BEFORE DELETE ON audit_checkpoints BEGIN
    SELECT RAISE(ABORT, 'AUDIT_APPEND_ONLY');
END;

-- The migration's Rust hook (store/migrations.rs) appends a `checkpoints_began` event on a desk
-- that already has history, so the first checkpoint, and verify-audit, can say which events were
-- written before any checkpoint existed.
