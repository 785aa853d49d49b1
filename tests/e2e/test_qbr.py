"""The QBR screen (issue 17) on a desk that starts from an EMPTY data directory: before there is a
client it says so, before there is a ticket it says the period is empty; once a ticket is closed
through the window, Reports › QBR for that client and this quarter shows the same figures as
`ticketflow-cli qbr`, a tile opens the tickets behind it and a ticket from there, a chart turns
into a table of its numbers, a bar opens its tickets, and the screen is photographed at the
smallest and a large window size.

Nothing comes from demo data or SQL writes: the desk is made through the window only."""

from __future__ import annotations

import json
import re
import subprocess

from flows import (
    Intake,
    Ticket,
    add_authorized_contact,
    add_company,
    dense,
    end_user_signs_and_rates,
    set_up_desk,
    sign_off,
    type_field,
)
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select
from tfwindow import Page

DESK = "Harbor Lane IT"
TECH = "Jordan Reyes"
PIN = "582914"
CLIENT = "Bayside Veterinary"
CONTACT = "Priya Nandakumar"
HOSTNAME = "BV-FRONTDESK-02"
SIGNATURE = [dense((50, 60), (90, 130), (130, 60), (170, 130)), dense((200, 100), (330, 95))]


def invoke(page: Page, command: str, args: dict):
    result = page.d.execute_async_script(
        """const [cmd, args, done] = arguments;
        window.__TAURI_INTERNALS__.invoke(cmd, args)
          .then(r => done({ok: r}), e => done({err: e}));""", command, args)
    assert "ok" in result, result
    return result["ok"]


def open_qbr(page: Page) -> None:
    page.click("nav-reports")
    page.wait_hash(r"^#/reports$")
    page.click("reports-tab-qbr")
    page.wait("qbr-screen")


def tile(page: Page, key: str):
    return page.css(f'[data-testid="qbr-tile"][data-key="{key}"]')


def tile_value(page: Page, key: str) -> str:
    return page.text(page.find("qbr-tile-value", tile(page, key)))


def set_up_desk_with_a_client(page: Page) -> None:
    set_up_desk(page, DESK, TECH, PIN, email="jordan@harborlane.example")

    # No client yet: the QBR says so in a sentence.
    open_qbr(page)
    said = page.text(page.wait("qbr-no-clients"))
    assert "no clients yet" in said, said

    add_company(page, CLIENT)
    add_authorized_contact(page, CONTACT, "priya@bayside-vet.example")
    page.click("directory-tab-assets")
    page.click("asset-new")
    page.wait("asset-form")
    type_field(page, "asset-hostname", HOSTNAME)
    page.click("asset-save")
    page.until(lambda: any(HOSTNAME in page.text(r) for r in page.find_all("asset-row")),
               message=lambda: f"the asset was not saved: {page.errors()}")


def close_a_ticket(page: Page) -> int:
    """One call taken through all 21 steps in the window, rated 5 by the end user, with 25
    minutes of work logged; answers the ticket's id."""
    intake = Intake(page)
    ticket_id = intake.start()
    intake.find_caller(CONTACT)
    intake.link_asset(HOSTNAME)
    intake.paragraph("field-2-scope", "The front desk PC")
    intake.rate("user", "degraded")
    intake.paragraph("field-4-notes", "No active incidents")
    intake.problem("Front desk PC shows no appointments calendar after the update")
    page.until(lambda: intake.missing() == "", message="the intake form still lists something")
    intake.open_ticket()
    assert intake.opened(), [intake.section_errors(n) for n in range(1, 6)]
    ticket = Ticket(page)
    ticket.wait_loaded(ticket_id)
    ticket.complete(6, {"notes": "The calendar add-in is disabled since the update."})
    ticket.complete(7, {"notes": "Office updated overnight."})
    ticket.complete(8, {"notes": "No alerts."})
    ticket.complete(9, {"notes": "No runbook for this client yet."})
    ticket.complete(10, {"decision": "Resolve at Tier 1", "reason": "An add-in setting"})
    ticket.complete(12, {"notes": "Enabled the calendar add-in again.", "infrastructure": "Endpoint only"})

    page.until(lambda: ticket.step_state(13) == "available")
    page.type_into(page.wait("handover-summary-input"),
                   "The calendar add-in was switched off by the update; it is on again.")
    page.click("handover-start")
    page.wait("handover")
    end_user_signs_and_rates(page, SIGNATURE, PIN)
    ticket.wait_loaded(ticket_id)

    ticket.complete(14, {"notes": "The calendar shows today's appointments."})
    ticket.complete(15, {"root_cause": "The update disabled the add-in.",
                         "changes": "Enabled the add-in."})
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
    type_field(page, "runbook-title", "Front desk calendar add-in")
    type_field(page, "runbook-body", "Enable the add-in under File, Options, Add-ins.")
    page.click("runbook-save")
    ticket.complete(20, {"outcome": "Entry created"})
    sign_off(page, ticket, SIGNATURE, PIN)
    return ticket_id


def cli_qbr(cli_bin, data_dir, client: str, period: dict) -> str:
    out = subprocess.run([str(cli_bin), "--data-dir", str(data_dir), "qbr", "--client", client,
                          "--from", period["from"], "--to", period["to"]],
                         capture_output=True, text=True)
    assert out.returncode == 0, out.stdout + out.stderr
    return out.stdout


def test_the_qbr_screen_shows_a_new_desks_first_quarter_as_the_cli_does(desk_factory, cli_bin,
                                                                         tmp_path):
    desk = desk_factory(demo=False)
    desk.sandbox.extra["TICKETFLOW_KEYSTORE"] = "keyutils"
    page = desk.launch(wait_for_queue=False)
    shots = desk.artifacts.parent / "screenshots"
    shots.mkdir(exist_ok=True)

    set_up_desk_with_a_client(page)
    [company] = invoke(page, "list_companies", {})
    # A client without tickets: the period is empty, said in a sentence.
    open_qbr(page)
    page.until(lambda: CLIENT in [o.text for o in Select(page.find("qbr-client")).options])
    Select(page.find("qbr-client")).select_by_visible_text(CLIENT)
    page.click("qbr-period-this")
    said = page.text(page.wait("qbr-empty"))
    assert f"No ticket of {CLIENT} was opened, closed or worked on" in said, said
    assert not page.find_all("qbr-tile")

    ticket_id = close_a_ticket(page)
    number = page.text(page.find("ticket-number")).strip()

    # -- Reports › QBR: the client, this quarter ------------------------------------------------
    open_qbr(page)
    # The choice made before the ticket is kept while the app runs.
    assert Select(page.find("qbr-client")).first_selected_option.text == CLIENT
    assert page.find("qbr-period-this").get_attribute("aria-pressed") == "true"
    page.until(lambda: page.find_all("qbr-tile"),
               message=lambda: page.text(page.css("main")))
    presets = invoke(page, "get_qbr_presets", {"companyId": company["id"]})
    period = presets["this_quarter"]
    text = cli_qbr(cli_bin, desk.sandbox.tf_data, CLIENT, period)
    opened, closed = map(int, re.search(r"tickets: (\d+) opened, (\d+) closed", text).groups())
    assert (opened, closed) == (1, 1), text
    assert tile_value(page, "opened") == str(opened)
    assert tile_value(page, "closed") == str(closed)
    fr = re.search(r"SLA first response met: (\S+) ", text).group(1)
    assert tile_value(page, "sla_first_response") == fr.replace("-", "–"), text
    csat = re.search(r"CSAT: average (\S+),", text).group(1)
    assert tile_value(page, "csat") == f"{csat} / 5", text
    billable = re.search(r"hours: ([\d.]+) h billable", text).group(1)
    assert tile_value(page, "billable") == f"{float(billable):.1f} h", text
    # Nothing the quarter before: the change reads as a rise from zero.
    assert page.text(page.find("qbr-tile-change", tile(page, "closed"))).endswith("+1")
    summary = page.text(page.find("qbr-summary"))
    assert CLIENT in summary and "just before" in summary, summary
    # Both targets met: the breach list says so rather than showing an empty table.
    assert re.search(r"SLA breaches: 0", text), text
    assert "No SLA target was missed" in page.text(page.find("qbr-breaches"))

    # -- Custom: it starts from the days shown; days the wrong way round are the core's refusal,
    # shown as an error with its code ---------------------------------------------------------
    page.click("qbr-period-custom")
    start = page.wait("qbr-from")
    pattern = start.get_attribute("placeholder")

    def typed(iso: str) -> str:
        y, m, d = iso.split("-")
        return pattern.replace("YYYY", y).replace("MM", m).replace("DD", d)

    assert page.value(start) == typed(period["from"])
    assert page.value(page.find("qbr-to")) == typed(period["to"])
    assert tile_value(page, "closed") == "1"
    page.type_into(page.find("qbr-to"), typed("2020-01-31"))
    shown = page.wait("error-message")
    assert shown.get_attribute("data-code") == "INVALID_INPUT", page.text(shown)
    assert "swap the dates" in page.text(shown)
    page.click("qbr-period-this")
    page.wait_gone("error-message")
    page.until(lambda: tile_value(page, "closed") == "1")

    # -- Export QBR: the pack of the figures shown, through the command the button calls (the
    # save dialog is the desktop's own), signed and verified by the CLI ------------------------
    assert page.find("qbr-export").is_enabled()
    pdf = tmp_path / "qbr.pdf"
    saved = invoke(page, "export_qbr", {"companyId": company["id"], "from": period["from"],
                                        "to": period["to"], "path": str(pdf)})
    assert saved["client"] == CLIENT and saved["tickets"] == 1, saved
    verify = subprocess.run([str(cli_bin), "--data-dir", str(desk.sandbox.tf_data),
                             "verify-report", str(pdf)], capture_output=True, text=True)
    assert verify.returncode == 0, verify.stdout + verify.stderr

    # -- A figure opens the tickets behind it, and a ticket from there --------------------------
    tile(page, "closed").click()
    listed = page.wait("qbr-tickets")
    assert page.find("qbr-tickets-count", listed).get_attribute("data-count") == "1"
    assert [r.get_attribute("data-number") for r in page.find_all("qbr-ticket")] == [number]
    tile(page, "escalations").click()
    page.until(lambda: page.find("qbr-tickets-count").get_attribute("data-count") == "0")
    assert "No ticket stands behind this figure" in page.text(page.find("qbr-tickets"))

    # -- A chart as a table of its numbers; a number there opens its tickets --------------------
    chart = page.css('[data-testid="qbr-chart"][data-key="priority"]')
    assert page.find_all("qbr-plot", chart), "the chart is drawn first"
    page.find("qbr-chart-toggle", chart).click()
    table = page.wait("qbr-chart-table")
    rows = [[c.text for c in r.find_elements(By.CSS_SELECTOR, "th, td")]
            for r in table.find_elements(By.CSS_SELECTOR, "tbody tr")]
    priority = invoke(page, "get_ticket", {"id": ticket_id})["ticket"]["priority"]
    assert [r for r in rows if r[0] == priority] == [[priority, "1", "1"]], rows
    assert all(r[1:] == ["0", "0"] for r in rows if r[0] != priority), rows
    cells = page.find_all("qbr-chart-cell", chart)
    cells[[r[0] for r in rows].index(priority) * 2 + 1].click()
    page.until(lambda: [r.get_attribute("data-number") for r in page.find_all("qbr-ticket")] == [number])
    assert priority in page.text(page.find("qbr-tickets"))

    # -- A bar of a chart opens its tickets: the rating of 5 ------------------------------------
    page.click("qbr-tickets-close")
    page.wait_gone("qbr-tickets")
    csat_chart = page.css('[data-testid="qbr-chart"][data-key="csat"]')
    plot = page.find("qbr-plot", csat_chart)
    page.scroll_into_view(plot)
    page.until(lambda: json.loads(plot.get_attribute("data-bars") or "[]"),
               message="the CSAT chart drew no bar")
    bars = json.loads(plot.get_attribute("data-bars"))
    assert [b[1] for b in bars] == [4], bars  # one bar: the rating of 5 (category 4)
    _, _, x, y = bars[0]
    over = plot.find_element(By.CSS_SELECTOR, ".u-over")
    w, h = over.size["width"], over.size["height"]
    # Selenium offsets are from the element's centre.
    ActionChains(page.d).move_to_element_with_offset(over, x - w // 2, y - h // 2).click().perform()
    listed = page.wait("qbr-tickets")
    assert "Closed tickets rated 5" in page.text(listed)
    assert [r.get_attribute("data-number") for r in page.find_all("qbr-ticket")] == [number]

    # -- Screenshots, for people to look at ----------------------------------------------------
    for w, h in ((1024, 700), (1920, 1080)):
        desk.driver.set_window_size(w, h)
        page.until(lambda: page.d.execute_script("return innerWidth") == w)
        page.d.execute_script("document.querySelector('.reports.qbr-tab').scrollTop = 0")
        page.settle()
        assert page.d.execute_script("return scrollY") == 0
        page.screenshot(shots / f"qbr-{w}x{h}.png")
        page.scroll_into_view(page.css('[data-testid="qbr-chart"][data-key="csat"]'))
        page.settle()
        page.screenshot(shots / f"qbr-charts-{w}x{h}.png")

    # -- The ticket opens from the list, and the QBR is as it was on coming back -----------------
    page.click("qbr-ticket-open")
    page.wait_hash(rf"^#/ticket/{ticket_id}$")
    Ticket(page).wait_loaded(ticket_id)
    open_qbr(page)
    page.until(lambda: page.find_all("qbr-tile"))
    assert Select(page.find("qbr-client")).first_selected_option.text == CLIENT
    assert page.find_all("qbr-chart-table"), "the priority chart is still shown as a table"


def test_every_clients_last_quarter_on_the_demo_desk_matches_the_cli(desk, cli_bin):
    """A desk with history: every client together over last quarter, the figures as the CLI
    prints them, the charts (long host names turned) photographed at both sizes."""
    page = desk.launch()
    shots = desk.artifacts.parent / "screenshots"
    shots.mkdir(exist_ok=True)
    open_qbr(page)
    page.until(lambda: len(Select(page.find("qbr-client")).options) > 1)
    Select(page.find("qbr-client")).select_by_index(0)  # All clients
    page.click("qbr-period-last")
    page.until(lambda: page.find_all("qbr-tile") or page.find_all("qbr-empty"),
               message=lambda: page.text(page.css("main")))
    period = invoke(page, "get_qbr_presets", {"companyId": None})["last_quarter"]
    out = subprocess.run([str(cli_bin), "--data-dir", str(desk.sandbox.tf_data), "qbr",
                          "--from", period["from"], "--to", period["to"]],
                         capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    opened, closed = map(int, re.search(r"tickets: (\d+) opened, (\d+) closed", out.stdout).groups())
    if opened + closed == 0:
        assert "No ticket of any client" in page.text(page.wait("qbr-empty"))
        return
    page.until(lambda: tile_value(page, "opened") == str(opened),
               message=lambda: f"opened: {tile_value(page, 'opened')} != {opened}")
    assert tile_value(page, "closed") == str(closed)
    breaches = int(re.search(r"SLA breaches: (\d+)", out.stdout).group(1))
    assert len(page.find_all("qbr-breach")) == breaches
    summary = page.text(page.find("qbr-summary"))
    assert summary.startswith("Every client") and "each client's days in its own time zone" in summary
    for w, h in ((1024, 700), (1920, 1080)):
        desk.driver.set_window_size(w, h)
        page.until(lambda: page.d.execute_script("return innerWidth") == w)
        page.d.execute_script("document.querySelector('.reports.qbr-tab').scrollTop = 0")
        page.settle()
        page.screenshot(shots / f"qbr-demo-{w}x{h}.png")
        page.scroll_into_view(page.css('[data-testid="qbr-chart"][data-key="assets"]'))
        page.settle()
        page.screenshot(shots / f"qbr-demo-charts-{w}x{h}.png")
        page.scroll_into_view(page.find("qbr-breaches"))
        page.settle()
        page.screenshot(shots / f"qbr-demo-breaches-{w}x{h}.png")


def test_every_clients_pack_for_last_quarter_goes_into_a_folder_one_verified_file_each(
        desk, cli_bin, tmp_path):
    """"Export every client's QBR…" on the demo desk: the folder dialog (the desktop's own,
    which WebDriver cannot reach) answers a temporary folder; the real command then writes one
    signed pack per client with a ticket in the quarter, the window shows each client as it is
    done and a summary, and every file verifies with `ticketflow-cli verify-report`."""
    desk.sandbox.extra["TICKETFLOW_KEYSTORE"] = "keyutils"
    page = desk.launch()
    shots = desk.artifacts.parent / "screenshots"
    shots.mkdir(exist_ok=True)
    folder = tmp_path / "q-packs"
    folder.mkdir()
    # Only the folder dialog is answered here; every other call goes through as it would. Tauri
    # keeps its invoke read-only, so the answer is given where its IPC meets the page: the fetch
    # of the command's ipc:// URL.
    shimmed = page.d.execute_script(
        """const folder = arguments[0];
        const realFetch = window.fetch.bind(window);
        window.__folderAsked = 0;
        window.fetch = (url, init) => {
          if (decodeURIComponent(String(url)).endsWith("/plugin:dialog|open")) {
            window.__folderAsked += 1;
            return Promise.resolve(new Response(JSON.stringify(folder), {
              headers: { "Tauri-Response": "ok", "Content-Type": "application/json" } }));
          }
          return realFetch(url, init);
        };
        return window.fetch !== realFetch;""", str(folder))
    assert shimmed, "the folder dialog could not be answered"
    open_qbr(page)
    page.until(lambda: len(Select(page.find("qbr-client")).options) > 1)
    page.click("qbr-period-last")
    page.until(lambda: page.find_all("qbr-tile") or page.find_all("qbr-empty"),
               message=lambda: page.text(page.css("main")))
    period = invoke(page, "get_qbr_presets", {"companyId": None})["last_quarter"]
    with_tickets = sorted(
        c["name"] for c in invoke(page, "list_companies", {})
        if invoke(page, "get_qbr", {"companyId": c["id"], "from": period["from"],
                                    "to": period["to"]})["current"]["tickets"])
    assert len(with_tickets) >= 2, with_tickets

    page.wait_enabled("qbr-batch")
    page.click("qbr-batch")
    panel = page.wait("qbr-batch-panel")
    assert page.d.execute_script("return window.__folderAsked") == 1
    # Each client as it is done: i of n, named.
    page.until(lambda: int(page.find("qbr-batch-progress").get_attribute("data-done") or 0) >= 1,
               timeout=120, message=lambda: page.text(panel))
    said = page.text(page.find("qbr-batch-progress-text"))
    m = re.match(r"Client (\d+) of (\d+) done: (.+?)( · \d+ failed)?$", said)
    assert m, said
    assert int(m.group(2)) == len(with_tickets), said
    assert m.group(3) in with_tickets, said

    summary = page.wait("qbr-batch-summary", timeout=300)
    text = page.text(summary)
    n = len(with_tickets)
    assert text.startswith(f"{n} clients: {n} packs written"), text
    assert str(folder) in text, text
    assert not page.find_all("qbr-batch-failure")
    progress = page.find("qbr-batch-progress")
    assert (progress.get_attribute("data-done"), progress.get_attribute("data-total")) == (str(n), str(n))

    files = sorted(folder.glob("*.pdf"))
    assert len(files) == n, [f.name for f in files]
    for f in files:
        verify = subprocess.run([str(cli_bin), "--data-dir", str(desk.sandbox.tf_data),
                                 "verify-report", str(f)], capture_output=True, text=True)
        assert verify.returncode == 0, f"{f.name}: {verify.stdout}{verify.stderr}"
    named = sorted(c for c in with_tickets
                   if any(re.sub(r"[^A-Za-z0-9_-]", "_", c) in f.name for f in files))
    assert named == with_tickets, [f.name for f in files]

    for w, h in ((1024, 700), (1920, 1080)):
        desk.driver.set_window_size(w, h)
        page.until(lambda: page.d.execute_script("return innerWidth") == w)
        page.d.execute_script("document.querySelector('.reports.qbr-tab').scrollTop = 0")
        page.settle()
        page.screenshot(shots / f"qbr-batch-summary-{w}x{h}.png")
