"""The queue from the keyboard alone: "/" searches, arrows move, Enter opens, "n" starts intake;
and its order: what needs action first, sortable by a header, with each ticket's age."""

import re

from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.keys import Keys

from tfwindow import query_db


def press(driver, *keys):
    """Key presses sent to whatever has focus, as a person's keyboard would."""
    ActionChains(driver).send_keys(*keys).perform()


def active_row_index(page):
    return page.d.execute_script(
        "const r = document.querySelector('[data-testid=queue-row][aria-selected=true]');"
        "return r ? Number(r.getAttribute('aria-rowindex')) - 2 : -1;"
    )


def test_slash_searches_and_arrows_then_enter_open_a_ticket(desk):
    page = desk.launch()
    d = desk.driver
    page.until(lambda: len(page.find_all("queue-row")) >= 3, message="the queue has no rows")

    # "/" from anywhere in the queue puts the cursor in the search box, without typing a "/".
    press(d, "/")
    page.until(lambda: page.active_testid() == "queue-search", message="'/' did not focus search")
    search = page.find("queue-search")
    assert page.value(search) == ""

    # Searching narrows the queue: type a client's name and wait for the count to change.
    client = query_db(
        desk.sandbox.db,
        "SELECT c.name, COUNT(*) FROM tickets t JOIN companies c ON c.id = t.company_id "
        "WHERE t.status != 'closed' GROUP BY c.id ORDER BY 2 DESC LIMIT 1",
    )[0][0]
    before = page.text(page.find("queue-count")).strip()
    press(d, client)
    page.until(lambda: page.text(page.find("queue-count")).strip() not in (before, "Loading…"),
               message="searching did not change the queue")
    page.until(lambda: all(client in page.text(r) for r in page.find_all("queue-row")),
               message=f"rows other than {client}'s remain after searching for it")
    rows = page.find_all("queue-row")
    assert len(rows) >= 2, "need two matching rows to move between"

    # ArrowDown leaves the search box for the first row, the next ArrowDown moves on.
    press(d, Keys.ARROW_DOWN)
    page.until(lambda: active_row_index(page) == 0, message="ArrowDown did not reach row 1")
    press(d, Keys.ARROW_DOWN)
    page.until(lambda: active_row_index(page) == 1, message="ArrowDown did not move to row 2")
    press(d, Keys.ARROW_UP, Keys.ARROW_DOWN)
    page.until(lambda: active_row_index(page) == 1)

    chosen = page.css('[data-testid="queue-row"][aria-selected="true"]')
    ticket_id = chosen.get_attribute("data-ticket-id")
    status = chosen.get_attribute("data-status")
    number = re.search(r"T-\d+", page.text(chosen)).group(0)

    # Enter opens it: the ticket view (or intake, for a ticket still being taken in).
    press(d, Keys.ENTER)
    if status == "new":
        page.wait_hash(rf"^#/intake/{ticket_id}$")
        page.wait("intake-form")
    else:
        page.wait_hash(rf"^#/ticket/{ticket_id}$")
        page.until(lambda: page.text(page.find("ticket-number")).strip() == number,
                   message=f"the ticket view does not show {number}")
        desk.window.wait_log(r"ticket painted: \d+ rows", timeout=20)


def test_n_starts_a_new_ticket_and_escape_leaves_search(desk):
    page = desk.launch()
    d = desk.driver
    press(d, "/")
    page.until(lambda: page.active_testid() == "queue-search")
    # Typing an "n" in the search box is text, not the shortcut.
    press(d, "n")
    assert page.value(page.find("queue-search")) == "n"
    assert "#/intake" not in d.execute_script("return location.hash")
    # Escape hands the keyboard back to the list; there "n" is the new-ticket shortcut.
    press(d, Keys.BACKSPACE, Keys.ESCAPE)
    page.until(lambda: page.active_testid() != "queue-search", message="Escape stayed in search")
    press(d, "n")
    page.wait_hash(r"^#/intake/\d+$")
    page.wait("caller-search")


def header_sort(page, key):
    """The aria-sort of a sortable column's header cell."""
    return page.d.execute_script(
        "return document.querySelector('[data-testid=queue-sort-' + arguments[0] + ']')"
        ".closest('[role=columnheader]').getAttribute('aria-sort');", key)


def row_priorities(page):
    """Each drawn row's priority ("P9" for a ticket still without one), top to bottom."""
    out = []
    for row in page.find_all("queue-row"):
        found = re.search(r"\bP[1-4]\b", page.text(row))
        out.append(found.group(0) if found else "P9")
    return out


AGE = re.compile(r"^(\d+) (min|h|d)$")
UNIT = {"min": 1, "h": 60, "d": 1440}


def row_ages(page):
    """Each drawn row's age in minutes (as the Age column shows it, so rounded down)."""
    out = []
    for cell in page.find_all("queue-age"):
        m = AGE.match(page.text(cell).strip())
        assert m, f"age {page.text(cell)!r} is not like '3 h'"
        out.append(int(m.group(1)) * UNIT[m.group(2)])
    return out


def test_the_queue_puts_what_needs_action_first_and_sorts_by_a_header(desk):
    page = desk.launch()
    page.until(lambda: len(page.find_all("queue-row")) >= 3, message="the queue has no rows")
    # The default order: priority first (P1 at the top), shown on the Priority header.
    assert header_sort(page, "priority") == "ascending"
    assert header_sort(page, "age") == "none"
    priorities = row_priorities(page)
    assert priorities == sorted(priorities), priorities

    # Age: the youngest first, then (clicked again) the oldest first.
    page.click("queue-sort-age")
    page.until(lambda: header_sort(page, "age") == "ascending")
    page.until(lambda: row_ages(page) == sorted(row_ages(page)),
               message=lambda: f"not youngest first: {row_ages(page)}")
    assert header_sort(page, "priority") == "none"
    page.click("queue-sort-age")
    page.until(lambda: header_sort(page, "age") == "descending")
    page.until(lambda: row_ages(page) == sorted(row_ages(page), reverse=True),
               message=lambda: f"not oldest first: {row_ages(page)}")

    # Priority, clicked twice: descending (P4 first), then back to the default.
    page.click("queue-sort-priority")
    page.until(lambda: header_sort(page, "priority") == "ascending")
    page.click("queue-sort-priority")
    page.until(lambda: header_sort(page, "priority") == "descending")
    page.until(lambda: row_priorities(page) == sorted(row_priorities(page), reverse=True),
               message=lambda: f"not P4 first: {row_priorities(page)}")
    # Each sortable column has its button.
    for key in ("number", "client", "status", "sla_due"):
        page.find(f"queue-sort-{key}")
