-- Runbook entries are written in the app and the CLI, not only imported:
--
-- 1. An entry may be desk-wide (no client): `company_id` becomes nullable, and the entry gains
--    `created_at` (the list shows the newest first by `updated_at`, which an edit bumps). SQLite
--    cannot drop a NOT NULL, so the table is rebuilt with the same ids. The FTS indexes
--    (`runbook_fts`, `documents`) already hold every entry and are left as they are: the rows are
--    copied back before their triggers are recreated, and DROP TABLE fires no triggers.
--    `ticket_runbooks` points at the entries by id; with deferred foreign keys the drop counts its
--    rows as orphans and the copy back resolves them again before the commit checks.
--
-- 2. A ticket's link to an entry records whether the entry was created or updated from that
--    ticket, so step 20's "Entry created" / "Entry updated" are proven by the store rather than
--    taken on the technician's word.

PRAGMA defer_foreign_keys = ON;

CREATE TABLE runbook_entries_copy (
    id         INTEGER PRIMARY KEY,
    company_id INTEGER,
    title      TEXT NOT NULL,
    body       TEXT NOT NULL,
    updated_at TEXT NOT NULL
) STRICT;
INSERT INTO runbook_entries_copy (id, company_id, title, body, updated_at)
SELECT id, company_id, title, body, updated_at FROM runbook_entries;

DROP TABLE runbook_entries;

CREATE TABLE runbook_entries (
    id         INTEGER PRIMARY KEY,
    -- NULL: a desk-wide entry, offered to every client's tickets.
    company_id INTEGER REFERENCES companies (id),
    title      TEXT NOT NULL,
    body       TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
) STRICT;
INSERT INTO runbook_entries (id, company_id, title, body, created_at, updated_at)
SELECT id, company_id, title, body, updated_at, updated_at FROM runbook_entries_copy ORDER BY id;
DROP TABLE runbook_entries_copy;

CREATE INDEX runbook_entries_company ON runbook_entries (company_id, updated_at, id);
CREATE INDEX runbook_entries_recent ON runbook_entries (updated_at, id);

-- The triggers of 0001 (runbook_fts) and 0004 (documents), as they were.
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
CREATE TRIGGER documents_runbook_insert AFTER INSERT ON runbook_entries BEGIN
    INSERT INTO documents (kind, ref_id, title, body) VALUES ('runbook', new.id, new.title, new.body);
END;
CREATE TRIGGER documents_runbook_update AFTER UPDATE OF title, body ON runbook_entries
    WHEN old.title IS NOT new.title OR old.body IS NOT new.body BEGIN
    UPDATE documents SET title = new.title, body = new.body WHERE kind = 'runbook' AND ref_id = new.id;
END;
CREATE TRIGGER documents_runbook_delete AFTER DELETE ON runbook_entries BEGIN
    DELETE FROM documents WHERE kind = 'runbook' AND ref_id = old.id;
END;

ALTER TABLE ticket_runbooks ADD COLUMN created INTEGER NOT NULL DEFAULT 0 CHECK (created IN (0, 1));
ALTER TABLE ticket_runbooks ADD COLUMN updated INTEGER NOT NULL DEFAULT 0 CHECK (updated IN (0, 1));

-- A closed ticket's links are sealed for changes too, not only for new links.
CREATE TRIGGER ticket_runbooks_sealed_update BEFORE UPDATE ON ticket_runbooks
    WHEN (SELECT status FROM tickets WHERE id = old.ticket_id) = 'closed' BEGIN
    SELECT RAISE(ABORT, 'TICKET_CLOSED');
END;
