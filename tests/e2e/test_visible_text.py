"""Text that lies is shown for what it is, in the real window.

A contact is named `invoice_<U+202E>fdp.exe`, which reads "invoice_exe.pdf" wherever the
right-to-left override is applied, the problem statement holds a zero-width space and a note a
left-to-right isolate. The Directory's contact list, the caller search, the ticket header, a done
step's values, the audit timeline and the queue row must show them as markers (⟦U+202E⟧,
⟦U+200B⟧: outlined chips whose tooltip says what the character is), never apply them, and keep the
raw characters out of the rendered text; an input holding one keeps it editable and names it in a
warning line under it. The list of hidden characters is the core's (visible.py reads it).
"""

from __future__ import annotations

from flows import Intake, Ticket, assets_of, callers, go_queue, queue_row, search_queue
from tfwindow import query_db
from visible import visible

LYING = "invoice_\u202efdp.exe"
PROBLEM = "Printer\u200b offline since the weekend"
NOTES = "NOC dashboards \u2066green"


def chips(page, within) -> list[tuple[str, str]]:
    return [(page.text(c), c.get_attribute("title"))
            for c in page.find_all("hidden-char", within)]


def warning_under(page, field) -> str:
    """The hidden-character warning line of the form field holding `field` ("" when none)."""
    return page.d.execute_script("""
        const w = arguments[0].closest('.form-field, .typeahead')
            .querySelector('[data-testid="hidden-char-warning"]');
        return w ? w.textContent : '';
    """, field)


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
    name_box = page.wait("contact-name")
    page.insert_text(name_box, LYING)
    # The input keeps the raw name (it stays editable); the line under it names the override.
    assert name_box.get_attribute("value") == LYING
    assert "⟦U+202E⟧" in page.until(lambda: warning_under(page, name_box),
                                    message="no warning under the contact name")
    shots = desk.artifacts.parent / "screenshots"
    shots.mkdir(parents=True, exist_ok=True)
    page.screenshot(shots / "visible-text-contact-form.png")
    box = page.find("contact-authorized")
    if not box.is_selected():
        box.click()
    page.click("contact-save")
    page.until(lambda: not page.find_all("contact-form")
               and len(page.find_all("contact-row")) == before + 1,
               message=lambda: f"the contact was not saved: {page.errors()}")

    # -- The Directory's contact list ---------------------------------------------------------
    row = page.until(lambda: next((r for r in page.find_all("contact-row")
                                   if "fdp.exe" in page.text(r)), None),
                     message="the new contact is not listed")
    text = page.text(row)
    assert "invoice_⟦U+202E⟧fdp.exe" in text and "\u202e" not in text, text
    assert [c for c, _ in chips(page, row)] == ["⟦U+202E⟧"], chips(page, row)
    page.screenshot(shots / "visible-text-directory.png")

    # -- A ticket for them ------------------------------------------------------------------------
    intake = Intake(page)
    ticket_id = intake.start()
    # The caller search offers the contact by its marked name (the option is not reordered).
    offered = intake.find_caller(visible(LYING), query="invoice")
    assert "\u202e" not in offered, offered
    card = page.text(page.wait("caller-card"))
    assert "invoice_⟦U+202E⟧fdp.exe" in card and "\u202e" not in card, card
    intake.link_asset(asset.hostname)
    intake.paragraph("field-2-scope", "One user")
    intake.rate("user", "blocked")
    notes_box = page.wait("field-4-notes")
    page.insert_text(notes_box, NOTES)
    assert "⟦U+2066⟧" in page.until(lambda: warning_under(page, notes_box),
                                    message="no warning under the notes")
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
    page.screenshot(shots / "visible-text-queue.png")
    page.d.execute_script("location.hash = arguments[0]", f"#/ticket/{ticket_id}")
    ticket = Ticket(page)
    ticket.wait_loaded(ticket_id)
    page.screenshot(shots / "visible-text-ticket.png")

    # -- A done step's values ---------------------------------------------------------------------
    card = ticket.show_values(4)
    value = page.wait("step-4-value-notes")
    text = page.text(value)
    assert text == visible(NOTES) and "⟦U+2066⟧" in text, text
    assert [c for c, _ in chips(page, value)] == ["⟦U+2066⟧"], chips(page, value)
    assert "\u2066" not in page.text(card)
    ticket.show_values(1)
    caller_value = page.text(page.wait("step-1-value-contact"))
    assert caller_value == visible(LYING), caller_value

    # -- The audit timeline -----------------------------------------------------------------------
    audit = ticket.audit_text()
    assert visible(NOTES) in audit, audit[:2000]
    assert "\u2066" not in audit and "\u202e" not in audit and "\u200b" not in audit
    shown = [c for c, _ in chips(page, page.find("audit-timeline"))]
    assert "⟦U+2066⟧" in shown, shown
    page.scroll_into_view(card)
    page.screenshot(shots / "visible-text-step-audit.png")
