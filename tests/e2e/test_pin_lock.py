"""A PIN locked after too many wrong PINs, in the real window (issue 14): the Technicians screen
marks it, switching to that technician says so instead of asking for the PIN in vain, and another
technician unlocks it with their own PIN, after which it works again."""

import sqlite3

from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from flows import query_db

DEMO_PIN = "246810"


def test_a_locked_pin_is_shown_and_another_technician_unlocks_it(desk):
    db = desk.sandbox.db
    [(current,)] = query_db(db, "SELECT value FROM settings WHERE key = 'current_technician'")
    [(locked,)] = query_db(db, "SELECT name FROM technicians WHERE active = 1 AND name <> ? "
                               "ORDER BY name LIMIT 1", (current,))
    # Ten misses in a row, as the core records them, written before the app starts (typing them
    # would wait out every pause between them; the core's tests count them one by one).
    con = sqlite3.connect(db)
    with con:
        con.execute("UPDATE technicians SET pin_failures = 10, pin_locked = 1 WHERE name = ?",
                    (locked,))
    con.close()

    page = desk.launch()
    page.click("nav-technicians")
    page.wait("technicians-view")
    row = page.until(lambda: next((r for r in page.find_all("technician-row")
                                   if r.get_attribute("data-name") == locked), None),
                     message=f"{locked} is not listed")
    page.until(lambda: row.find_elements(By.CSS_SELECTOR, '[data-testid="technician-pin-locked"]'),
               message=f"{locked}'s row does not say the PIN is locked")

    # Switching to them says it is locked and does not ask for the PIN.
    Select(page.find("technician-picker")).select_by_value(locked)
    page.wait("switch-pin")
    submit = page.find("switch-submit")
    page.until(lambda: submit.get_attribute("data-locked") == "true",
               message="the switch dialog does not know the PIN is locked")
    assert not submit.is_enabled()
    form = page.find("switch-pin").find_element(By.XPATH, "ancestor::form")
    assert "another active technician must unlock it" in page.text(form)
    form.find_element(By.XPATH, ".//button[normalize-space()='Cancel']").click()
    page.wait_gone("switch-pin")

    # The current technician unlocks it with their own PIN.
    row.find_element(By.CSS_SELECTOR, '[data-testid="technician-unlock-pin"]').click()
    page.type_into(page.wait("unlock-pin"), DEMO_PIN)
    page.click("unlock-submit")
    page.wait_gone("unlock-pin")
    page.until(lambda: not page.find_all("technician-pin-locked"),
               message="the row still says the PIN is locked")
    assert query_db(db, "SELECT pin_locked, pin_failures FROM technicians WHERE name = ?",
                    (locked,)) == [(0, 0)]
    [(by,)] = query_db(db, "SELECT actor FROM audit_events WHERE action = 'pin_unlocked'")
    assert by == current

    # And the PIN works again.
    Select(page.find("technician-picker")).select_by_value(locked)
    page.type_into(page.wait("switch-pin"), DEMO_PIN)
    page.click("switch-submit")
    page.wait_gone("switch-pin")
    assert query_db(db, "SELECT value FROM settings WHERE key = 'current_technician'") == [(locked,)]
