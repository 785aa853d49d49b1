-- Imports from a PSA, an RMM or IT Glue (issue 16): each import is one batch, written in one
-- transaction with one `import_batch` audit event, and undone as a whole (`import_undone`).
--
-- import_batches: who imported what, when, from which files (names and SHA-256), how, and what
-- it came to. undone_at/undone_by are set once, by the undo.
CREATE TABLE import_batches (
    id          INTEGER PRIMARY KEY,
    actor       TEXT NOT NULL,
    imported_at TEXT NOT NULL,
    -- JSON array of {"name", "sha256"}: the files as they were read.
    files       TEXT NOT NULL,
    -- SHA-256 over the files' digests in order: the batch's one fingerprint in the audit chain.
    digest      TEXT NOT NULL,
    source      TEXT NOT NULL CHECK (length(source) > 0),
    -- The kinds of record the batch held, comma-separated in import order.
    kinds       TEXT NOT NULL,
    mode        TEXT NOT NULL CHECK (mode IN ('create', 'update', 'both')),
    created     INTEGER NOT NULL CHECK (created >= 0),
    updated     INTEGER NOT NULL CHECK (updated >= 0),
    skipped     INTEGER NOT NULL CHECK (skipped >= 0),
    refused     INTEGER NOT NULL CHECK (refused >= 0),
    undone_at   TEXT,
    undone_by   TEXT,
    CHECK ((undone_at IS NULL) = (undone_by IS NULL))
) STRICT;

-- A record's id in the system it came from: (source, kind, external id) names one record here,
-- and one record has at most one id per source. A row whose id disagrees with the record its
-- name would match becomes a record of its own: names alone never merge two ids.
CREATE TABLE external_ids (
    source      TEXT NOT NULL,
    kind        TEXT NOT NULL CHECK (kind IN ('company', 'contact', 'asset', 'runbook')),
    external_id TEXT NOT NULL CHECK (length(external_id) > 0),
    record_id   INTEGER NOT NULL,
    -- The batch that recorded this id; its undo removes it.
    batch_id    INTEGER NOT NULL REFERENCES import_batches (id),
    PRIMARY KEY (source, kind, external_id)
) STRICT, WITHOUT ROWID;
CREATE UNIQUE INDEX external_ids_record ON external_ids (kind, record_id, source);
CREATE INDEX external_ids_batch ON external_ids (batch_id);

-- What each batch did to each record: created it, or updated it from `previous` (the whole row
-- as it was, JSON), so the undo can remove or restore it.
CREATE TABLE import_changes (
    batch_id  INTEGER NOT NULL REFERENCES import_batches (id),
    seq       INTEGER NOT NULL,
    kind      TEXT NOT NULL CHECK (kind IN ('company', 'contact', 'asset', 'runbook')),
    record_id INTEGER NOT NULL,
    action    TEXT NOT NULL CHECK (action IN ('created', 'updated')),
    previous  TEXT,
    CHECK ((action = 'updated') = (previous IS NOT NULL)),
    PRIMARY KEY (batch_id, seq)
) STRICT, WITHOUT ROWID;
CREATE INDEX import_changes_record ON import_changes (kind, record_id, batch_id);

-- Contacts are matched on their e-mail address when the file has no id for them.
CREATE INDEX contacts_email ON contacts (email COLLATE NOCASE);
