"""Hand-over mode's other paths in the real window: an end user who says it still fails sends the
ticket to reopen-and-reassign, and a summary changed after they signed asks for their signature
again. (The signed happy path to closure is test_workflow.py.)"""

from flows import (
    Ticket,
    assert_strokes_follow,
    draw,
    query_db,
    queue_row,
    search_queue,
    stored_signature,
)

DEMO_PIN = "2468"
STROKES = [
    [(40 + 9 * i, 60 + (i % 4) * 8) for i in range(20)],
    [(60 + 9 * i, 120) for i in range(16)],
]


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


def leave_handover(page) -> None:
    page.click("handover-exit")
    page.type_into(page.wait("handover-pin"), DEMO_PIN)
    page.click("handover-unlock")
    page.wait_gone("handover")


def test_still_failing_at_hand_over_sends_the_ticket_to_reopen(desk):
    # An escalated demo ticket has its hand-off but no fix yet.
    page, ticket, ticket_id = open_ticket(desk, "escalated")
    ticket.complete(12, {"notes": "Reset the mail profile.", "infrastructure": "Endpoint only"})
    page.type_into(page.wait("handover-summary-input"), "We reset your mail profile.")
    page.click("handover-start")
    page.click("handover-failing")
    page.wait("handover-done")
    leave_handover(page)
    ticket.wait_loaded(ticket_id)

    # The failed verification is recorded; the ticket stays with the technician, not closed.
    page.until(lambda: ticket.step_state(17) == "available",
               message=lambda: f"step 17 is not offered: {ticket.step_reason(17)}")
    assert ticket.status() == "escalated"
    outcome = query_db(desk.sandbox.db, "SELECT vals FROM step_records WHERE ticket_id = ? "
                                        "AND step = 13 AND superseded = 0", (ticket_id,))
    assert '"Still failing"' in outcome[0][0], outcome
    assert "signature" not in outcome[0][0]
    assert ticket.step_state(21) == "blocked"


def test_a_summary_changed_after_signing_asks_for_the_signature_again(desk):
    # A resolved demo ticket: the end user signed the demo summary at step 13.
    page, ticket, ticket_id = open_ticket(desk, "resolved")
    ticket.complete(14, {"notes": "Monitoring green."})
    ticket.complete(15, {"root_cause": "Stale cache.", "changes": "Cleared it."})
    changed = "We cleared an old cache and also replaced your docking station."
    ticket.complete(16, {"summary": changed})

    # The signature no longer covers what the requester was sent: said, audited, close blocked.
    banner = page.wait("signature-invalidated")
    assert "summary changed" in page.text(banner)
    assert "signature_invalidated" in ticket.audit_actions()
    assert "take it again at step 13" in page.text(page.find("close-blockers"))

    # Hand over again: the end user sees the summary that was sent and signs it.
    page.click("handover-start")
    assert page.find("handover").get_attribute("data-stage") == "sign"
    assert page.text(page.find("handover-summary")).strip() == changed
    draw(page, page.wait("handover-pad"), STROKES)
    page.click("handover-sign")
    page.wait("handover-done")
    leave_handover(page)
    ticket.wait_loaded(ticket_id)
    page.until(lambda: not page.find_all("signature-invalidated"),
               message="the invalidation is still shown after signing again")
    signed = stored_signature(desk.sandbox.db, ticket_id, 13)
    assert signed["content"] == changed
    assert_strokes_follow(signed, STROKES)
    assert ticket.status() == "resolved"
