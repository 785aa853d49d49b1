"""Text that lies is shown for what it is, in the real window.

A contact is named `invoice_<U+202E>fdp.exe`, which reads "invoice_exe.pdf" wherever the
right-to-left override is applied, and the problem statement holds a zero-width space. The ticket
header and the queue row must show both as markers (⟦U+202E⟧, ⟦U+200B⟧: outlined chips whose
tooltip says what the character is), never apply them, and keep the raw characters out of the
rendered text. The list of hidden characters is the core's (visible.py reads it).
"""

from __future__ import annotations

from flows import Intake, Ticket, assets_of, callers, go_queue, queue_row, search_queue
from tfwindow import query_db
from visible import visible

LYING = "invoice_\u202efdp.exe"
PROBLEM = "Printer\u200b offline since the weekend"


def chips(page, within) -> list[tuple[str, str]]:
    return [(page.text(c), c.get_attribute("title"))
            for c in page.find_all("hidden-char", within)]


def test_a_right_to_left_override_in_a_name_shows_as_a_marker(desk):
    page = desk.launch()
    caller = callers(desk.sandbox.db, refused=False)[0]
    asset = assets_of(desk.sandbox.db, caller.company_id)[0]

    # -- A contact named with a right-to-left override, in the caller's company -----------------
    page.click("nav-directory")
    page.wait_hash(r"^#/directory")
    row = page.until(lambda: next((r for r in page.find_all("company-row")
                                   if page.text(r).strip().startswith(caller.company)), None),
                     message=f"company {caller.company} is not listed")
    row.click()
    page.wait_hash(r"^#/directory/\d+$")
    before = len(page.find_all("contact-row"))
    page.click("contact-new")
    page.insert_text(page.wait("contact-name"), LYING)
    box = page.find("contact-authorized")
    if not box.is_selected():
        box.click()
    page.click("contact-save")
    page.until(lambda: not page.find_all("contact-form")
               and len(page.find_all("contact-row")) == before + 1,
               message=lambda: f"the contact was not saved: {page.errors()}")

    # -- A ticket for them ------------------------------------------------------------------------
    intake = Intake(page)
    ticket_id = intake.start()
    intake.find_caller(LYING, query="invoice")
    intake.link_asset(asset.hostname)
    intake.paragraph("field-2-scope", "One user")
    intake.rate("user", "blocked")
    intake.paragraph("field-4-notes", "NOC dashboards green")
    page.insert_text(page.wait("problem-statement"), PROBLEM)
    page.until(lambda: intake.missing() == "", message="the intake form still lists something")
    intake.open_ticket()
    assert intake.opened(), [intake.section_errors(n) for n in range(1, 6)]

    # -- The ticket header ------------------------------------------------------------------------
    Ticket(page).wait_loaded(ticket_id)
    header = page.find("ticket-header")
    text = page.text(header)
    assert visible(LYING) in text and "invoice_⟦U+202E⟧fdp.exe" in text, text
    assert visible(PROBLEM) in text, text
    assert "\u202e" not in text and "\u200b" not in text
    shown = chips(page, header)
    assert ("⟦U+202E⟧", "right-to-left override (bidi control): a hidden character, shown "
            "instead of applied") in shown, shown
    assert any(c == "⟦U+200B⟧" for c, _ in shown), shown

    # -- The queue --------------------------------------------------------------------------------
    go_queue(page)
    number = query_db(desk.sandbox.db, "SELECT number FROM tickets WHERE id = ?", (ticket_id,))[0][0]
    search_queue(page, number)
    row = page.until(lambda: queue_row(page, ticket_id), message="the ticket is not queued")
    text = page.text(row)
    assert "invoice_⟦U+202E⟧fdp.exe" in text and visible(PROBLEM) in text, text
    assert "\u202e" not in text and "\u200b" not in text
    assert [c for c, _ in chips(page, row)] == ["⟦U+202E⟧", "⟦U+200B⟧"], chips(page, row)
    # The tooltips name the characters instead of applying them too.
    assert row.find_element("css selector", ".contact").get_attribute("title") == visible(LYING)
    # The marker stays left to right and the row's layout is not flipped: the contact's chip
    # is drawn after "invoice_" and before "fdp.exe" (the override would put "exe.pdf" first).
    order = page.d.execute_script("""
        const cell = arguments[0].querySelector('.contact');
        const chip = cell.querySelector('[data-testid="hidden-char"]');
        const range = document.createRange();
        const t = cell.querySelector('bdi').firstChild;
        range.setStart(t, 0); range.setEnd(t, t.length);
        const before = range.getBoundingClientRect();
        return [before.right <= chip.getBoundingClientRect().left + 1,
                getComputedStyle(cell.querySelector('bdi')).unicodeBidi];
    """, row)
    assert order[0], "the text before the marker is not left of it"
    assert order[1] == "isolate", order
    # For a person to look at (kept under artifacts/e2e/screenshots).
    shots = desk.artifacts.parent / "screenshots"
    shots.mkdir(parents=True, exist_ok=True)
    page.d.save_screenshot(str(shots / "visible-text-queue.png"))
    page.d.execute_script("location.hash = arguments[0]", f"#/ticket/{ticket_id}")
    Ticket(page).wait_loaded(ticket_id)
    page.d.save_screenshot(str(shots / "visible-text-ticket.png"))
