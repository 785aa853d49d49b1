"""The Templates screen (issue 15), through the window only, from an EMPTY data directory: the
desk is set up and a ticket opened under version 1; in a draft the desk adds its own required step
"Check backup status" (a list: ok / failing / not applicable) to Diagnosis, makes the escalation
decision need it, is refused removing a protective step (with the core's reason) and publishes
version 2 with a note after reading the diff. A ticket opened afterwards cannot decide escalation
before the new step, and can once it is done; the ticket opened under version 1 never shows the
step and says it is on version 1. The editor, the publish panel's diff and the history's diff are
photographed at 1024x700 and 1920x1080.

The database is only read, to check what the window stored."""

from __future__ import annotations

import json

from flows import (
    Intake,
    Ticket,
    add_authorized_contact,
    add_company,
    query_db,
    set_up_desk,
    type_field,
)
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import Select

DESK = "Contoso Helpdesk"
TECH = "Robin Ellery"
PIN = "582914"
CLIENT = "Tailspin Veterinary"
CONTACT = "Jonas Berg"
HOSTNAME = "TV-FRONTDESK-02"

STEP_TITLE = "Check backup status"
STEP_KEY = "check_backup_status"
GUIDANCE = "Look at last night's backup job for the device before deciding to escalate."
OPTIONS = ["ok", "failing", "not applicable"]
NOTE = "Backups are checked before escalating"
SIZES = ((1024, 700), (1920, 1080))


def set_up_desk_with_a_client(page) -> None:
    """The first start's setup, then a client with a contact and an asset, all in the window."""
    set_up_desk(page, DESK, TECH, PIN, email="robin@contoso.example")
    add_company(page, CLIENT)
    add_authorized_contact(page, CONTACT, "jonas.berg@tailspin.example")
    page.click("directory-tab-assets")
    page.click("asset-new")
    page.wait("asset-form")
    type_field(page, "asset-hostname", HOSTNAME)
    page.click("asset-save")
    page.until(lambda: any(HOSTNAME in page.text(r) for r in page.find_all("asset-row")),
               message=lambda: f"the asset was not saved: {page.errors()}")


def open_ticket(page, problem: str) -> int:
    intake = Intake(page)
    ticket_id = intake.start()
    intake.find_caller(CONTACT)
    intake.link_asset(HOSTNAME)
    intake.rate("user", "degraded")
    intake.problem(problem)
    page.until(lambda: intake.missing() == "", message=lambda: f"still missing: {intake.missing()}")
    intake.open_ticket()
    assert intake.opened(), [intake.section_errors(n) for n in range(1, 6)]
    Ticket(page).wait_loaded(ticket_id)
    return ticket_id


def step_number(page, title: str) -> int | None:
    """The number of the ticket's step titled `title` (numbers are positions in its version)."""
    Ticket(page).unfold_all()
    for card in page.d.find_elements(By.CSS_SELECTOR, 'article[data-testid^="step-"]'):
        heading = card.find_element(By.CSS_SELECTOR, "h3")
        if title in page.text(heading):
            return int(card.get_attribute("data-testid").split("-")[1])
    return None


def template_step(page, key: str):
    return page.wait_css(f'[data-testid="template-step"][data-key="{key}"]')


def expand(page, key: str):
    row = template_step(page, key)
    toggle = page.find("template-step-toggle", row)
    if toggle.get_attribute("aria-expanded") != "true":
        page.scroll_into_view(toggle)
        toggle.click()
        page.until(lambda: toggle.get_attribute("aria-expanded") == "true")
    return row


def wait_saved(page) -> None:
    page.until(lambda: page.find("template-save-state").get_attribute("data-state") == "saved",
               message=lambda: f"the draft was not saved: {page.text(page.find('template-save-state'))} "
                               f"{page.errors()}")


def problems(page) -> list[tuple[str, str]]:
    return [(p.get_attribute("data-code"), page.text(p)) for p in page.find_all("template-problem")]


def diagnosis_keys(page) -> list[str]:
    phase = page.css('[data-testid="template-phase"][data-phase="diagnosis"]')
    return [s.get_attribute("data-key") for s in page.find_all("template-step", phase)]


def resize(desk, page, w: int, h: int) -> None:
    desk.driver.set_window_size(w, h)
    page.until(lambda: page.d.execute_script("return innerWidth") == w)


def scrolled_boxes(page) -> list[str]:
    """Boxes scrolled other than the screen's own scrolling areas (the window itself, the app)."""
    return page.d.execute_script(
        "const out = [];"
        "if (scrollY) out.push('window ' + scrollY);"
        "for (const el of document.querySelectorAll('html, body, .app, main, main > *')) {"
        "  if (el.scrollTop || el.scrollLeft) out.push(el.tagName + '.' + el.className + ' ' + el.scrollTop);"
        "}"
        "return out;")


def test_a_desk_step_published_in_version_2_gates_new_tickets_only(desk_factory):
    desk = desk_factory(demo=False)
    desk.sandbox.extra["TICKETFLOW_KEYSTORE"] = "keyutils"
    page = desk.launch(wait_for_queue=False)
    db = desk.sandbox.db
    shots = desk.artifacts.parent / "screenshots"
    shots.mkdir(exist_ok=True)

    set_up_desk_with_a_client(page)
    old_id = open_ticket(page, "Front desk PC freezes when the label printer is used")
    assert page.find("ticket-template").get_attribute("data-version") == "1"

    # -- The Templates screen: version 1, the built-in one, with the ticket on it -----------------
    page.click("nav-templates")
    page.wait_hash(r"^#/templates$")
    published = page.wait("template-published")
    assert published.get_attribute("data-version") == "1"
    [v1] = page.find_all("template-version")
    assert page.find("template-version-tickets", v1).get_attribute("data-count") == "1"
    page.click("template-start-draft")
    page.wait("draft-editor")
    wait_saved(page)
    assert page.find("template-problem-count").get_attribute("data-count") == "0", problems(page)

    # -- A protective step cannot be removed, and the editor says why (the core's words) -------------
    verify = expand(page, "verify_caller")
    assert verify.get_attribute("data-protected") == "true"
    assert not page.find_all("template-step-remove", verify), "a protected step offers Remove"
    lock = page.until(lambda: page.find_all("template-step-lock", verify),
                      message="the protected step shows no lock")[0]
    page.scroll_into_view(lock)
    lock.click()
    reason = page.text(page.find("template-step-lock-reason", verify))
    assert "unauthorized callers" in reason and "not removed" in reason, reason
    # A built-in step that protects nothing can be removed (it is not, here).
    reproduce = expand(page, "reproduce")
    assert reproduce.get_attribute("data-protected") == "false"
    page.until(lambda: page.find_all("template-step-remove", reproduce),
               message="an unprotected step offers no Remove")

    # -- The desk's own step, in Diagnosis -------------------------------------------------------------
    phase = page.css('[data-testid="template-phase"][data-phase="diagnosis"]')
    box = page.find("template-new-step-title", phase)
    page.type_into(box, STEP_TITLE)
    page.find("template-add-step", phase).click()
    row = template_step(page, STEP_KEY)
    assert row.get_attribute("data-custom") == "true"
    assert page.find("template-step-toggle", row).get_attribute("aria-expanded") == "true"
    # Appended at the end of the phase, after the escalation decision; it is not complete yet.
    assert diagnosis_keys(page)[-1] == STEP_KEY
    page.type_into(page.find("template-step-guidance", row), GUIDANCE)
    assert page.find("template-step-required", row).is_selected()
    page.type_into(page.find("template-field-new-label", row), "Backup status")
    Select(page.find("template-field-new-kind", row)).select_by_value("list")
    page.find("template-field-add", row).click()
    field = page.wait_css(f'[data-testid="template-step"][data-key="{STEP_KEY}"] '
                          '[data-testid="template-field"][data-key="backup_status"]')
    wait_saved(page)
    # The core's problem (a list without options) is shown at the field it names.
    page.until(lambda: page.find_all("template-problem", field),
               message=lambda: f"no problem at the empty list: {problems(page)}")
    assert [p.get_attribute("data-code") for p in page.find_all("template-problem", field)] == \
        ["LIST_OPTIONS_EMPTY"]
    # One option per line, Enter between them, as a person types them.
    page.type_into(page.find("template-field-options", field), Keys.ENTER.join(OPTIONS))
    single = page.find("template-field-choice", field).find_element(By.CSS_SELECTOR, 'input[value="single"]')
    assert single.is_selected()
    wait_saved(page)
    page.until(lambda: not page.find_all("template-problem", field),
               message=lambda: f"the list still has problems: {problems(page)}")

    # Moved above the escalation decision with the keyboard-reachable ↑ button.
    up = page.find("template-step-up", row)
    page.scroll_into_view(up)
    up.click()
    page.until(lambda: diagnosis_keys(page)[-2:] == [STEP_KEY, "escalation_decision"],
               message=lambda: f"the step did not move: {diagnosis_keys(page)}")
    assert page.active_testid() == "template-step-up", "the moved step's ↑ lost the focus"

    # The escalation decision needs it first: chosen among the earlier steps only.
    decision = expand(page, "escalation_decision")
    add = Select(page.find("template-require-add", decision))
    offered = [o.get_attribute("value") for o in add.options if o.get_attribute("value")]
    assert STEP_KEY in offered and "apply_fix" not in offered and "escalation_decision" not in offered, offered
    add.select_by_value(STEP_KEY)
    page.until(lambda: [c.get_attribute("data-key") for c in page.find_all("template-require-chip", decision)][-1:]
               == [STEP_KEY], message="the chip for the new prerequisite is missing")
    wait_saved(page)
    page.until(lambda: page.find("template-problem-count").get_attribute("data-count") == "0",
               message=lambda: f"the draft has problems: {problems(page)}")

    [(stored,)] = query_db(db, "SELECT body FROM template_drafts")
    draft = json.loads(stored)
    steps = [s for p in draft["phases"] for s in p["steps"]]
    custom = next(s for s in steps if s["key"] == STEP_KEY)
    assert custom["gate"] == "custom" and custom["required"] is True, custom
    assert custom["fields"] == [{"key": "backup_status", "label": "Backup status", "required": True,
                                 "kind": {"type": "list", "options": OPTIONS, "multiple": False}}], custom
    esc = next(s for s in steps if s["key"] == "escalation_decision")
    assert STEP_KEY in esc["requires"], esc

    # The draft is the core's: after a restart it is continued as it was left.
    page = desk.restart()
    page.click("nav-templates")
    assert TECH in page.text(page.wait("template-draft-info"))
    page.click("template-continue-draft")
    page.wait("draft-editor")
    assert diagnosis_keys(page)[-2:] == [STEP_KEY, "escalation_decision"], diagnosis_keys(page)
    decision = template_step(page, "escalation_decision")
    assert page.find("template-step-toggle", decision).get_attribute("aria-expanded") == "false"
    row = expand(page, STEP_KEY)
    assert page.value(page.find("template-step-guidance", row)) == GUIDANCE
    assert page.value(page.find("template-field-options", row)) == "\n".join(OPTIONS)

    # Screenshots of the editor with the new step open.
    for w, h in SIZES:
        resize(desk, page, w, h)
        page.d.execute_script("arguments[0].scrollIntoView({block: 'start'})", template_step(page, STEP_KEY))
        page.screenshot(shots / f"templates-editor-{w}x{h}.png")
        assert scrolled_boxes(page) == [], scrolled_boxes(page)

    # -- Publish: the diff against version 1, a required note ----------------------------------------
    page.click("template-review")
    page.wait("publish-panel")
    diff = page.wait("template-diff")
    page.until(lambda: page.find_all("template-change", diff), message="the diff lists nothing")
    changes = [(c.get_attribute("data-kind"), c.get_attribute("data-step"), page.text(c))
               for c in page.find_all("template-change", diff)]
    assert any(k == "step_added" and s == STEP_KEY and STEP_TITLE in t for k, s, t in changes), changes
    assert any(k == "requires_changed" and s == "escalation_decision" for k, s, _ in changes), changes
    for w, h in SIZES:
        resize(desk, page, w, h)
        page.screenshot(shots / f"templates-publish-diff-{w}x{h}.png")
    page.click("template-publish")  # no note yet
    page.until(lambda: page.css('[data-testid="field-error"][data-field="note"]'),
               message="publishing without a note was not refused at the note")
    assert query_db(db, "SELECT count(*) FROM template_versions")[0][0] == 1
    type_field(page, "template-publish-note", NOTE)
    page.click("template-publish")
    page.wait("templates-view")
    page.until(lambda: page.find("template-published").get_attribute("data-version") == "2",
               message=lambda: f"version 2 is not the published one: {page.errors()}")
    assert f"published by" in page.text(page.find("template-published"))
    assert NOTE in page.text(page.find("template-published"))
    v2 = page.css('[data-testid="template-version"][data-version="2"]')
    history = page.until(lambda: page.find_all("template-diff", v2), message="the history shows no diff")[0]
    assert any(c.get_attribute("data-kind") == "step_added" for c in page.find_all("template-change", history))
    for w, h in SIZES:
        resize(desk, page, w, h)
        page.scroll_into_view(v2)
        page.screenshot(shots / f"templates-history-{w}x{h}.png")
    resize(desk, page, 1280, 800)
    [(by, note)] = query_db(db, "SELECT published_by, note FROM template_versions WHERE version = 2")
    assert (by, note) == (TECH, NOTE)

    # -- A new ticket is on version 2: the decision waits for the desk's step --------------------------
    new_id = open_ticket(page, "Front desk PC cannot reach the file share")
    ticket = Ticket(page)
    assert page.find("ticket-template").get_attribute("data-version") == "2"
    assert query_db(db, "SELECT template_version FROM tickets WHERE id = ?", (new_id,))[0][0] == 2
    backup = step_number(page, STEP_TITLE)
    decide = step_number(page, "Decide whether to escalate to Tier 2")
    assert backup is not None and decide == backup + 1, (backup, decide)
    for n, notes in ((6, "Reproduced: the share times out"), (7, "No changes this week"),
                     (8, "No alerts"), (9, "No runbook for this")):
        ticket.complete(n, {"notes": notes})
    page.until(lambda: ticket.step_state(decide) == "blocked",
               message=lambda: f"the decision is {ticket.step_state(decide)}")
    assert STEP_TITLE in ticket.step_reason(decide), ticket.step_reason(decide)
    ticket.complete(backup, {"backup_status": "failing"})
    page.until(lambda: ticket.step_state(decide) == "available",
               message=lambda: f"the decision is still {ticket.step_state(decide)}: {ticket.step_reason(decide)}")

    # -- The ticket opened under version 1 never shows the step, and says it is on version 1 ---------
    page.d.execute_script("location.hash = arguments[0]", f"#/ticket/{old_id}")
    ticket.wait_loaded(old_id)
    page.until(lambda: page.find("ticket-template").get_attribute("data-version") == "1")
    assert "v1" in page.text(page.find("ticket-template"))
    assert step_number(page, STEP_TITLE) is None
    assert step_number(page, "Decide whether to escalate to Tier 2") == 10
    assert query_db(db, "SELECT template_version FROM tickets WHERE id = ?", (old_id,))[0][0] == 1
    resize(desk, page, 1024, 700)
    page.screenshot(shots / "templates-ticket-v1-1024x700.png")
    assert scrolled_boxes(page) == [], scrolled_boxes(page)

    # -- Version 1 restored, as version 3 (history is never rewritten) ---------------------------------
    page.click("nav-templates")
    v1 = page.wait_css('[data-testid="template-version"][data-version="1"]')
    page.find("template-version-restore", v1).click()
    page.click("template-restore-submit")  # no note yet
    page.until(lambda: page.css('[data-testid="field-error"][data-field="note"]'),
               message="restoring without a note was not refused")
    type_field(page, "template-restore-note", "Back to the built-in steps")
    page.click("template-restore-submit")
    page.until(lambda: page.find("template-published").get_attribute("data-version") == "3",
               message=lambda: f"version 3 is not the published one: {page.errors()}")
    assert query_db(db, "SELECT based_on, origin FROM template_versions WHERE version = 3") == [(1, "restored")]
    assert [v.get_attribute("data-version") for v in page.find_all("template-version")] == ["3", "2", "1"]
