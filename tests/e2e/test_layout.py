"""The ticket view stays workable at the smallest window (1024x700) with long texts in its header."""

from flows import Intake, Ticket, assets_of, callers

REASON = ("Caller's manager confirmed by phone on the number in the contract; ticket raised on "
          "their behalf while HR processes the contract extension. ") * 20  # about 3,000 characters


def reachable(page, el) -> bool:
    """A person can get to `el`: once scrolled into view, it is what sits under its centre."""
    return page.d.execute_script(
        "const el = arguments[0]; el.scrollIntoView({block: 'center'});"
        "const r = el.getBoundingClientRect();"
        "if (r.width === 0 || r.height === 0) return false;"
        "const hit = document.elementFromPoint(r.x + r.width / 2, r.y + r.height / 2);"
        "return hit === el || el.contains(hit);",
        el,
    )


def test_a_long_override_reason_leaves_the_checklist_usable_at_1024x700(desk):
    # The caller-override banner once grew with its reason and left the checklist no height.
    page = desk.launch()
    desk.driver.set_window_size(1024, 700)
    page.until(lambda: page.d.execute_script("return innerWidth") == 1024)
    caller = callers(desk.sandbox.db, terminated=True)[0]
    intake = Intake(page)
    ticket_id = intake.start()
    intake.find_caller(caller.name)
    intake.authorize("Override")
    page.insert_text(page.wait("override-reason"), REASON)
    intake.link_asset(assets_of(desk.sandbox.db, caller.company_id)[0].hostname)
    intake.rate("user", "degraded")
    intake.problem("Cannot print to the office printer")
    intake.open_ticket()
    ticket = Ticket(page)
    ticket.wait_loaded(ticket_id)

    assert reachable(page, page.find("complete-step-6")), "step 6 cannot be reached"
    assert reachable(page, page.find("side-tab-audit")), "the side panel cannot be reached"

    # The whole reason is still there, as text, and "Show all" opens it in a bounded box that
    # scrolls to its last words, with the checklist and side panel still usable.
    banner = page.find("caller-override")
    text = page.find("caller-override-text")
    assert " ".join(REASON.split()) in " ".join(page.text(text).split())
    # Text only: the one wrapper that isolates it (VisibleText's <bdi>), nothing parsed from it.
    tags = page.d.execute_script(
        "return [...arguments[0].querySelectorAll('*')].map(e => e.tagName + '.' + e.className)", text)
    assert all(t.startswith(("BDI.visible-text", "SPAN.hidden-char")) for t in tags), \
        f"the reason is rendered as markup, not text: {tags}"
    assert banner.size["height"] <= 120, f"the folded banner is {banner.size['height']} px tall"
    toggle = page.find("caller-override-toggle")
    assert toggle.get_attribute("aria-expanded") == "false"
    toggle.click()
    page.until(lambda: toggle.get_attribute("aria-expanded") == "true")
    assert toggle.text.strip() == "Show less"
    assert banner.size["height"] <= 700 * 0.3, f"the open banner is {banner.size['height']} px tall"
    assert page.d.execute_script(
        "const el = arguments[0]; el.scrollTop = el.scrollHeight;"
        "return el.scrollTop > 0 && el.scrollTop + el.clientHeight >= el.scrollHeight - 1", text
    ), "the open reason cannot be scrolled to its end"
    assert reachable(page, page.find("complete-step-6")), "step 6 cannot be reached (open)"
    assert reachable(page, page.find("side-tab-audit")), "the side panel cannot be reached (open)"
    toggle.click()
    page.until(lambda: toggle.get_attribute("aria-expanded") == "false")
    assert banner.size["height"] <= 120
