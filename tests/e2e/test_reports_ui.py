"""Closure reports in the real window, as far as WebDriver can drive them: the report settings
are saved and survive a restart, a closed ticket offers Export and Print while an open one does
not, and the batch form asks for what it still needs. Native dialogs cannot be driven, and
exporting needs the OS keychain, so nothing here exports (tests/ipc_reports.rs does, with an
in-memory key store; tests/e2e/reports.sh checks the files with pdfsig)."""

import sqlite3

from flows import Ticket
from tfwindow import query_db


def open_reports(page):
    page.click("nav-reports")
    page.wait_hash(r"^#/reports$")
    return page.wait("report-settings")


def msp_field(page):
    return page.until(
        lambda: page.find("report-msp-name") if page.value(page.find("report-msp-name")) else False,
        message="the report settings never loaded",
    )


def paper_chosen(page) -> str:
    box = page.find("report-paper").find_element("css selector", "input:checked")
    return box.get_attribute("value")


def setting(desk, key):
    rows = query_db(desk.sandbox.db, "SELECT value FROM settings WHERE key = ?", (key,))
    return rows[0][0] if rows else None


def test_report_settings_are_saved_and_survive_a_restart(desk):
    page = desk.launch()
    open_reports(page)
    name = msp_field(page)
    assert page.value(name) == "IT Service Desk"
    assert paper_chosen(page) == "a4"
    # Nothing changed, nothing to save.
    assert not page.find("report-settings-save").is_enabled()

    page.type_into(name, "Northwind <b>IT</b> Services")
    page.choose("report-paper", "letter")
    page.click("report-settings-save")
    page.wait("report-settings-saved")
    assert not page.errors(), page.errors()
    assert setting(desk, "report.msp_name") == "Northwind <b>IT</b> Services"
    assert setting(desk, "report.paper_size") == "letter"

    # An empty name cannot be saved: Save says why under the name, and nothing is written.
    page.type_into(name, " ")
    page.click("report-settings-save")
    page.until(lambda: [e.get_attribute("data-field") for e in page.find_all("field-error")]
               == ["mspName"], message="an empty MSP name was not refused at the field")
    assert setting(desk, "report.msp_name") == "Northwind <b>IT</b> Services"

    page = desk.restart()
    open_reports(page)
    assert page.value(msp_field(page)) == "Northwind <b>IT</b> Services"
    assert paper_chosen(page) == "letter"
    # The name is text, never markup.
    assert not page.d.find_elements("css selector", '[data-testid="report-settings"] b')


def test_a_closed_ticket_offers_export_and_print_and_an_open_one_does_not(desk):
    closed, = query_db(desk.sandbox.db,
                       "SELECT id FROM tickets WHERE status = 'closed' ORDER BY id LIMIT 1")[0]
    still_open, = query_db(desk.sandbox.db,
                           "SELECT id FROM tickets WHERE status <> 'closed' ORDER BY id LIMIT 1")[0]
    page = desk.launch()
    ticket = Ticket(page)

    page.d.execute_script("location.hash = arguments[0]", f"#/ticket/{closed}")
    ticket.wait_loaded(closed)
    actions = page.wait("report-actions")
    assert ticket.status() == "closed"
    assert page.find("report-export", actions).is_enabled()
    assert page.find("report-print", actions).is_enabled()
    assert "Export report" in page.find("report-export").text
    # It is shown from its sealed record, whose hash (the one on its report) it names as text.
    record_hash, = query_db(desk.sandbox.db, "SELECT record_hash FROM tickets WHERE id = ?",
                            (closed,))[0]
    sealed = page.find("ticket-sealed")
    assert sealed.get_attribute("data-hash") == record_hash
    assert page.text(page.find("ticket-sealed-hash", sealed)) == f"SHA-256 {record_hash}"

    page.d.execute_script("location.hash = arguments[0]", f"#/ticket/{still_open}")
    ticket.wait_loaded(still_open)
    page.wait("phase-intake")
    assert ticket.status() != "closed"
    assert not page.find_all("report-actions")
    assert not page.find_all("ticket-sealed")


def test_a_closed_ticket_whose_sealed_record_was_altered_is_refused_with_a_way_forward(desk):
    """Someone with the file drops the seal trigger and edits the sealed record: the window does
    not quietly show the live rows instead, it says the record no longer matches and what to do."""
    closed, = query_db(desk.sandbox.db,
                       "SELECT id FROM tickets WHERE status = 'closed' ORDER BY id LIMIT 1")[0]
    con = sqlite3.connect(desk.sandbox.db, timeout=10)
    try:
        con.execute("DROP TRIGGER closure_records_sealed_update")
        con.execute(
            "UPDATE closure_records SET record = replace(record, '\"problem\":\"', "
            "'\"problem\":\"(altered) ') WHERE ticket_id = ?", (closed,))
        con.commit()
    finally:
        con.close()
    record, = query_db(desk.sandbox.db, "SELECT record FROM closure_records WHERE ticket_id = ?",
                       (closed,))[0]
    assert '"problem":"(altered) ' in record
    page = desk.launch()
    page.d.execute_script("location.hash = arguments[0]", f"#/ticket/{closed}")
    error = page.wait("error-message")
    assert error.get_attribute("data-code") == "RECORD_MISMATCH"
    assert "verify-audit --deep" in page.text(error)
    assert not page.find_all("ticket-header")


def test_the_batch_form_asks_for_a_client_and_a_folder(desk):
    page = desk.launch()
    open_reports(page)
    form = page.wait("batch-export")
    start = page.find("batch-start")
    assert not start.is_enabled()
    assert "Choose a client." in page.text(form)

    client = page.find("batch-company")
    options = client.find_elements("css selector", "option:not([disabled])")
    names = {name for name, in query_db(desk.sandbox.db, "SELECT name FROM companies")}
    assert {o.get_attribute("textContent") for o in options} == names
    options[0].click()
    page.until(lambda: "Choose a folder." in page.text(form),
               message=lambda: page.text(form))
    assert not start.is_enabled()
    assert page.text(page.find("batch-folder-path")).strip() == "No folder chosen"

    page.d.execute_script(
        "const el = arguments[0]; el.value = arguments[1];"
        "el.dispatchEvent(new Event('input', {bubbles: true}));",
        page.find("batch-from"), "2030-01-01")
    page.until(lambda: "The range ends before it starts." in page.text(form),
               message=lambda: page.text(form))
    assert not start.is_enabled()
    assert not page.find_all("batch-progress")
