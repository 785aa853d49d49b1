"""A desk's own required intake step in the real window: the intake form shows it as a section of
its own, the core's dry run names it while it is empty, and "Open ticket" sends it with the other
intake steps, by key, on the numbers this ticket's template gives them.

The template is published with the CLI (export, add the step after the NOC check, make the
opening need it, import), as a desk that keeps its templates in files would."""

import json

from flows import Intake, assets_of, callers
from test_custom_fields import cli
from tfwindow import query_db

STEP = {
    "number": 0,
    "key": "site_access",
    "title": "Confirm site access",
    "guidance": "On-site work needs a visitor badge: ask the caller whether one is arranged.",
    "fields": [
        {"key": "badge", "label": "Visitor badge", "required": True,
         "kind": {"type": "list", "options": ["Arranged", "Not needed"], "multiple": False}},
    ],
    "condition": "always",
    "gate": "custom",
    "requires": ["verify_caller"],
    "resets": [],
    "required": True,
    "tools": [],
}


def publish_with_site_access(cli_bin, sandbox) -> None:
    current = sandbox.root / "current.json"
    cli(cli_bin, sandbox.tf_data, "template", "export", "--out", str(current))
    t = json.loads(current.read_text())
    intake = next(p for p in t["phases"] if p["key"] == "intake")
    keys = [s["key"] for s in intake["steps"]]
    intake["steps"].insert(keys.index("open_ticket"), STEP)
    opening = next(s for s in intake["steps"] if s["key"] == "open_ticket")
    opening["requires"].append("site_access")
    edited = sandbox.root / "edited.json"
    edited.write_text(json.dumps(t))
    cli(cli_bin, sandbox.tf_data, "template", "import", str(edited),
        "--note", "Badges for on-site work")


def test_a_desk_intake_step_is_asked_for_and_sent_with_the_intake(desk, cli_bin):
    publish_with_site_access(cli_bin, desk.sandbox)
    page = desk.launch()
    shots = desk.artifacts.parent / "screenshots"
    shots.mkdir(parents=True, exist_ok=True)
    caller = callers(desk.sandbox.db, refused=False)[1]
    asset = assets_of(desk.sandbox.db, caller.company_id)[0]

    intake = Intake(page)
    ticket_id = intake.start()
    # The desk's step comes fifth, before the opening (now sixth), as the template orders them.
    section = page.wait("intake-section-5")
    assert "Confirm site access" in page.text(section)
    assert page.find_all("intake-section-6"), "the problem statement is step 6 on this template"
    intake.find_caller(caller.name)
    intake.link_asset(asset.hostname)
    intake.rate("user", "blocked")
    intake.problem("The badge printer at reception is offline")
    missing = intake.missing()
    assert "Visitor badge is required" in missing, missing
    page.scroll_into_view(section)
    page.screenshot(shots / "intake-desk-step-missing.png")

    page.choose("field-5-badge", "Arranged")
    page.until(lambda: intake.missing() == "", message="the intake form still lists something")
    intake.open_ticket()
    assert intake.opened(), [intake.section_errors(n) for n in range(1, 7)]

    rows = query_db(desk.sandbox.db, """
        SELECT s.step, json_extract(s.vals, '$.badge'), t.template_version, t.status
        FROM step_records s JOIN tickets t ON t.id = s.ticket_id
        WHERE s.ticket_id = ? AND s.superseded = 0 ORDER BY s.step""", (ticket_id,))
    assert [r[0] for r in rows] == [1, 2, 3, 4, 5, 6], rows
    assert rows[4][1] == "Arranged"
    assert rows[0][2] == 2 and rows[0][3] == "open"
