"""Every form of a new desk, given an invalid value, says why at the field and puts the cursor
there; nothing is saved. Starts from an EMPTY data directory, through the window only."""

from __future__ import annotations

from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.keys import Keys

from flows import Intake, Ticket, query_db
from tfwindow import Page

PIN = "582914"


def focused_testid(page: Page) -> str | None:
    return page.d.execute_script("return document.activeElement?.dataset?.testid ?? null")


def refused_at(page: Page, field: str, focus: str | None = None) -> str:
    """Waits for the visible message under `field`; checks the cursor went to `focus`."""
    def shown():
        for e in page.find_all("field-error"):
            if e.get_attribute("data-field") == field and e.is_displayed() and page.text(e).strip():
                return page.text(e).strip()
        return False

    text = page.until(shown, message=lambda: f"no message at {field}: " + repr(
        [(e.get_attribute("data-field"), page.text(e)) for e in page.find_all("field-error")]
        + page.errors()))
    if focus is not None:
        page.until(lambda: focused_testid(page) == focus,
                   message=lambda: f"the cursor is on {focused_testid(page)}, not {focus}")
    # People read sentences; codes go to the log.
    assert not any(w.isupper() and "_" in w for w in text.split()), text
    return text


def erase(page: Page, el) -> None:
    """Empties a field the way a person does: select everything, press Delete."""
    page.d.execute_script("arguments[0].select()", el)
    ActionChains(page.d).send_keys(Keys.DELETE).perform()
    page.until(lambda: page.value(el) == "", message="the field could not be emptied")


def test_every_form_of_a_new_desk_names_what_is_wrong_at_the_field(desk_factory):
    desk = desk_factory(demo=False)
    page = desk.launch(wait_for_queue=False)
    db = desk.sandbox.db

    # -- Setup ----------------------------------------------------------------------------------
    page.wait("setup-form")
    page.click("setup-submit")
    refused_at(page, "deskName", focus="setup-desk-name")
    page.type_into(page.find("setup-desk-name"), "Contoso Helpdesk")
    page.click("setup-submit")
    refused_at(page, "name", focus="setup-tech-name")
    page.type_into(page.find("setup-tech-name"), "Robin Vance")
    page.type_into(page.find("setup-pin"), "12")
    page.click("setup-submit")
    refused_at(page, "pin", focus="setup-pin")
    page.type_into(page.find("setup-pin"), PIN)
    page.type_into(page.find("setup-pin-repeat"), PIN[::-1])
    page.click("setup-submit")
    refused_at(page, "pinRepeat", focus="setup-pin-repeat")
    assert query_db(db, "SELECT count(*) FROM technicians")[0][0] == 0
    page.type_into(page.find("setup-pin-repeat"), PIN)
    page.click("setup-submit")
    page.wait("get-started")

    # -- Technicians ----------------------------------------------------------------------------
    page.click("nav-technicians")
    page.wait("technicians-view")
    page.click("technician-save")
    refused_at(page, "name", focus="technician-name")
    page.type_into(page.find("technician-name"), "Sasha Bell")
    page.type_into(page.find("technician-pin"), "739164")
    page.type_into(page.find("technician-pin-repeat"), "739165")
    page.click("technician-save")
    refused_at(page, "pinRepeat", focus="technician-pin-repeat")
    page.type_into(page.find("technician-pin-repeat"), "739164")
    page.type_into(page.find("technician-witness-pin"), "000000")
    page.click("technician-save")
    refused_at(page, "witnessPin", focus="technician-witness-pin")
    assert query_db(db, "SELECT count(*) FROM technicians")[0][0] == 1

    # -- Directory: company, contact (half-typed date), asset -----------------------------------
    page.click("nav-directory")
    page.click("company-new")
    page.click("company-save")
    refused_at(page, "name", focus="company-name")
    page.type_into(page.find("company-name"), "Tailspin Toys")
    page.click("company-save")
    page.wait_hash(r"^#/directory/\d+$")
    page.click("contact-new")
    page.wait("contact-form")
    page.click("contact-save")
    refused_at(page, "name", focus="contact-name")
    page.type_into(page.find("contact-name"), "Jo Park")
    page.type_into(page.find("contact-terminated"), "3/1")
    page.click("contact-save")
    refused_at(page, "terminated_on", focus="contact-terminated")
    assert query_db(db, "SELECT count(*) FROM contacts")[0][0] == 0
    erase(page, page.find("contact-terminated"))
    page.click("contact-save")
    page.until(lambda: any("Jo Park" in page.text(r) for r in page.find_all("contact-row")),
               message=lambda: f"the contact was not saved: {page.errors()}")
    page.click("directory-tab-assets")
    page.click("asset-new")
    page.wait("asset-form")
    page.click("asset-save")
    refused_at(page, "hostname", focus="asset-hostname")
    page.type_into(page.find("asset-hostname"), "TT-LT-007")
    page.click("asset-save")
    page.until(lambda: any("TT-LT-007" in page.text(r) for r in page.find_all("asset-row")),
               message=lambda: f"the asset was not saved: {page.errors()}")

    # -- Runbooks -------------------------------------------------------------------------------
    page.click("nav-runbooks")
    page.click("runbook-new")
    page.wait("runbook-editor")
    page.click("runbook-save")
    refused_at(page, "title", focus="runbook-title")
    assert query_db(db, "SELECT count(*) FROM runbook_entries")[0][0] == 0

    # -- Intake: "Open ticket" with nothing filled in lists what is missing -----------------------
    intake = Intake(page)
    ticket_id = intake.start()
    assert intake.missing(), "the intake form does not say what is missing"
    intake.find_caller("Jo Park")
    intake.link_asset("TT-LT-007")
    intake.paragraph("field-2-scope", "One laptop")
    intake.rate("user", "degraded")
    intake.paragraph("field-4-notes", "No incidents")
    intake.problem("VPN drops every few minutes")
    page.until(lambda: intake.missing() == "", message="the intake form still lists something")
    intake.open_ticket()
    ticket = Ticket(page)
    ticket.wait_loaded(ticket_id)

    # -- The ticket: a time entry without minutes, waiting without a reason ---------------------
    ticket.open_tab("time")
    page.click("time-add")
    erase(page, page.wait("time-minutes"))
    page.click("time-save")
    refused_at(page, "minutes", focus="time-minutes")
    assert query_db(db, "SELECT count(*) FROM time_entries")[0][0] == 0
    page.click("wait-on-customer")
    page.wait("wait-reason")
    page.click("wait-submit")
    refused_at(page, "reason", focus="wait-reason")
    assert ticket.status() == "open"

    # -- Report settings: the name on reports cannot be emptied ---------------------------------
    page.click("nav-reports")
    erase(page, page.wait("report-msp-name"))
    page.click("report-settings-save")
    refused_at(page, "mspName", focus="report-msp-name")
    assert query_db(db, "SELECT value FROM settings WHERE key = 'report.msp_name'")[0][0] == "Contoso Helpdesk"
