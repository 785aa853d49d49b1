"""What a technician does in the window, step by step, through the UI's stable data-testids
(documented at the top of ui/src/App.svelte). Tests compose these; they assert the outcomes."""

from __future__ import annotations

import re
from dataclasses import dataclass

from selenium.common.exceptions import NoSuchElementException
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webelement import WebElement

from tfwindow import Page, query_db


# ---------------------------------------------------------------------------------------------
# Fixtures picked from the demo desk (read-only SQL; every action goes through the window)


@dataclass
class Caller:
    id: int
    name: str
    company_id: int
    company: str
    terminated_on: str | None
    authorized: bool


@dataclass
class AssetRow:
    id: int
    hostname: str


def callers(db, *, refused: bool | None = None, terminated: bool | None = None) -> list[Caller]:
    rows = query_db(
        db,
        "SELECT ct.id, ct.name, ct.company_id, co.name, ct.terminated_on, ct.authorized "
        "FROM contacts ct JOIN companies co ON co.id = ct.company_id "
        "WHERE EXISTS (SELECT 1 FROM assets a WHERE a.company_id = ct.company_id) "
        "ORDER BY ct.id",
    )
    out = []
    for cid, name, company_id, company, term, auth in rows:
        c = Caller(cid, name, company_id, company, term, bool(auth))
        # Termination dates in the demo data lie in the past of the demo's anchor (today).
        is_terminated = term is not None and term <= today()
        is_refused = is_terminated or not c.authorized
        if terminated is not None and is_terminated != terminated:
            continue
        if refused is not None and is_refused != refused:
            continue
        out.append(c)
    return out


def assets_of(db, company_id: int) -> list[AssetRow]:
    return [AssetRow(i, h) for i, h in query_db(
        db, "SELECT id, hostname FROM assets WHERE company_id = ? ORDER BY id", (company_id,))]


def today() -> str:
    import datetime

    return datetime.date.today().isoformat()


# ---------------------------------------------------------------------------------------------
# Intake (steps 1-5)


class Intake:
    def __init__(self, page: Page):
        self.p = page
        self.ticket_id: int | None = None

    def start(self) -> int:
        """"+ New ticket": the intake form of a fresh ticket (status new)."""
        self.p.click("new-ticket")
        m = self.p.wait_hash(r"^#/intake/(\d+)$")
        self.p.wait("intake-form")
        self.ticket_id = int(m.group(1))
        return self.ticket_id

    def section(self, step: int) -> WebElement:
        return self.p.find(f"intake-section-{step}")

    def type_search_and_pick(self, search_testid: str, option_testid: str, query: str,
                             match: str) -> WebElement:
        """Types `query` into a type-ahead and clicks the first option whose text holds `match`."""
        box = self.p.wait_enabled(search_testid)
        self.p.type_into(box, query)

        def option():
            for el in self.p.find_all(option_testid):
                if match in self.p.text(el):
                    return el
            return "none" if self.no_matches() else False

        el = self.p.until(option, message=f"no {option_testid} showing {match!r}")
        assert el != "none", f"searching {query!r} offers nothing ({option_testid} {match!r})"
        self.p.scroll_into_view(el)
        el.click()
        return el

    def find_caller(self, name: str, query: str | None = None) -> str:
        """Finds the caller by (part of) their name and picks them; returns the option's text
        as it was shown (company, tier, authorization or the reason for refusal)."""
        box = self.p.wait_enabled("caller-search")
        self.p.type_into(box, query or name)
        shown = {}

        def option():
            for el in self.p.find_all("caller-option"):
                text = self.p.text(el)
                if name in text:
                    shown["text"] = text
                    return el
            return "none" if self.no_matches() else False

        el = self.p.until(option, message=f"no caller option for {name!r}")
        assert el != "none", f"searching {query or name!r} finds no caller"
        el.click()
        self.p.wait("caller-card")
        return shown["text"]

    def no_matches(self) -> bool:
        """The open type-ahead says nothing matches (its empty-state line)."""
        return bool(self.p.d.find_elements(By.CSS_SELECTOR, '[role="listbox"] li.empty'))

    def authorize(self, choice: str) -> None:
        self.p.choose("field-1-authorization", choice)

    def override_reason(self, text: str) -> WebElement:
        box = self.p.wait("override-reason")
        self.p.type_into(box, text)
        return box

    def link_asset(self, hostname: str, query: str | None = None) -> None:
        before = len(self.p.find_all("asset-chip"))
        self.type_search_and_pick("asset-search", "asset-option", query or hostname, hostname)
        self.p.until(lambda: len(self.p.find_all("asset-chip")) == before + 1,
                     message=f"asset {hostname} was not linked")

    def rate(self, impact: str, urgency: str) -> str:
        """Picks impact and urgency; returns the priority the matrix preview shows."""
        self.p.choose("impact-picker", impact)
        self.p.choose("urgency-picker", urgency)
        preview = self.p.until(
            lambda: self.p.find("priority-preview").get_attribute("data-priority"),
            message="no priority preview",
        )
        return preview

    def problem(self, text: str) -> WebElement:
        box = self.p.wait("problem-statement")
        self.p.type_into(box, text)
        return box

    def paragraph(self, testid: str, text: str) -> WebElement:
        box = self.p.wait(testid)
        self.p.type_into(box, text)
        return box

    def open_ticket(self) -> None:
        """Presses "Open ticket" and waits until the form settles (opened, or refused)."""
        self.p.click("open-ticket")
        self.p.until(
            lambda: self.opened() or (
                self.p.find_all("error-message")
                and self.p.find("open-ticket").is_enabled()
            ),
            message="Open ticket neither opened the ticket nor said why not",
        )

    def opened(self) -> bool:
        h = self.p.d.execute_script("return location.hash")
        return h == f"#/ticket/{self.ticket_id}"

    def section_errors(self, step: int) -> list[tuple[str, str]]:
        return [(e.get_attribute("data-code"), self.p.text(e))
                for e in self.p.find_all("error-message", self.section(step))]

    def missing(self) -> str:
        """The core's list of what intake still needs, once it has answered the latest change."""
        self.p.until(
            lambda: self.p.find("priority-preview").get_attribute("aria-busy") != "true"
            and not self.p.d.find_elements(By.CSS_SELECTOR, '[data-testid="intake-missing"][data-pending="true"]'),
            message="the intake's dry run did not answer",
        )
        found = self.p.find_all("intake-missing")
        return self.p.text(found[0]) if found else ""


# ---------------------------------------------------------------------------------------------
# The ticket view


class Ticket:
    def __init__(self, page: Page):
        self.p = page

    def wait_loaded(self, ticket_id: int) -> None:
        self.p.wait_hash(rf"^#/ticket/{ticket_id}$")
        self.p.wait("ticket-header")

    def status(self) -> str:
        return self.p.find("ticket-status").get_attribute("data-status")

    def step(self, n: int) -> WebElement:
        """Step n's card; a phase whose steps are all done folds them away, so unfold it."""
        found = self.p.find_all(f"step-{n}")
        if not found:
            self.unfold_all()
            found = self.p.find_all(f"step-{n}")
        if not found:
            raise NoSuchElementException(f"step-{n}")
        return found[0]

    def unfold_all(self) -> None:
        for button in self.p.d.find_elements(
                By.CSS_SELECTOR, '[data-testid^="phase-"] header button[aria-expanded="false"]'):
            button.click()

    def show_values(self, n: int) -> WebElement:
        """Opens a done step to show what it recorded; returns the step's card."""
        card = self.step(n)
        toggle = card.find_element(By.CSS_SELECTOR, "header button[aria-expanded]")
        if toggle.get_attribute("aria-expanded") != "true":
            self.p.scroll_into_view(toggle)
            toggle.click()
            self.p.until(lambda: toggle.get_attribute("aria-expanded") == "true")
        return card

    def step_state(self, n: int) -> str:
        return self.step(n).get_attribute("data-state")

    def step_reason(self, n: int) -> str:
        self.step(n)
        found = self.p.find_all(f"step-{n}-reason")
        return self.p.text(found[0]) if found else ""

    def fill(self, n: int, values: dict[str, str]) -> None:
        """Types paragraphs and ticks list options of step `n` (field testids field-N-KEY)."""
        for key, value in values.items():
            el = self.p.wait(f"field-{n}-{key}")
            if el.tag_name.lower() == "textarea":
                self.p.type_into(el, value)
            else:
                self.p.choose(f"field-{n}-{key}", value)

    def complete(self, n: int, values: dict[str, str] | None = None,
                 expect: str = "done") -> None:
        """Fills and completes step `n`; waits for the step to be `expect` ("done"), or for an
        error to show when expect="error"."""
        self.p.until(lambda: self.step_state(n) == "available",
                     message=lambda: f"step {n} is not available: {self.step_reason(n)}")
        if values:
            self.fill(n, values)
        self.p.click(f"complete-step-{n}")
        if expect == "done":
            self.p.until(lambda: self.step_state(n) == "done",
                         message=lambda: f"step {n} was not completed: {self.errors_in(n)}")
        else:
            self.p.until(lambda: self.errors_in(n), message=f"step {n} showed no error")

    def errors_in(self, n: int) -> list[tuple[str, str]]:
        return [(e.get_attribute("data-code"), self.p.text(e))
                for e in self.p.find_all("error-message", self.step(n))]

    def phase(self, key: str) -> tuple[int, int]:
        el = self.p.find(f"phase-{key}")
        return int(el.get_attribute("data-done")), int(el.get_attribute("data-total"))

    def audit_actions(self) -> list[str]:
        self.open_tab("audit")
        timeline = self.p.wait("audit-timeline")
        return [e.get_attribute("data-action") for e in self.p.find_all("audit-event", timeline)]

    def open_tab(self, key: str, force: bool = False) -> None:
        """Opens a side panel tab. `force` clicks it from script even where a person could not
        reach it (for tests about rendering, not layout)."""
        tab = self.p.find(f"side-tab-{key}")
        if tab.get_attribute("aria-selected") != "true":
            self.p.scroll_into_view(tab)
            if force:
                self.p.d.execute_script("arguments[0].click()", tab)
            else:
                tab.click()
            self.p.until(lambda: tab.get_attribute("aria-selected") == "true")

    def audit_text(self, force: bool = False) -> str:
        """The whole audit timeline's text, every event's details opened."""
        self.open_tab("audit", force)
        timeline = self.p.wait("audit-timeline", visible=not force)
        self.p.d.execute_script(
            "arguments[0].querySelectorAll('details').forEach(d => d.open = true)", timeline)
        return self.p.text(timeline)


def queue_row(page: Page, ticket_id: int) -> WebElement | None:
    found = page.d.find_elements(
        By.CSS_SELECTOR, f'[data-testid="queue-row"][data-ticket-id="{ticket_id}"]')
    return found[0] if found else None


def search_queue(page: Page, text: str) -> None:
    """Types into the queue's search box and waits until the list shows the matches (the count
    then reads "N tickets match")."""
    box = page.wait("queue-search")
    page.type_into(box, text)
    page.until(lambda: page.value(box) == text
               and re.search(r"\bmatch(es)?$", page.text(page.find("queue-count")).strip()),
               message=lambda: f"the queue did not filter: {page.text(page.find('queue-count'))}")
    # The rows are drawn from the filtered pages once the count is known.
    page.until(lambda: page.find_all("queue-row")
               or "0 tickets" in page.text(page.find("queue-count")),
               message="the queue drew no rows")


def go_queue(page: Page) -> None:
    page.click("nav-queue")
    page.wait_hash(r"^#/$")
    page.wait("queue-list")



# ---------------------------------------------------------------------------------------------
# Signatures


def dense(*corners: tuple[int, int], step: int = 9) -> list[tuple[int, int]]:
    """A stroke through `corners`, a point every `step` px or so, as a hand's pen would report
    it (the pad keeps points at least 5 px apart)."""
    out = [corners[0]]
    for (ax, ay), (bx, by) in zip(corners, corners[1:]):
        n = max(1, round(max(abs(bx - ax), abs(by - ay)) / step))
        out += [(round(ax + (bx - ax) * i / n), round(ay + (by - ay) * i / n))
                for i in range(1, n + 1)]
    return out


def draw(page: Page, canvas: WebElement, strokes: list[list[tuple[int, int]]],
         touch: bool = False) -> None:
    """Draws strokes on a signature pad with WebDriver pointer actions: for each stroke the
    pointer goes down at its first point, moves through the others (each move spread over
    120 ms, so the pad samples it as a hand would) and goes up. Points are CSS pixels from the
    canvas's top-left corner. `touch` uses a touch pointer (a finger on a tablet); WebKitWebDriver
    delivers it to the page as pointer events all the same."""
    from selenium.webdriver.common.actions import interaction
    from selenium.webdriver.common.actions.action_builder import ActionBuilder
    from selenium.webdriver.common.actions.pointer_input import PointerInput

    page.scroll_into_view(canvas)
    w, h = page.d.execute_script(
        "const r = arguments[0].getBoundingClientRect(); return [r.width, r.height]", canvas)
    # WebDriver offsets are from the element's centre, in whole pixels.
    cx, cy = int(w / 2), int(h / 2)
    finger = PointerInput(interaction.POINTER_TOUCH, "finger") if touch else None
    actions = ActionBuilder(page.d, mouse=finger, duration=120)
    pointer = actions.pointer_action
    for stroke in strokes:
        x, y = stroke[0]
        pointer.move_to(canvas, x - cx, y - cy)
        pointer.pointer_down()
        for x, y in stroke[1:]:
            pointer.move_to(canvas, x - cx, y - cy)
        pointer.pointer_up()
    actions.perform()


def ink_at(page: Page, canvas: WebElement, points: list[tuple[int, int]], radius: int = 3) -> list[bool]:
    """Whether the canvas shows ink within `radius` CSS px of each point (read from its pixels)."""
    return page.d.execute_script(
        """const [c, pts, r] = arguments;
        const k = c.width / c.getBoundingClientRect().width;
        const ctx = c.getContext('2d');
        return pts.map(([x, y]) => {
          const d = ctx.getImageData(Math.round((x - r) * k), Math.round((y - r) * k),
                                     Math.round(2 * r * k), Math.round(2 * r * k)).data;
          for (let i = 0; i < d.length; i += 4) {
            if (d[i] < 128 && d[i + 3] > 0) return true;  // dark ink on the white pad
          }
          return false;
        });""",
        canvas, points, radius)


def stored_signature(db, ticket_id: int, step: int) -> dict:
    """The signature the store holds for a step's current completion."""
    import json

    rows = query_db(db, "SELECT vals FROM step_records WHERE ticket_id = ? AND step = ? "
                        "AND superseded = 0 ORDER BY id DESC LIMIT 1", (ticket_id, step))
    assert rows, f"step {step} of ticket {ticket_id} has no completion"
    return json.loads(rows[0][0])["signature"]


def assert_strokes_follow(stored: dict, drawn: list[list[tuple[int, int]]],
                          tolerance: float = 1.5) -> None:
    """The stored point groups are the drawn strokes: one group per stroke, a point for each
    place the pointer went (WebKit sends one pointermove per WebDriver move), in order, at the
    same CSS pixels, with time never running backwards from the stroke's start (two events may
    share a millisecond: seen under load in CI, [0.0, 0.0, 122.0, ...])."""
    groups = stored["strokes"]
    assert len(groups) == len(drawn), (len(groups), len(drawn))
    for n, (group, path) in enumerate(zip(groups, drawn)):
        got = [(p["x"], p["y"]) for p in group]
        assert len(got) == len(path), f"stroke {n}: stored {got}, drawn {path}"
        for (gx, gy), (dx, dy) in zip(got, path):
            assert abs(gx - dx) <= tolerance and abs(gy - dy) <= tolerance, (
                f"stroke {n}: stored {got}, drawn {path}")
        times = [p["t"] for p in group]
        assert times[0] == 0 and all(b >= a for a, b in zip(times, times[1:])), (n, times)
        assert times[-1] > 0, (n, times)


def keypad(page: Page, digits: str) -> None:
    """Types a PIN on the hand-over's on-screen keypad and presses OK."""
    for d in digits:
        page.click(f"keypad-{d}")
    page.click("keypad-ok")


def type_field(page: Page, testid: str, text: str) -> None:
    page.type_into(page.wait(testid), text)


def set_up_desk(page: Page, desk_name: str, technician: str, pin: str,
                email: str | None = None) -> WebElement:
    """An empty desk's first screen, filled in as a new user would; returns the Get started list."""
    page.wait("setup-form")
    type_field(page, "setup-desk-name", desk_name)
    type_field(page, "setup-tech-name", technician)
    if email is not None:
        type_field(page, "setup-tech-email", email)
    type_field(page, "setup-pin", pin)
    type_field(page, "setup-pin-repeat", pin)
    page.click("setup-submit")
    return page.wait("get-started")


def add_company(page: Page, name: str) -> None:
    """Directory › New: a company of that name, saved, listed and open."""
    page.click("nav-directory")
    page.click("company-new")
    page.wait("company-form")
    type_field(page, "company-name", name)
    page.click("company-save")
    page.until(lambda: any(name in page.text(r) for r in page.find_all("company-row")),
               message=lambda: f"the company was not saved: {page.errors()}")


def add_authorized_contact(page: Page, name: str, email: str | None = None) -> None:
    """New contact on the open company, marked authorized, saved and listed."""
    page.click("contact-new")
    page.wait("contact-form")
    type_field(page, "contact-name", name)
    if email is not None:
        type_field(page, "contact-email", email)
    if not page.find("contact-authorized").is_selected():
        page.click("contact-authorized")
    page.click("contact-save")
    page.until(lambda: any(name in page.text(r) for r in page.find_all("contact-row")),
               message=lambda: f"the contact was not saved: {page.errors()}")


def end_user_signs_and_rates(page: Page, signature, pin: str, rating: int = 5) -> None:
    """In hand-over mode: "Yes, it works", the signature drawn by touch, a rating, then the
    technician's PIN on the keypad takes the window back."""
    page.click("handover-verified")
    draw(page, page.wait("handover-pad"), signature, touch=True)
    page.wait_enabled("handover-sign")
    page.click("handover-sign")
    page.until(lambda: page.find("handover").get_attribute("data-stage") == "rate",
               message=lambda: f"the signature was not taken: {page.errors()}")
    page.click(f"handover-rating-{rating}")
    page.click("handover-send-rating")
    page.wait("handover-done")
    page.click("handover-exit")
    keypad(page, pin)
    page.wait_gone("handover")


def sign_off(page: Page, ticket: "Ticket", signature, pin: str,
             code: str = "Fixed - configuration change") -> None:
    """Step 21: the sign-off dialog, the technician's signature and PIN; waits for the close."""
    page.until(lambda: ticket.step_state(21) == "available",
               message=lambda: f"step 21 is not available: {ticket.step_reason(21)}")
    page.click("close-ticket")
    page.wait("signoff-dialog")
    page.choose("field-21-resolution_code", code)
    page.type_into(page.find("field-21-closure_notes"), "Nothing further.")
    page.click("signoff-continue")
    draw(page, page.wait("signoff-pad"), signature, touch=True)
    page.type_into(page.find("signoff-pin"), pin)
    page.click("signoff-submit")
    page.until(lambda: ticket.status() == "closed",
               message=lambda: f"the ticket did not close: {page.errors()}")

