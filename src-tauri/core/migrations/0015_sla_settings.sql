-- A ticket keeps the SLA terms it opened under (issue 15): editing the desk's targets or a
-- client's calendar applies to tickets opened afterwards and never moves a running clock.
-- Each distinct targets table and calendar is stored once; a ticket names the two it pinned.

-- The desk's whole tier x priority targets table as it stood when a ticket pinned it: the JSON
-- of `sla_policies` in (tier, priority) order, built by the same expression as
-- store/sla_settings.rs `CURRENT_TARGETS`, so an unchanged table is found again, not copied.
CREATE TABLE sla_target_sets (
    id      INTEGER PRIMARY KEY,
    targets TEXT NOT NULL UNIQUE
) STRICT;

-- A client's calendar as a ticket pinned it: the text of `companies.calendar` at that moment.
CREATE TABLE sla_calendars (
    id       INTEGER PRIMARY KEY,
    calendar TEXT NOT NULL UNIQUE
) STRICT;

-- What a ticket's clocks run on, written when its clock starts (step "open ticket"). The client
-- is kept so a ticket moved to another client after opening is never measured on the first
-- client's calendar.
CREATE TABLE ticket_sla (
    ticket_id  INTEGER PRIMARY KEY REFERENCES tickets (id),
    company_id INTEGER NOT NULL REFERENCES companies (id),
    target_set INTEGER NOT NULL REFERENCES sla_target_sets (id),
    calendar   INTEGER NOT NULL REFERENCES sla_calendars (id)
) STRICT;

-- Tickets opened before this migration keep the terms they have been measured on so far: today's
-- targets and their client's calendar as it is now. (A fresh desk has no targets yet: they are
-- seeded after the migrations, and its first opened ticket pins them.)
INSERT INTO sla_target_sets (targets)
SELECT json_group_array(json_object(
        'tier', tier, 'priority', priority,
        'first_response_minutes', first_response_minutes,
        'resolution_minutes', resolution_minutes) ORDER BY tier, priority)
FROM sla_policies
HAVING count(*) > 0;

INSERT OR IGNORE INTO sla_calendars (calendar)
SELECT DISTINCT c.calendar
FROM tickets t JOIN companies c ON c.id = t.company_id
WHERE t.opened_at IS NOT NULL;

INSERT INTO ticket_sla (ticket_id, company_id, target_set, calendar)
SELECT t.id, t.company_id,
    (SELECT max(id) FROM sla_target_sets),
    (SELECT k.id FROM sla_calendars k WHERE k.calendar = c.calendar)
FROM tickets t JOIN companies c ON c.id = t.company_id
WHERE t.opened_at IS NOT NULL AND EXISTS (SELECT 1 FROM sla_target_sets);

-- A closed ticket's terms are part of its sealed record: the seal triggers generated for every
-- sealed table (store/seal.rs `triggers_for`, checked by its tests), made after the fill-in above,
-- which also pins the terms closed tickets were measured on.
CREATE TRIGGER ticket_sla_sealed_insert BEFORE INSERT ON ticket_sla
    WHEN EXISTS (SELECT 1 FROM tickets WHERE id = new.ticket_id AND status = 'closed') BEGIN
    SELECT RAISE(ABORT, 'TICKET_CLOSED');
END;
CREATE TRIGGER ticket_sla_sealed_update BEFORE UPDATE ON ticket_sla
    WHEN EXISTS (SELECT 1 FROM tickets WHERE id = old.ticket_id AND status = 'closed') OR EXISTS (SELECT 1 FROM tickets WHERE id = new.ticket_id AND status = 'closed') BEGIN
    SELECT RAISE(ABORT, 'TICKET_CLOSED');
END;
CREATE TRIGGER ticket_sla_sealed_delete BEFORE DELETE ON ticket_sla
    WHEN EXISTS (SELECT 1 FROM tickets WHERE id = old.ticket_id AND status = 'closed') BEGIN
    SELECT RAISE(ABORT, 'TICKET_CLOSED');
END;
