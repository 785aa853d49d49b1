"""Hand-over mode in the real window: made for a touch screen (sentences, not codes, next to the
pad; Sign only with ink; the PIN on an on-screen keypad; the desk and the ticket named; a labelled
rating scale; all of it above the fold at 1024x700 and 1920x1080), an end user who says it still
fails sends the ticket to reopen-and-reassign, and a summary changed after they signed asks for
their signature again. A closed ticket opens on its outcome, and its audit trail reads as a change
list. (The signed happy path to closure is test_workflow.py.)"""

import json
import re

from selenium.webdriver.common.actions import interaction
from selenium.webdriver.common.actions.action_builder import ActionBuilder
from selenium.webdriver.common.actions.pointer_input import PointerInput
from selenium.webdriver.common.by import By

from flows import (
    Ticket,
    assert_strokes_follow,
    draw,
    query_db,
    queue_row,
    search_queue,
    stored_signature,
)

DEMO_PIN = "246810"
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
    assert page.wait("handover").get_attribute("data-stage") == "sign"
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


# ---------------------------------------------------------------------------------------------
# A hand-over made for a touch screen

CODE = re.compile(r"\b[A-Z]{2,}(?:_[A-Z]+)+\b")  # SIGNATURE_TOO_SMALL, PIN_WRONG, ...


def touch_draw(page, canvas, strokes) -> None:
    """Draws strokes with a finger: WebDriver touch pointer actions, as a tablet sends them. Each
    stroke is its own action sequence (a finger lifts between strokes), placed from the pad's
    box as it is then (an error leaving after the first stroke lets the pad grow).
    WebKitWebDriver delivers them as pointer events of type "mouse"."""
    page.scroll_into_view(canvas)
    for stroke in strokes:
        w, h = page.d.execute_script(
            "const r = arguments[0].getBoundingClientRect(); return [r.width, r.height]", canvas)
        cx, cy = int(w / 2), int(h / 2)
        finger = PointerInput(interaction.POINTER_TOUCH, "finger")
        actions = ActionBuilder(page.d, mouse=finger, duration=120)
        x, y = stroke[0]
        actions.pointer_action.move_to(canvas, x - cx, y - cy)
        actions.pointer_action.pointer_down()
        for x, y in stroke[1:]:
            actions.pointer_action.move_to(canvas, x - cx, y - cy)
        actions.pointer_action.pointer_up()
        actions.perform()


def resize(desk, page, width: int, height: int) -> None:
    desk.driver.set_window_size(width, height)
    page.until(lambda: page.d.execute_script("return [innerWidth, innerHeight]") == [width, height],
               message=lambda: f"the window is not {width}x{height}: "
                               f"{page.d.execute_script('return [innerWidth, innerHeight]')}")


def above_the_fold(page, *testids: str) -> dict[str, list]:
    """Each element's box when nothing is scrolled: whether it lies wholly inside the window."""
    return page.d.execute_script(
        """const ids = arguments[0];
        document.querySelectorAll('.handover, .handover *').forEach(e => { e.scrollTop = 0; });
        window.scrollTo(0, 0);
        const out = {};
        for (const id of ids) {
          const el = document.querySelector(`[data-testid="${id}"]`);
          if (!el) { out[id] = [false, 'missing']; continue; }
          const r = el.getBoundingClientRect();
          out[id] = [r.top >= 0 && r.left >= 0 && r.bottom <= innerHeight && r.right <= innerWidth
                     && r.width > 0 && r.height > 0, [r.left, r.top, r.right, r.bottom]];
        }
        return out;""", list(testids))


def assert_above_the_fold(page, *testids: str) -> None:
    boxes = above_the_fold(page, *testids)
    assert all(ok for ok, _ in boxes.values()), f"below the fold or missing: {boxes}"


def visible_text(page, testid: str) -> str:
    """What a person sees in the element (rendered text, not attributes)."""
    return page.d.execute_script(
        "return arguments[0].innerText", page.find(testid))


def test_the_hand_over_is_made_for_a_touch_screen(desk):
    page, ticket, ticket_id = open_ticket(desk, "escalated")
    number, problem = query_db(desk.sandbox.db, "SELECT number, problem FROM tickets WHERE id = ?",
                               (ticket_id,))[0]
    ticket.complete(12, {"notes": "Reset the mail profile.", "infrastructure": "Endpoint only"})
    page.type_into(page.wait("handover-summary-input"), "We reset your mail profile.")
    page.click("handover-start")
    page.wait("handover")
    shots = desk.artifacts.parent / "screenshots"  # kept when the test passes
    shots.mkdir(exist_ok=True)

    # The desk's name (the MSP name on its reports) and the ticket are at the top.
    desk_name = page.text(page.wait("handover-desk")).strip()
    assert desk_name, "the hand-over does not name the desk"
    top = page.text(page.find("handover-ticket"))
    assert number in top and problem.split()[0] in top, (top, number, problem)

    resize(desk, page, 1024, 700)
    page.click("handover-verified")
    pad = page.wait("handover-pad")
    # Sign waits for ink; the pad says where to sign.
    assert not page.find("handover-sign").is_enabled(), "Sign is enabled on an empty pad"
    assert "Sign here" in page.d.execute_script(
        "return arguments[0].parentElement.innerText", pad)

    # A scribble too small to be a signature: a sentence next to the pad, never the code.
    touch_draw(page, pad, [[(60 + i, 60 + i % 2) for i in range(12)]])
    page.until(lambda: page.find("handover-sign").is_enabled(), message="ink did not enable Sign")
    page.click("handover-sign")
    error = page.wait("handover-error")
    said = visible_text(page, "handover-error")
    assert "too small to be a signature" in said, said
    assert not CODE.search(visible_text(page, "handover")), visible_text(page, "handover")
    assert [c for c, _ in page.errors()] == ["SIGNATURE_TOO_SMALL"]
    # At 1024x700 the pad, the error and Sign are all on screen without scrolling.
    assert_above_the_fold(page, "handover-pad", "handover-error", "handover-sign", "handover-name")
    page.screenshot(shots / "handover-sign-error-1024x700.png")

    # The same at 1920x1080.
    resize(desk, page, 1920, 1080)
    assert_above_the_fold(page, "handover-pad", "handover-error", "handover-sign", "handover-name",
                          "handover-desk", "handover-summary")
    page.screenshot(shots / "handover-sign-error-1920x1080.png")
    resize(desk, page, 1024, 700)

    # The first stroke of the next try clears the error; a real signature is taken.
    page.click("handover-clear")
    touch_draw(page, page.find("handover-pad"), STROKES)
    page.until(lambda: not page.find_all("handover-error"),
               message="the error stayed after the signer drew again")
    assert_above_the_fold(page, "handover-pad", "handover-sign")
    page.screenshot(shots / "handover-signed-1024x700.png")
    page.click("handover-sign")
    page.until(lambda: page.find("handover").get_attribute("data-stage") == "rate",
               message=lambda: f"the signature was not taken: {page.errors()}")
    assert_strokes_follow(stored_signature(desk.sandbox.db, ticket_id, 13), STROKES)

    # A labelled scale with big targets, every label visible.
    labels = {n: visible_text(page, f"handover-rating-label-{n}").strip() for n in range(1, 6)}
    assert labels[1] == "Very dissatisfied" and labels[5] == "Very satisfied", labels
    for n in range(1, 6):
        size = page.find(f"handover-rating-{n}").size
        assert size["height"] >= 64 and size["width"] >= 64, (n, size)
    assert_above_the_fold(page, *(f"handover-rating-label-{n}" for n in range(1, 6)),
                          "handover-send-rating")
    page.screenshot(shots / "handover-rate-1024x700.png")
    resize(desk, page, 1920, 1080)
    assert_above_the_fold(page, *(f"handover-rating-label-{n}" for n in range(1, 6)),
                          "handover-send-rating")
    page.screenshot(shots / "handover-rate-1920x1080.png")
    resize(desk, page, 1024, 700)
    page.click("handover-rating-4")
    page.click("handover-send-rating")
    page.wait("handover-done")

    # The technician's PIN on the on-screen keypad: a wrong one is a sentence, the right one
    # gives the window back.
    page.click("handover-exit")
    page.wait("handover-pin-form")
    for digit in "1357":
        page.click(f"keypad-{digit}")
    page.click("keypad-back")
    assert page.value(page.find("handover-pin")) == "135"
    page.click("keypad-0")
    assert_above_the_fold(page, *(f"keypad-{d}" for d in "0123456789"), "keypad-back", "keypad-ok")
    page.screenshot(shots / "handover-keypad-1024x700.png")
    page.click("keypad-ok")
    page.until(lambda: [c for c, _ in page.errors()] == ["HANDOVER_PIN_WRONG"],
               message=lambda: f"a wrong PIN was not refused: {page.errors()}")
    assert "That PIN is not right" in visible_text(page, "handover-error")
    assert not CODE.search(visible_text(page, "handover"))
    assert page.value(page.find("handover-pin")) == ""
    for digit in DEMO_PIN:
        page.click(f"keypad-{digit}")
    page.click("keypad-ok")
    page.wait_gone("handover")
    desk.driver.set_window_size(1280, 800)
    ticket.wait_loaded(ticket_id)
    rating = query_db(desk.sandbox.db, "SELECT vals FROM step_records WHERE ticket_id = ? "
                                       "AND step = 18 AND superseded = 0", (ticket_id,))
    assert json.loads(rating[0][0])["rating"] == 4, rating


# ---------------------------------------------------------------------------------------------
# A closed ticket: its outcome first, its audit trail as a change list


def test_a_closed_ticket_opens_on_its_outcome_and_its_audit_reads_as_changes(desk):
    # A closed demo ticket whose end user answered the survey.
    rows = query_db(
        desk.sandbox.db,
        "SELECT t.id FROM tickets t JOIN step_records r ON r.ticket_id = t.id "
        "WHERE t.status = 'closed' AND r.step = 18 AND r.superseded = 0 "
        "AND json_type(r.vals, '$.rating') = 'integer' ORDER BY t.id LIMIT 1")
    assert rows, "the demo desk has no closed ticket with a rating"
    ticket_id = rows[0][0]
    page = desk.launch()
    ticket = Ticket(page)
    page.d.execute_script("location.hash = arguments[0]", f"#/ticket/{ticket_id}")
    ticket.wait_loaded(ticket_id)
    code, = query_db(desk.sandbox.db, "SELECT resolution_code FROM tickets WHERE id = ?",
                     (ticket_id,))[0]
    values = {step: json.loads(vals) for step, vals in query_db(
        desk.sandbox.db, "SELECT step, vals FROM step_records WHERE ticket_id = ? "
                         "AND superseded = 0 AND step IN (15, 18, 21)", (ticket_id,))}
    closer, = query_db(desk.sandbox.db, "SELECT completed_by FROM step_records WHERE ticket_id = ? "
                                        "AND step = 21 AND superseded = 0", (ticket_id,))[0]

    card = page.wait("closed-outcome")
    # It is the first thing in the checklist, with Export and Print in it.
    assert page.d.execute_script(
        "const c = arguments[0]; return c.parentElement.firstElementChild === c", card)
    assert page.find("report-export", card).is_enabled()
    assert page.find("report-print", card).is_enabled()
    assert page.text(page.find("closed-outcome-code")).strip() == code
    assert values[15]["root_cause"] in page.text(page.find("closed-outcome-root-cause"))
    csat = page.text(page.find("closed-outcome-csat"))
    assert f"{values[18]['rating']} of 5" in csat, csat
    assert closer in page.text(page.find("closed-outcome-by"))
    # The checklist below it is folded: no step card is open.
    assert not page.find_all("step-21") and not page.find_all("step-1")

    # The audit trail: the close reads as a change, the raw record waits behind its toggle.
    ticket.open_tab("audit")
    timeline = page.wait("audit-timeline")
    close = timeline.find_element(By.CSS_SELECTOR, '[data-action="step_21_completed"]')
    changes = page.d.execute_script("return arguments[0].innerText", page.find("audit-changes", close))
    changes = [" ".join(line.split()) for line in changes.splitlines()]
    assert "Status: resolved → closed" in changes, changes
    assert f"Resolution code: {code}" in changes, changes
    raw = close.find_element(By.CSS_SELECTOR, "pre")
    assert not raw.is_displayed()
    page.find("audit-raw-toggle", close).click()
    page.until(lambda: raw.is_displayed(), message="the raw record did not open")
    record = close.find_element(By.CSS_SELECTOR, "details").text
    assert '"status": "resolved"' in record and '"status": "closed"' in record, record
    shots = desk.artifacts.parent / "screenshots"
    shots.mkdir(exist_ok=True)
    page.screenshot(shots / "closed-outcome.png")
