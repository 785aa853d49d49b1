-- The desk's tools, one click away (issue 15): per company and kind of tool, the button's label
-- and a URL template that a step fills in for the ticket's asset and opens in the browser. The
-- core checks a template before it is written (http or https, a host, known placeholders after
-- it); the CHECKs below only keep a hand-edited file from holding a kind or scheme nobody reads.
CREATE TABLE company_tools (
    company_id INTEGER NOT NULL REFERENCES companies(id),
    kind TEXT NOT NULL CHECK (kind IN ('psa', 'remote_session', 'rmm', 'edr', 'documentation', 'noc', 'vendor_status')),
    label TEXT NOT NULL CHECK (length(label) > 0),
    url_template TEXT NOT NULL CHECK (url_template LIKE 'https://%' OR url_template LIKE 'http://%'),
    updated_by TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (company_id, kind)
) STRICT;
