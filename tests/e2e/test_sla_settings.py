"""Settings › SLA targets and Settings › Business calendar (issue 15), on the demo desk at the
smallest window (1024x700): a target typed wrong shows the core's message under its row and
cannot be saved; a good table saves, is in the audit trail, and the tickets opened before keep
the terms they pinned. Both cards are photographed."""

from __future__ import annotations

import json

from tfwindow import query_db

PINS = "SELECT ticket_id, company_id, target_set, calendar FROM ticket_sla ORDER BY ticket_id"


def test_targets_are_judged_by_the_core_saved_audited_and_leave_open_tickets_alone(desk):
    page = desk.launch()
    desk.driver.set_window_size(1024, 700)
    page.until(lambda: page.d.execute_script("return innerWidth") == 1024)
    db = desk.sandbox.db
    shots = desk.artifacts.parent / "screenshots"
    shots.mkdir(parents=True, exist_ok=True)
    pins = query_db(db, PINS)
    assert pins, "the demo desk has opened tickets, each pinned"

    page.click("nav-reports")
    page.wait_hash(r"^#/reports$")
    card = page.wait("sla-targets")
    page.scroll_into_view(card)
    assert "opened from now on" in page.text(page.find("sla-targets-note"))
    fr = page.wait("sla-target-gold-P2-fr")
    res = page.find("sla-target-gold-P2-res")
    assert not page.find("sla-targets-save").is_enabled(), "nothing changed yet, yet Save is enabled"

    # Resolution shorter than first response: the core says so under the row, Save stays off.
    page.type_into(res, "5")
    problem = page.wait("sla-target-problem")
    said = page.text(problem)
    assert "Gold P2" in said and "shorter than first response" in said, said
    assert not page.find("sla-targets-save").is_enabled()
    page.scroll_into_view(fr)
    page.screenshot(shots / "sla-targets-card-problem.png")

    page.type_into(fr, "3")
    page.until(lambda: not page.find_all("sla-target-problem"), message="the core's message stays")
    page.wait_enabled("sla-targets-save")
    page.click("sla-targets-save")
    page.wait("sla-targets-saved")
    assert query_db(
        db, "SELECT first_response_minutes, resolution_minutes FROM sla_policies "
            "WHERE tier = 'gold' AND priority = 'P2'") == [(3, 5)]
    audit = query_db(
        db, "SELECT before, after FROM audit_events WHERE action = 'sla_targets_changed' "
            "ORDER BY id DESC LIMIT 1")
    assert audit, "the edit is not in the audit trail"
    after = {(c["tier"], c["priority"]): c for c in json.loads(audit[0][1])}
    assert (after[("gold", "P2")]["first_response_minutes"], after[("gold", "P2")]["resolution_minutes"]) == (3, 5)
    assert query_db(db, PINS) == pins, "a ticket opened before the edit lost the terms it pinned"
    page.scroll_into_view(page.find("sla-targets-save"))
    page.screenshot(shots / "sla-targets-card.png")

    calendar = page.wait("desk-calendar")
    page.scroll_into_view(calendar)
    assert "opened from now on" in page.text(page.find("desk-calendar-note"))
    page.screenshot(shots / "desk-calendar-card.png")
