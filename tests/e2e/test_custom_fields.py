"""A desk's own step with a yes/no, a number, a day and a multiple-choice list, in the real window:
the number is refused in the core's words as the field is left, the step completes with what was
entered, and the done step shows it read-only ("Yes", the number as typed, the day in words).

The desk's template is published with the CLI (export, add the step, import); an open ticket whose
diagnosis is under way is pinned to it the way new tickets would be (the step goes before the
escalation decision, so the steps the ticket has done keep their numbers)."""

import json
import subprocess

from selenium.webdriver.common.keys import Keys

from tfwindow import query_db

STEP = {
    "number": 0,
    "key": "site_check",
    "title": "Check the site",
    "guidance": "What the site visit found.",
    "fields": [
        {"key": "checked", "label": "Checked", "required": True,
         "kind": {"type": "list", "options": ["Power", "Network", "Cooling"], "multiple": True}},
        {"key": "ups_ok", "label": "UPS healthy", "required": True, "kind": {"type": "yes_no"}},
        {"key": "hours", "label": "Hours on site", "required": True,
         "kind": {"type": "number", "min": 0, "max": 24, "decimals": 2}},
        {"key": "visit_day", "label": "Visit day", "required": True, "kind": {"type": "date"}},
    ],
    "condition": "always",
    "gate": "custom",
    "requires": [],
    "resets": [],
    "required": False,
    "tools": [],
}


def cli(cli_bin, data, *args):
    done = subprocess.run([str(cli_bin), "--data-dir", str(data), *args],
                          capture_output=True, text=True)
    assert done.returncode == 0, f"{args}: {done.stdout}{done.stderr}"
    return done.stdout


def publish_with_site_check(cli_bin, sandbox) -> int:
    current = sandbox.root / "current.json"
    cli(cli_bin, sandbox.tf_data, "template", "export", "--out", str(current))
    t = json.loads(current.read_text())
    diagnosis = next(p for p in t["phases"] if p["key"] == "diagnosis")
    # After the last diagnosis step a demo ticket has done, before the escalation decision.
    at = [s["key"] for s in diagnosis["steps"]].index("escalation_decision")
    diagnosis["steps"].insert(at, STEP)
    n = 0
    for p in t["phases"]:
        for s in p["steps"]:
            n += 1
            s["number"] = n
    edited = sandbox.root / "edited.json"
    edited.write_text(json.dumps(t))
    cli(cli_bin, sandbox.tf_data, "template", "import", str(edited),
        "--note", "Site checks for on-site work")
    return query_db(sandbox.db, "SELECT max(version) FROM templates")[0][0]


def pin_a_ticket_in_diagnosis(sandbox, version: int) -> int:
    """An open ticket with steps 1-9 done and nothing after them (its records keep their
    numbers on the new version)."""
    import sqlite3

    rows = query_db(sandbox.db, """
        SELECT t.id FROM tickets t
        WHERE t.status = 'open'
          AND (SELECT max(step) FROM step_records s WHERE s.ticket_id = t.id) = 9
        ORDER BY t.id LIMIT 1""")
    assert rows, "the demo desk has a ticket diagnosed up to the escalation decision"
    ticket = rows[0][0]
    con = sqlite3.connect(sandbox.db, timeout=10)
    with con:
        con.execute("UPDATE tickets SET template_version = ? WHERE id = ?", (version, ticket))
    con.close()
    return ticket


def test_a_desk_step_takes_yes_no_a_number_and_a_day(desk, cli_bin):
    version = publish_with_site_check(cli_bin, desk.sandbox)
    ticket = pin_a_ticket_in_diagnosis(desk.sandbox, version)
    page = desk.launch()
    # Pictures to look at, kept under artifacts/e2e/screenshots like the other window tests'.
    shots = desk.artifacts.parent / "screenshots"
    shots.mkdir(parents=True, exist_ok=True)
    page.d.execute_script(f"window.location.hash = '#/ticket/{ticket}'")
    card = page.wait("step-10")
    page.until(lambda: card.get_attribute("data-state") == "available",
               message="the site check is not available")
    page.scroll_into_view(card)
    page.screenshot(shots / "custom-step-empty.png")

    # Nothing is chosen until the technician chooses.
    yes = page.css('[data-testid="field-10-ups_ok-yes"]')
    no = page.css('[data-testid="field-10-ups_ok-no"]')
    assert not yes.is_selected() and not no.is_selected()
    # An empty day shows no date (WebKit greys today's into the control otherwise).
    day = page.find("field-10-visit_day")
    fill = page.d.execute_script("return getComputedStyle(arguments[0]).webkitTextFillColor", day)
    assert fill == "rgba(0, 0, 0, 0)", f"an empty day control shows digits ({fill})"
    hint = page.find("field-10-hours-hint")
    assert page.text(hint) == "From 0 to 24, up to 2 decimals."

    # A number out of range is refused in the core's words as the field is left.
    hours = page.find("field-10-hours")
    page.type_into(hours, "25")
    page.css('[data-testid="field-10-visit_day"]').click()
    error = page.wait_css('[data-testid="field-error"][data-field="hours"]')
    assert page.text(error) == "Must be from 0 to 24."
    page.screenshot(shots / "custom-step-refused.png")
    page.type_into(hours, "2.50")

    page.choose("field-10-checked", "Power")
    page.choose("field-10-checked", "Cooling")
    # Yes/no by keyboard: the arrow keys move the answer within the group.
    page.choose("field-10-ups_ok", "Yes")
    yes.send_keys(Keys.ARROW_RIGHT)
    page.until(lambda: no.is_selected() and not yes.is_selected(), message="no arrow to No")
    no.send_keys(Keys.ARROW_LEFT)
    page.until(lambda: yes.is_selected(), message="no arrow back to Yes")
    page.d.execute_script(
        "arguments[0].value = '2026-12-04';"
        "arguments[0].dispatchEvent(new Event('input', {bubbles: true}));", day)
    page.until(lambda: not page.find_all("field-error"),
               message="the core's refusal stays after the number was corrected")
    page.screenshot(shots / "custom-step-filled.png")

    page.click("complete-step-10")
    page.until(lambda: page.find("step-10").get_attribute("data-state") == "done",
               message="the site check was not completed")
    card = page.find("step-10")
    card.find_element("css selector", "header button").click()
    shown = {key: page.text(page.wait(f"step-10-value-{key}"))
             for key in ("checked", "ups_ok", "hours", "visit_day")}
    assert shown["checked"] == "Power, Cooling"
    assert shown["ups_ok"] == "Yes"
    assert shown["hours"] == "2.5"
    assert "2026" in shown["visit_day"] and "2026-12-04" not in shown["visit_day"]
    page.scroll_into_view(card)
    page.screenshot(shots / "custom-step-done.png")

    # The ticket's history reads the step's values the same way.
    page.click("side-tab-audit")
    timeline = page.wait("audit-timeline")
    event = page.until(
        lambda: timeline.find_elements("css selector", '[data-action="step_10_completed"]'),
        message="the site check is not in the history")[0]
    changes = page.d.execute_script("return arguments[0].innerText",
                                    page.find("audit-changes", event))
    changes = [" ".join(line.split()) for line in changes.splitlines()]
    assert "UPS healthy: Yes" in changes, changes
    assert "Hours on site: 2.5" in changes, changes
    assert f"Visit day: {shown['visit_day']}" in changes, changes
    page.screenshot(shots / "custom-step-history.png")

    stored = query_db(desk.sandbox.db,
                      "SELECT vals FROM step_records WHERE ticket_id = ? AND step = 10", (ticket,))
    assert json.loads(stored[0][0]) == {
        "checked": ["Power", "Cooling"], "ups_ok": True, "hours": 2.5, "visit_day": "2026-12-04"}
