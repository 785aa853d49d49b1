"""No dead ends in the workflow, in the real window: a step says what it still needs before the
click, with the button that provides it (step 19: "Add time entry" opens the Time tab with the
cursor in Minutes, and the need goes once the entry exists); a form that cannot save says why at
the field and puts the cursor there (an empty Minutes, a half-typed date, waiting without a reason
or a follow-up day, a company without a name); a draft ticket can be discarded; escalating asks to
whom and assigns them, and the hand-off starts from diagnosis; a failed fix attempt stays visible;
done and future phases fold to one line."""

from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import Select

from flows import Ticket, query_db, queue_row, search_queue


def open_ticket(desk, status: str, where: str = "1=1"):
    """Launches the app and opens, through the queue, the first demo ticket in `status`."""
    page = desk.launch()
    ticket_id, number = query_db(
        desk.sandbox.db,
        f"SELECT id, number FROM tickets WHERE status = ? AND {where} ORDER BY id LIMIT 1",
        (status,))[0]
    search_queue(page, number)
    page.until(lambda: queue_row(page, ticket_id), message=f"{number} is not queued").click()
    ticket = Ticket(page)
    ticket.wait_loaded(ticket_id)
    return page, ticket, ticket_id


def focused_testid(page) -> str | None:
    return page.d.execute_script("return document.activeElement?.dataset?.testid ?? null")


def field_errors(page) -> dict[str, str]:
    return {e.get_attribute("data-field"): page.text(e) for e in page.find_all("field-error")}


def shots(desk):
    d = desk.artifacts.parent / "screenshots"
    d.mkdir(exist_ok=True)
    return d


def test_step_19_asks_for_a_time_entry_and_the_button_provides_it(desk):
    page, ticket, ticket_id = open_ticket(
        desk, "resolved", "NOT EXISTS (SELECT 1 FROM time_entries e WHERE e.ticket_id = tickets.id)")
    # Only the current phase is open; the finished ones fold to one line each.
    assert not page.find_all("step-1") and not page.find_all("step-6"), "a done phase is unfolded"
    assert ticket.step_state(19) == "blocked"
    needs = page.find("step-19-needs")
    assert "time entry" in page.text(needs)
    page.screenshot(shots(desk) / "step-19-needs.png")
    action = [a for a in page.find_all("step-19-action")
              if a.get_attribute("data-code") == "time_entry_required"]
    assert action, "no 'Add time entry' button beside the need"
    page.scroll_into_view(action[0])
    action[0].click()
    # The Time tab opens on the add form, the cursor in Minutes.
    page.until(lambda: page.find("side-tab-time").get_attribute("aria-selected") == "true")
    page.until(lambda: focused_testid(page) == "time-minutes",
               message=lambda: f"focus is on {focused_testid(page)!r}, not Minutes")

    # An empty Minutes says so under the field and keeps the cursor there.
    minutes = page.find("time-minutes")
    # Deleted by keys, as a person does (WebDriver's clear() fires no input event).
    minutes.send_keys(Keys.CONTROL, "a")
    minutes.send_keys(Keys.BACKSPACE)
    assert page.value(minutes) == ""
    page.click("time-save")
    page.until(lambda: "minutes" in field_errors(page), message="no message at the empty Minutes")
    assert focused_testid(page) == "time-minutes"
    assert not page.find_all("time-entry")
    page.screenshot(shots(desk) / "time-minutes-empty.png")

    minutes.send_keys("30")
    page.click("time-save")
    page.until(lambda: page.find_all("time-entry"), message=lambda: f"no time entry: {page.errors()}")
    # The need is gone and the step can be done.
    page.until(lambda: ticket.step_state(19) == "available",
               message=lambda: f"step 19 still blocked: {ticket.step_reason(19)}")
    assert not page.find_all("step-19-needs")
    ticket.complete(19)


def test_waiting_on_the_customer_asks_why_and_until_when(desk):
    page, ticket, ticket_id = open_ticket(desk, "open")
    page.click("wait-on-customer")
    page.wait("wait-reason")
    page.click("wait-submit")
    page.until(lambda: "reason" in field_errors(page), message="no message at the empty reason")
    assert focused_testid(page) == "wait-reason"
    page.type_into(page.find("wait-reason"), "The user sends the error log")
    until = page.find("wait-until")
    # An empty date field shows its format, never a date.
    assert page.value(until) == "" and until.get_attribute("placeholder")
    page.type_into(until, "12/3")
    page.click("wait-submit")
    page.until(lambda: "follow_up_on" in field_errors(page), message="no message at the half-typed date")
    assert focused_testid(page) == "wait-until"
    page.screenshot(shots(desk) / "wait-form-errors.png")
    page.type_into(until, "2099-01-02")
    page.click("wait-submit")
    page.until(lambda: ticket.status() == "waiting_on_customer",
               message=lambda: f"not waiting: {page.errors()} {field_errors(page)}")
    info = page.text(page.wait("waiting-info"))
    assert "The user sends the error log" in info and "2099" in info, info
    page.screenshot(shots(desk) / "waiting-header.png")


def test_a_draft_can_be_discarded_and_leaves_the_queue(desk):
    page = desk.launch()
    page.click("new-ticket")
    m = page.wait_hash(r"^#/intake/(\d+)$")
    ticket_id = int(m.group(1))
    page.wait("intake-form")
    page.click("ticket-discard")
    page.wait_hash(r"^#/$")
    page.until(lambda: not query_db(desk.sandbox.db, "SELECT 1 FROM tickets WHERE id = ?", (ticket_id,)),
               message="the discarded draft is still stored")
    actions = [a for (a,) in query_db(desk.sandbox.db,
                                      "SELECT action FROM audit_events WHERE ticket_id = ?", (ticket_id,))]
    assert "ticket_discarded" in actions, actions


def test_a_half_typed_terminated_date_is_named_at_the_field(desk):
    page = desk.launch()
    page.click("nav-directory")
    page.click("company-new")
    # A company without a name says so at the name, with the cursor there.
    page.click("company-save")
    page.until(lambda: "name" in field_errors(page), message="no message at the empty company name")
    assert focused_testid(page) == "company-name"
    page.type_into(page.find("company-name"), "Datefield Ltd")
    page.click("company-save")
    page.wait_hash(r"^#/directory/\d+$")
    page.click("contact-new")
    page.wait("contact-form")
    page.type_into(page.find("contact-name"), "Half Typed")
    date = page.find("contact-terminated")
    assert page.value(date) == "" and date.get_attribute("placeholder")
    page.type_into(date, "31.0")
    page.click("contact-save")
    page.until(lambda: "terminated_on" in field_errors(page), message="no message at the date")
    assert focused_testid(page) == "contact-terminated"
    page.screenshot(shots(desk) / "contact-date-error.png")
    assert not query_db(desk.sandbox.db, "SELECT 1 FROM contacts WHERE name = 'Half Typed'")


def test_escalating_asks_to_whom_and_assigns_them(desk):
    tier2 = [n for (n,) in query_db(desk.sandbox.db,
                                    "SELECT name FROM technicians WHERE tier = 'tier2' AND active = 1 ORDER BY name")]
    assert tier2, "the demo desk has a Tier 2 technician"
    page, ticket, ticket_id = open_ticket(
        desk, "open", "NOT EXISTS (SELECT 1 FROM step_records s WHERE s.ticket_id = tickets.id AND s.step = 10)")
    ticket.fill(10, {"decision": "Escalate to Tier 2"})
    select = page.wait("escalate-to")
    options = [o.get_attribute("value") for o in select.find_elements("css selector", "option")]
    # The Tier 2 queue, then every active Tier 2 technician, and nobody else.
    assert options == [""] + tier2, options
    Select(select).select_by_value(tier2[0])
    page.screenshot(shots(desk) / "escalate-to.png")
    page.click("complete-step-10")
    page.until(lambda: ticket.status() == "escalated", message=lambda: f"not escalated: {page.errors()}")
    page.until(lambda: page.value(page.find("assignee")) == tier2[0],
               message=lambda: f"assigned to {page.value(page.find('assignee'))!r}")
    stored = query_db(desk.sandbox.db, "SELECT assignee FROM tickets WHERE id = ?", (ticket_id,))[0][0]
    assert stored == tier2[0]
    # The hand-off starts from what diagnosis recorded, for editing.
    page.until(lambda: ticket.step_state(11) == "available")
    repro = page.wait("field-11-repro_steps")
    assert page.value(repro).strip() != "", "step 11 is not prefilled from step 6"
    page.screenshot(shots(desk) / "handoff-prefilled.png")


def test_a_failed_attempt_stays_in_the_checklist(desk):
    # An escalated demo ticket has its hand-off but no fix yet.
    page, ticket, ticket_id = open_ticket(desk, "escalated")
    ticket.complete(12, {"notes": "Reset the mail profile.", "infrastructure": "Endpoint only"})
    page.type_into(page.wait("handover-summary-input"), "We reset your mail profile.")
    page.click("handover-start")
    page.click("handover-failing")
    page.wait("handover-done")
    page.click("handover-exit")
    page.type_into(page.wait("handover-pin"), "246810")
    page.click("handover-unlock")
    page.wait_gone("handover")
    ticket.wait_loaded(ticket_id)
    page.until(lambda: ticket.step_state(17) == "available",
               message=lambda: f"step 17 is not offered: {ticket.step_reason(17)}")
    ticket.fill(17, {"what_failed": "Outlook still hangs after the profile reset",
                     "route": "Back to diagnosis"})
    page.click("complete-step-17")
    page.until(lambda: ticket.status() == "open", message=lambda: f"not reopened: {ticket.errors_in(17)}")
    # Step 17 no longer applies once the ticket went back, but the attempt is still there.
    page.until(lambda: page.find_all("attempt-1"), message="the failed attempt vanished")
    text = page.text(page.find("attempt-1"))
    assert "Attempt 1: failed" in text and "Outlook still hangs after the profile reset" in text, text
    assert "Reset the mail profile." in text, text
    page.screenshot(shots(desk) / "failed-attempt.png")
