-- A desk edits its template (issue 15): each published version says who published it, when, why,
-- and which version it was edited or restored from; one draft per template key holds the edit
-- under way. Tickets pin the version they started on, so a published version is never changed
-- or removed: its steps are what those tickets' step numbers mean.

CREATE TABLE template_versions (
    key          TEXT NOT NULL,
    version      INTEGER NOT NULL CHECK (version >= 1),
    published_by TEXT NOT NULL,
    published_at TEXT NOT NULL,
    note         TEXT NOT NULL,
    -- The version this one was edited from (origin 'edited', 'imported') or is a copy of
    -- (origin 'restored'); NULL for the built-in template.
    based_on     INTEGER,
    origin       TEXT NOT NULL CHECK (origin IN ('built_in', 'edited', 'imported', 'restored')),
    PRIMARY KEY (key, version),
    FOREIGN KEY (key, version) REFERENCES templates (key, version),
    FOREIGN KEY (key, based_on) REFERENCES templates (key, version)
) STRICT;

-- The versions already stored are the built-in template's (the store seeds a new desk's the same
-- way): published by "built-in" when the desk's history began.
INSERT INTO template_versions (key, version, published_by, published_at, note, based_on, origin)
SELECT t.key, t.version, 'built-in',
       coalesce((SELECT min(at) FROM audit_events), strftime('%Y-%m-%dT%H:%M:%f', 'now') || '000Z'),
       'The built-in template', NULL, 'built_in'
FROM templates t;

-- The edit under way, one per template key: saved even while it has problems (publishing checks).
CREATE TABLE template_drafts (
    key          TEXT PRIMARY KEY,
    base_version INTEGER NOT NULL,
    body         TEXT NOT NULL,
    saved_by     TEXT NOT NULL,
    saved_at     TEXT NOT NULL,
    FOREIGN KEY (key, base_version) REFERENCES templates (key, version)
) STRICT;

-- How many tickets each version carries (the Templates screen's list), without scanning tickets.
CREATE INDEX tickets_template ON tickets (template_key, template_version);

-- Published versions and their history are never changed or removed.
CREATE TRIGGER templates_append_only_update BEFORE UPDATE ON templates
BEGIN
    SELECT RAISE(ABORT, 'APPEND_ONLY');
END;
CREATE TRIGGER templates_append_only_delete BEFORE DELETE ON templates
BEGIN
    SELECT RAISE(ABORT, 'APPEND_ONLY');
END;
CREATE TRIGGER template_versions_append_only_update BEFORE UPDATE ON template_versions
BEGIN
    SELECT RAISE(ABORT, 'APPEND_ONLY');
END;
CREATE TRIGGER template_versions_append_only_delete BEFORE DELETE ON template_versions
BEGIN
    SELECT RAISE(ABORT, 'APPEND_ONLY');
END;
