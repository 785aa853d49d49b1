-- One full-text index over everything a technician searches: ticket texts (the problem statement
-- and the paragraphs of the current step records) and runbook entries. `documents` holds the text
-- of each searchable thing, kept up to date by triggers on the tables the app already writes, so
-- no Rust write path changes; `documents_fts` indexes it (external content, kept in sync by
-- triggers as well). Rowids grow with each new document, so "most recent first" is rowid order:
-- very common terms are ranked within their most recent matches instead of all of them.

-- Which template fields are paragraphs (free text worth searching), one row per field. Filled from
-- the template JSON when a template is stored, so the step-record triggers never parse templates.
CREATE TABLE document_fields (
    template_key     TEXT NOT NULL,
    template_version INTEGER NOT NULL,
    step             INTEGER NOT NULL,
    field            TEXT NOT NULL,
    position         INTEGER NOT NULL,
    PRIMARY KEY (template_key, template_version, step, field)
) STRICT, WITHOUT ROWID;

INSERT INTO document_fields (template_key, template_version, step, field, position)
SELECT t.key, t.version, s.value ->> 'number', f.value ->> 'key', f.key
FROM templates t, json_each(t.body, '$.phases') p, json_each(p.value, '$.steps') s,
     json_each(s.value, '$.fields') f
WHERE f.value -> 'kind' ->> 'type' = 'paragraph';

CREATE TRIGGER document_fields_template AFTER INSERT ON templates BEGIN
    INSERT OR IGNORE INTO document_fields (template_key, template_version, step, field, position)
    SELECT new.key, new.version, s.value ->> 'number', f.value ->> 'key', f.key
    FROM json_each(new.body, '$.phases') p, json_each(p.value, '$.steps') s,
         json_each(s.value, '$.fields') f
    WHERE f.value -> 'kind' ->> 'type' = 'paragraph';
END;

CREATE TABLE documents (
    id     INTEGER PRIMARY KEY,
    kind   TEXT NOT NULL CHECK (kind IN ('ticket', 'runbook')),
    ref_id INTEGER NOT NULL,
    title  TEXT NOT NULL,
    body   TEXT NOT NULL,
    UNIQUE (kind, ref_id)
) STRICT;

-- prefix='2 3 4 5': a prefix query ("pr*", "print*") matches many terms, and FTS5 would merge
-- every one of their document lists (600,000 entries for "print*" in a million documents: 30 to
-- 120 ms) before returning the first row; with a prefix index it is one lookup. Longer prefixes
-- leave few terms to merge.
CREATE VIRTUAL TABLE documents_fts USING fts5 (
    title, body, content = 'documents', content_rowid = 'id',
    tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3 4 5'
);
CREATE TRIGGER documents_fts_insert AFTER INSERT ON documents BEGIN
    INSERT INTO documents_fts (rowid, title, body) VALUES (new.id, new.title, new.body);
END;
CREATE TRIGGER documents_fts_delete AFTER DELETE ON documents BEGIN
    INSERT INTO documents_fts (documents_fts, rowid, title, body) VALUES ('delete', old.id, old.title, old.body);
END;
CREATE TRIGGER documents_fts_update AFTER UPDATE ON documents BEGIN
    INSERT INTO documents_fts (documents_fts, rowid, title, body) VALUES ('delete', old.id, old.title, old.body);
    INSERT INTO documents_fts (rowid, title, body) VALUES (new.id, new.title, new.body);
END;

-- The searchable text of a ticket's steps is its paragraph values in the order they were
-- recorded, superseded records left out (a reopened step's old notes no longer describe the
-- ticket). The same query appears below for the backfill and in the update and delete triggers,
-- always with the ticket's id inside the subquery: as a view, SQLite would compute it for every
-- ticket.

-- Backfill, oldest first, so that rowid order stays recency order.
INSERT INTO documents (kind, ref_id, title, body)
SELECT kind, ref_id, title, body FROM (
    SELECT 'runbook' AS kind, id AS ref_id, title, body, updated_at AS at FROM runbook_entries
    UNION ALL
    SELECT 'ticket', tk.id, tk.problem, coalesce((
            SELECT group_concat(text, char(10)) FROM (
                SELECT s.vals ->> ('$."' || f.field || '"') AS text
                FROM step_records s
                JOIN tickets t ON t.id = s.ticket_id
                JOIN document_fields f ON f.template_key = t.template_key
                    AND f.template_version = t.template_version AND f.step = s.step
                WHERE s.ticket_id = tk.id AND s.superseded = 0
                    AND json_type(s.vals, '$."' || f.field || '"') = 'text'
                ORDER BY s.id, f.position)), ''), tk.created_at
    FROM tickets tk
)
ORDER BY at, kind, ref_id;

CREATE TRIGGER documents_ticket_insert AFTER INSERT ON tickets BEGIN
    INSERT INTO documents (kind, ref_id, title, body) VALUES ('ticket', new.id, new.problem, '');
END;
CREATE TRIGGER documents_ticket_problem AFTER UPDATE OF problem ON tickets
    WHEN old.problem IS NOT new.problem BEGIN
    UPDATE documents SET title = new.problem WHERE kind = 'ticket' AND ref_id = new.id;
END;
CREATE TRIGGER documents_ticket_delete AFTER DELETE ON tickets BEGIN
    DELETE FROM documents WHERE kind = 'ticket' AND ref_id = old.id;
END;
-- A new record is the ticket's newest, so its paragraphs go at the end of the text: only its own
-- values are read (recomputing read every record of the ticket: 0.27 ms for a closed ticket).
-- The records it supersedes are flagged by the UPDATE just before it, which recomputes.
CREATE TRIGGER documents_step_insert AFTER INSERT ON step_records
    WHEN new.superseded = 0 AND EXISTS (SELECT 1 FROM tickets t JOIN document_fields f
        ON f.template_key = t.template_key AND f.template_version = t.template_version
        AND f.step = new.step WHERE t.id = new.ticket_id) BEGIN
    UPDATE documents SET body = trim(body || char(10) || coalesce((
        SELECT group_concat(text, char(10)) FROM (
            SELECT new.vals ->> ('$."' || f.field || '"') AS text
            FROM tickets t
            JOIN document_fields f ON f.template_key = t.template_key
                AND f.template_version = t.template_version AND f.step = new.step
            WHERE t.id = new.ticket_id AND json_type(new.vals, '$."' || f.field || '"') = 'text'
            ORDER BY f.position)), ''), char(10))
    WHERE kind = 'ticket' AND ref_id = new.ticket_id;
END;
CREATE TRIGGER documents_step_update AFTER UPDATE OF superseded ON step_records
    WHEN old.superseded IS NOT new.superseded BEGIN
    UPDATE documents SET body = coalesce((
        SELECT group_concat(text, char(10)) FROM (
            SELECT s.vals ->> ('$."' || f.field || '"') AS text
            FROM step_records s
            JOIN tickets t ON t.id = s.ticket_id
            JOIN document_fields f ON f.template_key = t.template_key
                AND f.template_version = t.template_version AND f.step = s.step
            WHERE s.ticket_id = new.ticket_id AND s.superseded = 0
                AND json_type(s.vals, '$."' || f.field || '"') = 'text'
            ORDER BY s.id, f.position)), '')
    WHERE kind = 'ticket' AND ref_id = new.ticket_id;
END;
CREATE TRIGGER documents_step_delete AFTER DELETE ON step_records BEGIN
    UPDATE documents SET body = coalesce((
        SELECT group_concat(text, char(10)) FROM (
            SELECT s.vals ->> ('$."' || f.field || '"') AS text
            FROM step_records s
            JOIN tickets t ON t.id = s.ticket_id
            JOIN document_fields f ON f.template_key = t.template_key
                AND f.template_version = t.template_version AND f.step = s.step
            WHERE s.ticket_id = old.ticket_id AND s.superseded = 0
                AND json_type(s.vals, '$."' || f.field || '"') = 'text'
            ORDER BY s.id, f.position)), '')
    WHERE kind = 'ticket' AND ref_id = old.ticket_id;
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
