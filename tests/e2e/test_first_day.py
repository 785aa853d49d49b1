"""A new desk's first day, through the window only, from an EMPTY data directory: set up the
desk and its first technician, add a client, a contact and an asset, take a call through all 21
steps (a runbook entry written at step 20, the end user's verification signed with touch input
in hand-over mode, the PIN typed on the on-screen keypad), close, export the signed report
through the command the Export button uses, and check that PDF with verify-report and pdfsig.

Nothing here comes from demo data or SQL writes: the database is only read, to check what the
window stored."""

from __future__ import annotations

import json
import shutil
import subprocess

import pytest
from flows import (
    Intake,
    Ticket,
    add_authorized_contact,
    add_company,
    dense,
    draw,
    keypad,
    query_db,
    sign_off,
    type_field,
)

DESK = "Northwind IT Services"
TECH = "Avery Quinn"
PIN = "493817"
CLIENT = "Fabrikam Dental"
CONTACT = "Mira Okafor"
CONTACT_EMAIL = "mira.okafor@fabrikam-dental.example"
HOSTNAME = "FD-RECEPTION-01"
PROBLEM = "Reception PC cannot print appointment letters since this morning"
SUMMARY = ("The print queue on the reception PC was stuck on a damaged letter. We cleared it and "
           "restarted the print service; letters print again.")
RUNBOOK_TITLE = "Reception PC: stuck print queue"
RUNBOOK_BODY = "Stop the Print Spooler, delete the stuck job, start the spooler, print a test page."



SIGNATURE = [dense((50, 60), (90, 130), (130, 60), (170, 130)), dense((200, 100), (330, 95))]



@pytest.mark.skipif(shutil.which("pdfsig") is None, reason="poppler-utils (pdfsig) is missing")
def test_an_empty_desk_sets_up_and_closes_its_first_ticket_through_the_window(
        desk_factory, cli_bin, tmp_path):
    desk = desk_factory(demo=False)
    desk.sandbox.extra["TICKETFLOW_KEYSTORE"] = "keyutils"
    page = desk.launch(wait_for_queue=False)
    shots = desk.artifacts.parent / "screenshots"
    shots.mkdir(exist_ok=True)

    # -- First start: the desk and its first technician ------------------------------------------
    page.wait("setup-form")
    page.screenshot(shots / "first-day-setup.png")
    type_field(page, "setup-desk-name", DESK)
    type_field(page, "setup-tech-name", TECH)
    type_field(page, "setup-tech-email", "avery@northwind.example")
    type_field(page, "setup-pin", PIN)
    type_field(page, "setup-pin-repeat", PIN)
    page.click("setup-submit")
    checklist = page.wait("get-started")
    assert [i.get_attribute("data-done") for i in page.find_all("get-started-client")] == ["false"]
    page.screenshot(shots / "first-day-get-started.png")

    # -- The directory: a client, a contact, an asset -------------------------------------------
    add_company(page, CLIENT)
    add_authorized_contact(page, CONTACT, CONTACT_EMAIL)
    page.click("directory-tab-assets")
    page.click("asset-new")
    page.wait("asset-form")
    type_field(page, "asset-hostname", HOSTNAME)
    page.click("asset-save")
    page.until(lambda: any(HOSTNAME in page.text(r) for r in page.find_all("asset-row")),
               message=lambda: f"the asset was not saved: {page.errors()}")

    # -- The first call: intake ------------------------------------------------------------------
    intake = Intake(page)
    ticket_id = intake.start()
    intake.find_caller(CONTACT)
    intake.link_asset(HOSTNAME)
    intake.paragraph("field-2-scope", "One PC at reception")
    intake.rate("user", "degraded")
    intake.paragraph("field-4-notes", "No active incidents")
    intake.problem(PROBLEM)
    page.until(lambda: intake.missing() == "", message="the intake form still lists something")
    intake.open_ticket()
    assert intake.opened(), [intake.section_errors(n) for n in range(1, 6)]
    ticket = Ticket(page)
    ticket.wait_loaded(ticket_id)
    # The technician who opened the ticket has it.
    assert TECH in page.text(page.find("ticket-header"))

    # -- Diagnosis, at Tier 1 ---------------------------------------------------------------------
    ticket.complete(6, {"notes": "Every print job stays in the queue; the printer's own test page prints."})
    ticket.complete(7, {"notes": "No changes in the last week."})
    ticket.complete(8, {"notes": "No alerts."})
    ticket.complete(9, {"notes": "No runbook for this client yet."})
    ticket.complete(10, {"decision": "Resolve at Tier 1", "reason": "A spooler problem, no admin rights needed"})
    ticket.complete(12, {"notes": "Stopped the spooler, deleted the stuck job, restarted it.",
                         "infrastructure": "Endpoint only"})

    # -- Step 13: the end user's verification, signed with a finger -----------------------------
    page.until(lambda: ticket.step_state(13) == "available")
    page.type_into(page.wait("handover-summary-input"), SUMMARY)
    page.click("handover-start")
    page.wait("handover")
    page.click("handover-verified")
    sign = page.wait("handover-sign")
    assert not sign.is_enabled(), "Sign is enabled before any ink"
    draw(page, page.wait("handover-pad"), SIGNATURE, touch=True)
    page.wait_enabled("handover-sign")
    page.screenshot(shots / "first-day-handover.png")
    page.click("handover-sign")
    page.until(lambda: page.find("handover").get_attribute("data-stage") == "rate",
               message=lambda: f"the signature was not taken: {page.errors()}")
    page.click("handover-rating-5")
    page.click("handover-send-rating")
    page.wait("handover-done")
    page.click("handover-exit")
    keypad(page, PIN)
    page.wait_gone("handover")
    ticket.wait_loaded(ticket_id)

    # -- Closure: 14-20, with a runbook entry written at step 20 --------------------------------
    ticket.complete(14, {"notes": "Letters printed for ten minutes without a stuck job."})
    ticket.complete(15, {"root_cause": "A damaged print job blocked the queue.",
                         "changes": "Cleared the queue, restarted the Print Spooler."})
    ticket.complete(16)
    ticket.open_tab("time")
    page.click("time-add")
    minutes = page.wait("time-minutes")
    minutes.clear()
    minutes.send_keys("25")
    page.click("time-save")
    page.until(lambda: page.find_all("time-entry"), message=lambda: f"no time entry: {page.errors()}")
    ticket.complete(19)
    page.click("step20-create")
    type_field(page, "runbook-title", RUNBOOK_TITLE)
    type_field(page, "runbook-body", RUNBOOK_BODY)
    page.click("runbook-save")
    ticket.complete(20, {"outcome": "Entry created"})

    # -- Step 21: sign off with the PIN on the keypad --------------------------------------------
    sign_off(page, ticket, SIGNATURE, PIN)
    page.wait("closed-outcome")
    page.screenshot(shots / "first-day-closed.png")

    # Both signatures were taken on nonces the core issued before their pads opened (issue 14):
    # each used once, each stored with the full SHA-256 of the text shown.
    used = query_db(desk.sandbox.db, "SELECT step, count(*) FROM signing_nonces WHERE ticket_id = ? "
                                     "AND used_at IS NOT NULL GROUP BY step ORDER BY step",
                    (ticket_id,))
    assert used == [(13, 1), (21, 1)], used
    for step in (13, 21):
        [(vals,)] = query_db(desk.sandbox.db, "SELECT vals FROM step_records WHERE ticket_id = ? "
                                              "AND step = ? AND superseded = 0", (ticket_id, step))
        signed = json.loads(vals)["signature"]
        assert len(signed["nonce"]) == 64 and len(signed["content_sha256"]) == 64, signed

    # -- Export through the command the Export button calls, then verify the PDF ----------------
    pdf = tmp_path / "first-ticket.pdf"
    result = page.d.execute_async_script(
        """const [id, path, done] = arguments;
        window.__TAURI_INTERNALS__.invoke('export_report', {ticketId: id, path})
          .then(r => done({ok: r}), e => done({err: e}));""",
        ticket_id, str(pdf))
    assert "ok" in result, result
    verify = subprocess.run([str(cli_bin), "--data-dir", str(desk.sandbox.tf_data),
                             "verify-report", str(pdf)], capture_output=True, text=True)
    assert verify.returncode == 0, verify.stdout + verify.stderr
    root = tmp_path / "root.pem"
    subprocess.run([str(cli_bin), "--data-dir", str(desk.sandbox.tf_data), "export-root-cert",
                    "--out", str(root)], check=True, capture_output=True)
    nss = tmp_path / "nss"
    nss.mkdir()
    subprocess.run(["certutil", "-N", "-d", f"sql:{nss}", "--empty-password"], check=True)
    subprocess.run(["certutil", "-A", "-d", f"sql:{nss}", "-n", "root", "-t", "CT,C,C", "-a",
                    "-i", str(root)], check=True)
    sig = subprocess.run(["pdfsig", "-nssdir", f"sql:{nss}", str(pdf)], capture_output=True,
                         text=True)
    assert "Signature is Valid." in sig.stdout, sig.stdout + sig.stderr
    assert "Total document signed" in sig.stdout, sig.stdout
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True).stdout
    for shown in (DESK, CLIENT, CONTACT, PROBLEM, TECH):
        assert shown in text.replace("\n", " "), f"{shown!r} is not in the report"

    # The app signed the desk's history with the keychain's key: a checkpoint at the seal itself,
    # and the Reports screen says every event is covered.
    [(seal_event,)] = query_db(desk.sandbox.db, "SELECT max(id) FROM audit_events "
                               "WHERE action = 'ticket_sealed' AND ticket_id = ?", (ticket_id,))
    reasons = query_db(desk.sandbox.db, "SELECT reason FROM audit_checkpoints WHERE event_id = ?",
                       (seal_event,))
    assert reasons == [("seal",)], reasons
    page.d.execute_script("location.hash = '#/reports'")
    page.wait_hash(r"^#/reports$")
    page.until(lambda: page.find_all("history-signed"),
               message=lambda: page.text(page.css("main")))

    # The desk's records were written by the window only, each by the proven technician.
    actors = {a for (a,) in query_db(desk.sandbox.db, "SELECT DISTINCT actor FROM audit_events")}
    assert actors == {TECH}, actors
    assert query_db(desk.sandbox.db, "SELECT count(*) FROM runbook_entries")[0][0] == 1

    # The first day is done: the queue no longer offers the get-started checklist.
    page.click("nav-queue")
    page.wait_hash(r"^#/$")
    page.until(lambda: "The queue is empty." in page.text(page.css("main")),
               message=lambda: page.text(page.css("main")))
    # The checklist reads the desk's state after it mounts: wait for that answer, not the first frame.
    page.until(lambda: not page.find_all("get-started"),
               message=lambda: page.text(page.css("main")))

    # Every screen of the first day's desk, at the smallest and a large window, for people to
    # look at (kept under artifacts/e2e/screenshots).
    screens = {
        "queue": "#/", "ticket": f"#/ticket/{ticket_id}", "directory": "#/directory",
        "runbooks": "#/runbooks", "search": "#/search", "reports": "#/reports",
        "technicians": "#/technicians",
    }
    for w, h in ((1024, 700), (1920, 1080)):
        desk.driver.set_window_size(w, h)
        page.until(lambda: page.d.execute_script("return innerWidth") == w)
        for name, where in screens.items():
            page.d.execute_script("location.hash = arguments[0]", where)
            page.wait_hash("^" + where.replace("/", "\\/") + "$")
            page.settle()
            # The window itself never scrolls: each screen scrolls inside its own panes.
            assert page.d.execute_script("return scrollY") == 0, name
            page.screenshot(shots / f"first-day-{name}-{w}x{h}.png")

