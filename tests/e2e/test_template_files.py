"""Templates travel as files, in the real window: a version exported from one desk, edited (a
desk's own step added), is imported into another desk, where it becomes the draft with the same
steps and is published; a file that removes a protected step is refused with its reason and the
other desk's template is left as it was.

Native dialogs cannot be driven: the dialog plugin's answers are given where Tauri's IPC meets
the page, as test_import.py and test_qbr.py do."""

import json

from test_import import answer_dialogs, next_answer
from tfwindow import query_db

CHECK_BACKUP = {
    "key": "check_backup_status",
    "title": "Check backup status",
    "guidance": "Look at last night's backup job for the device before deciding to escalate.",
    "fields": [
        {"key": "backup_status", "label": "Backup status", "required": True,
         "kind": {"type": "list", "options": ["ok", "failing", "not applicable"],
                  "multiple": False}},
    ],
    "condition": "always",
    "gate": "custom",
    "requires": [],
    "resets": [],
    "required": True,
    "tools": [],
}


def open_templates(page) -> None:
    page.d.execute_script("window.location.hash = '#/templates'")
    page.wait("template-published")
    answer_dialogs(page)


def step_keys(t: dict) -> list[str]:
    return [s["key"] for p in t["phases"] for s in p["steps"]]


def test_a_template_exported_and_edited_is_imported_into_another_desk(desk_factory):
    # -- Desk A: export version 1 --------------------------------------------------------------
    a = desk_factory(demo=True)
    page = a.launch()
    open_templates(page)
    exported = a.sandbox.root / "exported.json"
    next_answer(page, str(exported))
    page.css('[data-testid="template-version"][data-version="1"] '
             '[data-testid="template-version-export"]').click()
    page.until(lambda: exported.exists(), message="the export wrote no file")
    assert "exported" in page.text(page.wait("template-notice"))
    a.kill()

    # -- The file, edited: a desk's own step before the escalation decision, which needs it ----
    t = json.loads(exported.read_text())
    diagnosis = next(p for p in t["phases"] if p["key"] == "diagnosis")
    at = [s["key"] for s in diagnosis["steps"]].index("escalation_decision")
    diagnosis["steps"].insert(at, CHECK_BACKUP)
    diagnosis["steps"][at + 1]["requires"].append(CHECK_BACKUP["key"])
    edited = a.sandbox.root / "edited.json"
    edited.write_text(json.dumps(t))
    broken = json.loads(exported.read_text())
    intake = next(p for p in broken["phases"] if p["key"] == "intake")
    intake["steps"] = [s for s in intake["steps"] if s["key"] != "verify_caller"]
    for s in intake["steps"]:
        s["requires"] = [r for r in s["requires"] if r != "verify_caller"]
    refused = a.sandbox.root / "no-caller-check.json"
    refused.write_text(json.dumps(broken))

    # -- Desk B: the broken file is refused, the edited one becomes the draft and is published -
    b = desk_factory(demo=True)
    page = b.launch()
    open_templates(page)
    next_answer(page, str(refused))
    page.click("template-import")
    error = page.wait("error-message")
    assert error.get_attribute("data-code") == "TEMPLATE_INVALID", page.text(error)
    assert "verify_caller" in page.text(error) and "not removed" in page.text(error)
    assert query_db(b.sandbox.db, "SELECT count(*) FROM template_drafts")[0][0] == 0
    # Kept beside the other window tests' pictures (a passing test's own folder is removed).
    shots = a.artifacts.parent / "screenshots"
    shots.mkdir(parents=True, exist_ok=True)
    page.screenshot(shots / "template-import-refused.png")

    next_answer(page, str(edited))
    page.click("template-import")
    page.wait("draft-editor")
    draft = json.loads(query_db(b.sandbox.db, "SELECT body FROM template_drafts")[0][0])
    assert step_keys(draft) == step_keys(t), "the draft holds the file's steps, in its order"
    assert page.css('[data-testid="template-step"][data-key="check_backup_status"]')

    page.click("template-review")
    page.type_into(page.wait("template-publish-note"), "Backups are checked before escalating")
    page.click("template-publish")
    page.until(lambda: page.find("template-published").get_attribute("data-version") == "2",
               message="version 2 was not published")
    body = query_db(b.sandbox.db, "SELECT body FROM templates WHERE version = 2")[0][0]
    published = json.loads(body)
    assert step_keys(published) == step_keys(t)
    decision = next(s for p in published["phases"] for s in p["steps"]
                    if s["key"] == "escalation_decision")
    assert "check_backup_status" in decision["requires"]
