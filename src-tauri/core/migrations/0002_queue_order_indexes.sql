-- The queue sorts by the next SLA deadline with tickets that have none last. Sorting on
-- `sla_due_at IS NULL, sla_due_at` cannot use an index, so 100,000 tickets meant sorting every
-- match on each page; these expression indexes hand pages out in order instead.
CREATE INDEX tickets_queue_order ON tickets (coalesce(sla_due_at, '9999-12-31T23:59:59.999999Z'), id);
CREATE INDEX tickets_status_queue_order ON tickets (status, coalesce(sla_due_at, '9999-12-31T23:59:59.999999Z'), id);
CREATE INDEX tickets_priority_queue_order ON tickets (priority, coalesce(sla_due_at, '9999-12-31T23:59:59.999999Z'), id);
DROP INDEX tickets_status_due;
DROP INDEX tickets_due;
