"""Intake's two hard stops, in the real window: a refused caller, and a ticket with no asset."""

from flows import Intake, Ticket, assets_of, callers, go_queue, queue_row, search_queue


def test_terminated_caller_is_stopped_with_the_reason_and_an_override_with_a_reason_continues(desk):
    page = desk.launch()
    caller = callers(desk.sandbox.db, terminated=True)[0]
    asset = assets_of(desk.sandbox.db, caller.company_id)[0]

    intake = Intake(page)
    ticket_id = intake.start()

    # The type-ahead already says why this caller may not proceed.
    option = intake.find_caller(caller.name)
    assert f"was terminated on {caller.terminated_on}" in option, option
    refusal = page.text(page.wait("caller-refusal"))
    assert "cannot proceed" in refusal and f"terminated on {caller.terminated_on}" in refusal, refusal
    # The form's list is the core's dry run of the intake steps: no authorization chosen yet.
    page.until(lambda: "Authorization is required" in intake.missing(),
               message=lambda: f"the intake lists {intake.missing()!r}")

    # Everything else is in order, so only the caller stands in the way.
    intake.link_asset(asset.hostname)
    intake.rate("user", "degraded")
    intake.problem("Outlook will not start since this morning")

    # Claiming the caller is authorized does not get past the rules in the core.
    intake.authorize("Authorized")
    intake.open_ticket()
    assert not intake.opened()
    errors = intake.section_errors(1)
    assert errors and errors[0][0] == "CALLER_NOT_AUTHORIZED", errors
    assert f"terminated on {caller.terminated_on}" in errors[0][1], errors

    # An override without a written reason is refused too.
    intake.authorize("Override")
    page.wait("override-reason")
    page.until(lambda: "an override needs a written reason" in intake.missing(),
               message=lambda: f"the intake lists {intake.missing()!r}")
    intake.open_ticket()
    assert not intake.opened()
    codes = [c for c, _ in intake.section_errors(1)]
    assert codes and codes[0] in ("OVERRIDE_REASON_REQUIRED", "GATE_BLOCKED"), codes

    # With the reason written, the ticket opens; the override is on the ticket and in the audit trail.
    reason = "Confirmed by the office manager on a call-back to the main number"
    intake.override_reason(reason)
    page.until(lambda: "needs a written reason" not in intake.missing())
    intake.open_ticket()
    assert intake.opened(), intake.section_errors(1)

    ticket = Ticket(page)
    ticket.wait_loaded(ticket_id)
    page.until(lambda: ticket.status() == "open")
    header = page.text(page.find("ticket-header"))
    assert f"Caller allowed by override: {reason}" in header, header
    actions = ticket.audit_actions()
    assert "caller_override" in actions, actions
    assert reason in ticket.audit_text()


def test_the_asset_gate_blocks_opening_until_an_asset_is_linked(desk):
    page = desk.launch()
    caller = callers(desk.sandbox.db, refused=False)[0]
    asset = assets_of(desk.sandbox.db, caller.company_id)[0]

    intake = Intake(page)
    ticket_id = intake.start()
    option = intake.find_caller(caller.name)
    assert "Authorized" in option, option
    intake.rate("department", "blocked")
    problem = "Scanner on the second floor prints blank pages"
    intake.problem(problem)

    # Before anything is sent the form lists what is missing: the asset.
    page.until(lambda: "Affected assets is required" in intake.missing(),
               message=lambda: f"the intake lists {intake.missing()!r}")

    intake.open_ticket()
    assert not intake.opened()
    errors = intake.section_errors(2)
    assert errors and errors[0][0] == "GATE_BLOCKED", errors
    assert "Affected assets" in errors[0][1], errors

    # The queue agrees: the ticket is still new, no SLA clock running.
    go_queue(page)
    search_queue(page, caller.name)
    row = page.until(lambda: queue_row(page, ticket_id), message="the new ticket is not queued")
    assert row.get_attribute("data-status") == "new"

    # Back to it, link the asset, and it opens.
    row.click()
    page.wait_hash(rf"^#/intake/{ticket_id}$")
    page.wait("intake-form")
    intake.ticket_id = ticket_id
    page.until(lambda: "Affected assets is required" in intake.missing(),
               message=lambda: f"the intake lists {intake.missing()!r}")
    # What was typed came back with the form (paragraphs autosave as drafts).
    page.until(lambda: page.value(page.find("problem-statement")) == problem,
               message="the problem statement typed before leaving intake is gone")
    intake.link_asset(asset.hostname)
    page.until(lambda: "Affected assets is required" not in intake.missing())
    # Impact and urgency are sent with "Open ticket", so a refused attempt leaves them unsaved:
    # pick them again if the form asks for them.
    if "Impact is required" in intake.missing():
        intake.rate("department", "blocked")
    intake.open_ticket()
    assert intake.opened(), [intake.section_errors(n) for n in range(1, 6)]
    ticket = Ticket(page)
    ticket.wait_loaded(ticket_id)
    assert ticket.status() == "open"
    assert asset.hostname in page.text(page.find("ticket-header"))
