-- Mail to requesters (issue 18): the outbox and each company's CSAT survey link.
--
-- A message is formatted once, when it is queued, and its bytes (with its Message-ID) are kept:
-- every attempt sends the very same message, so a resend after a crash is recognisably the same
-- message to the receiving side, never a second one.
--
-- A sender claims a due message with one UPDATE (state 'sending', a lease owner and the lease's
-- end) inside a write transaction; a lease that ran out belongs to a sender that died, and the
-- message may be claimed again.
--
-- The account (host, port, security, user, from address) is in `settings` under `mail.*`; its
-- password is only ever in the OS keychain.

CREATE TABLE mail_outbox (
    id              INTEGER PRIMARY KEY,
    ticket_id       INTEGER NOT NULL REFERENCES tickets (id),
    kind            TEXT NOT NULL CHECK (kind IN ('summary', 'report')),
    message_id      TEXT NOT NULL UNIQUE,
    sender          TEXT NOT NULL,
    recipient       TEXT NOT NULL,
    subject         TEXT NOT NULL,
    raw             BLOB NOT NULL,
    -- What the message says about the CSAT survey ("link", "rated", "none"), and why.
    survey          TEXT NOT NULL,
    state           TEXT NOT NULL CHECK (state IN ('queued', 'sending', 'sent', 'failed')),
    attempts        INTEGER NOT NULL CHECK (attempts >= 0),
    next_attempt_at TEXT NOT NULL,
    lease_owner     TEXT,
    lease_until     TEXT,
    last_answer     TEXT,
    last_code       TEXT,
    queued_at       TEXT NOT NULL,
    sent_at         TEXT,
    UNIQUE (ticket_id, kind)
) STRICT;

CREATE INDEX mail_outbox_due ON mail_outbox (state, next_attempt_at);

-- A URL with {ticket}, {psa_ticket} and {contact_email} in it; NULL when the company has none.
ALTER TABLE companies ADD COLUMN csat_survey_url TEXT;

-- What was sent to whom stays: a message's row changes state, and is never deleted.
CREATE TRIGGER mail_outbox_append_only_delete BEFORE DELETE ON mail_outbox
BEGIN
    SELECT RAISE(ABORT, 'APPEND_ONLY');
END;
