-- The queue's sortable columns (store/queue.rs `order_by`). Each index holds its sort's whole
-- ORDER BY, so a page is read from the index in order (either direction) instead of sorting
-- every match; `status` rides along so skipping closed tickets never leaves the index.
-- The default order: what needs action first (priority, then the next SLA deadline).
CREATE INDEX tickets_priority_due_order
    ON tickets (coalesce(priority, 'P9'), coalesce(sla_due_at, '9999-12-31T23:59:59.999999Z'), id, status);
-- One status, in the default order (the queue's status filter).
CREATE INDEX tickets_status_priority_due_order
    ON tickets (status, coalesce(priority, 'P9'), coalesce(sla_due_at, '9999-12-31T23:59:59.999999Z'), id);
-- Lifecycle order, then the default order.
CREATE INDEX tickets_status_rank_order
    ON tickets (
        CASE status WHEN 'new' THEN 0 WHEN 'open' THEN 1 WHEN 'escalated' THEN 2
            WHEN 'waiting_on_customer' THEN 3 WHEN 'resolved' THEN 4 ELSE 5 END,
        coalesce(priority, 'P9'), coalesce(sla_due_at, '9999-12-31T23:59:59.999999Z'), id, status);
-- Age: creation time; and one status by age or by ticket number.
CREATE INDEX tickets_created_order ON tickets (created_at, id, status);
CREATE INDEX tickets_status_created_order ON tickets (status, created_at, id);
CREATE INDEX tickets_status_number_order ON tickets (status, id);
-- One client's tickets in the default order: the client filter, and the client sort (which
-- walks the clients by name and reads each one's tickets from here).
CREATE INDEX tickets_company_priority_due_order
    ON tickets (company_id, coalesce(priority, 'P9'), coalesce(sla_due_at, '9999-12-31T23:59:59.999999Z'), id, status);
