-- Ticketflow schema v1. Times are RFC 3339 UTC text with microseconds (fixed width, so text order
-- is time order); enums are their text forms; JSON columns hold values checked by the core.

CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) STRICT;

CREATE TABLE templates (
    key        TEXT NOT NULL,
    version    INTEGER NOT NULL,
    name       TEXT NOT NULL,
    body       TEXT NOT NULL,
    PRIMARY KEY (key, version)
) STRICT;

CREATE TABLE companies (
    id       INTEGER PRIMARY KEY,
    name     TEXT NOT NULL UNIQUE,
    tier     TEXT NOT NULL CHECK (tier IN ('platinum', 'gold', 'silver', 'bronze')),
    calendar TEXT NOT NULL
) STRICT;

CREATE TABLE contacts (
    id            INTEGER PRIMARY KEY,
    company_id    INTEGER NOT NULL REFERENCES companies (id),
    name          TEXT NOT NULL,
    email         TEXT,
    phone         TEXT,
    upn           TEXT,
    authorized    INTEGER NOT NULL CHECK (authorized IN (0, 1)),
    terminated_on TEXT
) STRICT;
CREATE INDEX contacts_company ON contacts (company_id);
CREATE INDEX contacts_name ON contacts (name COLLATE NOCASE);

CREATE TABLE assets (
    id           INTEGER PRIMARY KEY,
    company_id   INTEGER NOT NULL REFERENCES companies (id),
    hostname     TEXT NOT NULL,
    kind         TEXT NOT NULL,
    serial       TEXT,
    assigned_upn TEXT,
    rmm_id       TEXT,
    rmm_url      TEXT
) STRICT;
CREATE INDEX assets_company_hostname ON assets (company_id, hostname COLLATE NOCASE);

CREATE TABLE technicians (
    id   INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    tier TEXT NOT NULL CHECK (tier IN ('tier1', 'tier2'))
) STRICT;

CREATE TABLE incidents (
    id          INTEGER PRIMARY KEY,
    title       TEXT NOT NULL,
    source      TEXT NOT NULL,
    started_at  TEXT NOT NULL,
    resolved_at TEXT
) STRICT;

CREATE TABLE sla_policies (
    tier                   TEXT NOT NULL,
    priority               TEXT NOT NULL CHECK (priority IN ('P1', 'P2', 'P3', 'P4')),
    first_response_minutes INTEGER NOT NULL CHECK (first_response_minutes > 0),
    resolution_minutes     INTEGER NOT NULL CHECK (resolution_minutes > 0),
    PRIMARY KEY (tier, priority)
) STRICT;

CREATE TABLE tickets (
    id                       INTEGER PRIMARY KEY,
    number                   TEXT NOT NULL UNIQUE,
    template_key             TEXT NOT NULL,
    template_version         INTEGER NOT NULL,
    status                   TEXT NOT NULL,
    resume_status            TEXT,
    company_id               INTEGER REFERENCES companies (id),
    contact_id               INTEGER REFERENCES contacts (id),
    caller_override_reason   TEXT,
    impact                   TEXT,
    urgency                  TEXT,
    priority                 TEXT,
    priority_computed        TEXT,
    priority_override_reason TEXT,
    parent_incident_id       INTEGER REFERENCES incidents (id),
    problem                  TEXT NOT NULL,
    assignee                 TEXT,
    escalated                INTEGER NOT NULL,
    page_on_call             INTEGER NOT NULL,
    verification_failed      INTEGER NOT NULL,
    created_at               TEXT NOT NULL,
    opened_at                TEXT,
    first_response_at        TEXT,
    resolved_at              TEXT,
    closed_at                TEXT,
    resolution_code          TEXT,
    record_hash              TEXT,
    -- The next SLA deadline (first response, then resolution); NULL while paused or stopped.
    -- Kept on the row so the queue can sort by it with an index.
    sla_due_at               TEXT,
    -- When that deadline becomes "at risk" (75% of its target used); NULL like sla_due_at.
    sla_risk_at              TEXT,
    FOREIGN KEY (template_key, template_version) REFERENCES templates (key, version)
) STRICT;
CREATE INDEX tickets_status_due ON tickets (status, sla_due_at);
CREATE INDEX tickets_company_status ON tickets (company_id, status);
CREATE INDEX tickets_due ON tickets (sla_due_at);
CREATE INDEX tickets_risk ON tickets (sla_risk_at);
CREATE INDEX tickets_assignee_due ON tickets (assignee, sla_due_at);

-- The canonical record (RFC 8785 JSON) of each closed ticket, written in the closing
-- transaction: the report prints what was sealed, even after the directory changes.
CREATE TABLE closure_records (
    ticket_id INTEGER PRIMARY KEY REFERENCES tickets (id),
    record    TEXT NOT NULL
) STRICT;
CREATE TRIGGER closure_records_sealed_update BEFORE UPDATE ON closure_records BEGIN
    SELECT RAISE(ABORT, 'TICKET_CLOSED');
END;
CREATE TRIGGER closure_records_sealed_delete BEFORE DELETE ON closure_records BEGIN
    SELECT RAISE(ABORT, 'TICKET_CLOSED');
END;

CREATE TABLE ticket_assets (
    ticket_id INTEGER NOT NULL REFERENCES tickets (id),
    asset_id  INTEGER NOT NULL REFERENCES assets (id),
    PRIMARY KEY (ticket_id, asset_id)
) STRICT, WITHOUT ROWID;

CREATE TABLE ticket_pauses (
    ticket_id  INTEGER NOT NULL REFERENCES tickets (id),
    seq        INTEGER NOT NULL,
    paused_at  TEXT NOT NULL,
    resumed_at TEXT,
    PRIMARY KEY (ticket_id, seq)
) STRICT, WITHOUT ROWID;

CREATE TABLE step_records (
    id           INTEGER PRIMARY KEY,
    ticket_id    INTEGER NOT NULL REFERENCES tickets (id),
    step         INTEGER NOT NULL CHECK (step BETWEEN 1 AND 255),
    completed_by TEXT NOT NULL,
    completed_at TEXT NOT NULL,
    vals         TEXT NOT NULL,
    superseded   INTEGER NOT NULL CHECK (superseded IN (0, 1))
) STRICT;
CREATE INDEX step_records_ticket ON step_records (ticket_id, step);

-- Paragraphs as typed, before the step is completed: autosave must never lose a word.
CREATE TABLE drafts (
    ticket_id  INTEGER NOT NULL REFERENCES tickets (id),
    step       INTEGER NOT NULL,
    field      TEXT NOT NULL,
    text       TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (ticket_id, step, field)
) STRICT, WITHOUT ROWID;

CREATE TABLE ticket_runbooks (
    ticket_id  INTEGER NOT NULL REFERENCES tickets (id),
    runbook_id INTEGER NOT NULL REFERENCES runbook_entries (id),
    PRIMARY KEY (ticket_id, runbook_id)
) STRICT, WITHOUT ROWID;

CREATE TABLE time_entries (
    id         INTEGER PRIMARY KEY,
    ticket_id  INTEGER NOT NULL REFERENCES tickets (id),
    technician TEXT NOT NULL,
    started_at TEXT NOT NULL,
    minutes    INTEGER NOT NULL CHECK (minutes BETWEEN 1 AND 1440),
    billable   INTEGER NOT NULL CHECK (billable IN (0, 1)),
    work_type  TEXT NOT NULL,
    note       TEXT NOT NULL
) STRICT;
CREATE INDEX time_entries_ticket ON time_entries (ticket_id);

CREATE TABLE csat_responses (
    ticket_id   INTEGER PRIMARY KEY REFERENCES tickets (id),
    rating      INTEGER CHECK (rating BETWEEN 1 AND 5),
    comment     TEXT NOT NULL,
    recorded_at TEXT NOT NULL
) STRICT;

CREATE TABLE runbook_entries (
    id         INTEGER PRIMARY KEY,
    company_id INTEGER NOT NULL REFERENCES companies (id),
    title      TEXT NOT NULL,
    body       TEXT NOT NULL,
    updated_at TEXT NOT NULL
) STRICT;
CREATE INDEX runbook_entries_company ON runbook_entries (company_id);

CREATE VIRTUAL TABLE runbook_fts USING fts5 (
    title, body, content = 'runbook_entries', content_rowid = 'id', tokenize = 'unicode61 remove_diacritics 2'
);
CREATE TRIGGER runbook_fts_insert AFTER INSERT ON runbook_entries BEGIN
    INSERT INTO runbook_fts (rowid, title, body) VALUES (new.id, new.title, new.body);
END;
CREATE TRIGGER runbook_fts_delete AFTER DELETE ON runbook_entries BEGIN
    INSERT INTO runbook_fts (runbook_fts, rowid, title, body) VALUES ('delete', old.id, old.title, old.body);
END;
CREATE TRIGGER runbook_fts_update AFTER UPDATE ON runbook_entries BEGIN
    INSERT INTO runbook_fts (runbook_fts, rowid, title, body) VALUES ('delete', old.id, old.title, old.body);
    INSERT INTO runbook_fts (rowid, title, body) VALUES (new.id, new.title, new.body);
END;

CREATE TABLE audit_events (
    id        INTEGER PRIMARY KEY,
    ticket_id INTEGER,
    actor     TEXT NOT NULL,
    at        TEXT NOT NULL,
    action    TEXT NOT NULL,
    before    TEXT NOT NULL,
    after     TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash      TEXT NOT NULL
) STRICT;
CREATE INDEX audit_events_ticket ON audit_events (ticket_id, id);

CREATE TABLE audit_head (
    id        INTEGER PRIMARY KEY CHECK (id = 1),
    last_id   INTEGER NOT NULL,
    last_hash TEXT NOT NULL
) STRICT;

-- Defence in depth for the seal: even a buggy code path cannot change a closed ticket.
CREATE TRIGGER tickets_sealed BEFORE UPDATE ON tickets WHEN old.status = 'closed' BEGIN
    SELECT RAISE(ABORT, 'TICKET_CLOSED');
END;
CREATE TRIGGER tickets_sealed_delete BEFORE DELETE ON tickets WHEN old.status = 'closed' BEGIN
    SELECT RAISE(ABORT, 'TICKET_CLOSED');
END;
CREATE TRIGGER step_records_sealed BEFORE INSERT ON step_records
    WHEN (SELECT status FROM tickets WHERE id = new.ticket_id) = 'closed' BEGIN
    SELECT RAISE(ABORT, 'TICKET_CLOSED');
END;
CREATE TRIGGER step_records_sealed_update BEFORE UPDATE ON step_records
    WHEN (SELECT status FROM tickets WHERE id = old.ticket_id) = 'closed' BEGIN
    SELECT RAISE(ABORT, 'TICKET_CLOSED');
END;
CREATE TRIGGER time_entries_sealed BEFORE INSERT ON time_entries
    WHEN (SELECT status FROM tickets WHERE id = new.ticket_id) = 'closed' BEGIN
    SELECT RAISE(ABORT, 'TICKET_CLOSED');
END;
CREATE TRIGGER time_entries_sealed_update BEFORE UPDATE ON time_entries
    WHEN (SELECT status FROM tickets WHERE id = old.ticket_id) = 'closed' BEGIN
    SELECT RAISE(ABORT, 'TICKET_CLOSED');
END;
CREATE TRIGGER drafts_sealed BEFORE INSERT ON drafts
    WHEN (SELECT status FROM tickets WHERE id = new.ticket_id) = 'closed' BEGIN
    SELECT RAISE(ABORT, 'TICKET_CLOSED');
END;
CREATE TRIGGER ticket_runbooks_sealed BEFORE INSERT ON ticket_runbooks
    WHEN (SELECT status FROM tickets WHERE id = new.ticket_id) = 'closed' BEGIN
    SELECT RAISE(ABORT, 'TICKET_CLOSED');
END;
