"""No text a technician (or a caller's e-mail pasted by one) enters ever runs as script.

A battery of injection payloads (payloads.py, 66 of them) goes into every text field: the
directory's company, contact and asset records, intake (caller and asset searches, override
reason, scope, NOC notes, problem statement), the ticket's step paragraphs, a time entry's note,
the runbook and queue searches. Then the window shows it all back: directory lists, type-ahead
options, the caller card and refusal, the queue (rows and client filter), the ticket header, the
checklist and the audit timeline with every event's details open.

Before the first payload a guard goes into the page: `window.__xss = 0`, the current
`document.title`, and a `securitypolicyviolation` listener. After each screen has rendered the
guard must be untouched: no payload ran (`__xss` still 0, title unchanged), none even tried to
load or run something the CSP stopped (no violation), and the DOM holds no element or attribute
the UI never makes (event-handler attributes, frames, scripts, javascript: URLs). The page must
also never have reloaded (the guard would be gone). And each payload must be on screen as the
literal text it is.

Long texts go in the way a paste does (one input event, see Page.insert_text): typing 3,000
characters key by key through WebDriver takes about a minute per field. The first payload of
every field is typed key by key, so both paths are covered.
"""

from __future__ import annotations

import json

from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.common.by import By

from flows import Intake, Ticket, go_queue, queue_row, search_queue
from payloads import PAYLOADS, battery, chunks
from tfwindow import query_db
from visible import visible

NAMES = chunks(200)  # company, contact and asset names are limited to 200 characters
TEXT = battery("\n")  # paragraphs

GUARD = """
if (!window.__xssGuard) {
  window.__xssGuard = true;
  window.__xss = 0;
  window.__xssTitle = document.title;
  window.__xssViolations = [];
  window.__xssHeadScripts = document.head.querySelectorAll('script').length;
  document.addEventListener('securitypolicyviolation', (e) => {
    window.__xssViolations.push(`${e.violatedDirective} ${e.blockedURI} ${e.sample || ''}`);
  }, true);
}
"""

CHECK = """
const strange = [];
const tags = /^(SCRIPT|IFRAME|FRAME|FRAMESET|OBJECT|EMBED|BASE|META|LINK|STYLE|TEMPLATE|NOSCRIPT|MARQUEE|AUDIO|VIDEO|SOURCE|MATH|XSS|TITLE)$/;
for (const el of document.body.querySelectorAll('*')) {
  if (tags.test(el.tagName)) strange.push(el.tagName);
  for (const a of el.attributes) {
    if (/^on/i.test(a.name)) strange.push(`${el.tagName}[${a.name}]`);
    if (/^(href|src|action|formaction|data|srcdoc|xlink:href)$/i.test(a.name)
        && /^\\s*(javascript|data):/i.test(a.value)) strange.push(`${el.tagName}[${a.name}=${a.value}]`);
  }
}
return {
  guard: window.__xssGuard === true,
  xss: window.__xss,
  title: document.title,
  expectedTitle: window.__xssTitle,
  violations: window.__xssViolations || [],
  headScripts: document.head.querySelectorAll('script').length,
  expectedHeadScripts: window.__xssHeadScripts,
  strange: strange.slice(0, 20),
};
"""


class Guard:
    def __init__(self, page):
        self.page = page
        page.d.execute_script(GUARD)
        self.checks = 0

    def assert_untouched(self, where: str) -> None:
        # Let every pending load, error and focus event of whatever rendered fire first.
        self.page.d.execute_async_script(
            "const done = arguments[arguments.length - 1];"
            "requestAnimationFrame(() => requestAnimationFrame(() => setTimeout(done, 150)));"
        )
        state = self.page.d.execute_script(CHECK)
        self.checks += 1
        assert state["guard"], f"{where}: the page reloaded (the guard is gone)"
        assert state["xss"] == 0, f"{where}: a payload ran (window.__xss = {state['xss']})"
        assert state["title"] == state["expectedTitle"], f"{where}: title became {state['title']!r}"
        assert state["violations"] == [], f"{where}: CSP violations {state['violations']}"
        assert state["headScripts"] == state["expectedHeadScripts"], f"{where}: a script was added"
        assert state["strange"] == [], f"{where}: injected markup in the DOM: {state['strange']}"


def enter(page, el, text, typed: int = 0) -> None:
    """Types the first `typed` characters key by key, pastes the rest; checks the field holds
    exactly the text."""
    page.scroll_into_view(el)
    el.click()
    if page.value(el):
        # Some fields start from a suggestion (step 11 from steps 6-9): select it to replace it.
        page.d.execute_script("arguments[0].select()", el)
        ActionChains(page.d).send_keys(Keys.DELETE).perform()
        page.until(lambda: page.value(el) == "", message="the suggestion could not be cleared")
    if typed:
        ActionChains(page.d).send_keys(text[:typed]).perform()
    if text[typed:]:
        page.insert_text(el, text[typed:])
    page.until(lambda: page.value(el) == text,
               message=lambda: f"the field holds {page.value(el)[:80]!r}…, not the payloads")


def shows(page, el, texts, as_json: bool = False) -> None:
    """Each of `texts` is in the element's text, literally (or JSON-quoted, as the audit
    timeline shows values; or with its hidden characters shown as markers, ⟦U+202E⟧, as the
    queue, ticket header and hand-over show names and notes)."""
    content = page.text(el)

    def present(t):
        return (t in content or visible(t) in content
                or (as_json and json.dumps(t, ensure_ascii=False)[1:-1] in content))

    missing = [t for t in texts if not present(t)]
    assert not missing, f"not shown as text: {missing[:3]}"


def tab(page, label):
    page.d.find_element(By.XPATH, f"//button[@role='tab'][normalize-space()={json.dumps(label)}]").click()


def first_typed(text: str) -> int:
    """How much of `text` to type key by key: its first payload."""
    return len(PAYLOADS[0]) if text.startswith(PAYLOADS[0]) else min(len(text), 32)


def test_payloads_in_directory_records_and_intake_stay_text(desk):
    page = desk.launch()
    guard = Guard(page)

    # -- Directory: a company per chunk of payloads; contacts and assets in the first ---------
    page.click("nav-directory")
    page.wait_hash(r"^#/directory")
    for i, name in enumerate(NAMES):
        page.click("company-new")
        enter(page, page.wait("company-name"), name, typed=first_typed(name) if i == 0 else 0)
        page.click("company-save")
        page.wait_hash(r"^#/directory/\d+$")
        page.until(lambda: any(page.text(r).strip().startswith(name[:30])
                               for r in page.find_all("company-row")),
                   message=f"company {i} is not listed")
    guard.assert_untouched("directory: companies created")
    companies = page.find_all("company-row")
    listed = "\n".join(page.text(c) for c in companies)
    for name in NAMES:
        # As text; a hidden character in it shown as its marker (⟦U+202E⟧), as VisibleText does.
        assert name in listed or visible(name) in listed, f"company name not shown as text: {name[:60]}"

    # Open the first payload company.
    first = next(c for c in companies if NAMES[0] in page.text(c))
    first.click()
    page.wait_hash(r"^#/directory/\d+$")
    page.wait("contact-new")
    for i, name in enumerate(NAMES):
        page.click("contact-new")
        typed = first_typed(name) if i == 0 else 0
        enter(page, page.wait("contact-name"), name, typed)
        enter(page, page.css("#contact-phone"), name, typed)
        enter(page, page.css("#contact-upn"), name, typed)
        if i == 0:  # this one may not call: the refusal names them
            box = page.find("contact-authorized")
            if box.is_selected():
                box.click()
        page.click("contact-save")
        page.until(lambda: not page.find_all("contact-form")
                   and len(page.find_all("contact-row")) == i + 1,
                   message=lambda: f"contact {i} was not saved: {page.errors()}")
    guard.assert_untouched("directory: contacts created")
    shows(page, page.css(".detail"), NAMES)

    tab(page, "Assets")
    page.wait("asset-new")
    for i, name in enumerate(NAMES):
        page.click("asset-new")
        typed = first_typed(name) if i == 0 else 0
        enter(page, page.wait("asset-hostname"), name, typed)
        kind = page.css("#asset-kind")
        kind.clear()
        enter(page, kind, name, typed)
        for field in ("#asset-upn", "#asset-serial", "#asset-rmm-id"):
            enter(page, page.css(field), name, typed)
        enter(page, page.css("#asset-rmm-url"), "javascript:window.__xss++", typed)
        page.click("asset-save")
        page.until(lambda: not page.find_all("asset-form")
                   and len(page.find_all("asset-row")) == i + 1,
                   message=lambda: f"asset {i} was not saved: {page.errors()}")
    guard.assert_untouched("directory: assets created")
    shows(page, page.css(".detail"), NAMES)

    # -- Intake: the refused payload contact, every payload asset, every paragraph -------------
    intake = Intake(page)
    ticket_id = intake.start()
    search = page.wait_enabled("caller-search")
    # The search drops "_" and "%" from the query (the core's LIKE escaping), so a name with
    # "__xss" is found by a part without them.
    enter(page, search, "<script>window.", typed=15)
    # Every payload contact is in the first payload company: pick the one named NAMES[0].
    option = page.until(
        lambda: next((o for o in page.find_all("caller-option")
                      if page.text(o.find_element(By.TAG_NAME, "strong")) == NAMES[0]), None),
        message="the payload contact is not offered")
    guard.assert_untouched("intake: caller options")
    shows(page, option, [NAMES[0], "is not an authorized contact"])
    option.click()
    page.wait("caller-card")
    shows(page, page.wait("caller-refusal"), [NAMES[0]])
    guard.assert_untouched("intake: caller card and refusal")

    intake.authorize("Override")
    enter(page, page.wait("override-reason"), TEXT, first_typed(TEXT))
    for n in range(len(NAMES)):
        box = page.wait_enabled("asset-search")
        enter(page, box, "<", typed=1)
        opt = page.until(lambda: page.find_all("asset-option"), message="no asset offered")[0]
        if n == 0:
            guard.assert_untouched("intake: asset options")
        opt.click()
        page.until(lambda: len(page.find_all("asset-chip")) == n + 1,
                   message=f"asset {n} was not linked")
    shows(page, page.find("intake-section-2"), NAMES)
    enter(page, page.wait("field-2-scope"), TEXT, first_typed(TEXT))
    intake.rate("user", "degraded")
    enter(page, page.wait("field-4-notes"), TEXT, first_typed(TEXT))
    enter(page, page.wait("problem-statement"), TEXT, first_typed(TEXT))
    guard.assert_untouched("intake: every field filled")
    intake.open_ticket()
    assert intake.opened(), [intake.section_errors(n) for n in range(1, 6)]

    # -- The new ticket, its audit trail, and the queue ----------------------------------------
    ticket = Ticket(page)
    ticket.wait_loaded(ticket_id)
    header = page.find("ticket-header")
    guard.assert_untouched("ticket view")
    shows(page, header, [NAMES[0]] + NAMES + PAYLOADS)  # company, contact, assets; problem, override
    # The header grows with this much text until the checklist and side panel have no room
    # left (see test_layout.py); what matters here is what renders, so open the tab by script.
    ticket.audit_text(force=True)
    guard.assert_untouched("audit timeline")
    shows(page, page.find("audit-timeline"), PAYLOADS, as_json=True)

    go_queue(page)
    number = query_db(desk.sandbox.db, "SELECT number FROM tickets WHERE id = ?", (ticket_id,))[0][0]
    search_queue(page, number)
    row = page.until(lambda: queue_row(page, ticket_id), message="the ticket is not queued")
    guard.assert_untouched("queue")
    shows(page, row, [NAMES[0], PAYLOADS[0]])
    filter_options = page.find("queue-filter-client").find_elements(By.TAG_NAME, "option")
    assert all(n in [o.get_attribute("textContent") for o in filter_options] for n in NAMES)

    # The queue's own search box takes the payloads too.
    for payload in PAYLOADS[:20]:
        box = page.find("queue-search")
        box.clear()
        page.insert_text(box, payload)
    page.until(lambda: page.text(page.find("queue-count")).strip() != "Loading…")
    guard.assert_untouched("queue searched with payloads")
    assert not [e for e in page.errors()], page.errors()
    assert guard.checks >= 10


def test_payloads_in_ticket_steps_time_entries_and_runbooks_stay_text(desk):
    page = desk.launch()
    ticket_id, number = query_db(
        desk.sandbox.db,
        "SELECT t.id, t.number FROM tickets t WHERE t.status = 'open' AND NOT EXISTS "
        "(SELECT 1 FROM step_records s WHERE s.ticket_id = t.id AND s.step = 10) "
        "ORDER BY t.id LIMIT 1")[0]
    guard = Guard(page)
    search_queue(page, number)
    page.until(lambda: queue_row(page, ticket_id)).click()
    ticket = Ticket(page)
    ticket.wait_loaded(ticket_id)

    # Steps 10-12: every paragraph gets the whole battery.
    ticket.fill(10, {"decision": "Escalate to Tier 2"})
    enter(page, page.wait("field-10-reason"), TEXT, first_typed(TEXT))
    ticket.complete(10)
    page.until(lambda: ticket.step_state(11) == "available")
    for key in ("symptom", "repro_steps", "diagnostics_run", "ruled_out"):
        enter(page, page.wait(f"field-11-{key}"), TEXT, first_typed(TEXT))
    ticket.complete(11)
    enter(page, page.wait("field-12-notes"), TEXT, first_typed(TEXT))
    ticket.fill(12, {"infrastructure": "Shared infrastructure touched"})
    enter(page, page.wait("field-12-change_reference"), TEXT, first_typed(TEXT))
    ticket.complete(12)
    guard.assert_untouched("steps 10-12 completed")
    for n in (10, 11, 12):  # what each done step recorded, shown in its card
        shows(page, ticket.show_values(n), PAYLOADS)
    guard.assert_untouched("steps 10-12 showing their values")

    # A time entry whose note is the battery (notes hold up to 5,000 characters).
    ticket.open_tab("time")
    page.click("time-add")
    note = page.wait_css('[data-testid="time-note"], #time-note')
    enter(page, note, TEXT, first_typed(TEXT))
    minutes = page.find("time-minutes")
    minutes.clear()
    minutes.send_keys("15")
    page.click("time-save")
    page.until(lambda: page.find_all("time-entry"), message=lambda: f"no time entry: {page.errors()}")
    guard.assert_untouched("time entry")
    shows(page, page.find("time-entry"), PAYLOADS)

    # The runbook search takes payloads as queries.
    ticket.open_tab("runbooks")
    for payload in PAYLOADS[:20]:
        box = page.wait("runbook-search")
        box.clear()
        page.insert_text(box, payload)
    guard.assert_untouched("runbook searches")

    # The audit trail shows every value of those steps.
    ticket.audit_text()
    guard.assert_untouched("audit timeline")
    shows(page, page.find("audit-timeline"), PAYLOADS, as_json=True)

    # Back in the queue the ticket still renders inert.
    go_queue(page)
    search_queue(page, number)
    page.until(lambda: queue_row(page, ticket_id))
    guard.assert_untouched("queue")


def test_the_guard_notices_markup_that_reaches_the_page(desk):
    """The checks above are not vacuous: markup put into the page the way a careless render
    would (innerHTML) is caught, though the CSP keeps its inline handler from running."""
    page = desk.launch()
    guard = Guard(page)
    guard.assert_untouched("before")
    page.d.execute_script(
        "const div = document.createElement('div');"
        "div.innerHTML = arguments[0];"
        "document.querySelector('main').append(div);",
        PAYLOADS[1],  # <img src=x onerror=window.__xss++>
    )
    try:
        guard.assert_untouched("after")
    except AssertionError as e:
        caught = str(e)
    else:
        caught = ""
    assert "IMG[onerror]" in caught or "CSP violations" in caught, caught
    # The strict CSP (no inline script) is what kept the handler from running.
    assert page.d.execute_script("return window.__xss") == 0
