"""Settings › Priority matrix (issue 15): on the demo desk, one cell of the matrix is changed in
the window; the intake then shows the new cell's priority for that impact × urgency, the core
stores that same priority when the ticket opens, a ticket opened before keeps its own, and the
change is in the audit trail. The matrix card is photographed."""

from __future__ import annotations

import json

from flows import Intake, Ticket, assets_of, callers
from selenium.webdriver.support.ui import Select
from tfwindow import query_db

IMPACT, URGENCY = "user", "degraded"
# Rows by impact, columns by urgency, in the core's order.
ROW, COL = ["organization", "department", "user"].index(IMPACT), ["blocked", "degraded", "request"].index(URGENCY)


def stored_matrix(db) -> list[list[str]] | None:
    rows = query_db(db, "SELECT value FROM settings WHERE key = 'priority_matrix'")
    return json.loads(rows[0][0])["cells"] if rows else None


def test_an_edited_cell_is_what_the_intake_shows_and_the_core_stores(desk):
    page = desk.launch()
    db = desk.sandbox.db
    shots = desk.artifacts.parent / "screenshots"
    shots.mkdir(parents=True, exist_ok=True)

    # A demo ticket already prioritized for this impact × urgency keeps its priority afterwards.
    earlier = query_db(
        db,
        "SELECT id, priority, priority_computed FROM tickets WHERE impact = ? AND urgency = ? "
        "AND priority IS NOT NULL ORDER BY id LIMIT 1",
        (IMPACT, URGENCY),
    )

    page.click("nav-reports")
    page.wait_hash(r"^#/reports$")
    card = page.wait("priority-matrix")
    cell = page.until(lambda: page.find_all(f"matrix-cell-{IMPACT}-{URGENCY}"),
                      message="the matrix card shows no cells")[0]
    page.scroll_into_view(cell)
    before = Select(cell).first_selected_option.get_attribute("value")
    new = "P1" if before != "P1" else "P2"
    assert not page.find("matrix-save").is_enabled(), "nothing changed yet, yet Save is enabled"
    Select(cell).select_by_value(new)
    page.until(lambda: page.find("matrix-save").is_enabled(), message="Save stays disabled")
    page.click("matrix-save")
    page.wait("matrix-saved")
    saved = stored_matrix(db)
    assert saved is not None and saved[ROW][COL] == new, saved
    audit = query_db(
        db,
        "SELECT before, after FROM audit_events WHERE action = 'priority_matrix_changed' "
        "ORDER BY id DESC LIMIT 1",
    )
    assert audit, "the matrix change is not in the audit trail"
    assert json.loads(audit[0][0])["cells"][ROW][COL] == before, audit
    assert json.loads(audit[0][1])["cells"][ROW][COL] == new, audit
    page.scroll_into_view(card)
    page.screenshot(shots / "priority-matrix-card.png")

    # The intake asks the core: the preview is the new cell.
    caller = callers(db, refused=False)[0]
    asset = assets_of(db, caller.company_id)[0]
    intake = Intake(page)
    ticket_id = intake.start()
    intake.find_caller(caller.name)
    intake.link_asset(asset.hostname)
    shown = intake.rate(IMPACT, URGENCY)
    assert shown == new, f"the intake shows {shown}, the edited matrix says {new}"
    page.until(lambda: page.text(page.find("intake-priority")) == new,
               message="the summary does not show the core's priority")
    intake.problem("Shared drive maps only after a second sign-in")
    page.until(lambda: intake.missing() == "", message=lambda: f"still missing: {intake.missing()}")
    intake.open_ticket()
    assert intake.opened(), [intake.section_errors(n) for n in range(1, 6)]
    Ticket(page).wait_loaded(ticket_id)

    # What the core stored is what the intake showed, and no override was recorded.
    row = query_db(
        db,
        "SELECT status, priority, priority_computed, priority_override_reason FROM tickets WHERE id = ?",
        (ticket_id,),
    )[0]
    assert row == ("open", new, new, None), row
    if earlier:
        eid, p, pc = earlier[0]
        assert query_db(db, "SELECT priority, priority_computed FROM tickets WHERE id = ?", (eid,))[0] == (p, pc), \
            "a ticket prioritized before the change lost its priority"
