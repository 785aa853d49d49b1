-- Hand-over mode is the desk's state, not the window's. While a hand-over has no ended_at, the
-- store refuses every write but the hand-over's own, in every process that opens the desk, and
-- a crash or a kill leaves the desk in hand-over until the technician's PIN ends it.
CREATE TABLE handovers (
    id INTEGER PRIMARY KEY,
    ticket_id INTEGER NOT NULL REFERENCES tickets(id),
    technician TEXT NOT NULL,
    -- The text the end user reads and signs, stored before the pad opens.
    summary TEXT NOT NULL,
    summary_sha256 TEXT NOT NULL,
    signer_name TEXT NOT NULL,
    -- Only the signature is taken again (the summary changed after the first one).
    resign INTEGER NOT NULL,
    ask_rating INTEGER NOT NULL,
    started_at TEXT NOT NULL,
    -- Wrong PINs typed on the hand-over screen: they count here, not against the technician.
    pin_misses INTEGER NOT NULL DEFAULT 0,
    ended_at TEXT,
    ended_by TEXT
) STRICT;

-- At most one hand-over is under way on a desk.
CREATE UNIQUE INDEX handovers_one_active ON handovers ((ended_at IS NULL)) WHERE ended_at IS NULL;

-- A hand-over ends with a PIN, never by losing its row.
CREATE TRIGGER handovers_append_only_delete BEFORE DELETE ON handovers
BEGIN
    SELECT RAISE(ABORT, 'APPEND_ONLY');
END;
