"""The desk's tools, one click away (issue 15), through the window only, from an EMPTY desk: set
up, add a company with a ScreenConnect link in its Tools section (a javascript: link refused under
the field first), a contact and an asset, take a call through the intake, and press the remote
session button on "Reproduce the issue". The app runs with TICKETFLOW_OPENER_LOG, so the link it
would hand the browser is appended to a file: it must be the company's link with the ticket's
hostname filled in. Screenshots of the Tools section and of the step's buttons are kept under
artifacts/e2e/screenshots/ for people to look at."""

from __future__ import annotations

from flows import Intake, Ticket, add_authorized_contact, query_db, set_up_desk, type_field
from selenium.webdriver.common.by import By

TECH = "Robin Vale"
PIN = "482913"
CLIENT = "Tailspin Toys"
CONTACT = "Lena Brandt"
HOSTNAME = "TT-PC-042"
SCREENCONNECT = "https://tailspin.screenconnect.com/Host#Access/All%20Machines//{hostname}"


def row(page, kind: str):
    return page.css(f'[data-testid="company-tool"][data-kind="{kind}"]')


def in_row(page, kind: str, testid: str):
    return row(page, kind).find_element(By.CSS_SELECTOR, f'[data-testid="{testid}"]')


def test_the_remote_session_button_opens_the_companys_link_for_the_tickets_asset(desk_factory):
    desk = desk_factory(demo=False)
    opened = desk.sandbox.root / "opened-links.log"
    desk.sandbox.extra["TICKETFLOW_OPENER_LOG"] = str(opened)
    page = desk.launch(wait_for_queue=False)
    shots = desk.artifacts.parent / "screenshots"
    shots.mkdir(exist_ok=True)

    set_up_desk(page, "Tools Desk", TECH, PIN)

    # -- A company, and its remote session link ---------------------------------------------------
    page.click("nav-directory")
    page.click("company-new")
    page.wait("company-form")
    page.wait("company-tools-later")
    type_field(page, "company-name", CLIENT)
    page.click("company-save")
    page.until(lambda: any(CLIENT in page.text(r) for r in page.find_all("company-row")),
               message=lambda: f"the company was not saved: {page.errors()}")
    page.wait("company-tools")
    page.until(lambda: page.find_all("company-tool"), message="the Tools section has no rows")
    label = in_row(page, "remote_session", "company-tool-label")
    url = in_row(page, "remote_session", "company-tool-url")
    page.type_into(label, "ScreenConnect")
    page.type_into(url, "javascript:alert(document.cookie)")
    save = in_row(page, "remote_session", "company-tool-save")
    page.scroll_into_view(save)
    save.click()
    refusal = page.until(
        lambda: row(page, "remote_session").find_elements(
            By.CSS_SELECTOR, '[data-testid="field-error"][data-field="tool_url"]'),
        message=lambda: f"the javascript: link was not refused: {page.errors()}")
    assert "TOOL_URL_INVALID" in page.text(refusal[0]), page.text(refusal[0])
    assert query_db(desk.sandbox.db, "SELECT count(*) FROM company_tools") == [(0,)]

    page.type_into(url, SCREENCONNECT)
    save.click()
    page.until(lambda: "Saved." in page.text(row(page, "remote_session")),
               message=lambda: f"the link was not saved: {page.text(row(page, 'remote_session'))}")
    assert query_db(desk.sandbox.db, "SELECT kind, label, url_template FROM company_tools") == [
        ("remote_session", "ScreenConnect", SCREENCONNECT)]
    page.scroll_into_view(page.find("company-tools"))
    page.screenshot(shots / "tools-company-section.png")

    # -- A contact and an asset ------------------------------------------------------------------
    add_authorized_contact(page, CONTACT)
    page.click("directory-tab-assets")
    page.click("asset-new")
    page.wait("asset-form")
    type_field(page, "asset-hostname", HOSTNAME)
    page.click("asset-save")
    page.until(lambda: any(HOSTNAME in page.text(r) for r in page.find_all("asset-row")),
               message=lambda: f"the asset was not saved: {page.errors()}")

    # -- A call through the intake -----------------------------------------------------------------
    intake = Intake(page)
    ticket_id = intake.start()
    intake.find_caller(CONTACT)
    intake.link_asset(HOSTNAME)
    intake.paragraph("field-2-scope", "One PC")
    intake.rate("user", "degraded")
    intake.paragraph("field-4-notes", "No active incidents")
    intake.problem("Teams crashes when sharing the screen")
    page.until(lambda: intake.missing() == "", message="the intake form still lists something")
    intake.open_ticket()
    assert intake.opened(), [intake.section_errors(n) for n in range(1, 6)]
    ticket = Ticket(page)
    ticket.wait_loaded(ticket_id)

    # -- "Reproduce the issue": its remote session button -----------------------------------------
    page.until(lambda: ticket.step_state(6) == "available")
    tools = page.wait("step-6-tools")
    [button] = tools.find_elements(By.CSS_SELECTOR, '[data-testid="step-tool"]')
    assert button.get_attribute("data-kind") == "remote_session"
    assert "ScreenConnect" in page.text(button)
    assert button.is_enabled()
    # Step 7 names the RMM, which this company has not set up: disabled, saying where to.
    page.until(lambda: ticket.step_state(7) == "available")
    [rmm] = page.wait("step-7-tools").find_elements(By.CSS_SELECTOR, '[data-testid="step-tool"]')
    assert rmm.get_attribute("data-kind") == "rmm"
    assert not rmm.is_enabled()
    why = page.find("step-tool-reason", page.find("step-7-tools"))
    assert f"Directory › {CLIENT} › Tools" in page.text(why), page.text(why)

    page.scroll_into_view(button)
    button.click()
    page.wait("step-tool-opened")
    page.d.execute_script("arguments[0].scrollIntoView({block: 'start'})", ticket.step(6))
    # Bringing a step into view scrolls the checklist, never the window: the header stays.
    assert page.d.execute_script("return document.scrollingElement.scrollTop") == 0
    page.screenshot(shots / "tools-step-buttons.png")
    want = f"https://tailspin.screenconnect.com/Host#Access/All%20Machines//{HOSTNAME}"
    page.until(lambda: opened.exists(), message="no link reached the opener")
    assert opened.read_text().splitlines() == [want]
