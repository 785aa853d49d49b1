"""Runbook entries written in the window: the Runbooks screen (new entry, reasons at the field,
search, edit), the ticket's Runbooks panel, and step 20 completed with "Entry created" without
leaving the ticket."""

from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from flows import Ticket, query_db


def shots_dir(desk):
    shots = desk.artifacts.parent / "screenshots"  # kept when the test passes
    shots.mkdir(exist_ok=True)
    return shots


def field_error(page, field, within=None):
    return [e for e in page.find_all("field-error", within) if e.get_attribute("data-field") == field]


def test_an_entry_is_written_found_and_edited_on_the_runbooks_screen(desk):
    page = desk.launch()
    page.click("nav-runbooks")
    page.wait_hash(r"^#/runbooks$")
    page.wait("runbooks-view")
    page.click("runbook-new")
    editor = page.wait("runbook-editor")

    # Save with no title: the reason is at the title, and the cursor is in it.
    page.click("runbook-save")
    page.until(lambda: field_error(page, "title", editor), message="no reason at the title")
    assert page.active_testid() == "runbook-title"
    page.screenshot(shots_dir(desk) / "runbook-title-missing.png")

    page.type_into(page.find("runbook-title", editor), "Plotter on floor 3 needs PCL6")
    # Two lines, the second after the Enter key: the text is plain text, line breaks kept.
    page.type_into(page.find("runbook-body", editor),
                   "The HP DesignJet prints garbage with the PS driver." + Keys.ENTER + "Install the PCL6 driver.")
    page.click("runbook-save")
    page.wait_hash(r"^#/runbooks/\d+$")
    page.until(lambda: any("Plotter on floor 3" in page.text(r) for r in page.find_all("runbook-row")),
               message="the new entry is not in the list")
    entry_id, body = query_db(
        desk.sandbox.db, "SELECT id, body FROM runbook_entries WHERE title LIKE 'Plotter on floor 3%'")[0]
    assert body == "The HP DesignJet prints garbage with the PS driver.\nInstall the PCL6 driver.", body
    page.screenshot(shots_dir(desk) / "runbooks-screen.png")
    # The smallest window the desk supports: the list, the editor and Save all in reach.
    desk.driver.set_window_size(1024, 700)
    page.until(lambda: page.d.execute_script("return innerWidth") == 1024)
    save = page.find("runbook-save")
    assert page.d.execute_script(
        "const r = arguments[0].getBoundingClientRect(); return r.right <= innerWidth && r.width > 0", save)
    page.screenshot(shots_dir(desk) / "runbooks-screen-1024.png")

    # Full-text search finds it by a word of its text.
    page.type_into(page.find("runbook-search-input"), "designjet")
    page.until(lambda: [int(r.get_attribute("data-runbook-id")) for r in page.find_all("runbook-row")]
               == [entry_id], message="the search did not find exactly the entry")

    # An edit that changes nothing says so at the text; a real edit is saved.
    editor = page.wait("runbook-editor")
    page.click("runbook-save")
    page.until(lambda: field_error(page, "body", editor), message="no reason at the text")
    assert page.active_testid() == "runbook-body"
    page.type_into(page.find("runbook-body", editor), "Use the PCL6 driver from the vendor site.")
    page.click("runbook-save")
    page.until(lambda: query_db(desk.sandbox.db, "SELECT body FROM runbook_entries WHERE id = ?",
                                (entry_id,))[0][0] == "Use the PCL6 driver from the vendor site.",
               message="the edit was not saved")


def test_step_20_creates_an_entry_and_completes_with_it(desk):
    page = desk.launch()
    rows = query_db(
        desk.sandbox.db,
        "SELECT t.id, t.problem FROM tickets t WHERE t.status = 'resolved' AND NOT EXISTS ("
        " SELECT 1 FROM step_records s WHERE s.ticket_id = t.id AND s.step = 20 AND s.superseded = 0)"
        " ORDER BY t.id LIMIT 1")
    assert rows, "the demo desk has a resolved ticket before step 20"
    ticket_id, problem = rows[0]
    page.d.execute_script(f"location.hash = '#/ticket/{ticket_id}'")
    ticket = Ticket(page)
    ticket.wait_loaded(ticket_id)
    card = ticket.step(20)
    page.scroll_into_view(card)
    create = page.find("step20-create", card)
    create.click()
    editor = page.wait("runbook-editor")
    assert page.value(page.find("runbook-title", editor)) == problem, "title from the problem"
    page.type_into(page.find("runbook-body", editor), "Found on this ticket: clear the token cache.")
    page.screenshot(shots_dir(desk) / "step20-create.png")
    page.click("runbook-save")
    page.until(lambda: query_db(desk.sandbox.db,
                                "SELECT count(*) FROM ticket_runbooks WHERE ticket_id = ? AND created = 1",
                                (ticket_id,))[0][0] == 1,
               message="the entry was not linked to the ticket as created there")
    outcome = page.find("field-20-outcome", ticket.step(20))
    page.until(lambda: any(i.is_selected() and i.get_attribute("value") == "Entry created"
                           for i in outcome.find_elements(By.CSS_SELECTOR, "input")),
               message="the outcome was not set to Entry created")
    page.screenshot(shots_dir(desk) / "step20-ready.png")
    page.click("complete-step-20")
    page.until(lambda: ticket.step_state(20) == "done",
               message=lambda: f"step 20 was not completed: {ticket.errors_in(20)}")


def test_the_runbooks_panel_writes_an_entry_for_the_ticket(desk):
    page = desk.launch()
    (ticket_id,) = query_db(
        desk.sandbox.db,
        "SELECT id FROM tickets WHERE status IN ('open', 'escalated') AND company_id IS NOT NULL"
        " ORDER BY id LIMIT 1")[0]
    page.d.execute_script(f"location.hash = '#/ticket/{ticket_id}'")
    ticket = Ticket(page)
    ticket.wait_loaded(ticket_id)
    ticket.open_tab("runbooks")
    page.click("runbook-new")
    editor = page.wait("runbook-editor")
    # The title starts as the ticket's problem statement; a blank one is refused at the field.
    page.type_into(page.find("runbook-title", editor), " ")
    page.click("runbook-save")
    page.until(lambda: field_error(page, "title", editor), message="no reason at the title")
    page.type_into(page.find("runbook-title", editor), "Shared mailbox permissions")
    page.click("runbook-save")
    page.until(lambda: any("Shared mailbox permissions" in page.text(e)
                           for e in page.find_all("runbook-linked")),
               message="the new entry is not linked in the panel")
    page.screenshot(shots_dir(desk) / "runbook-panel.png")
