"""A client the desk no longer serves (issue 16: authorization is data), through the window only,
from an EMPTY desk: set up, add a company and an authorized contact, deactivate the company in
Directory (its badge shows, in the list and on the company), and the intake refuses the contact
saying the client is inactive and how to go on; reactivated, the same caller is offered without
a refusal. A screenshot of the inactive company is kept under artifacts/e2e/screenshots/."""

from __future__ import annotations

from flows import Intake, add_authorized_contact, add_company, query_db, set_up_desk

TECH = "Robin Vale"
PIN = "482913"
CLIENT = "Fourth Coffee"
CONTACT = "Mara Quist"


def test_an_inactive_clients_caller_is_refused_until_the_client_is_reactivated(desk_factory):
    desk = desk_factory(demo=False)
    page = desk.launch(wait_for_queue=False)
    shots = desk.artifacts.parent / "screenshots"
    shots.mkdir(exist_ok=True)

    set_up_desk(page, "Standing Desk", TECH, PIN)

    # -- A company with an authorized contact --------------------------------------------------
    add_company(page, CLIENT)
    add_authorized_contact(page, CONTACT)

    # -- Deactivated in Directory: the badge in the list and on the company ----------------------
    assert page.find("company-standing").get_attribute("data-active") == "true"
    assert not page.find_all("company-row-inactive")
    page.scroll_into_view(page.find("company-deactivate"))
    page.click("company-deactivate")
    page.wait("company-inactive")
    page.until(lambda: page.find_all("company-row-inactive"),
               message="the list shows no Inactive badge")
    assert page.find("company-standing").get_attribute("data-active") == "false"
    assert query_db(desk.sandbox.db, "SELECT name, active FROM companies") == [(CLIENT, 0)]
    page.scroll_into_view(page.find("company-standing"))
    page.screenshot(shots / "company-inactive.png")

    # -- The intake refuses the caller, saying why and how to go on ------------------------------
    intake = Intake(page)
    intake.start()
    option = intake.find_caller(CONTACT)
    assert "inactive client" in option, option
    refusal = page.text(page.wait("caller-refusal"))
    assert "cannot proceed" in refusal and f"{CLIENT} is an inactive client" in refusal, refusal
    assert "reactivate it in Directory" in refusal and "override and a written reason" in refusal, \
        refusal
    intake.authorize("Authorized")
    page.until(lambda: "inactive client" in intake.missing(),
               message=lambda: f"the intake's dry run lists {intake.missing()!r}")

    # -- Reactivated: the same caller is offered without a refusal --------------------------------
    page.click("nav-directory")
    rows = page.until(lambda: [r for r in page.find_all("company-row") if CLIENT in page.text(r)],
                      message="the company is not listed")
    rows[0].click()
    page.scroll_into_view(page.wait("company-reactivate"))
    page.click("company-reactivate")
    page.wait("company-deactivate")
    page.until(lambda: not page.find_all("company-row-inactive"),
               message="the list still shows the Inactive badge")
    assert query_db(desk.sandbox.db, "SELECT active FROM companies") == [(1,)]
    changes = query_db(desk.sandbox.db,
                       "SELECT count(*) FROM audit_events WHERE action = 'company_active_changed'")
    assert changes == [(2,)], changes
    again = Intake(page)
    again.start()
    option = again.find_caller(CONTACT)
    assert "inactive" not in option, option
    assert not page.find_all("caller-refusal")
